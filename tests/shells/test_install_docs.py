"""Install and integration instructions are true: what they claim exists, and the snippets run.

The README's quick start and test command are run by `.ci/run` (and checked word for word by
test_readme.py); here: the pre-commit snippets, the git-URL install (slow), and the claims about
publication, URLs and tags.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest

import memlint

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SUM = "`sum()` of a list comprehension builds the whole list first; pass a generator expression"


def fenced_blocks(path: Path, language: str) -> List[str]:
    return re.findall(r"```" + language + r"\n(.*?)```", path.read_text(encoding="utf-8"), re.DOTALL)


def git_tags() -> List[str]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    proc = subprocess.run(["git", "tag", "--list"], cwd=ROOT, capture_output=True, text=True, check=True)
    return proc.stdout.split()


def test_no_doc_claims_the_package_is_on_the_index() -> None:
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"pip install (-U )?memlint(-cst)?\b(?![ -]@)", text), path
        assert "published as" not in text, path


def test_every_rev_and_tag_in_the_docs_exists() -> None:
    tags = set(git_tags())
    for path in DOCS:
        for rev in re.findall(r"^\s*rev:\s*(\S+)", path.read_text(encoding="utf-8"), re.MULTILINE):
            assert rev == "COMMIT" or rev in tags, f"{path.name}: rev {rev!r} is not a tag of this repository"


def test_release_tags_follow_the_convention() -> None:
    """Releases are tagged `v<version>`; the version is three numbers."""
    assert re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+", memlint.__version__)
    for tag in git_tags():
        assert re.fullmatch(r"v[0-9]+\.[0-9]+\.[0-9]+", tag), f"tag {tag!r} is not v<version>"


def test_no_url_is_claimed_while_the_repository_has_none() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    has_urls = re.search(r"^\[project\.urls\]", pyproject, re.MULTILINE) is not None
    assert has_urls == (memlint.REPOSITORY_URL is not None)
    if memlint.REPOSITORY_URL is None:
        for path in DOCS:
            text = path.read_text(encoding="utf-8")
            assert "github.com/memlint" not in text, path
            assert "repository URL>" not in text, path


def _git(cwd: Path, *args: str) -> str:
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env.update(
        GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@memlint.invalid", GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@memlint.invalid", GIT_CONFIG_NOSYSTEM="1",
    )
    proc = subprocess.run(
        ["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def _user_project(tmp_path: Path) -> Path:
    repo = tmp_path / "project"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "bad.py").write_text("def total(data):\n    return sum([x * x for x in data])\n", encoding="utf-8")
    (repo / "good.py").write_text("def total(data):\n    return sum(x * x for x in data)\n", encoding="utf-8")
    return repo


def _pre_commit(repo: Path, home: Path, path_dirs: List[str]) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env["PATH"] = os.pathsep.join([*path_dirs, env.get("PATH", "")])
    env["PRE_COMMIT_HOME"] = str(home)
    env.pop("VIRTUAL_ENV", None)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"],
        cwd=repo, env=env, capture_output=True, text=True, timeout=900,
    )


def test_local_pre_commit_snippet_runs_as_written(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed (pre-commit needs it)")
    local, _ = fenced_blocks(ROOT / "docs" / "integrations.md", "yaml")[:2]
    assert "repo: local" in local
    repo = _user_project(tmp_path)
    (repo / ".pre-commit-config.yaml").write_text(local, encoding="utf-8")
    _git(repo, "add", "-A")
    # The environment that runs pre-commit has memlint installed: this interpreter's scripts.
    proc = _pre_commit(repo, tmp_path / "home", [str(Path(sys.executable).parent)])
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert f"bad.py:2:16: MEM101 [*] {SUM}" in proc.stdout
    assert "good.py" not in proc.stdout


@pytest.mark.slow
def test_clone_pre_commit_snippet_runs_with_a_commit(tmp_path: Path) -> None:
    """The second snippet, with a clone's path and commit filled in."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed (pre-commit needs it)")
    clone = _snapshot(tmp_path / "memlint")
    commit = _git(clone, "rev-parse", "HEAD").strip()
    _, remote = fenced_blocks(ROOT / "docs" / "integrations.md", "yaml")[:2]
    assert "/path/to/memlint" in remote and "COMMIT" in remote
    repo = _user_project(tmp_path)
    config = remote.replace("/path/to/memlint", str(clone)).replace("COMMIT", commit)
    (repo / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    _git(repo, "add", "-A")
    proc = _pre_commit(repo, tmp_path / "home", [])
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert f"bad.py:2:16: MEM101 [*] {SUM}" in proc.stdout


def _snapshot(target: Path) -> Path:
    """This working tree (tracked and new files) committed in a scratch repository."""
    names = _git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
    for name in filter(None, names):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    _git(target, "init", "-q")
    _git(target, "add", "-A")
    _git(target, "commit", "-q", "-m", "snapshot")
    return target


@pytest.mark.slow
def test_git_url_install_snippet_works(tmp_path: Path) -> None:
    """README: `pip install "git+file:///path/to/memlint@COMMIT"` in a fresh venv. (Not the
    `memlint-cst @ git+file:...` form: pip 23's parser wants a host in a `name @ URL` URL.)"""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    (command,) = [b for b in fenced_blocks(ROOT / "README.md", "console") if "git+file" in b]
    clone = _snapshot(tmp_path / "memlint")
    commit = _git(clone, "rev-parse", "HEAD").strip()
    subprocess.run([sys.executable, "-m", "venv", str(tmp_path / "venv")], check=True, timeout=300)
    python = tmp_path / "venv" / "bin" / "python"
    line = command.strip().replace("/path/to/memlint", str(clone)).replace("COMMIT", commit)
    assert line.startswith("python -m pip install ")
    # Without PYTHONPATH: a checkout's `src/` on it (with its egg-info) makes pip think memlint
    # is installed already.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.run(
        line.replace("python", str(python), 1), shell=True, capture_output=True, text=True, timeout=900, env=env
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (tmp_path / "bad.py").write_text("total = sum([x * x for x in data])\n", encoding="utf-8")
    run = subprocess.run(
        [str(tmp_path / "venv" / "bin" / "memlint"), "--no-cache", "bad.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "MEM101" in run.stdout


def test_vs_code_settings_snippet_is_json_whose_flake8_args_report_mem(tmp_path: Path) -> None:
    import json

    (block,) = fenced_blocks(ROOT / "docs" / "integrations.md", "json")
    settings = json.loads(block)
    assert settings["flake8.importStrategy"] == "fromEnvironment"
    (tmp_path / "a.py").write_text("total = sum([x * x for x in data])\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", *settings["flake8.args"], "a.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 1
    assert f"a.py:1:13: MEM101 {SUM}" in proc.stdout


def test_every_toml_snippet_is_valid_configuration() -> None:
    """Each ```toml block of the docs parses, and each [tool.memlint] in it is accepted."""
    from memlint.config import build_config, tomllib

    checked = 0
    for path in DOCS:
        for block in fenced_blocks(path, "toml"):
            data = tomllib.loads(block)
            table = data.get("tool", {}).get("memlint")
            if table is not None:
                build_config(table, {}, root=str(ROOT))
                checked += 1
    assert checked >= 3
