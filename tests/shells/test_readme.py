"""The README shows what the code does: its quick-start output is a real run, its table every rule."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from memlint.registry import all_rules

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def fenced_block_after(marker: str) -> str:
    match = re.search(re.escape(marker) + r"\s*```[a-z]*\n(.*?)```", README, re.DOTALL)
    assert match, f"no fenced block after {marker!r} in README.md"
    return match.group(1)


def test_quick_start_and_test_commands_are_one_line_each():
    assert fenced_block_after("(short, realistic programs, one per pattern):") == (
        "python -m pip install . && memlint docs/examples/\n"
    )
    assert fenced_block_after("CI runs exactly this line):") == 'python -m pip install -e ".[test]" && python -m pytest\n'
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert '\npython -m pip install -e ".[test]" && python -m pytest\n' in ci
    assert "\npython -m pip install . && memlint docs/examples/\n" in ci


def test_quick_start_output_is_a_real_run():
    proc = subprocess.run(
        [sys.executable, "-m", "memlint", "docs/examples/"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 1, proc.stderr
    assert fenced_block_after("Output of that run:") == proc.stdout


def test_rules_table_lists_every_rule():
    for code, rule in all_rules().items():
        assert f"| [{code}](docs/rules/{code}.md) | `{rule.name}` |" in README, f"{code} missing from README"


def test_the_test_command_runs_the_fast_suite_with_numpy_and_pandas():
    """`python -m pytest` skips `slow` (CI runs them next), and the `test` extra brings numpy and
    pandas, so no rule test is skipped for want of them."""
    from memlint.config import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "-m 'not slow'" in project["tool"]["pytest"]["ini_options"]["addopts"]
    extra = [re.split(r"[<>=;\[ ]", requirement)[0] for requirement in project["project"]["optional-dependencies"]["test"]]
    assert {"numpy", "pandas", "pytest"} <= set(extra)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = ci.index('\npython -m pip install -e ".[test]" && python -m pytest\n')
    assert ci.index("\npython -m pytest -m slow\n") > test_command
    for minor in ("3.9", "3.13"):
        assert f" {minor}" in ci.split("for minor in", 1)[1].splitlines()[0]
    assert "is skipped" in ci  # a missing interpreter is reported, not fatal


def test_numpy_and_pandas_are_installed_for_the_suite():
    import importlib.util

    assert importlib.util.find_spec("numpy") is not None
    assert importlib.util.find_spec("pandas") is not None
