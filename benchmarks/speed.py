"""Wall-clock speed of memlint against the LibCST parse floor and other linters, side by side.

    python benchmarks/speed.py                         # both corpora, 3 alternating rounds, --jobs 2
    python benchmarks/speed.py --corpus stdlib         # one corpus
    python benchmarks/speed.py --rounds 5 --every 1    # the whole standard library
    python benchmarks/speed.py --limit 3 --rounds 1    # a smoke run on 3 files
    python benchmarks/speed.py --tools memlint,flake8  # a subset (the floors are always measured)

Corpora: `stdlib` is every Nth `.py` file (--every, default 4) of the installed standard
library in sorted path order; `numeric` every Nth (--numeric-every, default 2) of the numeric
packages under --numeric-root (default /work/corpus: networkx and trimesh; any folders given
with --numeric-root), where more rules fire. Files `ast` cannot parse are skipped. Each corpus
is copied into a scratch directory (so no `.gitignore` or `pyproject.toml` around it changes
what a tool sees).

Every tool runs with its bytecode cached, as an installed package has it (PYTHONDONTWRITEBYTECODE
is dropped from the tools' environment; untimed first runs compile the modules).
Every figure is the median of --rounds rounds; a round runs every case once, in turn, so that a
change in the machine's load touches all cases alike (alternating rounds). Each run is a fresh
process, start-up included:

- floor: `libcst.parse_module` over the corpus with nothing else, in --jobs processes;
- ast: `ast.parse` of every file, 1 process (what memlint's screens start from);
- memlint cold: all stable rules, `--no-cache`, `--jobs N`;
- memlint warm: the cache on, after a first run filled it (nothing changed in between);
- one file: `memlint --no-cache --force-exclude FILE` and `flake8 --select C4,B FILE` on one
  typical file (the corpus file closest to its median size), as pre-commit runs them, and the
  same on the typical file among those where memlint reports (found by an untimed run): there
  LibCST, the engine and a rule's module are imported and run;
- flake8 `--select C4,B -j N` (flake8-comprehensions, flake8-bugbear), pylint restricted to
  perflint's messages (`-j N`) and `fixit lint` (Fixit 2's built-in rules), when installed
  (`pip install -e ".[bench]"`); a tool that is missing is reported as "not installed" and its
  column skipped.

Peak RSS per worker is measured in separate, untimed runs: each worker process of the floor and
of memlint records its own `getrusage(RUSAGE_SELF).ru_maxrss` after every file (the kernel's
high-water mark of that process, shared pages inherited by fork included, the same for both),
and the largest worker's figure is reported.

The targets printed at the end are issue 15's, as ratios to figures of the same run.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import json
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
CORPORA = ("stdlib", "numeric")
NUMERIC_ROOTS = (Path("/work/corpus/networkx-3.6.1"), Path("/work/corpus/trimesh-5.2.0"))

AST_PARSE = r"""
import ast, sys
parsed = 0
for path in open(sys.argv[1]).read().split("\n"):
    with open(path, "rb") as handle:
        ast.parse(handle.read())
    parsed += 1
print(parsed)
"""

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


def corpus(roots: Sequence[Path], every: int) -> List[Tuple[Path, Path]]:
    """Every `every`-th parsable .py file under the roots, in sorted path order, with its root."""
    files = []
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            if "site-packages" in path.parts:
                continue
            try:
                ast.parse(path.read_bytes())
            except (SyntaxError, ValueError):
                continue
            files.append((root, path))
    return files[::every]


def copy_corpus(files: Sequence[Tuple[Path, Path]], target: Path) -> List[str]:
    copies = []
    for root, path in files:
        copy = target / root.name / path.relative_to(root)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, copy)
        copies.append(str(copy))
    return copies


# Every tool runs as installed packages do: with their modules' bytecode cached. pip compiles an
# installed package's bytecode; memlint's source, when installed in editable mode, gets it from the
# first (untimed) run, unless PYTHONDONTWRITEBYTECODE (set on some machines) forbids writing it.
TOOL_ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def run(command: Sequence[str], cwd: Path, ok: Tuple[int, ...], env: Optional[Dict[str, str]] = None) -> float:
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=cwd, env=env or TOOL_ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode not in ok:
        raise SystemExit(f"{' '.join(command[:5])} ... failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return elapsed


def installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def worker_peak_rss(command: Sequence[str], cwd: Path, ok: Tuple[int, ...], scratch: Path) -> int:
    """The largest ru_maxrss (KiB) any worker of `command` recorded."""
    rss_dir = Path(tempfile.mkdtemp(prefix="rss-", dir=scratch))
    run(command, cwd, ok, env={**TOOL_ENV, "SPEED_RSS_DIR": str(rss_dir)})
    figures = [int(path.read_text()) for path in rss_dir.iterdir()]
    if not figures:
        raise SystemExit(f"no worker recorded its RSS: {' '.join(command[:5])}")
    return max(figures)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default=",".join(CORPORA), help=f"comma-separated subset of {','.join(CORPORA)}")
    parser.add_argument("--root", type=Path, default=Path(sysconfig.get_paths()["stdlib"]), help="the stdlib corpus's folder")
    parser.add_argument("--every", type=int, default=4, help="stdlib: every Nth parsable file in sorted order (default 4)")
    parser.add_argument("--numeric-root", type=Path, action="append", help="a folder of the numeric corpus (repeatable)")
    parser.add_argument("--numeric-every", type=int, default=2, help="numeric: every Nth parsable file (default 2)")
    parser.add_argument("--limit", type=int, default=0, help="at most this many files per corpus (0: all; 3 for a smoke run)")
    parser.add_argument("--rounds", "--runs", type=int, default=3, help="alternating rounds; the median is reported (default 3)")
    parser.add_argument("--jobs", type=int, default=2, help="processes for the parallel runs (default 2)")
    parser.add_argument("--tools", default=",".join(TOOLS), help=f"comma-separated subset of {','.join(TOOLS)}")
    args = parser.parse_args(argv)
    tools = [tool.strip() for tool in args.tools.split(",") if tool.strip()]
    unknown = sorted(set(tools) - set(TOOLS))
    if unknown:
        parser.error(f"unknown tools: {', '.join(unknown)} (choose from {', '.join(TOOLS)})")
    corpora = [name.strip() for name in args.corpus.split(",") if name.strip()]
    unknown = sorted(set(corpora) - set(CORPORA))
    if unknown:
        parser.error(f"unknown corpus: {', '.join(unknown)} (choose from {', '.join(CORPORA)})")
    for name in corpora:
        roots, every = _roots(args, name)
        missing = [str(root) for root in roots if not root.is_dir()]
        if missing:
            hint = " (`python benchmarks/precision/corpus.py /work/corpus` downloads it)" if name == "numeric" and not args.numeric_root else ""
            print(f"corpus {name}: {', '.join(missing)} not found: skipped{hint}", file=sys.stderr)
            continue
        scratch = Path(tempfile.mkdtemp(prefix="memlint-speed-"))
        try:
            _measure(args, tools, name, roots, every, scratch)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0


def _roots(args: argparse.Namespace, name: str) -> Tuple[List[Path], int]:
    if name == "stdlib":
        return [args.root.resolve()], args.every
    return [root.resolve() for root in (args.numeric_root or NUMERIC_ROOTS)], args.numeric_every


Case = Optional[Tuple[List[str], Tuple[int, ...]]]  # (command, accepted exit codes); None: not installed
ONE_FILE = "one file: memlint --no-cache --force-exclude"
ONE_FLAKE8 = "one file: flake8 --select C4,B"
ONE_REPORTING = "one file with a finding: memlint --no-cache --force-exclude"
ONE_REPORTING_FLAKE8 = "one file with a finding: flake8 --select C4,B"


def _typical_reporting_file(memlint: List[str], files: Sequence[str], jobs: str, scratch: Path) -> Optional[str]:
    """The file closest to the median size among those where memlint reports (untimed run):
    the one-file case where LibCST, the engine and a rule run, unlike the typical file."""
    proc = subprocess.run(
        [*memlint[:3], "--no-cache", "--exit-zero", "--output-format", "json", "--jobs", jobs, *files],
        cwd=scratch, env=TOOL_ENV, capture_output=True, text=True, check=True,
    )
    reported = {os.path.abspath(os.path.join(scratch, finding["filename"])) for finding in json.loads(proc.stdout)}
    candidates = sorted((path for path in files if os.path.abspath(path) in reported), key=os.path.getsize)
    return candidates[len(candidates) // 2] if candidates else None


def _measure(args: argparse.Namespace, tools: List[str], name: str, roots: Sequence[Path], every: int, scratch: Path) -> None:
    chosen = corpus(roots, every)
    if args.limit:
        chosen = chosen[: args.limit]
    files = copy_corpus(chosen, scratch / "corpus")
    listing = scratch / "files.txt"
    listing.write_text("\n".join(files), encoding="utf-8")
    (scratch / "pyproject.toml").write_text("[tool.memlint]\n", encoding="utf-8")  # the default rule set
    sizes = sorted(files, key=os.path.getsize)
    typical = sizes[len(sizes) // 2]
    python, jobs = sys.executable, str(args.jobs)
    memlint = [python, "-m", "memlint", "--exit-zero", "--output-format", "concise"]
    bindir = Path(python).parent
    flake8_ready = all(installed(m) for m in ("flake8", "flake8_comprehensions", "bugbear"))

    floor_name = f"floor: libcst.parse_module, {jobs} processes"
    cases: Dict[str, Case] = {
        floor_name: ([python, "-c", PARSE_FLOOR, str(listing), jobs], (0,)),
        "ast.parse, 1 process": ([python, "-c", AST_PARSE, str(listing)], (0,)),
    }
    reporting = _typical_reporting_file(memlint, files, jobs, scratch) if "memlint" in tools else None
    if "memlint" in tools:
        cases[f"memlint cold (--no-cache --jobs {jobs})"] = (memlint + ["--no-cache", "--jobs", jobs, *files], (0,))
        cases[f"memlint warm (cache, nothing changed, --jobs {jobs})"] = (memlint + ["--jobs", jobs, *files], (0,))
        cases[ONE_FILE] = ([python, "-m", "memlint", "--no-cache", "--force-exclude", typical], (0, 1))
        if reporting is not None:
            cases[ONE_REPORTING] = ([python, "-m", "memlint", "--no-cache", "--force-exclude", reporting], (1,))
    if "flake8" in tools:
        cases[f"flake8 --select C4,B -j {jobs}"] = (
            [python, "-m", "flake8", "--select", "C4,B", "-j", jobs, *files], (0, 1)
        ) if flake8_ready else None
        cases[ONE_FLAKE8] = ([python, "-m", "flake8", "--select", "C4,B", typical], (0, 1)) if flake8_ready else None
        if reporting is not None:
            cases[ONE_REPORTING_FLAKE8] = (
                [python, "-m", "flake8", "--select", "C4,B", reporting], (0, 1)
            ) if flake8_ready else None
    if "pylint" in tools:
        perflint = f"pylint --load-plugins=perflint (perflint only) -j {jobs}"
        cases[perflint] = None
        if installed("pylint") and installed("perflint"):
            messages = subprocess.run([python, "-c", PERFLINT_MESSAGES], capture_output=True, text=True, check=True).stdout.strip()
            cases[perflint] = (
                [python, "-m", "pylint", "--load-plugins=perflint", "--disable=all", f"--enable={messages}",
                 "-j", jobs, "--score=n", "--persistent=n", *files],
                tuple(range(0, 32)),  # pylint's exit code is a bit mask of message categories
            )
    if "fixit" in tools:  # `fixit lint` exits with 1 for findings, | 2 when a rule crashed on a file
        fixit = bindir / "fixit"
        cases["fixit lint (built-in rules)"] = ([str(fixit), "lint", *files], (0, 1, 2, 3)) if fixit.exists() and installed("fixit") else None

    print(f"\n## corpus {name}: {len(files)} files", file=sys.stderr)
    if "memlint" in tools:  # fill the cache the warm runs read (and the bytecode cache: TOOL_ENV)
        run(memlint + ["--jobs", jobs, *files], scratch, (0,))
    for case in (ONE_FILE, ONE_FLAKE8, ONE_REPORTING, ONE_REPORTING_FLAKE8):
        command = cases.get(case)
        if command is not None:  # untimed: every module the one-file runs import is compiled once
            run(command[0], scratch, command[1])
    times: Dict[str, List[float]] = {case: [] for case, command in cases.items() if command is not None}
    for number in range(args.rounds):  # alternating rounds: every case once per round
        for case, command in cases.items():
            if command is not None:
                times[case].append(run(command[0], scratch, command[1]))
        print(f"  round {number + 1}: " + ", ".join(f"{case.split(' (')[0]} {t[-1]:.2f}" for case, t in times.items()), file=sys.stderr)
    medians: Dict[str, Optional[float]] = {
        case: (statistics.median(times[case]) if case in times else None) for case in cases
    }

    rss: Dict[str, int] = {}
    rss[floor_name] = worker_peak_rss([python, "-c", PARSE_FLOOR, str(listing), jobs], scratch, (0,), scratch)
    if "memlint" in tools:
        rss[f"memlint cold (--no-cache --jobs {jobs})"] = worker_peak_rss(
            [python, "-c", MEMLINT_RSS, "--exit-zero", "--output-format", "concise", "--no-cache", "--jobs", jobs, *files],
            scratch, (0,), scratch,
        )
    lines = sum(sum(1 for _ in open(path, "rb")) for path in files)
    _print_table(args, name, roots, every, files, lines, typical, reporting, medians, rss, floor_name)


def _print_table(
    args: argparse.Namespace,
    name: str,
    roots: Sequence[Path],
    every: int,
    files: Sequence[str],
    lines: int,
    typical: str,
    reporting_file: Optional[str],
    medians: Dict[str, Optional[float]],
    rss: Dict[str, int],
    floor_name: str,
) -> None:
    jobs = args.jobs
    floor = medians[floor_name]
    assert floor is not None
    cold = medians.get(f"memlint cold (--no-cache --jobs {jobs})")
    typical_lines = sum(1 for _ in open(typical, "rb"))
    print(f"### corpus {name}: {len(files)} files, {lines:,} lines (one parsable .py file in {every}, sorted, under {', '.join(map(str, roots))})")
    print(
        f"median of {args.rounds} alternating rounds, wall time, start-up included; python {sys.version.split()[0]} "
        f"on {sys.platform}, {os.cpu_count()} CPUs; one file: {Path(typical).name} ({typical_lines} lines)"
        + (f"; one file with a finding: {Path(reporting_file).name} ({sum(1 for _ in open(reporting_file, 'rb'))} lines)" if reporting_file else "")
    )
    print()
    print("| run | median (s) | vs parse floor | memlint cold is |")
    print("| --- | ---: | ---: | ---: |")
    for case, median in medians.items():
        if median is None:
            print(f"| {case} | not installed | | |")
            continue
        versus = ""
        if cold is not None and not case.startswith(("memlint", "floor", "one file", "ast")):
            versus = f"{cold / median:.2f}x its time"
        print(f"| {case} | {median:.2f} | {median / floor:.2f}x | {versus} |")
    print()
    if rss:
        print("| peak RSS per worker | MiB | vs parse floor |")
        print("| --- | ---: | ---: |")
        for case, kib in rss.items():
            print(f"| {case} | {kib / 1024:.0f} | {kib / rss[floor_name]:.2f}x |")
        print()
    print("| target (issue 15) | figure | met |")
    print("| --- | ---: | :---: |")
    for target, figure, met in _targets(jobs, name, medians, rss, floor_name):
        print(f"| {target} | {figure} | {met} |")
    print()


def _targets(
    jobs: int, name: str, medians: Dict[str, Optional[float]], rss: Dict[str, int], floor_name: str
) -> List[Tuple[str, str, str]]:
    cold = medians.get(f"memlint cold (--no-cache --jobs {jobs})")
    floor = medians[floor_name]
    flake8 = medians.get(f"flake8 --select C4,B -j {jobs}")
    warm = medians.get(f"memlint warm (cache, nothing changed, --jobs {jobs})")
    one = medians.get(ONE_FILE)
    one_flake8 = medians.get(ONE_FLAKE8)
    reporting = medians.get(ONE_REPORTING)
    reporting_flake8 = medians.get(ONE_REPORTING_FLAKE8)
    rss_cold = rss.get(f"memlint cold (--no-cache --jobs {jobs})")

    def row(target: str, value: Optional[float], limit: float, unit: str = "x") -> Tuple[str, str, str]:
        if value is None:
            return (target, "n/a", "n/a")
        return (target, f"{value:.2f}{'' if unit == 'x' else ' '}{unit}", "met" if value <= limit else "missed")

    def ratio(a: Optional[float], b: Optional[float]) -> Optional[float]:
        return None if a is None or b is None else a / b

    floor_limit = 0.5 if name == "stdlib" else 0.8
    return [
        row(f"cold ≤ {floor_limit} × parse floor", ratio(cold, floor), floor_limit),
        row("cold ≤ 0.3 × flake8 C4,B", ratio(cold, flake8), 0.3),
        row("one file ≤ 0.25 s", one, 0.25, "s"),
        row("one file ≤ 0.5 × flake8 C4,B on it", ratio(one, one_flake8), 0.5),
        row("one file with a finding ≤ 0.25 s", reporting, 0.25, "s"),
        row("one file with a finding ≤ 0.5 × flake8 C4,B on it", ratio(reporting, reporting_flake8), 0.5),
        row("warm ≤ 1 s", warm, 1.0, "s"),
        row("peak RSS per worker ≤ 1.5 × floor's", ratio(None if rss_cold is None else float(rss_cold), float(rss[floor_name])), 1.5),
    ]


if __name__ == "__main__":
    raise SystemExit(main())
