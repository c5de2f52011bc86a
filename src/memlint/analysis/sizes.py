"""Sizes that the code itself makes known: literal displays and `range()` with constant bounds.

A constant bound is an integer literal or integer arithmetic on literals (`10**6`, `1 << 20`,
`4 * 1024`), as long as the result stays within `MAX_CONSTANT_BITS` bits.
"""

from __future__ import annotations

import ast
import operator
from typing import Callable, Dict, List, Optional, Sequence

import libcst as cst
import libcst.matchers as m

from memlint.analysis.names import qualified_name
from memlint.matching import matches
from memlint.context import LintContext

DISPLAY = m.List() | m.Tuple() | m.Set() | m.Dict()
STARRED_ELEMENT = m.StarredElement() | m.StarredDictElement()
RANGE_CALL = m.Call(func=m.Name("range"))
MAX_CONSTANT_BITS = 60  # len() of any range of such bounds fits in a C ssize_t


def known_length(context: LintContext, node: cst.BaseExpression) -> Optional[int]:
    """The number of items iterating `node` yields, when the code states it; else None.

    Resolving `range` uses the cheap scope index (analysis/scopes.py): nothing to declare.
    """
    if matches(node, DISPLAY):
        elements = getattr(node, "elements")
        if any(matches(element, STARRED_ELEMENT) for element in elements):
            return None
        return len(elements)
    if m.matches(node, m.SimpleString()):
        value = cst.ensure_type(node, cst.SimpleString).evaluated_value
        return len(value)
    bounds = constant_range(context, node)
    return len(bounds) if bounds is not None else None


def constant_range(context: LintContext, node: cst.BaseExpression) -> Optional[range]:
    """The `range` object a call to the builtin `range()` with constant bounds makes; else None."""
    if not matches(node, RANGE_CALL) or qualified_name(context, cst.ensure_type(node, cst.Call).func) != "builtins.range":
        return None
    bounds = _integers(cst.ensure_type(node, cst.Call).args)
    if bounds is None or not 1 <= len(bounds) <= 3 or (len(bounds) == 3 and bounds[2] == 0):
        return None
    return range(*bounds)


def comprehension_length(context: LintContext, for_in: cst.CompFor) -> Optional[int]:
    """Items a comprehension's `for` clauses produce (before its `if`s), when all are known."""
    total = 1
    clause: Optional[cst.CompFor] = for_in
    while clause is not None:
        length = known_length(context, clause.iter)
        if length is None:
            return None
        total *= length
        clause = clause.inner_for_in
    return total


def _integers(args: Sequence[cst.Arg]) -> Optional[List[int]]:
    values = []
    for arg in args:
        value = None if arg.keyword is not None or arg.star else constant_int(arg.value)
        if value is None:
            return None
        values.append(value)
    return values


def constant_int(expr: cst.BaseExpression) -> Optional[int]:
    """The value of an integer literal, or of `+ - * // % ** <<` on such literals; else None."""
    if m.matches(expr, m.Integer()):
        return _bounded(ast.literal_eval(cst.ensure_type(expr, cst.Integer).value))
    if m.matches(expr, m.UnaryOperation(operator=m.Minus() | m.Plus())):
        unary = cst.ensure_type(expr, cst.UnaryOperation)
        inner = constant_int(unary.expression)
        if inner is None:
            return None
        return -inner if m.matches(unary.operator, m.Minus()) else inner
    if m.matches(expr, m.BinaryOperation()):
        binary = cst.ensure_type(expr, cst.BinaryOperation)
        left, right = constant_int(binary.left), constant_int(binary.right)
        operation = INTEGER_OPERATIONS.get(type(binary.operator))
        if left is None or right is None or operation is None:
            return None
        if isinstance(binary.operator, (cst.Power, cst.LeftShift)) and not 0 <= right <= MAX_CONSTANT_BITS:
            return None
        try:
            return _bounded(operation(left, right))
        except ZeroDivisionError:
            return None
    return None


def _bounded(value: int) -> Optional[int]:
    return value if value.bit_length() <= MAX_CONSTANT_BITS else None


INTEGER_OPERATIONS: Dict[type, Callable[[int, int], int]] = {
    cst.Add: operator.add,
    cst.Subtract: operator.sub,
    cst.Multiply: operator.mul,
    cst.FloorDivide: operator.floordiv,
    cst.Modulo: operator.mod,
    cst.Power: operator.pow,
    cst.LeftShift: operator.lshift,
}
