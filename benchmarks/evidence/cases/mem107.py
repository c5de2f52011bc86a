"""MEM107: a copy handed to a function that copies anyway."""

PATTERN = "`sorted(list(names))` vs `sorted(names)`"
SIZE = "1,000,000 strings"


def setup():
    return [f"name-{i}" for i in range(1_000_000)]


def before(names):
    ordered = sorted(list(names))
    return ordered


def after(names):
    ordered = sorted(names)
    return ordered
