"""MEM401, MEM402, MEM501, MEM502, MEM603, MEM606 fixes: the fixed code computes what the original did.

Each case is a module defining `main(*args)`; the original and the fixed version run on the same
inputs and must return equal results (arrays compared as lists). Fixes must also re-parse, leave
no finding of their rule, and be idempotent.
"""

from __future__ import annotations

import os
import sys
import tempfile
import textwrap
import types

import libcst as cst
import pytest

from memlint.api import lint_source
from memlint.registry import find_rule
from memlint.testing import config_for

np = pytest.importorskip("numpy")

CASES = [
    (
        "MEM401",
        """
        import numpy as np
        def main(path, steps):
            np.save(path + ".npy", np.arange(6.0))
            a = np.zeros(3)
            total = 0.0
            for i in range(steps):
                a = np.load(path + ".npy") * (i + 1)
                total += float(a.sum())
            return total, a.tolist()
        """,
        [(None, 3), (None, 0), (None, 1)],
    ),
    (
        "MEM401",
        """
        import numpy as np
        def main(path, steps):
            np.save(path + ".npy", np.array([1.0, 2.0]))
            data = np.load(path + ".npy")
            out = np.zeros(len(data))
            seen = []
            while len(seen) < steps:
                out = data * 2.0 + len(seen)
                seen.append(out.tolist())
            return seen, out.tolist()
        """,
        [(None, 3), (None, 0)],
    ),
    (
        "MEM402",
        """
        import numpy as np
        def main(n, steps):
            a = np.ones(n)
            for step in steps:
                a = a * 0.5 + step
            return a.tolist()
        """,
        [(4, [1.0, 2.0, 3.0]), (2, [])],
    ),
    (
        "MEM402",
        """
        import numpy as np
        def main(values, k):
            grid = np.array(values, dtype=float).copy()
            for _ in range(k):
                grid = (grid - 1.0) / 2.0
            return grid.tolist()
        """,
        [([1.0, 5.0, 9.0], 3), ([2.0], 0)],
    ),
    (
        "MEM402",
        """
        import numpy as np
        def main(n, steps):
            F = np.arange(float(n)) / 3.0
            B = np.linspace(-1.0, 1.0, n)
            for s in steps:
                F = s * F + B
            return F.tolist()
        """,
        [(5, [0.1, 3.0, -7.5]), (3, [])],
    ),
    (
        "MEM402",
        """
        import numpy as np
        def main(n, rates):
            w = np.full(n, 0.7)
            bias = np.arange(n) * 1e-3
            for rate in rates:
                w = bias + w * (1 - rate)
            return w.tolist()
        """,
        [(4, [0.01, 0.3]), (2, [])],
    ),
    (
        "MEM501",
        """
        import json, pickle
        def main(path, obj):
            with open(path + ".pkl", "wb") as f:
                f.write(pickle.dumps(obj, protocol=4))
            with open(path + ".json", "w") as g:
                g.write(json.dumps(obj, sort_keys=True))
            with open(path + ".pkl", "rb") as f:
                first = pickle.load(f)
            with open(path + ".json") as g:
                second = json.load(g)
            return first, second
        """,
        [(None, {"a": [1, 2, 3], "b": "x"}), (None, [])],
    ),
    (
        "MEM502",
        """
        import pickle
        def main(path, obj):
            with open(path, "wb") as f:
                pickle.dump(obj, f)
            with open(path, "rb") as f:
                return pickle.loads(f.read())
        """,
        [(None, {"k": (1, 2.5, "s")}), (None, list(range(100)))],
    ),
    (
        "MEM603",
        """
        def collect(item, seen=[]):
            '''Collect items.'''
            seen.append(item)
            return list(seen)
        def main(items):
            return [collect(i, []) for i in items] + [collect(0, [9]), collect(5)]
        """,
        [([],), ([1],)],
    ),
    (
        "MEM603",
        """
        import heapq
        def push(x, heap=list(), *, log={}):
            heapq.heappush(heap, x)
            log[x] = len(heap)
            return sorted(heap), dict(log)
        def main(xs):
            return [push(x, [], log={}) for x in xs] + [push(1, [0], log={}), push(7)]
        """,
        [([3, 1, 2],), ([],)],
    ),
]

if sys.version_info >= (3, 10):
    CASES.append(
        (
            "MEM606",
            """
            from dataclasses import dataclass
            @dataclass(frozen=True)
            class Point:
                x: float
                y: float
            def main(pairs):
                pts = [Point(x, y) for x, y in pairs]
                return [(p.x + p.y, p == Point(p.x, p.y)) for p in pts]
            """,
            [([(1.0, 2.0), (3.0, 4.0)],), ([],)],
        )
    )


def run(source, args, path):
    """Run `main(*args)` in a fresh module (registered: dataclasses look their module up);
    a first argument None stands for a scratch file path. Each run calls a function with a
    mutable default once without the argument, so the original and the fix agree (MEM603
    changes behaviour only across such calls: that is the point of the fix)."""
    module = types.ModuleType("fix_case")
    sys.modules["fix_case"] = module
    try:
        exec(compile(source, "<case>", "exec"), module.__dict__)
        if args and args[0] is None:
            args = (path,) + tuple(args[1:])
        return module.main(*args)
    finally:
        del sys.modules["fix_case"]


@pytest.mark.parametrize(("code", "source", "inputs"), CASES, ids=[f"{c}-{i}" for i, (c, _, _) in enumerate(CASES)])
def test_fixed_code_behaves_the_same(code, source, inputs):
    source = textwrap.dedent(source).lstrip("\n")
    rule = find_rule(code)
    config = config_for(rule, {})
    before = lint_source(source, "case.py", config)
    assert before.findings and {f.code for f in before.findings} == {code}, before.findings
    fixed = lint_source(source, "case.py", config, fix=True, unsafe_fixes=True)
    assert fixed.fixed_source is not None and fixed.fixed_source != source
    cst.parse_module(fixed.fixed_source)
    assert not [f for f in lint_source(fixed.fixed_source, "case.py", config).findings if f.fix is not None]
    again = lint_source(fixed.fixed_source, "case.py", config, fix=True, unsafe_fixes=True)
    assert again.fixed_source is None  # idempotent
    with tempfile.TemporaryDirectory() as tmp:
        for args in inputs:
            original = run(source, args, os.path.join(tmp, "a"))
            assert run(fixed.fixed_source, args, os.path.join(tmp, "b")) == original, args
