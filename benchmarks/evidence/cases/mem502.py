"""MEM502: a whole file read, then unpickled."""

import pickle

from common import scratch

PATTERN = "`pickle.loads(f.read())` vs `pickle.load(f)`"
SIZE = "list of 2,000,000 floats (18 MB pickled)"


def setup():
    path = scratch("mem502.pkl")
    with open(path, "wb") as f:
        pickle.dump([float(i) for i in range(2_000_000)], f)
    return path


def before(path):
    with open(path, 'rb') as f:
        state = pickle.loads(f.read())
    return state


def after(path):
    with open(path, 'rb') as f:
        state = pickle.load(f)
    return state
