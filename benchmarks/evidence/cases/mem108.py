"""MEM108: numpy.array() of a list comprehension."""

import numpy as np

PATTERN = "`np.array([x * 2 for x in data])` vs `np.fromiter((x * 2 for x in data), dtype=float)`"
SIZE = "1,000,000 floats"
REQUIRES = ("numpy",)


def setup():
    return [float(i) for i in range(1_000_000)]


def before(data):
    values = np.array([x * 2 for x in data])
    return values


def after(data):
    values = np.fromiter((x * 2 for x in data), dtype=float)
    return values
