from __future__ import annotations

from typing import Dict, FrozenSet, List, Optional, Set, Tuple

import libcst as cst

from memlint import matchers as m
from memlint.analysis.accumulators import binding_sites
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
# A one-shot program: the process ends with it, so nothing grows "for the life of the process".
PROGRAM_FILES = frozenset({"setup.py", "noxfile.py", "conftest.py", "conf.py", "__main__.py", "fabfile.py"})
PROGRAM_DIRECTORIES = frozenset({"scripts", "tools", "examples", "docs", "doc", "asv_bench", "_build_utils", "ci"})
PROGRAM_PREFIXES = ("gen_", "generate_", "_generate", "build_", "_build_")
# Keys drawn from a set bounded by the program's code: classes, types, modules, enum members.
CLASS_PARAMETERS = frozenset({"cls", "klass", "kls", "typ", "tp", "type_", "class_", "cls_", "typ_", "module", "mod", "enum"})
CLASS_SUFFIXES = ("_cls", "_class", "_type", "_klass", "_enum", "_module")
BOUNDED_ANNOTATION = m.Name("type") | m.Name("bool") | m.Name("ModuleType") | m.Attribute(attr=m.Name("ModuleType")) | m.Subscript(
    value=m.Name("Type") | m.Name("type") | m.Name("Literal") | m.Attribute(attr=m.Name("Type") | m.Name("Literal"))
)
CLASS_OF = m.Call(func=m.Name("type"), args=[m.Arg(keyword=None)]) | m.Attribute(attr=m.Name("__class__") | m.Name("__module__") | m.Name("__qualname__"))
WARNING_CALL = m.Call(func=m.Attribute(attr=m.Name("warn") | m.Name("warning") | m.Name("warn_explicit")) | m.Name("warn"))
CLASS_USE = m.Attribute(attr=m.Name("mro") | m.Name("__mro__") | m.Name("__bases__") | m.Name("__subclasses__"))
NUMBER = m.Integer() | m.UnaryOperation(expression=m.Integer())
RESOURCE_READERS = frozenset({"open", "get_data", "read_text", "read_binary", "files", "resource_string", "resource_stream", "resource_filename"})
RAISES = m.IndentedBlock(body=[m.SimpleStatementLine(body=[m.Raise()]), m.ZeroOrMore()]) | m.SimpleStatementSuite(body=[m.Raise()])
# Building a class, or an object whose identity callers rely on: a `maxsize` would break it.
CLASS_FACTORY = m.Call(func=m.Name("type"), args=[m.DoNotCare(), m.DoNotCare(), m.DoNotCare()]) | m.Call(func=m.Name("namedtuple") | m.Name("make_dataclass") | m.Name("NewType") | m.Name("TypeVar") | m.Name("new_class") | m.Attribute(attr=m.Name("namedtuple") | m.Name("make_dataclass") | m.Name("new_class") | m.Name("NewType") | m.Name("TypeVar")))


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
    others: `register(name, cls)`; or a lookup that only guards against a duplicate and raises),
    when some code pops, deletes, clears or rebinds it, when it starts with entries (a table
    that functions extend: `_DOMAIN_KEYS = {'py': [...]}`, a cache starts empty), or when it is
    passed to other code (which may clear it). Caches whose keys form a set bounded by the program's code do not grow with
    the data either, and are not reported: keyed by a class (`type(obj)`, `obj.__class__`, a
    parameter named `cls` or annotated `type[...]`, `bool`, `Literal[...]`, a name used as a class:
    `t.mro()`, `issubclass(t, ...)`), by a module, by values the function refuses outside
    constant bounds (`if not 1 <= idx <= 18278: raise ValueError`), by the same key as another
    module-level table (`_loaded[name] = backends[name].load()`), by the names of the package's
    own resource files (read through a path built from `__file__`), and warn-once sets (the
    function that adds to it emits the warning). Nor are caches in a
    one-shot program, whose process ends with it: `setup.py`, `conf.py`, `__main__.py`, build
    and code-generation scripts (`gen_*.py`, `build_*.py`), files under `scripts/`, `tools/`,
    `examples/`, `docs/` or `asv_bench/`.

    It does not apply to a memoized recursion either, by hand or with `@cache`/
    `@lru_cache(maxsize=None)` (the function calls itself, or another unbounded cached function of
    the module: the cache *is* the algorithm, bounded by the problem's size, and a small `maxsize`
    makes it exponential). For the decorators, neither to a function whose parameters
    are all classes, types or flags as above, nor to a class factory (it builds a class with
    `type(...)`, `namedtuple`, a `class` statement...: callers rely on getting the same class
    back, which a `maxsize` would break). When the function returns a new object of a class
    (`return Connection(url)`), callers may rely on its identity too, so the message proposes a
    `weakref.WeakValueDictionary` instead of a `maxsize`.

    It stays a preview rule: whether the keys come from the data (user input, file names,
    requests) or from a set the program bounds is mostly knowable only at run time; on the real
    code we read, most module caches were bounded by design.

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
        Valid("_KEYS = {'py': ['module']}\ndef add_domain(domain, keys, override=False):\n    if override or domain not in _KEYS:\n        _KEYS[domain] = list(keys)", "a table that starts with entries (sphinx's linkcode.py)"),
        Valid("_fit = {}\ndef fit(x):\n    if _fit.get('t') is None:\n        _fit['t'] = x\n    return _fit['t']", "constant keys: a fixed set of entries (scipy _fitpack_impl.py)"),
        Valid("DATA = {}\ndef _add(name, v):\n    assert name not in DATA\n    DATA[name] = v\n_add('a', 1)\n_add('b', 2)", "filled by calls at import time only (scipy test_qhull.py)"),
        Valid("ALIASES = {}\ndef add_alias(alias, name):\n    ALIASES[alias] = name\ndef lookup(alias):\n    return ALIASES.get(alias)", "a registry: added to and read by different functions (stdlib email/charset.py)"),
        Valid("_converters = {}\ndef converter_for(obj):\n    cls = type(obj)\n    if cls not in _converters:\n        _converters[cls] = build(cls)\n    return _converters[cls]", "keyed by class: bounded by the program's classes"),
        Valid("_fields = {}\ndef fields_of(klass):\n    if klass in _fields:\n        return _fields[klass]\n    _fields[klass] = result = compute(klass)\n    return result", "a parameter named `klass`"),
        Valid("_seen = {}\ndef handler(obj):\n    key = (obj.__class__, 'x')\n    if key not in _seen:\n        _seen[key] = 1", "a tuple of a class and a constant"),
        Valid("import warnings\n_warned = set()\ndef deprecated(name):\n    if name not in _warned:\n        _warned.add(name)\n        warnings.warn(f'{name} is deprecated', DeprecationWarning)", "a warn-once set: one entry per distinct warning"),
        Valid("_registry = {}\ndef register(name, obj):\n    if name in _registry:\n        raise KeyError(name)\n    _registry[name] = obj", "a registry refusing duplicates (networkx's backends.py)"),
        Valid("_loaded = {}\nbackends = discover()\ndef load(name):\n    if name in _loaded:\n        return _loaded[name]\n    rv = _loaded[name] = backends[name].load()\n    return rv", "keyed like another module-level table: bounded by it"),
        Valid("from functools import lru_cache\n@lru_cache(None)\ndef rooted_trees(n):\n    return 1 if n < 2 else sum(rooted_trees(k) for k in range(n))", "memoized recursion: the cache is the algorithm (networkx)"),
        Valid("TIME_FORMATS = {}\ndef get_time_format(t):\n    value = TIME_FORMATS.get(t)\n    if value:\n        return value\n    for base in t.mro()[1:]:\n        value = TIME_FORMATS.get(base)\n        if value:\n            TIME_FORMATS[t] = value\n            return value", "keyed by a name used as a class (openpyxl's cell.py)"),
        Valid("from functools import lru_cache\n@lru_cache(maxsize=None)\ndef get_column_letter(idx):\n    if not 1 <= idx <= 18278:\n        raise ValueError(idx)\n    return letters(idx)", "refuses values outside constant bounds (openpyxl's utils/cell.py)"),
        Valid("import os\n_pwd = os.path.dirname(__file__)\n_cache = {}\ndef get_bytes(name):\n    cached = _cache.get(name)\n    if cached is not None:\n        return cached\n    with open(os.path.join(_pwd, name), 'rb') as f:\n        _cache[name] = f.read()\n    return _cache[name]", "the package's own resource files (trimesh's resources)"),
        Valid("from functools import cache\n@cache\ndef fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)", "memoized recursion"),
        Valid("memo = {}\ndef fib(n):\n    if n < 2:\n        return n\n    memo.setdefault(n, fib(n - 1) + fib(n - 2))\n    return memo[n]", "memoized recursion by hand"),
        Valid("from functools import cache\n@cache\ndef make_record(name, fields):\n    return type(name, (tuple,), {'fields': fields})", "a class factory: identity is the point"),
        Valid("import functools\n@functools.cache\ndef schema_for(cls: type, strict: bool):\n    return build(cls, strict)", "keyed by a class and a flag"),
    ]
    INVALID = [
        Invalid("_results = {}\ndef lookup(key):\n    if key not in _results:\n        _results[key] = fetch(key)\n    return _results[key]"),
        Invalid("SEEN = set()\ndef visit(node):\n    if node not in SEEN:\n        SEEN.add(node)"),
        Invalid("import functools\n@functools.lru_cache(maxsize=None)\ndef parse(text):\n    return text.split()"),
        Invalid("import collections\nHITS = collections.defaultdict(int)\nclass H:\n    def hit(self, key):\n        HITS[key] += 1"),
        Invalid("from functools import lru_cache\n@lru_cache(None)\ndef g(a, b):\n    return a + b"),
        Invalid("_sessions = {}\ndef session(user_id):\n    if user_id not in _sessions:\n        _sessions[user_id] = open_session(user_id)\n    return _sessions[user_id]\nif __name__ == '__main__':\n    serve()", note="a `__main__` guard alone does not make a one-shot program: a server runs forever"),
        Invalid("_files = {}\ndef read(path):\n    if path not in _files:\n        with open(path) as f:\n            _files[path] = f.read()\n    return _files[path]", note="any file the caller names, not the package's own"),
        Invalid("import functools\n@functools.lru_cache(maxsize=None)\ndef parse(text):\n    if len(text) == 0:\n        raise ValueError(text)\n    return text.split()", note="a check that is not a bound"),
        Invalid("import functools\n@functools.cache\ndef connection(url):\n    return Connection(url)", note="a new object per key: the message proposes a WeakValueDictionary"),
    ]

    def visit_Module(self, node: cst.Module) -> None:
        if is_program(self.context.path):
            return
        candidates: Dict[str, cst.Name] = {}
        for statement in node.body:
            if m.matches(statement, m.SimpleStatementLine(body=[m.Assign(targets=[m.AssignTarget(target=m.Name())], value=CONTAINER)])):
                assign = cst.ensure_type(cst.ensure_type(statement, cst.SimpleStatementLine).body[0], cst.Assign)
                target = cst.ensure_type(assign.targets[0].target, cst.Name)
                if target.value.startswith("__") or not self._container(assign.value) or _prefilled(assign.value):
                    continue  # a table that starts with entries is a registry, not a cache
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
        if is_program(self.context.path):
            return
        if not node.decorators or not (node.params.params or node.params.posonly_params or isinstance(node.params.star_arg, cst.Param) or node.params.kwonly_params or node.params.star_kwarg):
            return
        if enclosing_function(self.context, node) is not None or m.matches(parent(self.context, parent(self.context, node) or node), m.ClassDef()):
            return
        for decorator in node.decorators:
            expr = decorator.decorator
            call: Optional[cst.Call] = cst.ensure_type(expr, cst.Call) if m.matches(expr, m.Call()) else None
            func = call.func if call is not None else expr
            if not m.matches(func, m.Name() | m.Attribute()):
                continue
            name = qualified_name(self.context, func)
            if name == "functools.cache" and call is None:
                unbounded = True
            elif name == "functools.lru_cache" and call is not None:
                unbounded = bool(call.args) and matches(call.args[0], UNBOUNDED)
            else:
                unbounded = False
            if unbounded:
                if self._memoized_recursion(node) or self._bounded_parameters(node) or findall(node.body, m.ClassDef() | CLASS_FACTORY):
                    return
                shown = cst.Module([]).code_for_node(expr)
                if self._returns_new_objects(node):
                    why = "every distinct argument tuple and its result are kept; if callers rely on getting the same object back, a `weakref.WeakValueDictionary` keeps that and frees unused ones, else give it a `maxsize`"
                else:
                    why = "every distinct argument tuple and its result are kept; give it a `maxsize`"
                self.report(decorator, what=f"`@{shown}` on `{node.name.value}`", why=why)
                return

    def _memoized_recursion(self, function: cst.FunctionDef) -> bool:
        """Does it call itself, or another module-level function with an unbounded cache?"""
        names = {function.name.value} | self._cached_functions()
        return bool(findall(function.body, m.Call(func=m.Name(m.MatchIfTrue(lambda n: n in names)))))

    def _cached_functions(self) -> Set[str]:
        found: Set[str] = set()
        for statement in self.context.module.body:
            if isinstance(statement, cst.FunctionDef) and any(_unbounded_spelling(d.decorator) for d in statement.decorators):
                found.add(statement.name.value)
        return found

    def _bounded_parameters(self, function: cst.FunctionDef) -> bool:
        """Are all its parameters classes, types, modules or flags (by annotation or name)?"""
        params = [*function.params.posonly_params, *function.params.params, *function.params.kwonly_params]
        if isinstance(function.params.star_arg, cst.Param) or function.params.star_kwarg is not None:
            return False
        return bool(params) and all(_bounded_parameter(param) or self._validated(param.name.value, function) for param in params)

    def _validated(self, name: str, function: cst.CSTNode) -> bool:
        """`if not 1 <= idx <= 18278: raise ...`, `if len(col) > 3: raise ...`: the function
        refuses (raises for, so caches nothing for) values outside constant bounds."""
        subject = m.Name(name) | m.Call(func=m.Name("len"), args=[m.Arg(value=m.Name(name))])
        for statement in findall(function, m.If(body=RAISES)):
            test = cst.ensure_type(statement, cst.If).test
            for comparison in findall(test, m.Comparison()):
                comparison = cst.ensure_type(comparison, cst.Comparison)
                operands = [comparison.left, *(target.comparator for target in comparison.comparisons)]
                operators = [target.operator for target in comparison.comparisons]
                ordered = all(isinstance(op, (cst.LessThan, cst.LessThanEqual, cst.GreaterThan, cst.GreaterThanEqual)) for op in operators)
                if ordered and any(matches(o, subject) for o in operands) and any(matches(o, NUMBER) for o in operands):
                    return True
        return False

    def _class_valued(self, name: str, function: cst.CSTNode) -> bool:
        """Used as a class: `t.mro()`, `t.__mro__`, `issubclass(t, ...)`."""
        if findall(function, m.Attribute(value=m.Name(name)) & CLASS_USE):
            return True
        return bool(findall(function, m.Call(func=m.Name("issubclass"), args=[m.Arg(value=m.Name(name)), m.ZeroOrMore()])))

    def _package_resource(self, name: str, function: cst.CSTNode) -> bool:
        """The key names a file shipped with the package: read through a path built from the
        module's `__file__` (or `importlib.resources`, `pkgutil.get_data`)."""
        anchored = {t.value for t, value in _module_level_assignments(self.context.module) if findall(value, m.Name("__file__"))}
        for call in findall(function, m.Call()):
            call = cst.ensure_type(call, cst.Call)
            func = call.func
            last = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
            if last not in RESOURCE_READERS or not findall(call, m.Name(name)):
                continue
            if last != "open" or findall(call, m.Name(m.MatchIfTrue(lambda n: n in anchored or n == "__file__"))):
                return True
        return False

    def _returns_new_objects(self, function: cst.FunctionDef) -> bool:
        """`return Name(...)` with a capitalised name: an object whose identity callers may rely on."""
        for found in findall(function.body, m.Return(value=m.Call(func=m.Name() | m.Attribute()))):
            func = cst.ensure_type(cst.ensure_type(found, cst.Return).value, cst.Call).func
            last = func.attr.value if isinstance(func, cst.Attribute) else cst.ensure_type(func, cst.Name).value
            if last[:1].isupper() and not last.isupper():
                return True
        return False

    def _container(self, value: cst.BaseExpression) -> bool:
        if not m.matches(value, m.Call()):
            return True
        call = cst.ensure_type(value, cst.Call)
        return qualified_name(self.context, call.func) in CONSTRUCTORS

    def _verdict(self, target: cst.Name, occurrences: List[cst.Name]) -> Optional[str]:
        """"grows" when some function both looks the container up and adds to it (a cache), and
        nothing removes from it, rebinds it or hands it to other code."""
        adders: Set[int] = set()
        lookups: Set[int] = set()
        functions: Dict[int, cst.CSTNode] = {}
        for occurrence in occurrences:
            if qualified_name(self.context, occurrence) != target.value:
                continue  # a local of the same name
            uses = self._uses(occurrence)
            if "escape" in uses:
                return None
            function = enclosing_function(self.context, occurrence)
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
        growing = [
            function for function in caches
            if not self._bounded_by_code(function, target.value, occurrences) and not _calls_itself(function)
        ]
        return "grows" if growing else None

    def _bounded_by_code(self, function: cst.CSTNode, name: str, occurrences: List[cst.Name]) -> bool:
        """Are the keys this function adds drawn from a set the program's code bounds (classes,
        modules, the keys of another module-level table), or is it a warn-once set?"""
        if findall(function, WARNING_CALL):
            return True
        keys = [key for occurrence in occurrences if enclosing_function(self.context, occurrence) is function for key in self._added_keys(occurrence)]
        return bool(keys) and all(self._bounded_key(key, function, name) for key in keys)

    def _added_keys(self, occurrence: cst.Name) -> List[cst.BaseExpression]:
        """The keys `occurrence` adds: `C[key] = v`, `C[key] += 1`, `C.add(key)`, `C.setdefault(key, v)`."""
        outer = parent(self.context, occurrence)
        if isinstance(outer, cst.Subscript) and outer.value is occurrence:
            holder = parent(self.context, outer)
            if isinstance(holder, (cst.AssignTarget, cst.AugAssign)):
                return [element.slice.value for element in outer.slice if isinstance(element.slice, cst.Index)]
        if isinstance(outer, cst.Attribute) and outer.value is occurrence and outer.attr.value in ("add", "setdefault"):
            call = parent(self.context, outer)
            if isinstance(call, cst.Call) and call.args:
                return [call.args[0].value]
        return []

    def _bounded_key(self, key: cst.BaseExpression, function: cst.CSTNode, name: str) -> bool:
        if matches(key, CLASS_OF) or isinstance(key, (cst.SimpleString, cst.Integer)) or m.matches(key, m.Name("None")):
            return True
        if isinstance(key, cst.Tuple):
            return all(self._bounded_key(element.value, function, name) for element in key.elements)
        if isinstance(key, cst.Call) and m.matches(key.func, m.Name("id")) and len(key.args) == 1:
            return self._bounded_key(key.args[0].value, function, name)
        if not isinstance(key, cst.Name):
            return False
        if isinstance(function, cst.FunctionDef):
            for param in [*function.params.posonly_params, *function.params.params, *function.params.kwonly_params]:
                if param.name.value == key.value and _bounded_parameter(param):
                    return True
        if self._class_valued(key.value, function) or self._validated(key.value, function) or self._package_resource(key.value, function):
            return True
        sites = binding_sites(function, key.value) if isinstance(function, (cst.FunctionDef, cst.Lambda)) else None
        if sites and len(sites) == 1:
            holder = parent(self.context, sites[0])
            if isinstance(holder, cst.AssignTarget):
                assign = parent(self.context, holder)
                if isinstance(assign, cst.Assign) and self._bounded_key(assign.value, function, name):
                    return True
        return self._keyed_like_a_table(key, function, name)

    def _keyed_like_a_table(self, key: cst.Name, function: cst.CSTNode, name: str) -> bool:
        """`C[key] = TABLE[key]...`: the value is looked up in another module-level table by the
        same key, so the keys are bounded by that table's."""
        module_names = {t.value for t in _module_level_names(self.context.module)} - {name}
        lookup = m.Subscript(value=m.Name(m.MatchIfTrue(lambda n: n in module_names)), slice=[m.SubscriptElement(slice=m.Index(value=m.Name(key.value)))])
        return bool(findall(function, lookup))

    def _duplicate_check(self, node: cst.CSTNode) -> bool:
        """`if key in REGISTRY: raise ...` or `assert key not in REGISTRY`: a registry refusing a
        duplicate, not a cache lookup."""
        current = parent(self.context, node)
        while isinstance(current, (cst.Comparison, cst.BooleanOperation, cst.UnaryOperation)):
            current = parent(self.context, current)
        if isinstance(current, cst.Assert):
            return True
        return isinstance(current, cst.If) and matches(current.body, RAISES)

    def _runs_at_import_only(self, function: cst.CSTNode) -> bool:
        """A module-level `def` that the module calls, only from module-level code: a table
        filled once at import (scipy's test data loaders)."""
        if not m.matches(function, m.FunctionDef()) or enclosing_function(self.context, function) is not None:
            return False
        name = cst.ensure_type(function, cst.FunctionDef).name.value
        calls = findall(self.context.module, m.Call(func=m.Name(name)))
        return bool(calls) and all(enclosing_function(self.context, call) is None for call in calls)

    def _uses(self, name: cst.Name) -> FrozenSet[str]:
        outer = parent(self.context, name)
        if m.matches(outer, m.Attribute()) and cst.ensure_type(outer, cst.Attribute).value is name:
            method = cst.ensure_type(outer, cst.Attribute).attr.value
            call = parent(self.context, outer)
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
            holder = parent(self.context, outer)
            if m.matches(holder, m.Del()) or m.matches(parent(self.context, holder), m.Del()):
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
            return READ if self._duplicate_check(outer) else LOOKUP
        if m.matches(outer, m.Comparison() | m.For() | m.CompFor() | m.UnaryOperation()):
            return READ
        if m.matches(outer, m.Arg()):
            call = parent(self.context, outer)
            if m.matches(call, m.Call(func=m.Name(m.MatchIfTrue(lambda n: n in HARMLESS_CALLS)))):
                return READ
        if m.matches(outer, m.If() | m.While() | m.BooleanOperation()):
            return READ
        return ESCAPE


def is_program(path: str) -> bool:
    """A one-shot program rather than a library module: `setup.py`, `conf.py`, `__main__.py`, a
    code-generation or build script (`gen_*.py`, `build_*.py`), or a file under `scripts/`,
    `tools/`, `examples/`, `docs/`, `asv_bench/`."""
    directories = path.replace("\\", "/").split("/")
    name = directories.pop()
    return name in PROGRAM_FILES or name.startswith(PROGRAM_PREFIXES) or any(part in PROGRAM_DIRECTORIES for part in directories)


def _bounded_parameter(param: cst.Param) -> bool:
    """A parameter holding a class, type, module or flag: named `cls`, `klass`, `*_type`...,
    or annotated `type`, `type[...]`, `Type[...]`, `bool`, `Literal[...]`, `ModuleType`."""
    name = param.name.value
    if name in CLASS_PARAMETERS or name.endswith(CLASS_SUFFIXES):
        return True
    return param.annotation is not None and matches(param.annotation.annotation, BOUNDED_ANNOTATION)


def _prefilled(value: cst.BaseExpression) -> bool:
    """`{'py': [...], 'c': [...]}`, `[1, 2]`, `dict(a=1)`: a table that starts with entries."""
    if isinstance(value, (cst.Dict, cst.List, cst.Set)):
        return bool(value.elements)
    return isinstance(value, cst.Call) and m.matches(value.func, m.Name("dict") | m.Name("list") | m.Name("set")) and bool(value.args)


def _calls_itself(function: cst.CSTNode) -> bool:
    """A memoized recursion: the cache is the algorithm, bounded by the problem's size."""
    if not isinstance(function, cst.FunctionDef):
        return False
    return bool(findall(function.body, m.Call(func=m.Name(function.name.value))))


def _unbounded_spelling(expr: cst.BaseExpression) -> bool:
    """`@cache`, `@functools.cache`, `@lru_cache(None)`, `@lru_cache(maxsize=None)` by spelling
    (used to find the module's other memoized functions without resolving names)."""
    if isinstance(expr, (cst.Name, cst.Attribute)):
        return m.matches(expr, m.Name("cache") | m.Attribute(attr=m.Name("cache")))
    if isinstance(expr, cst.Call) and m.matches(expr.func, m.Name("lru_cache") | m.Attribute(attr=m.Name("lru_cache"))):
        return bool(expr.args) and matches(expr.args[0], UNBOUNDED)
    return False


def _module_level_names(module: cst.Module) -> List[cst.Name]:
    return [name for name, _ in _module_level_assignments(module)]


def _module_level_assignments(module: cst.Module) -> List[Tuple[cst.Name, cst.BaseExpression]]:
    """`(name, value)` of each `name = value` at module level."""
    found: List[Tuple[cst.Name, cst.BaseExpression]] = []
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, (cst.Assign, cst.AnnAssign)) and small.value is not None:
                    targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
                    found.extend((t, small.value) for t in targets if isinstance(t, cst.Name))
    return found


class _Occurrences(cst.CSTVisitor):
    def __init__(self, names: set) -> None:
        super().__init__()
        self.names = names
        self.found: Dict[str, List[cst.Name]] = {name: [] for name in names}

    def visit_Name(self, node: cst.Name) -> None:
        if node.value in self.names:
            self.found[node.value].append(node)
