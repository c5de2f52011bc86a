"""Safe fixes change no test outcome: a real project's test suite before and after `memlint --fix`.

    python benchmarks/project_tests.py boltons==26.2.0
    python benchmarks/project_tests.py pyparsing==3.3.3 --tests tests
    python benchmarks/project_tests.py boltons==26.2.0 --json report.json

Steps (network to the package index needed):
1. download the project's sdist (`pip download --no-binary :all: --no-deps`) and unpack it;
2. make a fresh virtual environment with pytest and the project installed from the index (for
   its dependencies), and check that the tests import the unpacked copy, not the installed one
   (they run from the unpacked directory with it first on PYTHONPATH);
3. run the tests and record each test's outcome (JUnit XML);
4. apply memlint's SAFE fixes only (`--select ALL --preview --fix`, no unsafe fixes) to the
   project's source, not to its tests;
5. run the tests again and compare: every test must have the same outcome.

Printed: the project, the fixes applied and the files they changed, the test counts before and
after. Exits 1 when an outcome differs (or when no fix applied: then nothing was tested).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

CONFIG = """\
[tool.memlint]
select = ["ALL"]
preview = true
unsafe-fixes = false
exclude = []
respect-gitignore = false
"""
_FIXED = re.compile(r"\((\d+) fixed, \d+ remaining\)")


def sh(command: Sequence[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(list(command), capture_output=True, text=True, **kwargs)


def download(requirement: str, scratch: Path) -> Path:
    downloads = scratch / "downloads"
    done = sh([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
               "-d", str(downloads), requirement])
    if done.returncode:
        raise SystemExit(f"pip download {requirement} failed:\n{done.stderr[-2000:]}")
    (archive,) = downloads.iterdir()
    with tarfile.open(archive) as tar:
        tar.extractall(scratch / "project")
    (root,) = (scratch / "project").iterdir()
    return root


def make_venv(requirement: str, scratch: Path) -> Path:
    venv = scratch / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    done = sh([str(python), "-m", "pip", "install", "--quiet", requirement, "pytest"])
    if done.returncode:
        raise SystemExit(f"pip install {requirement} pytest failed:\n{done.stderr[-2000:]}")
    return python


def source_and_tests(root: Path, tests: Optional[str], source: Optional[str]) -> Tuple[Path, Path, Path]:
    """(directory to put first on sys.path, source to fix, tests to run)."""
    path_entry = root / "src" if (root / "src").is_dir() else root
    if source is not None:
        source_dir = root / source
    else:
        packages = [p for p in path_entry.iterdir() if (p / "__init__.py").is_file() and p.name not in ("tests", "test")]
        if len(packages) != 1:
            raise SystemExit(f"cannot tell the source package among {packages}: pass --source")
        source_dir = packages[0]
    if tests is not None:
        tests_dir = root / tests
    else:
        candidates = [root / name for name in ("tests", "test") if (root / name).is_dir()]
        if not candidates:
            raise SystemExit("no tests/ or test/ directory in the sdist: pass --tests")
        tests_dir = candidates[0]
    return path_entry, source_dir, tests_dir


def run_tests(python: Path, root: Path, path_entry: Path, tests_dir: Path, report: Path) -> Dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(path_entry), PYTHONDONTWRITEBYTECODE="1")
    sh([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}", str(tests_dir)],
       cwd=root, env=env, timeout=3600)
    outcomes: Dict[str, str] = {}
    for case in ElementTree.parse(report).getroot().iter("testcase"):
        name = f"{case.get('classname')}::{case.get('name')}"
        outcome = "passed"
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                outcome = {"failure": "failed"}.get(child.tag, child.tag)
        outcomes[name] = outcome
    return outcomes


def imported_from(python: Path, root: Path, path_entry: Path, package: str) -> str:
    env = dict(os.environ, PYTHONPATH=str(path_entry))
    done = sh([str(python), "-c", f"import {package}; print({package}.__file__)"], cwd=root, env=env)
    return done.stdout.strip()


def apply_safe_fixes(source_dir: Path, scratch: Path) -> Tuple[int, List[str]]:
    config = scratch / "memlint.toml"
    config.write_text(CONFIG, encoding="utf-8")
    before = {p: p.read_bytes() for p in source_dir.rglob("*.py")}
    done = sh([sys.executable, "-m", "memlint", "--config", str(config), "--fix", "--exit-zero",
               "--output-format", "concise", str(source_dir)])
    if done.returncode != 0:
        raise SystemExit(f"memlint --fix exited {done.returncode}:\n{done.stderr[-2000:]}")
    match = _FIXED.search(done.stdout)
    changed = sorted(str(p.relative_to(source_dir.parent)) for p, data in before.items() if p.read_bytes() != data)
    return (int(match.group(1)) if match else 0), changed


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("requirement", help="PROJECT==VERSION")
    parser.add_argument("--tests", help="the tests directory in the sdist (default: tests/ or test/)")
    parser.add_argument("--source", help="the source package directory in the sdist (default: found)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)

    scratch = Path(tempfile.mkdtemp(prefix="memlint-project-"))
    root = download(args.requirement, scratch)
    path_entry, source_dir, tests_dir = source_and_tests(root, args.tests, args.source)
    python = make_venv(args.requirement, scratch)
    location = imported_from(python, root, path_entry, source_dir.name)
    if not location.startswith(str(source_dir)):
        raise SystemExit(f"the tests would import {source_dir.name} from {location}, not from the sdist")

    before = run_tests(python, root, path_entry, tests_dir, scratch / "before.xml")
    fixes, changed = apply_safe_fixes(source_dir, scratch)
    after = run_tests(python, root, path_entry, tests_dir, scratch / "after.xml")

    differ = sorted(name for name in set(before) | set(after) if before.get(name) != after.get(name))
    figures = {
        "project": args.requirement,
        "source": str(source_dir.relative_to(root)),
        "tests": str(tests_dir.relative_to(root)),
        "fixes_applied": fixes,
        "changed_files": changed,
        "before": dict(collections.Counter(before.values())),
        "after": dict(collections.Counter(after.values())),
        "different_outcomes": differ,
        "scratch": str(scratch),
    }
    print(f"project: {args.requirement} (source {figures['source']}, tests {figures['tests']})")
    print(f"safe fixes applied: {fixes} in {len(changed)} files: {', '.join(changed)}")
    print(f"tests before: {len(before)} {figures['before']}")
    print(f"tests after:  {len(after)} {figures['after']}")
    print(f"different outcomes: {len(differ)}")
    for name in differ:
        print(f"  {name}: {before.get(name)} -> {after.get(name)}")
    print(f"work directory (fixed sdist, JUnit reports): {scratch}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    return 1 if differ or not fixes or not before else 0


if __name__ == "__main__":
    raise SystemExit(main())
