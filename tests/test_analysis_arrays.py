from __future__ import annotations

import libcst as cst
import libcst.matchers as m

from analysis_probe import find, probe
from memlint.analysis.accumulators import Kind
from memlint.analysis.arrays import large_kind


def values_of(rule):
    return [cst.ensure_type(a, cst.Assign).value for a in find(rule, m.Assign(targets=[m.AssignTarget(target=m.Name(m.MatchRegex("v[0-9]+")))]))]


def test_constructors_loaders_copies_and_arithmetic():
    rule = probe(
        """
        import numpy as np
        import pandas as pd
        from numpy import load as ld
        a = np.zeros(n)
        v0 = np.ones((n, m))
        v1 = ld(path)
        v2 = pd.read_parquet(path)
        v3 = a.copy()
        v4 = a * 2 + 1
        v5 = -a
        v6 = np.random.rand(n)
        v7 = np.exp(a)
        v8 = np.concatenate([a, a])
        """
    )
    kinds = [large_kind(rule, value) for value in values_of(rule)]
    assert kinds == [Kind.ARRAY, Kind.ARRAY, Kind.FRAME, Kind.ARRAY, Kind.ARRAY, Kind.ARRAY, Kind.ARRAY, Kind.ARRAY, Kind.ARRAY]


def test_small_views_unknown_and_shadowed_are_not_large():
    rule = probe(
        """
        import numpy as np
        def zeros(n):
            return [0] * n
        v0 = np.zeros(3)
        v1 = np.eye(4)
        v2 = np.array([1, 2, 3])
        v3 = np.asarray(x)
        v4 = zeros(n)
        v5 = f(x) * 2
        v6 = np.exp(x)
        v7 = np.random.rand(2, 2)
        v8 = np.random.default_rng(0)
        """
    )
    assert [large_kind(rule, value) for value in values_of(rule)] == [None] * 9


def test_a_name_is_large_only_when_every_binding_is():
    rule = probe(
        """
        import numpy as np
        def f(p, q):
            b = np.zeros(q)
            if p:
                b = None
            c = np.zeros(q)
            v0 = b * 2
            v1 = c * 2
            v2 = p * 2
        """
    )
    assert [large_kind(rule, value) for value in values_of(rule)] == [None, Kind.ARRAY, None]
