"""MEM105: len() of a list built only to be counted."""

PATTERN = "`len([x for x in data if x > 0])` vs `sum(1 for x in data if x > 0)`"
SIZE = "1,000,000 floats"


def setup():
    return [float(i + 1) for i in range(1_000_000)]


def before(data):
    return len([x for x in data if x > 0])


def after(data):
    return sum(1 for x in data if x > 0)
