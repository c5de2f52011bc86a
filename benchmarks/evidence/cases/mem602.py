"""MEM602: a module-level cache that only grows."""

import functools

PATTERN = "module dict `_results[key] = fetch(key)` vs `@functools.lru_cache(maxsize=4096)`"
SIZE = "100,000 distinct keys, 100-byte values"


def fetch(key):
    return "x" * 100 + str(key)


_results_before = {}


def lookup_before(key):
    if key not in _results_before:
        _results_before[key] = fetch(key)
    return _results_before[key]


@functools.lru_cache(maxsize=4096)
def lookup_after(key):
    return fetch(key)


def setup():
    return 100_000


def before(n):
    for key in range(n):
        lookup_before(key)


def after(n):
    for key in range(n):
        lookup_after(key)
