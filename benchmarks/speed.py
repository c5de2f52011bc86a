"""Wall-clock speed of memlint against the LibCST parse floor and other linters, side by side.

    python benchmarks/speed.py                      # every 4th stdlib file, 3 runs each, --jobs 2
    python benchmarks/speed.py --every 1 --runs 5   # the whole standard library
    python benchmarks/speed.py --tools memlint,flake8   # a subset (floor is always measured)

The corpus is every Nth `.py` file of the installed standard library in sorted path order,
skipping files `ast` cannot parse, copied into a scratch directory (so no `.gitignore` or
`pyproject.toml` around the standard library changes what a tool sees). Every figure is the
median of --runs runs of a fresh process, start-up included:

- floor: `libcst.parse_module` over the corpus with nothing else, in --jobs processes and in 1;
- memlint cold: all stable rules, `--no-cache`, `--jobs N`;
- memlint warm: the cache on, after a first run filled it (nothing changed in between);
- memlint one file: `memlint --force-exclude FILE --no-cache` on one typical file (the corpus file
  closest to its median size), as pre-commit runs it;
- flake8 `--select C4,B -j N` (flake8-comprehensions, flake8-bugbear), pylint restricted to
  perflint's messages (`-j N`) and `fixit lint` (Fixit 2's built-in rules), when installed
  (`pip install -e ".[bench]"`); a tool that is missing is reported as "not installed".

Peak RSS per worker is measured in separate, untimed runs: each worker process of the floor and
of memlint records its own `getrusage(RUSAGE_SELF).ru_maxrss` after every file (the kernel's
high-water mark of that process, shared pages inherited by fork included, the same for both),
and the largest worker's figure is reported.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

TOOLS = ("memlint", "flake8", "pylint", "fixit")

PARSE_FLOOR = r"""
import os, resource, sys
from concurrent.futures import ProcessPoolExecutor
import libcst

RSS_DIR = os.environ.get("SPEED_RSS_DIR")

def parse(path):
    try:
        with open(path, "rb") as handle:
            libcst.parse_module(handle.read())
        ok = 1
    except Exception:
        ok = 0
    if RSS_DIR:
        with open(os.path.join(RSS_DIR, str(os.getpid())), "w") as out:
            out.write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
    return ok

paths = open(sys.argv[1]).read().split("\n")
jobs = int(sys.argv[2])
if jobs == 1:
    parsed = sum(map(parse, paths))
else:
    with ProcessPoolExecutor(jobs) as pool:
        parsed = sum(pool.map(parse, paths, chunksize=8))
print(parsed)
"""

# memlint's CLI with each worker recording its peak RSS after every file (see the docstring).
MEMLINT_RSS = r"""
import os, resource, sys
import memlint.runner as runner

RSS_DIR = os.environ["SPEED_RSS_DIR"]
lint_in_worker = runner._worker

def _worker(job):
    try:
        return lint_in_worker(job)
    finally:
        with open(os.path.join(RSS_DIR, str(os.getpid())), "w") as out:
            out.write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))

runner._worker = _worker
from memlint.cli import main
sys.exit(main(sys.argv[1:]))
"""

PERFLINT_MESSAGES = r"""
import importlib, pkgutil, perflint
ids = set()
for info in pkgutil.iter_modules(perflint.__path__):
    if info.name.startswith("_"):  # __main__ runs pylint
        continue
    module = importlib.import_module("perflint." + info.name)
    for value in vars(module).values():
        msgs = getattr(value, "msgs", None)
        if isinstance(value, type) and isinstance(msgs, dict):
            ids.update(msgs)
print(",".join(sorted(ids)))
"""


def corpus(root: Path, every: int) -> List[Path]:
    """Every `every`-th parsable .py file under root, in sorted path order."""
    files = []
    for path in sorted(root.rglob("*.py")):
        if "site-packages" in path.parts:
            continue
        try:
            ast.parse(path.read_bytes())
        except (SyntaxError, ValueError):
            continue
        files.append(path)
    return files[::every]


def copy_corpus(files: Sequence[Path], root: Path, target: Path) -> List[str]:
    copies = []
    for path in files:
        copy = target / path.relative_to(root)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, copy)
        copies.append(str(copy))
    return copies


def run(command: Sequence[str], cwd: Path, ok: Tuple[int, ...], env: Optional[Dict[str, str]] = None) -> float:
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode not in ok:
        raise SystemExit(f"{' '.join(command[:5])} ... failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return elapsed


def installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def worker_peak_rss(command: Sequence[str], cwd: Path, ok: Tuple[int, ...], scratch: Path) -> int:
    """The largest ru_maxrss (KiB) any worker of `command` recorded."""
    rss_dir = Path(tempfile.mkdtemp(prefix="rss-", dir=scratch))
    run(command, cwd, ok, env={**os.environ, "SPEED_RSS_DIR": str(rss_dir)})
    figures = [int(path.read_text()) for path in rss_dir.iterdir()]
    if not figures:
        raise SystemExit(f"no worker recorded its RSS: {' '.join(command[:5])}")
    return max(figures)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=Path(sysconfig.get_paths()["stdlib"]))
    parser.add_argument("--every", type=int, default=4, help="take every Nth parsable file in sorted order (default 4)")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement; the median is reported (default 3)")
    parser.add_argument("--jobs", type=int, default=2, help="processes for the parallel runs (default 2)")
    parser.add_argument("--tools", default=",".join(TOOLS), help=f"comma-separated subset of {','.join(TOOLS)}")
    args = parser.parse_args(argv)
    tools = [tool.strip() for tool in args.tools.split(",") if tool.strip()]
    unknown = sorted(set(tools) - set(TOOLS))
    if unknown:
        parser.error(f"unknown tools: {', '.join(unknown)} (choose from {', '.join(TOOLS)})")

    scratch = Path(tempfile.mkdtemp(prefix="memlint-speed-"))
    try:
        return _measure(args, tools, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _measure(args: argparse.Namespace, tools: List[str], scratch: Path) -> int:
    root = args.root.resolve()
    files = copy_corpus(corpus(root, args.every), root, scratch / "corpus")
    listing = scratch / "files.txt"
    listing.write_text("\n".join(files), encoding="utf-8")
    (scratch / "pyproject.toml").write_text("[tool.memlint]\n", encoding="utf-8")  # the default rule set
    sizes = sorted(files, key=os.path.getsize)
    typical = sizes[len(sizes) // 2]
    python, jobs = sys.executable, str(args.jobs)
    memlint = [python, "-m", "memlint", "--exit-zero", "--output-format", "concise"]
    bindir = Path(python).parent

    # name -> (command, accepted exit codes); None: not installed
    cases: Dict[str, Optional[Tuple[List[str], Tuple[int, ...]]]] = {
        f"floor: libcst.parse_module, {jobs} processes": ([python, "-c", PARSE_FLOOR, str(listing), jobs], (0,)),
        "floor: libcst.parse_module, 1 process": ([python, "-c", PARSE_FLOOR, str(listing), "1"], (0,)),
    }
    if "memlint" in tools:
        cases[f"memlint cold (--no-cache --jobs {jobs})"] = (memlint + ["--no-cache", "--jobs", jobs, *files], (0,))
        cases[f"memlint warm (cache, nothing changed, --jobs {jobs})"] = (memlint + ["--jobs", jobs, *files], (0,))
        cases["memlint one file (--no-cache --force-exclude)"] = (
            [python, "-m", "memlint", "--no-cache", "--force-exclude", typical], (0, 1)
        )
    if "flake8" in tools:
        ready = all(installed(m) for m in ("flake8", "flake8_comprehensions", "bugbear"))
        cases[f"flake8 --select C4,B -j {jobs}"] = (
            [python, "-m", "flake8", "--select", "C4,B", "-j", jobs, *files], (0, 1)
        ) if ready else None
    if "pylint" in tools:
        ready = installed("pylint") and installed("perflint")
        if ready:
            messages = subprocess.run([python, "-c", PERFLINT_MESSAGES], capture_output=True, text=True, check=True).stdout.strip()
            cases[f"pylint --load-plugins=perflint (perflint only) -j {jobs}"] = (
                [python, "-m", "pylint", "--load-plugins=perflint", "--disable=all", f"--enable={messages}",
                 "-j", jobs, "--score=n", "--persistent=n", *files],
                tuple(range(0, 32)),  # pylint's exit code is a bit mask of message categories
            )
        else:
            cases[f"pylint --load-plugins=perflint (perflint only) -j {jobs}"] = None
    if "fixit" in tools:  # `fixit lint` exits with 1 for findings, | 2 when a rule crashed on a file
        fixit = bindir / "fixit"
        cases["fixit lint (built-in rules)"] = ([str(fixit), "lint", *files], (0, 1, 2, 3)) if fixit.exists() and installed("fixit") else None

    if "memlint" in tools:  # fill the cache the warm runs read
        run(memlint + ["--jobs", jobs, *files], scratch, (0,))
    medians: Dict[str, Optional[float]] = {}
    for name, case in cases.items():
        if case is None:
            medians[name] = None
            print(f"  {name}: not installed", file=sys.stderr)
            continue
        command, ok = case
        times = [run(command, scratch, ok) for _ in range(args.runs)]
        medians[name] = statistics.median(times)
        print(f"  {name}: {' '.join(f'{t:.2f}' for t in times)} s", file=sys.stderr)

    rss: Dict[str, int] = {}
    floor_name = f"floor: libcst.parse_module, {jobs} processes"
    rss[floor_name] = worker_peak_rss([python, "-c", PARSE_FLOOR, str(listing), jobs], scratch, (0,), scratch)
    if "memlint" in tools:
        cold = f"memlint cold (--no-cache --jobs {jobs})"
        rss[cold] = worker_peak_rss(
            [python, "-c", MEMLINT_RSS, "--exit-zero", "--output-format", "concise", "--no-cache", "--jobs", jobs, *files],
            scratch, (0,), scratch,
        )

    _print_table(args, root, files, typical, medians, rss, floor_name)
    return 0


def _print_table(
    args: argparse.Namespace,
    root: Path,
    files: Sequence[str],
    typical: str,
    medians: Dict[str, Optional[float]],
    rss: Dict[str, int],
    floor_name: str,
) -> None:
    jobs = args.jobs
    floor = medians[floor_name]
    assert floor is not None
    cold = medians.get(f"memlint cold (--no-cache --jobs {jobs})")
    typical_lines = sum(1 for _ in open(typical, "rb"))
    print(
        f"corpus: {len(files)} files (every {args.every}th parsable .py under {root}); "
        f"median of {args.runs} runs, wall time, start-up included"
    )
    print(f"python {sys.version.split()[0]} on {sys.platform}, {os.cpu_count()} CPUs; one file: {Path(typical).name} ({typical_lines} lines)")
    print()
    print("| run | median (s) | vs parse floor | memlint cold is |")
    print("| --- | ---: | ---: | ---: |")
    for name, median in medians.items():
        if median is None:
            print(f"| {name} | not installed | | |")
            continue
        versus = f"{cold / median:.2f}x its time" if cold is not None and not name.startswith(("memlint", "floor")) else ""
        print(f"| {name} | {median:.2f} | {median / floor:.2f}x | {versus} |")
    print()
    if rss:
        print("| peak RSS per worker | MiB | vs parse floor |")
        print("| --- | ---: | ---: |")
        for name, kib in rss.items():
            print(f"| {name} | {kib / 1024:.0f} | {kib / rss[floor_name]:.2f}x |")
        print()
    print("| target (issue 7) | figure | met |")
    print("| --- | ---: | :---: |")
    for target, figure, met in _targets(jobs, medians, rss, floor_name):
        print(f"| {target} | {figure} | {met} |")


def _targets(
    jobs: int, medians: Dict[str, Optional[float]], rss: Dict[str, int], floor_name: str
) -> List[Tuple[str, str, str]]:
    cold = medians.get(f"memlint cold (--no-cache --jobs {jobs})")
    floor = medians[floor_name]
    flake8 = medians.get(f"flake8 --select C4,B -j {jobs}")
    fixit = medians.get("fixit lint (built-in rules)")
    warm = medians.get(f"memlint warm (cache, nothing changed, --jobs {jobs})")
    one = medians.get("memlint one file (--no-cache --force-exclude)")
    rss_cold = rss.get(f"memlint cold (--no-cache --jobs {jobs})")

    def verdict(ok: Optional[bool]) -> str:
        return "n/a" if ok is None else ("met" if ok else "missed")

    rows = []
    ratio = None if cold is None or flake8 is None else cold / flake8
    rows.append(("cold ≤ 0.5 × flake8 C4,B", "n/a" if ratio is None else f"{ratio:.2f}x", verdict(None if ratio is None else ratio <= 0.5)))
    ratio = None if cold is None or floor is None else cold / floor
    rows.append(("cold ≤ 2 × parse floor", "n/a" if ratio is None else f"{ratio:.2f}x", verdict(None if ratio is None else ratio <= 2)))
    ratio = None if cold is None or fixit is None else fixit / cold
    rows.append(("≥ 10 × faster than Fixit", "n/a" if ratio is None else f"{ratio:.1f}x faster", verdict(None if ratio is None else ratio >= 10)))
    rows.append(("warm ≤ 1 s", "n/a" if warm is None else f"{warm:.2f} s", verdict(None if warm is None else warm <= 1)))
    rows.append(("one file ≤ 0.5 s", "n/a" if one is None else f"{one:.2f} s", verdict(None if one is None else one <= 0.5)))
    ratio = None if rss_cold is None else rss_cold / rss[floor_name]
    rows.append(("peak RSS per worker ≤ 1.5 × floor", "n/a" if ratio is None else f"{ratio:.2f}x", verdict(None if ratio is None else ratio <= 1.5)))
    return rows


if __name__ == "__main__":
    raise SystemExit(main())
