"""MEM101: a list comprehension handed to a reducer."""

PATTERN = "`sum([x * x for x in data])` vs `sum(x * x for x in data)`"
SIZE = "1,000,000 floats"
N = 1_000_000


def setup():
    return [float(i) for i in range(N)]


def before(data):
    return sum([x * x for x in data])


def after(data):
    return sum(x * x for x in data)
