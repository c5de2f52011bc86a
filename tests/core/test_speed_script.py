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


BOUNDS = SCRIPT.with_name("speed_bounds.py")


def test_the_bounds_script_runs_on_three_files():
    proc = subprocess.run(
        [sys.executable, str(BOUNDS), "--limit", "3"], capture_output=True, text=True, timeout=600, check=False
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert out.startswith("corpus stdlib: 3 files, ")
    for row in ("| floor: LibCST parse of every file | ", "| CPython's parse of every file | ", "| **sum: the lower bound** | "):
        assert row in out, row
    kept = [int(line.rsplit("|", 2)[1].strip().rstrip("%")) for line in out.splitlines() if line[:4] in ("| L1", "| L2", "| L3")]
    assert len(kept) == 3 and kept == sorted(kept) and kept[-1] <= 100, kept  # each level keeps more


def _bounds_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("speed_bounds", BOUNDS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_stubbed_copy_keeps_every_kept_line_in_place():
    import ast

    bounds = _bounds_module()
    text = (
        "import os\r\n"
        "@decorator(\r\n    1)\r\n"
        "def helper(x):\r\n    return [x] * 3\r\n"
        "class Box(Base):\r\n    size = 3\r\n\r\n    def grow(self):\r\n        return helper(self)\r\n"
        "async def fetch():\r\n    await thing()\r\n"
        "def unused():\r\n    return 1\r\n"
        "ITEMS = [Box()]\r\n"
    )
    tree = ast.parse(text)
    keep = bounds.kept(tree, {2}, 2)  # the class is anchored; it names `helper`; `ITEMS = ...` is kept
    assert keep == {0, 1, 2, 5}
    copy = bounds.stubbed(text, tree, keep)
    assert copy.count("\r\n") == text.count("\r\n")
    stubbed_tree = ast.parse(copy)
    for index, (before, after) in enumerate(zip(tree.body, stubbed_tree.body)):
        assert (type(before), getattr(before, "name", None), before.lineno) == (type(after), getattr(after, "name", None), after.lineno)
        if index in keep:
            assert ast.dump(before, include_attributes=True) == ast.dump(after, include_attributes=True)
    assert "async def fetch(): pass\r\n" in copy and "def unused(): pass\r\n" in copy
    assert bounds.kept(tree, set(), 1) == {0, 5} and bounds.kept(tree, set(), 3) == {0, 2, 1, 5}
