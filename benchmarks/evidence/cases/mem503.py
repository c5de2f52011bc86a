"""MEM503: a large container pickled with the memo on."""

import pickle

from common import scratch

PATTERN = "`pickle.dump(rows, f)` vs a `Pickler` with `fast = True`"
SIZE = "list of 1,000,000 short strings"


def setup():
    return [f"item-{i}" for i in range(1_000_000)], scratch("mem503.pkl")


def before(state):
    lines, path = state
    rows = [line.strip() for line in lines]
    with open(path, 'wb') as f:
        pickle.dump(rows, f)


def after(state):
    lines, path = state
    rows = [line.strip() for line in lines]
    with open(path, "wb") as f:
        pickler = pickle.Pickler(f)
        pickler.fast = True
        pickler.dump(rows)
