"""Wall-clock speed of memlint against the LibCST parse floor, measured side by side.

    python benchmarks/speed.py                  # the whole standard library, 3 runs each
    python benchmarks/speed.py --every 4        # every 4th file (sorted by path)
    python benchmarks/speed.py --runs 5 --jobs 2

Every figure is the median of --runs runs of a fresh process, so start-up is included. The
parse floor is `libcst.parse_module` over the same files with nothing else (1 process, and N
processes with a pool); ratios compare each memlint run with the floor for the same number of
processes, measured in the same invocation of this script.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path
from typing import List, Sequence

PARSE_FLOOR = r"""
import sys
from concurrent.futures import ProcessPoolExecutor
import libcst

def parse(path):
    try:
        with open(path, "rb") as handle:
            libcst.parse_module(handle.read())
        return 1
    except Exception:
        return 0

paths = open(sys.argv[1]).read().split("\n")
jobs = int(sys.argv[2])
if jobs == 1:
    parsed = sum(map(parse, paths))
else:
    with ProcessPoolExecutor(jobs) as pool:
        parsed = sum(pool.map(parse, paths, chunksize=8))
print(parsed)
"""


def corpus(root: Path, every: int) -> List[str]:
    files = sorted(str(path) for path in root.rglob("*.py") if "site-packages" not in path.parts)
    return files[::every]


def timed(command: Sequence[str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{command[:4]} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return elapsed


def main(argv: Sequence[str] = ()) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=Path(sysconfig.get_paths()["stdlib"]))
    parser.add_argument("--every", type=int, default=1, help="take every Nth file in sorted order")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2, help="processes for the parallel runs")
    args = parser.parse_args(argv or None)

    files = corpus(args.root, args.every)
    scratch = Path(tempfile.mkdtemp(prefix="memlint-speed-"))
    listing = scratch / "files.txt"
    listing.write_text("\n".join(files), encoding="utf-8")
    defaults = scratch / "pyproject.toml"
    defaults.write_text("[tool.memlint]\n", encoding="utf-8")  # the default rule set
    python = sys.executable
    memlint = [python, "-m", "memlint", "--exit-zero", "--output-format", "concise", "--config", str(defaults)]
    cases = {
        "libcst.parse_module, 1 process": [python, "-c", PARSE_FLOOR, str(listing), "1"],
        f"libcst.parse_module, {args.jobs} processes": [python, "-c", PARSE_FLOOR, str(listing), str(args.jobs)],
        "memlint --jobs 1": memlint + ["--jobs", "1"] + files,
        f"memlint --jobs {args.jobs}": memlint + ["--jobs", str(args.jobs)] + files,
    }
    medians = {}
    for name, command in cases.items():
        times = [timed(command) for _ in range(args.runs)]
        medians[name] = statistics.median(times)
        print(f"  {name}: {' '.join(f'{t:.1f}' for t in times)} s", file=sys.stderr)
    shutil.rmtree(scratch)

    print(f"corpus: {len(files)} files under {args.root} (every {args.every}), {args.runs} runs each, median wall time")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    print()
    print("| run | median (s) | vs parse floor |")
    print("| --- | ---: | ---: |")
    floors = {1: medians["libcst.parse_module, 1 process"], args.jobs: medians[f"libcst.parse_module, {args.jobs} processes"]}
    for name, median in medians.items():
        if name.startswith("memlint"):
            jobs = int(name.rsplit(" ", 1)[1])
            ratio = f"{median / floors[jobs]:.2f}x"
        else:
            ratio = "1.00x"
        print(f"| {name} | {median:.1f} | {ratio} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
