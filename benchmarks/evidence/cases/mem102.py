"""MEM102: a loop over list(range(n))."""

PATTERN = "`for i in list(range(n))` vs `for i in range(n)`"
SIZE = "n = 1,000,000"


def setup():
    return 1_000_000


def before(n):
    total = 0
    for i in list(range(n)):
        total += i
    return total


def after(n):
    total = 0
    for i in range(n):
        total += i
    return total
