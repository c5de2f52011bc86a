"""memlint.analysis.tree: name chains, targets, parameters and the visitor bases."""

from __future__ import annotations

from typing import List, Tuple

import libcst as cst
import pytest

from memlint.analysis.tree import (
    SameScopeVisitor,
    TargetVisitor,
    base_name,
    dotted_name,
    full_name,
    parameters,
    root_name,
    target_names,
    visit_body,
)
from memlint.traversal import visit_read_only


@pytest.mark.parametrize(
    ("code", "dotted", "full", "root", "base"),
    [
        ("a", "a", "a", "a", "a"),
        ("a.b.c", "a.b.c", "a.b.c", "a", "a"),
        ("a[i].c", None, "a.c", "a", "a"),
        ("a.b(x).c", None, "a.b.c", "a", None),
        ("f()[0]", None, "f", "f", None),
        ("(1).real", None, None, None, None),
    ],
)
def test_name_chains(code, dotted, full, root, base):
    expr = cst.parse_expression(code)
    assert (dotted_name(expr), full_name(expr), root_name(expr), base_name(expr)) == (dotted, full, root, base)


def test_target_names_unpack():
    target = cst.parse_statement("a, (b.c, *d), e[0] = x").body[0].targets[0].target
    assert target_names(target) == ["a", "d"]


def test_parameters_in_order_of_kind():
    function = cst.parse_statement("def f(a, /, b, *args, c, **kw): pass")
    assert [p.name.value for p in parameters(function.params)] == ["a", "b", "c", "args", "kw"]


class _Targets(TargetVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.seen: List[Tuple[str, str]] = []

    def on_target(self, target, kind, owner):
        self.seen.append((kind, cst.Module([]).code_for_node(target)))


def test_target_visitor_sees_every_binding_kind():
    code = (
        "a = b = 1\nc: int = 2\nd += 3\nfor e in f: pass\n[g for g in h]\n(i := 4)\ndel j\n"
        "with k as l: pass\ntry:\n    pass\nexcept E as m:\n    pass\n"
    )
    visitor = _Targets()
    visit_read_only(cst.parse_module(code), visitor)
    assert visitor.seen == [
        ("assign", "a"), ("assign", "b"), ("annotated", "c"), ("augmented", "d"), ("for", "e"),
        ("comprehension", "g"), ("walrus", "i"), ("del", "j"), ("with", "l"), ("except", "m"),
    ]


class _Names(SameScopeVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: List[str] = []

    def visit_Name(self, node: cst.Name) -> None:
        self.names.append(node.value)


def test_same_scope_visitor_and_visit_body_stay_in_the_scope():
    function = cst.parse_statement("@deco\ndef f(p):\n    x = 1\n    def g():\n        y = 2\n    lambda: z\n")
    visitor = _Names()
    visit_body(function, visitor)
    assert visitor.names == ["x"]
