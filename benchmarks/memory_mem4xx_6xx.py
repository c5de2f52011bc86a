"""Peak-memory evidence for the MEM4xx-MEM6xx rules (tracemalloc; the figures quoted in their docs).

    python benchmarks/memory_mem4xx_6xx.py        # needs numpy

Each case runs the flagged form and the suggested form and prints the peak memory each adds
on top of what existed before, in MB (10**6 bytes).
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import io
import json
import marshal
import os
import pickle
import sys
import tempfile
import tracemalloc
from typing import Any, Callable, List, Tuple

import numpy as np

N = 4_000_000  # float64: 32 MB


def peak(func: Callable[[], Any]) -> float:
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    func()
    result = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return result / 1e6


def retained(func: Callable[[], Any], collect: bool = True) -> float:
    """Memory still allocated after `func` returns (after a full collection when `collect`)."""
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    keep = func()
    if collect:
        gc.collect()
    result = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    del keep
    return result / 1e6


def mem401_rebind() -> None:
    a = np.ones(N)
    for _ in range(3):
        a = np.ones(N)  # noqa: MEM401 - the flagged form, measured
    del a


def mem401_del() -> None:
    a = np.ones(N)
    for _ in range(3):
        del a
        a = np.ones(N)
    del a


def mem402_chain(a: np.ndarray) -> None:
    for _ in range(2):
        a = a * 2 + 1  # noqa: MEM402 - the flagged form, measured


def mem402_inplace(a: np.ndarray) -> None:
    for _ in range(2):
        a *= 2
        a += 1


def mem403_dead() -> None:
    raw = np.ones(N)
    mean = raw.mean()  # noqa: MEM403 - the flagged form, measured
    for _ in range(1):
        np.full(N, mean).sum()


def mem403_del() -> None:
    raw = np.ones(N)
    mean = raw.mean()
    del raw
    for _ in range(1):
        np.full(N, mean).sum()


def cases(path: str) -> List[Tuple[str, Callable[[], Any], Callable[[], Any]]]:
    data = [float(i) for i in range(2_000_000)]
    strings = [f"item-{i}" for i in range(1_000_000)]

    def dumps_write() -> None:
        with open(path, "wb") as f:
            f.write(pickle.dumps(data))  # noqa: MEM501 - the flagged form, measured

    def dump() -> None:
        with open(path, "wb") as f:
            pickle.dump(data, f)

    def json_dumps_write() -> None:
        with open(path, "w") as f:
            f.write(json.dumps(data))  # noqa: MEM501 - the flagged form, measured

    def json_dump() -> None:
        with open(path, "w") as f:
            json.dump(data, f)

    with open(path + ".pkl", "wb") as f:
        pickle.dump(data, f)  # noqa: MEM503 - setup: the input file

    def loads_read() -> Any:
        with open(path + ".pkl", "rb") as f:
            return pickle.loads(f.read())  # noqa: MEM502 - the flagged form, measured

    def load() -> Any:
        with open(path + ".pkl", "rb") as f:
            return pickle.load(f)

    def marshal_dumps_write() -> None:
        with open(path, "wb") as f:
            f.write(marshal.dumps(data))

    def marshal_dump() -> None:
        with open(path, "wb") as f:
            marshal.dump(data, f)

    with open(path + ".marshal", "wb") as f:
        marshal.dump(data, f)

    def marshal_loads_read() -> Any:
        with open(path + ".marshal", "rb") as f:
            return marshal.loads(f.read())  # noqa: MEM502 - the flagged form, measured

    def marshal_load() -> Any:
        with open(path + ".marshal", "rb") as f:
            return marshal.load(f)

    def pickle_strings() -> None:
        with open(path, "wb") as f:
            pickle.dump(strings, f)  # noqa: MEM503 - the flagged form, measured

    def pickle_fast() -> None:
        with open(path, "wb") as f:
            pickler = pickle.Pickler(f)
            pickler.fast = True
            pickler.dump(strings)

    a = np.ones(N)
    b = np.ones(N)
    return [
        ("MEM401 a = np.ones(n) in a loop", mem401_rebind, mem401_del),
        ("MEM402 a = a * 2 + 1 in a loop", lambda: mem402_chain(a), lambda: mem402_inplace(b)),
        ("MEM403 dead array before a loop", mem403_dead, mem403_del),
        ("MEM501 f.write(pickle.dumps(2M floats))", dumps_write, dump),
        ("MEM501 f.write(json.dumps(2M floats))", json_dumps_write, json_dump),
        ("MEM502 pickle.loads(f.read()) 2M floats", loads_read, load),
        ("MEM501 (not flagged) marshal.dumps vs dump", marshal_dumps_write, marshal_dump),
        ("MEM502 marshal.loads(f.read()) 2M floats", marshal_loads_read, marshal_load),
        ("MEM503 pickle.dump(1M strings) memo", pickle_strings, pickle_fast),
    ]


class Holder:
    def __init__(self) -> None:
        self.payload = bytearray(1_000_000)

    @functools.lru_cache(maxsize=None)  # noqa: MEM601 - the flagged form, measured
    def cached(self, key: int) -> int:
        return key


def mem601() -> Any:
    for _ in range(20):
        Holder().cached(1)


def mem602(maxsize: Any) -> Any:
    @functools.lru_cache(maxsize=maxsize)
    def label(key: int) -> str:
        return "x" * 100 + str(key)

    for key in range(100_000):
        label(key)
    return label


def mem603(item: int, bucket: list = []) -> list:  # noqa: MEM603 - the flagged form, measured
    bucket.append(bytearray(1000))
    return bucket


def mem604_store() -> Any:
    class Job:
        error: Any = None

    def work() -> None:
        big = bytearray(10_000_000)  # noqa: F841 - a local pinned by the traceback
        raise ValueError("boom")

    job = Job()
    try:
        work()
    except ValueError as exc:
        job.error = exc  # noqa: MEM604 - the flagged form, measured
    return job


def mem605_cycle() -> None:
    def f() -> None:
        big = bytearray(10_000_000)  # noqa: F841
        frame = sys._getframe()  # noqa: MEM605 - the flagged form, measured
        _ = frame

    for _ in range(5):
        f()


@dataclasses.dataclass
class Point:
    x: float
    y: float


def mem606() -> Any:
    return [Point(float(i), 0.0) for i in range(100_000)]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "data")
        for title, flagged, suggested in cases(path):
            print(f"{title:45s} flagged +{peak(flagged):7.1f} MB   suggested +{peak(suggested):7.1f} MB")
    print(f"{'MEM601 20 instances, 1 MB each, lru_cache':45s} retained +{retained(mem601):7.1f} MB")
    Holder.cached.cache_clear()
    print(f"{'MEM602 lru_cache, 100k keys, 100-byte values':45s} maxsize=None +{retained(lambda: mem602(None)):7.1f} MB   maxsize=1024 +{retained(lambda: mem602(1024)):7.1f} MB")
    print(f"{'MEM603 10k calls appending 1 KB':45s} retained +{retained(lambda: [mem603(i) for i in range(10_000)]):7.1f} MB")
    print(f"{'MEM604 stored exception pins 10 MB local':45s} retained +{retained(mem604_store):7.1f} MB")
    gc.disable()
    try:
        print(f"{'MEM605 5 calls, frame cycle, before a gc run':45s} retained +{retained(mem605_cycle, collect=False):7.1f} MB")
    finally:
        gc.enable()
    if sys.version_info >= (3, 10):
        Slotted = dataclasses.dataclass(slots=True)(type("Slotted", (), {"__annotations__": {"x": float, "y": float}}))
        print(f"{'MEM606 100k dataclass instances':45s} dict +{retained(mem606):7.1f} MB   slots +{retained(lambda: [Slotted(float(i), 0.0) for i in range(100_000)]):7.1f} MB")


if __name__ == "__main__":
    main()
