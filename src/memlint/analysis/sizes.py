"""Sizes that the code itself makes known: literal displays and `range()` with constant bounds."""

from __future__ import annotations

import ast
from typing import List, Optional, Sequence

import libcst as cst
import libcst.matchers as m

from memlint.analysis.names import qualified_name
from memlint.rule import Rule

DISPLAY = m.List() | m.Tuple() | m.Set() | m.Dict()
STARRED_ELEMENT = m.StarredElement() | m.StarredDictElement()
INTEGER = m.Integer() | m.UnaryOperation(operator=m.Minus(), expression=m.Integer())
RANGE_CALL = m.Call(func=m.Name("range"))


def known_length(rule: Rule, node: cst.BaseExpression) -> Optional[int]:
    """The number of items iterating `node` yields, when the code states it; else None.

    Resolving `range` uses the cheap scope index (analysis/scopes.py): nothing to declare.
    """
    if m.matches(node, DISPLAY):
        elements = getattr(node, "elements")
        if any(m.matches(element, STARRED_ELEMENT) for element in elements):
            return None
        return len(elements)
    if m.matches(node, m.SimpleString()):
        value = cst.ensure_type(node, cst.SimpleString).evaluated_value
        return len(value)
    if m.matches(node, RANGE_CALL) and qualified_name(rule, cst.ensure_type(node, cst.Call).func) == "builtins.range":
        bounds = _integers(cst.ensure_type(node, cst.Call).args)
        if bounds is not None and 1 <= len(bounds) <= 3 and (len(bounds) < 3 or bounds[2] != 0):
            return len(range(*bounds))
    return None


def comprehension_length(rule: Rule, for_in: cst.CompFor) -> Optional[int]:
    """Items a comprehension's `for` clauses produce (before its `if`s), when all are known."""
    total = 1
    clause: Optional[cst.CompFor] = for_in
    while clause is not None:
        length = known_length(rule, clause.iter)
        if length is None:
            return None
        total *= length
        clause = clause.inner_for_in
    return total


def _integers(args: Sequence[cst.Arg]) -> Optional[List[int]]:
    values = []
    for arg in args:
        if arg.keyword is not None or arg.star or not m.matches(arg.value, INTEGER):
            return None
        values.append(ast.literal_eval(cst.Module([]).code_for_node(arg.value)))
    return values
