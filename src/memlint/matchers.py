"""memlint's own `libcst.matchers`: the part of its API memlint uses, without importing it.

`import libcst.matchers` costs about 0.17 s (its generated module holds a matcher class and
several type aliases per node), more than LibCST's node classes, and a one-file run (pre-commit,
editors) paid it before linting anything. Rules and analysis write `from memlint import
matchers as m` and use the same vocabulary:

- node matchers, one per LibCST node class, made on first use by attribute name (`m.Name`,
  `m.Call`; PEP 562 `__getattr__`). Their fields are the node's dataclass fields in order, so
  `m.Name("x")` and `m.Call(func=..., args=[...])` mean what they mean in LibCST; an omitted
  field is `DoNotCare()`;
- `OneOf` / `|`, `AllOf` / `&`, `~` (LibCST's `DoesNotMatch`), `TypeOf` (also
  `m.Name | m.Attribute`), `MatchIfTrue`, `MatchRegex`, `DoNotCare`, and the sequence wildcards
  `AtLeastN`, `AtMostN`, `ZeroOrMore`, `ZeroOrOne`;
- `matches(node, matcher)`, and `compiled(matcher)`, its predicate (`traversal.findall` uses it).

Not here, because memlint does not use them: `SaveMatchedNode`, `extract`, `replace`, metadata
matchers, and the visitor decorators. A LibCST matcher given to `matches` is refused with a
TypeError that says which import to use.

A matcher is compiled, on its first `matches`, into a plain predicate kept on the matcher (the
compilers below, one per place a matcher can stand: a node, an attribute, a sequence). The
answers are LibCST's own, including its corner cases: a sequence attribute matches a `OneOf` only
through its sequence (or `MatchIfTrue`) options, a `MaybeSentinel` matches no node matcher, a
sequence wildcard's inner matcher is applied as an attribute matcher. Sequences with wildcards
are matched by walking the set of reachable matcher positions (the search LibCST does by
backtracking, without its recursion). `tests/core/test_matching.py` compares the answers with
`libcst.matchers.matches` on every node of real modules, for every matcher memlint builds.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import re
import typing

import libcst as cst

if typing.TYPE_CHECKING:  # not at run time: see below
    from typing import Any, Callable, Dict, List, Optional, Pattern, Sequence, Tuple, Union

# Only lower-case names and matcher vocabulary at module level: `m.List`, `m.Tuple`, `m.Dict` are
# node matchers made by `__getattr__`, which a `from typing import List` would hide.
Predicate = typing.Callable[[typing.Any], bool]

__all__ = [
    "AllOf",
    "AtLeastN",
    "AtMostN",
    "BaseMatcherNode",
    "DoNotCare",
    "DoNotCareSentinel",
    "MatchIfTrue",
    "MatchRegex",
    "OneOf",
    "TypeOf",
    "ZeroOrMore",
    "ZeroOrOne",
    "compiled",
    "matches",
]


class DoNotCareSentinel:
    """The value of `DoNotCare()`: any value (or, in a sequence, exactly one element)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "DoNotCare()"


_DO_NOT_CARE = DoNotCareSentinel()


def DoNotCare() -> DoNotCareSentinel:
    """Matches anything; in a sequence, exactly one element of any kind."""
    return _DO_NOT_CARE


class BaseMatcherNode:
    """What node matchers, `OneOf`, `AllOf` and `TypeOf` have in common: `|`, `&`, and the
    predicate compiled on first use."""

    __slots__ = ("_predicate",)

    def __or__(self, other: Any) -> "OneOf":
        return OneOf(self, other)

    def __and__(self, other: Any) -> "AllOf":
        return AllOf(self, other)

    def __invert__(self) -> BaseMatcherNode:
        return _Inverse(self)


class _NodeMatcherType(type):
    """The metaclass of node matchers: `m.Name | m.Attribute` is `TypeOf(m.Name, m.Attribute)`."""

    def __or__(cls, other: Any) -> "TypeOf":
        return TypeOf(cls, other)


class NodeMatcher(BaseMatcherNode, metaclass=_NodeMatcherType):
    """A matcher for one LibCST node class: the node's class name, and each given field."""

    __slots__ = ("_values",)
    _fields: Tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        fields = type(self)._fields
        if len(args) > len(fields):
            raise TypeError(f"{type(self).__name__}() takes at most {len(fields)} positional arguments")
        values = dict(zip(fields, args))
        for name, value in kwargs.items():
            if name not in fields or name in values:
                raise TypeError(f"{type(self).__name__}() got an unexpected or repeated argument {name!r}")
            values[name] = value
        object.__setattr__(self, "_values", values)

    def __getattr__(self, name: str) -> Any:
        if name in type(self)._fields:
            return self._values.get(name, _DO_NOT_CARE)
        raise AttributeError(name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name != "_predicate":
            raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
        object.__setattr__(self, name, value)

    def __repr__(self) -> str:
        given = ", ".join(f"{name}={value!r}" for name, value in self._values.items())
        return f"{type(self).__name__}({given})"


class OneOf(BaseMatcherNode):
    """Matches when any option matches (`a | b`); nested `OneOf`s and `TypeOf`s are flattened."""

    __slots__ = ("options",)

    def __init__(self, *options: Any) -> None:
        flat: List[Any] = []
        for option in options:
            if isinstance(option, AllOf):
                raise ValueError("Cannot use AllOf and OneOf in combination!")
            flat.extend(option.options if isinstance(option, (OneOf, TypeOf)) else [option])
        self.options: Tuple[Any, ...] = tuple(flat)

    def __and__(self, other: Any) -> "AllOf":
        raise ValueError("Cannot use AllOf and OneOf in combination!")

    def __invert__(self) -> "AllOf":
        return AllOf(*map(_does_not_match, self.options))

    def __repr__(self) -> str:
        return f"OneOf({', '.join(map(repr, self.options))})"


class AllOf(BaseMatcherNode):
    """Matches when every option matches (`a & b`); nested `AllOf`s are flattened."""

    __slots__ = ("options",)

    def __init__(self, *options: Any) -> None:
        flat: List[Any] = []
        for option in options:
            if isinstance(option, (OneOf, TypeOf)):
                raise ValueError(f"Cannot use AllOf and {type(option).__name__} in combination!")
            flat.extend(option.options if isinstance(option, AllOf) else [option])
        self.options: Tuple[Any, ...] = tuple(flat)

    def __or__(self, other: Any) -> "OneOf":
        raise ValueError("Cannot use AllOf and OneOf in combination!")

    def __invert__(self) -> OneOf:
        return OneOf(*map(_does_not_match, self.options))

    def __repr__(self) -> str:
        return f"AllOf({', '.join(map(repr, self.options))})"


class TypeOf(BaseMatcherNode):
    """Any of several node matcher classes with the same fields: `(m.Name | m.Attribute)()`,
    `m.TypeOf(m.BinaryOperation, m.BooleanOperation)(left=m.Name("x"))`.

    Unlike LibCST's, calling it returns a new `TypeOf` instead of changing this one."""

    __slots__ = ("types", "_call")

    def __init__(self, *types: Any, _call: Tuple[Tuple[Any, ...], Dict[str, Any]] = ((), {})) -> None:
        flat: List[Any] = []
        for option in types:
            flat.extend(option.types if isinstance(option, TypeOf) else [option])
        self.types: Tuple[Any, ...] = tuple(flat)
        self._call = _call

    @property
    def options(self) -> Tuple[BaseMatcherNode, ...]:
        args, kwargs = self._call
        return tuple(option(*args, **kwargs) for option in self.types)

    def __call__(self, *args: Any, **kwargs: Any) -> "TypeOf":
        return TypeOf(*self.types, _call=(args, kwargs))

    def __or__(self, other: Any) -> "TypeOf":  # type: ignore[override]
        return TypeOf(self, other)

    def __and__(self, other: Any) -> "AllOf":
        raise TypeError(f"unsupported operand type(s) for &: 'TypeOf' and {type(other).__name__!r}")

    def __invert__(self) -> AllOf:
        return AllOf(*map(_does_not_match, self.options))

    def __repr__(self) -> str:
        return f"TypeOf({', '.join(option.__name__ for option in self.types)})"


class MatchIfTrue:
    """Matches the values for which `func` returns something true."""

    __slots__ = ("func",)

    def __init__(self, func: Callable[[Any], object]) -> None:
        self.func = func

    def __or__(self, other: Any) -> OneOf:
        return OneOf(self, other)

    def __and__(self, other: Any) -> AllOf:
        return AllOf(self, other)

    def __invert__(self) -> "MatchIfTrue":
        func = self.func
        return MatchIfTrue(lambda value: not func(value))

    def __repr__(self) -> str:
        return f"MatchIfTrue({self.func!r})"


class _Inverse(BaseMatcherNode):
    """`~matcher` (LibCST's `DoesNotMatch`): matches where `matcher` does not; a `MaybeSentinel`
    standing for a node matches it. `~(a | b)` is `~a & ~b`, `~(a & b)` is `~a | ~b`."""

    __slots__ = ("matcher",)

    def __init__(self, matcher: Any) -> None:
        self.matcher = matcher

    def __invert__(self) -> Any:
        return self.matcher

    def __repr__(self) -> str:
        return f"~{self.matcher!r}"


def _does_not_match(matcher: Any) -> Any:
    return ~matcher if isinstance(matcher, (BaseMatcherNode, MatchIfTrue)) else _Inverse(matcher)


def MatchRegex(regex: Union[str, Pattern[str]]) -> MatchIfTrue:
    """A string that `regex` matches in full."""
    return MatchIfTrue(lambda value: isinstance(value, str) and re.fullmatch(regex, value) is not None)


class _Wildcard:
    """A sequence element standing for `n` or more (`AtLeastN`) or at most `n` (`AtMostN`)
    consecutive elements, each matching `matcher`."""

    __slots__ = ("matcher", "n")

    def __init__(self, matcher: Any = _DO_NOT_CARE, *, n: int) -> None:
        if n < 0:
            raise ValueError(f"{type(self).__name__} n attribute must be positive")
        self.matcher = matcher
        self.n = n

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.matcher!r}, n={self.n})"


class AtLeastN(_Wildcard):
    __slots__ = ()


class AtMostN(_Wildcard):
    __slots__ = ()


def ZeroOrMore(matcher: Any = _DO_NOT_CARE) -> AtLeastN:
    """Any number of consecutive elements, each matching `matcher`."""
    return AtLeastN(matcher, n=0)


def ZeroOrOne(matcher: Any = _DO_NOT_CARE) -> AtMostN:
    """An optional element matching `matcher`."""
    return AtMostN(matcher, n=1)


def matches(node: object, matcher: Any) -> bool:
    """Does `node` (a node, or a node's attribute value) have the shape `matcher` describes?
    The answer of `libcst.matchers.matches(node, matcher)`."""
    predicate = getattr(matcher, "_predicate", None)
    if predicate is None:
        predicate = compiled(matcher)
    return predicate(node)


def compiled(matcher: Any) -> Predicate:
    """The predicate of `matches(_, matcher)`, compiled once and kept on the matcher."""
    predicate = getattr(matcher, "_predicate", None)
    if predicate is None:
        predicate = _compile_top(matcher)
        if isinstance(matcher, BaseMatcherNode):
            matcher._predicate = predicate
    return predicate


# -- node matcher classes, made on first use ----------------------------------------------------


def __getattr__(name: str) -> Any:
    """`m.Name`, `m.Call`, ...: the matcher class of the LibCST node class of that name."""
    node_class = getattr(cst, name, None) if not name.startswith("_") else None
    if not (isinstance(node_class, type) and issubclass(node_class, cst.CSTNode) and _is_concrete(node_class)):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    fields = tuple(field.name for field in dataclasses.fields(node_class))
    matcher_class = _NodeMatcherType(name, (NodeMatcher,), {"__slots__": (), "_fields": fields, "__module__": __name__})
    globals()[name] = matcher_class
    return matcher_class


def _is_concrete(node_class: type) -> bool:
    """LibCST's own rule for which node classes get a matcher: the dataclasses but `CSTNode`
    and the abstract `Base...` classes (`MatchPattern` and `MatchSequence` get one)."""
    name = node_class.__name__
    return dataclasses.is_dataclass(node_class) and node_class is not cst.CSTNode and not name.startswith("Base")


# -- the compilers: one per place a matcher can stand -------------------------------------------


def _never(value: object) -> bool:
    return False


def _is_sequence(value: object) -> bool:
    return type(value) is tuple or type(value) is list or type(value) is str or isinstance(value, collections.abc.Sequence)


def _compile_top(matcher: Any) -> Predicate:
    """`matches(node, matcher)`: a removal sentinel matches nothing, nor do the matchers that
    LibCST forbids at the top (wildcards, MatchIfTrue)."""
    if isinstance(matcher, (_Wildcard, MatchIfTrue)):
        return _never
    if not isinstance(matcher, BaseMatcherNode):
        raise TypeError(f"memlint.matchers.matches takes a memlint matcher (from memlint import matchers as m), not {matcher!r}")
    inner = _compile_node(matcher)

    def predicate(node: object) -> bool:
        return type(node) is not cst.RemovalSentinel and inner(node)

    return predicate


def _compile_node(matcher: Any) -> Predicate:
    """A matcher standing for one node (at the top, or an element of a sequence): a
    `MaybeSentinel` matches nothing; `OneOf`/`TypeOf` match when an option does, `AllOf` when
    all do (their options are taken as single node matchers)."""
    if isinstance(matcher, (OneOf, TypeOf)):
        options = [_compile_one(option) for option in matcher.options]
        if all(_names_its_class(option) for option in matcher.options):
            names = frozenset(type(option).__name__ for option in matcher.options)
            return lambda node: type(node).__name__ in names and any(option(node) for option in options)
        return lambda node: type(node) is not cst.MaybeSentinel and any(option(node) for option in options)
    if isinstance(matcher, AllOf):
        options = [_compile_one(option) for option in matcher.options]
        return lambda node: type(node) is not cst.MaybeSentinel and all(option(node) for option in options)
    if isinstance(matcher, _Inverse):
        inverted = _compile_one(matcher.matcher)
        return lambda node: type(node) is cst.MaybeSentinel or not inverted(node)
    one = _compile_one(matcher)
    if _names_its_class(matcher):
        return one
    return lambda node: type(node) is not cst.MaybeSentinel and one(node)


def _names_its_class(matcher: Any) -> bool:
    return isinstance(matcher, NodeMatcher)


def _compile_one(matcher: Any) -> Predicate:
    """One node matcher (or MatchIfTrue): the node's class name, then each field given."""
    if isinstance(matcher, MatchIfTrue):
        func = matcher.func
        return lambda node: bool(func(node))
    if isinstance(matcher, _Inverse):
        inverted = _compile_one(matcher.matcher)
        return lambda node: not inverted(node)
    name = type(matcher).__name__
    if not isinstance(matcher, NodeMatcher):
        # What LibCST does with anything else here: compare class names, then fail on
        # its fields (which only a dataclass has).
        def other(node: object) -> bool:
            if type(node).__name__ != name:
                return False
            raise TypeError(f"cannot match {node!r} against {matcher!r}")

        return other
    checks = []
    for field in type(matcher)._fields:  # in the node's order, as LibCST checks them
        check = _compile_attribute(matcher._values.get(field, _DO_NOT_CARE))
        if check is not None:
            checks.append((field, check))
    if not checks:
        return lambda node: type(node).__name__ == name
    if len(checks) == 1:
        ((field, check),) = checks
        return lambda node: type(node).__name__ == name and check(getattr(node, field))

    def node_predicate(node: object) -> bool:
        if type(node).__name__ != name:
            return False
        for field, check in checks:
            if not check(getattr(node, field)):
                return False
        return True

    return node_predicate


def _compile_attribute(desired: Any) -> Optional[Predicate]:
    """A matcher standing for a node's attribute value; None when it accepts anything.

    Literals compare (strings by equality, bools and None by identity). A value that is a
    sequence (a tuple of nodes, or a string) matches a sequence matcher, a `OneOf` through its
    first `MatchIfTrue` or any sequence option before it, an `AllOf` of sequences; anything else
    is matched as a node."""
    if isinstance(desired, DoNotCareSentinel):
        return None
    if isinstance(desired, _Inverse):
        inverted = _compile_attribute(desired.matcher)
        return _never if inverted is None else lambda value: not inverted(value)
    if isinstance(desired, MatchIfTrue):
        func = desired.func
        return lambda value: bool(func(value))
    if desired is None:
        return lambda value: value is None
    if isinstance(desired, str):
        return lambda value: value == desired
    if isinstance(desired, bool):
        return lambda value: value is desired
    node = _compile_node(desired)
    if isinstance(desired, NodeMatcher):
        return node  # a sequence is never of a node's class
    as_sequence = _compile_sequence_attribute(desired)
    return lambda value: as_sequence(value) if _is_sequence(value) else node(value)


def _compile_sequence_attribute(desired: Any) -> Predicate:
    if isinstance(desired, OneOf):
        options: List[Predicate] = []
        for option in desired.options:
            if isinstance(option, MatchIfTrue):
                func = option.func
                options.append(lambda value, func=func: bool(func(value)))
                break  # LibCST answers with the first MatchIfTrue
            if _is_sequence(option):
                options.append(_compile_sequence(option))
        return lambda value: any(option(value) for option in options)
    if isinstance(desired, AllOf):
        if not all(_is_sequence(option) for option in desired.options):
            return _never
        options = [_compile_sequence(option) for option in desired.options]
        return lambda value: all(option(value) for option in options)
    if _is_sequence(desired):
        return _compile_sequence(desired)
    return _never


_ONE, _NODE, _AT_LEAST, _AT_MOST = range(4)


def _compile_sequence(elements: Sequence[Any]) -> Predicate:
    """A sequence of element matchers: each element matcher stands for one element (DoNotCare
    for any one), a wildcard for a run of elements."""
    steps: List[Tuple[int, int, Optional[Predicate]]] = []
    for element in elements:
        if isinstance(element, DoNotCareSentinel):
            steps.append((_ONE, 1, None))
        elif isinstance(element, _Wildcard):
            steps.append((_AT_LEAST if isinstance(element, AtLeastN) else _AT_MOST, element.n, _compile_attribute(element.matcher)))
        else:
            steps.append((_NODE, 1, _compile_node(element)))
    count = len(steps)
    if all(kind != _AT_LEAST and kind != _AT_MOST for kind, _, _ in steps):
        fixed = [(index, check) for index, (_, _, check) in enumerate(steps) if check is not None]

        def fixed_length(value: Sequence[Any]) -> bool:
            if len(value) != count:
                return False
            for index, check in fixed:
                if not check(value[index]):
                    return False
            return True

        return fixed_length

    def with_wildcards(value: Sequence[Any]) -> bool:
        # States: (step, how many the wildcard at that step still needs (AtLeastN) or may
        # still take (AtMostN)). A wildcard that may end also lets the next step start.
        states = _closure(steps, {(0, steps[0][1])} if steps else {(0, 0)})
        for item in value:
            following = set()
            for index, left in states:
                if index == count:
                    continue
                kind, _, check = steps[index]
                if kind == _ONE or kind == _NODE:
                    if check is None or check(item):
                        following.add((index + 1, steps[index + 1][1] if index + 1 < count else 0))
                elif kind == _AT_MOST:
                    if left > 0 and (check is None or check(item)):
                        following.add((index, left - 1))
                elif check is None or check(item):
                    following.add((index, max(left - 1, 0)))
            if not following:
                return False
            states = _closure(steps, following)
        return any(index == count for index, _ in states)

    return with_wildcards


def _closure(steps: List[Tuple[int, int, Optional[Predicate]]], states: Any) -> Any:
    """Add the states reached by ending a wildcard that may end (AtMostN always, AtLeastN
    once it has taken its n)."""
    count = len(steps)
    pending = list(states)
    reached = set(states)
    while pending:
        index, left = pending.pop()
        if index == count:
            continue
        kind = steps[index][0]
        if kind == _AT_MOST or (kind == _AT_LEAST and left == 0):
            following = (index + 1, steps[index + 1][1] if index + 1 < count else 0)
            if following not in reached:
                reached.add(following)
                pending.append(following)
    return reached
