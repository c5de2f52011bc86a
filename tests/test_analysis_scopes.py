"""The cheap scope model (analysis/scopes.py): unit cases, and agreement with LibCST."""

from __future__ import annotations

import sysconfig
import textwrap
from pathlib import Path

import libcst as cst
import libcst.matchers as m
import pytest
from libcst.metadata import MetadataWrapper, ParentNodeProvider, QualifiedNameProvider, QualifiedNameSource

from memlint.analysis.scopes import ScopeIndex, dotted_name


def resolve_calls(source: str):
    """Qualified name of every call's callee, in source order."""
    source = textwrap.dedent(source)
    module = cst.parse_module(source)
    index = ScopeIndex(module, has_walrus=":=" in source)
    calls = m.findall(module, m.Call())
    return [index.qualified_name(call.func) for call in calls]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("sum(x)", ["builtins.sum"]),
        ("import numpy as np\nnp.append(a, b)", ["numpy.append"]),
        ("import numpy\nnumpy.linalg.norm(a)", ["numpy.linalg.norm"]),
        ("import os.path\nos.path.join(a)", ["os.path.join"]),
        ("import os.path as osp\nosp.join(a)", ["os.path.join"]),
        ("from numpy import append as app\napp(a, b)", ["numpy.append"]),
        ("from . import helpers\nhelpers.run()", [".helpers.run"]),
        ("from ..pkg import tool\ntool()", ["..pkg.tool"]),
        ("def sum(x):\n    pass\nsum(y)", ["sum"]),
        ("def f(sum):\n    return sum(x)", ["f.<locals>.sum"]),
        ("def f():\n    sum = g\n    return sum(x)", ["f.<locals>.sum"]),
        ("from mymod import max\nmax(x)", ["mymod.max"]),
        ("if c:\n    from mymod import min\nmin(x)", ["mymod.min"]),
        ("try:\n    import simplejson as json\nexcept ImportError:\n    import json\njson.loads(s)", [None]),
        ("try:\n    import ujson as json\nexcept ImportError:\n    json = None\njson.loads(s)", [None]),
        ("from os import *\nlen(x)", [None]),
        ("class A:\n    len = 3\n    x = len(y)\n    def f(self):\n        return len(y)", ["A.len", "builtins.len"]),
        ("class A:\n    list = 3\n    x = [list(v) for v in y]", ["builtins.list"]),
        ("import numpy as np\ndef f():\n    import cupy as np\n    np.zeros(3)", ["cupy.zeros"]),
        ("import numpy as np\ndef f():\n    global np\n    np = g()\n    np.zeros(3)", [None, None]),
        ("import numpy as np\ndef f():\n    global np\n    np.zeros(3)", ["numpy.zeros"]),
        ("def outer():\n    def inner():\n        nonlocal total\n        total(x)\n    total = h", ["outer.<locals>.total"]),
        ("f = lambda sum: sum(x)", ["<lambda>.<locals>.sum"]),
        ("[sum(v) for sum in fns]", ["<comprehension>.sum"]),
        ("[v for v in sum(x)]", ["builtins.sum"]),
        ("def f(x=sorted(y)):\n    sorted = 1", ["builtins.sorted"]),
        ("if (n := len(a)) > 3:\n    n(1)", ["builtins.len", "n"]),
        ("def f():\n    [y for y in x if (z := y)]\n    z()", ["f.<locals>.z"]),
        ("with open(p) as open:\n    open(q)", ["open", "open"]),
        ("for print in handlers:\n    print(x)", ["print"]),
        ("import numpy as np\ndel np\nnp.zeros(1)", [None]),
        ("x.y.z()", [None]),
        ("f()()", [None, None]),
    ],
)
def test_resolution(source, expected):
    assert resolve_calls(source) == expected


def test_dotted_name():
    module = cst.parse_module("a.b.c\nf().b\n")
    first, second = (stmt.body[0].value for stmt in module.body)
    assert dotted_name(first) == "a.b.c"
    assert dotted_name(second) is None


STDLIB = Path(sysconfig.get_paths()["stdlib"])
SAMPLES = ["heapq.py", "json/decoder.py", "csv.py", "statistics.py", "shutil.py", "textwrap.py", "fractions.py"]


def test_agrees_with_libcst_on_imports_and_builtins():
    """Where LibCST names one import or builtin, we give the same name or (more cautious) None;
    we never name an import or a builtin where LibCST sees a local binding."""
    agreed = 0
    for name in SAMPLES:
        path = STDLIB / name
        if not path.exists():
            continue
        source = path.read_text(encoding="utf-8")
        module = cst.parse_module(source)
        theirs_table = MetadataWrapper(module, unsafe_skip_copy=True).resolve(QualifiedNameProvider)
        index = ScopeIndex(module, has_walrus=":=" in source)
        for call in m.findall(module, m.Call()):
            dotted = dotted_name(call.func)
            if dotted is None:
                continue
            theirs = theirs_table.get(call.func)
            theirs = theirs() if callable(theirs) else (theirs or set())
            ours = index.qualified_name(call.func)
            external = {q for q in theirs if q.source in (QualifiedNameSource.IMPORT, QualifiedNameSource.BUILTIN)}
            if len(theirs) == 1 and len(external) == 1:
                (q,) = external
                if q.source is QualifiedNameSource.BUILTIN and "." in dotted:
                    continue  # LibCST drops the attribute of `dict.get`; we keep it
                assert ours in (q.name, None), f"{name}: {dotted}: LibCST {q.name}, ours {ours}"
                agreed += ours == q.name
            elif theirs and not external and ours is not None:
                assert not ours.startswith("builtins."), f"{name}: {dotted} is local, ours {ours}"
    assert agreed > 200


def test_parent_table_matches_libcst_parent_provider():
    source = (STDLIB / "heapq.py").read_text(encoding="utf-8")
    module = cst.parse_module(source)
    theirs = MetadataWrapper(module, unsafe_skip_copy=True).resolve(ParentNodeProvider)
    index = ScopeIndex(module, has_walrus=False)
    for node, parent in theirs.items():
        assert index.parent(node) is parent
