"""MEM401: an array name rebound to a new large array in a loop."""

import numpy as np

PATTERN = "`a = np.random.rand(n)` in a loop vs `del a` before the assignment"
SIZE = "4,000,000 float64 (32 MB), 3 steps"
REQUIRES = ("numpy",)


N = 4_000_000  # stated in the code: the data-sized evidence MEM401 requires


def setup():
    return N


def use(a):
    return float(a[0])


def before(n, steps=3):
    a = np.zeros(N)
    for _ in range(steps):
        a = np.random.rand(N)
        use(a)


def after(n, steps=3):
    a = np.zeros(N)
    for _ in range(steps):
        del a
        a = np.random.rand(N)
        use(a)
