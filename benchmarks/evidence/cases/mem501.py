"""MEM501: a whole serialized payload built, then written."""

import pickle

from common import scratch

PATTERN = "`f.write(pickle.dumps(model, protocol=5))` vs `pickle.dump(model, f, protocol=5)`"
SIZE = "list of 2,000,000 floats (18 MB pickled)"


def setup():
    return [float(i) for i in range(2_000_000)], scratch("mem501.pkl")


def before(state):
    model, path = state
    with open(path, 'wb') as f:
        f.write(pickle.dumps(model, protocol=5))


def after(state):
    model, path = state
    with open(path, 'wb') as f:
        pickle.dump(model, f, protocol=5)
