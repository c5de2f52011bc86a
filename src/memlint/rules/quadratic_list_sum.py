from __future__ import annotations

from typing import Optional, Sequence, Tuple

import libcst as cst

from memlint import matchers as m
from memlint.analysis.names import qualified_name
from memlint.analysis.rewrite import builtin_visible, visible_import
from memlint.analysis.scopes import scope_index
from memlint.findings import Applicability
from memlint.matching import matches
from memlint.rule import Fix, FixAvailability, Invalid, Rule, Valid
from memlint.screen import Call, Node

SEQUENCE_START = m.List() | m.Tuple()
EMPTY_START = m.List(elements=[]) | m.Tuple(elements=[])
DOCSTRING = m.SimpleStatementLine(body=[m.Expr(value=m.SimpleString() | m.ConcatenatedString())])
FUTURE_IMPORT = m.SimpleStatementLine(body=[m.ImportFrom(module=m.Name("__future__"))])
# A display of this few items is a couple of copies, not a quadratic pattern.
FEW_ITEMS = 3


class QuadraticListSum(Rule):
    """
    ## What it does
    Flags `sum(lists, [])`: `sum` with a start value that is a list or tuple display, which
    concatenates sequences, however `sum` is imported (`builtins.sum`, `from builtins import sum`).

    ## Why is this bad?
    `sum` adds left to right with `+`, and `+` on lists builds a new list each time: every step
    copies the whole running total. Summing n lists of k items copies about n²·k/2 pointers
    (each with a reference-count update) where one pass of k·n would do, and holds the old and
    the new total at once at every step. Measured on CPython 3.11, `sum(lists, [])` over 1,000
    lists of 100 ints takes over 100 times the CPU time of `list(itertools.chain.from_iterable(lists))`:
    it copies 400 MB of pointers to build an 800 kB list. The cost grows with the square of the
    number of lists.

    It does not apply, and memlint stays silent, when:
    - the start value is not a list or tuple display (`sum(xs, 0)`, `sum(vectors, Vector())`:
      numbers or a type with its own `+`);
    - `sum` is not the builtin (a local function, a parameter or `numpy.sum`);
    - the iterable is a display of fewer than three items (`sum([a, b], [])`): a copy or two.

    ## Example
    ```python
    rows = sum(batches, [])
    ```

    Use instead:
    ```python
    import itertools

    rows = list(itertools.chain.from_iterable(batches))
    ```

    ## Fix safety
    The fix is unsafe: `sum` raises a `TypeError` when an item is not a list (a tuple, a
    generator, a string), while `itertools.chain.from_iterable` accepts any iterable (and
    splits strings into characters); a list subclass with its own `+` is no longer called. The
    fix is offered only for an empty start (`[]` gives a `list(...)`, `()` a `tuple(...)`),
    when `list`/`tuple` are the builtins, and reuses an existing `import itertools` (or
    `from itertools import chain`); otherwise it adds `import itertools` at the top of the
    module, after its docstring and `from __future__` imports, unless the name `itertools` is
    already bound to something else.

    ## Overlaps
    Ruff's RUF017 (`quadratic-list-summation`) flags the same calls. If you run both, ignore one
    of them (`ignore = ["RUF017"]` in Ruff's settings or `ignore = ["MEM306"]` here), or set
    `ruff-compat = true` so that a `# noqa: RUF017` silences MEM306 too (docs/ruff.md).

    ## References
    - Ruff's RUF017, `quadratic-list-summation`
    - `itertools.chain.from_iterable` in the Python documentation
    """

    code = "MEM306"
    triggers = ("sum",)
    screen = (Call("sum", second=Node("List", "Tuple")), Call("sum", keyword=Node("List", "Tuple")))
    name = "quadratic-list-sum"
    message = (
        "`sum(..., {start})` copies the running {kind} on every addition (quadratic in the number of items); "
        "use `{cure}`"
    )
    fix_title = "Replace with `itertools.chain.from_iterable`"
    fix_availability = FixAvailability.SOMETIMES

    VALID = [
        Valid("total = sum(values)", "numbers"),
        Valid("total = sum(values, 0.0)", "a numeric start"),
        Valid("combined = sum(vectors, Vector())", "a type with its own `+`"),
        Valid("both = sum([left, right], [])", "two items: a copy or two, not quadratic"),
        Valid(
            """
            def sum(items, start):
                return start
            rows = sum(batches, [])
            """,
            "a module-level function shadows the builtin",
        ),
        Valid("import numpy as np\nrows = np.sum(batches, [])", "not the builtin"),
        Valid("rows = list(itertools.chain.from_iterable(batches))", "already linear"),
    ]
    INVALID = [
        Invalid(
            "rows = sum(batches, [])",
            "import itertools\nrows = list(itertools.chain.from_iterable(batches))",
            Applicability.UNSAFE,
        ),
        Invalid(
            "import itertools\nrows = sum(batches, start=[])",
            "import itertools\nrows = list(itertools.chain.from_iterable(batches))",
            Applicability.UNSAFE,
            note="`start=` as a keyword; the existing import is reused",
        ),
        Invalid(
            "from itertools import chain\npairs = sum(groups, ())",
            "from itertools import chain\npairs = tuple(chain.from_iterable(groups))",
            Applicability.UNSAFE,
            note="a tuple start gives a tuple",
        ),
        Invalid(
            '''
            """Reports."""
            from __future__ import annotations

            def flatten(pages):
                return sum([page.rows for page in pages], [])
            ''',
            '''
            """Reports."""
            from __future__ import annotations
            import itertools

            def flatten(pages):
                return list(itertools.chain.from_iterable([page.rows for page in pages]))
            ''',
            Applicability.UNSAFE,
            note="the import goes after the docstring and `from __future__` imports",
        ),
        Invalid("rows = sum(batches, [header])", None, note="a non-empty start: no fix"),
        Invalid(
            "itertools = None\nrows = sum(batches, [])",
            None,
            note="`itertools` is bound to something else: no fix",
        ),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        start = _start(node.args)
        if start is None or not matches(start, SEQUENCE_START):
            return  # cheap syntactic guard before any name resolution
        if qualified_name(self.context, node.func) != "builtins.sum":
            return
        items = node.args[0].value
        if matches(items, m.List() | m.Tuple() | m.Set()) and len(getattr(items, "elements", ())) < FEW_ITEMS:
            return
        is_list = matches(start, m.List())
        kind = "list" if is_list else "tuple"
        cure = f"{kind}(itertools.chain.from_iterable(...))"
        empty = matches(start, EMPTY_START)
        shown = ("[]" if is_list else "()") if empty else ("[...]" if is_list else "(...)")
        fix = self._fix(node, items, kind) if empty else None
        self.report(node, fix=fix, start=shown, kind=kind, cure=cure)

    def _fix(self, node: cst.Call, items: cst.BaseExpression, kind: str) -> Optional[Fix]:
        if not builtin_visible(self.context, node, kind):
            return None
        chain = visible_import(self.context, node, "itertools.chain")
        anchor: Optional[cst.CSTNode] = None
        if chain is None:
            if scope_index(self.context).binding_scope(node, "itertools") != "unbound":
                return None
            chain, anchor = "itertools.chain", _import_anchor(self.context.module)
            if anchor is None:
                return None
        flattened = cst.Call(
            func=cst.Name(kind),
            args=[cst.Arg(cst.Call(func=cst.parse_expression(f"{chain}.from_iterable"), args=[cst.Arg(items)]))],
            lpar=node.lpar,
            rpar=node.rpar,
        )
        if anchor is None:
            return self.make_fix(Applicability.UNSAFE, (node, flattened))
        statement = cst.ensure_type(anchor, cst.BaseStatement)
        importing = cst.parse_statement("import itertools\n")
        if _contains(self, statement, node):  # the call is in the statement the import goes before
            statement = statement.deep_replace(node, flattened)  # type: ignore[assignment]
            return self.make_fix(Applicability.UNSAFE, (anchor, cst.FlattenSentinel([importing, statement])))
        return self.make_fix(
            Applicability.UNSAFE, (node, flattened), (anchor, cst.FlattenSentinel([importing, statement]))
        )


def _start(args: Sequence[cst.Arg]) -> Optional[cst.BaseExpression]:
    """sum's start value: the second positional argument or `start=`; None for anything else."""
    if not args or args[0].keyword is not None or args[0].star:
        return None
    if any(arg.star for arg in args):
        return None
    if len(args) == 2:
        second = args[1]
        if second.keyword is None or second.keyword.value == "start":
            return second.value
    return None


def _import_anchor(module: cst.Module) -> Optional[cst.CSTNode]:
    """The first statement after the docstring and the `from __future__` imports."""
    body: Tuple[cst.BaseStatement, ...] = tuple(module.body)
    index = 0
    if body and matches(body[0], DOCSTRING):
        index = 1
    while index < len(body) and matches(body[index], FUTURE_IMPORT):
        index += 1
    return body[index] if index < len(body) else None


def _contains(rule: Rule, outer: cst.CSTNode, inner: cst.CSTNode) -> bool:
    """Is `outer` an ancestor of `inner` (the parents the traversal recorded)?"""
    node: Optional[cst.CSTNode] = inner
    while node is not None:
        if node is outer:
            return True
        node = rule.context.parents.get(node)
    return False
