"""memlint.analysis.iteration, lazy and rewrite: iteration sites, lazy sources, fix helpers."""

from __future__ import annotations

import textwrap

import libcst as cst
import libcst.matchers as m
import pytest
from libcst.metadata import MetadataWrapper

from memlint import matchers
from memlint.analysis.iteration import comprehension_sites, for_site, iterated_parts
from memlint.analysis.lazy import lazy_source
from memlint.analysis.rewrite import builtin_visible, drops_comments, replacing, standalone, visible_import
from memlint.context import LintContext


def _probe(code: str) -> LintContext:
    module = cst.parse_module(textwrap.dedent(code))
    return LintContext(MetadataWrapper(module, unsafe_skip_copy=True), "probe.py", {})


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


def test_for_site_body_and_async():
    module = cst.parse_module("for x in xs:\n    use(x)\n")
    loop = cst.ensure_type(module.body[0], cst.For)
    site = for_site(loop)
    assert site is not None and site.iterable is loop.iter and not site.deferred
    async_loop = cst.parse_module("async def f():\n    async for x in xs:\n        pass\n")
    inner = list(m.findall(async_loop, m.For()))[0]
    assert for_site(cst.ensure_type(inner, cst.For)) is None


def test_comprehension_sites_bodies_and_deferral():
    gen = cst.ensure_type(cst.parse_expression("(f(x, y) for x in a if p(x) for y in b(x))"), cst.GeneratorExp)
    first, second = comprehension_sites(gen)
    assert _code(first.iterable) == "a" and first.deferred
    assert {_code(n).strip() for n in first.body} == {"if p(x)", "b(x)", "f(x, y)"}
    assert _code(second.iterable) == "b(x)" and not second.deferred
    assert {_code(n) for n in second.body} == {"f(x, y)"}
    listcomp = cst.ensure_type(cst.parse_expression("[x for x in a]"), cst.ListComp)
    assert not comprehension_sites(listcomp)[0].deferred


def test_iterated_parts_looks_inside_enumerate_and_zip_only():
    rule = _probe("enumerate(a[1:], b[1:])\nzip(a[1:], b[2:])\nmap(f, a[1:])\n")
    sliced = matchers.Subscript()
    calls = [cst.ensure_type(s, cst.SimpleStatementLine).body[0] for s in rule.module.body]
    parts = [[_code(p) for p in iterated_parts(rule, cst.ensure_type(c, cst.Expr).value, sliced)] for c in calls]
    assert parts == [["a[1:]"], ["a[1:]", "b[2:]"], []]


@pytest.mark.parametrize(
    ("code", "name", "unobservable", "length"),
    [
        ("range(10)", "range", True, 10),
        ("range(n)", "range", True, None),
        ("range(f())", "range", True, None),
        ("zip(a, b.c)", "zip", True, None),
        ("zip(a, f())", "zip", False, None),
        ("enumerate([1, 2])", "enumerate", False, 2),
        ("enumerate(a, 1)", "enumerate", True, None),
        ("map(f, a)", "map", False, None),
        ("iter(f, '')", "iter", False, None),
        ("import itertools\nitertools.chain(a, b)", "itertools.chain", False, None),
        ("from os import scandir\nscandir(p)", "os.scandir", False, None),
        ("(x * 2 for x in a)", "a generator expression", True, None),
        ("[f(x) for x in a]", "a list comprehension", False, None),
        ("[x for x in range(5)]", "a list comprehension", True, 5),
    ],
)
def test_lazy_source(code, name, unobservable, length):
    rule = _probe(code)
    last = cst.ensure_type(rule.module.body[-1], cst.SimpleStatementLine).body[0]
    source = lazy_source(rule, cst.ensure_type(last, cst.Expr).value)
    assert source is not None
    assert (source.name, source.unobservable, source.length) == (name, unobservable, length)


@pytest.mark.parametrize("code", ["sorted(a)", "data", "import itertools\nitertools.tee(a)", "[a.pop() for _ in b]", "def range(n):\n    pass\nrange(5)"])
def test_not_lazy(code):
    rule = _probe(code)
    last = cst.ensure_type(rule.module.body[-1], cst.SimpleStatementLine).body[0]
    assert lazy_source(rule, cst.ensure_type(last, cst.Expr).value) is None


def test_standalone_and_replacing_add_parentheses_only_when_needed():
    assert _code(standalone(cst.parse_expression("range(n)"))) == "range(n)"
    gen = cst.ensure_type(cst.parse_expression("f(x for x in y)"), cst.Call).args[0].value
    assert _code(standalone(gen)) == "(x for x in y)"
    call = cst.ensure_type(cst.parse_expression("list(a\n.b)"), cst.Call)
    assert _code(replacing(call, call.args[0].value)) == "(a\n.b)"
    wrapped = cst.ensure_type(cst.parse_expression("(list(r))"), cst.Call)
    assert _code(replacing(wrapped, wrapped.args[0].value)) == "(r)"


def test_drops_comments():
    call = cst.ensure_type(cst.parse_expression("list(  # note\n    r\n)"), cst.Call)
    assert drops_comments(call, call.args[0].value)
    assert not drops_comments(call, call)


def test_builtin_visible_and_visible_import():
    rule = _probe(
        """
        import itertools as it
        from itertools import islice
        def f(sum):
            return sum
        def g():
            islice = None
            return islice
        total = sum
        """
    )
    names = list(m.findall(rule.module, m.Name("sum")))
    assert not builtin_visible(rule, names[1], "sum")  # inside f: the parameter
    assert builtin_visible(rule, names[-1], "sum")
    ret = list(m.findall(rule.module, m.Return()))
    assert visible_import(rule, ret[0], "itertools.islice") == "islice"
    assert visible_import(rule, ret[1], "itertools.islice") == "it.islice"  # `islice` is shadowed in g
    assert visible_import(rule, ret[0], "collections.deque") is None
