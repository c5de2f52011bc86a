"""`libcst.matchers.matches` behind a cheap necessary condition, for matchers run on every node.

`m.matches` costs 10-30 microseconds even when the node's type alone rules the match out (it
builds a metadata fetcher, walks the matcher's dataclass fields and merges capture dicts): the
rules' guards in `visit_Call` and friends spent as much time in it as LibCST spends parsing.
`matches(node, MATCHER)` answers the same, but first runs a check compiled once from the
matcher, which reads only what is certain to decide a non-match:

- a node matcher needs the node's class name (the test `m.matches` itself makes first);
- a string, bool or None field value needs that exact value;
- a sequence of element matchers needs that many elements (at least the fixed ones before any
  wildcard), each element checked the same way;
- `a | b` (OneOf) needs one of its options; AllOf needs all of them;
- anything else (MatchIfTrue, MatchRegex, metadata, DoesNotMatch, SaveMatchedNode, TypeOf,
  wildcards) constrains nothing in the check and is left to `m.matches`.

Only when the check passes does `m.matches` run, so the answer is `m.matches`'s own.
`tests/core/test_matching.py` compares the two over every node of real modules.

Use it for module-level matchers (the checks are cached by the matcher's identity).
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, Dict, List, Optional, Tuple

import libcst.matchers as m
from libcst.matchers._matcher_base import DoNotCareSentinel

Check = Callable[[Any], bool]

_CACHE_LIMIT = 4096  # a matcher built inline at each call gets a new identity: stay bounded
_CHECKS: Dict[int, Tuple[object, Optional[Check]]] = {}


def matches(node: object, matcher: Any) -> bool:
    """Exactly `libcst.matchers.matches(node, matcher)`, but cheap when the node cannot match."""
    entry = _CHECKS.get(id(matcher))
    if entry is None or entry[0] is not matcher:
        if len(_CHECKS) >= _CACHE_LIMIT:
            _CHECKS.clear()
        entry = (matcher, necessary_check(matcher))
        _CHECKS[id(matcher)] = entry
    check = entry[1]
    if check is not None and not check(node):
        return False
    return m.matches(node, matcher)  # type: ignore[arg-type]


def necessary_check(matcher: Any) -> Optional[Check]:
    """A predicate every value `matcher` matches satisfies; None when it cannot tell."""
    if matcher is None:
        return _is_none
    if isinstance(matcher, bool):
        return (lambda value: value is True) if matcher else (lambda value: value is False)
    if isinstance(matcher, str):
        return lambda value: value == matcher
    if isinstance(matcher, (list, tuple)):
        return _sequence_check(matcher)
    if isinstance(matcher, m.OneOf):
        return _one_of(list(matcher.options))
    if isinstance(matcher, m.AllOf):
        checks = [check for check in map(necessary_check, matcher.options) if check is not None]
        if not checks:
            return None
        return lambda value: all(check(value) for check in checks)
    if isinstance(matcher, m.BaseMatcherNode) and dataclasses.is_dataclass(matcher) and not isinstance(matcher, m.TypeOf):
        return _node_check(matcher)
    return None


def _is_none(value: object) -> bool:
    return value is None


def _node_check(matcher: Any) -> Check:
    name = type(matcher).__name__
    fields: List[Tuple[str, Check]] = []
    for field in dataclasses.fields(matcher):
        if field.name in ("metadata", "_metadata"):
            continue
        desired = getattr(matcher, field.name)
        if isinstance(desired, DoNotCareSentinel):
            continue
        check = necessary_check(desired)
        if check is not None:
            fields.append((field.name, check))
    if not fields:
        return lambda value: type(value).__name__ == name

    def check(value: object) -> bool:
        if type(value).__name__ != name:
            return False
        for field_name, field_check in fields:
            if not field_check(getattr(value, field_name)):
                return False
        return True

    return check


def _one_of(options: List[Any]) -> Optional[Check]:
    checks = [necessary_check(option) for option in options]
    if any(check is None for check in checks):
        return None
    if all(_is_bare_node(option) for option in options):
        names = frozenset(type(option).__name__ for option in options)
        return lambda value: type(value).__name__ in names
    return lambda value: any(check(value) for check in checks)  # type: ignore[misc]


def _is_bare_node(matcher: Any) -> bool:
    """A node matcher that constrains nothing but the type, like `m.Name()`."""
    if not (isinstance(matcher, m.BaseMatcherNode) and dataclasses.is_dataclass(matcher)):
        return False
    if isinstance(matcher, (m.OneOf, m.AllOf, m.TypeOf)):
        return False
    return all(
        isinstance(getattr(matcher, field.name), DoNotCareSentinel)
        for field in dataclasses.fields(matcher)
        if field.name not in ("metadata", "_metadata")
    )


def _sequence_check(elements: Any) -> Check:
    """Each element matcher that is not a wildcard stands for exactly one element; after the
    first wildcard (or saved group) the count and positions are no longer fixed."""
    fixed: List[Optional[Check]] = []
    exact = True
    for element in elements:
        if isinstance(element, (m.AtLeastN, m.AtMostN)) or not _one_element(element):
            exact = False
            break
        fixed.append(None if isinstance(element, DoNotCareSentinel) else necessary_check(element))
    count = len(fixed)
    positioned = [(index, check) for index, check in enumerate(fixed) if check is not None]

    def check(value: object) -> bool:
        if type(value) is not tuple and type(value) is not list:
            return True  # not a sequence: leave it to m.matches
        if (len(value) != count) if exact else (len(value) < count):  # type: ignore[arg-type]
            return False
        for index, element_check in positioned:
            if not element_check(value[index]):  # type: ignore[index]
                return False
        return True

    return check


def _one_element(element: Any) -> bool:
    """Does this element of a sequence matcher match exactly one element?"""
    if isinstance(element, DoNotCareSentinel):
        return True
    if isinstance(element, (m.OneOf, m.AllOf)):
        return all(_one_element(option) for option in element.options)
    return isinstance(element, m.BaseMatcherNode) and dataclasses.is_dataclass(element) and not isinstance(element, m.TypeOf)
