from __future__ import annotations

from typing import Optional, Union

import libcst as cst

from memlint import matchers as m
from memlint.analysis.captures import captures, definition_time_names, has_mutable_default
from memlint.analysis.escapes import value_escapes
from memlint.analysis.hoisting import hoist_before
from memlint.analysis.loops import enclosing_loop, is_inside, Loop, loop_bindings, parent, repeats_often
from memlint.analysis.scopes import scope_index
from memlint.findings import Applicability
from memlint.matching import matches
from memlint.rule import Fix, FixAvailability, Invalid, Option, Valid
from memlint.rules._bases import LoopDepthRule
from memlint.screen import OFTEN, AllOf, In, Node, Not, ReadsLoopTarget

PLAIN_DECORATOR = m.Decorator(decorator=m.Name())
SINGLE_NAME_ASSIGN = m.Assign(targets=[m.AssignTarget(target=m.Name())])
Definition = Union[cst.FunctionDef, cst.ClassDef]


class DefinitionInLoop(LoopDepthRule):
    """
    ## What it does
    Flags a `def` or `class` statement (and, with `include-lambdas`, a `lambda`) that runs on
    every iteration of a loop although it captures nothing the loop changes.

    ## Why is this bad?
    A `def` statement builds a new function object each time it runs (about 150 bytes), and a
    `class` statement a new type object with its own dictionary and method resolution order (over
    1 KB, in reference cycles that only the cyclic garbage collector frees). The cost is mostly
    time: measured on CPython 3.11, a loop over 1,000,000 rows that defines a one-line
    `def scale` in its body takes about twice the CPU time of the same loop with `scale` defined
    once before it, at the same peak memory (each iteration's function is released when the name
    is rebound).

    It does not apply, and memlint stays silent, when:
    - the definition reads a name the loop binds, in its body, decorators, defaults or
      annotations (`def f(x=i)`, a closure over the loop variable, a class body reading it), or
      a name whose object the loop changes in place where the definition runs it (a class body,
      decorators, defaults reading `xs` while the loop calls `xs.sort()`, `xs.append()` or any
      mutator of the builtin containers, derived from the types in `analysis/effects.py`): a
      new object per iteration is what the code asks for;
    - the defined name escapes the iteration (stored, appended, returned, yielded, aliased, or
      given attributes): each iteration deliberately makes a distinct object;
    - the loop body cannot run twice (it ends with `break`/`return`/`raise` and never
      `continue`s), or iterates over fewer than 100 items stated in the code (a literal
      display, a constant `range()`);
    - the loop binds the name more than once (alternative definitions chosen at run time);
    - a parameter default builds a fresh object (`def f(x, seen=set())`): per-iteration state;
    - the definition is inside a nested function's body (that body is not run by the loop).

    ## Example
    ```python
    for row in rows:
        def scale(value):
            return value * factor
        out.append(scale(row))
    ```

    Use instead:
    ```python
    def scale(value):
        return value * factor
    for row in rows:
        out.append(scale(row))
    ```

    ## Fix safety
    The fix moves the definition to just before the loop. It is offered only when the
    definition is a statement directly in the loop body, the body keeps other statements, its
    decorators are plain names, the loop binds the name only through this statement and does not
    read it before the statement. It is unsafe: decorators now run once instead of once per
    iteration, every iteration sees the same object (identity checks and attributes set on it
    differ), and after a loop that runs zero times the name is now bound. A class body, the
    decorators and the defaults now run before the first iteration: if code memlint cannot see
    (a function called in the loop) changes what they read, the hoisted definition keeps the
    first value.

    ## Options
    - `include-lambdas`: also report `lambda` expressions evaluated on every iteration (no fix).

    ## Overlaps
    Pylint's `cell-var-from-loop` (W0640) reports the opposite case, closures that *do* capture
    a loop variable, which this rule skips. MEM202 reports nested definitions in hot functions
    that are not inside a loop, so one definition is never reported by both.

    ## References
    - seed `000`: the code object is compiled once, but a function object is built each time
      the `def` statement runs
    - Python Language Reference, "Function definitions" and "Class definitions"
    """

    code = "MEM201"
    triggers = ("def|class|lambda", "for|while")
    screen = (  # lambdas: only with include-lambdas, which turns the screen off
        In(
            OFTEN,  # what runs at definition time reads no target of the loop; no default builds an object
            AllOf(
                Node("FunctionDef", "AsyncFunctionDef", "ClassDef"),
                Not(Node("FunctionDef", "AsyncFunctionDef", "ClassDef", decorator_list=ReadsLoopTarget())),
                Not(Node("FunctionDef", "AsyncFunctionDef", default=ReadsLoopTarget() | Node("List", "Dict", "Set", "ListComp", "DictComp", "SetComp", "Call"))),
                Not(Node("ClassDef", bases=ReadsLoopTarget())),
                Not(Node("ClassDef", keywords=ReadsLoopTarget())),
            ),
        ),
    )
    name = "definition-in-loop"
    message = "{what_stmt} runs on every loop iteration and builds a new {what} each time; define it once before the loop"
    fix_title = "Move the definition before the loop"
    fix_availability = FixAvailability.SOMETIMES
    options = {
        "include-lambdas": Option(False, "also report `lambda` expressions evaluated on every iteration"),
    }

    VALID = [
        Valid(
            """
            for r in rounds:
                class Snapshot:
                    first = xs[0]
                xs.sort()
                use(Snapshot)
            """,
            "the loop sorts the list the class body reads (issue 12: hoisting froze the first order)",
        ),
        Valid(
            """
            def scale(value):
                return value * 2
            for row in rows:
                out.append(scale(row))
            """,
            "already defined once",
        ),
        Valid(
            """
            for i in range(10):
                def show(i=i):
                    return i
                callbacks.append(show)
            """,
            "the default captures the loop variable on purpose",
        ),
        Valid(
            """
            def build(rows):
                for row in rows:
                    def key(col):
                        return row[col]
                    use(sorted(cols, key=key))
            """,
            "a closure over the loop variable",
        ),
        Valid(
            """
            handlers = []
            for name in names:
                def handler(event):
                    return event
                handlers.append(handler)
            """,
            "each iteration stores a distinct function object",
        ),
        Valid(
            """
            def make(kinds):
                for kind in kinds:
                    class Node:
                        label = kind
                    yield Node
            """,
            "the class body reads the loop variable",
        ),
        Valid(
            """
            while True:
                def step(x):
                    return x + 1
                value = step(value)
                break
            """,
            "the loop body runs at most once",
        ),
        Valid(
            """
            for item in items:
                def run():
                    def inner(x):
                        return x
                    return inner(item)
                run()
            """,
            "`inner` is in run's body, which the loop does not execute (run itself captures `item`)",
        ),
        Valid(
            "for row in rows:\n    out.append(sorted(row, key=lambda cell: cell.weight))",
            "lambdas are reported only with include-lambdas",
        ),
        Valid(
            """
            for value in values:
                registry[value] = type("T", (), {})
            """,
            "not a class statement",
        ),
        Valid(
            """
            for path in paths:
                @app.route(path)
                def view():
                    return path
            """,
            "the decorator reads the loop variable",
        ),
        Valid(
            """
            for name in names:
                def getter(self):
                    return 1
                getter.__name__ = name
                setattr(cls, name, getter)
            """,
            "the function object is given attributes and stored",
        ),
        Valid(
            """
            for sol in ("vode", "zvode", "lsoda"):
                def f(t, y):
                    return 1.0
                run(f, sol)
            """,
            "three iterations stated in the code: nothing to save (scipy's test_integrate)",
        ),
        Valid(
            """
            while go:
                if first:
                    def eta(g):
                        return 1
                else:
                    def eta(g):
                        return 1 - g
                step(eta)
            """,
            "alternative definitions chosen at run time (scipy's _linprog_ip)",
        ),
        Valid(
            """
            for group in groups:
                def seen(item, memo=set()):
                    found = item in memo
                    memo.add(item)
                    return found
                report([g for g in group if not seen(g)])
            """,
            "a mutable default: each iteration's function has its own state",
        ),
    ]
    INVALID = [
        Invalid(
            """
            def total(rows, factor):
                out = []
                for row in rows:
                    def scale(value):
                        return value * factor
                    out.append(scale(row))
                return out
            """,
            """
            def total(rows, factor):
                out = []
                def scale(value):
                    return value * factor
                for row in rows:
                    out.append(scale(row))
                return out
            """,
            Applicability.UNSAFE,
        ),
        Invalid(
            """
            for record in records:
                class Point:
                    __slots__ = ("x", "y")
                process(record, Point)
            """,
            """
            class Point:
                __slots__ = ("x", "y")
            for record in records:
                process(record, Point)
            """,
            Applicability.UNSAFE,
            note="a class statement builds a new type object per iteration",
        ),
        Invalid(
            """
            for record in records:
                class Point:
                    def norm(self):
                        return abs(self.x) + abs(self.y)
                    key = lambda self: self.x
                use(record, Point)
            """,
            """
            class Point:
                def norm(self):
                    return abs(self.x) + abs(self.y)
                key = lambda self: self.x
            for record in records:
                use(record, Point)
            """,
            Applicability.UNSAFE,
            note="one finding for the class, none for its methods",
            options={"include-lambdas": True},
        ),
        Invalid(
            """
            while queue:
                item = queue.popleft()

                # how to compare
                def key(entry):
                    return entry.priority
                handle(item, key)
            """,
            """
            # how to compare
            def key(entry):
                return entry.priority
            while queue:
                item = queue.popleft()
                handle(item, key)
            """,
            Applicability.UNSAFE,
            note="comments above the definition move with it",
        ),
        Invalid(
            """
            import functools
            for chunk in chunks:
                @functools.lru_cache(maxsize=None)
                def cost(n):
                    return n * n
                print(cost(len(chunk)))
            """,
            note="no fix: the decorator is not a plain name",
        ),
        Invalid(
            """
            for chunk in chunks:
                if chunk:
                    def cost(n):
                        return n * n
                    print(cost(len(chunk)))
            """,
            note="no fix: the definition is not directly in the loop body",
        ),
        Invalid(
            """
            def run(jobs, n):
                results = [job() for job in jobs]
                for outer in range(n):
                    for inner in jobs:
                        def double(x):
                            return 2 * x
                        results.append(double(outer))
                return results
            """,
            """
            def run(jobs, n):
                results = [job() for job in jobs]
                def double(x):
                    return 2 * x
                for outer in range(n):
                    for inner in jobs:
                        results.append(double(outer))
                return results
            """,
            Applicability.UNSAFE,
            note="hoisted out of the inner loop, then out of the outer one on the next pass",
        ),
        Invalid(
            """
            for row in rows:
                @staticmethod
                def pick(cell):
                    return cell
                use(row, pick)
            """,
            """
            @staticmethod
            def pick(cell):
                return cell
            for row in rows:
                use(row, pick)
            """,
            Applicability.UNSAFE,
            note="a plain-name decorator",
        ),
        Invalid(
            "for row in rows:\n    out.append(sorted(row, key=lambda cell: cell.weight))",
            options={"include-lambdas": True},
        ),
    ]

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if self.maybe_in_loop:
            self._check_definition(node, "def", "function object")

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if self.maybe_in_loop:
            self._check_definition(node, "class", "type object")

    def visit_Lambda(self, node: cst.Lambda) -> None:
        if not (self.maybe_in_loop and self.settings["include-lambdas"]):
            return
        loop = self._repeating_loop(node)
        if loop is None:
            return
        varying = loop_bindings(loop.node)
        reads = captures(self.context, node).outer | definition_time_names(node)
        if any(varying.varies(name) for name in reads):
            return
        holder = parent(self.context, node)
        if matches(holder, SINGLE_NAME_ASSIGN):
            target = cst.ensure_type(cst.ensure_type(holder, cst.Assign).targets[0].target, cst.Name)
            if self._name_escapes(target.value, holder, loop):
                return
        elif value_escapes(self.context, node):
            return
        self.report(node, what_stmt="This `lambda`", what="function object")

    # -- helpers ------------------------------------------------------------------------------
    def _repeating_loop(self, node: cst.CSTNode) -> Optional[Loop]:
        loop = enclosing_loop(self.context, node)
        if loop is None or not repeats_often(self.context, loop):
            return None
        if _in_class_inside(self, node, loop.node):
            return None  # a method of a class defined in the loop: the class is reported
        return loop

    def _check_definition(self, node: Definition, keyword: str, what: str) -> None:
        loop = self._repeating_loop(node)
        if loop is None:
            return
        own = node.name.value
        if m.matches(node, m.FunctionDef()) and has_mutable_default(cst.ensure_type(node, cst.FunctionDef)):
            return  # each iteration's function carries its own default object
        varying = loop_bindings(loop.node)
        body_reads = captures(self.context, node).outer - {own}
        at_definition = definition_time_names(node)
        is_class = m.matches(node, m.ClassDef())
        if any(varying.varies(name) for name in at_definition):
            return
        if any((varying.varies(name) if is_class else name in varying.names) and name != own for name in body_reads):
            return
        if self._name_escapes(own, node, loop):
            return
        if _bindings_in(self, own, node, loop) > 1:
            return  # alternative definitions chosen at run time
        self.report(node, fix=self._hoist(node, loop), what_stmt=f"`{keyword} {own}`", what=what)

    def _name_escapes(self, name: str, binding: cst.CSTNode, loop: Loop) -> bool:
        """Does any read of `name` inside the loop let the object outlive the iteration?"""
        index = scope_index(self.context)
        scope = index.scopes(binding)[0]
        for read in index.accesses(scope).get(name, ()):
            if is_inside(self.context, read, loop.node) and value_escapes(self.context, read):
                return True
        return False

    def _hoist(self, node: Definition, loop: Loop) -> Optional[Fix]:
        statements = loop.statements
        if not any(statement is node for statement in statements) or len(statements) < 2:
            return None
        if not all(matches(decorator, PLAIN_DECORATOR) for decorator in node.decorators):
            return None
        own = node.name.value
        index = scope_index(self.context)
        scope = index.scopes(node)[0]
        bindings_in_loop = [site for site in index.assignments(scope, own) if is_inside(self.context, site, loop.node)]
        if len(bindings_in_loop) != 1:
            return None
        if any(_read_before(self, read, node, loop) for read in index.accesses(scope).get(own, ())):
            return None
        anchor = cst.ensure_type(loop.node, cst.For) if m.matches(loop.node, m.For()) else cst.ensure_type(loop.node, cst.While)
        return self.make_fix(Applicability.UNSAFE, (anchor, hoist_before(anchor, node)))


def _in_class_inside(rule: DefinitionInLoop, node: cst.CSTNode, loop_node: cst.CSTNode) -> bool:
    current = parent(rule.context, node)
    while current is not None and current is not loop_node:
        if m.matches(current, m.ClassDef()):
            return True
        current = parent(rule.context, current)
    return False


def _bindings_in(rule: DefinitionInLoop, name: str, node: cst.CSTNode, loop: Loop) -> int:
    index = scope_index(rule.context)
    scope = index.scopes(node)[0]
    return sum(1 for site in index.assignments(scope, name) if is_inside(rule.context, site, loop.node))


def _read_before(rule: DefinitionInLoop, access: cst.CSTNode, definition: cst.CSTNode, loop: Loop) -> bool:
    """Is this read in the loop's header or in a loop statement before the definition?"""
    if not is_inside(rule.context, access, loop.node):
        return False
    for statement in loop.statements:
        if statement is definition:
            return False
        if is_inside(rule.context, access, statement):
            return True
    return True  # in the loop header (a `while` test)

