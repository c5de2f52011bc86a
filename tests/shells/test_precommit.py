"""The pre-commit hook: the manifest is valid, and (slow) `pre-commit try-repo` installs memlint
into pre-commit's own virtualenv and runs it the way a user's hook would.

The slow tests snapshot this checkout's working tree (tracked and new, not ignored, files) into a
temporary git repository, so they try exactly the code on disk, and give pre-commit its own
PRE_COMMIT_HOME so nothing is read from or left in the user's cache. Every try-repo builds a
fresh virtualenv and pip-installs memlint (through the machine's pip configuration): about 5-15 s
each with a local package index, allow minutes over a slow network.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
MANIFEST = REPO / ".pre-commit-hooks.yaml"
INSTALL_TIMEOUT = 900  # seconds: the first try-repo builds a virtualenv and pip-installs memlint
SUM = "`sum()` of a list comprehension builds the whole list first; pass a generator expression"


def test_manifest_is_valid() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-manifest", str(MANIFEST)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")


def test_manifest_hook() -> None:
    (hook,) = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert hook == {
        "id": "memlint",
        "name": "memlint",
        "description": hook["description"],
        "entry": "memlint --force-exclude",
        "language": "python",
        "types_or": ["python", "pyi", "jupyter"],
        "require_serial": True,
        "minimum_pre_commit_version": "2.9.0",  # the first with types_or
    }
    assert "memory" in hook["description"]


# --- slow: pre-commit try-repo ----------------------------------------------------------------------


def _git_env() -> Dict[str, str]:
    """No GIT_* from an enclosing hook or CI step may point git at another repository."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env.update(
        GIT_AUTHOR_NAME="memlint tests",
        GIT_AUTHOR_EMAIL="tests@memlint.invalid",
        GIT_COMMITTER_NAME="memlint tests",
        GIT_COMMITTER_EMAIL="tests@memlint.invalid",
        GIT_CONFIG_NOSYSTEM="1",
    )
    return env


def _git(cwd: Path, *args: str) -> str:
    proc = subprocess.run(
        ["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args],
        cwd=cwd,
        env=_git_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, f"git {' '.join(args)} failed:\n{proc.stdout}{proc.stderr}"
    return proc.stdout


@pytest.fixture(scope="module")
def git() -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed (pre-commit needs it)")


@pytest.fixture(scope="module")
def hook_repo(git: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This checkout's working tree, committed in a scratch repository (try-repo would otherwise
    see only committed and tracked files)."""
    snapshot = tmp_path_factory.mktemp("memlint-hook-repo")
    files = _git(REPO, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
    for name in filter(None, files):
        source = REPO / name
        if source.is_file():  # a tracked file deleted in the working tree is left out
            target = snapshot / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    _git(snapshot, "init", "-q")
    _git(snapshot, "add", "-A")
    _git(snapshot, "commit", "-q", "-m", "snapshot")
    return snapshot


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def user_repo(git: None, tmp_path: Path) -> Path:
    """A user's project: a finding, a clean file, a generated file their config excludes."""
    repo = tmp_path / "project"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "pyproject.toml").write_text('[tool.memlint]\nextend-exclude = ["generated"]\n', encoding="utf-8")
    (repo / "bad.py").write_text("def total(data):\n    return sum([x * x for x in data])\n", encoding="utf-8")
    (repo / "good.py").write_text("def total(data):\n    return sum(x * x for x in data)\n", encoding="utf-8")
    (repo / "stub.pyi").write_text("def total(data: list[float]) -> float: ...\n", encoding="utf-8")
    (repo / "generated").mkdir()
    (repo / "generated" / "table.py").write_text("rows = max([r for r in data])\n", encoding="utf-8")
    (repo / "notes.txt").write_text("sum([x for x in data])\n", encoding="utf-8")
    (repo / "analysis.ipynb").write_text(NOTEBOOK, encoding="utf-8")  # types_or: jupyter
    _git(repo, "add", "-A")
    return repo


NOTEBOOK = (
    '{\n "cells": [\n  {\n   "cell_type": "markdown",\n   "metadata": {},\n   "source": ["# Totals"]\n  },\n'
    '  {\n   "cell_type": "code",\n   "execution_count": 1,\n   "metadata": {},\n   "outputs": [],\n'
    '   "source": [\n    "data = [1, 2]\\n",\n    "total = sum([x * x for x in data])"\n   ]\n  }\n ],\n'
    ' "metadata": {},\n "nbformat": 4,\n "nbformat_minor": 5\n}\n'
)


def try_repo(hook_repo: Path, pre_commit_home: Path, cwd: Path, *selection: str) -> subprocess.CompletedProcess[str]:
    env = _git_env()
    env.update(PRE_COMMIT_HOME=str(pre_commit_home), PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
    env.pop("VIRTUAL_ENV", None)
    command: List[str] = [
        sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "memlint", "--color", "never", *selection,
    ]
    start = time.monotonic()
    try:
        proc = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=INSTALL_TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"pre-commit try-repo took over {INSTALL_TIMEOUT}s:\n{exc.stdout}\n{exc.stderr}")
    print(f"pre-commit try-repo {' '.join(selection)}: {time.monotonic() - start:.1f}s")
    return proc


def hook_output(proc: subprocess.CompletedProcess[str]) -> str:
    return proc.stdout + proc.stderr


@pytest.mark.slow
def test_try_repo_fails_on_a_finding(hook_repo: Path, pre_commit_home: Path, user_repo: Path) -> None:
    proc = try_repo(hook_repo, pre_commit_home, user_repo, "--all-files")
    output = hook_output(proc)
    assert proc.returncode == 1, output
    assert "memlint" in output and "Failed" in output
    assert "- exit code: 1" in output
    assert f"bad.py:2:16: MEM101 [*] {SUM}" in output
    assert "good.py" not in output
    # pre-commit names every file on the command line; only --force-exclude in the hook's entry
    # makes the user's extend-exclude skip generated/table.py (it has a finding).
    assert "generated" not in output
    assert "notes.txt" not in output
    assert f"analysis.ipynb:cell 2:2:13: MEM101 [*] {SUM}" in output
    assert "Found 2 errors." in output


@pytest.mark.slow
def test_try_repo_passes_on_clean_files(hook_repo: Path, pre_commit_home: Path, user_repo: Path) -> None:
    (user_repo / "bad.py").unlink()
    (user_repo / "analysis.ipynb").unlink()
    _git(user_repo, "add", "-A")
    proc = try_repo(hook_repo, pre_commit_home, user_repo, "--all-files")
    output = hook_output(proc)
    assert proc.returncode == 0, output
    assert "Passed" in output and "Failed" not in output


@pytest.mark.slow
def test_try_repo_with_fix_rewrites_the_file(hook_repo: Path, pre_commit_home: Path, user_repo: Path) -> None:
    """What users get with `args: [--fix]`: the file is fixed, and the hook fails because it changed."""
    config = user_repo / "fix-config.yaml"
    config.write_text(
        "repos:\n"
        f"- repo: {hook_repo.as_posix()}\n"
        f"  rev: {_git(hook_repo, 'rev-parse', 'HEAD').strip()}\n"
        "  hooks:\n"
        "  - id: memlint\n"
        "    args: [--fix]\n",
        encoding="utf-8",
    )
    env = _git_env()
    env.update(PRE_COMMIT_HOME=str(pre_commit_home), PIP_DISABLE_PIP_VERSION_CHECK="1")
    env.pop("VIRTUAL_ENV", None)
    proc = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "-c", str(config), "--all-files", "--color", "never"],
        cwd=user_repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=INSTALL_TIMEOUT,
    )
    output = hook_output(proc)
    assert proc.returncode == 1, output
    assert "files were modified by this hook" in output
    assert (user_repo / "bad.py").read_text(encoding="utf-8") == "def total(data):\n    return sum(x * x for x in data)\n"
    fixed_notebook = NOTEBOOK.replace("sum([x * x for x in data])", "sum(x * x for x in data)")
    assert (user_repo / "analysis.ipynb").read_text(encoding="utf-8") == fixed_notebook
