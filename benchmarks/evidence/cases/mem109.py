"""MEM109: a loop over a slice of a list."""

import itertools

PATTERN = "`for line in lines[1:]` vs `for line in itertools.islice(lines, 1, None)`"
SIZE = "list of 1,000,000 strings"


def setup():
    return [f"line {i}" for i in range(1_000_000)]


def before(lines: list):
    count = 0
    for line in lines[1:]:
        count += len(line)
    return count


def after(lines: list):
    count = 0
    for line in itertools.islice(lines, 1, None):
        count += len(line)
    return count
