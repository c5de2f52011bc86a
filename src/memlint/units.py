"""Byte counts for people: "36 MB", "8.4 kB", "640 bytes" (decimal units, one decimal below 10).

Light on purpose (no LibCST): reporters use it on runs served from the cache.
"""

from __future__ import annotations

UNITS = ((10**3, "kB"), (10**6, "MB"), (10**9, "GB"), (10**12, "TB"))


def human_bytes(nbytes: int) -> str:
    """`36_056_000` -> "36 MB", `8_400` -> "8.4 kB": decimal units, one decimal below 10."""
    if nbytes < 1000:
        return "1 byte" if nbytes == 1 else f"{nbytes} bytes"
    for scale, unit in UNITS:
        value = nbytes / scale
        shown = f"{value:.1f}" if value < 9.95 else f"{value:.0f}"
        if float(shown) < 1000 or unit == UNITS[-1][1]:
            return f"{shown} {unit}"
    raise AssertionError(nbytes)  # pragma: no cover - the last unit always returns
