"""Small CST rewriting helpers shared by fixes: moving an expression to a new place without
breaking the syntax, noticing dropped comments, and checking a builtin is not shadowed."""

from __future__ import annotations

from typing import Iterable, Optional

import libcst as cst

from memlint import matchers as m
from memlint.analysis.scopes import scope_index
from memlint.context import LintContext
from memlint.traversal import findall

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
    return sum(len(findall(node, m.Comment())) for node in nodes)


def drops_comments(original: cst.CSTNode, replacement: cst.CSTNode) -> bool:
    """Would replacing `original` by `replacement` lose a comment?"""
    return comment_count([original]) > comment_count([replacement])


def builtin_visible(context: LintContext, node: cst.CSTNode, name: str) -> bool:
    """Does `name` at `node` mean the builtin (no assignment or import shadows it, and no star
    import may)? Uses the cheap scope index (analysis/scopes.py)."""
    return scope_index(context).binding_scope(node, name) == "builtin"


def visible_import(context: LintContext, node: cst.CSTNode, qualified: str) -> Optional[str]:
    """How to spell the module-level import `qualified` (a module like "itertools", or a
    function like "itertools.islice") at `node`: "itertools.islice", "it.islice" or "islice";
    None when the module does not import it or a local name shadows the import here.
    Uses the cheap scope index (analysis/scopes.py).
    """
    index = scope_index(context)
    module_scope = index.module
    bindings = index.bindings(module_scope)
    module, _, attribute = qualified.rpartition(".")
    spellings = []
    for name, imported in bindings.names.items():
        if len(imported) != 1 or len(index.assignments(module_scope, name)) != 1:
            continue  # bound more than once (or deleted): not one import
        if imported[0] == qualified:
            spellings.append((0, name, name))
        elif module and imported[0] == module:
            spellings.append((1, f"{name}.{attribute}", name))
    for _, spelled, name in sorted(spellings):
        if index.binding_scope(node, name) is module_scope:
            return spelled  # the function imported by name first, then through its module
    return None
