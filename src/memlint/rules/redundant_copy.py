from __future__ import annotations

from typing import Optional, Tuple

import libcst as cst

from memlint import matchers as m
from memlint.analysis.estimates import Estimate, slots_estimate
from memlint.analysis.names import qualified_name, short_name
from memlint.analysis.rewrite import drops_comments, replacing
from memlint.findings import Applicability
from memlint.matching import matches
from memlint.rule import FixAvailability, Invalid, Rule, Valid
from memlint.screen import Call, Name, Node, Subscript

CALLEE = m.Name() | m.Attribute()
FIRST_ARG = m.Arg(keyword=None, star="")
SOLE_COPY = m.Call(func=CALLEE, args=[FIRST_ARG])
WHOLE_SLICE = m.Subscript(
    value=m.Name() | m.Attribute(),
    slice=[m.SubscriptElement(slice=m.Slice(lower=None, upper=None, step=None))],
)
INNER = SOLE_COPY | m.Call(func=CALLEE, args=[FIRST_ARG, m.ZeroOrMore(m.Arg(keyword=m.Name()))]) | WHOLE_SLICE
OUTER = m.Call(func=CALLEE, args=[m.Arg(value=INNER, keyword=None, star=""), m.ZeroOrMore(m.Arg(keyword=m.Name()))])
# Outer callee -> does it take keyword arguments? (sorted: key=, reverse=)
CONSUMERS = {
    "builtins.list": False,
    "builtins.tuple": False,
    "builtins.set": False,
    "builtins.frozenset": False,
    "builtins.sorted": True,
}
COPIES = frozenset({"builtins.list", "builtins.tuple"})


class RedundantCopy(Rule):
    """
    ## What it does
    Flags a copy that is immediately copied again: `sorted(list(x))`, `list(sorted(x))`,
    `list(list(x))`, `tuple(list(x))`, `set(list(x))`, `frozenset(tuple(x))`, `list(x[:])` and
    the like, where the outer call accepts any iterable.

    ## Why is this bad?
    The inner copy is a full second container alive at the same time as the outer one:
    8 bytes per element of pointers at least (more for a set). Measured with tracemalloc on
    CPython 3.11, `sorted(list(names))` over 1,000,000 strings peaks at +16.8 MB; `sorted(names)` at
    +8.8 MB (mostly the result itself).

    It does not apply, and memlint stays silent, when:
    - a name is not the builtin (a local `list`, a parameter called `sorted`, an import);
    - the inner call is not a plain copy (`list(x, ...)` with other arguments, `x[1:]`, a
      `tuple(tuple(x))`, which does not copy);
    - the outer call is not one that accepts any iterable.

    ## Example
    ```python
    ordered = sorted(list(names))
    names_copy = list(names[:])
    ```

    Use instead:
    ```python
    ordered = sorted(names)
    names_copy = list(names)
    ```

    ## Fix safety
    The fix is safe for a nested `list()`/`tuple()`/`sorted()`: the outer call consumes any
    iterable once, so it gets the same elements in the same order whether or not they were
    copied first. It is unsafe for `x[:]`, since memlint does not know the type of `x`: a
    slice and an iteration can differ (a `multiprocessing` shared array copies its slice
    atomically under its lock but is iterated item by item; a mapping cannot be sliced at all);
    and when a comment inside the removed call would be lost.

    ## Overlaps
    Ruff's C413 (`unnecessary-call-around-sorted`) and C414 (`unnecessary-double-cast-or-process`),
    from flake8-comprehensions, flag the same calls (C414 without `x[:]`). If you run both, ignore
    one set: `ignore = ["C413", "C414"]` in Ruff's settings, or ignore `MEM107` here.

    ## References
    - flake8-comprehensions C413, C414
    """

    code = "MEM107"
    triggers = ("list|tuple|set|frozenset|sorted",)
    screen = (  # an inner list()/tuple() (not tuple() in tuple()) or `x[:]`, or list(sorted(...))
        Call("list", "set", "frozenset", "sorted", first=Call("list", "tuple")),
        Call("tuple", first=Call("list")),
        Call("list", "tuple", "set", "frozenset", "sorted", first=Subscript(Name() | Node("Attribute"), index=Node("Slice", lower=None, upper=None, step=None))),
        Call("list", first=Call("sorted")),
    )
    name = "redundant-copy"
    message = "`{outer}({inner})` copies twice; `{outer}()` takes any iterable"
    fix_title = "Remove the inner copy"
    fix_availability = FixAvailability.ALWAYS
    METADATA_DEPENDENCIES = ()

    VALID = [
        Valid("ordered = sorted(names)", "one copy"),
        Valid("pairs = list(zip(a, b))", "zip is not a copy"),
        Valid("tail = list(names[1:])", "a partial slice: the outer call would see different elements"),
        Valid("same = tuple(tuple(names))", "tuple() of a tuple returns it without copying"),
        Valid("def list(x):\n    return x\nordered = sorted(list(names))", "a module-level function shadows the builtin"),
        Valid("def order(sorted, names):\n    return sorted(list(names))", "a parameter shadows the builtin"),
        Valid("from mylib import sorted\nordered = sorted(list(names))", "an imported `sorted`"),
        Valid("joined = ', '.join(list(names))", "not an outer copy memlint knows"),
        Valid("chunks = list(sorted(names), 3)", "an extra positional argument: not the builtin's signature"),
    ]
    INVALID = [
        Invalid("ordered = sorted(list(names))", "ordered = sorted(names)", Applicability.SAFE),
        Invalid("ordered = list(sorted(names, key=len))", "ordered = sorted(names, key=len)", Applicability.SAFE),
        Invalid("copy = list(list(items))", "copy = list(items)", Applicability.SAFE),
        Invalid("frozen = tuple(list(gen))", "frozen = tuple(gen)", Applicability.SAFE),
        Invalid("squares = set(list(x * x for x in data))", "squares = set(x * x for x in data)", Applicability.SAFE),
        Invalid("unique = set(list(d.values()))", "unique = set(d.values())", Applicability.SAFE),
        Invalid(
            "copy = list(self.items[:])",
            "copy = list(self.items)",
            Applicability.UNSAFE,
            note="the type of `self.items` is unknown: its slice may differ from its iteration",
        ),
        Invalid(
            "import builtins as b\nordered = b.sorted(b.tuple(words), reverse=True)",
            "import builtins as b\nordered = b.sorted(words, reverse=True)",
            Applicability.SAFE,
        ),
        Invalid(
            "keys = frozenset(list(  # all of them\n    mapping\n))",
            "keys = frozenset(mapping)",
            Applicability.UNSAFE,
            note="the fix would drop a comment",
        ),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        if not matches(node, OUTER):
            return  # cheap syntactic guard before any name resolution
        outer = qualified_name(self.context, node.func)
        takes_keywords = CONSUMERS.get(outer or "")
        if takes_keywords is None or (not takes_keywords and len(node.args) != 1):
            return
        inner = node.args[0].value
        found = self._redundant(node, outer or "", inner)
        if found is None:
            return
        original, replacement, shown = found
        unsafe = shown == "x[:]" or drops_comments(original, replacement)
        applicability = Applicability.UNSAFE if unsafe else Applicability.SAFE
        self.report(
            original,
            fix=self.make_fix(applicability, (original, replacement)),
            estimate=self._wasted(outer, inner),
            outer=short_name(outer or ""),
            inner=shown,
        )

    def _wasted(self, outer: Optional[str], inner: cst.BaseExpression) -> Optional[Estimate]:
        """The copy that goes: the inner `list()`/`tuple()`, or the outer `list()` of `sorted()`."""
        if not m.matches(inner, m.Call(args=[m.Arg(keyword=None, star="")])):
            return None  # `x[:]`: the type of `x`, and so of its copy, is unknown
        call = cst.ensure_type(inner, cst.Call)
        callee = qualified_name(self.context, call.func)
        kind = "tuple" if callee == "builtins.tuple" else "list"
        return slots_estimate(self.context, kind, call.args[0].value)

    def _redundant(
        self, outer_call: cst.Call, outer: str, inner: cst.BaseExpression
    ) -> Optional[Tuple[cst.BaseExpression, cst.BaseExpression, str]]:
        """(node to replace, its replacement, how to show the inner copy) or None."""
        if matches(inner, WHOLE_SLICE):
            subscript = cst.ensure_type(inner, cst.Subscript)
            return inner, replacing(inner, subscript.value), "x[:]"
        call = cst.ensure_type(inner, cst.Call)
        callee = qualified_name(self.context, call.func)
        if callee == "builtins.sorted" and outer == "builtins.list":
            return outer_call, replacing(outer_call, call), "sorted(...)"  # sorted() already built a new list
        if callee not in COPIES or len(call.args) != 1:
            return None
        if callee == "builtins.tuple" and outer == "builtins.tuple":
            return None  # tuple(tuple(x)) returns the same tuple: no second copy
        copied = call.args[0].value
        if m.matches(copied, m.GeneratorExp()) and len(outer_call.args) == 1 and not inner.lpar:
            return inner, copied, f"{short_name(callee)}(...)"  # a sole generator argument needs no parentheses
        return inner, replacing(inner, copied), f"{short_name(callee)}(...)"
