"""Recursive walks: a nested function rebuilt at every level of a recursion (seed 000)."""
import os


def chain_labels(node):
    def label(n):
        return n.name.upper()

    # one level of recursion per node of the chain: one `label` function object per level
    return [] if node is None else [label(node)] + chain_labels(node.next)


def disk_usage(path):
    total = 0
    for entry in os.scandir(path):
        if entry.is_dir(follow_symlinks=False):
            total += disk_usage(entry.path)
        else:
            total += entry.stat(follow_symlinks=False).st_size
    return total


def read_lines(path):
    with open(path) as handle:
        for line in handle.readlines():
            yield line.rstrip("\n")


if __name__ == "__main__":
    print(disk_usage("."))
