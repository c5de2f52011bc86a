"""The cheap scope model (analysis/scopes.py): unit cases, and agreement with LibCST."""

from __future__ import annotations

import sysconfig
import textwrap
from pathlib import Path

import libcst as cst
import libcst.matchers as m
import pytest
from libcst.metadata import BuiltinScope, MetadataWrapper, ParentNodeProvider, QualifiedNameProvider, QualifiedNameSource, ScopeProvider

from memlint.analysis.scopes import ScopeIndex
from memlint.analysis.tree import dotted_name, full_name


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


# -- binding sites, reads (accesses) and references -----------------------------------------------


def index_for_source(source: str):
    source = textwrap.dedent(source)
    module = cst.parse_module(source)
    return module, ScopeIndex(module, has_walrus=":=" in source)


def scope_named(module: cst.Module, name: str) -> cst.CSTNode:
    (found,) = m.findall(module, m.FunctionDef(name=m.Name(name)) | m.ClassDef(name=m.Name(name)))
    return found


def test_binding_sites_are_libcst_assignment_nodes():
    module, index = index_for_source(
        """
        import os
        def f(a, *args, k=1, **kw):
            x = 1
            y: int = 2
            z: int
            x += 1
            for i, (j, *rest) in it: pass
            with cm() as w: pass
            try: pass
            except E as e: pass
            del a
            def g():
                nonlocal x
                x = 3
            class C: pass
        """
    )
    f = scope_named(module, "f")
    kinds = {name: [type(site).__name__ for site in index.assignments(f, name)] for name in index.assigned_names(f)}
    assert kinds == {
        "a": ["Param"], "args": ["Param"], "k": ["Param"], "kw": ["Param"],
        "x": ["Name", "Name", "Name"],  # x = 1, x += 1, and g's `nonlocal x; x = 3`
        "y": ["Name"], "z": ["Name"], "i": ["Name"], "j": ["Name"], "rest": ["Name"],
        "w": ["Name"], "e": ["Name"], "g": ["FunctionDef"], "C": ["ClassDef"],
    }
    assert [type(site).__name__ for site in index.assignments(module, "os")] == ["Import"]
    assert index.assignments(scope_named(module, "g"), "x") == []  # g's x belongs to f


def test_global_rebinds_belong_to_the_module():
    module, index = index_for_source("x = 1\ndef f():\n    global x\n    x = 2\n")
    assert len(index.assignments(module, "x")) == 2
    assert index.assignments(scope_named(module, "f"), "x") == []


def reads(index: ScopeIndex, scope: cst.CSTNode):
    return sorted((name, len(found)) for name, found in index.accesses(scope).items())


def test_accesses_are_reads_in_the_scope_itself():
    module, index = index_for_source(
        """
        @deco
        def f(a=default, *, b: Ann = 2) -> Ret:
            a.attr = value
            items[key] = other
            call(kw=arg)
            x, *y = pair
            del gone
            lam = lambda p=pd: p + inner
            comp = [c + outer for c in first if cond]
            class K(Base, metaclass=Meta):
                body_read
        """
    )
    f = scope_named(module, "f")
    assert reads(index, module) == [("Ann", 1), ("Ret", 1), ("deco", 1), ("default", 1)]
    assert reads(index, f) == [
        ("Base", 1), ("Meta", 1), ("a", 1), ("arg", 1), ("call", 1), ("first", 1), ("gone", 1),
        ("items", 1), ("key", 1), ("other", 1), ("pair", 1), ("pd", 1), ("value", 1),
    ]
    (lam,) = m.findall(f, m.Lambda())
    (comp,) = m.findall(f, m.ListComp())
    assert reads(index, lam) == [("inner", 1), ("p", 1)]
    assert reads(index, comp) == [("c", 1), ("cond", 1), ("outer", 1)]
    assert reads(index, scope_named(module, "K")) == [("body_read", 1)]
    assert len(index.nested_scopes(f)) == 3


def test_references_follow_resolution_into_nested_scopes():
    module, index = index_for_source(
        """
        def f():
            v = 1
            use(v)
            def g():
                return v
            def h(v):
                return v
            class C:
                v = 2
                w = v
                def m(self):
                    return v
            return [v for _ in range(3)]
        """
    )
    f = scope_named(module, "f")
    found = index.references(f, "v")
    owners = sorted(type(index.scopes(read)[0]).__name__ for read in found)
    assert owners == ["FunctionDef", "FunctionDef", "FunctionDef", "ListComp"]  # f, g, C.m, the comprehension
    assert index.reads_anywhere(f, ["range"]) and not index.reads_anywhere(f, ["eval"])


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("len(x)", "builtin"),
        ("undefined_thing(x)", "unbound"),
        ("from os import *\nlen(x)", "unknown"),
        ("def len(x): pass\nlen(x)", "Module"),
        ("def f(len):\n    len(x)", "FunctionDef"),
        ("class A:\n    len = 1\n    def f(self):\n        len(x)", "builtin"),
    ],
)
def test_binding_scope(source, expected):
    module, index = index_for_source(source)
    call = m.findall(module, m.Call(func=m.Name()))[-1]
    found = index.binding_scope(call.func, cst.ensure_type(call.func, cst.Name).value)
    assert (found if isinstance(found, str) else type(found).__name__) == expected


def test_full_name_follows_calls_and_subscripts_like_libcst():
    module = cst.parse_module("a.b(c).d\nx[0].y\n'.'.join\n")
    first, second, third = (stmt.body[0].value for stmt in module.body)
    assert full_name(first) == "a.b.d"
    assert full_name(second) == "x.y"
    assert full_name(third) is None


DIFFERENTIAL = ["heapq.py", "csv.py", "statistics.py", "shutil.py", "textwrap.py", "fractions.py", "argparse.py", "dataclasses.py"]


@pytest.mark.parametrize("name", DIFFERENTIAL)
def test_reads_and_assignments_agree_with_libcst_scope_provider(name):
    """Per scope and name: the same Name nodes read, and the same binding nodes. LibCST's own
    quirks are left out: reads inside string annotations (no Name node), dotted imports
    (`import a.b` also binds "a.b"), a walrus inside a comprehension (LibCST binds it in the
    comprehension, Python and we in the enclosing function) and match-statement captures
    (LibCST 1.0 records them as reads)."""
    path = STDLIB / name
    if not path.exists():
        pytest.skip(f"no {name} in this stdlib")
    source = path.read_text(encoding="utf-8")
    module = cst.parse_module(source)
    scopes = MetadataWrapper(module, unsafe_skip_copy=True).resolve(ScopeProvider)
    index = ScopeIndex(module, has_walrus=":=" in source)
    seen = {id(scope): scope for scope in scopes.values() if scope is not None}
    compared = 0
    for scope in seen.values():
        if isinstance(scope, BuiltinScope):
            continue
        node = getattr(scope, "node", module)
        theirs_reads = {}
        for access in scope.accesses:
            for name_node in _access_names(access):
                theirs_reads.setdefault(name_node.value, set()).add(id(name_node))
        ours_reads = {key: {id(n) for n in found} for key, found in index.accesses(node).items()}
        assert ours_reads == theirs_reads, f"{name}: reads differ in {type(node).__name__}"
        for assignment in scope.assignments:
            if "." in assignment.name:
                continue
            theirs_sites = {id(a.node) for a in scope.assignments[assignment.name]}
            ours = index.assignments(node, assignment.name)
            theirs_nodes = [a.node for a in scope.assignments[assignment.name]]
            if any(isinstance(index.parent(site), cst.NamedExpr) for site in [*ours, *theirs_nodes]):
                continue
            ours_sites = {id(site) for site in ours}
            assert ours_sites == theirs_sites, f"{name}: {assignment.name} bound differently"
            compared += 1
    assert compared > 50


def _access_names(access):
    """The Name node LibCST read (for a dotted import it moves the access to the Attribute)."""
    node = access.node
    while isinstance(node, cst.Attribute):
        node = node.value
    return [node] if isinstance(node, cst.Name) else []


@pytest.mark.parametrize(
    "source",
    [
        "import numpy as np\nX = []\ndef f():\n    X.append(1)\nclass C:\n    def m(self):\n        y = X\n",
        "X = 1\ndef f():\n    global X\n    X = 2\n",
        "def f():\n    def g():\n        global Y\n        del Y\n",
        "class C:\n    global Z\n    Z = 3\n",
    ],
)
def test_module_bindings_are_the_same_when_the_text_says_whether_it_has_global(source):
    """scope_index tells the index whether the text holds `global`: without it no function can
    rebind a module name, and the module's bindings are found without looking into functions."""
    module = cst.parse_module(source)
    told = ScopeIndex(module, has_walrus=False, has_global="global" in source).bindings(module)
    full = ScopeIndex(module, has_walrus=False).bindings(module)
    assert (told.names, told.sites, told.globals) == (full.names, full.sites, full.globals)
    if "def f():\n    global X" in source:
        assert len(full.names["X"]) == 2  # `X = 1`, and `X = 2` in f
    if "global Y" in source:
        assert "Y" in full.names  # `del Y` in g
