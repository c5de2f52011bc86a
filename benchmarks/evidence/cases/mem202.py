"""MEM202: a helper nested in a recursive function."""

import sys

PATTERN = "recursive `walk` defining `double` inside vs `double` at module level"
SIZE = "recursion 5,000 levels deep"


def setup():
    sys.setrecursionlimit(20_000)
    return 5_000


def walk_before(n):
    def double(x):
        return x * 2
    return double(n) + walk_before(n - 1) if n > 0 else 0


def double_after(x):
    return x * 2


def walk_after(n):
    return double_after(n) + walk_after(n - 1) if n > 0 else 0


def before(n):
    return walk_before(n)


def after(n):
    return walk_after(n)
