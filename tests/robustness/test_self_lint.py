"""memlint lints itself clean, with every rule (preview included, as pyproject.toml selects)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_memlint_lints_its_own_source_clean():
    proc = subprocess.run(
        [sys.executable, "-m", "memlint", "--output-format", "concise", "src/"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout == "All checks passed!\n"
