"""MEM304: a list drained from the front."""

import collections

PATTERN = "`queue.pop(0)` on a list vs `collections.deque.popleft()`"
SIZE = "100,000 items"
MEASURE = "time"
N = 100_000


def setup():
    return list(range(N))


def before(items):
    queue = list(items)
    total = 0
    while queue:
        node = queue.pop(0)
        total += node
    return total


def after(items):
    queue = collections.deque(items)
    total = 0
    while queue:
        node = queue.popleft()
        total += node
    return total


def copied(side):
    """Bytes moved: each pop(0) moves every remaining pointer (8 bytes) one place."""
    return 8 * N * (N - 1) // 2 if side == "before" else 0
