"""MEM403: a large array kept alive, unread, through a loop."""

import numpy as np
from common import scratch

PATTERN = "`raw = np.load(path)` reduced, then a loop, vs `del raw` after its last use"
SIZE = "4,000,000 float64 (32 MB) file, loop allocating 32 MB"
REQUIRES = ("numpy",)


def setup():
    path = scratch("raw-4000000.npy")
    np.save(path, np.ones(4_000_000))
    return path


def process(chunk, mean):
    return float((np.full(4_000_000, mean) * chunk).sum())


def before(path, chunks=range(2)):
    raw = np.load(path)
    mean = raw.mean()
    for chunk in chunks:
        process(chunk, mean)


def after(path, chunks=range(2)):
    raw = np.load(path)
    mean = raw.mean()
    del raw
    for chunk in chunks:
        process(chunk, mean)
