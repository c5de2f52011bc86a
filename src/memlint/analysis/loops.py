"""Loop context: which loops run a node once per iteration, and what a loop rebinds or mutates.

A node is *in* a loop when it is evaluated on every iteration of that loop, in the same function:
- `for`: its target and body (not its iterable, evaluated once, nor its `else`, run once after);
- `while`: its test and body (not its `else`);
- a comprehension or generator expression: its element, its conditions, its targets and the
  iterables of its inner `for` clauses (not the first iterable, evaluated once outside);
- a class body is transparent (it runs where the class statement runs), while the body of a `def`
  or `lambda` is a new frame: a loop outside a function does not run the function's body. The
  decorators, defaults and annotations of a `def` are evaluated where the `def` statement is, so
  they *are* in the loops around it.

Walking up reads the parents the traversal records (`context.parents`): nothing to declare.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, FrozenSet, List, Optional, Set, Union

import libcst as cst

from memlint import matchers as m
from memlint.analysis.effects import MUTATING_METHODS
from memlint.analysis.values import is_tiny, known_length
from memlint.matching import matches
from memlint.context import LintContext
from memlint.analysis.tree import SameScopeVisitor, TargetVisitor, base_name, dotted_name, flatten_targets, target_names
from memlint.traversal import visit_read_only

LOOP_STATEMENT = m.For() | m.While()
COMPREHENSION = m.ListComp() | m.SetComp() | m.DictComp() | m.GeneratorExp()
LOOP = LOOP_STATEMENT | COMPREHENSION
FRAME = m.FunctionDef() | m.Lambda()
EXITS = m.SimpleStatementLine(body=[m.Break() | m.Return() | m.Raise()])

LoopNode = Union[cst.For, cst.While, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp]
FunctionNode = Union[cst.FunctionDef, cst.Lambda]


@dataclass(frozen=True)
class Loop:
    """A loop that runs some node once per iteration.

    `node` is the `For`/`While` statement or the comprehension; `function` is the `def`/`lambda`
    whose frame runs the loop (None at module level or in a class body outside any function).
    """

    node: cst.CSTNode
    function: Optional[FunctionNode]

    @property
    def is_statement(self) -> bool:
        return matches(self.node, LOOP_STATEMENT)

    @property
    def statements(self) -> List[cst.BaseStatement]:
        """The statements directly in a `for`/`while` body ([] for comprehensions and one-line suites)."""
        if not self.is_statement:
            return []
        body = getattr(self.node, "body")
        if m.matches(body, m.IndentedBlock()):
            return list(cst.ensure_type(body, cst.IndentedBlock).body)
        return []


def parent(context: LintContext, node: cst.CSTNode) -> Optional[cst.CSTNode]:
    """The node's parent (None for the module), as the traversal records it."""
    return context.parents.get(node)


def enclosing_loops(context: LintContext, node: cst.CSTNode) -> List[Loop]:
    """Every loop that evaluates `node` once per iteration in the same frame, innermost first."""
    loops: List[cst.CSTNode] = []
    path: List[cst.CSTNode] = [node]
    child = node
    current = parent(context, node)
    while current is not None:
        if matches(current, FRAME):
            if child is getattr(current, "body"):
                return [Loop(loop, _as_function(current)) for loop in loops]
        elif m.matches(current, m.For()):
            for_node = cst.ensure_type(current, cst.For)
            if child is for_node.body or child is for_node.target:
                loops.append(current)
        elif m.matches(current, m.While()):
            while_node = cst.ensure_type(current, cst.While)
            if child is while_node.body or child is while_node.test:
                loops.append(current)
        elif matches(current, COMPREHENSION):
            for_in = getattr(current, "for_in")
            first_iterable = child is for_in and len(path) >= 2 and path[-2] is for_in.iter
            if not first_iterable:
                loops.append(current)
        path.append(current)
        child = current
        current = parent(context, current)
    return [Loop(loop, None) for loop in loops]


def enclosing_loop(context: LintContext, node: cst.CSTNode) -> Optional[Loop]:
    """The innermost loop that evaluates `node` once per iteration in the same frame, if any."""
    loops = enclosing_loops(context, node)
    return loops[0] if loops else None


def enclosing_function(context: LintContext, node: cst.CSTNode) -> Optional[FunctionNode]:
    """The `def` or `lambda` whose body contains `node` (None at module level)."""
    child = node
    current = parent(context, node)
    while current is not None:
        if matches(current, FRAME) and child is getattr(current, "body"):
            return _as_function(current)
        child = current
        current = parent(context, current)
    return None


def statement_of(context: LintContext, node: cst.CSTNode) -> Optional[cst.CSTNode]:
    """The innermost statement (simple or compound) containing `node`, or `node` itself."""
    current: Optional[cst.CSTNode] = node
    while current is not None and not isinstance(current, (cst.BaseSmallStatement, cst.BaseCompoundStatement)):
        current = parent(context, current)
    return current


def is_inside(context: LintContext, node: cst.CSTNode, ancestor: cst.CSTNode) -> bool:
    """Is `ancestor` one of `node`'s ancestors (or `node` itself)?"""
    current: Optional[cst.CSTNode] = node
    while current is not None:
        if current is ancestor:
            return True
        current = parent(context, current)
    return False


def runs_at_most_once(loop: Loop, length: Optional[Callable[[cst.BaseExpression], Optional[int]]] = None) -> bool:
    """A loop whose body cannot run twice: it ends with `break`/`return`/`raise` and never
    `continue`s, or (given `length`, e.g. `values.known_length` bound to a context) its iterable has
    at most one item."""
    if not loop.is_statement:
        return False
    statements = loop.statements
    if statements and matches(statements[-1], EXITS) and not _continues(loop.node):
        return True
    if length is not None and m.matches(loop.node, m.For()):
        count = length(cst.ensure_type(loop.node, cst.For).iter)
        return count is not None and count <= 1
    return False


@dataclass(frozen=True)
class LoopBindings:
    """What one pass of a loop may change, found syntactically.

    - `names`: plain names (re)bound in the loop: assignment and `for` targets, `with ... as`,
      `except ... as`, imports, `def`/`class` statements, walrus, `del`;
    - `attributes`: dotted targets assigned or deleted, such as "self.total";
    - `mutated`: names whose object the loop may change in place: the receiver of a known
      mutating method (`.append()`, `.pop()`, …), or of an item or attribute assignment.
    Nested `def`/`class`/`lambda` bodies are not looked into (they run elsewhere).
    """

    names: FrozenSet[str]
    attributes: FrozenSet[str]
    mutated: FrozenSet[str]

    def varies(self, name: str) -> bool:
        """May `name`, or the object it holds, differ between iterations?"""
        return name in self.names or name in self.mutated


def loop_bindings(loop_node: cst.CSTNode) -> LoopBindings:
    """The names a `for`/`while` loop or comprehension binds or mutates (see `LoopBindings`)."""
    collector = _BindingCollector()
    visit_read_only(loop_node, collector)
    return LoopBindings(frozenset(collector.names), frozenset(collector.attributes), frozenset(collector.mutated))


class _BindingCollector(TargetVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: Set[str] = set()
        self.attributes: Set[str] = set()
        self.mutated: Set[str] = set()

    def on_target(self, target: cst.CSTNode, kind: str, owner: cst.CSTNode) -> None:
        if kind == "annotated" and getattr(owner, "value") is None:
            return  # `x: int` binds nothing
        self.names.update(target_names(target))
        for element in flatten_targets(target):
            if isinstance(element, (cst.Attribute, cst.Subscript)):
                dotted = dotted_name(element)
                if dotted is not None:
                    self.attributes.add(dotted)
                base = base_name(element)
                if base is not None:
                    self.mutated.add(base)

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            bound = alias.asname.name if alias.asname is not None else alias.name
            name = dotted_name(bound)
            if name is not None:
                self.names.add(name.split(".")[0])

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            bound = alias.asname.name if alias.asname is not None else alias.name
            self.names.update(target_names(bound))

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in MUTATING_METHODS:
            base = base_name(func.value)
            if base is not None:
                self.mutated.add(base)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.names.add(node.name.value)
        for decorator in node.decorators:
            visit_read_only(decorator, self)
        visit_read_only(node.params, self)
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self.names.add(node.name.value)
        for decorator in node.decorators:
            visit_read_only(decorator, self)
        for arg in list(node.bases) + list(node.keywords):
            visit_read_only(arg, self)
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        visit_read_only(node.params, self)
        return False


def _continues(loop_node: cst.CSTNode) -> bool:
    """Does the loop's own body contain `continue` (not one belonging to a nested loop)?"""
    finder = _ContinueFinder()
    visit_read_only(getattr(loop_node, "body"), finder)
    return finder.found


class _ContinueFinder(SameScopeVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def visit_Continue(self, node: cst.Continue) -> None:
        self.found = True

    def visit_For(self, node: cst.For) -> bool:
        return False

    def visit_While(self, node: cst.While) -> bool:
        return False


def _as_function(node: cst.CSTNode) -> FunctionNode:
    if m.matches(node, m.Lambda()):
        return cst.ensure_type(node, cst.Lambda)
    return cst.ensure_type(node, cst.FunctionDef)


# A loop over fewer items than this, stated in the code, is too short for a per-iteration cost
# (an allocation, a copy, a quadratic regrowth) to matter.
SMALL_LOOP = 100


def repeats_often(context: LintContext, loop: Loop) -> bool:
    """Can a per-iteration cost add up here: the body can run more than once, and the code
    does not state fewer than SMALL_LOOP items for it, nor prove its iterable tiny (a shape,
    `range(a.ndim)`, a slice `xs[:20]`: analysis/values.py). An unknown count counts as many."""
    length = lambda expr: known_length(context, expr)  # noqa: E731
    if runs_at_most_once(loop, length):
        return False
    count = known_trip_count(loop, length)
    if count is not None:
        return count >= SMALL_LOOP
    iterable = loop_iterable(loop)
    if iterable is None:
        return True
    return not is_tiny(context, iterable, below=SMALL_LOOP)


def loop_iterable(loop: Loop) -> Optional[cst.BaseExpression]:
    """What a `for` loop or comprehension iterates (None for `while`)."""
    if m.matches(loop.node, m.For()):
        return cst.ensure_type(loop.node, cst.For).iter
    if matches(loop.node, COMPREHENSION):
        return getattr(loop.node, "for_in").iter
    return None


def known_trip_count(loop: Loop, length: Callable[[cst.BaseExpression], Optional[int]]) -> Optional[int]:
    """How many times a `for` loop or comprehension iterates, when its iterable's length is
    stated in the code (`length` is e.g. `values.known_length` bound to a context); else None."""
    if m.matches(loop.node, m.For()):
        return length(cst.ensure_type(loop.node, cst.For).iter)
    if matches(loop.node, COMPREHENSION):
        return length(getattr(loop.node, "for_in").iter)
    return None
