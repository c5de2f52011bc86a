"""benchmarks/speed.py runs (a smoke run on 3 files, one round): it is a measurement, not a
test of speed -- no figure is asserted, only that every row and target is reported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "speed.py"


def test_the_speed_script_runs_on_three_files(tmp_path):
    numeric = tmp_path / "numeric"
    numeric.mkdir()
    for number in range(4):
        (numeric / f"m{number}.py").write_text(f"import numpy as np\nx{number} = np.zeros(3)\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--limit", "3", "--rounds", "1", "--tools", "memlint,flake8",
         "--numeric-root", str(numeric), "--numeric-every", "1"],
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert out.count("### corpus ") == 2
    assert "### corpus stdlib: 3 files" in out and "### corpus numeric: 3 files" in out
    for row in (
        "| floor: libcst.parse_module, 2 processes |",
        "| ast.parse, 1 process |",
        "| memlint cold (--no-cache --jobs 2) |",
        "| memlint warm (cache, nothing changed, --jobs 2) |",
        "| one file: memlint --no-cache --force-exclude |",
        "| flake8 --select C4,B -j 2 |",
        "| one file: flake8 --select C4,B |",
        "| cold ≤ 0.5 × parse floor |",
        "| cold ≤ 0.8 × parse floor |",
        "| peak RSS per worker ≤ 1.5 × floor's |",
    ):
        assert row in out, row


def test_an_unknown_corpus_is_a_usage_error():
    proc = subprocess.run([sys.executable, str(SCRIPT), "--corpus", "nope"], capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert "unknown corpus: nope (choose from stdlib, numeric)" in proc.stderr
