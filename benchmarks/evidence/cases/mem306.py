"""MEM306: lists flattened with `sum(..., [])`."""

PATTERN = "`sum(lists, [])` vs `list(itertools.chain.from_iterable(lists))`"
SIZE = "1,000 lists of 100 ints"
MEASURE = "time"
N = 1_000
K = 100
POINTER = 8


def setup():
    return [list(range(K)) for _ in range(N)]


def before(lists):
    return sum(lists, [])


def after(lists):
    import itertools

    return list(itertools.chain.from_iterable(lists))


def copied(side):
    """Bytes of pointers copied: each `+` copies the running total and the next list into a new
    list; chain copies each pointer once (the list's over-allocation adds a small multiple)."""
    if side == "before":
        return POINTER * K * N * (N + 1) // 2
    return POINTER * K * N
