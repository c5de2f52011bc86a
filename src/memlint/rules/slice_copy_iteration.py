from __future__ import annotations

from typing import List, Optional

import libcst as cst

from memlint import matchers as m
from memlint.analysis.iteration import IterationSite, iterated_parts
from memlint.analysis.names import qualified_name
from memlint.analysis.rewrite import builtin_visible, visible_import
from memlint.analysis.values import known_length
from memlint.analysis.usage import may_mutate, single_binding
from memlint.analysis.values import data_evidence, is_tiny
from memlint.findings import Applicability, Tier
from memlint.matching import matches
from memlint.rule import FixAvailability, Invalid, Option, Valid
from memlint.rules._bases import IterationSiteRule

SLICED = m.Subscript(value=m.Name(), slice=[m.SubscriptElement(slice=m.Slice())])
ITERATES_SLICE = SLICED | m.Call(args=[m.ZeroOrMore(), m.Arg(value=SLICED), m.ZeroOrMore()])
WHOLE = m.Slice(lower=None, upper=None, step=None)
REVERSED = m.Slice(lower=None, upper=None, step=m.UnaryOperation(operator=m.Minus(), expression=m.Integer("1")))
NON_NEGATIVE = m.Integer()
SEQUENCE_DISPLAY = m.List() | m.Tuple() | m.ListComp() | m.SimpleString() | m.ConcatenatedString()
SEQUENCE_BUILDERS = frozenset({"builtins.list", "builtins.tuple", "builtins.sorted", "builtins.str", "builtins.bytes"})
SEQUENCE_METHODS = m.Call(func=m.Attribute(attr=m.Name("split") | m.Name("splitlines") | m.Name("rsplit") | m.Name("readlines")))
SEQUENCE_TYPE = m.Name("list") | m.Name("List") | m.Name("tuple") | m.Name("Tuple") | m.Name("str") | m.Name("bytes")
SEQUENCE_ANNOTATION = (
    SEQUENCE_TYPE
    | m.Attribute(attr=SEQUENCE_TYPE)
    | m.Subscript(value=SEQUENCE_TYPE | m.Attribute(attr=SEQUENCE_TYPE))
)


class SliceCopyIteration(IterationSiteRule):
    """
    ## What it does
    Flags a slice of a list, tuple or string that is only iterated: `for x in xs[1:]`,
    `for x in xs[::-1]`, `zip(xs, xs[1:])` in a `for` loop or a comprehension. `xs` must
    provably be a list, tuple or string: bound once in its scope to a display, a comprehension,
    `list()`/`tuple()`/`sorted()`, `.split()`/`.splitlines()`/`.readlines()`, or a parameter annotated
    `list`/`tuple`/`str`/`bytes` (`List[...]` etc.).

    ## Why is this bad?
    A slice of a list copies the pointers (8 bytes per element) before the loop starts; a slice
    of a string copies the characters. `itertools.islice` and `reversed` walk the original.
    Measured with tracemalloc on CPython 3.11, `for line in lines[1:]` over a list of 1,000,000
    strings peaks at +8 MB; `for line in itertools.islice(lines, 1, None)` at under 1 kB. Inside an
    outer loop (`for j in xs[i + 1:]`) the copy is made on every iteration.

    It does not apply, and memlint stays silent, when:
    - the type of `xs` is not known: numpy arrays and many other containers return views from a
      slice, and pandas objects iterate differently;
    - `xs[:]` is iterated: the idiom for "copy, because the loop mutates it";
    - the loop body may mutate `xs` (a method call on it, passing it on, assigning its items);
    - the length is known from the code and small (below `small-iterable-size`), or the slice
      has a small constant bound (`xs[:20]`, `xs[-6:]`);
    - there is no data-sized evidence (below).

    ## Precision policy
    Reported only on *data-sized* evidence, shown in the message (analysis/values.py): `xs`
    holds the lines or words of a file (`f.readlines()`, `f.read().split()`, `list(open(p))`),
    a directory listing, or is built by a comprehension over such data. A list parameter of
    unknown length is not reported: on real code these were mostly a few items.

    This rule is in preview: the memory saved is one list of pointers, and `islice` skips the
    first elements one by one (time proportional to the start index).

    ## Example
    ```python
    import itertools

    for line in lines[1:]:
        handle(line)
    for item in items[::-1]:
        handle(item)
    ```

    Use instead:
    ```python
    import itertools

    for line in itertools.islice(lines, 1, None):
        handle(line)
    for item in reversed(items):
        handle(item)
    ```

    ## Fix safety
    Always unsafe: `islice` and `reversed` read the original while the loop runs, so a mutation
    memlint cannot see (through an alias, or by a function it calls) now changes what the loop
    sees, and `reversed` of a list raises if the list changes size. A fix is offered for
    `[::-1]` (`reversed`, when not shadowed) and for slices whose bounds are non-negative
    integer literals (`islice`), and only when the module already imports `itertools` or
    `islice` (memlint does not add imports). For two-element windows, `itertools.pairwise(xs)`
    (Python 3.10+) reads better than `zip(xs, islice(xs, 1, None))`.

    ## Options
    - `small-iterable-size`: sequences whose length is known from the code and below this
      number are not reported.

    ## Overlaps
    No Ruff or flake8 rule flags this pattern (Ruff's RUF007 suggests `itertools.pairwise` for
    `zip(xs, xs[1:])`; it does not conflict but reports the same line: ignore one there).

    ## References
    - Python docs, `itertools.islice`, `itertools.pairwise`, `reversed`
    """

    code = "MEM109"
    triggers = ("for",)
    ITERABLE = ITERATES_SLICE
    name = "slice-copy-iteration"
    message = "`{slice}` copies the sequence only to iterate it ({evidence}); {cure}"
    fix_title = "Iterate the original with `itertools.islice` / `reversed`"
    fix_availability = FixAvailability.SOMETIMES
    tier = Tier.PREVIEW
    options = {
        "small-iterable-size": Option(1000, "sequences of known length below this are not reported"),
    }

    VALID = [
        Valid("import itertools\ndef f(xs: list):\n    for x in itertools.islice(xs, 1, None):\n        print(x)", "already lazy"),
        Valid("def f(xs):\n    for x in xs[1:]:\n        print(x)", "unknown type: may be a numpy array, whose slice is a view"),
        Valid("def f(xs: list):\n    for x in xs[:]:\n        xs.remove(x)", "a whole copy: the idiom before mutating"),
        Valid("def f(xs: list):\n    for x in xs[1:]:\n        xs.append(x)", "the loop body mutates the list"),
        Valid("def f(xs: list):\n    for x in xs[1:]:\n        process(xs)", "the list is passed to a function that may mutate it"),
        Valid("xs = [1, 2, 3]\nfor x in xs[1:]:\n    print(x)", "small literal display"),
        Valid(
            "import numpy as np\ndef f():\n    xs = np.arange(10_000)\n    for x in xs[1:]:\n        print(x)",
            "a numpy array: the slice is a view",
        ),
        Valid(
            "def f(xs: list):\n    tail = xs[1:]\n    for x in tail:\n        print(x)\n    return tail",
            "the slice is kept",
        ),
        Valid("def f(xs: list):\n    for x in xs[1:]:\n        print(x)", "a list of unknown length: no data-sized evidence"),
        Valid("def f(p):\n    rows = list(open(p))\n    for r in rows[:20]:\n        print(r)", "at most 20 items: tiny"),
    ]
    INVALID = [
        Invalid(
            "import itertools\ndef f(path):\n    lines = open(path).readlines()\n    for line in lines[1:]:\n        print(line)",
            "import itertools\ndef f(path):\n    lines = open(path).readlines()\n    for line in itertools.islice(lines, 1, None):\n        print(line)",
            Applicability.UNSAFE,
        ),
        Invalid(
            "def f(f):\n    items = f.read().splitlines()\n    for item in items[::-1]:\n        print(item)",
            "def f(f):\n    items = f.read().splitlines()\n    for item in reversed(items):\n        print(item)",
            Applicability.UNSAFE,
        ),
        Invalid(
            "from itertools import islice as isl\ndef f(stream):\n    words = stream.read().split()\n    for a, b in zip(words, words[1:]):\n        print(a, b)",
            "from itertools import islice as isl\ndef f(stream):\n    words = stream.read().split()\n    for a, b in zip(words, isl(words, 1, None)):\n        print(a, b)",
            Applicability.UNSAFE,
        ),
        Invalid(
            "import itertools as it\nimport os\ndef f(root):\n    ordered = sorted(os.listdir(root))\n    return [name.upper() for name in ordered[1:]]",
            "import itertools as it\nimport os\ndef f(root):\n    ordered = sorted(os.listdir(root))\n    return [name.upper() for name in it.islice(ordered, 1, None)]",
            Applicability.UNSAFE,
        ),
        Invalid(
            "import itertools\ndef f(p):\n    xs = tuple(open(p))\n    for x in xs[2::2]:\n        print(x)",
            "import itertools\ndef f(p):\n    xs = tuple(open(p))\n    for x in itertools.islice(xs, 2, None, 2):\n        print(x)",
            Applicability.UNSAFE,
        ),
        Invalid(
            "def f(p):\n    xs = list(open(p))\n    for x in xs[1:]:\n        print(x)",
            None,
            None,
            note="itertools is not imported: reported without a fix",
        ),
        Invalid(
            "def f(p):\n    xs = list(open(p))\n    for i in range(len(xs)):\n        for y in xs[i + 1:]:\n            print(xs[i], y)",
            None,
            None,
            note="a bound that is not a literal could be negative: no fix",
        ),
        Invalid(
            "def reversed(x):\n    return x\ndef f(p):\n    xs = list(open(p))\n    for x in xs[::-1]:\n        print(x)",
            None,
            None,
            note="`reversed` is shadowed: no fix",
        ),
    ]


    def check_site(self, site: IterationSite) -> None:
        for part in iterated_parts(self.context, site.iterable, SLICED):
            subscript = cst.ensure_type(part, cst.Subscript)
            sliced = cst.ensure_type(subscript.slice[0].slice, cst.Slice)
            if matches(sliced, WHOLE):
                continue
            name = cst.ensure_type(subscript.value, cst.Name)
            if not self._is_sequence(name) or may_mutate(site.body, {name.value}):
                continue
            evidence = data_evidence(self.context, name)
            if evidence is None or is_tiny(self.context, subscript):
                continue
            self._report(subscript, name, sliced, evidence)

    def _is_sequence(self, name: cst.Name) -> bool:
        binding = single_binding(self.context, name)
        if binding is None:
            return False
        if binding.kind == "param":
            return binding.annotation is not None and matches(binding.annotation, SEQUENCE_ANNOTATION)
        value = binding.value
        if value is None or binding.kind != "assign":
            return False
        length = known_length(self.context, value)
        if length is not None and length < self.settings["small-iterable-size"]:
            return False
        if matches(value, SEQUENCE_DISPLAY) or matches(value, SEQUENCE_METHODS):
            return True
        return m.matches(value, m.Call()) and qualified_name(self.context, cst.ensure_type(value, cst.Call).func) in SEQUENCE_BUILDERS

    def _report(self, subscript: cst.Subscript, name: cst.Name, sliced: cst.Slice, evidence: str) -> None:
        shown = cst.Module([]).code_for_node(subscript)
        if matches(sliced, REVERSED):
            cure = "iterate `reversed()`"
            if builtin_visible(self.context, subscript, "reversed"):
                replacement = cst.Call(func=cst.Name("reversed"), args=[cst.Arg(cst.Name(name.value))])
                fix = self.make_fix(Applicability.UNSAFE, (subscript, replacement))
                self.report(subscript, fix=fix, slice=shown, cure=cure, evidence=evidence)
            else:
                self.report(subscript, slice=shown, cure=cure, evidence=evidence)
            return
        cure = "iterate `itertools.islice()`"
        bounds = _islice_bounds(sliced)
        islice = visible_import(self.context, subscript, "itertools.islice") if bounds is not None else None
        if bounds is None or islice is None:
            self.report(subscript, slice=shown, cure=cure, evidence=evidence)
            return
        args = [cst.Arg(cst.Name(name.value))] + [cst.Arg(bound) for bound in bounds]
        replacement = cst.Call(func=cst.parse_expression(islice), args=args)
        self.report(subscript, fix=self.make_fix(Applicability.UNSAFE, (subscript, replacement)), slice=shown, cure=cure, evidence=evidence)


def _islice_bounds(sliced: cst.Slice) -> Optional[List[cst.BaseExpression]]:
    """islice's arguments for a slice with non-negative literal bounds (and a positive step)."""
    parts = (sliced.lower, sliced.upper, sliced.step)
    if any(part is not None and not matches(part, NON_NEGATIVE) for part in parts):
        return None
    lower, upper, step = parts
    if step is not None and int(cst.ensure_type(step, cst.Integer).evaluated_value) == 0:
        return None
    if lower is None and step is None and upper is not None:
        return [upper]
    bounds: List[cst.BaseExpression] = [lower if lower is not None else cst.Integer("0"), upper if upper is not None else cst.Name("None")]
    if step is not None:
        bounds.append(step)
    return bounds
