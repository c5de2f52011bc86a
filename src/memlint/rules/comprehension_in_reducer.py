from __future__ import annotations

from typing import Mapping, Optional, Tuple

import libcst as cst

from memlint import matchers as m
from memlint.analysis.effects import has_side_effects, needs_full_evaluation
from memlint.analysis.usage import calls_unseen_code, exposed_roots, names_read
from memlint.analysis.names import qualified_name, short_name
from memlint.analysis.estimates import comprehension_estimate
from memlint.analysis.values import comprehension_length
from memlint.findings import Applicability
from memlint.matching import matches
from memlint.rule import FixAvailability, Invalid, Option, Rule, Valid
from memlint.screen import Call, Node

COMPREHENSION = m.ListComp() | m.SetComp()
PLAIN_POSITIONAL = m.Arg(keyword=None, star="")
TRIVIAL_WHITESPACE = m.SimpleWhitespace()


class Consumer:
    """A callee that consumes any iterable once: where its iterable goes and what it tolerates."""

    def __init__(self, position: int, takes_sets: bool, short_circuits: bool = False, sole_positional: bool = False) -> None:
        self.position = position  # index of the iterable among the positional arguments
        self.takes_sets = takes_sets  # duplicates cannot change the result
        self.short_circuits = short_circuits  # stops early: lazy evaluation is observable
        self.sole_positional = sole_positional  # min(a, b) compares its arguments instead


CONSUMERS: Mapping[str, Consumer] = {
    "builtins.sum": Consumer(0, takes_sets=False),
    "builtins.min": Consumer(0, takes_sets=True, sole_positional=True),
    "builtins.max": Consumer(0, takes_sets=True, sole_positional=True),
    "builtins.any": Consumer(0, takes_sets=True, short_circuits=True),
    "builtins.all": Consumer(0, takes_sets=True, short_circuits=True),
    "builtins.sorted": Consumer(0, takes_sets=False),
    "math.fsum": Consumer(0, takes_sets=False),
    "math.prod": Consumer(0, takes_sets=False),
    "heapq.nlargest": Consumer(1, takes_sets=False),
    "heapq.nsmallest": Consumer(1, takes_sets=False),
    "collections.Counter": Consumer(0, takes_sets=False),
}


class ComprehensionInReducer(Rule):
    """
    ## What it does
    Flags a list (or set) comprehension passed straight to a function that consumes any
    iterable once: `sum`, `min`, `max`, `any`, `all`, `sorted`, `math.fsum`, `math.prod`,
    `heapq.nlargest`, `heapq.nsmallest` and `collections.Counter`, however they are imported.

    ## Why is this bad?
    The comprehension builds the whole list before the consumer sees its first element, so peak
    memory grows with the input: 8 bytes of pointer per element plus every element object, all
    alive at once. A generator expression hands over one element at a time. Measured with
    tracemalloc on CPython 3.11, `sum([x * x for x in data])` over 1,000,000 floats peaks at
    +32 MB; `sum(x * x for x in data)` at under 1 kB.

    It does not apply, and memlint stays silent, when:
    - the consumer is `str.join` (it builds a list from its argument anyway), a numpy reducer, or
      `statistics.*` (they copy their input);
    - the name is not the builtin or library function: a local `sum`, a parameter called `max`,
      `from mymod import min`;
    - the iterable's size is known from the code and small (a literal display or a constant
      `range()` below `small-iterable-size` elements in total);
    - a set comprehension feeds a consumer where duplicates matter (`sum`, `sorted`, `Counter`);
    - the comprehension visibly depends on being evaluated in full (a walrus, `await`, an async
      comprehension, or a mutating call such as `.pop()` or `.append()`).

    ## Example
    ```python
    total = sum([x * x for x in data])
    ```

    Use instead:
    ```python
    total = sum(x * x for x in data)
    ```

    ## Fix safety
    The fix is safe when the element and the conditions make no calls (and contain no `await`,
    `yield` or walrus) and the consumer does not short-circuit. It is unsafe when they call
    code, because that code now runs interleaved with the consumer; for `any` and `all`, which
    stop at the first decisive element, so later elements are no longer evaluated (nor their
    errors raised); for set comprehensions, which no longer hash the elements; and when a
    `key=` function memlint cannot see (not a pure builtin, a query method or a lambda calling
    only those) is given while the comprehension reads state other code may reach (a global, a
    parameter, an attribute, its elements' attributes): `min`, `max` and `heapq` call the key
    between elements, so it could change the elements not yet produced. Parentheses
    are added when the call has other arguments, and comments inside the brackets are kept.

    ## Options
    - `small-iterable-size`: comprehensions whose total length is known from the code and
      below this number are not reported.

    ## Overlaps
    Ruff's C419 (`unnecessary-comprehension-in-call`, flake8-comprehensions) flags `any`/`all`
    and, in preview, `sum`/`min`/`max`. If you run both, ignore one of them for those calls:
    `ignore = ["C419"]` in Ruff's settings, or `per-file-ignores`/`ignore = ["MEM101"]` here.

    ## References
    - PEP 289, Generator Expressions
    - seed `003`: memory_profiler on `sum` of a list comprehension vs a generator
    """

    code = "MEM101"
    triggers = ("sum|min|max|any|all|sorted|fsum|prod|nlargest|nsmallest|Counter",)
    screen = (Call(*(name.rsplit(".", 1)[1] for name in CONSUMERS), arg=Node("ListComp", "SetComp")),)
    name = "comprehension-in-reducer"
    message = "`{consumer}()` of a {kind} comprehension builds the whole {kind} first; pass a generator expression"
    fix_title = "Replace the comprehension with a generator expression"
    fix_availability = FixAvailability.ALWAYS
    options = {
        "small-iterable-size": Option(
            1000, "iterables of known length below this are not reported"
        ),
    }

    VALID = [
        Valid("total = sum(x * x for x in data)", "already a generator expression"),
        Valid('line = ", ".join([str(x) for x in data])', "str.join materializes its argument anyway"),
        Valid(
            """
            def sum(values):
                return 0
            total = sum([x for x in data])
            """,
            "a module-level function shadows the builtin",
        ),
        Valid(
            """
            def total(sum, data):
                return sum([x for x in data])
            """,
            "a parameter shadows the builtin",
        ),
        Valid("from mymod import max\nbiggest = max([x for x in data])", "not the builtin"),
        Valid("total = sum([x * x for x in range(100)])", "small constant range"),
        Valid("total = sum([x * 2 for x in (1, 2, 3)])", "small literal display"),
        Valid(
            "total = sum([x for x in range(5000)])",
            "the threshold is an option",
            options={"small-iterable-size": 10000},
        ),
        Valid("total = sum({x for x in data})", "de-duplication changes the sum"),
        Valid("last = max([(seen := x) for x in data])", "walrus: relies on full evaluation"),
        Valid("drained = sum([stack.pop() for _ in items])", "a mutating call in the element"),
        Valid(
            """
            async def total(source):
                return sum([x async for x in source])
            """,
            "async comprehension",
        ),
        Valid("import numpy as np\ntotal = np.sum([x for x in data])", "numpy reducers copy their input"),
        Valid("import statistics\nmean = statistics.mean([x for x in data])", "statistics copies its input"),
        Valid("smaller = min([x for x in a], [y for y in b])", "min of two lists compares them"),
    ]
    INVALID = [
        Invalid(
            "total = sum([x * x for x in data])",
            "total = sum(x * x for x in data)",
            Applicability.SAFE,
        ),
        Invalid(
            "def best(players, rank):\n    return max([p.score for p in players], key=rank)",
            "def best(players, rank):\n    return max((p.score for p in players), key=rank)",
            Applicability.UNSAFE,
            note="max calls the unseen `rank` between elements, and it may change a player's score",
        ),
        Invalid(
            "def best(players):\n    return max([p.score for p in players], key=abs)",
            "def best(players):\n    return max((p.score for p in players), key=abs)",
            Applicability.SAFE,
            note="a pure builtin key",
        ),
        Invalid(
            "total = sum([x for x in data], 0)",
            "total = sum((x for x in data), 0)",
            Applicability.SAFE,
        ),
        Invalid(
            "total = sum([x for x in data],)",
            "total = sum((x for x in data),)",
            Applicability.SAFE,
            note="a trailing comma needs the parentheses",
        ),
        Invalid(
            "ok = all([check(x) for x in data])",
            "ok = all(check(x) for x in data)",
            Applicability.UNSAFE,
            note="all() short-circuits: later elements are no longer evaluated",
        ),
        Invalid(
            "import heapq as hq\ntop = hq.nlargest(3, [row.score for row in rows])",
            "import heapq as hq\ntop = hq.nlargest(3, (row.score for row in rows))",
            Applicability.SAFE,
        ),
        Invalid(
            "from math import fsum as fs\ntotal = fs([x for x in data if x > 0])",
            "from math import fsum as fs\ntotal = fs(x for x in data if x > 0)",
            Applicability.SAFE,
        ),
        Invalid(
            "import collections\ncounts = collections.Counter([w.lower() for w in words])",
            "import collections\ncounts = collections.Counter(w.lower() for w in words)",
            Applicability.UNSAFE,
            note="the element calls a method",
        ),
        Invalid(
            "longest = max({len(w) for w in words})",
            "longest = max(len(w) for w in words)",
            Applicability.UNSAFE,
        ),
        Invalid(
            "ordered = sorted([r.name for r in rows], key=len)",
            "ordered = sorted((r.name for r in rows), key=len)",
            Applicability.SAFE,
        ),
        Invalid(
            """
            total = sum([  # squares
                x * x
                for x in data  # every item
            ])
            """,
            """
            total = sum((  # squares
                x * x
                for x in data  # every item
            ))
            """,
            Applicability.SAFE,
            note="comments inside the brackets are kept",
        ),
        Invalid(
            "total = sum([x for x in range(10_000)])",
            "total = sum(x for x in range(10_000))",
            Applicability.SAFE,
        ),
        Invalid(
            "import builtins\ntotal = builtins.sum([x for x in data])",
            "import builtins\ntotal = builtins.sum(x for x in data)",
            Applicability.SAFE,
        ),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        if not any(matches(arg.value, COMPREHENSION) for arg in node.args):
            return  # cheap syntactic guard before any name resolution
        callee = qualified_name(self.context, node.func)
        consumer = CONSUMERS.get(callee or "")
        if consumer is None:
            return
        located = _iterable_argument(node, consumer)
        if located is None:
            return
        arg = located
        comprehension = arg.value
        is_set = m.matches(comprehension, m.SetComp())
        if is_set and not consumer.takes_sets:
            return
        comp = cst.ensure_type(comprehension, cst.SetComp) if is_set else cst.ensure_type(comprehension, cst.ListComp)
        if needs_full_evaluation(comp):
            return
        length = comprehension_length(self.context, comp.for_in)
        if length is not None and length < self.settings["small-iterable-size"]:
            return
        safe = not (is_set or consumer.short_circuits or _observable(comp) or self._key_may_change(node, comp))
        applicability = Applicability.SAFE if safe else Applicability.UNSAFE
        replacement = _generator_for(comp, needs_parens=len(node.args) > 1 or m.matches(arg.comma, m.Comma()))
        self.report(
            comp,
            fix=self.make_fix(applicability, (comp, replacement)),
            estimate=None if is_set else comprehension_estimate(self.context, cst.ensure_type(comp, cst.ListComp)),
            consumer=short_name(callee or ""),
            kind="set" if is_set else "list",
        )

    def _key_may_change(self, call: cst.Call, comp: cst.BaseExpression) -> bool:
        """Does a `key=` function run unseen code between the lazy steps (min, max and heapq call
        it on each element as it comes) while the comprehension reads state it may reach?"""
        for arg in call.args:
            if m.matches(arg.keyword, m.Name("key")) and calls_unseen_code(self.context, arg.value):
                return bool(exposed_roots(self.context, names_read(comp), comp))
        return False


def _iterable_argument(call: cst.Call, consumer: Consumer) -> Optional[cst.Arg]:
    positional = []
    for arg in call.args:
        if arg.keyword is not None:
            continue
        if not matches(arg, PLAIN_POSITIONAL):
            return None  # *args: positions unknown
        positional.append(arg)
    if consumer.sole_positional and len(positional) != 1:
        return None
    if len(positional) <= consumer.position:
        return None
    return positional[consumer.position]


def _observable(comp: "cst.ListComp | cst.SetComp") -> bool:
    """Would evaluating lazily be observable? Calls in the element, conditions or inner loops."""
    if has_side_effects(comp.elt):
        return True
    clause: Optional[cst.CompFor] = comp.for_in
    first = True
    while clause is not None:
        # The outermost iterable is evaluated eagerly by a generator expression too.
        if (not first and has_side_effects(clause.iter)) or any(has_side_effects(c) for c in clause.ifs):
            return True
        first = False
        clause = clause.inner_for_in
    return False


def _generator_for(comp: "cst.ListComp | cst.SetComp", needs_parens: bool) -> cst.GeneratorExp:
    opening, closing = _brackets(comp)
    inner_left = cst.LeftParen(whitespace_after=opening)
    inner_right = cst.RightParen(whitespace_before=closing)
    plain = matches(opening, TRIVIAL_WHITESPACE) and matches(closing, TRIVIAL_WHITESPACE)
    lpar: Tuple[cst.LeftParen, ...] = tuple(comp.lpar)
    rpar: Tuple[cst.RightParen, ...] = tuple(comp.rpar)
    if not plain or (needs_parens and not lpar):
        lpar, rpar = lpar + (inner_left,), (inner_right,) + rpar
    return cst.GeneratorExp(elt=comp.elt, for_in=comp.for_in, lpar=lpar, rpar=rpar)


def _brackets(comp: "cst.ListComp | cst.SetComp") -> Tuple[cst.BaseParenthesizableWhitespace, cst.BaseParenthesizableWhitespace]:
    if m.matches(comp, m.SetComp()):
        set_comp = cst.ensure_type(comp, cst.SetComp)
        return set_comp.lbrace.whitespace_after, set_comp.rbrace.whitespace_before
    list_comp = cst.ensure_type(comp, cst.ListComp)
    return list_comp.lbracket.whitespace_after, list_comp.rbracket.whitespace_before
