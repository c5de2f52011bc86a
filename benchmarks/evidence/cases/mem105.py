"""MEM105: len() of a list built only to be counted."""

PATTERN = "`len([x for x in data if x > 0])` vs `sum(1 for x in data if x > 0)`"
SIZE = "1,000,000 floats"


# Built at import, before anything is measured; named so that the lint sees its size (the
# data-sized evidence MEM105 requires).
DATA = [float(i + 1) for i in range(1_000_000)]


def setup():
    return DATA


def before(data):
    return len([x for x in DATA if x > 0])


def after(data):
    return sum(1 for x in DATA if x > 0)
