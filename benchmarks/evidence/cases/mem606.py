"""MEM606: a data class without __slots__, created by the thousand."""

from dataclasses import dataclass

MIN_PYTHON = (3, 10)

PATTERN = "`@dataclass` vs `@dataclass(slots=True)` (Python 3.10+)"
SIZE = "100,000 instances of two floats"


@dataclass
class PointBefore:
    x: float
    y: float


@dataclass(slots=True)
class PointAfter:
    x: float
    y: float


def setup():
    return [(float(i), 0.0) for i in range(100_000)]


def before(pairs):
    points = [PointBefore(x, y) for x, y in pairs]
    return points


def after(pairs):
    points = [PointAfter(x, y) for x, y in pairs]
    return points
