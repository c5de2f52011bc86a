"""Every installed Python file, every rule: bounded runs of benchmarks/corpus.py and
benchmarks/fix_safety.py (the standard library and this environment's site-packages, every Nth
file). The full runs, documented in the README's development section:

    python benchmarks/corpus.py [more site-packages ...]
    python benchmarks/fix_safety.py [more site-packages ...]
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
CORPUS_EVERY = 3  # about 1,300 files in CI: a minute or two on 2 cores
FIX_EVERY = 10


def run_script(name, tmp_path, *args):
    report = tmp_path / f"{name}.json"
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / f"{name}.py"), "--jobs", "2", "--json", str(report), *args],
        capture_output=True, text=True, timeout=1200,
    )
    assert report.exists(), done.stdout + done.stderr
    return done, json.loads(report.read_text())


@pytest.mark.slow
def test_corpus_lints_without_internal_errors(tmp_path):
    done, figures = run_script("corpus", tmp_path, "--every", str(CORPUS_EVERY))
    assert figures["internal_errors"] == [], done.stdout
    assert done.returncode == 0
    assert figures["files"] > 500  # the standard library alone has well over 1,500 files
    assert figures["linted"] + sum(figures["mem000"].values()) == figures["files"]
    # Every MEM000 has a reason, and it is one of the reasons memlint gives.
    for reason in figures["mem000"]:
        assert reason.startswith((
            "syntax error: ", "bad encoding declaration: ", "file is not valid ", "file contains a NUL byte",
            "file is too large to lint", "too deeply nested", "LibCST cannot parse this file",
            "cannot read file: ", "could not be parsed: ",
        )), reason


@pytest.mark.slow
def test_fixes_at_scale_compile_and_are_stable(tmp_path):
    done, figures = run_script("fix_safety", tmp_path, "--every", str(FIX_EVERY))
    assert figures["changed_files_not_compiling"] == [], done.stdout
    assert (figures["second_run_fixes"], figures["second_run_changed_files"]) == (0, []), done.stdout
    assert figures["internal_errors"] == [], done.stdout
    assert figures["files"] > 100
    assert done.returncode == 0
