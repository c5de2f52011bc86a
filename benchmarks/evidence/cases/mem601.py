"""MEM601: functools.lru_cache on a method keeps every instance alive."""

import functools

PATTERN = "`@functools.lru_cache` on a method vs a cache dict on the instance"
SIZE = "20 throw-away instances holding 1 MB each"


class ModelBefore:
    def __init__(self):
        self.payload = bytearray(1_000_000)

    @functools.lru_cache(maxsize=None)
    def predict(self, x):
        return x + len(self.payload)


class ModelAfter:
    def __init__(self):
        self.payload = bytearray(1_000_000)
        self._predictions = {}

    def predict(self, x):
        if x not in self._predictions:
            self._predictions[x] = x + len(self.payload)
        return self._predictions[x]


def setup():
    return 20


def before(n):
    for _ in range(n):
        ModelBefore().predict(1)


def after(n):
    for _ in range(n):
        ModelAfter().predict(1)
