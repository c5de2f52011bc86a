from __future__ import annotations

from typing import Optional, Tuple

import libcst as cst

from memlint import matchers as m
from memlint.analysis.estimates import sequence_estimate
from memlint.analysis.effects import needs_full_evaluation
from memlint.analysis.names import qualified_name
from memlint.analysis.rewrite import builtin_visible
from memlint.analysis.values import comprehension_length, known_length
from memlint.analysis.usage import only_reference_is, single_binding
from memlint.findings import Applicability
from memlint.matching import matches
from memlint.rule import FixAvailability, Invalid, Option, Rule, Valid
from memlint.traversal import findall
from memlint.screen import FUNCTION, AllOf, Call, Const, In, Name, Named, Node, ReadOnce, Same, Subscript

SOLE_ARG = [m.Arg(keyword=None, star="")]
CONTAINER_CALL = m.Call(func=m.Name("list") | m.Name("tuple") | m.Attribute(attr=m.Name("list") | m.Name("tuple")), args=SOLE_ARG)
LIST_CALL = m.Call(func=m.Name("list") | m.Attribute(attr=m.Name("list")), args=SOLE_ARG)
MATERIALIZED = CONTAINER_CALL | m.ListComp()
ZERO = m.Integer("0")
FIRST_INDEX = [m.SubscriptElement(slice=m.Index(value=ZERO))]
INDEXED = m.Subscript(value=MATERIALIZED, slice=FIRST_INDEX)
POPPED = m.Call(func=m.Attribute(value=LIST_CALL | m.ListComp(), attr=m.Name("pop")), args=[m.Arg(value=ZERO, keyword=None, star="")])
NAME_INDEXED = m.Subscript(value=m.Name(), slice=FIRST_INDEX)
CONTAINERS = frozenset({"builtins.list", "builtins.tuple"})


class MaterializedFirstElement(Rule):
    """
    ## What it does
    Flags `list(x)[0]`, `tuple(x)[0]`, `[... for ...][0]` and `list(x).pop(0)`: a whole copy built
    to take its first element. Also a local bound to `list(x)` or a list comprehension whose only
    use is `name[0]` (reported without a fix).

    ## Why is this bad?
    The copy holds every element (8 bytes of pointer each, plus every element a comprehension
    creates) although only the first is used; `next(iter(x))` touches one. Measured with
    tracemalloc on CPython 3.11, `list(mapping)[0]` on a dict of 1,000,000 keys peaks at +8 MB (the
    list of pointers); `next(iter(mapping))` at under 1 kB.

    It does not apply, and memlint stays silent, when:
    - the copy is used again: a local list read anywhere else than in that one `name[0]`;
    - in that named form, the iterator the copy drains is read again elsewhere (draining it may
      be the point: `lines = [l for l in f]; first = lines[0]; assert f.readline() == ""`);
    - `list`/`tuple` is not the builtin;
    - the length is known from the code and small (below `small-iterable-size`);
    - the comprehension relies on full evaluation (walrus, `await`, a mutating call).

    ## Example
    ```python
    first = list(mapping)[0]
    head = [row for row in rows if row.ok][0]
    ```

    Use instead:
    ```python
    first = next(iter(mapping))
    head = next(row for row in rows if row.ok)
    ```

    ## Fix safety
    Always unsafe: on an empty iterable `IndexError` becomes `StopIteration` (which, inside a
    generator, turns into `RuntimeError`); and the rest of the iterable is no longer consumed, so
    side effects of producing later elements (calls in a comprehension, reading an iterator)
    no longer happen. No fix is offered when `next` or `iter` is shadowed where the expression
    is, nor for the named form.

    ## Options
    - `small-iterable-size`: iterables whose length is known from the code and below this
      number are not reported.

    ## Overlaps
    Ruff's RUF015 (`unnecessary-iterable-allocation-for-first-element`) flags `list(x)[0]`,
    `tuple(x)[0]` and `[...][0]`. If you run both, ignore one of them: `ignore = ["RUF015"]` in
    Ruff's settings, or ignore `MEM106` here.

    ## References
    - Python docs, `next()` and `iter()`
    - Ruff RUF015
    """

    code = "MEM106"
    triggers = ("list|tuple|for",)
    screen = (  # the copy indexed by 0 (LibCST reads `x[0,]` as one index 0 too), popped at 0, or bound in a function to a name whose only read there is `[0]`
        Subscript(Node("ListComp") | Call("list", "tuple"), index=Const(0) | Node("Tuple", elts=Const(0))),
        Node("Call", func=AllOf(Named("pop"), Node("Attribute", value=Node("ListComp") | Call("list"))), first=Const(0)),
        Same(
            ReadOnce(Subscript(Name(), index=Const(0) | Node("Tuple", elts=Const(0)))),
            In(FUNCTION, Node("Assign", "AnnAssign", target=Name(), value=Node("ListComp") | Call("list", "tuple"))),
        ),
    )
    name = "materialized-first-element"
    message = "{what} copies the whole iterable to take its first element; use `next(iter(...))`"
    fix_title = "Take the first element with `next()`"
    fix_availability = FixAvailability.SOMETIMES
    options = {
        "small-iterable-size": Option(1000, "iterables of known length below this are not reported"),
    }

    VALID = [
        Valid("first = next(iter(mapping))", "already lazy"),
        Valid("last = list(mapping)[-1]", "the last element needs the whole iteration"),
        Valid("pair = list(mapping)[:2]", "a slice, not the first element"),
        Valid("first = list((1, 2, 3))[0]", "small literal display"),
        Valid("def list(x):\n    return x\nfirst = list(mapping)[0]", "a module-level function shadows the builtin"),
        Valid("def head(tuple, items):\n    return tuple(items)[0]", "a parameter shadows the builtin"),
        Valid(
            """
            def split(rows):
                ok = [r for r in rows if r.ok]
                return ok[0], len(ok)
            """,
            "the list is used again",
        ),
        Valid(
            """
            def first(rows):
                ok = list(rows)
                ok.sort()
                return ok[0]
            """,
            "the list is sorted before indexing: the copy is needed",
        ),
        Valid("first = [stack.pop() for _ in items][0]", "a mutating call relies on full evaluation"),
        Valid(
            """
            def drain(handle):
                lines = [line for line in handle]
                assert handle.readline() == ""
                return lines[0]
            """,
            "the drained iterator is read again: consuming it all may be the point",
        ),
    ]
    INVALID = [
        Invalid("first = list(mapping)[0]", "first = next(iter(mapping))", Applicability.UNSAFE),
        Invalid("first = tuple(x * 2 for x in data)[0]", "first = next(x * 2 for x in data)", Applicability.UNSAFE),
        Invalid("head = [row for row in rows if row.ok][0]", "head = next(row for row in rows if row.ok)", Applicability.UNSAFE),
        Invalid("top = list(queue).pop(0)", "top = next(iter(queue))", Applicability.UNSAFE),
        Invalid(
            "import builtins as b\nfirst = b.list(d.values())[0]",
            "import builtins as b\nfirst = next(iter(d.values()))",
            Applicability.UNSAFE,
        ),
        Invalid(
            "key = list(sorted(pairs))[0]",
            "key = next(iter(sorted(pairs)))",
            Applicability.UNSAFE,
        ),
        Invalid(
            """
            def first_ok(rows):
                ok = [r for r in rows if r.ok]
                return ok[0]
            """,
            None,
            None,
            note="named form: the list's only use is `[0]`; reported without a fix",
        ),
        Invalid(
            "def first(mapping, next):\n    return list(mapping)[0]",
            None,
            None,
            note="`next` is shadowed here: no fix",
        ),
    ]

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if matches(node, INDEXED):
            self._check(node, node.value, "`{}(...)[0]`")
        elif matches(node, NAME_INDEXED):
            self._check_named(node, cst.ensure_type(node.value, cst.Name))

    def visit_Call(self, node: cst.Call) -> None:
        if matches(node, POPPED):
            self._check(node, cst.ensure_type(node.func, cst.Attribute).value, "`{}(...).pop(0)`")

    def _check(self, node: cst.BaseExpression, copy: cst.BaseExpression, shape: str) -> None:
        first = self._first(copy)
        if first is None:
            return
        replacement, container = first
        what = "`[...][0]`" if container == "comprehension" else shape.format(container)
        estimate = sequence_estimate(self.context, copy)
        if not (builtin_visible(self.context, node, "next") and builtin_visible(self.context, node, "iter")):
            self.report(node, estimate=estimate, what=what)
            return
        replacement = replacement.with_changes(lpar=node.lpar, rpar=node.rpar)
        self.report(node, fix=self.make_fix(Applicability.UNSAFE, (node, replacement)), estimate=estimate, what=what)

    def _first(self, copy: cst.BaseExpression) -> Optional[Tuple[cst.Call, str]]:
        """`next(...)` taking the first element of what `copy` copies, and the copy's kind."""
        if m.matches(copy, m.ListComp()):
            comp = cst.ensure_type(copy, cst.ListComp)
            if needs_full_evaluation(comp) or self._small(comprehension_length(self.context, comp.for_in)):
                return None
            return _next(_generator_for(comp)), "comprehension"
        call = cst.ensure_type(copy, cst.Call)
        container = qualified_name(self.context, call.func)
        if container not in CONTAINERS:
            return None
        source = call.args[0].value
        if self._small(known_length(self.context, source)):
            return None
        if m.matches(source, m.GeneratorExp()):
            if needs_full_evaluation(source):
                return None
            return _next(source.with_changes(lpar=[], rpar=[])), container[len("builtins."):]
        iterated = cst.Call(func=cst.Name("iter"), args=[cst.Arg(source)])
        return _next(iterated), container[len("builtins."):]

    def _check_named(self, node: cst.Subscript, name: cst.Name) -> None:
        binding = single_binding(self.context, name)
        if binding is None or binding.kind != "assign" or binding.value is None:
            return
        if not matches(binding.value, MATERIALIZED) or not only_reference_is(self.context, binding, name):
            return
        if self._first(binding.value) is None or self._source_used_elsewhere(binding.value):
            return
        self.report(node, estimate=sequence_estimate(self.context, binding.value), what=f"`{name.value}[0]` of a copy used only here")

    def _source_used_elsewhere(self, copy: cst.BaseExpression) -> bool:
        """Is the iterator the copy drains read again elsewhere (`lines = [l for l in f]` then
        `f.readline()`)? Then draining it all may be the point."""
        if m.matches(copy, m.ListComp()):
            source = cst.ensure_type(copy, cst.ListComp).for_in.iter
        else:
            source = cst.ensure_type(copy, cst.Call).args[0].value
        if not m.matches(source, m.Name()):
            return False
        binding = single_binding(self.context, cst.ensure_type(source, cst.Name))
        if binding is None:
            return True
        inside = {id(n) for n in findall(copy, m.Name())}
        return any(id(access.node) not in inside for access in binding.assignment.references)

    def _small(self, length: Optional[int]) -> bool:
        return length is not None and length < self.settings["small-iterable-size"]


def _next(argument: cst.BaseExpression) -> cst.Call:
    return cst.Call(func=cst.Name("next"), args=[cst.Arg(argument)])


def _generator_for(comp: cst.ListComp) -> cst.GeneratorExp:
    """The comprehension as the sole argument of a call, keeping a multi-line bracket layout."""
    opening, closing = comp.lbracket.whitespace_after, comp.rbracket.whitespace_before
    if m.matches(opening, m.SimpleWhitespace()) and m.matches(closing, m.SimpleWhitespace()):
        return cst.GeneratorExp(elt=comp.elt, for_in=comp.for_in, lpar=[], rpar=[])
    return cst.GeneratorExp(
        elt=comp.elt,
        for_in=comp.for_in,
        lpar=[cst.LeftParen(whitespace_after=opening)],
        rpar=[cst.RightParen(whitespace_before=closing)],
    )
