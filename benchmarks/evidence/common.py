"""Helpers the evidence cases share: input files, made once per `run.py` run in its scratch dir."""

from __future__ import annotations

import os
import tempfile


def scratch(name: str) -> str:
    """A path in the scratch directory `run.py` provides (the system temp dir when run alone)."""
    return os.path.join(os.environ.get("MEMLINT_EVIDENCE_TMP") or tempfile.gettempdir(), name)


def lines_file(n: int) -> str:
    """A text file of `n` short lines (about 24 bytes each), written on first use."""
    path = scratch(f"lines-{n}.txt")
    if not os.path.exists(path):
        with open(path + ".part", "w") as handle:
            handle.writelines(f"line {i} of the file\n" for i in range(n))
        os.replace(path + ".part", path)
    return path
