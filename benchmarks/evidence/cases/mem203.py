"""MEM203: the same buffer allocated on every iteration."""

import numpy as np

PATTERN = "`acc = np.zeros((h, w))` in the loop vs `np.empty` once and `acc.fill(0)`"
SIZE = "1000 x 1000 float64 (8 MB), 20 frames"
REQUIRES = ("numpy",)


SHAPE = (1000, 1000)  # stated in the code: the data-sized evidence MEM203 requires


def setup():
    frame = np.ones(SHAPE)
    return [frame] * 20


def before(frames):
    h, w = SHAPE
    totals = []
    for frame in frames:
        acc = np.zeros(SHAPE)
        np.add(acc, frame, out=acc)
        totals.append(acc.sum())
    return totals


def after(frames):
    h, w = SHAPE
    totals = []
    acc = np.empty(SHAPE)
    for frame in frames:
        acc.fill(0)
        np.add(acc, frame, out=acc)
        totals.append(acc.sum())
    return totals
