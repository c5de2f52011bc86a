"""Which rules can fire in a module, decided on CPython's `ast` before LibCST parses it.

memlint compiles every file with CPython's parser anyway (`parsing.vet`), which is about ten
times cheaper than LibCST's. A rule declares a *screen*: a conservative, necessary condition on
that tree, written with the small patterns below. The engine evaluates the screens of all the
selected rules in ONE walk of the tree (`scan`); a file reaches LibCST only when some rule's
screen matches, and only the rules whose screen matched run on it.

How a rule declares its screen (a class attribute, next to its `triggers`; import the names
from `memlint.screen`)::

    screen = (Call("sum", arg=Node("ListComp", "SetComp")),)  # sum(...) with a [...] argument
    screen = (In(LOOP, Node("Assign", value=Call("concatenate"))),)  # ... inside a loop
    screen = (Subscript(Call("sorted"), index=Const(0) | Const(-1)),)  # sorted(...)[0] / [-1]
    screen = (Same(Subscript(Name(), index=Const(0)), Node("Assign", value=Call("list"))),)

- ``screen`` is a tuple of alternatives: the rule may fire when any one of them holds. An
  alternative is a pattern (found anywhere in the module), `In(context, pattern)` (found inside
  a LOOP, a FUNCTION, an except HANDLER, REPEATED or OFTEN), `Both(a, b, ...)` (each found somewhere in the
  file), `Same(a, b, ...)` (each found about a same name: `x = list(...)` and `x[0]`),
  `Text(regex)` (in the text: a comment, which `ast` drops), or `OutsideTestFiles()` (the file is
  not named like a test module: for rules that never report in test code).
- ``screen = None`` (the default) means "always runs": a rule that declares nothing is never
  skipped, so a new rule is safe until it declares a screen. The text triggers (prefilter.py)
  still apply first. `python -m memlint.rule_docs docs/rules` copies the screens into
  `rule_index.py` (so a file is screened without importing the rules): run it after a change.
- Patterns: `Node(*types, **fields)` matches an `ast` node of one of the named classes whose
  fields match (a list field matches when some element does; a field given None must be
  absent: `Node("Slice", lower=None)` is `x[:k]`); `Named(*names)` a `Name` with
  that id (or an import alias of it) or an `Attribute` with that attr; `Call(*names, **fields)`
  a call of such a name (virtual fields: ``arg`` any argument value, positional or keyword, `*x`
  unwrapped; ``first``/``second`` the first and second positional arguments; ``keyword`` the
  value of any keyword argument); `Subscript(value, index=...)`; `Name()`; `Const(v)` a literal
  equal to ``v`` and of its type (`Const(-1)` matches `-1`, `Const(0)` not `False`); `Number()`
  a number literal; `Not(p)`; `Through(p)` ``p`` itself or inside a tuple/list/set/dict
  display; `Reads(p)` ``p`` anywhere below; `SelfUpdate()` an assignment whose target is also
  read on its right side (`F = (P @ F) + B`); `StoresName(*methods, target=p)` a name
  assigned (to a target matching ``p`` when given) or passed to one of `methods`;
  `CallsItself()` a call of the enclosing function's own name; `Owned(p)` ``p`` about its
  enclosing function (for `Same`); `UnderStatedLoops(n)` a call inside loops whose stated
  lengths multiply to ``n``; `ReadOnce(p)` ``p`` about a name its function reads nowhere else
  (for `Same`: `x = list(...)` whose only read is `x[0]`); `Local(p)` ``p`` about names of its
  enclosing function (for `Same`: both in one `def`); `Imported(*modules)` a name or dotted
  attribute an import of the file takes from one of `modules` (`chain` after `from itertools
  import chain`); `p | q` either; `AllOf(p, q)` both on the same node. Virtual fields on other
  nodes: ``target`` (assignments), ``decorator``
  (the callee of each decorator), ``default`` (parameter defaults), ``index`` (a subscript's).
- More patterns: `Literal(*types)` a constant of a named type ("str", "bytes"); `Of(path, p)`
  ``p``, about the names at ``path`` (dotted fields, virtual ones too) of its node:
  `Of("func.value", Call("append"))` is about the list appended to, `Of("target",
  Node("Assign"))` about the names bound (an unpacking binds none alone); `Defaulted(p,
  used=q)` a `def`/`lambda` with a parameter whose default matches ``p`` (and that a node of
  its body matching ``q`` is about), about those parameters; `OwnedByName(p)` ``p``, about the
  name of its enclosing `def`; `InDefNamed(regex)` anything directly in a `def` so named
  (`Not(InDefNamed("test"))`); `ReadsLoopTarget()` a node that reads (outside lambda bodies) a
  name the innermost `for` of its frame binds. For `Same`, `p | q` is about what the
  alternatives that match are about, `AllOf(p, q)` about what ``p`` is about.

Why it is conservative (tests/core/test_prefilter.py proves it on a corpus): every screen is a
necessary condition of what its rule's LibCST matchers require before they report, written
looser, never tighter. The contexts are supersets of the rules' own: `LOOP` is anywhere inside
a `for`/`while` statement or a comprehension (its iterable, `else` and nested functions
included); `FUNCTION` anywhere whose nearest enclosing `def`/`class` is a `def`; `HANDLER`
anywhere inside an `except` clause; `REPEATED` what a loop of the same frame runs on every pass,
as analysis/loops.enclosing_loop sees it (a `for` body or target, a `while` body or test, all of
a comprehension, its first iterable too; not a loop's `else`, nor the body of a `def` or
`lambda` inside the loop, while a class body inside it is); `OFTEN` the part of `REPEATED` whose
innermost loop the code does not state to run fewer than `SMALL_LOOP` times, as
analysis/loops.repeats_often requires (only a `for` over a list/tuple/set display of fewer items
is left out). A name a rule resolves to a qualified name may be an import alias (`from math
import fsum as fs`): `Named` also accepts every name an `import ... as NAME` of the file binds.

A rule whose options the configuration sets is never screened out (`screened`): a screen is
written for the defaults (MEM202's `hot-functions` can make any function hot, MEM201's
`include-lambdas` adds lambdas).

Screens that do not help much, and why (share of the bytes of every 4th standard-library file
that each lets through to LibCST; 34% of the bytes reach LibCST with all stable rules, 21% being
in the files where some rule reports; 33% of the numeric corpus's, where MEM401 alone lets 18%
through):
- MEM303 (10%; 28% before it required a binding of the name to a value of a reported kind):
  `x += <not a number>` or `x = x + ...` in a loop, and `x = <bytes/tuple/list/str value>`;
  that every binding agrees, and the data-sized evidence, need scopes and values.
- MEM201 (6%; 16% before OFTEN and ReadsLoopTarget): a `def`/`class` run on every pass of a
  loop not stated small; whether its body reads what the loop binds, or it escapes, needs
  scopes. MEM601 (5%): `@lru_cache`/`@cache` on a `def` with parameters in a class body: the
  test suites of `functools` and `typing`, which cache methods on purpose; whether the first
  parameter is an instance, and the class a value object, needs names and decorators.
- MEM202 (4%; 7% before): a nested `def` whose function calls itself on a name, or whose
  function's name is called inside loops whose stated lengths multiply to 10,000; whether the
  recursion is linear and the nested `def` captures nothing needs scopes.
- MEM603 (0.5%; 8% before `Defaulted(used=)`): a mutable default whose name the function's
  body grows; that the name still holds the default there (it is never rebound) needs scopes.
- MEM106 (5%, most of it in files where it reports; 23% before `ReadOnce` and index 0):
  `list(...)`/`[...]` indexed by 0, or bound in a function to a name whose only direct read
  there is `[0]`; whether a read in a nested scope is the same variable needs scopes. (MEM102's
  like screen, with lazy sources and `Local`, went from 18% to 0.3%.)
- MEM604 (8%; 17% before `target=`): an `except ... as e` whose `e` is kept on an attribute or
  an item, or in a name declared `global`, or given to a storing method; whether
  that container is a fresh local of the function, and whether the module hands the exception
  on (`raise self.error`), need scopes. Mostly test suites that keep `self.error = e`.
- MEM105 (5%): `len([...])` or `len(list(<lazy>))`; whether the counted items are data-sized
  needs the kinds of values (analysis/values.py), and test files are skipped by their name.
- MEM304 (5%): `x.pop(0)`/`x.insert(0, ...)` in a loop; whether `x` is a list and long needs
  the kinds of its bindings.
- MEM401 (numpy/pandas files only, by its triggers; 27% of the numeric corpus): any assignment
  of a call or an operation in a loop; whether the value is a data-sized array needs the kinds
  and sizes of values. A necessary condition on the whole file (some data-sized evidence:
  a loader call, a literal of 10 or more, `**`) still holds in 88% of the numeric corpus's
  numpy files, so it is not worth the risk of missing an evidence source values.py adds later.
- No screen (they always run when their text triggers are present): the preview rules MEM108,
  MEM109, MEM203, MEM305, MEM402, MEM403, MEM602 and MEM606, whose shapes are still changing.
"""

from __future__ import annotations

import ast
import re
from typing import Any, Callable, Dict, FrozenSet, Iterable, Iterator, List, Optional, Sequence, Set, Tuple, Union

# Contexts for `In`.
LOOP = "loop"
FUNCTION = "function"
HANDLER = "handler"
REPEATED = "repeated"
OFTEN = "often"
_FLAGS = {LOOP: 1, FUNCTION: 2, HANDLER: 4, REPEATED: 8, OFTEN: 16}
SMALL_LOOP = 100  # analysis/loops.SMALL_LOOP (a test keeps them equal)

class Pattern:
    """A condition on one `ast` node."""

    def types(self) -> FrozenSet[str]:
        """The names of the `ast` classes this pattern can match (its node's own class)."""
        raise NotImplementedError

    def match(self, node: ast.AST, scan: "_Scan") -> bool:
        raise NotImplementedError

    def subjects(self, node: ast.AST, scan: "_Scan") -> FrozenSet[str]:
        """The names a matched node is about, for `Same` (see `_subjects`)."""
        return _subjects(node)

    def __or__(self, other: "Pattern") -> "Pattern":
        return AnyOf(self, other)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and repr(other) == repr(self)

    def __hash__(self) -> int:
        return hash(repr(self))


def _args(*parts: Any, **fields: Any) -> str:
    out = [repr(part) for part in parts]
    out += [f"{key}={value!r}" for key, value in fields.items()]
    return ", ".join(out)


class AnyOf(Pattern):
    def __init__(self, *patterns: Pattern) -> None:
        flat: List[Pattern] = []
        for pattern in patterns:
            flat.extend(pattern.patterns if isinstance(pattern, AnyOf) else (pattern,))
        self.patterns = tuple(flat)

    def types(self) -> FrozenSet[str]:
        return frozenset().union(*(p.types() for p in self.patterns))

    def match(self, node: ast.AST, scan: "_Scan") -> bool:
        return any(p.match(node, scan) for p in self.patterns)

    def subjects(self, node: ast.AST, scan: "_Scan") -> FrozenSet[str]:
        """What the alternatives that match say the node is about (`Of`, `StoresName`...)."""
        return frozenset().union(*(p.subjects(node, scan) for p in self.patterns if p.match(node, scan)))

    def __repr__(self) -> str:
        return f"AnyOf({_args(*self.patterns)})"


class AllOf(Pattern):
    """Every pattern matches the same node."""

    def __init__(self, *patterns: Pattern) -> None:
        self.patterns = patterns

    def types(self) -> FrozenSet[str]:
        found = self.patterns[0].types()
        for pattern in self.patterns[1:]:
            found = found & pattern.types()
        return found

    def match(self, node: ast.AST, scan: "_Scan") -> bool:
        return all(p.match(node, scan) for p in self.patterns)

    def subjects(self, node: ast.AST, scan: "_Scan") -> FrozenSet[str]:
        """What the first pattern says the node is about."""
        return self.patterns[0].subjects(node, scan)

    def __repr__(self) -> str:
        return f"AllOf({_args(*self.patterns)})"


def _unstar(node: ast.AST) -> ast.AST:
    return node.value if isinstance(node, ast.Starred) else node


def _call_args(node: ast.Call) -> List[ast.AST]:
    return [_unstar(a) for a in node.args] + [k.value for k in node.keywords]


def _positional(index: int) -> Callable[[ast.AST], Optional[ast.AST]]:
    def get(node: ast.AST) -> Optional[ast.AST]:
        args = getattr(node, "args", [])
        return _unstar(args[index]) if len(args) > index else None

    return get


def _decorators(node: ast.AST) -> List[ast.AST]:
    return [d.func if isinstance(d, ast.Call) else d for d in getattr(node, "decorator_list", [])]


def _defaults(node: ast.AST) -> List[ast.AST]:
    arguments = getattr(node, "args", None)
    if not isinstance(arguments, ast.arguments):
        return []
    return list(arguments.defaults) + [d for d in arguments.kw_defaults if d is not None]


# Fields computed from a node: (node class names) -> getter returning a node, a list or None.
_VIRTUAL: Dict[str, Tuple[FrozenSet[str], Callable[[Any], Any]]] = {
    "arg": (frozenset({"Call"}), _call_args),
    "positional": (frozenset({"Call"}), lambda n: [_unstar(a) for a in n.args]),
    "first": (frozenset({"Call"}), _positional(0)),
    "second": (frozenset({"Call"}), _positional(1)),
    "keyword": (frozenset({"Call"}), lambda n: [k.value for k in n.keywords]),
    "index": (frozenset({"Subscript"}), lambda n: n.slice),
    "target": (frozenset({"Assign", "AugAssign", "AnnAssign"}), lambda n: getattr(n, "targets", None) or [n.target]),
    "decorator": (frozenset({"FunctionDef", "AsyncFunctionDef", "ClassDef"}), _decorators),
    "default": (frozenset({"FunctionDef", "AsyncFunctionDef", "Lambda"}), _defaults),
}


class Node(Pattern):
    """An `ast` node of one of `types` (class names: "Call", "ListComp", ...) whose fields
    match: a field given a pattern must hold a node it matches (a list: some element); a field
    given None must be absent (None or an empty list)."""

    def __init__(self, *types: str, **fields: Optional[Pattern]) -> None:
        if not types:
            raise ValueError("Node needs at least one ast class name")
        for name in types:
            if not isinstance(getattr(ast, name, None), type):
                raise ValueError(f"ast has no node class {name!r}")
        for key, value in fields.items():
            if value is not None and not isinstance(value, Pattern):
                raise ValueError(f"field {key}= of Node({', '.join(types)}) is not a pattern: {value!r}")
            if key in _VIRTUAL and not set(types) <= _VIRTUAL[key][0]:
                raise ValueError(f"{key}= applies to {sorted(_VIRTUAL[key][0])} only")
        self.names = types
        self.fields = tuple(fields.items())
        self._classes = tuple(getattr(ast, name) for name in types)

    def types(self) -> FrozenSet[str]:
        return frozenset(self.names)

    def match(self, node: ast.AST, scan: "_Scan") -> bool:
        if not isinstance(node, self._classes):
            return False
        for key, pattern in self.fields:
            virtual = _VIRTUAL.get(key)
            value = virtual[1](node) if virtual is not None else getattr(node, key, None)
            if pattern is None:  # the field must be absent: `Node("Slice", lower=None)`
                if value is None or value == []:
                    continue
                return False
            if isinstance(value, list):
                if not any(isinstance(v, ast.AST) and pattern.match(v, scan) for v in value):
                    return False
            elif not isinstance(value, ast.AST) or not pattern.match(value, scan):
                return False
        return True

    def __repr__(self) -> str:
        return f"Node({_args(*self.names, **dict(self.fields))})"


def Call(*names: str, **fields: Optional[Pattern]) -> Pattern:  # noqa: N802 -- reads like a node class
    """A call, of a function or method named one of `names` when given (see `Named`)."""
    if names:
        fields = {"func": Named(*names), **fields}
    return Node("Call", **fields)


def Subscript(value: Optional[Pattern] = None, **fields: Optional[Pattern]) -> Pattern:  # noqa: N802
    if value is not None:
        fields = {"value": value, **fields}
    return Node("Subscript", **fields)


def Name() -> Pattern:  # noqa: N802
    return Node("Name")


class Named(Pattern):
    """A `Name` whose id is one of `names` (or any import alias of the file), or an `Attribute`
    whose attr is one of them (whatever it is an attribute of)."""

    def __init__(self, *names: str) -> None:
        self.names = tuple(sorted(set(names)))
        self._set = frozenset(names)

    def types(self) -> FrozenSet[str]:
        return frozenset({"Name", "Attribute"})

    def match(self, node: ast.AST, scan: "_Scan") -> bool:
        if isinstance(node, ast.Attribute):
            return node.attr in self._set
        if isinstance(node, ast.Name):
            return node.id in self._set or scan.aliases.get(node.id) in self._set
        return False

    def __repr__(self) -> str:
        return f"Named({_args(*self.names)})"


class Const(Pattern):
    """A literal equal to `value`, of the same type (`0`, not `False` or `0.0`)."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def types(self) -> FrozenSet[str]:
        return frozenset({"Constant", "UnaryOp"})

    def match(self, node: ast.AST, scan: "_Scan") -> bool:
        value = self.value
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and type(value) in (int, float):
            node, value = node.operand, -value  # `-1` is a minus applied to 1 in `ast`
        return isinstance(node, ast.Constant) and type(node.value) is type(value) and node.value == value

    def __repr__(self) -> str:
        return f"Const({self.value!r})"


_DISPLAYS = (ast.Tuple, ast.List, ast.Set, ast.Dict)


class _About(Pattern):
    """A pattern about another one (`Through`, `Reads`, `Not`, `Owned`): it holds it and shows it."""

    def __init__(self, pattern: Pattern) -> None:
        self.pattern = pattern

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.pattern!r})"


class Through(_About):
    """`pattern` on the node itself or on an element of a tuple/list/set/dict display holding
    it (at any depth): where a value ends up stored along with others."""

    def types(self) -> FrozenSet[str]:
        return self.pattern.types() | {"Tuple", "List", "Set", "Dict"}

    def match(self, node: ast.AST, scan: "_Scan") -> bool:
        if self.pattern.match(node, scan):
            return True
        if isinstance(node, ast.Dict):
            return any(v is not None and self.match(v, scan) for v in list(node.keys) + list(node.values))
        if isinstance(node, _DISPLAYS):
            return any(self.match(_unstar(e), scan) for e in getattr(node, "elts"))
        return False


class Reads(_About):
    """`pattern` on the node or anywhere below it."""

    def types(self) -> FrozenSet[str]:
        return frozenset(_ALL_NODE_CLASSES)

    def match(self, node: ast.AST, scan: "_Scan") -> bool:
        return any(self.pattern.match(n, scan) for n in ast.walk(node))


class Not(_About):
    """Anything `pattern` does not match (a field that is absent matches nothing)."""

    def types(self) -> FrozenSet[str]:
        return frozenset(_ALL_NODE_CLASSES)

    def match(self, node: ast.AST, scan: "_Scan") -> bool:
        return not self.pattern.match(node, scan)


class Number(Pattern):
    """A number literal (not `True`/`False`), or a unary operator applied to one (`-1`, `~0`)."""

    def types(self) -> FrozenSet[str]:
        return frozenset({"Constant", "UnaryOp"})

    def match(self, node: ast.AST, scan: "_Scan") -> bool:
        if isinstance(node, ast.UnaryOp):  # LibCST's numbers: `-1`, `-1.0`, but not `-1j`
            return isinstance(node.operand, ast.Constant) and type(node.operand.value) in (int, float)
        return isinstance(node, ast.Constant) and type(node.value) in (int, float, complex)

    def __repr__(self) -> str:
        return "Number()"


class CallsItself(Pattern):
    """A call, inside a `def`, of that function's own name (`f(...)` or `self.f(...)` in `f`):
    the function may recurse."""

    def types(self) -> FrozenSet[str]:
        return frozenset({"Call"})

    def match(self, node: ast.AST, scan: "_Scan") -> bool:
        func = getattr(node, "func", None)
        callee = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        return callee is not None and scan.owner is not None and callee == scan.owner.name  # type: ignore[attr-defined]

    def subjects(self, node: ast.AST, scan: "_Scan") -> FrozenSet[str]:
        return frozenset({str(id(scan.owner))})

    def __repr__(self) -> str:
        return "CallsItself()"


class Owned(_About):
    """`pattern`, about the innermost `def` around it: `Same(Owned(Node("FunctionDef")),
    CallsItself())` is a function that holds a nested `def` and calls itself."""

    def types(self) -> FrozenSet[str]:
        return self.pattern.types()

    def match(self, node: ast.AST, scan: "_Scan") -> bool:
        return scan.owner is not None and self.pattern.match(node, scan)

    def subjects(self, node: ast.AST, scan: "_Scan") -> FrozenSet[str]:
        return frozenset({str(id(scan.owner))})


class StoresName(Pattern):
    """Where a rule's `stored_at` (analysis/retention.py) may find a name kept: an assignment
    whose value is -- or holds, in tuple/list/set/dict displays -- a name or `name.attr`; a call
    of one of `methods` with such an argument. Its subjects are those names. With `target`, an
    assignment counts only when one of its targets matches that pattern."""

    def __init__(self, *methods: str, target: Optional[Pattern] = None) -> None:
        self.methods = tuple(sorted(set(methods)))
        self.target = target
        self._call = Node("Call", func=Named(*methods))

    def types(self) -> FrozenSet[str]:
        return frozenset({"Assign", "AnnAssign", "Call"})

    def _held(self, node: ast.AST) -> Set[str]:
        found: Set[str] = set()
        stack = [node]
        while stack:
            item = _unstar(stack.pop())
            if isinstance(item, ast.Name):
                found.add(item.id)
            elif isinstance(item, ast.Attribute) and isinstance(item.value, ast.Name):
                found.add(item.value.id)
            elif isinstance(item, ast.Dict):
                stack.extend(v for v in list(item.keys) + list(item.values) if v is not None)
            elif isinstance(item, _DISPLAYS):
                stack.extend(getattr(item, "elts"))
        return found

    def _values(self, node: ast.AST, scan: "_Scan") -> List[ast.AST]:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = getattr(node, "targets", None) or [getattr(node, "target")]
            if self.target is not None and not any(self.target.match(t, scan) for t in targets):
                return []
            return [node.value] if node.value is not None else []
        if isinstance(node, ast.Call) and self._call.match(node, scan):
            return _call_args(node)
        return []

    def match(self, node: ast.AST, scan: "_Scan") -> bool:
        return any(self._held(value) for value in self._values(node, scan))

    def subjects(self, node: ast.AST, scan: "_Scan") -> FrozenSet[str]:
        return frozenset().union(*(self._held(value) for value in self._values(node, scan)))

    def __repr__(self) -> str:
        if self.target is None:
            return f"StoresName({_args(*self.methods)})"
        return f"StoresName({_args(*self.methods, target=self.target)})"


def _target_names(node: ast.AST) -> Set[str]:
    names = set()
    for item in ast.walk(node):
        if isinstance(item, ast.Name):
            names.add(item.id)
        elif isinstance(item, ast.Attribute):
            dotted = _dotted(item)
            if dotted is not None:
                names.add(dotted)
    return names


def _subjects(node: ast.AST) -> FrozenSet[str]:
    """What a node is about, by name: a name (or dotted name) itself, the name subscripted, the
    names an assignment binds, the name a loop iterates, the names a `global`/`nonlocal`
    declares, a handler's or a definition's name."""
    if isinstance(node, (ast.Name, ast.Attribute)):
        dotted = _dotted(node)
        return frozenset() if dotted is None else frozenset({dotted})
    if isinstance(node, ast.Subscript):
        return _subjects(node.value)
    if isinstance(node, ast.Assign):
        return frozenset().union(*(_target_names(target) for target in node.targets))
    if isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.NamedExpr)):
        return frozenset(_target_names(node.target))
    if isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
        return _subjects(node.iter)
    if isinstance(node, (ast.Global, ast.Nonlocal)):
        return frozenset(node.names)
    if isinstance(node, ast.Call):  # the callee's name: `f` of `f(x)` and of `self.f(x)`
        func = node.func
        callee = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        return frozenset() if callee is None else frozenset({callee})
    name = getattr(node, "name", None)
    return frozenset({name}) if isinstance(name, str) else frozenset()


def _dotted(node: ast.AST) -> Optional[str]:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


class SelfUpdate(Pattern):
    """An assignment (`=`, annotated) whose target -- a name or a dotted attribute -- is also
    read anywhere on its right side (`x = x + y`, `F = (P @ F) + B`, `s.a = [s.a] * 2`); every
    augmented assignment (`x += y`)."""

    def types(self) -> FrozenSet[str]:
        return frozenset({"Assign", "AnnAssign", "AugAssign"})

    def match(self, node: ast.AST, scan: "_Scan") -> bool:
        if isinstance(node, ast.AugAssign):
            return True
        value = getattr(node, "value", None)
        if not isinstance(node, (ast.Assign, ast.AnnAssign)) or value is None:
            return False
        targets = getattr(node, "targets", None) or [getattr(node, "target")]
        wanted = {name for name in map(_dotted, targets) if name is not None}
        if not wanted:
            return False
        return any(isinstance(n, (ast.Name, ast.Attribute)) and _dotted(n) in wanted for n in ast.walk(value))

    def __repr__(self) -> str:
        return "SelfUpdate()"


_ALL_NODE_CLASSES = frozenset(
    name for name, value in vars(ast).items() if isinstance(value, type) and issubclass(value, ast.AST)
)


class Literal(Pattern):
    """A literal constant of one of the named types ("str", "bytes", "int", ...)."""

    def __init__(self, *types: str) -> None:
        self.names = tuple(sorted(set(types)))

    def types(self) -> FrozenSet[str]:
        return frozenset({"Constant"})

    def match(self, node: ast.AST, scan: "_Scan") -> bool:
        return isinstance(node, ast.Constant) and type(node.value).__name__ in self.names

    def __repr__(self) -> str:
        return f"Literal({_args(*self.names)})"


def _at(node: ast.AST, path: str) -> List[ast.AST]:
    """The nodes at `path` (dotted field names, virtual ones included) below `node`."""
    found: List[Any] = [node]
    for field in path.split("."):
        step: List[Any] = []
        for item in found:
            virtual = _VIRTUAL.get(field)
            value = virtual[1](item) if virtual is not None and type(item).__name__ in virtual[0] else getattr(item, field, None)
            step.extend(value if isinstance(value, list) else [value])
        found = [item for item in step if isinstance(item, ast.AST)]
    return found


class Of(Pattern):
    """`pattern`, about the names at `path` of the node it matches (for `Same`): `Of("first",
    Call("heappush"))` is about the heap, `Of("func.value", Call("append"))` about the list
    appended to, `Of("target", Node("Assign", value=Node("List")))` about the names bound (an
    unpacking binds none: a tuple is about no name)."""

    def __init__(self, path: str, pattern: Pattern) -> None:
        self.path = path
        self.pattern = pattern

    def types(self) -> FrozenSet[str]:
        return self.pattern.types()

    def match(self, node: ast.AST, scan: "_Scan") -> bool:
        return self.pattern.match(node, scan)

    def subjects(self, node: ast.AST, scan: "_Scan") -> FrozenSet[str]:
        return frozenset().union(*(_subjects(item) for item in _at(node, self.path)))

    def __repr__(self) -> str:
        return f"Of({self.path!r}, {self.pattern!r})"


def _with_defaults(node: ast.AST) -> List[Tuple[ast.arg, ast.AST]]:
    arguments = getattr(node, "args", None)
    if not isinstance(arguments, ast.arguments):
        return []
    positional = list(arguments.posonlyargs) + list(arguments.args)
    pairs = list(zip(positional[len(positional) - len(arguments.defaults):], arguments.defaults))
    return pairs + [(a, d) for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults) if d is not None]


class Defaulted(_About):
    """A `def` or `lambda` with a parameter whose default matches `pattern`; it is about those
    parameters' names (`Same(Defaulted(Node("List")), ...)`: `def f(seen=[])` and `seen`). With
    `used`, only parameters that a node of the body (nested scopes included) matching `used`
    is about count: `Defaulted(Node("List"), used=Of("func.value", Call("append")))`."""

    def __init__(self, pattern: Pattern, used: Optional[Pattern] = None) -> None:
        super().__init__(pattern)
        self.used = used

    def types(self) -> FrozenSet[str]:
        return frozenset({"FunctionDef", "AsyncFunctionDef", "Lambda"})

    def match(self, node: ast.AST, scan: "_Scan") -> bool:
        return bool(self.subjects(node, scan))

    def subjects(self, node: ast.AST, scan: "_Scan") -> FrozenSet[str]:
        names = frozenset(arg.arg for arg, default in _with_defaults(node) if self.pattern.match(default, scan))
        if not names or self.used is None:
            return names
        body = getattr(node, "body", [])
        used: Set[str] = set()
        for statement in body if isinstance(body, list) else [body]:
            for item in ast.walk(statement):
                if self.used.match(item, scan):
                    used.update(self.used.subjects(item, scan))
        return names & used

    def __repr__(self) -> str:
        if self.used is None:
            return f"Defaulted({self.pattern!r})"
        return f"Defaulted({self.pattern!r}, used={self.used!r})"


class OwnedByName(_About):
    """`pattern` inside a `def`, about that def's name (`Owned`: about the def itself):
    `Same(OwnedByName(Node("FunctionDef")), UnderStatedLoops(10))` is a function holding a
    nested `def` and called by name under loops."""

    def types(self) -> FrozenSet[str]:
        return self.pattern.types()

    def match(self, node: ast.AST, scan: "_Scan") -> bool:
        return scan.owner is not None and self.pattern.match(node, scan)

    def subjects(self, node: ast.AST, scan: "_Scan") -> FrozenSet[str]:
        return frozenset({scan.owner.name}) if scan.owner is not None else frozenset()  # type: ignore[attr-defined]


class InDefNamed(Pattern):
    """Any node whose innermost enclosing `def` has a name `regex` matches at its start
    (`Not(InDefNamed("test"))`: not directly in a test function)."""

    def __init__(self, regex: str) -> None:
        self.regex = regex
        self._compiled = re.compile(regex)

    def types(self) -> FrozenSet[str]:
        return frozenset(_ALL_NODE_CLASSES)

    def match(self, node: ast.AST, scan: "_Scan") -> bool:
        return scan.owner is not None and self._compiled.match(scan.owner.name) is not None  # type: ignore[attr-defined]

    def __repr__(self) -> str:
        return f"InDefNamed({self.regex!r})"


class ReadsLoopTarget(Pattern):
    """A node holding (outside `lambda` bodies) a `Name` bound by the target of the `for`
    statement that is the innermost loop around the node in its frame (REPEATED; a comprehension
    or a `while` inside the `for` hides it): a name analysis/loops.loop_bindings finds varying,
    read by the expression or by the definition-time parts of a `def`/`class`
    (captures.definition_time_names does not look into lambdas either)."""

    def types(self) -> FrozenSet[str]:
        return frozenset(_ALL_NODE_CLASSES)

    def match(self, node: ast.AST, scan: "_Scan") -> bool:
        loop = scan.loop
        if not isinstance(loop, (ast.For, ast.AsyncFor)):
            return False
        targets = {n.id for n in ast.walk(loop.target) if isinstance(n, ast.Name)}
        stack = [node]
        while stack:
            item = stack.pop()
            if isinstance(item, ast.Name) and item.id in targets:
                return True
            if isinstance(item, ast.Lambda):
                stack.append(item.args)
                continue
            stack.extend(ast.iter_child_nodes(item))
        return False

    def __repr__(self) -> str:
        return "ReadsLoopTarget()"


class In:
    """`pattern` found inside a context: LOOP, FUNCTION or HANDLER (several: all of them)."""

    def __init__(self, context: Union[str, Tuple[str, ...]], pattern: Pattern) -> None:
        contexts = (context,) if isinstance(context, str) else tuple(context)
        for name in contexts:
            if name not in _FLAGS:
                raise ValueError(f"unknown context {name!r} (choose from {', '.join(_FLAGS)})")
        self.contexts = contexts
        self.pattern = pattern
        self.mask = sum(_FLAGS[name] for name in set(contexts))

    def __repr__(self) -> str:
        context = self.contexts[0] if len(self.contexts) == 1 else self.contexts
        return f"In({context!r}, {self.pattern!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, In) and repr(other) == repr(self)

    def __hash__(self) -> int:
        return hash(repr(self))


class Both:
    """Every part found somewhere in the module (each a pattern, `In`, `Same`, `Text` or
    `OutsideTestFiles`)."""

    def __init__(self, *parts: Union[Pattern, In]) -> None:
        if len(parts) < 2:
            raise ValueError("Both needs two parts or more")
        self.parts = parts

    def __repr__(self) -> str:
        return f"Both({_args(*self.parts)})"


class Same:
    """Every part found somewhere in the module about a same name (see `Pattern.subjects`):
    `Same(Node("Assign", value=Call("list")), Node("For", iter=Name()))` is a name bound to a
    `list(...)` and iterated by a `for` loop."""

    def __init__(self, *parts: Union[Pattern, In]) -> None:
        if len(parts) < 2:
            raise ValueError("Same needs two parts or more")
        self.parts = parts

    def __repr__(self) -> str:
        return f"Same({_args(*self.parts)})"


_MANY = float("inf")


def _small_int(node: ast.AST) -> Optional[int]:
    """An integer literal, or `-`/`+` applied to one; None for anything else."""
    sign = 1
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        sign = -1 if isinstance(node.op, ast.USub) else 1
        node = node.operand
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return sign * node.value
    return None


def stated_length(iterable: ast.AST) -> Optional[float]:
    """At least as many items as analysis/sizes.known_length finds in `iterable` when it finds a
    number (a display, a string, `range()` of constant integers); None when it finds none.
    `range()` of constant expressions it does not evaluate here counts as _MANY."""
    if isinstance(iterable, (ast.List, ast.Tuple, ast.Set)):
        return None if any(isinstance(e, ast.Starred) for e in iterable.elts) else len(iterable.elts)
    if isinstance(iterable, ast.Dict):
        return None if any(k is None for k in iterable.keys) else len(iterable.keys)
    if isinstance(iterable, ast.Constant) and isinstance(iterable.value, (str, bytes)):
        return len(iterable.value)
    if isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name) and not iterable.keywords:
        args = iterable.args
        if not 1 <= len(args) <= 3:
            return None
        constant = (ast.Constant, ast.UnaryOp, ast.BinOp, ast.operator, ast.unaryop)
        if not all(isinstance(n, constant) for a in args for n in ast.walk(a)):
            return None  # a name or a call: not stated
        bounds = [_small_int(a) for a in args]
        if any(b is None for b in bounds):
            return _MANY  # arithmetic on literals (`10 ** 6`): not evaluated here
        if len(bounds) == 3 and bounds[2] == 0:
            return None
        try:
            return len(range(*bounds))  # type: ignore[arg-type]
        except OverflowError:
            return _MANY
    return None


def _loop_items(node: ast.AST) -> float:
    """How many times a loop node multiplies what its children run: the product of its stated
    lengths (a comprehension: of all its clauses), 1 when none is stated."""
    if isinstance(node, (ast.For, ast.AsyncFor)):
        length = stated_length(node.iter)
        return 1 if length is None else max(length, 1)
    product: float = 1
    for clause in getattr(node, "generators", ()):
        length = stated_length(clause.iter)
        product *= 1 if length is None else max(length, 1)
    return product


class UnderStatedLoops(Pattern):
    """A call inside loops whose stated lengths multiply to `at_least` items or more (loops
    of every enclosing function count too: a superset of analysis/hot.py's data-sized calls)."""

    def __init__(self, at_least: int) -> None:
        self.at_least = at_least

    def types(self) -> FrozenSet[str]:
        return frozenset({"Call"})

    def match(self, node: ast.AST, scan: "_Scan") -> bool:
        return scan.items >= self.at_least

    def __repr__(self) -> str:
        return f"UnderStatedLoops({self.at_least!r})"


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _direct_reads(owner: ast.AST) -> Tuple[Dict[str, int], Set[int]]:
    """The names the body of the `def` `owner` reads outside nested scopes (lambdas,
    comprehensions, classes, defs): how many times each, and the ids of those `Name` nodes."""
    counts: Dict[str, int] = {}
    nodes: Set[int] = set()
    stack: List[ast.AST] = list(getattr(owner, "body", []))
    while stack:
        node = stack.pop()
        if isinstance(node, _SCOPES):
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            counts[node.id] = counts.get(node.id, 0) + 1
            nodes.add(id(node))
        stack.extend(ast.iter_child_nodes(node))
    return counts, nodes


def _about_name(node: ast.AST) -> Optional[ast.AST]:
    """The `Name` a node is about, as `_subjects` finds it: itself, what a subscript or an
    attribute is taken of, what a loop iterates."""
    while not isinstance(node, ast.Name):
        if isinstance(node, (ast.Subscript, ast.Attribute)):
            node = node.value
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
            node = node.iter
        else:
            return None
    return node


class ReadOnce(_About):
    """`pattern` on a node about a name (`x[0]`, `for ... in x`) that is the only read of that
    name in the body of its innermost `def`, outside nested scopes (which may bind it anew), or
    that is not read in that body directly (it is inside a nested scope): a necessary condition
    of analysis/usage.py's `only_reference_is` for a function-local (every direct read of a
    name in a function resolves to the same binding). Not inside a `def`: no match."""

    def types(self) -> FrozenSet[str]:
        return self.pattern.types()

    def match(self, node: ast.AST, scan: "_Scan") -> bool:
        return bool(self.subjects(node, scan)) if self.pattern.match(node, scan) else False

    def subjects(self, node: ast.AST, scan: "_Scan") -> FrozenSet[str]:
        if scan.owner is None:
            return frozenset()
        read = _about_name(node)
        names = self.pattern.subjects(node, scan)
        if read is None:
            return names
        counts, direct = scan.direct_reads(scan.owner)
        if id(read) not in direct:
            return names
        return frozenset(name for name in names if name != getattr(read, "id") or counts.get(name, 0) <= 1)


class Local(_About):
    """`pattern`, about its names as names of the innermost `def` around it (for `Same`:
    `Same(Local(p), Local(q))` pairs only a `p` and a `q` of one function about one name).
    Not inside a `def`: no match."""

    def types(self) -> FrozenSet[str]:
        return self.pattern.types()

    def match(self, node: ast.AST, scan: "_Scan") -> bool:
        return scan.owner is not None and self.pattern.match(node, scan)

    def subjects(self, node: ast.AST, scan: "_Scan") -> FrozenSet[str]:
        return frozenset(f"{id(scan.owner)}:{name}" for name in self.pattern.subjects(node, scan))


class Imported(Pattern):
    """A name or dotted attribute that an import of the file makes a member of one of `modules`
    (`Imported("itertools")`: `chain` after `from itertools import chain` or `... import chain as
    c`, `it.chain.from_iterable` after `import itertools as it`): what analysis/names.py's
    `qualified_name` may resolve to "itertools.<something>". Imports anywhere in the file count,
    whatever scope they bind in."""

    def __init__(self, *modules: str) -> None:
        self.modules = tuple(sorted(set(modules)))

    def types(self) -> FrozenSet[str]:
        return frozenset({"Name", "Attribute"})

    def match(self, node: ast.AST, scan: "_Scan") -> bool:
        dotted = _dotted(node)
        if dotted is None:
            return False
        root, _, rest = dotted.partition(".")
        for full in scan.imports().get(root, ()):
            qualified = f"{full}.{rest}" if rest else full
            if any(qualified.startswith(module + ".") for module in self.modules):
                return True
        return False

    def __repr__(self) -> str:
        return f"Imported({_args(*self.modules)})"


class Text:
    """A regular expression found in the module's text (a comment, which `ast` drops)."""

    def __init__(self, expression: str) -> None:
        self.expression = expression
        self.regex = re.compile(expression)

    def __repr__(self) -> str:
        return f"Text({self.expression!r})"


def is_test_file(path: str) -> bool:
    """A test module by its name: `test_*.py`, `*_test.py` or `conftest.py` (as pytest finds
    them). Rules that skip test data (analysis/values.in_test_code) never report in one."""
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    return name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py"


class OutsideTestFiles:
    """The file is not a test module (`is_test_file`): for a rule that never reports in test
    code (`in_test_code` ends every path to its report), decided by the path, before any walk."""

    def __repr__(self) -> str:
        return "OutsideTestFiles()"


Alternative = Union[Pattern, In, Both, Same, Text, OutsideTestFiles]
ScreenSpec = Optional[Tuple[Alternative, ...]]


def screen_problems(screen: object) -> List[str]:
    """Why a rule's `screen` attribute is malformed (empty when it is fine)."""
    if screen is None:
        return []
    if not isinstance(screen, tuple) or not screen:
        return ["screen is neither None nor a non-empty tuple of alternatives"]
    problems = []
    for alternative in screen:
        parts = alternative.parts if isinstance(alternative, Both) else (alternative,)
        for part in parts:
            inner = part.parts if isinstance(part, Same) else (part,)
            if not all(isinstance(p, (Pattern, In)) for p in inner) if isinstance(part, Same) else not isinstance(
                part, (Pattern, In, Text, OutsideTestFiles)
            ):
                problems.append(f"screen alternative {part!r} is not a pattern, In, Text, OutsideTestFiles, Both or Same")
    return problems


# -- evaluation ------------------------------------------------------------------------------

_AS = re.compile(r"\bas\b")
_BODIES = ("body", "orelse", "finalbody", "handlers", "cases")


def _imports(tree: ast.AST) -> Iterator[Union[ast.Import, ast.ImportFrom]]:
    """The import statements of the module, anywhere: a walk of the statements only (an import is
    a statement)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
            continue
        for field in _BODIES:
            children = getattr(node, field, None)
            if isinstance(children, list):
                stack.extend(child for child in children if isinstance(child, ast.AST))


def _import_aliases(tree: ast.AST) -> Dict[str, str]:
    """The names `import ... as NAME` binds anywhere in the module, each to the last part of
    the name it imports (`from math import fsum as fs`: fs -> fsum; `import numpy.linalg as la`:
    la -> linalg)."""
    found: Dict[str, str] = {}
    for node in _imports(tree):
        found.update((alias.asname, alias.name.rsplit(".", 1)[-1]) for alias in node.names if alias.asname)
    return found


def _import_bindings(tree: ast.AST) -> Dict[str, Set[str]]:
    """Every name an import statement of the module binds, to the dotted names it may stand for
    (as analysis/scopes.py qualifies them: `import os.path` binds os -> os, `from . import x`
    binds x -> .x)."""
    found: Dict[str, Set[str]] = {}
    for node in _imports(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                name = alias.asname or alias.name.split(".", 1)[0]
                found.setdefault(name, set()).add(alias.name if alias.asname else name)
            continue
        base = "." * (node.level or 0) + (node.module or "")
        for alias in node.names:
            full = f"{base}.{alias.name}" if base and not base.endswith(".") else f"{base}{alias.name}"
            found.setdefault(alias.asname or alias.name, set()).add(full)
    return found


_LOOPS = (ast.For, ast.AsyncFor, ast.While, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_STATEMENT_LOOPS = (ast.For, ast.AsyncFor, ast.While)
# How entering a node changes the context of what is inside it (`CompiledScreens._walk`).
_ENTERS_DEF, _ENTERS_CLASS, _ENTERS_HANDLER, _ENTERS_LOOP_STATEMENT, _ENTERS_COMPREHENSION = range(5)
_CONTEXTS: Dict[type, int] = {
    ast.FunctionDef: _ENTERS_DEF,
    ast.AsyncFunctionDef: _ENTERS_DEF,
    ast.ClassDef: _ENTERS_CLASS,
    ast.ExceptHandler: _ENTERS_HANDLER,
    **{kind: _ENTERS_LOOP_STATEMENT for kind in _STATEMENT_LOOPS},
    **{kind: _ENTERS_COMPREHENSION for kind in _LOOPS if kind not in _STATEMENT_LOOPS},
}
# REPEATED (flag 8) and OFTEN (16): the fields a loop statement runs once per pass (a
# comprehension: all of it, its first iterable too, looser than analysis/loops.py), and the
# bodies that start a new frame (False: cleared).
_REPEATED_FIELDS: Dict[type, Dict[str, bool]] = {
    ast.For: {"target": True, "body": True},
    ast.AsyncFor: {"target": True, "body": True},
    ast.While: {"test": True, "body": True},
    ast.FunctionDef: {"body": False},
    ast.AsyncFunctionDef: {"body": False},
    ast.Lambda: {"body": False},
}


def _small_display(iterable: Any) -> bool:
    """A list/tuple/set display without `*` of fewer than SMALL_LOOP items: what
    analysis/values.known_length states below it (a string literal, `range()`: not here; `range`
    may be rebound, and `ast` merges "a" "b", which known_length does not count)."""
    if isinstance(iterable, (ast.List, ast.Tuple, ast.Set)):
        return len(iterable.elts) < SMALL_LOOP and not any(isinstance(e, ast.Starred) for e in iterable.elts)
    return False


class _Atom:
    __slots__ = ("index", "mask", "pattern", "collect")

    def __init__(self, index: int, mask: int, pattern: Pattern, collect: bool) -> None:
        self.index, self.mask, self.pattern, self.collect = index, mask, pattern, collect


class _Scan:
    """Per-file state of one walk: the import aliases `Named` accepts."""

    def __init__(self, aliases: Dict[str, str], tree: Optional[ast.AST] = None) -> None:
        self.aliases = aliases
        self.tree = tree
        self._imports: Optional[Dict[str, Set[str]]] = None
        self._reads: Dict[int, Tuple[Dict[str, int], Set[int]]] = {}
        self.owner: Optional[ast.AST] = None  # the innermost `def` around the node
        self.items: float = 1  # the product of the stated lengths of the loops around the node
        self.loop: Optional[ast.AST] = None  # the innermost loop of the node's frame (REPEATED)

    def direct_reads(self, owner: ast.AST) -> Tuple[Dict[str, int], Set[int]]:
        """`_direct_reads(owner)`, computed once per `def` (for `ReadOnce`)."""
        found = self._reads.get(id(owner))
        if found is None:
            found = self._reads[id(owner)] = _direct_reads(owner)
        return found

    def imports(self) -> Dict[str, Set[str]]:
        """The names the module's imports bind (for `Imported`), found on first use."""
        if self._imports is None:
            self._imports = _import_bindings(self.tree) if self.tree is not None else {}
        return self._imports


# What `CompiledScreens._walk` does at a node class (`_plan`), and the context a node's parent
# gives it: (flags, the innermost `def`, the product of the stated lengths of the loops around
# it, the innermost loop of its frame for REPEATED).
_Plan = Tuple[Optional[List[_Atom]], Optional[int], Tuple[str, ...], Optional[Dict[str, bool]]]
_Context = Tuple[int, Optional[ast.AST], float, Optional[ast.AST]]


class CompiledScreens:
    """The screens of a sequence of rules, compiled once into shared atoms and a dispatch table."""

    def __init__(self, screens: Sequence[ScreenSpec]) -> None:
        atoms: Dict[Tuple[int, str, bool], _Atom] = {}
        self.texts: List[Text] = []
        # Per rule (None: always runs), its alternatives; an alternative is a list of
        # requirements, all needed: ("atom", index), ("text", index), ("same", indexes) or
        # ("outside tests",).
        self.clauses: List[Optional[List[List[Tuple[Any, ...]]]]] = []

        def atom(part: Union[Pattern, In], collect: bool = False) -> int:
            mask, pattern = (part.mask, part.pattern) if isinstance(part, In) else (0, part)
            key = (mask, repr(pattern), collect)
            if key not in atoms:
                atoms[key] = _Atom(len(atoms), mask, pattern, collect)
            return atoms[key].index

        def requirement(part: Any) -> Tuple[Any, ...]:
            if isinstance(part, OutsideTestFiles):
                return ("outside tests",)
            if isinstance(part, Text):
                self.texts.append(part)
                return ("text", len(self.texts) - 1)
            if isinstance(part, Same):
                return ("same", [atom(inner, collect=True) for inner in part.parts])
            return ("atom", atom(part))

        for screen in screens:
            if screen is None:
                self.clauses.append(None)
                continue
            alternatives = []
            for alternative in screen:
                parts = alternative.parts if isinstance(alternative, Both) else (alternative,)
                alternatives.append([requirement(part) for part in parts])
            self.clauses.append(alternatives)
        self.atoms = sorted(atoms.values(), key=lambda a: a.index)
        self.plain = sum(1 for a in self.atoms if not a.collect)
        by_type: Dict[type, List[_Atom]] = {}
        # Calls are a tenth of all nodes and most atoms are calls of named functions: those are
        # also indexed by the name (the callee's id or attr), tried only on calls of that name.
        self.calls_named: Dict[str, List[_Atom]] = {}
        for item in self.atoms:
            names = _callee_names(item.pattern)
            if names is not None:
                for name in names:
                    self.calls_named.setdefault(name, []).append(item)
                continue
            for name in item.pattern.types():
                cls = getattr(ast, name, None)
                if isinstance(cls, type):
                    by_type.setdefault(cls, []).append(item)
        self.by_type = by_type
        self.named_call_atoms = [item for item in self.atoms if _callee_names(item.pattern) is not None]
        # Names and constants are two nodes in five and hold no node: not visited unless an
        # atom is about them.
        self.leaves = frozenset(kind for kind in (ast.Name, ast.Constant) if kind not in by_type)
        self.plans: Dict[type, _Plan] = {}

    def may_fire(self, tree: ast.AST, text: str, path: str = "") -> List[bool]:
        """For each rule, whether its screen matches `tree` (the module of `text`, at `path`)."""
        if all(clause is None for clause in self.clauses):
            return [True] * len(self.clauses)
        outside_tests = not is_test_file(path)
        aliases = _import_aliases(tree) if _AS.search(text) else {}
        found, subjects = self._walk(tree, aliases)
        texts = [text_screen.regex.search(text) is not None for text_screen in self.texts]

        def holds(need: Tuple[Any, ...]) -> bool:
            kind = need[0]
            if kind == "atom":
                return need[1] in found
            if kind == "text":
                return texts[need[1]]
            if kind == "outside tests":
                return outside_tests
            if kind == "same":
                common = subjects[need[1][0]]
                for index in need[1][1:]:
                    common = common & subjects[index]
                return bool(common)

        return [
            clause is None or any(all(holds(need) for need in alternative) for alternative in clause)
            for clause in self.clauses
        ]

    def _plan(self, kind: type) -> _Plan:
        """What the walk does at a node of class `kind`: the atoms to try (calls also by their
        callee's name), how the context changes inside it, its child fields, and which of those
        fields a loop repeats or a new frame starts."""
        fields = _FIELDS.get(kind)
        if fields is None:
            fields = _FIELDS[kind] = _child_fields(kind)
        return self.by_type.get(kind), _CONTEXTS.get(kind), fields, _REPEATED_FIELDS.get(kind)

    def _walk(self, tree: ast.AST, aliases: Dict[str, str]) -> Tuple[Set[int], Dict[int, Set[str]]]:
        scan = _Scan(aliases, tree)
        found: Set[int] = set()
        subjects: Dict[int, Set[str]] = {item.index: set() for item in self.atoms if item.collect}
        total = self.plain if not subjects else -1  # collecting atoms see every node: no early end
        calls_named = self.calls_named
        plans = self.plans
        skip = self.leaves
        node_class, call_class, attribute_class, name_class = ast.AST, ast.Call, ast.Attribute, ast.Name
        # Each node with the context its parent's fields give it (`_Context`): siblings share one.
        start: _Context = (0, None, 1, None)
        stack: List[Tuple[ast.AST, _Context]] = [(tree, start)]
        pop, push = stack.pop, stack.append
        while stack:
            node, context = pop()
            kind = type(node)
            plan = plans.get(kind)
            if plan is None:
                plan = plans[kind] = self._plan(kind)
            candidates, change, fields, repeated = plan
            if kind is call_class:
                func = node.func  # type: ignore[attr-defined]
                callee = func.attr if type(func) is attribute_class else func.id if type(func) is name_class else None
                named = calls_named.get(callee)  # type: ignore[arg-type]
                original = aliases.get(callee) if type(func) is name_class else None  # type: ignore[arg-type]
                if original is not None and original in calls_named:
                    named = calls_named[original] + named if named else calls_named[original]
                if named:
                    candidates = named + candidates if candidates else named
            if candidates:
                flags, scan.owner, scan.items, scan.loop = context
                for item in candidates:
                    if item.index not in found and flags & item.mask == item.mask and item.pattern.match(node, scan):
                        if item.collect:
                            subjects[item.index].update(item.pattern.subjects(node, scan))
                        else:
                            found.add(item.index)
                if len(found) == total:
                    break
            if change is not None:
                flags, owner, items, loop = context
                if change == _ENTERS_DEF:
                    context = (flags | 2, node, items, loop)
                elif change == _ENTERS_CLASS:
                    context = (flags & ~2, owner, items, loop)
                elif change == _ENTERS_HANDLER:
                    context = (flags | 4, owner, items, loop)
                elif change == _ENTERS_LOOP_STATEMENT:
                    context = (flags | 1, owner, items * _loop_items(node), loop)
                else:  # a comprehension: all of it runs on every pass
                    context = (flags | 25, owner, items * _loop_items(node), node)
            if repeated is not None:  # a loop statement's pass, or a new frame: set or clear 8 and 16
                inner, owner, items, _ = context
                often = 8 if _small_display(getattr(node, "iter", None)) else 24
                passes = ((inner & ~24) | often, owner, items, node)
                frame = (inner & ~24, owner, items, None)
            for field in fields:
                value = getattr(node, field, None)
                here = context
                if repeated is not None and field in repeated:
                    here = passes if repeated[field] else frame
                if type(value) is list:
                    for item_node in value:
                        if isinstance(item_node, node_class) and type(item_node) not in skip:
                            push((item_node, here))
                elif isinstance(value, node_class) and type(value) not in skip:
                    push((value, here))
        return found, subjects


# Per ast class, the fields that can hold child nodes (not `ctx`, `op` and other plain values).
_FIELDS: Dict[type, Tuple[str, ...]] = {}
_NOT_CHILDREN = frozenset({"ctx", "op", "ops", "id", "attr", "kind", "type_comment", "is_async", "level", "conversion"})


def _child_fields(kind: type) -> Tuple[str, ...]:
    return tuple(name for name in kind._fields if name not in _NOT_CHILDREN)  # type: ignore[attr-defined]


def _callee_names(pattern: Pattern) -> Optional[FrozenSet[str]]:
    """The names a call pattern requires of its callee (`Call("sum", ...)`), or None."""
    if isinstance(pattern, Of):
        return _callee_names(pattern.pattern)
    if isinstance(pattern, Node) and pattern.names == ("Call",) and pattern.fields and pattern.fields[0][0] == "func":
        func = pattern.fields[0][1]
        if isinstance(func, Named):
            return func._set
        if isinstance(func, AllOf) and isinstance(func.patterns[0], Named):
            return func.patterns[0]._set
    return None


# By the rules' identities: hashing the rules themselves would render every pattern of their
# screens (`Pattern.__hash__`), for every file. An entry holds its rules, so no id is reused
# while it is cached.
_COMPILED: Dict[Tuple[int, ...], Tuple[Tuple[Any, ...], CompiledScreens]] = {}


def compiled(rules: Iterable[Any]) -> CompiledScreens:
    """The compiled screens of `rules` (classes with a `screen` attribute), cached by identity."""
    chosen = tuple(rules)
    key = tuple(map(id, chosen))
    found = _COMPILED.get(key)
    if found is None:
        if len(_COMPILED) > 256:  # a corpus of 450 files has about 130 sets of candidate rules
            _COMPILED.clear()
        found = _COMPILED[key] = (chosen, CompiledScreens([getattr(rule, "screen", None) for rule in chosen]))
    return found[1]


def screened(
    rules: Sequence[Any], tree: ast.AST, text: str, rule_options: Optional[Dict[str, Any]] = None, path: str = ""
) -> Tuple[Any, ...]:
    """The rules whose screen matches the module `tree` (of `text`, at `path`), in their order.
    A rule whose options the configuration sets (`rule_options`, by code) always runs: a screen
    is written for the options' defaults (MEM202's `hot-functions` makes any function hot)."""
    verdicts = compiled(rules).may_fire(tree, text, path)
    configured = rule_options or {}
    return tuple(rule for rule, ok in zip(rules, verdicts) if ok or configured.get(rule.code))
