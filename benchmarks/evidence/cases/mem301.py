"""MEM301: numpy.append in a loop."""

import numpy as np

PATTERN = "`result = np.append(result, x)` per item vs one `np.concatenate` of the pieces"
SIZE = "20,000 appends of one float"
MEASURE = "time"
REQUIRES = ("numpy",)
N = 20_000


def setup():
    return [np.full(1, float(i)) for i in range(N)]


def process(chunk):
    return chunk * 2


def before(chunks):
    result = np.empty(0)
    for chunk in chunks:
        result = np.append(result, process(chunk))
    return result


def after(chunks):
    pieces = [process(chunk) for chunk in chunks]
    result = np.concatenate(pieces)
    return result


def copied(side):
    """Bytes copied: every append copies the whole result so far (8 bytes per float)."""
    return 8 * N * (N + 1) // 2 if side == "before" else 8 * N
