"""MEM203: the same buffer allocated on every iteration."""

import numpy as np

PATTERN = "`acc = np.zeros((h, w))` in the loop vs `np.empty` once and `acc.fill(0)`"
SIZE = "1000 x 1000 float64 (8 MB), 20 frames"
REQUIRES = ("numpy",)


def setup():
    frame = np.ones((1000, 1000))
    return [frame] * 20


def before(frames):
    h, w = frames[0].shape
    totals = []
    for frame in frames:
        acc = np.zeros((h, w))
        np.add(acc, frame, out=acc)
        totals.append(acc.sum())
    return totals


def after(frames):
    h, w = frames[0].shape
    totals = []
    acc = np.empty((h, w))
    for frame in frames:
        acc.fill(0)
        np.add(acc, frame, out=acc)
        totals.append(acc.sum())
    return totals
