from __future__ import annotations

from typing import Optional, Tuple

import libcst as cst

from memlint import matchers as m
from memlint.analysis.estimates import sequence_estimate
from memlint.analysis.effects import needs_full_evaluation
from memlint.analysis.values import data_evidence, in_test_code, is_tiny
from memlint.analysis.lazy import LazySource, comprehension_observable, lazy_screen, lazy_source
from memlint.analysis.names import qualified_name
from memlint.analysis.rewrite import builtin_visible, drops_comments, parenthesized
from memlint.findings import Applicability
from memlint.matching import matches
from memlint.rule import FixAvailability, Invalid, Option, Rule, Valid
from memlint.screen import Both, Call, Node, OutsideTestFiles

SOLE_ARG = [m.Arg(keyword=None, star="")]
CONTAINER_CALL = m.Call(func=m.Name("list") | m.Name("tuple") | m.Attribute(attr=m.Name("list") | m.Name("tuple")), args=SOLE_ARG)
COUNTED = m.ListComp() | CONTAINER_CALL
LEN_CALL = m.Call(func=m.Name() | m.Attribute(), args=[m.Arg(value=COUNTED, keyword=None, star="")])
CONTAINERS = frozenset({"builtins.list", "builtins.tuple"})
ATOM = m.Name() | m.Integer() | m.Float() | m.SimpleString() | m.Ellipsis()
TRIVIAL_ELEMENT = ATOM | m.Tuple(elements=[m.ZeroOrMore(m.Element(value=ATOM))])
ONE = cst.Integer("1")


class MaterializedCount(Rule):
    """
    ## What it does
    Flags `len()` of a list comprehension, and `len(list(...))` / `len(tuple(...))` of a lazy
    iterable (`map`, `filter`, `zip`, `enumerate`, `reversed`, `iter`, `itertools.*`,
    `csv.reader`, `os.scandir`, a generator expression): a list built only to be counted.

    ## Why is this bad?
    Every element (and 8 bytes of pointer for each) is kept alive until `len()` returns,
    though only the count is needed. `sum(1 for ...)` counts one element at a time. Measured with
    tracemalloc on CPython 3.11, `len([x for x in data if x > 0])` over 1,000,000 positive floats
    peaks at +8.4 MB (the list); `sum(1 for x in data if x > 0)` at under 1 kB. When the elements
    are new objects (`len([f(x) for x in data])`) they are all kept too.

    It does not apply, and memlint stays silent, when:
    - `len` is not the builtin (a local function, a parameter, an import);
    - the comprehension is a set or dict comprehension (de-duplication changes the count);
    - the comprehension relies on full evaluation (walrus, `await`, a mutating call such as
      `.pop()`);
    - the length is known from the code and small (below `small-iterable-size`), or the
      counted iterable is proven tiny (the dimensions of an array);
    - the counted iterable is not shown to be data-sized (below): a parameter, a method's
      result, the nodes of one graph of unknown size;
    - in test code (files `test_*.py`/`*_test.py`/`conftest.py`, functions `test*`, classes
      `Test*`): test data are small by design, and `sum(1 for ...)` is slower there;
    - the argument of `list()` is not a known lazy iterable (`len(list(d))` is `len(d)` for a
      sized `d`, but memlint cannot tell).

    ## Precision policy
    Reported only on *data-sized* evidence, which the message shows (analysis/values.py): the
    counted iterable is read from a file, a stream or the network, is a listing, or is built
    from such input. The rewrite is not free: `sum(1 for ...)` is exact, but on a list of a few
    hundred items it is slower than `len([...])` and no clearer, so it is not worth suggesting
    for a collection of unknown size (on real code: the varying parameters of a fit, the
    neighbours of one node). Where the counted iterable is data-sized, the list is a real part
    of the peak (8 bytes a counted item, plus every new element) and the rewrite pays.

    ## Example
    ```python
    records = json.load(f)
    errors = len([r for r in records if r["status"] >= 500])
    ```

    Use instead:
    ```python
    records = json.load(f)
    errors = sum(1 for r in records if r["status"] >= 500)
    ```

    ## Fix safety
    The fix is safe when the element is a plain name or literal (it is no longer computed) and
    the conditions and inner iterables make no calls. It is unsafe otherwise: an element with a
    call, an attribute access or arithmetic is no longer evaluated, so its side effects and
    exceptions disappear; and a lazy iterable that runs user code (`map`, `filter`) now runs it
    interleaved with the counting. No fix is offered when `sum` is shadowed where the call is.
    Nothing but the count runs between the steps of the iteration, so no other code (seen or
    unseen) can change the source while it is counted: no further proof is needed.

    ## Options
    - `small-iterable-size`: iterables whose length is known from the code and below this
      number are not reported.

    ## Overlaps
    No Ruff or flake8 rule flags this pattern.

    ## References
    - PEP 289, Generator Expressions
    """

    code = "MEM105"
    triggers = ("len",)
    screen = (  # len() of a list comprehension, or of list()/tuple() of a generator expression or a lazy call but range(), not in a test module
        Both(
            Call("len", first=Node("ListComp") | Call("list", "tuple", first=Node("GeneratorExp") | lazy_screen("builtins.range"))),
            OutsideTestFiles(),
        ),
    )
    name = "materialized-count"
    message = "`len()` of {what} builds every element only to count them ({evidence}); count with `sum(1 for ...)`"
    fix_title = "Count with `sum(1 for ...)`"
    fix_availability = FixAvailability.SOMETIMES
    METADATA_DEPENDENCIES = ()
    options = {
        "small-iterable-size": Option(1000, "iterables of known length below this are not reported"),
    }

    VALID = [
        Valid("def f(a):\n    return len([d for d in a.shape if d > 1])", "counting the dimensions: tiny"),
        Valid("count = len([x for x in data if x > 0])", "the size of `data` is unknown: no data-sized evidence"),
        Valid(
            "class Fit:\n    def check(self):\n        return len([p for p in self.params.values() if p.vary])",
            "a method's result of unknown size (lmfit confidence.py: the varying fit parameters)",
        ),
        Valid("import itertools\ndef f(items):\n    return len(list(itertools.combinations(items, 2)))", "items of unknown number"),
        Valid("def test_nodes(G):\n    assert len([n for n in G if G.degree(n) == 2]) == 4", "test code: small data by design"),
        Valid("count = sum(1 for x in data if x > 0)", "already counts lazily"),
        Valid("count = len(data)", "no copy"),
        Valid("count = len({x for x in data})", "a set comprehension de-duplicates: the count would change"),
        Valid("count = len(list(data))", "an unknown source: `len(data)` may be meant"),
        Valid("count = len([x for x in range(10)])", "small constant range"),
        Valid("def len(x):\n    return 0\ncount = len([x for x in data if x])", "a module-level function shadows the builtin"),
        Valid("def count(len, data):\n    return len([x for x in data if x])", "a parameter shadows the builtin"),
        Valid("from mylib import len\ncount = len([x for x in data if x])", "an imported `len`"),
        Valid("count = len([stack.pop() for _ in items])", "a mutating call: relies on full evaluation"),
        Valid("count = len([y for x in data if (y := x)])", "walrus"),
    ]
    INVALID = [
        Invalid(
            "import json\nrecords = json.load(open(path))\ncount = len([x for x in records if x > 0])",
            "import json\nrecords = json.load(open(path))\ncount = sum(1 for x in records if x > 0)",
            Applicability.SAFE,
        ),
        Invalid(
            "import json\nrows = json.load(open(path))\ncount = len([r.name for r in rows if r.ok])",
            "import json\nrows = json.load(open(path))\ncount = sum(1 for r in rows if r.ok)",
            Applicability.UNSAFE,
            note="the element (an attribute access) is no longer evaluated",
        ),
        Invalid(
            "def f(path):\n    with open(path) as f:\n        values = f.read().split()\n    return len(list(filter(None, values)))",
            "def f(path):\n    with open(path) as f:\n        values = f.read().split()\n    return sum(1 for _ in filter(None, values))",
            Applicability.UNSAFE,
        ),
        Invalid(
            "count = len(tuple(line for line in open(path) if line.strip()))",
            "count = sum(1 for line in open(path) if line.strip())",
            Applicability.UNSAFE,
            note="the condition calls a method",
        ),
        Invalid(
            "import os\nentries = len(list(filter(os.path.isdir, os.listdir(root))))",
            "import os\nentries = sum(1 for _ in filter(os.path.isdir, os.listdir(root)))",
            Applicability.UNSAFE,
        ),
        Invalid(
            "import builtins\nwords = open(path).read().split()\ncount = builtins.len([w for w in words if w.isupper()])",
            "import builtins\nwords = open(path).read().split()\ncount = sum(1 for w in words if w.isupper())",
            Applicability.UNSAFE,
            note="the condition calls a method",
        ),
        Invalid(
            "def total(path):\n    sum = 0\n    return len([x for x in open(path) if x])",
            None,
            None,
            note="`sum` is shadowed: reported without a fix",
        ),
        Invalid(
            "import numpy as np\nxs = np.load(p)\npairs = len([(a, b) for a in xs for b in ys if a < b])",
            "import numpy as np\nxs = np.load(p)\npairs = sum(1 for a in xs for b in ys if a < b)",
            Applicability.SAFE,
        ),
        Invalid(
            "import json\nrecords = json.load(open(path))\nn = len([\n    x  # each one\n    for x in records\n])",
            "import json\nrecords = json.load(open(path))\nn = sum((\n    1 for x in records\n))",
            Applicability.UNSAFE,
            note="the fix would drop a comment",
        ),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        if not matches(node, LEN_CALL):
            return  # cheap syntactic guard before any name resolution
        if qualified_name(self.context, node.func) != "builtins.len":
            return
        found = self._counted(node.args[0].value)
        if found is None:
            return
        generator, source, what = found
        if source.length is not None and source.length < self.settings["small-iterable-size"]:
            return
        if is_tiny(self.context, node.args[0].value) or in_test_code(self.context, node):
            return  # counting a few items: `len([d for d in a.shape if d > 1])`, or test data
        evidence = data_evidence(self.context, node.args[0].value)
        if evidence is None:
            return  # size unknown is not large: `sum(1 for ...)` is slower on a few items
        estimate = sequence_estimate(self.context, node.args[0].value)
        if not builtin_visible(self.context, node, "sum"):
            self.report(node, estimate=estimate, what=what, evidence=evidence)
            return
        replacement = cst.Call(
            func=cst.Name("sum"), args=[cst.Arg(generator)], lpar=node.lpar, rpar=node.rpar
        )
        safe = source.unobservable and not drops_comments(node, replacement)
        applicability = Applicability.SAFE if safe else Applicability.UNSAFE
        self.report(node, fix=self.make_fix(applicability, (node, replacement)), estimate=estimate, what=what, evidence=evidence)

    def _counted(self, arg: cst.BaseExpression) -> Optional[Tuple[cst.GeneratorExp, LazySource, str]]:
        """The counting generator, what is counted, and how to name it in the message."""
        if m.matches(arg, m.ListComp()):
            comp = cst.ensure_type(arg, cst.ListComp)
            source = lazy_source(self.context, comp)
            if source is None:
                return None
            unobservable = matches(comp.elt, TRIVIAL_ELEMENT) and not comprehension_observable(comp)
            generator = _counting(comp.for_in, comp.lbracket.whitespace_after, comp.rbracket.whitespace_before)
            return generator, LazySource(source.name, unobservable, source.length), "a list comprehension"
        call = cst.ensure_type(arg, cst.Call)
        if qualified_name(self.context, call.func) not in CONTAINERS:
            return None
        inner = call.args[0].value
        if m.matches(inner, m.GeneratorExp()):
            gen = cst.ensure_type(inner, cst.GeneratorExp)
            if needs_full_evaluation(gen):
                return None
            unobservable = matches(gen.elt, TRIVIAL_ELEMENT) and not comprehension_observable(gen)
            source = LazySource("a generator expression", unobservable, None)
            return _counting(gen.for_in), source, "a materialized generator expression"
        source = lazy_source(self.context, inner)
        if source is None or source.name in ("range", "a list comprehension"):
            return None  # len(range(...)) needs no list; len(list([...])) is a different waste
        target = cst.Name("_")
        for_in = cst.CompFor(target=target, iter=parenthesized(inner) if _needs_parens(inner) else inner)
        return _counting(for_in), source, f"`list({source.name}(...))`"


def _needs_parens(expr: cst.BaseExpression) -> bool:
    return m.matches(expr, m.GeneratorExp() | m.Lambda() | m.IfExp())


def _counting(
    for_in: cst.CompFor,
    after_open: Optional[cst.BaseParenthesizableWhitespace] = None,
    before_close: Optional[cst.BaseParenthesizableWhitespace] = None,
) -> cst.GeneratorExp:
    """`1 for ...` with the comprehension's own layout; parentheses come from the `sum()` call."""
    if after_open is not None and before_close is not None and not (
        m.matches(after_open, m.SimpleWhitespace()) and m.matches(before_close, m.SimpleWhitespace())
    ):
        return cst.GeneratorExp(
            elt=ONE,
            for_in=for_in.with_changes(whitespace_before=cst.SimpleWhitespace(" ")),
            lpar=[cst.LeftParen(whitespace_after=after_open)],
            rpar=[cst.RightParen(whitespace_before=before_close)],
        )
    return cst.GeneratorExp(elt=ONE, for_in=for_in.with_changes(whitespace_before=cst.SimpleWhitespace(" ")), lpar=[], rpar=[])
