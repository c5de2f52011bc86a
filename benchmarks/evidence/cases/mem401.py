"""MEM401: an array name rebound to a new large array in a loop."""

import numpy as np

PATTERN = "`a = np.random.rand(n)` in a loop vs `del a` before the assignment"
SIZE = "4,000,000 float64 (32 MB), 3 steps"
REQUIRES = ("numpy",)


def setup():
    return 4_000_000


def use(a):
    return float(a[0])


def before(n, steps=3):
    a = np.zeros(n)
    for _ in range(steps):
        a = np.random.rand(n)
        use(a)


def after(n, steps=3):
    a = np.zeros(n)
    for _ in range(steps):
        del a
        a = np.random.rand(n)
        use(a)
