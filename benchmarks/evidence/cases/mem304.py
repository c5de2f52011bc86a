"""MEM304: a list drained from the front."""

import collections

PATTERN = "`queue.pop(0)` on a list vs `collections.deque.popleft()`"
SIZE = "100,000 items"
MEASURE = "time"
N = 100_000


# Built at import, before anything is measured; named so that the lint sees its size (the
# data-sized evidence MEM304 requires).
ITEMS = list(range(N))


def setup():
    return ITEMS


def before(items):
    queue = list(ITEMS)
    total = 0
    while queue:
        node = queue.pop(0)
        total += node
    return total


def after(items):
    queue = collections.deque(ITEMS)
    total = 0
    while queue:
        node = queue.popleft()
        total += node
    return total


def copied(side):
    """Bytes moved: each pop(0) moves every remaining pointer (8 bytes) one place."""
    return 8 * N * (N - 1) // 2 if side == "before" else 0
