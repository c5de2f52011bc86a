"""Each rule's annotated fixture, through the CLI and through real flake8: same (line, code) set.

A fixture is `tests/fixtures/<CODE>.py`; every line that must be flagged ends with
`# expect: CODE[, CODE...]`. The finding's line is where the reported node starts.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Set, Tuple

import pytest

from memlint.findings import Tier
from memlint.registry import all_rules

FIXTURES = Path(__file__).parent / "fixtures"
EXPECT = re.compile(r"#\s*expect:\s*(?P<codes>MEM\d{3}(?:\s*,\s*MEM\d{3})*)")
RULE_FIXTURES = sorted(path for path in FIXTURES.glob("MEM[0-9][0-9][0-9].py"))


def expected(path: Path) -> Set[Tuple[int, str]]:
    found = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = EXPECT.search(line)
        if match:
            found.update((number, code.strip()) for code in match.group("codes").split(","))
    return found


def via_cli(path: Path, code: str) -> Set[Tuple[int, str]]:
    proc = subprocess.run(
        [sys.executable, "-m", "memlint", "--select", code, "--output-format", "json", "--no-respect-gitignore",
         "--config", str(FIXTURES / "empty_pyproject.toml"), str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode in (0, 1), proc.stderr
    return {(f["location"]["row"], f["code"]) for f in json.loads(proc.stdout)}


def via_flake8(path: Path, code: str) -> Set[Tuple[int, str]]:
    args = [sys.executable, "-m", "flake8", "--isolated", "--select", code, "--format", "%(row)d %(code)s"]
    if all_rules()[code].tier is Tier.PREVIEW:
        args.append("--memlint-preview")
    proc = subprocess.run(args + [str(path)], capture_output=True, text=True, check=False)
    assert proc.returncode in (0, 1), proc.stderr
    rows = set()
    for line in proc.stdout.splitlines():
        row, found_code = line.split()
        rows.add((int(row), found_code))
    return rows


def test_every_rule_has_a_fixture():
    have = {path.stem for path in RULE_FIXTURES}
    missing = sorted(set(all_rules()) - have)
    assert not missing, f"rules without tests/fixtures/<code>.py: {missing}"


@pytest.mark.parametrize("path", RULE_FIXTURES, ids=lambda p: p.stem)
def test_fixture_through_cli_and_flake8(path):
    code = path.stem
    want = expected(path)
    assert want, f"{path.name} has no `# expect:` comments"
    assert via_cli(path, code) == want
    assert via_flake8(path, code) == want
