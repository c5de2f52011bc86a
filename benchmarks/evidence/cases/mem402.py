"""MEM402: an array updated out of place in a loop."""

import numpy as np

PATTERN = "`a = a * decay + step` vs `a *= decay; a += step`"
SIZE = "4,000,000 float64 (32 MB), 3 steps"
REQUIRES = ("numpy",)


def setup():
    return 4_000_000


def before(n, decay=0.5):
    a = np.zeros(n)
    for step in range(3):
        a = a * decay + step
    return float(a[0])


def after(n, decay=0.5):
    a = np.zeros(n)
    for step in range(3):
        a *= decay
        a += step
    return float(a[0])
