"""MEM103: a loop over f.readlines()."""

from common import lines_file

PATTERN = "`for line in f.readlines()` vs `for line in f`"
SIZE = "1,000,000-line file (24 MB)"


def setup():
    return lines_file(1_000_000)


def before(path):
    count = 0
    with open(path) as f:
        for line in f.readlines():
            count += len(line)
    return count


def after(path):
    count = 0
    with open(path) as f:
        for line in f:
            count += len(line)
    return count
