from __future__ import annotations

from typing import Optional

import libcst as cst

from memlint import matchers as m
from memlint.analysis.names import qualified_name
from memlint.analysis.rewrite import builtin_visible
from memlint.analysis.values import is_tiny
from memlint.findings import Applicability, Tier
from memlint.matching import matches
from memlint.rule import FixAvailability, Invalid, Rule, Valid

FIRST = m.Integer("0")
LAST = m.UnaryOperation(operator=m.Minus(), expression=m.Integer("1"))
# `sorted(xs)`, `sorted(xs, key=k)`, `sorted(xs, reverse=True)`: one iterable, no `*args`.
SORTED = m.Call(
    func=m.Name("sorted") | m.Attribute(attr=m.Name("sorted")),
    args=[m.Arg(keyword=None, star=""), m.ZeroOrMore(m.Arg(keyword=m.Name("key") | m.Name("reverse")))],
)
EXTREME = m.Subscript(value=SORTED, slice=[m.SubscriptElement(slice=m.Index(value=FIRST | LAST))])
TRUE = m.Name("True")
FALSE = m.Name("False")


class SortedExtremeElement(Rule):
    """
    ## What it does
    Flags `sorted(xs)[0]` and `sorted(xs)[-1]` (with or without `key=` and a literal
    `reverse=`): a whole sorted copy built to take its smallest or largest item.

    ## Why is this bad?
    `sorted` builds a new list of every item (8 bytes of pointer each, and with `key=` a second
    list of every key) and, for a generator, keeps every item alive until the sort ends, while
    `min`/`max` keep one item at a time. The classic case is
    `sorted(nx.connected_components(G), key=len, reverse=True)[0]`: every component (every node
    of the graph, in sets) is held to take the largest one, where `max(..., key=len)` holds the
    current largest and the one being read. Measured with tracemalloc on CPython 3.11, taking
    the largest of 20,000 sets of 50 ints from a generator peaks at +79.7 MB with
    `sorted(...)[0]` and at +9.0 kB with `max`. It is also O(n log n) work for an O(n) answer.

    It does not apply, and memlint stays silent, when the iterable is proven tiny
    (`sorted(a.shape)[0]`, a display of a few items), when `sorted` is not the builtin, when
    `reverse=` is not a literal `True`/`False`, and for any other index or a slice
    (`sorted(xs)[:3]` is `heapq.nsmallest`'s job, with its own trade-offs).

    ## Precision policy
    The saving grows with the iterable: reported when it is *not proven tiny*
    (analysis/values.py). The rewrite of `sorted(xs)[0]` and `sorted(xs, reverse=True)[0]` is
    also the clearer spelling, whatever the size.

    ## Example
    ```python
    largest = sorted(nx.connected_components(G), key=len, reverse=True)[0]
    lowest = sorted(prices)[0]
    ```

    Use instead:
    ```python
    largest = max(nx.connected_components(G), key=len)
    lowest = min(prices)
    ```

    ## Fix safety
    `sorted` is stable, and `reverse=True` keeps equal items in their original order, so
    `sorted(xs)[0]` is the first smallest item, as `min(xs)` returns, and
    `sorted(xs, reverse=True)[0]` the first largest, as `max(xs)` returns: the same object.
    That fix is still unsafe: on an empty iterable `IndexError` becomes `ValueError`; keys
    without a total order (`nan` among floats) can make the two pick different items; `max`
    compares with `>` where `sorted` uses `<`, which only a type defining them inconsistently
    can tell apart.

    `sorted(xs)[-1]` is the *last* of equal largest items while `max(xs)` is the *first*
    (`sorted(xs, reverse=True)[-1]` and `min(xs)` likewise): equal but distinct items (two
    components of the same size) make them return different objects. That fix is display-only.
    No fix is offered where `min`/`max` is shadowed.

    ## Overlaps
    Ruff's FURB192 (`sorted-min-max`, preview) flags the same expressions. If you run both,
    ignore one of them (`ignore = ["FURB192"]` in Ruff's settings or `ignore = ["MEM110"]` here),
    or set `ruff-compat = true` so that a `# noqa: FURB192` silences MEM110 too (docs/ruff.md).
    MEM106 reports `list(xs)[0]`, a copy made to take the first item in iteration order.

    ## References
    - Python docs, "Sorting Techniques": sort stability and `reverse`
    - Ruff's FURB192, `sorted-min-max`
    """

    code = "MEM110"
    triggers = ("sorted",)
    name = "sorted-extreme-element"
    message = "`{shown}` sorts a copy of every item to take {which}; `{cure}(...)` keeps one item at a time{ties}"
    fix_title = "Use `min()`/`max()`"
    fix_availability = FixAvailability.SOMETIMES
    tier = Tier.PREVIEW

    VALID = [
        Valid("lowest = min(prices)", "already one pass"),
        Valid("first_three = sorted(prices)[:3]", "a slice: more than one item"),
        Valid("second = sorted(prices)[1]", "not an extreme"),
        Valid("small = sorted(a.shape)[0]", "one item per dimension: tiny"),
        Valid("top = sorted((left, right))[-1]", "a display of two items"),
        Valid("top = sorted(xs, reverse=descending)[0]", "the direction is only known at run time"),
        Valid("def sorted(xs):\n    return xs\nlow = sorted(prices)[0]", "a module-level function shadows the builtin"),
        Valid("last = list(prices)[-1]", "not sorted"),
    ]
    INVALID = [
        Invalid("lowest = sorted(prices)[0]", "lowest = min(prices)", Applicability.UNSAFE),
        Invalid(
            "import networkx as nx\nlargest = sorted(nx.connected_components(G), key=len, reverse=True)[0]",
            "import networkx as nx\nlargest = max(nx.connected_components(G), key=len)",
            Applicability.UNSAFE,
            note="`reverse=True` keeps equal items in order: the first largest, as `max` returns",
        ),
        Invalid("oldest = sorted(people, key=age)[0]", "oldest = min(people, key=age)", Applicability.UNSAFE),
        Invalid(
            "newest = sorted(files, key=mtime)[-1]",
            "newest = max(files, key=mtime)",
            Applicability.DISPLAY,
            note="the last of equal items, where `max` returns the first: display only",
        ),
        Invalid(
            "least = sorted(scores, reverse=True)[-1]",
            "least = min(scores)",
            Applicability.DISPLAY,
        ),
        Invalid(
            "import builtins\nlow = (builtins.sorted(xs, reverse=False)[0])",
            "import builtins\nlow = (min(xs))",
            Applicability.UNSAFE,
        ),
        Invalid("def pick(xs, min):\n    return sorted(xs)[0]", note="`min` is shadowed here: no fix"),
    ]

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if not matches(node, EXTREME):
            return
        call = cst.ensure_type(node.value, cst.Call)
        if qualified_name(self.context, call.func) != "builtins.sorted":
            return
        reverse = _reverse(call)
        if reverse is None or is_tiny(self.context, call.args[0].value):
            return
        last = matches(cst.ensure_type(node.slice[0].slice, cst.Index).value, LAST)
        largest = reverse != last
        cure = "max" if largest else "min"
        # Ties: `[0]` is the first of equal extremes, as min/max return; `[-1]` the last.
        applicability = Applicability.DISPLAY if last else Applicability.UNSAFE
        fix = None
        if builtin_visible(self.context, node, cure):
            args = [arg for arg in call.args if not (arg.keyword is not None and arg.keyword.value == "reverse")]
            args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            replacement = cst.Call(func=cst.Name(cure), args=args, lpar=node.lpar, rpar=node.rpar)
            fix = self.make_fix(applicability, (node, replacement))
        ties = f" (but `{cure}` returns the first of equal items, `[-1]` the last)" if last else ""
        shown = "sorted(...)" + ("[-1]" if last else "[0]")
        which = "the largest" if largest else "the smallest"
        self.report(node, fix=fix, shown=shown, which=which, cure=cure, ties=ties)


def _reverse(call: cst.Call) -> Optional[bool]:
    """The literal `reverse=` of the call (False when absent); None when not a literal."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == "reverse":
            if m.matches(arg.value, TRUE):
                return True
            if m.matches(arg.value, FALSE):
                return False
            return None
    return False
