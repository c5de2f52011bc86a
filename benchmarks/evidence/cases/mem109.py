"""MEM109: a loop over a slice of a list."""

import itertools

PATTERN = "`for line in lines[1:]` vs `for line in itertools.islice(lines, 1, None)`"
SIZE = "list of 1,000,000 strings"


# Built at import, before anything is measured; named so that the lint sees its size (the
# data-sized evidence MEM109 requires).
LINES = [f"line {i}" for i in range(1_000_000)]


def setup():
    return LINES


def before(lines: list):
    count = 0
    for line in LINES[1:]:
        count += len(line)
    return count


def after(lines: list):
    count = 0
    for line in itertools.islice(LINES, 1, None):
        count += len(line)
    return count
