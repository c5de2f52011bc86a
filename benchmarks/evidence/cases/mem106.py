"""MEM106: a whole copy made to read its first element."""

PATTERN = "`list(mapping)[0]` vs `next(iter(mapping))`"
SIZE = "dict of 1,000,000 keys"


def setup():
    return dict.fromkeys(range(1_000_000))


def before(mapping):
    first = list(mapping)[0]
    return first


def after(mapping):
    first = next(iter(mapping))
    return first
