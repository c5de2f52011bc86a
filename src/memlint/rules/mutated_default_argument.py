from __future__ import annotations

from typing import List, Optional

import libcst as cst

from memlint import matchers as m
from memlint.analysis.accumulators import binding_sites
from memlint.analysis.effects import ADDING_METHODS
from memlint.analysis.tree import parameters
from memlint.analysis.names import qualified_name
from memlint.findings import Applicability
from memlint.matching import matches
from memlint.rule import Fix, FixAvailability, Invalid, Rule, Valid
from memlint.traversal import findall
from memlint.screen import AllOf, Call, Defaulted, Name, Named, Node, Of, Subscript

DISPLAY = m.List() | m.Dict() | m.Set()
CONSTRUCTORS = frozenset(
    {
        "builtins.list", "builtins.dict", "builtins.set", "builtins.bytearray", "collections.defaultdict",
        "collections.OrderedDict", "collections.deque", "collections.Counter",
    }
)
# Mutations that can make the object bigger (shrinking or reordering ones, such as `pop`,
# `clear`, `sort`, `heapq.heapify`, cannot make it grow across calls).
GROWING_METHODS = ADDING_METHODS
GROWING_FUNCTIONS = frozenset({"heapq.heappush", "bisect.insort", "bisect.insort_left", "bisect.insort_right"})
GROWING_AUGMENTED = m.AddAssign() | m.BitOrAssign() | m.MultiplyAssign() | m.BitXorAssign()
CONSTANT_KEY = m.Integer() | m.SimpleString() | m.UnaryOperation(expression=m.Integer()) | m.Name("None") | m.Name("True") | m.Name("False")
LIST_LIKE = m.List() | m.Call(func=m.Name("list") | m.Name("bytearray") | m.Attribute(attr=m.Name("deque")) | m.Name("deque"))
DOCSTRING = m.SimpleStatementLine(body=[m.Expr(m.SimpleString() | m.ConcatenatedString())])


class MutatedDefaultArgument(Rule):
    """
    ## What it does
    Flags a mutable default (`[]`, `{}`, `set()`, `list()`, `dict()`, `collections.deque()`, ...)
    that the function itself adds to: a growing method (`.append()`, `.update()`,
    `.setdefault()`, ...), `+=`/`|=`, an item assignment on a dict with a key that is not a
    constant, or passing it to a known growing function (`heapq.heappush`, `bisect.insort`).

    ## Why is this bad?
    A default is evaluated once, when the `def` runs, and shared by every call that omits the
    argument: what one call adds stays for all later calls, so the object grows for the life of
    the function. Measured on CPython 3.11 with tracemalloc, 10,000 calls each appending a 1 KB
    item to a `seen=[]` default grow it to +10.7 MB, kept after the calls return; with
    `seen=None` and a new list per call, 1.3 kB.

    A mutable default that the function never mutates is harmless for memory and left to other
    linters; so is one it only shrinks, reorders or overwrites in place (`.pop()`, `.sort()`,
    the counter cell `n=[0]` with `n[0] += 1`, `d["last"] = x`), and a parameter the function
    rebinds before using (`items = list(items)`).

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
    triggers = ("def",)
    screen = (  # a mutable default whose name the body grows (that it is the same object needs scopes)
        Defaulted(
            Node("List", "Dict", "Set") | Call("list", "dict", "set", "bytearray", "defaultdict", "OrderedDict", "deque", "Counter"),
            used=Of("func.value", Node("Call", func=AllOf(Named(*GROWING_METHODS), Node("Attribute", value=Name()))))
            | Node("AugAssign", target=Name(), op=Node("Add", "BitOr", "Mult", "BitXor"))
            | Of("target", Node("Assign", "AugAssign", target=Subscript(Name())))
            | Of("first", Call(*sorted(name.rsplit(".", 1)[1] for name in GROWING_FUNCTIONS), first=Name())),
        ),
    )
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
        Valid("def spam(state=[0]):\n    i = state[0]\n    state[0] = i + 1\n    return i", "a counter cell: a list item overwritten, never grown (stdlib test_iter.py)"),
        Valid("def reader(lnum=[1]):\n    try:\n        return lnum[0]\n    finally:\n        lnum[0] += 1", "a counter cell (stdlib cgitb.py)"),
        Valid("def f(x, last={}):\n    last['value'] = x", "a constant key: at most one entry"),
        Valid("def f(stack=[]):\n    while stack:\n        stack.pop()", "only shrinks"),
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
            note="an item assignment with a variable key on a dict",
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
            "def f(a=[], b={}):\n    a.append(1)\n    b.update(a=1)",
            fixed="def f(a=None, b=None):\n    if b is None:\n        b = {}\n    if a is None:\n        a = []\n    a.append(1)\n    b.update(a=1)",
            applicability=Applicability.UNSAFE,
            count=2,
        ),
    ]

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        for param in parameters(node.params):  # `*args` and `**kwargs` have no default
            if param.default is None or not self._mutable(param.default):
                continue
            name = param.name.value
            sites = binding_sites(node, name)
            augmented = {id(cst.ensure_type(a, cst.AugAssign).target) for a in findall(node.body, m.AugAssign(target=m.Name(name)))}
            for deleted in findall(node.body, m.Del(target=m.Subscript() | m.Attribute())):
                augmented.update(id(n) for n in findall(deleted, m.Name(name)))
            if sites is None or sum(1 for site in sites if id(site) not in augmented) != 1:
                continue  # rebound (or global/nonlocal): the default may not be what is mutated
            if self._grows(node.body, name, param.default):
                self.report(param, fix=self._fix(node, param), param=name, function=node.name.value)

    def _mutable(self, default: cst.BaseExpression) -> bool:
        if matches(default, DISPLAY):
            return True
        if m.matches(default, m.Call(func=m.Name() | m.Attribute())):
            return qualified_name(self.context, cst.ensure_type(default, cst.Call).func) in CONSTRUCTORS
        return False

    def _grows(self, body: cst.CSTNode, name: str, default: cst.BaseExpression) -> bool:
        """Does the body add to the object: a growing method, `+=`/`|=`, a growing function
        (`heapq.heappush`), or (for a dict or set) an item assignment with a key that is not a
        constant? Assigning to an item of a list (`n[0] += 1`, a counter cell) cannot grow it."""
        receiver = m.Name(name)
        method = m.Call(func=m.Attribute(value=receiver, attr=m.Name(m.MatchIfTrue(lambda a: a in GROWING_METHODS))))
        augmented = m.AugAssign(target=receiver, operator=GROWING_AUGMENTED)
        if findall(body, method | augmented):
            return True
        if not matches(default, LIST_LIKE):
            item = m.AssignTarget(target=m.Subscript(value=receiver)) | m.AugAssign(target=m.Subscript(value=receiver))
            for found in findall(body, item):
                subscript = cst.ensure_type(getattr(found, "target"), cst.Subscript)
                keys = [element.slice for element in subscript.slice]
                if not all(m.matches(key, m.Index(value=CONSTANT_KEY)) for key in keys):
                    return True
        for call in findall(body, m.Call(args=[m.Arg(value=receiver, keyword=None), m.ZeroOrMore()])):
            func = cst.ensure_type(call, cst.Call).func
            if m.matches(func, m.Name() | m.Attribute()) and qualified_name(self.context, func) in GROWING_FUNCTIONS:
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
        if matches(statements[0], DOCSTRING):
            if len(statements) == 1:
                return self.make_fix(Applicability.UNSAFE, (param, new_param), (statements[0], cst.FlattenSentinel([statements[0], check])))
            anchor = statements[1]
        else:
            anchor = statements[0]
        return self.make_fix(Applicability.UNSAFE, (param, new_param), (anchor, cst.FlattenSentinel([check, anchor])))
