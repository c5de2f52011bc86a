"""MEM603: a mutable default argument that grows."""

PATTERN = "`def collect(item, seen=[])` appending vs `seen=None`"
SIZE = "10,000 calls appending 1 KB each"


def collect_before(item, seen=[]):
    seen.append(item)
    return seen


def collect_after(item, seen=None):
    if seen is None:
        seen = []
    seen.append(item)
    return seen


def setup():
    return 10_000


def before(n):
    for _ in range(n):
        collect_before(bytearray(1000))


def after(n):
    for _ in range(n):
        collect_after(bytearray(1000))
