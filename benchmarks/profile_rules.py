"""Where memlint's time goes, in-process and in CPU time: memlint against the LibCST parse floor.

    python benchmarks/profile_rules.py                 # every 8th stdlib file, 3 rounds
    python benchmarks/profile_rules.py --every 20 --rules    # plus a table per rule
    python benchmarks/profile_rules.py --every 20 --profile  # plus cProfile, grouped

Unlike `speed.py` (wall time of whole processes, the issue's targets) this measures CPU time
(`time.process_time`) inside one process, so it is usable on a busy machine: for each file, in
alternation, `libcst.parse_module(text)` and `memlint.api.lint_source(text)` with the default
(stable) rules, no cache. The ratio of the sums is memlint's cost in parses. Files are read
once beforehand; files LibCST cannot parse are skipped. Each round visits the files in the
same order; the figure is the median of the rounds.

`--rules` parses every file once and then runs each rule alone on the parsed module
(`engine.run_rules`, metadata and shared analysis included, so an analysis two rules share is
counted for both), in CPU time and as a share of the parse time.

`--profile` runs cProfile over one round of `lint_source` and groups the time spent in
functions (own time) by where they live: LibCST's parser, its matchers, memlint's traversal,
each analysis module, each rule.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import sysconfig
import time
import warnings
from collections import defaultdict
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import libcst

from memlint.api import DEFAULT_CONFIG, lint_source
from memlint.engine import run_rules


def corpus(root: Path, every: int) -> List[Tuple[str, str]]:
    """(path, text) of every `every`th .py file in sorted path order that LibCST parses."""
    files = sorted(str(path) for path in root.rglob("*.py") if "site-packages" not in path.parts)
    texts = []
    for path in files[::every]:
        try:
            text = Path(path).read_bytes().decode("utf-8")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                libcst.parse_module(text)
        except Exception:
            continue
        texts.append((path, text))
    return texts


def cpu(function, *args, **kwargs) -> float:  # type: ignore[no-untyped-def]
    start = time.process_time()
    function(*args, **kwargs)
    return time.process_time() - start


def one_round(texts: Sequence[Tuple[str, str]]) -> Tuple[float, float, int]:
    parse = lint = 0.0
    findings = 0
    for path, text in texts:
        parse += cpu(libcst.parse_module, text)
        start = time.process_time()
        result = lint_source(text, path)
        lint += time.process_time() - start
        findings += len(result.findings)
    return parse, lint, findings


def rule_table(texts: Sequence[Tuple[str, str]]) -> None:
    rules = DEFAULT_CONFIG.selection.rules
    costs: Dict[str, float] = defaultdict(float)
    parse_total = 0.0
    for path, text in texts:
        start = time.process_time()
        module = libcst.parse_module(text)
        parse_total += time.process_time() - start
        for rule in rules:
            costs[rule.code] += cpu(run_rules, module, [rule], path, {}, text)
    print()
    print(f"each rule alone on the parsed modules (no pre-filter); parse total {parse_total:.2f} s")
    print("| rule | CPU (s) | / parse |")
    print("| --- | ---: | ---: |")
    for code, seconds in sorted(costs.items(), key=lambda item: -item[1]):
        print(f"| {code} | {seconds:.3f} | {seconds / parse_total:.3f} |")


def _group(filename: str, function: str) -> str:
    path = filename.replace("\\", "/")
    if "/memlint/" in path:
        tail = path.split("/memlint/", 1)[1]
        return "memlint/" + tail[:-3] if tail.endswith(".py") else "memlint/" + tail
    if "/libcst/" in path:
        tail = path.split("/libcst/", 1)[1]
        for part in ("matchers", "_parser", "metadata", "_nodes", "codegen"):
            if tail.startswith(part):
                return "libcst/" + part
        return "libcst/other"
    if filename == "~":
        return "builtins: " + function.split(" ")[-1].strip("<>'")[:40]
    return "other: " + Path(filename).name


def profile(texts: Sequence[Tuple[str, str]]) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for path, text in texts:
        lint_source(text, path)
    profiler.disable()
    stats = pstats.Stats(profiler)
    groups: Dict[str, float] = defaultdict(float)
    for (filename, _line, function), (_cc, _nc, own, _cum, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        groups[_group(filename, function)] += own
    total = sum(groups.values())
    print()
    print(f"cProfile of one round of lint_source, own time grouped by module (total {total:.2f} s, profiled)")
    print("| where | own time (s) | share |")
    print("| --- | ---: | ---: |")
    for name, seconds in sorted(groups.items(), key=lambda item: -item[1])[:30]:
        print(f"| {name} | {seconds:.2f} | {seconds / total:.1%} |")
    print()
    stats.sort_stats("cumulative").print_stats(40)


def main(argv: Sequence[str] = ()) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=Path(sysconfig.get_paths()["stdlib"]))
    parser.add_argument("--every", type=int, default=8, help="take every Nth file in sorted order")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rules", action="store_true", help="also time each rule alone")
    parser.add_argument("--profile", action="store_true", help="also run cProfile over one round")
    args = parser.parse_args(argv or None)

    texts = corpus(args.root, args.every)
    one_round(texts[:20])  # warm up: imports, per-type plans, regex caches
    ratios = []
    for number in range(args.rounds):
        parse, lint, findings = one_round(texts)
        ratios.append(lint / parse)
        print(f"round {number + 1}: parse {parse:.2f} s, memlint {lint:.2f} s, ratio {lint / parse:.2f}x, {findings} findings", file=sys.stderr)
    print(f"corpus: {len(texts)} files under {args.root} (every {args.every}), python {sys.version.split()[0]}")
    print(f"memlint / libcst.parse_module, CPU time in process: median {statistics.median(ratios):.2f}x "
          f"(rounds: {', '.join(f'{ratio:.2f}' for ratio in ratios)})")
    if args.rules:
        rule_table(texts)
    if args.profile:
        profile(texts)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
