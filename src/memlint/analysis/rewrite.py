"""Small CST rewriting helpers shared by fixes: moving an expression to a new place without
breaking the syntax, noticing dropped comments, and checking a builtin is not shadowed."""

from __future__ import annotations

from typing import Iterable, Optional

import libcst as cst
import libcst.matchers as m
from libcst.metadata import BuiltinAssignment, ImportAssignment, ScopeProvider

from memlint.rule import Rule

_EMPTY_MODULE = cst.Module([])


def parenthesized(expr: cst.BaseExpression) -> cst.BaseExpression:
    """`expr` with one pair of parentheses added when it has none."""
    if expr.lpar:
        return expr
    return expr.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])


def standalone(expr: cst.BaseExpression) -> cst.BaseExpression:
    """`expr` ready to stand where any expression can: parenthesized when it is a bare generator
    expression, or when its text only parses inside brackets (a line break between tokens)."""
    if m.matches(expr, m.GeneratorExp()) or not parses(expr):
        return parenthesized(expr)
    return expr


def parses(expr: cst.BaseExpression) -> bool:
    try:
        cst.parse_expression(_EMPTY_MODULE.code_for_node(expr))
    except cst.ParserSyntaxError:
        return False
    return True


def replacing(outer: cst.BaseExpression, inner: cst.BaseExpression) -> cst.BaseExpression:
    """`inner` taking the place of `outer` (keeping `outer`'s own parentheses)."""
    moved = standalone(inner)
    if outer.lpar:
        moved = moved.with_changes(lpar=tuple(outer.lpar) + tuple(moved.lpar), rpar=tuple(moved.rpar) + tuple(outer.rpar))
    return moved


def comment_count(nodes: Iterable[cst.CSTNode]) -> int:
    return sum(len(m.findall(node, m.Comment())) for node in nodes)


def drops_comments(original: cst.CSTNode, replacement: cst.CSTNode) -> bool:
    """Would replacing `original` by `replacement` lose a comment?"""
    return comment_count([original]) > comment_count([replacement])


def builtin_visible(rule: Rule, node: cst.CSTNode, name: str) -> bool:
    """Does `name` at `node` mean the builtin (no assignment or import shadows it)?

    Needs `ScopeProvider` in the rule's METADATA_DEPENDENCIES.
    """
    scope = rule.get_metadata(ScopeProvider, node, None)
    if scope is None:
        return False
    assignments = list(scope[name])
    return bool(assignments) and all(isinstance(a, BuiltinAssignment) for a in assignments)


def visible_import(rule: Rule, node: cst.CSTNode, qualified: str) -> Optional[str]:
    """How to spell the module-level import `qualified` (a module like "itertools", or a
    function like "itertools.islice") at `node`: "itertools.islice", "it.islice" or "islice";
    None when the module does not import it or a local name shadows the import here.

    Needs `ScopeProvider` in the rule's METADATA_DEPENDENCIES.
    """
    scope = rule.get_metadata(ScopeProvider, node, None)
    if scope is None:
        return None
    module_scope = scope.globals
    module, _, attribute = qualified.rpartition(".")
    spellings = []
    for assignment in module_scope.assignments:
        if not isinstance(assignment, ImportAssignment):
            continue
        names = {q.name for q in module_scope.get_qualified_names_for(assignment.name)}
        if names == {qualified}:
            spellings.append((0, assignment.name, assignment))
        elif module and names == {module}:
            spellings.append((1, f"{assignment.name}.{attribute}", assignment))
    for _, spelled, assignment in sorted(spellings, key=lambda item: (item[0], item[1])):
        visible = list(scope[assignment.name])
        if len(visible) == 1 and visible[0] is assignment:
            return spelled  # the function imported by name first, then through its module
    return None
