from __future__ import annotations

import libcst.matchers as m

from analysis_probe import find, probe
from memlint.analysis.retention import storage


def test_where_values_are_kept():
    rule = probe(
        """
        G = []
        def f(param, out):
            global H
            local = []
            self.a = v1
            param.append(v2)
            local.append(v3)
            G.append((v4, 1))
            H = v5
            x = v6
            out[0] = v7
            return v8
        def outer():
            box = {}
            def inner():
                box['k'] = v9
        """
    )
    found = {}
    for name in find(rule, m.Name(m.MatchRegex("v[0-9]"))):
        found[name.value] = storage(rule, name)
    assert found == {
        "v1": "on an attribute",
        "v2": "in a container that outlives the call",
        "v3": None,
        "v4": "in a container that outlives the call",
        "v5": "in a global",
        "v6": None,
        "v7": "in a container that outlives the call",
        "v8": "returned",
        "v9": None,
    }
