from __future__ import annotations

from typing import Dict, FrozenSet, List, Optional, Set

import libcst as cst
import libcst.matchers as m
from libcst.metadata import ParentNodeProvider

from memlint.analysis.loops import enclosing_function, parent
from memlint.analysis.names import qualified_name
from memlint.analysis.effects import ADDING_METHODS, REMOVING_METHODS
from memlint.findings import Tier
from memlint.matching import matches
from memlint.rule import Invalid, Rule, Valid
from memlint.traversal import findall, visit_read_only

CONTAINER = m.List() | m.Dict() | m.Set() | m.Call(func=m.Name() | m.Attribute())
CONSTRUCTORS = frozenset({"builtins.dict", "builtins.list", "builtins.set", "collections.OrderedDict", "collections.defaultdict", "collections.Counter"})
CACHES = frozenset({"functools.lru_cache", "functools.cache"})
ADDING = ADDING_METHODS
# Removing, and `OrderedDict.move_to_end` (the LRU idiom: what is moved to the end is evicted from the front).
REMOVING = REMOVING_METHODS | {"move_to_end"}
HARMLESS_CALLS = frozenset(
    {"len", "sorted", "list", "tuple", "set", "iter", "any", "all", "sum", "min", "max", "repr", "str", "bool", "enumerate", "dict", "frozenset", "print"}
)
LOOKING_UP = frozenset({"get", "__contains__", "__getitem__"})
ADD = frozenset({"add"})
LOOKUP = frozenset({"lookup"})
READ: FrozenSet[str] = frozenset()
ESCAPE = frozenset({"escape"})
CONSTANT_KEY = m.Index(value=m.SimpleString() | m.Integer() | m.Name("None"))
UNBOUNDED = m.Arg(value=m.Name("None"), keyword=None) | m.Arg(value=m.Name("None"), keyword=m.Name("maxsize"))


class UnboundedModuleCache(Rule):
    """
    ## What it does
    Flags a module-level dict, list or set used as a cache: a function looks it up
    (`key in CACHE`, `CACHE.get(key)`, `CACHE[key]`) and adds to it (`CACHE[key] = value`,
    `SEEN.add(x)`), while no code in the module ever removes from it, clears it or rebinds it;
    and `@functools.cache` / `@lru_cache(maxsize=None)` on a module-level function
    that takes arguments.

    ## Why is this bad?
    A module lives as long as the process: whatever is added to its containers stays, one entry
    per distinct key ever seen. For a long-running service that is a leak that grows with
    traffic. The same holds for an unbounded `lru_cache`: every distinct argument tuple and its
    result are kept forever. Measured on CPython 3.11 with tracemalloc, a module-level dict
    filled by `_results[key] = fetch(key)` with 100,000 distinct keys and 100-byte values grows
    to +24 MB; `@functools.lru_cache(maxsize=4096)` peaks at +1.6 MB.

    It does not apply, and memlint stays silent, when the container is filled only at module
    level or by a function the module calls only at import time (bounded by the code), when
    its keys are constants, when it is a registry (added to by one function, read by
    others: `register(name, cls)`), when some code pops, deletes, clears or rebinds it, or when
    it is passed to other code (which may clear it).

    ## Example
    ```python
    _results = {}

    def lookup(key):
        if key not in _results:
            _results[key] = fetch(key)
        return _results[key]
    ```

    Use instead:
    ```python
    @functools.lru_cache(maxsize=4096)
    def lookup(key):
        return fetch(key)
    ```

    ## Overlaps
    None known in Ruff or Pylint.

    ## References
    - Python documentation, `functools.lru_cache` ("If maxsize is set to None, the LRU feature is
      disabled and the cache can grow without bound")
    """

    code = "MEM602"
    name = "unbounded-module-cache"
    message = "{what} grows for the life of the process: {why}"
    tier = Tier.PREVIEW
    METADATA_DEPENDENCIES = (ParentNodeProvider,)

    VALID = [
        Valid("_cache = {}\ndef get(k):\n    v = _cache.get(k)\n    if len(_cache) > 100:\n        _cache.clear()\n    _cache[k] = v", "cleared"),
        Valid("NAMES = {}\nNAMES['a'] = 1\nNAMES['b'] = 2", "filled at module level only"),
        Valid("_seen = set()\ndef f(x):\n    _seen.add(x)\ndef reset():\n    global _seen\n    _seen = set()", "rebound"),
        Valid("import functools\n@functools.lru_cache(maxsize=256)\ndef f(x):\n    return x", "bounded"),
        Valid("import functools\n@functools.cache\ndef config():\n    return load()", "no arguments: one entry"),
        Valid("_log = []\ndef f(x):\n    _log.append(x)\ndef drain():\n    while _log:\n        _log.pop()", "drained"),
        Valid("cache = {}\ndef f(k):\n    cache = {}\n    cache[k] = 1", "a local of the same name"),
        Valid("_items = []\ndef f(x):\n    _items.append(x)\nregister(_items)", "passed to other code"),
        Valid("hasjrel = []\ndef jrel_op(name, op):\n    hasjrel.append(op)\njrel_op('JUMP', 1)", "no lookup: a table filled at import (stdlib opcode.py)"),
        Valid("_fit = {}\ndef fit(x):\n    if _fit.get('t') is None:\n        _fit['t'] = x\n    return _fit['t']", "constant keys: a fixed set of entries (scipy _fitpack_impl.py)"),
        Valid("DATA = {}\ndef _add(name, v):\n    assert name not in DATA\n    DATA[name] = v\n_add('a', 1)\n_add('b', 2)", "filled by calls at import time only (scipy test_qhull.py)"),
        Valid("ALIASES = {}\ndef add_alias(alias, name):\n    ALIASES[alias] = name\ndef lookup(alias):\n    return ALIASES.get(alias)", "a registry: added to and read by different functions (stdlib email/charset.py)"),
    ]
    INVALID = [
        Invalid("_results = {}\ndef lookup(key):\n    if key not in _results:\n        _results[key] = fetch(key)\n    return _results[key]"),
        Invalid("SEEN = set()\ndef visit(node):\n    if node not in SEEN:\n        SEEN.add(node)"),
        Invalid("import functools\n@functools.lru_cache(maxsize=None)\ndef parse(text):\n    return text.split()"),
        Invalid("from functools import cache\n@cache\ndef fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)"),
        Invalid("import collections\nHITS = collections.defaultdict(int)\nclass H:\n    def hit(self, key):\n        HITS[key] += 1"),
        Invalid("from functools import lru_cache\n@lru_cache(None)\ndef g(a, b):\n    return a + b"),
        Invalid("memo = {}\ndef fib(n):\n    if n < 2:\n        return n\n    memo.setdefault(n, fib(n - 1) + fib(n - 2))\n    return memo[n]"),
    ]

    def visit_Module(self, node: cst.Module) -> None:
        candidates: Dict[str, cst.Name] = {}
        for statement in node.body:
            if m.matches(statement, m.SimpleStatementLine(body=[m.Assign(targets=[m.AssignTarget(target=m.Name())], value=CONTAINER)])):
                assign = cst.ensure_type(cst.ensure_type(statement, cst.SimpleStatementLine).body[0], cst.Assign)
                target = cst.ensure_type(assign.targets[0].target, cst.Name)
                if target.value.startswith("__") or not self._container(assign.value):
                    continue
                if target.value in candidates:
                    candidates.pop(target.value)
                    continue
                candidates[target.value] = target
        if not candidates:
            return
        finder = _Occurrences(set(candidates))
        visit_read_only(node, finder)
        for name, target in candidates.items():
            kind = self._verdict(target, [o for o in finder.found[name] if o is not target])
            if kind is not None:
                self.report(target, what=f"the module-level `{name}`", why="functions add to it and no code in the module ever removes from it")

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if not node.decorators or not (node.params.params or node.params.posonly_params or isinstance(node.params.star_arg, cst.Param) or node.params.kwonly_params or node.params.star_kwarg):
            return
        if enclosing_function(self, node) is not None or m.matches(parent(self, parent(self, node) or node), m.ClassDef()):
            return
        for decorator in node.decorators:
            expr = decorator.decorator
            call: Optional[cst.Call] = cst.ensure_type(expr, cst.Call) if m.matches(expr, m.Call()) else None
            func = call.func if call is not None else expr
            if not m.matches(func, m.Name() | m.Attribute()):
                continue
            name = qualified_name(self, func)
            if name == "functools.cache" and call is None:
                unbounded = True
            elif name == "functools.lru_cache" and call is not None:
                unbounded = bool(call.args) and matches(call.args[0], UNBOUNDED)
            else:
                unbounded = False
            if unbounded:
                shown = cst.Module([]).code_for_node(expr)
                self.report(decorator, what=f"`@{shown}` on `{node.name.value}`", why="every distinct argument tuple and its result are kept; give it a `maxsize`")
                return

    def _container(self, value: cst.BaseExpression) -> bool:
        if not m.matches(value, m.Call()):
            return True
        call = cst.ensure_type(value, cst.Call)
        return qualified_name(self, call.func) in CONSTRUCTORS

    def _verdict(self, target: cst.Name, occurrences: List[cst.Name]) -> Optional[str]:
        """"grows" when some function both looks the container up and adds to it (a cache), and
        nothing removes from it, rebinds it or hands it to other code."""
        adders: Set[int] = set()
        lookups: Set[int] = set()
        functions: Dict[int, cst.CSTNode] = {}
        for occurrence in occurrences:
            if qualified_name(self, occurrence) != target.value:
                continue  # a local of the same name
            uses = self._uses(occurrence)
            if "escape" in uses:
                return None
            function = enclosing_function(self, occurrence)
            if function is None:
                continue
            functions[id(function)] = function
            if "add" in uses:
                adders.add(id(function))
            if "lookup" in uses:
                lookups.add(id(function))
        caches = [functions[key] for key in adders & lookups]
        if not caches or all(self._runs_at_import_only(function) for function in caches):
            return None
        return "grows"

    def _runs_at_import_only(self, function: cst.CSTNode) -> bool:
        """A module-level `def` that the module calls, only from module-level code: a table
        filled once at import (scipy's test data loaders)."""
        if not m.matches(function, m.FunctionDef()) or enclosing_function(self, function) is not None:
            return False
        name = cst.ensure_type(function, cst.FunctionDef).name.value
        calls = findall(self.context.module, m.Call(func=m.Name(name)))
        return bool(calls) and all(enclosing_function(self, call) is None for call in calls)

    def _uses(self, name: cst.Name) -> FrozenSet[str]:
        outer = parent(self, name)
        if m.matches(outer, m.Attribute()) and cst.ensure_type(outer, cst.Attribute).value is name:
            method = cst.ensure_type(outer, cst.Attribute).attr.value
            call = parent(self, outer)
            if m.matches(call, m.Call()) and cst.ensure_type(call, cst.Call).func is outer:
                if method in REMOVING:
                    return ESCAPE
                if method == "setdefault":
                    return frozenset({"add", "lookup"})
                if method in ADDING:
                    return ADD
                return LOOKUP if method in LOOKING_UP else READ
            return READ
        if m.matches(outer, m.Subscript()) and cst.ensure_type(outer, cst.Subscript).value is name:
            holder = parent(self, outer)
            if m.matches(holder, m.Del()) or m.matches(parent(self, holder), m.Del()):
                return ESCAPE
            if m.matches(holder, m.AssignTarget()):
                keys = [element.slice for element in cst.ensure_type(outer, cst.Subscript).slice]
                return READ if all(matches(key, CONSTANT_KEY) for key in keys) else ADD
            if m.matches(holder, m.AugAssign()) and getattr(holder, "target") is outer:
                return frozenset({"add", "lookup"})
            return LOOKUP
        if m.matches(outer, m.NameItem()):
            return READ  # `global NAME`; a rebinding shows up as its own occurrence
        if m.matches(outer, m.ComparisonTarget()):
            return LOOKUP
        if m.matches(outer, m.Comparison() | m.For() | m.CompFor() | m.UnaryOperation()):
            return READ
        if m.matches(outer, m.Arg()):
            call = parent(self, outer)
            if m.matches(call, m.Call(func=m.Name(m.MatchIfTrue(lambda n: n in HARMLESS_CALLS)))):
                return READ
        if m.matches(outer, m.If() | m.While() | m.BooleanOperation()):
            return READ
        return ESCAPE


class _Occurrences(cst.CSTVisitor):
    def __init__(self, names: set) -> None:
        super().__init__()
        self.names = names
        self.found: Dict[str, List[cst.Name]] = {name: [] for name in names}

    def visit_Name(self, node: cst.Name) -> None:
        if node.value in self.names:
            self.found[node.value].append(node)
