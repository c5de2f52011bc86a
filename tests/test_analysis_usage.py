"""memlint.analysis.usage: names read, mutation in a loop body, single bindings, only references."""

from __future__ import annotations

import textwrap

import libcst as cst
import libcst.matchers as m
import pytest
from libcst.metadata import MetadataWrapper, ParentNodeProvider, QualifiedNameProvider, ScopeProvider

from memlint.analysis.usage import may_mutate, names_read, only_reference_is, root_name, single_binding
from memlint.rule import LintContext, Rule


class _Probe(Rule):
    """Not registered: holds metadata so helpers can be called outside a traversal."""

    METADATA_DEPENDENCIES = (ParentNodeProvider, ScopeProvider, QualifiedNameProvider)


def _probe(code: str) -> _Probe:
    module = cst.parse_module(textwrap.dedent(code))
    return _Probe(LintContext(MetadataWrapper(module, unsafe_skip_copy=True), "probe.py", {}))


def _last_name(rule: _Probe, name: str) -> cst.Name:
    return list(m.findall(rule.context.module, m.Name(name)))[-1]


@pytest.mark.parametrize(
    ("code", "root"),
    [("a", "a"), ("a.b.c", "a"), ("a[i].b", "a"), ("a.b().c", "a"), ("f()[0]", "f"), ("(1).real", None)],
)
def test_root_name(code, root):
    assert root_name(cst.parse_expression(code)) == root


def test_names_read_skips_attribute_and_keyword_names():
    assert names_read(cst.parse_expression("zip(self.items, other, key=k)")) == {"zip", "self", "other", "k"}


@pytest.mark.parametrize(
    "body",
    [
        "d.pop(k)",
        "del d[k]",
        "d[k] = 1",
        "d.attr = 1",
        "d += [1]",
        "helper(d)",
        "helper(d.items)",
        "d.x.append(1)",
        "for d[k] in other: pass",
        "with cm() as d.handle: pass",
        "e.append(d)",  # passed on: whoever holds it may mutate it later in the loop
    ],
)
def test_may_mutate_finds_mutations(body):
    assert may_mutate([cst.parse_module(body)], {"d"})


@pytest.mark.parametrize(
    "body",
    [
        "print(d[k])",
        "x = len(d)",
        "d = {}",
        "del d",
        "v = d.get(k)",
        "helper(d[k])",
        "other.pop()",
    ],
)
def test_may_mutate_ignores_reads_and_rebinding(body):
    assert not may_mutate([cst.parse_module(body)], {"d"})


def test_may_mutate_with_no_roots_is_false():
    assert not may_mutate([cst.parse_module("d.clear()")], set())


def test_single_binding_of_assignment_with_and_param():
    rule = _probe(
        """
        def f(p: list, q):
            a = open(p)
            with open(p) as b:
                pass
            c: int = 3
            use(a, b, c, p, q)
        """
    )
    a = single_binding(rule, _last_name(rule, "a"))
    assert a is not None and a.kind == "assign" and m.matches(a.value, m.Call(func=m.Name("open")))
    b = single_binding(rule, _last_name(rule, "b"))
    assert b is not None and b.kind == "with"
    c = single_binding(rule, _last_name(rule, "c"))
    assert c is not None and m.matches(c.value, m.Integer("3")) and m.matches(c.annotation, m.Name("int"))
    p = single_binding(rule, _last_name(rule, "p"))
    assert p is not None and p.kind == "param" and m.matches(p.annotation, m.Name("list"))


@pytest.mark.parametrize(
    "code",
    [
        "def f():\n    a = 1\n    a = 2\n    use(a)\n",  # bound twice
        "def f():\n    a, b = 1, 2\n    use(a)\n",  # unpacking
        "def f():\n    for a in xs:\n        use(a)\n",  # a loop variable
        "import a\nuse(a)\n",  # an import
        "use(len)\n",  # a builtin
        "def f():\n    x = a = 1\n    use(a)\n",  # chained assignment
    ],
)
def test_single_binding_none(code):
    rule = _probe(code)
    name = _last_name(rule, "len" if "len" in code else "a")
    assert single_binding(rule, name) is None


def test_only_reference_is():
    rule = _probe(
        """
        def once():
            a = make()
            use(a)

        def twice():
            b = make()
            use(b)
            use(b)

        def dynamic():
            c = make()
            use(c)
            return locals()

        d = make()
        use(d)
        """
    )
    for name, expected in (("a", True), ("b", False), ("c", False), ("d", False)):
        use = _last_name(rule, name)
        binding = single_binding(rule, use)
        assert binding is not None, name
        assert only_reference_is(rule, binding, use) is expected, name
