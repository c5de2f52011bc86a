"""One vocabulary of method effects, and the side effects visible in an expression.

The mutating methods of the builtin containers are *derived from the types themselves*: what
`dir()` gives on `list`, `dict`, `set`, `bytearray` and `collections.deque` beyond their immutable
counterparts (`tuple`, `types.MappingProxyType`, `frozenset`, `bytes`, `tuple`), minus the few
extra names that do not mutate (`copy`, `fromkeys`, `maxlen`, `__reversed__`). What the types
cannot tell is kept here as short, documented data:

- `OTHER_MUTATING`: mutators of other standard objects a rule meets on unknown receivers
  (queues, generators, files, `OrderedDict.move_to_end`);
- `ADDING_METHODS`, `REMOVING_METHODS`, `REORDERING_METHODS`: which way each derived mutator
  changes a container (a test fails when Python adds a mutator that is not classified);
- `STORING_METHODS`: the methods that keep their argument (the adding ones, queue puts, and the
  conventional registration names `push`, `register`, `connect`);
- `PURE_METHODS`: the public methods of the immutable types (`str`, `bytes`, `tuple`,
  `frozenset`, `MappingProxyType`) plus the non-mutating extras: calling one never changes its
  receiver.

A method name outside these tables is *unseen code*: it may do anything
(see `usage.unseen_code_may_change`).
"""

from __future__ import annotations

import collections
import types
from typing import FrozenSet, Iterable, Tuple

import libcst as cst
from memlint import matchers as m
from memlint.traversal import findall

MUTABLE_COUNTERPARTS: Tuple[Tuple[type, type], ...] = (
    (list, tuple),
    (dict, types.MappingProxyType),
    (set, frozenset),
    (bytearray, bytes),
    (collections.deque, tuple),
)
# What dir() gives beyond the immutable counterpart but does not change the receiver.
NON_MUTATING_EXTRAS: FrozenSet[str] = frozenset({"copy", "fromkeys", "maxlen", "__reversed__", "__class_getitem__"})


def _beyond(mutable: type, immutable: type) -> FrozenSet[str]:
    """Public methods and in-place dunders of `mutable` that `immutable` lacks."""
    extra = set(dir(mutable)) - set(dir(immutable))
    return frozenset(name for name in extra if not name.startswith("__") or name.startswith(("__set", "__del", "__i")))


def _public(kinds: Iterable[type]) -> FrozenSet[str]:
    return frozenset(name for kind in kinds for name in dir(kind) if not name.startswith("_"))


DERIVED_MUTATING: FrozenSet[str] = frozenset().union(*(_beyond(a, b) for a, b in MUTABLE_COUNTERPARTS)) - NON_MUTATING_EXTRAS
OTHER_MUTATING: FrozenSet[str] = frozenset(
    {
        "put", "put_nowait",  # queue.Queue, asyncio.Queue
        "send", "throw", "close",  # generators and coroutines advance or finish
        "write", "writelines", "truncate", "seek",  # files
        "move_to_end",  # collections.OrderedDict
    }
)
# Methods that mutate their receiver (or advance an iterator): code calling them inside a
# comprehension depends on every element being evaluated.
MUTATING_METHODS: FrozenSet[str] = DERIVED_MUTATING | OTHER_MUTATING

ADDING_METHODS: FrozenSet[str] = frozenset(
    {
        "append", "appendleft", "extend", "extendleft", "insert", "add", "update", "setdefault",
        "__setitem__", "__iadd__", "__imul__", "__ior__", "__ixor__", "symmetric_difference_update",
    }
)
REMOVING_METHODS: FrozenSet[str] = frozenset(
    {
        "pop", "popitem", "popleft", "clear", "remove", "discard", "__delitem__",
        "difference_update", "intersection_update", "__isub__", "__iand__",
    }
)
REORDERING_METHODS: FrozenSet[str] = frozenset({"sort", "reverse", "rotate", "move_to_end"})
STORING_METHODS: FrozenSet[str] = ADDING_METHODS | frozenset({"put", "put_nowait", "push", "register", "connect"})
PURE_METHODS: FrozenSet[str] = (
    _public((str, bytes, tuple, frozenset, types.MappingProxyType)) | NON_MUTATING_EXTRAS
) - MUTATING_METHODS

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
