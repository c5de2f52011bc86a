from __future__ import annotations

from typing import Optional, Tuple

import libcst as cst

from memlint import matchers as m
from memlint.analysis.estimates import sequence_estimate
from memlint.analysis.iteration import IterationSite
from memlint.analysis.lazy import LazySource, lazy_screen, lazy_source
from memlint.analysis.names import qualified_name
from memlint.analysis.rewrite import drops_comments, replacing
from memlint.analysis.loops import loop_bindings
from memlint.analysis.usage import may_mutate, names_read, only_reference_is, single_binding, unseen_code_may_change
from memlint.findings import Applicability
from memlint.matching import matches
from memlint.rule import FixAvailability, Invalid, Option, Valid
from memlint.rules._bases import IterationSiteRule
from memlint.traversal import findall
from memlint.screen import Call, Local, Name, Node, ReadOnce, Same

CONTAINER = m.Name("list") | m.Name("tuple") | m.Attribute(attr=m.Name("list") | m.Name("tuple"))
CONTAINER_CALL = m.Call(func=CONTAINER, args=[m.Arg(keyword=None, star="")])
CANDIDATE = CONTAINER_CALL | m.ListComp()
CONTAINERS = {"builtins.list": "list", "builtins.tuple": "tuple"}
ASSIGN_LINE = m.SimpleStatementLine(body=[m.Assign(targets=[m.AssignTarget(target=m.Name())], value=CONTAINER_CALL)])
FOR_OVER_NAME = m.For(iter=m.Name(), asynchronous=None)
LAZY = lazy_screen()  # what `lazy_source` may recognise, on CPython's tree
SUSPENDS = m.Yield() | m.Await()  # the loop hands control to other code, which may mutate the source


class Materialized:
    """A list/tuple built from a lazy iterable: the node to replace, its lazy replacement."""

    def __init__(self, node: cst.BaseExpression, lazy: cst.BaseExpression, source: LazySource, what: str) -> None:
        self.node = node
        self.lazy = lazy
        self.source = source
        self.what = what


class MaterializedLoopIterable(IterationSiteRule):
    """
    ## What it does
    Flags a `list(...)` or `tuple(...)` of a lazy iterable (`range`, `zip`, `map`, `filter`,
    `enumerate`, `reversed`, `iter`, `csv.reader`, `os.scandir`, `os.walk`, `itertools.*`, a
    generator expression), and a list comprehension, that is only iterated by a `for` loop or a
    comprehension: written inline, or bound to a local name that the very next statement loops
    over and nothing else reads.

    ## Why is this bad?
    The list holds every element at once (8 bytes of pointer per element plus the elements),
    where iterating the lazy source holds one. Measured with tracemalloc on CPython 3.11,
    `for i in list(range(n))` at n = 1,000,000 peaks at +40 MB; `for i in range(n)` at under 1 kB.

    It does not apply, and memlint stays silent, when:
    - the loop body (or the rest of the comprehension) may change what the iterable reads:
      `for i, x in list(enumerate(items)): items.pop(i)` needs the copy (any method call on it
      other than a known query, passing it to a function, assigning or deleting its items);
    - the materialized list is used again (`keys = list(...)` read after the loop, indexed,
      measured with `len`, returned or stored), or the name is global;
    - the source is a plain name or an unknown call (`list(d)` is the idiom for "copy, then
      mutate `d` in the loop");
    - `list`/`tuple` is not the builtin (a local function, a parameter, an import);
    - the length is known from the code and small (below `small-iterable-size`).

    ## Example
    ```python
    for i in list(range(n)):
        total += i
    for name in [user.name for user in users]:
        print(name)
    ```

    Use instead:
    ```python
    for i in range(n):
        total += i
    for name in (user.name for user in users):
        print(name)
    ```

    ## Fix safety
    The fix is safe for `range(...)`, and for `zip`, `enumerate` and `reversed` over plain names,
    attributes and literals, and for comprehensions that make no calls: elements are produced
    in the same order and nothing else can observe when. It is unsafe when producing an element
    runs user code (`map`, `filter`, `iter`, `itertools`, `csv.reader`, a comprehension with a
    call), because that code now runs interleaved with the loop body and an exception it raises
    comes after part of the loop has run; for the first iterable of a generator expression,
    which is now read when the generator is consumed rather than when it is created; for
    `os.scandir`/`os.walk`, whose directory handle now stays open during the loop; and when a
    comment inside the removed call would be lost; and when the loop body contains `yield` or
    `await`, since other code then runs in the middle of the loop and may change the source.

    A safe fix is proven, not hoped: it is also unsafe when something the iterable reads is
    *exposed* (a module global, a parameter, an attribute, a closure variable, a name bound to a
    value made elsewhere or aliased by `ys = xs`, the attributes of a comprehension's elements)
    and the loop body runs code memlint cannot see (a call outside the pure builtins and the
    method vocabulary of `analysis/effects.py`, `with`, an import) or mutates a name that may be
    an alias of it: `for name in [n for n in REGISTRY]: register(name)` where `register` adds to
    `REGISTRY` would raise "dictionary changed size during iteration". And when the loop rebinds
    a name a generator reads lazily (`for y in [x + k for x in xs]: k = y`). The vocabulary is
    trusted: a method named like a builtin query (`get`, `strip`) or mutator (`append`) is taken
    to do only that.

    ## Options
    - `small-iterable-size`: iterables whose length is known from the code and below this
      number are not reported.

    ## Overlaps
    Ruff's PERF101 (`unnecessary-list-cast`) flags `list()` of a list, tuple or set, and skips
    `range`, `map` and `zip`, so the two rarely meet. If they do, keep one: `ignore = ["PERF101"]`
    in Ruff's settings, or ignore `MEM102` here.

    ## References
    - Python docs, "Iterators" and the `for` statement
    - Ruff PERF101 `unnecessary-list-cast`
    """

    code = "MEM102"
    triggers = ("for",)
    screen = (  # a list comprehension, or list()/tuple() of what analysis/lazy.py may call lazy, iterated or bound in a function to a name whose only read there is a `for` iterating it
        Node("For", "comprehension", iter=Node("ListComp") | Call("list", "tuple", first=LAZY)),
        Same(  # visit_IndentedBlock: the loop is the next statement, in the same function
            Local(Node("Assign", target=Name(), value=Call("list", "tuple", first=LAZY))),
            Local(ReadOnce(Node("For", iter=Name()))),
        ),
    )
    ITERABLE = CANDIDATE
    name = "materialized-loop-iterable"
    message = "{what} is built only to be iterated; {cure}"
    fix_title = "Iterate the lazy iterable directly"
    fix_availability = FixAvailability.ALWAYS
    options = {
        "small-iterable-size": Option(1000, "iterables of known length below this are not reported"),
    }

    VALID = [
        Valid("for i in range(n):\n    print(i)", "already lazy"),
        Valid("for k in list(d):\n    del d[k]", "a copy of a plain name: needed when the loop mutates it"),
        Valid(
            "for i, x in list(enumerate(items)):\n    if x is None:\n        items.pop(i)",
            "the loop body mutates what the iterable reads",
        ),
        Valid(
            "for a, b in list(zip(xs, ys)):\n    xs.append(a + b)",
            "the loop body appends to an iterable it reads",
        ),
        Valid(
            "for word in list(map(str.strip, words)):\n    handle(words)",
            "the source is passed to a function that may mutate it",
        ),
        Valid(
            """
            def list(values):
                return values
            for i in list(range(n)):
                print(i)
            """,
            "a module-level function shadows the builtin",
        ),
        Valid(
            """
            def walk(tuple, n):
                for i in tuple(range(n)):
                    print(i)
            """,
            "a parameter shadows the builtin",
        ),
        Valid("for i in list(range(10)):\n    print(i)", "small constant range"),
        Valid("for x in list(zip((1, 2), (3, 4))):\n    print(x)", "small literal displays"),
        Valid(
            """
            def report(words):
                upper = list(map(str.upper, words))
                for word in upper:
                    print(word)
                return len(upper)
            """,
            "the list is used again after the loop",
        ),
        Valid(
            """
            def report(words):
                upper = list(map(str.upper, words))
                words.clear()
                for word in upper:
                    print(word)
            """,
            "a statement between the copy and the loop: only the very next statement counts",
        ),
        Valid(
            """
            UPPER = list(map(str.upper, WORDS))
            for word in UPPER:
                print(word)
            """,
            "a module-level name may be read from other modules",
        ),
        Valid("for row in list(rows):\n    print(row)", "an unknown source: it may be a one-shot iterator we must not exhaust twice"),
        Valid(
            "for x in [item.pop() for item in stacks]:\n    print(x)",
            "a mutating call in the comprehension relies on full evaluation first",
        ),
    ]
    INVALID = [
        Invalid(
            "for i in list(range(n)):\n    print(i)",
            "for i in range(n):\n    print(i)",
            Applicability.SAFE,
        ),
        Invalid(
            "for a, b in tuple(zip(xs, ys)):\n    total += a * b",
            "for a, b in zip(xs, ys):\n    total += a * b",
            Applicability.SAFE,
        ),
        Invalid(
            "for i in list(range(len(items))):\n    del items[i]",
            "for i in range(len(items)):\n    del items[i]",
            Applicability.SAFE,
            note="range reads its bounds once: mutating `items` in the loop cannot change it",
        ),
        Invalid(
            "import itertools as it\nfor pair in list(it.combinations(items, 2)):\n    check(pair)",
            "import itertools as it\nfor pair in it.combinations(items, 2):\n    check(pair)",
            Applicability.UNSAFE,
        ),
        Invalid(
            "for name in list(map(str.upper, names)):\n    print(name)",
            "for name in map(str.upper, names):\n    print(name)",
            Applicability.UNSAFE,
            note="map calls user code, now interleaved with the loop body",
        ),
        Invalid(
            "for square in [x * x for x in data]:\n    print(square)",
            "for square in (x * x for x in data):\n    print(square)",
            Applicability.SAFE,
        ),
        Invalid(
            "for x in list(x * 2 for x in data):\n    print(x)",
            "for x in (x * 2 for x in data):\n    print(x)",
            Applicability.SAFE,
        ),
        Invalid(
            "from csv import reader as rd\nnames = [row[0] for row in list(rd(handle))]",
            "from csv import reader as rd\nnames = [row[0] for row in rd(handle)]",
            Applicability.UNSAFE,
        ),
        Invalid(
            "import builtins\nfor i in builtins.list(reversed(xs)):\n    print(i)",
            "import builtins\nfor i in reversed(xs):\n    print(i)",
            Applicability.SAFE,
        ),
        Invalid(
            """
            def show(words):
                upper = list(map(str.upper, words))
                for word in upper:
                    print(word)
            """,
            """
            def show(words):
                upper = map(str.upper, words)
                for word in upper:
                    print(word)
            """,
            Applicability.UNSAFE,
            note="bound to a name that only the next loop reads",
        ),
        Invalid(
            "for i in list(  # every index\n    range(n)\n):\n    print(i)",
            "for i in range(n):\n    print(i)",
            Applicability.UNSAFE,
            note="the fix would drop a comment",
        ),
        Invalid(
            "def pairs(xs, ys):\n    for x, y in list(zip(xs, ys)):\n        yield x + y",
            "def pairs(xs, ys):\n    for x, y in zip(xs, ys):\n        yield x + y",
            Applicability.UNSAFE,
            note="the caller runs between iterations and may mutate xs or ys",
        ),
        Invalid(
            "REGISTRY = load_registry()\nfor name in [n for n in REGISTRY]:\n    register_alias(name)",
            "REGISTRY = load_registry()\nfor name in (n for n in REGISTRY):\n    register_alias(name)",
            Applicability.UNSAFE,
            note="register_alias may add to the global REGISTRY while it is iterated",
        ),
        Invalid(
            "def pick(xs):\n    ys = xs\n    for x in list(reversed(xs)):\n        print(x, ys.pop(0))",
            "def pick(xs):\n    ys = xs\n    for x in reversed(xs):\n        print(x, ys.pop(0))",
            Applicability.UNSAFE,
            note="`ys` is an alias of `xs`",
        ),
        Invalid(
            "def pick(data):\n    xs = sorted(data)\n    out = []\n    for x in list(reversed(xs)):\n        out.append(x)\n    return out",
            "def pick(data):\n    xs = sorted(data)\n    out = []\n    for x in reversed(xs):\n        out.append(x)\n    return out",
            Applicability.SAFE,
            note="`xs` is a private local and `out` a fresh list: nothing can reach xs",
        ),
        Invalid(
            "def shift(xs, k):\n    for y in [x + k for x in xs]:\n        k = y\n        print(k)",
            "def shift(xs, k):\n    for y in (x + k for x in xs):\n        k = y\n        print(k)",
            Applicability.UNSAFE,
            note="the generator would read the rebound `k`",
        ),
        Invalid(
            "lengths = (len(w) for w in list(map(str.strip, words)))",
            "lengths = (len(w) for w in map(str.strip, words))",
            Applicability.UNSAFE,
            note="a generator expression reads its first iterable only when consumed",
        ),
    ]


    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        """`name = list(<lazy>)` immediately followed by `for ... in name:`."""
        for first, second in zip(node.body, node.body[1:]):
            if matches(first, ASSIGN_LINE) and matches(second, FOR_OVER_NAME):
                self._check_named(cst.ensure_type(first, cst.SimpleStatementLine), cst.ensure_type(second, cst.For))

    def check_site(self, site: IterationSite) -> None:
        found = self._materialized(site.iterable)
        if found is None or may_mutate(site.body, self._roots(found)):
            return
        self._report(found, deferred=site.deferred, body=site.body)

    def _check_named(self, line: cst.SimpleStatementLine, loop: cst.For) -> None:
        assign = cst.ensure_type(line.body[0], cst.Assign)
        target = cst.ensure_type(assign.targets[0].target, cst.Name)
        used = cst.ensure_type(loop.iter, cst.Name)
        if target.value != used.value:
            return
        found = self._materialized(assign.value)
        if found is None:
            return
        binding = single_binding(self.context, used)
        if binding is None or binding.value is not assign.value or not only_reference_is(self.context, binding, used):
            return
        if may_mutate([loop.body], self._roots(found)):
            return
        self._report(found, deferred=False, body=(loop.body,))

    def _materialized(self, expr: cst.BaseExpression) -> Optional[Materialized]:
        if not matches(expr, CANDIDATE):
            return None
        if m.matches(expr, m.ListComp()):
            source = lazy_source(self.context, expr)
            if source is None:
                return None
            comp = cst.ensure_type(expr, cst.ListComp)
            return Materialized(expr, _generator_for(comp), source, "a list comprehension")
        call = cst.ensure_type(expr, cst.Call)
        container = CONTAINERS.get(qualified_name(self.context, call.func) or "")
        if container is None:
            return None
        inner = call.args[0].value
        source = lazy_source(self.context, inner)
        if source is None:
            return None
        shown = source.name if source.name.startswith("a ") else f"`{source.name}()`"
        return Materialized(expr, inner, source, f"`{container}()` of {shown}")

    def _roots(self, found: Materialized) -> set:
        if found.source.name == "range":
            return set()  # range reads its bounds once, before the loop starts
        return names_read(found.lazy)

    def _rebinds_lazy_reads(self, found: Materialized, body: Tuple[cst.CSTNode, ...]) -> bool:
        """Does the loop rebind a name that a generator reads lazily (in its element, conditions
        or inner iterables)? A list comprehension read them all before the loop started."""
        if not matches(found.lazy, m.GeneratorExp()):
            return False
        first = getattr(found.lazy, "for_in").iter
        lazy_reads = names_read(found.lazy) - names_read(first)
        return any(loop_bindings(node).names & lazy_reads for node in body)

    def _report(self, found: Materialized, deferred: bool, body: Tuple[cst.CSTNode, ...]) -> None:
        length = found.source.length
        if length is not None and length < self.settings["small-iterable-size"]:
            return
        replacement = replacing(found.node, found.lazy)
        safe = (
            found.source.unobservable
            and not deferred
            and not any(findall(node, SUSPENDS) for node in body)
            and not drops_comments(found.node, replacement)
            and not self._rebinds_lazy_reads(found, body)
            and not unseen_code_may_change(self.context, body, self._roots(found), found.lazy)
        )
        applicability = Applicability.SAFE if safe else Applicability.UNSAFE
        if found.what == "a list comprehension":
            cure = "use a generator expression"
        else:
            cure = "iterate the lazy iterable directly"
        self.report(
            found.node,
            fix=self.make_fix(applicability, (found.node, replacement)),
            estimate=sequence_estimate(self.context, found.node),
            what=found.what,
            cure=cure,
        )


def _generator_for(comp: cst.ListComp) -> cst.GeneratorExp:
    """The list comprehension as a generator expression, keeping the brackets' whitespace."""
    left = cst.LeftParen(whitespace_after=comp.lbracket.whitespace_after)
    right = cst.RightParen(whitespace_before=comp.rbracket.whitespace_before)
    return cst.GeneratorExp(
        elt=comp.elt,
        for_in=comp.for_in,
        lpar=tuple(comp.lpar) + (left,),
        rpar=(right,) + tuple(comp.rpar),
    )
