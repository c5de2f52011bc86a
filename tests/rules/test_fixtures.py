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
from typing import Dict, Sequence, Set, Tuple

import pytest

from memlint.registry import all_rules

FIXTURES = Path(__file__).parents[1] / "fixtures"
EXPECT = re.compile(r"#\s*expect:\s*(?P<codes>MEM\d{3}(?:\s*,\s*MEM\d{3})*)")
RULE_FIXTURES = sorted(path for path in FIXTURES.glob("MEM[0-9][0-9][0-9].py"))


def expected(path: Path) -> Set[Tuple[int, str]]:
    found = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = EXPECT.search(line)
        if match:
            found.update((number, code.strip()) for code in match.group("codes").split(","))
    return found


def via_cli(paths: Sequence[Path]) -> Dict[str, Set[Tuple[int, str]]]:
    """Every fixture in one run with every rule: per file, the (line, code) of its own rule."""
    proc = subprocess.run(
        [sys.executable, "-m", "memlint", "--select", "ALL", "--preview", "--output-format", "json",
         "--no-respect-gitignore", "--no-cache", "--config", str(FIXTURES / "empty_pyproject.toml"),
         *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode in (0, 1), proc.stderr
    found: Dict[str, Set[Tuple[int, str]]] = {path.stem: set() for path in paths}
    for f in json.loads(proc.stdout):
        stem = Path(f["filename"]).stem
        if f["code"] == stem:
            found[stem].add((f["location"]["row"], f["code"]))
    return found


def via_flake8(paths: Sequence[Path]) -> Dict[str, Set[Tuple[int, str]]]:
    """The same through real flake8 (two jobs), preview rules on."""
    args = [sys.executable, "-m", "flake8", "--isolated", "--select", "MEM", "--memlint-preview", "--jobs", "2",
            "--format", "%(path)s\t%(row)d\t%(code)s"]
    proc = subprocess.run(args + [str(path) for path in paths], capture_output=True, text=True, check=False)
    assert proc.returncode in (0, 1), proc.stderr
    found: Dict[str, Set[Tuple[int, str]]] = {path.stem: set() for path in paths}
    for line in proc.stdout.splitlines():
        path, row, code = line.split("\t")
        stem = Path(path).stem
        if code == stem:
            found[stem].add((int(row), code))
    return found


@pytest.fixture(scope="module")
def cli_findings() -> Dict[str, Set[Tuple[int, str]]]:
    return via_cli(RULE_FIXTURES)


@pytest.fixture(scope="module")
def flake8_findings() -> Dict[str, Set[Tuple[int, str]]]:
    return via_flake8(RULE_FIXTURES)


def test_every_rule_has_a_fixture():
    have = {path.stem for path in RULE_FIXTURES}
    missing = sorted(set(all_rules()) - have)
    assert not missing, f"rules without tests/fixtures/<code>.py: {missing}"


@pytest.mark.parametrize("path", RULE_FIXTURES, ids=lambda p: p.stem)
def test_fixture_through_cli_and_flake8(path, cli_findings, flake8_findings):
    """One memlint run and one flake8 run over all fixtures (two processes instead of 64): each
    rule runs on every fixture, and each fixture is judged on its own rule's findings."""
    want = expected(path)
    assert want, f"{path.name} has no `# expect:` comments"
    assert cli_findings[path.stem] == want
    assert flake8_findings[path.stem] == want
