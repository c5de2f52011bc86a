from __future__ import annotations

import builtins
from dataclasses import dataclass
from typing import Dict, List, Optional, Set, Union

import libcst as cst

from memlint import matchers as m
from memlint.analysis.accumulators import binding_sites
from memlint.analysis.captures import captures, definition_time_names, has_mutable_default
from memlint.analysis.hoisting import hoist_before
from memlint.analysis.hot import DATA_SIZED_CALLS, CallSites, hot_reason
from memlint.analysis.loops import enclosing_loop, is_inside, parent
from memlint.analysis.scopes import ScopeIndex, scope_index
from memlint.findings import Applicability
from memlint.rule import Fix, FixAvailability, Invalid, Option, Rule, Valid
from memlint.traversal import findall
from memlint.screen import FUNCTION, AllOf, CallsItself, In, Name, Node, Owned, OwnedByName, Same, Text, UnderStatedLoops

ZERO_ARG_SUPER = m.Call(func=m.Name("super"), args=[])
CLASS_CELL = m.Name("__class__")
BUILTIN_NAMES = frozenset(dir(builtins))
Frame = Union[cst.FunctionDef, cst.ClassDef]


@dataclass(frozen=True)
class _Candidate:
    nested: cst.FunctionDef
    outer: cst.FunctionDef
    owner: Optional[cst.ClassDef]  # the class directly holding `outer`, if a method


class NestedDefInHotFunction(Rule):
    """
    ## What it does
    Flags a nested `def` that captures nothing from its enclosing function, inside a *hot*
    function.

    A function is hot, by these signals only, all within the same module, and each a sign that
    the cost grows with the data:
    1. it has a `# memlint: hot` comment at the end of its `def` line;
    2. its name, or `Class.method`, matches a glob of the `hot-functions` option;
    3. it recurses once per item of its input: it calls itself (`f(...)`, or
       `self.m(...)`/`cls.m(...)`/`Class.m(...)` in a method `m`) outside any loop of its own
       body (`walk(node.next)`, `f(n - 1)`), so the recursion is as deep as the data is long;
    4. it is called by name inside loops that state at least 10,000 iterations
       (`for i in range(10_000_000): f(i)`), elsewhere in the module.
    A tree walk (the self-call in a loop over children) is as deep as the tree is high, and a
    loop of unknown length may run three times: neither is reported. Calls through other names,
    `map(f, ...)`, callbacks and other modules are not seen.

    ## Why is this bad?
    The nested function's code object is compiled once, but its `def` statement builds a new
    function object on every call of the enclosing function, and every recursion level keeps
    its own one alive. Measured with tracemalloc on CPython 3.11, a function recursing 5,000
    levels deep with a two-line nested helper peaks at +1.1 MB, against +0.3 MB with the
    helper at module level. A nested function that captures nothing gains nothing from being
    nested.

    The memory at stake is one function object (~150 bytes) per recursion level still running:
    ~150 kB at Python's default recursion limit of 1,000; in a loop, each call's object is freed
    before the next and the cost is time (seed 000: a third slower on a trivial function).

    It does not apply, and memlint stays silent, when the nested function reads a name of an
    enclosing function (a closure), declares `nonlocal`, uses zero-argument `super()` or
    `__class__`, when a parameter default builds a fresh object (`def seen(p, memo={})`: per-call
    state), when its decorators, defaults or annotations read the enclosing function's
    names, when the enclosing function is not hot, when the function binds the name more than
    once (alternative definitions chosen at run time, `if f is None: def f(...)` for a
    parameter), or when the `def` runs in a loop (MEM201).

    ## Example
    ```python
    def labels(node):
        def label(n):
            return n.name.upper()
        return [] if node is None else [label(node)] + labels(node.next)
    ```

    Use instead:
    ```python
    def label(n):
        return n.name.upper()


    def labels(node):
        return [] if node is None else [label(node)] + labels(node.next)
    ```

    ## Fix safety
    The fix moves the nested function to module level, just before the top-level statement
    holding the hot function. It is offered only when the `def` is directly in the function
    body next to other statements, has no decorators, its name is used nowhere in the module
    outside that function and is no builtin, the function does not bind it otherwise nor read
    it before the `def`, and every name its defaults and annotations read is a builtin or bound
    at module level only above the hot function (the moved `def` evaluates them once, at import:
    a name bound further down would raise `NameError`). It is unsafe: the function becomes a
    module attribute (visible to `from module import *` and to introspection), its
    `__qualname__` changes, it is now one shared object (attributes set on it persist across
    calls), and its defaults are evaluated once instead of on every call of the hot function.

    ## Options
    - `hot-functions`: glob patterns (`fnmatch`) of function names or `Class.method` names to
      treat as hot, such as `["*_kernel", "Parser.parse_*"]`.

    ## Overlaps
    MEM201 reports definitions inside loops; this rule skips them. Pylint and Ruff have no rule
    for this pattern.

    ## References
    - seed `000`: nested functions share a code object, but a function object is built on
      every call, and recursion keeps one per frame
    """

    code = "MEM202"
    triggers = ("def",)
    screen = (  # a nested def, and a reason its function may be hot: a marker, recursion, a loop of stated length
        Text(r"#.*\bmemlint:\s*hot\b"),
        Same(Owned(Node("FunctionDef", "AsyncFunctionDef")), AllOf(CallsItself(), Node("Call", func=Name() | Node("Attribute", value=Name())))),
        Same(In(FUNCTION, OwnedByName(Node("FunctionDef", "AsyncFunctionDef"))), UnderStatedLoops(DATA_SIZED_CALLS)),
    )
    name = "nested-def-in-hot-function"
    message = "Nested `def {name}` captures nothing from `{outer}`, which is hot ({reason}), yet is rebuilt on every call; move it to module level"
    fix_title = "Move the nested function to module level"
    fix_availability = FixAvailability.SOMETIMES
    options = {
        "hot-functions": Option([], "glob patterns of function or `Class.method` names to treat as hot"),
    }

    VALID = [
        Valid(
            """
            def helper(x):
                return x * 2
            def walk(n):
                return helper(n) + walk(n - 1) if n else 0
            """,
            "already at module level",
        ),
        Valid(
            """
            def walk(n, scale):
                def helper(x):
                    return x * scale
                return helper(n) + walk(n - 1, scale) if n else 0
            """,
            "a closure over the enclosing function's parameter",
        ),
        Valid(
            """
            def setup(config):
                def helper(x):
                    return x * 2
                return helper(config)
            """,
            "not hot: called once, no recursion, no marker",
        ),
        Valid(
            """
            def count(items):
                total = 0
                def bump():
                    nonlocal total
                    total += 1
                for item in items:
                    bump()
                return total
            for batch in batches:
                count(batch)
            """,
            "nonlocal: writes the enclosing function's variable",
        ),
        Valid(
            """
            class Tree:
                def size(self):
                    def one(child):
                        return super().size()
                    return sum(self.size() for c in self.children)
            """,
            "zero-argument super() needs the method's __class__ cell",
        ),
        Valid(
            """
            def search(n, limit):  # memlint: hot
                def ok(x, bound=limit):
                    return x < bound
                return ok(n)
            """,
            "the default reads the enclosing function's parameter",
        ),
        Valid(
            """
            def walk(n):
                for child in range(n):
                    def helper(x):
                        return x
                    walk(helper(child))
            """,
            "the def is in a loop: reported by MEM201 instead",
        ),
        Valid(
            """
            def parse(text):
                def token(t):
                    return t.strip()
                return [token(t) for t in text.split()]
            """,
            "the nested function is called in a loop, but the enclosing one is not hot",
        ),
        Valid(
            """
            import math
            def distance(a, b):
                def square(x):
                    return x * x
                return math.sqrt(square(a[0] - b[0]) + square(a[1] - b[1]))
            total = sum(distance(p, q) for p, q in pairs)
            """,
            "called in a loop of unknown length: each call's function object is freed before the next",
        ),
        Valid(
            """
            def traverse(obj):
                def children_of(o):
                    return getattr(o, "children", [])
                return [obj] + [x for child in children_of(obj) for x in traverse(child)]
            """,
            "a tree walk: as deep as the tree is high (rich's pretty.py)",
        ),
        Valid(
            """
            def unescape(text):
                def fixup(m):
                    return m.group(0)
                return fixup(text)
            for line in lines:
                unescape(line)
            """,
            "a loop of unknown length (networkx's gml.py)",
        ),
        Valid(
            """
            def solve(x, precond=None):
                if precond is None:
                    def precond(v):
                        return v
                return solve(precond(x) - 1) if x > 0 else 0
            """,
            "a default for a parameter: the name is bound twice (scipy's _gcrotmk)",
        ),
        Valid(
            """
            def schur(a, sort=None):
                if sort is None:
                    def pick(x):
                        return None
                else:
                    def pick(x):
                        return x < 0
                return schur(a[1:], sort) if a else pick
            """,
            "alternative definitions chosen at run time",
        ),
        Valid(
            """
            def walk(path):
                def seen(p, memo={}):
                    if p in memo:
                        return True
                    memo[p] = True
                return [walk(q) for q in path.children if not seen(q)]
            """,
            "a mutable default holds per-call state (the standard library's pkgutil)",
        ),
    ]
    INVALID = [
        Invalid(
            """
            def labels(node):
                def label(item, wrap=WRAP):
                    return wrap % (item.value,)
                return [] if node is None else [label(node)] + labels(node.next)


            WRAP = "<%s>"
            """,
            note="no fix: the default reads WRAP, bound below; at module level the def would raise NameError",
        ),
        Invalid(
            """
            def walk(n):
                def double(x):
                    return x * 2
                return double(n) + walk(n - 1) if n > 0 else 0
            """,
            """
            def double(x):
                return x * 2


            def walk(n):
                return double(n) + walk(n - 1) if n > 0 else 0
            """,
            Applicability.UNSAFE,
            note="recursion: every level holds its own function object",
        ),
        Invalid(
            """
            import math


            def distance(a, b):
                def square(x):
                    return x * x
                return math.sqrt(square(a[0] - b[0]) + square(a[1] - b[1]))


            total = sum(distance(points[i], points[i + 1]) for i in range(1_000_000))
            """,
            """
            import math


            def square(x):
                return x * x


            def distance(a, b):
                return math.sqrt(square(a[0] - b[0]) + square(a[1] - b[1]))


            total = sum(distance(points[i], points[i + 1]) for i in range(1_000_000))
            """,
            Applicability.UNSAFE,
            note="called inside a generator expression of a million iterations",
        ),
        Invalid(
            """
            def kernel(x):  # memlint: hot
                def clip(v):
                    return min(max(v, 0.0), 1.0)
                return clip(x)
            """,
            """
            def clip(v):
                return min(max(v, 0.0), 1.0)


            def kernel(x):  # memlint: hot
                return clip(x)
            """,
            Applicability.UNSAFE,
            note="the marker comment",
        ),
        Invalid(
            """
            def fast_kernel(x):
                def clip(v):
                    return min(max(v, 0.0), 1.0)
                return clip(x)
            """,
            """
            def clip(v):
                return min(max(v, 0.0), 1.0)


            def fast_kernel(x):
                return clip(x)
            """,
            Applicability.UNSAFE,
            options={"hot-functions": ["*_kernel"]},
        ),
        Invalid(
            """
            class Parser:
                def parse(self, lines):
                    for i in range(100_000):
                        self.parse_one(lines[i])

                def parse_one(self, item):
                    def clean(s):
                        return s.strip()
                    return clean(item)
            """,
            """
            def clean(s):
                return s.strip()


            class Parser:
                def parse(self, lines):
                    for i in range(100_000):
                        self.parse_one(lines[i])

                def parse_one(self, item):
                    return clean(item)
            """,
            Applicability.UNSAFE,
            note="a method called on self inside a loop of its class",
        ),
        Invalid(
            """
            def walk(n):
                def len(x):
                    return 0
                return len(n) + walk(n - 1) if n else 0
            """,
            note="no fix: the name would shadow a builtin for the whole module",
        ),
        Invalid(
            """
            def walk(n):
                def step(x):
                    return x - 1
                return walk(step(n)) if n else 0
            def step(x):
                return x
            """,
            note="no fix: a module-level function has the same name",
        ),
        Invalid(
            """
            import functools
            def walk(n):
                @functools.lru_cache(maxsize=None)
                def step(x):
                    return x - 1
                return walk(step(n)) if n else 0
            """,
            note="no fix: a decorated nested function (a cache would be shared across calls)",
        ),
    ]

    def __init__(self, context) -> None:  # type: ignore[no-untyped-def]
        super().__init__(context)
        self._frames: List[Frame] = []
        self._candidates: List[_Candidate] = []
        self._sites = CallSites()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._frames.append(node)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._frames.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if self._frames and m.matches(self._frames[-1], m.FunctionDef()):
            outer = cst.ensure_type(self._frames[-1], cst.FunctionDef)
            owner = self._frames[-2] if len(self._frames) >= 2 and m.matches(self._frames[-2], m.ClassDef()) else None
            self._candidates.append(_Candidate(node, outer, cst.ensure_type(owner, cst.ClassDef) if owner is not None else None))
        self._frames.append(node)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._frames.pop()

    def visit_Call(self, node: cst.Call) -> None:
        self._sites.record(node)

    def leave_Module(self, original_node: cst.Module) -> None:
        if not self._candidates:
            return
        reasons: Dict[int, Optional[str]] = {}
        globs = list(self.settings["hot-functions"])
        for candidate in self._candidates:
            key = id(candidate.outer)
            if key not in reasons:
                reasons[key] = hot_reason(self.context, candidate.outer, self._sites, globs, candidate.owner, data_sized=True)
            reason = reasons[key]
            if reason is None or not self._captures_nothing(candidate.nested):
                continue
            sites = binding_sites(candidate.outer, candidate.nested.name.value)
            if sites is None or len(sites) != 1:
                continue  # alternative definitions chosen at run time, or a parameter default
            if enclosing_loop(self.context, candidate.nested) is not None:
                continue
            self.report(
                candidate.nested,
                fix=self._hoist(original_node, candidate),
                name=candidate.nested.name.value,
                outer=candidate.outer.name.value,
                reason=reason,
            )

    # -- helpers ------------------------------------------------------------------------------
    def _captures_nothing(self, nested: cst.FunctionDef) -> bool:
        own = nested.name.value
        if has_mutable_default(nested):
            return False  # per-call state in a default (`def seen(p, m={})`)
        found = captures(self.context, nested)
        if found.declared - set(_global_declarations(nested)) or found.from_functions - {own}:
            return False
        if findall(nested.body, ZERO_ARG_SUPER | CLASS_CELL):
            return False
        enclosing = _enclosing_function_names(scope_index(self.context), nested)
        return not (definition_time_names(nested) & enclosing)

    def _bound_before(self, module: cst.Module, nested: cst.FunctionDef, anchor: cst.BaseStatement) -> bool:
        """Is every name the hoisted `def` reads when it runs (defaults, annotations) a builtin or
        bound only by module-level statements before `anchor`? Otherwise the moved `def` would
        read it at import, before it exists (NameError) or before it gets its value."""
        index = scope_index(self.context)
        position = {id(statement): i for i, statement in enumerate(module.body)}
        for name in definition_time_names(nested):
            sites = index.assignments(module, name)
            if not sites:
                if name in BUILTIN_NAMES:
                    continue
                return False
            for site in sites:
                top = _top_level_statement(self, site)
                if top is None or position.get(id(top), len(module.body)) >= position[id(anchor)]:
                    return False
        return True

    def _hoist(self, module: cst.Module, candidate: _Candidate) -> Optional[Fix]:
        nested, outer = candidate.nested, candidate.outer
        own = nested.name.value
        body = outer.body
        if not m.matches(body, m.IndentedBlock()) or nested.decorators:
            return None
        statements = list(cst.ensure_type(body, cst.IndentedBlock).body)
        if len(statements) < 2 or not any(statement is nested for statement in statements):
            return None
        if own in BUILTIN_NAMES or own in _global_declarations(outer):
            return None
        if any(not is_inside(self.context, name, outer) for name in findall(module, m.Name(own))):
            return None
        scopes = scope_index(self.context)
        scope = scopes.scopes(nested)[0]
        if len(scopes.assignments(scope, own)) != 1:
            return None
        index = next(i for i, statement in enumerate(statements) if statement is nested)
        earlier = statements[:index]
        if any(is_inside(self.context, read, statement) for read in scopes.accesses(scope).get(own, ()) for statement in earlier):
            return None
        anchor = _top_level_statement(self, outer)
        if anchor is None or not self._bound_before(module, nested, anchor):
            return None
        return self.make_fix(Applicability.UNSAFE, (anchor, hoist_before(anchor, nested, blank_lines_after=2)))


def _global_declarations(function: cst.FunctionDef) -> Set[str]:
    return {item.name.value for statement in findall(function.body, m.Global()) for item in cst.ensure_type(statement, cst.Global).names}


def _enclosing_function_names(index: ScopeIndex, nested: cst.CSTNode) -> Set[str]:
    """Names bound in the function scopes around `nested` (class scopes are not visible)."""
    names: Set[str] = set()
    for scope in index.scopes(nested):
        if not isinstance(scope, (cst.ClassDef, cst.Module)):
            names |= index.assigned_names(scope)
    return names


def _top_level_statement(rule: Rule, node: cst.CSTNode) -> Optional[cst.BaseStatement]:
    current: Optional[cst.CSTNode] = node
    while current is not None:
        above = parent(rule.context, current)
        if m.matches(above, m.Module()):
            return current if isinstance(current, cst.BaseStatement) else None
        current = above
    return None
