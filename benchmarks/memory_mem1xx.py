"""Peak-memory evidence for the MEM1xx rules (tracemalloc; the figures quoted in their docs).

    python benchmarks/memory_mem1xx.py        # needs numpy for MEM108

Each case runs the flagged form and the suggested form on the same input and prints the peak
memory each adds on top of the input, in MB (10**6 bytes).
"""

from __future__ import annotations

import itertools
import os
import tempfile
import tracemalloc
from typing import Any, Callable, List, Tuple

N = 1_000_000


def peak(func: Callable[[], Any]) -> float:
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    func()
    result = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return result / 1e6


def loop(iterable: Any) -> None:
    for _ in iterable:
        pass


def cases(path: str, data: List[float]) -> List[Tuple[str, Callable[[], Any], Callable[[], Any]]]:
    def readlines() -> None:
        with open(path) as f:
            loop(f.readlines())

    def file_lines() -> None:
        with open(path) as f:
            loop(f)

    def split_read() -> None:
        with open(path) as f:
            loop(f.read().splitlines())

    def count_list() -> int:
        return len([x for x in data if x > 0])  # noqa: MEM105 - the flagged form, measured

    def first_of_list() -> float:
        return list(x * 2 for x in data)[0]  # noqa: MEM106 - the flagged form, measured

    def sorted_copy() -> List[float]:
        return sorted(list(data))  # noqa: MEM107 - the flagged form, measured

    out = [
        ("MEM102 for i in list(range(n))", lambda: loop(list(range(N))), lambda: loop(range(N))),
        ("MEM103 for line in f.readlines()", readlines, file_lines),
        ("MEM104 for line in f.read().splitlines()", split_read, file_lines),
        ("MEM105 len([x for x in data if x > 0])", count_list, lambda: sum(1 for x in data if x > 0)),
        ("MEM106 list(x * 2 for x in data)[0]", first_of_list, lambda: next(x * 2 for x in data)),
        ("MEM107 sorted(list(data))", sorted_copy, lambda: sorted(data)),
        ("MEM109 for x in data[1:]", lambda: loop(data[1:]), lambda: loop(itertools.islice(data, 1, None))),
    ]
    try:
        import numpy as np
    except ImportError:  # pragma: no cover
        return out
    out.append(
        (
            "MEM108 np.array([x * 2 for x in data])",
            lambda: np.array([x * 2 for x in data]),  # noqa: MEM108 - the flagged form, measured
            lambda: np.fromiter((x * 2 for x in data), dtype=float, count=len(data)),
        )
    )
    return out


def main() -> None:
    data = [float(i) for i in range(N)]
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.writelines(f"line {i} of the file\n" for i in range(N))
    try:
        print(f"n = {N:,} (floats; file of {N:,} lines, {os.path.getsize(handle.name) / 1e6:.0f} MB)")
        for title, flagged, suggested in cases(handle.name, data):
            print(f"{title:45} {peak(flagged):8.1f} MB  vs {peak(suggested):8.3f} MB")
    finally:
        os.unlink(handle.name)


if __name__ == "__main__":
    main()
