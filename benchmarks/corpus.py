"""Lint every installed Python file with every rule (stable and preview): nothing may crash.

    python benchmarks/corpus.py                         # the standard library + this interpreter's site-packages
    python benchmarks/corpus.py /other/venv/lib/python3.11/site-packages   # ... plus more roots
    python benchmarks/corpus.py --every 5 --jobs 2      # every 5th file (sorted by path)
    python benchmarks/corpus.py --json report.json      # also write the figures as JSON

The corpus is every `*.py` under the standard library (without its `site-packages`) and under
`sysconfig`'s purelib and platlib, plus any roots given; each real file once (symlinked
directories are not followed). Each file goes through `memlint.api.lint_file` with
`--select ALL --preview` in a pool of worker processes; an exception escaping the API, a rule
crash the engine caught, or a worker process dying is an internal error. Every other file either
lints or yields one MEM000 finding with a reason.

Printed: files linted, MEM000 grouped by reason, internal errors (with their files), findings per
code, and the slowest files. Exits 1 when there is any internal error.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import subprocess
import sys
import sysconfig
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence

# Run from a checkout without installing: the package lives in src/.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from memlint.api import lint_file  # noqa: E402
from memlint.config import Config, build_config  # noqa: E402

_CONFIG: Optional[Config] = None


def all_rules_config() -> Config:
    """`--select ALL --preview`, nothing else (no pyproject.toml is read)."""
    global _CONFIG
    if _CONFIG is None:
        _CONFIG = build_config({}, {"select": ["ALL"], "preview": True}, root=os.getcwd())
    return _CONFIG


def default_roots() -> List[Path]:
    paths = sysconfig.get_paths()
    roots = [Path(paths["stdlib"])]
    for key in ("purelib", "platlib"):
        roots.append(Path(paths[key]))
    return roots


def corpus_files(roots: Iterable[Path], every: int = 1) -> List[str]:
    """Every `*.py` under the roots, each real file once, sorted; then every `every`-th.

    A standard library root skips its own `site-packages` (the purelib root covers the
    packages that belong to this interpreter)."""
    seen: Dict[str, str] = {}
    for root in roots:
        root = Path(root)
        if not root.is_dir():
            continue
        skip_site = root.name.startswith("python") and (root / "os.py").is_file()
        for directory, dirnames, filenames in os.walk(root):
            kept = []
            for name in sorted(dirnames):
                full = os.path.join(directory, name)
                if os.path.islink(full) or name == "__pycache__":
                    continue
                if skip_site and name == "site-packages" and os.path.samefile(directory, root):
                    continue
                kept.append(name)
            dirnames[:] = kept
            for name in filenames:
                if not name.endswith(".py"):
                    continue
                full = os.path.join(directory, name)
                if not os.path.isfile(full):
                    continue  # a dangling symlink
                seen.setdefault(os.path.realpath(full), full)
    return sorted(seen.values())[:: max(1, every)]


def lint_one(path: str) -> Dict[str, Any]:
    """A small, picklable summary of one file (the worker's whole answer)."""
    start = time.perf_counter()
    summary: Dict[str, Any] = {"path": path, "mem000": None, "errors": [], "codes": {}}
    try:
        result = lint_file(path, all_rules_config())
    except Exception:  # an exception escaping the API is exactly what we are looking for
        summary["errors"].append("exception escaped lint_file:\n" + traceback.format_exc())
    else:
        codes: Dict[str, int] = collections.Counter(f.code for f in result.findings)
        summary["codes"] = dict(codes)
        summary["errors"] = [error.message for error in result.errors]
        mem000 = [f for f in result.findings if f.code == "MEM000"]
        if mem000:
            summary["mem000"] = mem000[0].message
    summary["seconds"] = time.perf_counter() - start
    return summary


def _isolated(path: str) -> Dict[str, Any]:
    """Re-run one file in its own process: after a worker died, find who killed it."""
    code = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); import corpus; "
        "print(json.dumps(corpus.lint_one(sys.argv[2])))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(Path(__file__).resolve().parent), path],
        capture_output=True, text=True, check=False,
    )
    if proc.returncode == 0:
        return json.loads(proc.stdout.strip().splitlines()[-1])
    return {
        "path": path, "mem000": None, "codes": {}, "seconds": 0.0,
        "errors": [f"the process linting it died (exit {proc.returncode}): {proc.stderr.strip()[-500:]}"],
    }


def run(files: Sequence[str], jobs: int) -> List[Dict[str, Any]]:
    if jobs <= 1:
        return [lint_one(path) for path in files]
    summaries: Dict[str, Dict[str, Any]] = {}
    orphans: List[str] = []
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {path: pool.submit(lint_one, path) for path in files}
        for done, (path, future) in enumerate(futures.items(), 1):
            try:
                summaries[path] = future.result()
            except BrokenProcessPool:
                orphans.append(path)
            if done % 500 == 0:
                print(f"  {done}/{len(files)} files", file=sys.stderr, flush=True)
    for path in orphans:  # a worker died (e.g. a native crash): retry each file alone
        summaries[path] = _isolated(path)
    return [summaries[path] for path in files]


def mem000_reason(message: str) -> str:
    """Group MEM000 messages: numbers and quoted fragments vary from file to file."""
    reason = re.sub(r"\b\d[\d,]*\b", "N", message)
    return re.sub(r"'[^']*'|\"[^\"]*\"", "'...'", reason)


def report(summaries: Sequence[Dict[str, Any]], elapsed: float, out: Any = sys.stdout) -> Dict[str, Any]:
    mem000: Dict[str, List[str]] = collections.defaultdict(list)
    errors: List[Dict[str, str]] = []
    codes: Dict[str, int] = collections.Counter()
    for summary in summaries:
        if summary["mem000"] is not None:
            mem000[mem000_reason(summary["mem000"])].append(summary["path"])
        for message in summary["errors"]:
            errors.append({"path": summary["path"], "message": message})
        codes.update(summary["codes"])
    linted = len(summaries) - sum(len(paths) for paths in mem000.values())
    figures = {
        "files": len(summaries),
        "linted": linted,
        "mem000": {reason: len(paths) for reason, paths in sorted(mem000.items())},
        "mem000_files": {reason: paths for reason, paths in sorted(mem000.items())},
        "internal_errors": errors,
        "findings": dict(sorted(codes.items())),
        "seconds": round(elapsed, 1),
    }
    w = out.write
    w(f"files: {len(summaries)} ({linted} linted, {len(summaries) - linted} MEM000) in {elapsed:.0f} s\n")
    w(f"internal errors: {len(errors)}\n")
    for error in errors:
        w(f"  {error['path']}: {error['message']}\n")
    w("MEM000 by reason:\n")
    for reason, paths in sorted(mem000.items(), key=lambda item: -len(item[1])):
        w(f"  {len(paths):5}  {reason}\n")
        for path in paths[:3]:
            w(f"         e.g. {path}\n")
    w(f"findings per code ({sum(codes.values())} in all):\n")
    for code, count in sorted(codes.items()):
        w(f"  {code}  {count}\n")
    w("slowest files:\n")
    for summary in sorted(summaries, key=lambda s: -s["seconds"])[:5]:
        w(f"  {summary['seconds']:6.1f} s  {summary['path']}\n")
    return figures


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("roots", nargs="*", type=Path, help="more directories to lint (after the defaults)")
    parser.add_argument("--no-defaults", action="store_true", help="only the roots given, not the stdlib and site-packages")
    parser.add_argument("--every", type=int, default=1, help="take every Nth file in sorted order")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)

    roots = ([] if args.no_defaults else default_roots()) + list(args.roots)
    files = corpus_files(roots, args.every)
    print(f"corpus: {len(files)} files (every {args.every}) under {', '.join(map(str, dict.fromkeys(roots)))}")
    print(f"python {sys.version.split()[0]}, --select ALL --preview, {args.jobs} processes")
    sys.stdout.flush()
    start = time.perf_counter()
    summaries = run(files, args.jobs)
    figures = report(summaries, time.perf_counter() - start)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    return 1 if figures["internal_errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
