"""Fix safety at scale: apply every fix (safe and unsafe) to a copy of the corpus, then check it.

    python benchmarks/fix_safety.py                      # the corpus of benchmarks/corpus.py
    python benchmarks/fix_safety.py --every 10           # every 10th file
    python benchmarks/fix_safety.py /more/site-packages --json report.json

The files of `benchmarks/corpus.py` (same roots, same stride) are copied to a temporary
directory and the real command line runs over the copy:
`memlint --select ALL --preview --fix --unsafe-fixes` (no excludes, no .gitignore). Then:

* every changed file must still compile (`compile()`, as this interpreter does) when the original
  did, and must parse with the oldest `feature_version` the original parsed with: a fix may not
  bring in syntax newer than the file used;
* a second `--fix` run over the changed files must change nothing and apply no fix;
* memlint must report no internal error (a fix that would not re-parse is one).

Printed: files, fixes applied, changed files, changed files failing to compile or parse at their
feature version, files changed by the second run, internal errors. Exits 1 unless all of the
failure counts are 0.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import corpus_files, default_roots  # noqa: E402

CONFIG = """\
[tool.memlint]
select = ["ALL"]
preview = true
unsafe-fixes = true
exclude = []
respect-gitignore = false
"""
OLDEST_MINOR, NEWEST_MINOR = 7, sys.version_info[1]
_FIXED = re.compile(r"\((\d+) fixed, \d+ remaining\)")


def copy_corpus(files: Sequence[str], target: Path) -> Dict[str, str]:
    """Copy each file under `target`, keeping a readable relative path; copy -> original."""
    copies: Dict[str, str] = {}
    for index, path in enumerate(files):
        relative = Path(path).relative_to(Path(path).anchor)
        destination = target / "corpus" / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
        copies[str(destination)] = path
    return copies


def run_fix(paths: Sequence[str], config: Path, jobs: int) -> Tuple[int, List[str], str]:
    """Run the real CLI with --fix; returns (fixes applied, internal error lines, stderr)."""
    fixed = 0
    errors: List[str] = []
    stderr = ""
    batch = 2000  # stay far below the kernel's argument-size limit
    for start in range(0, len(paths), batch):
        command = [
            sys.executable, "-m", "memlint", "--config", str(config), "--fix", "--exit-zero",
            "--output-format", "concise", "--jobs", str(jobs), *paths[start : start + batch],
        ]
        proc = subprocess.run(command, capture_output=True, text=True, check=False)
        if proc.returncode not in (0, 2):
            raise SystemExit(f"memlint exited {proc.returncode}:\n{proc.stderr[-3000:]}")
        match = _FIXED.search(proc.stdout)
        fixed += int(match.group(1)) if match else 0
        errors += [line for line in proc.stderr.splitlines() if line.startswith("memlint: error:")]
        if "Traceback" in proc.stderr:
            errors.append("traceback:\n" + proc.stderr[-3000:])
        stderr += proc.stderr
    return fixed, errors, stderr


def oldest_feature_version(data: bytes) -> Optional[int]:
    """The oldest 3.x minor whose grammar `ast.parse` accepts this file with (None: none)."""
    for minor in range(OLDEST_MINOR, NEWEST_MINOR + 1):
        if parses(data, minor):
            return minor
    return None


def parses(data: bytes, minor: int) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(data, feature_version=(3, minor))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def compiles(data: bytes, filename: str) -> Optional[str]:
    """None when `compile()` accepts the file, else the error."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(data, filename, "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def check(copies: Dict[str, str], jobs: int, scratch: Path) -> Dict[str, Any]:
    config = scratch / "pyproject.toml"
    config.write_text(CONFIG, encoding="utf-8")
    paths = sorted(copies)
    fixes, errors, _ = run_fix(paths, config, jobs)

    changed: List[str] = []
    broken: List[Dict[str, str]] = []
    for copy in paths:
        original = Path(copies[copy]).read_bytes()
        fixed = Path(copy).read_bytes()
        if fixed == original:
            continue
        changed.append(copy)
        problem = None
        if compiles(original, copy) is None:
            problem = compiles(fixed, copy)
        minor = oldest_feature_version(original)
        if problem is None and minor is not None and not parses(fixed, minor):
            problem = f"no longer parses with feature_version=(3, {minor}) (the original does)"
        if problem is None and minor is None:
            problem = "changed although the original does not parse"
        if problem is not None:
            broken.append({"path": copies[copy], "problem": problem})

    before = {copy: Path(copy).read_bytes() for copy in changed}
    second_fixes, second_errors, _ = run_fix(changed, config, jobs) if changed else (0, [], "")
    unstable = [copies[copy] for copy in changed if Path(copy).read_bytes() != before[copy]]
    return {
        "files": len(paths),
        "fixes_applied": fixes,
        "changed_files": len(changed),
        "changed_files_not_compiling": broken,
        "second_run_fixes": second_fixes,
        "second_run_changed_files": unstable,
        "internal_errors": errors + second_errors,
    }


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("roots", nargs="*", type=Path, help="more directories (after the defaults)")
    parser.add_argument("--no-defaults", action="store_true", help="only the roots given")
    parser.add_argument("--every", type=int, default=1, help="take every Nth file in sorted order")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--keep", action="store_true", help="keep the fixed copy (its path is printed)")
    args = parser.parse_args(argv)

    roots = ([] if args.no_defaults else default_roots()) + list(args.roots)
    files = corpus_files(roots, args.every)
    scratch = Path(tempfile.mkdtemp(prefix="memlint-fix-safety-"))
    try:
        copies = copy_corpus(files, scratch)
        figures = check(copies, args.jobs, scratch)
    finally:
        if args.keep:
            print(f"fixed copy kept in {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    print(f"files: {figures['files']} (every {args.every})")
    print(f"fixes applied: {figures['fixes_applied']}")
    print(f"changed files: {figures['changed_files']}")
    print(f"changed files failing to compile: {len(figures['changed_files_not_compiling'])}")
    for item in figures["changed_files_not_compiling"]:
        print(f"  {item['path']}: {item['problem']}")
    print(f"second run: {figures['second_run_fixes']} fixes, {len(figures['second_run_changed_files'])} files changed")
    for path in figures["second_run_changed_files"]:
        print(f"  {path}")
    print(f"internal errors: {len(figures['internal_errors'])}")
    for line in figures["internal_errors"]:
        print(f"  {line}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    failed = (
        figures["changed_files_not_compiling"] or figures["second_run_changed_files"]
        or figures["second_run_fixes"] or figures["internal_errors"]
    )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
