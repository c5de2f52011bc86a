"""Estimates in findings (message, json, sarif) and the `min-bytes` setting: command line,
`[tool.memlint]`, fixes of hidden findings, and the flake8 plugin's `--memlint-min-bytes`."""

from __future__ import annotations

import json
import re
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

from memlint.analysis.estimates import human_bytes
from memlint.cli import main
from memlint.config import parse_size

SUM = "`sum()` of a list comprehension builds the whole list first; pass a generator expression"
SIZE_ERROR = "must be a size such as 1000000, 500kB, 1MB, 1MiB or 2GB, not"
SMALL = "small = sum([x for x in range(2000)])\n"  # ~65 kB: 2,000 slots and 1,743 uncached ints
BIG = "big = sum([x for x in range(10**6)])\n"  # ~36 MB
UNKNOWN = "other = sum([x for x in data])\n"  # no estimate: always reported
SOURCE = SMALL + BIG + UNKNOWN


def small_bytes() -> int:
    """Computed here the plain way: the list, and every int the small-int cache does not hold."""
    return sys.getsizeof([]) + 2000 * struct.calcsize("P") + sum(sys.getsizeof(v) for v in range(257, 2000))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.memlint]\n", encoding="utf-8")
    (tmp_path / "sizes.py").write_text(SOURCE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> "tuple[int, str, str]":
    code = main(["--select", "MEM101", *args])
    out, err = capsys.readouterr()
    return code, out, err


def findings(capsys: pytest.CaptureFixture[str], *args: str) -> List[Dict[str, Any]]:
    code, out, err = run(capsys, "--output-format", "json", *args)
    assert err == ""
    result = json.loads(out)
    assert code == (1 if result else 0)
    return result


def lines_of(result: List[Dict[str, Any]]) -> List[int]:
    return [f["location"]["row"] for f in result]


# --- the estimate in the finding ----------------------------------------------------------------


def test_json_carries_the_estimate_and_the_message_its_human_form(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    small, big, unknown = findings(capsys, "sizes.py")
    assert small["estimated_bytes"] == small_bytes()
    assert small["message"] == f"{SUM} (a list of 2,000 ints, ~{human_bytes(small_bytes())})"
    assert big["estimated_bytes"] > 30 * 10**6
    assert big["message"] == f"{SUM} (a list of 1,000,000 ints, ~{human_bytes(big['estimated_bytes'])})"
    assert unknown["estimated_bytes"] is None
    assert unknown["message"] == SUM


def test_sarif_carries_the_estimate_as_a_result_property(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--output-format", "sarif", "sizes.py")
    small, _, unknown = json.loads(out)["runs"][0]["results"]
    assert small["properties"] == {"estimated_bytes": small_bytes()}
    assert "properties" not in unknown
    assert code == 1


def test_concise_output_shows_the_human_form(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "--output-format", "concise", "sizes.py")
    assert out.splitlines()[0] == f"sizes.py:1:13: MEM101 [*] {SUM} (a list of 2,000 ints, ~{human_bytes(small_bytes())})"


# --- min-bytes on the command line --------------------------------------------------------------


@pytest.mark.parametrize(
    ("threshold", "rows"),
    [
        (None, [1, 2, 3]),
        ("0", [1, 2, 3]),
        (str(small_bytes()), [1, 2, 3]),  # equal to the estimate: not below it
        (str(small_bytes() + 1), [2, 3]),
        ("500kB", [2, 3]),
        ("1mb", [2, 3]),
        ("1MiB", [2, 3]),
        ("1GB", [3]),  # the finding without an estimate stays
    ],
)
def test_min_bytes_hides_known_estimates_below_it(
    project: Path, capsys: pytest.CaptureFixture[str], threshold: Optional[str], rows: List[int]
) -> None:
    args = ["sizes.py"] if threshold is None else ["--min-bytes", threshold, "sizes.py"]
    assert lines_of(findings(capsys, *args)) == rows


@pytest.mark.parametrize("garbage", ["lots", "1XB", "-1", "1e6", "MB", "1 M B", ""])
def test_min_bytes_garbage_is_a_usage_error(project: Path, capsys: pytest.CaptureFixture[str], garbage: str) -> None:
    assert run(capsys, "--min-bytes", garbage, "sizes.py") == (
        2, "", f"memlint: error: --min-bytes {SIZE_ERROR} str {garbage!r}\n"
    )


@pytest.mark.parametrize(
    ("text", "size"),
    [("1000000", 10**6), ("500kB", 500_000), ("500KB", 500_000), ("1MB", 10**6), ("1MiB", 2**20),
     ("2GB", 2 * 10**9), ("1.5mb", 1_500_000), ("0.5KiB", 512), ("3 gib", 3 * 2**30), ("1TB", 10**12), ("7b", 7)],
)
def test_sizes_parse_case_insensitively(text: str, size: int) -> None:
    assert parse_size(text) == size


def test_fixes_of_hidden_findings_are_not_applied(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--fix", "--min-bytes", "1MB", "sizes.py") == (0, "Found 2 errors (2 fixed, 0 remaining).\n", "")
    assert (project / "sizes.py").read_text(encoding="utf-8") == (
        SMALL + "big = sum(x for x in range(10**6))\n" + "other = sum(x for x in data)\n"
    )


def test_diff_leaves_out_hidden_findings(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--diff", "--min-bytes", "1GB", "sizes.py")
    assert (code, err) == (1, "Would apply 1 fix.\n")
    changed = [line for line in out.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert changed == ["-other = sum([x for x in data])", "+other = sum(x for x in data)"]


# --- min-bytes in [tool.memlint] ----------------------------------------------------------------


@pytest.mark.parametrize(("value", "rows"), [('"1MB"', [2, 3]), ("1000000", [2, 3]), ('"1gb"', [3]), ("0", [1, 2, 3])])
def test_min_bytes_in_pyproject(project: Path, capsys: pytest.CaptureFixture[str], value: str, rows: List[int]) -> None:
    (project / "pyproject.toml").write_text(f"[tool.memlint]\nmin-bytes = {value}\n", encoding="utf-8")
    assert lines_of(findings(capsys, "sizes.py")) == rows


def test_the_command_line_wins_over_pyproject(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "pyproject.toml").write_text('[tool.memlint]\nmin-bytes = "1GB"\n', encoding="utf-8")
    assert lines_of(findings(capsys, "--min-bytes", "0", "sizes.py")) == [1, 2, 3]
    code, out, _ = run(capsys, "--show-settings", "--min-bytes", "2kB")
    assert code == 0 and "min_bytes: 2000\n" in out
    _, out, _ = run(capsys, "--show-settings")
    assert "min_bytes: 1000000000\n" in out


@pytest.mark.parametrize(("value", "shown"), [('"lots"', "str 'lots'"), ("true", "bool True"), ("-5", "int -5"), ("1.5", "float 1.5")])
def test_a_bad_min_bytes_in_pyproject_names_the_file_and_key(
    project: Path, capsys: pytest.CaptureFixture[str], value: str, shown: str
) -> None:
    (project / "pyproject.toml").write_text(f"[tool.memlint]\nmin-bytes = {value}\n", encoding="utf-8")
    assert run(capsys, "sizes.py") == (
        2, "", f"memlint: error: {project / 'pyproject.toml'}: [tool.memlint]: 'min-bytes' {SIZE_ERROR} {shown}\n"
    )


# --- flake8 -------------------------------------------------------------------------------------


def flake8(project: Path, *args: str) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
    return subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "MEM101", "--format", "%(row)d %(code)s", *args, "sizes.py"],
        cwd=project, capture_output=True, text=True, timeout=120,
    )


def test_flake8_memlint_min_bytes(project: Path) -> None:
    every = flake8(project, "--isolated")
    assert (every.returncode, every.stdout, every.stderr) == (1, "1 MEM101\n2 MEM101\n3 MEM101\n", "")
    hidden = flake8(project, "--isolated", "--memlint-min-bytes", "1MB")
    assert (hidden.returncode, hidden.stdout, hidden.stderr) == (1, "2 MEM101\n3 MEM101\n", "")
    (project / "setup.cfg").write_text("[flake8]\nmemlint-min-bytes = 1GiB\n", encoding="utf-8")
    configured = flake8(project)
    assert (configured.returncode, configured.stdout, configured.stderr) == (1, "3 MEM101\n", "")


def test_flake8_memlint_min_bytes_garbage_exits_2(project: Path) -> None:
    proc = flake8(project, "--isolated", "--memlint-min-bytes", "lots")
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[-1] == f"flake8: error: argument --memlint-min-bytes: {SIZE_ERROR} 'lots'"


# --- every rule that states a size --------------------------------------------------------------

RULE_CASES = [
    ("MEM101", "t = sum([x * x for x in range(10**6)])\n", "a list of 1,000,000 ints"),
    ("MEM102", "for i in list(range(10**6)):\n    print(i)\n", "a list of 1,000,000 ints"),
    ("MEM105", "n = len([x for x in range(10**6)])\n", "a list of 1,000,000 ints"),
    ("MEM106", "first = [x / 3 for x in range(10**6)][0]\n", "a list of 1,000,000 floats"),
    ("MEM107", "ordered = sorted(list(range(10**6)))\n", "a list of 1,000,000 slots"),
    ("MEM108", "import numpy as np\na = np.array([x * 0.5 for x in range(10**6)])\n", "a list of 1,000,000 floats"),
    (
        "MEM203",
        "import numpy as np\nfor item in items:\n    buf = np.zeros((1000, 1000), dtype=np.float32)\n    fill(buf, item)\n",
        "a 1,000 x 1,000 float32 array",
    ),
    (
        "MEM305",
        "import numpy as np\nvalues = []\nfor i in range(10**6):\n    values.append(i * 1.5)\narr = np.array(values)\n",
        "a list of 1,000,000 floats",
    ),
    (
        "MEM401",
        "import numpy as np\na = np.zeros((2000, 2000))\nfor f in frames:\n    a = np.zeros((2000, 2000))\n    use(a, f)\n",
        "a 2,000 x 2,000 float64 array",
    ),
    (
        "MEM402",
        "import numpy as np\ngrid = np.ones((1000, 1000))\nfor t in range(steps):\n    grid = grid * 2 + 1\n",
        "a 1,000 x 1,000 float64 array",
    ),
    (
        "MEM403",
        "import numpy as np\ndef f(items):\n    big = np.empty(10**7)\n    total = big.sum()\n    for x in items:\n        print(x, total)\n",
        "a float64 array of 10,000,000 elements",
    ),
]


@pytest.mark.parametrize(("code", "source", "what"), RULE_CASES)
def test_rules_state_the_size_the_code_states(
    project: Path, capsys: pytest.CaptureFixture[str], code: str, source: str, what: str
) -> None:
    (project / "case.py").write_text(source, encoding="utf-8")
    result = findings(capsys, "--select", code, "--preview", "case.py")
    (finding,) = [f for f in result if f["code"] == code]
    nbytes = finding["estimated_bytes"]
    assert isinstance(nbytes, int) and nbytes > 10**6
    assert finding["message"].endswith(f" ({what}, ~{human_bytes(nbytes)})")
    assert re.search(r"~[0-9.]+ [kMG]B\)$", finding["message"])
