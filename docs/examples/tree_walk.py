"""Recursive directory walk: a nested function rebuilt on every call (seed 000)."""
import os


def disk_usage(path):
    def size_of(entry):
        return entry.stat(follow_symlinks=False).st_size

    total = 0
    for entry in os.scandir(path):
        if entry.is_dir(follow_symlinks=False):
            total += disk_usage(entry.path)
        else:
            total += size_of(entry)
    return total


def read_lines(path):
    with open(path) as handle:
        for line in handle.readlines():
            yield line.rstrip("\n")


if __name__ == "__main__":
    print(disk_usage("."))
