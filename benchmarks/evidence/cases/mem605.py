"""MEM605: a function's own frame kept in a local: a cycle only the collector frees."""

import inspect

PATTERN = "`frame = inspect.currentframe()` in a function with a 10 MB local vs `del frame` in `finally`"
SIZE = "5 calls, 10 MB local each"


def where_before():
    big = bytearray(10_000_000)
    frame = inspect.currentframe()
    return frame.f_code.co_name, len(big)


def where_after():
    big = bytearray(10_000_000)
    frame = inspect.currentframe()
    try:
        return frame.f_code.co_name, len(big)
    finally:
        del frame


def setup():
    return 5


def before(n):
    for _ in range(n):
        where_before()


def after(n):
    for _ in range(n):
        where_after()
