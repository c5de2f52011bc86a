"""MEM305: a list filled by append, then converted to an array."""

import numpy as np

PATTERN = "`values.append(f(i))` then `np.array(values)` vs filling `np.empty(n)` by index"
SIZE = "1,000,000 floats"
REQUIRES = ("numpy",)


def setup():
    return 1_000_000


def f(i):
    return i * 0.5


def before(n):
    values = []
    for i in range(n):
        values.append(f(i))
    arr = np.array(values)
    return arr


def after(n):
    arr = np.empty(n)
    for i in range(n):
        arr[i] = f(i)
    return arr
