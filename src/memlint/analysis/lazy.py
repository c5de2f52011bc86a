"""Lazy iterables: calls and comprehensions whose elements can be produced one at a time.

`lazy_source` recognises `range zip map filter enumerate reversed iter`, `csv.reader`/
`csv.DictReader`, `os.scandir`/`os.walk`, `itertools.*` (however imported) and generator
expressions, and says whether iterating one lazily instead of from a list could be observed.

Names are resolved with the cheap scope index (analysis/scopes.py): nothing to declare.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional

import libcst as cst

from memlint import matchers as m
from memlint.analysis.effects import has_side_effects, needs_full_evaluation
from memlint.analysis.names import qualified_name
from memlint.analysis.values import comprehension_length, known_length
from memlint.matching import matches
from memlint.context import LintContext
from memlint.screen import Call, Imported, Node, Pattern

# Qualified name -> iterating it lazily is unobservable when its arguments are plain names.
LAZY_CALLABLES: Mapping[str, bool] = {
    "builtins.range": True,
    "builtins.zip": True,
    "builtins.enumerate": True,
    "builtins.reversed": True,
    "builtins.map": False,
    "builtins.filter": False,
    "builtins.iter": False,
    "csv.reader": False,
    "csv.DictReader": False,
    "os.scandir": False,
    "os.walk": False,
}
NOT_LAZY_ITERTOOLS = frozenset({"itertools.tee"})  # returns a tuple of iterators
PLAIN = m.Name() | m.Attribute() | m.Integer() | m.Float() | m.SimpleString()
ARITHMETIC = m.BinaryOperation() | m.UnaryOperation()
COMPREHENSION = m.ListComp() | m.GeneratorExp()
CALL = m.Call()


def lazy_screen(*excluded: str) -> Pattern:
    """For a rule's screen, on CPython's tree: everything `lazy_source` may recognise (but the
    callables `excluded`, by qualified name): a comprehension or generator expression, a call
    named like one of LAZY_CALLABLES, a call of anything an import takes from `itertools`."""
    names = sorted({name.rsplit(".", 1)[-1] for name in LAZY_CALLABLES if name not in excluded})
    return Node("GeneratorExp", "ListComp") | Call(*names) | Node("Call", func=Imported("itertools"))


UNRESOLVED_RANGE = m.Call(func=m.Name("range"), args=[m.AtLeastN(n=1, matcher=m.Arg(value=m.Integer(), keyword=None, star=""))])


@dataclass(frozen=True)
class LazySource:
    name: str  # "range", "itertools.chain", "a generator expression", "a list comprehension"
    unobservable: bool  # iterating it lazily (interleaved with other code) cannot be observed
    length: Optional[int]  # number of elements when the code states it


def lazy_source(context: LintContext, expr: cst.BaseExpression) -> Optional[LazySource]:
    """What lazy iterable `expr` is, or None when it is not one memlint knows."""
    if matches(expr, COMPREHENSION):
        comp = expr
        if needs_full_evaluation(comp):
            return None
        for_in = getattr(comp, "for_in")
        kind = "a generator expression" if m.matches(comp, m.GeneratorExp()) else "a list comprehension"
        return LazySource(kind, not comprehension_observable(comp), _comprehension_length(context, for_in))
    if not matches(expr, CALL):
        return None
    call = cst.ensure_type(expr, cst.Call)
    callee = qualified_name(context, call.func)
    if callee is None:
        return None
    if callee.startswith("itertools.") and callee not in NOT_LAZY_ITERTOOLS:
        return LazySource(callee, False, None)
    if callee not in LAZY_CALLABLES:
        return None
    short = callee[len("builtins."):] if callee.startswith("builtins.") else callee
    if callee == "builtins.range":
        # range's arguments are evaluated before iteration starts, and it reads nothing after.
        return LazySource(short, True, known_length(context, call))
    unobservable = LAZY_CALLABLES[callee] and all(_plain(context, arg.value) and not arg.star for arg in call.args)
    return LazySource(short, unobservable, _shortest_argument(context, callee, call))


def comprehension_observable(comp: cst.CSTNode) -> bool:
    """Would evaluating the comprehension lazily be observable (calls, awaits, walrus)?

    The first iterable is evaluated eagerly by a generator expression too, so only its
    iteration, the element, the conditions and the inner iterables count.
    """
    if m.matches(comp, m.DictComp()):
        dict_comp = cst.ensure_type(comp, cst.DictComp)
        if has_side_effects(dict_comp.key) or has_side_effects(dict_comp.value):
            return True
    elif has_side_effects(getattr(comp, "elt")):
        return True
    clause: Optional[cst.CompFor] = getattr(comp, "for_in")
    first = True
    while clause is not None:
        if (not first and has_side_effects(clause.iter)) or any(has_side_effects(c) for c in clause.ifs):
            return True
        first = False
        clause = clause.inner_for_in
    return False


def _comprehension_length(context: LintContext, for_in: cst.CompFor) -> Optional[int]:
    """The comprehension's length, also when `range` cannot be resolved (after a star import,
    `range` might be shadowed): for deciding that an iterable is too small to matter, assuming
    the builtin errs on the side of silence."""
    length = comprehension_length(context, for_in)
    if length is not None:
        return length
    total = 1
    clause: Optional[cst.CompFor] = for_in
    while clause is not None:
        part = known_length(context, clause.iter)
        if part is None and matches(clause.iter, UNRESOLVED_RANGE) and qualified_name(context, cst.ensure_type(clause.iter, cst.Call).func) is None:
            bounds = [int(cst.ensure_type(arg.value, cst.Integer).evaluated_value) for arg in cst.ensure_type(clause.iter, cst.Call).args]
            part = len(range(*bounds)) if len(bounds) < 3 or (len(bounds) == 3 and bounds[2] != 0) else None
        if part is None:
            return None
        total *= part
        clause = clause.inner_for_in
    return total


def _plain(context: LintContext, expr: cst.BaseExpression) -> bool:
    """Names, attributes, literals, arithmetic on them and `len()` of them: no user code runs
    when the lazy iterable built over them is iterated (beyond the objects' own iteration)."""
    if matches(expr, PLAIN):
        return True
    if m.matches(expr, m.BinaryOperation()):
        binary = cst.ensure_type(expr, cst.BinaryOperation)
        return _plain(context, binary.left) and _plain(context, binary.right)
    if m.matches(expr, m.UnaryOperation()):
        return _plain(context, cst.ensure_type(expr, cst.UnaryOperation).expression)
    if m.matches(expr, m.Call(func=m.Name("len"), args=[m.Arg(keyword=None, star="")])):
        call = cst.ensure_type(expr, cst.Call)
        return qualified_name(context, call.func) == "builtins.len" and _plain(context, call.args[0].value)
    return False


def _shortest_argument(context: LintContext, callee: str, call: cst.Call) -> Optional[int]:
    """zip/enumerate/reversed/map/filter: the smallest known length among their iterables."""
    iterables = [arg.value for arg in call.args if arg.keyword is None and not arg.star]
    if callee in ("builtins.map", "builtins.filter"):
        iterables = iterables[1:]
    elif callee == "builtins.enumerate":
        iterables = iterables[:1]
    elif callee not in ("builtins.zip", "builtins.reversed"):
        return None
    known = [length for length in (known_length(context, value) for value in iterables) if length is not None]
    return min(known) if known else None
