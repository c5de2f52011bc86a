"""Side effects visible in an expression: calls, awaits, yields, walrus, known mutating methods."""

from __future__ import annotations

from typing import FrozenSet

import libcst as cst
import libcst.matchers as m
from memlint.traversal import findall

# Methods that mutate their receiver (or advance an iterator): code calling them inside a
# comprehension depends on every element being evaluated.
MUTATING_METHODS: FrozenSet[str] = frozenset(
    {
        "add", "append", "appendleft", "clear", "discard", "extend", "extendleft", "insert",
        "pop", "popitem", "popleft", "put", "put_nowait", "remove", "send", "setdefault",
        "update", "write", "writelines",
    }
)

ANY_CALL = m.Call()
FULL_EVALUATION = (
    m.NamedExpr()
    | m.Await()
    | m.Yield()
    | m.CompFor(asynchronous=m.Asynchronous())
    | m.Call(func=m.Attribute(attr=m.Name(m.MatchIfTrue(lambda name: name in MUTATING_METHODS))))
)
EFFECTFUL = ANY_CALL | m.NamedExpr() | m.Await() | m.Yield()


def contains(node: cst.CSTNode, matcher: m.BaseMatcherNode) -> bool:
    return bool(findall(node, matcher))


def needs_full_evaluation(node: cst.CSTNode) -> bool:
    """Walrus, await, yield, async comprehension or a known mutating call anywhere in `node`."""
    return contains(node, FULL_EVALUATION)


def has_side_effects(node: cst.CSTNode) -> bool:
    """Any call, await, yield or walrus: evaluating lazily could be observed."""
    return contains(node, EFFECTFUL)
