"""Measured memory evidence for every rule: regenerates docs/evidence.md and src/memlint/evidence.json.

    python benchmarks/evidence/run.py                       # every rule, 3 runs each
    python benchmarks/evidence/run.py --rules MEM101,MEM301 --runs 5
    python benchmarks/evidence/run.py --render-only         # re-render from evidence.json, no measuring

Each rule has a case in `cases/memXXX.py`: `setup()` builds the input, `before(state)` is the
flagged pattern (the rule's INVALID example at a realistic size) and `after(state)` its fix.
Every side runs in a fresh interpreter (`measure.py`), once under `tracemalloc` (peak traced
bytes) and once without it (peak RSS and CPU time), `--runs` times; the median is reported.
Cases whose cost is time rather than peak memory (`MEASURE = "time"`) are judged on CPU time
and state the bytes (or rows) the pattern copies, computed from the sizes.

A partial run (`--rules`) replaces only the selected rules' entries. Then the rule pages in
docs/rules are regenerated, since they show the figures.
"""

from __future__ import annotations

import argparse
import ast
import datetime
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CASES = HERE / "cases"
MEASURE = HERE / "measure.py"
JSON_PATH = ROOT / "src" / "memlint" / "evidence.json"
MD_PATH = ROOT / "docs" / "evidence.md"
SIDES = ("before", "after")
MODES = ("traced", "rss")
FIGURES = ("traced_peak", "rss_peak", "cpu_seconds")

sys.path.insert(0, str(ROOT / "src"))
from memlint.evidence import format_bytes, format_copied, format_seconds, saving  # noqa: E402


def case_files() -> Dict[str, Path]:
    return {path.stem.upper(): path for path in sorted(CASES.glob("mem*.py"))}


def case_meta(path: Path) -> Dict[str, Any]:
    """The case's constants (PATTERN, SIZE, MEASURE, REQUIRES...), read without importing it."""
    meta: Dict[str, Any] = {"MEASURE": "peak", "REQUIRES": (), "COPIED_UNIT": "bytes", "MIN_PYTHON": (3, 9)}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name.isupper() and name in meta or name in ("PATTERN", "SIZE"):
                meta[name] = ast.literal_eval(node.value)
    return meta


def version(package: str) -> Optional[str]:
    if importlib.util.find_spec(package) is None:
        return None
    from importlib.metadata import version as dist_version

    return dist_version(package)


def measure_once(path: Path, side: str, mode: str, env: Dict[str, str]) -> Dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, str(MEASURE), str(path), side, mode],
        capture_output=True, text=True, env=env, cwd=str(HERE), check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{path.name} {side} {mode} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def measure_case(code: str, path: Path, meta: Dict[str, Any], runs: int, env: Dict[str, str]) -> Dict[str, Any]:
    samples: Dict[str, List[Dict[str, Any]]] = {side: [] for side in SIDES}
    for _ in range(runs):
        for side in SIDES:  # interleaved, so a slow patch of the machine hits both sides
            figures: Dict[str, Any] = {}
            for mode in MODES:
                figures.update(measure_once(path, side, mode, env))
            samples[side].append(figures)
    entry: Dict[str, Any] = {
        "pattern": meta["PATTERN"], "size": meta["SIZE"], "measure": meta["MEASURE"], "runs": runs,
        "python": platform.python_version(), "date": datetime.date.today().isoformat(),
    }
    for package in meta["REQUIRES"]:
        entry[package] = version(package)
    for side in SIDES:
        figures = {}
        for key in FIGURES:
            value = statistics.median(sample[key] for sample in samples[side])
            figures[key] = round(value, 6) if key == "cpu_seconds" else int(value)
        figures["rss_scope"] = samples[side][0]["rss_scope"]
        if "copied" in samples[side][0]:
            figures["copied"] = samples[side][0]["copied"]
        entry[side] = figures
    if "copied" in entry["before"]:
        entry["copied_unit"] = meta["COPIED_UNIT"]
    entry["after_beats_before"] = beats(entry)
    return entry


def beats(entry: Dict[str, Any]) -> bool:
    """The fix is better on the stated measure by at least 5%."""
    key = "cpu_seconds" if entry["measure"] == "time" else "traced_peak"
    return entry["after"][key] < 0.95 * entry["before"][key]


def distinct(rules: Dict[str, Any], key: str) -> str:
    """The values of `key` across the entries that have it: one value, or each with its rules."""
    codes: Dict[str, List[str]] = {}
    for code, entry in sorted(rules.items()):
        if entry.get(key):
            codes.setdefault(str(entry[key]), []).append(code)
    if len(codes) == 1:
        return next(iter(codes))
    return ", ".join(f"{value} ({', '.join(names)})" for value, names in sorted(codes.items()))


def measured_on(rules: Dict[str, Any]) -> str:
    """One line naming the environment once: versions and dates are recorded per entry, so a value
    that differs between entries is listed with the rules it applies to."""
    text = f"Measured on {distinct(rules, 'date')} with CPython {distinct(rules, 'python')}"
    packages = [name for name in ("numpy", "pandas") if any(entry.get(name) for entry in rules.values())]
    if packages:
        text += ", and " + " and ".join(f"{name} {distinct(rules, name)}" for name in packages)
        text += " where a case uses them"
    return text + " (each rule's page states its own versions and date)."


def render_markdown(data: Dict[str, Any]) -> str:
    rules = data["rules"]
    out = [
        "# Measured memory evidence",
        "",
        "Generated by `python benchmarks/evidence/run.py` (do not edit). For every rule, the flagged",
        "pattern (*before*) and its fix (*after*), modelled on the rule's own example, at the size",
        "stated, each run in a fresh interpreter: *peak* is the peak of `tracemalloc`'s traced bytes",
        "while the code runs, above what was traced when it started; *RSS* is the peak resident set",
        "size above the resident size when it started (measured in a separate run without",
        "tracemalloc). Medians of the stated number of runs. 1 MB is 10**6 bytes.",
        "",
        "Rules whose cost is time rather than peak memory (quadratic copying) are judged on CPU time",
        "(`time.process_time`, on a machine shared with other work, so take it as an order of",
        "magnitude) and also state what the pattern copies, computed from the sizes. *Saving* is on",
        "the rule's measure; **no** in *beats* means the fix does not win on it (the rule's doc says",
        "why).",
        "",
        measured_on(rules),
        "The programs: `benchmarks/evidence/cases/memXXX.py`.",
        "",
        "| rule | pattern | size | measure | peak before | peak after | saving | beats | RSS before | RSS after | time / copied (before → after) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for code in sorted(rules):
        e = rules[code]
        before, after = e["before"], e["after"]
        time_cell = ""
        if e["measure"] == "time":
            time_cell = f"CPU {format_seconds(before['cpu_seconds'])} → {format_seconds(after['cpu_seconds'])}"
            if "copied" in before:
                time_cell += f"; copied {format_copied(e, 'before')} → {format_copied(e, 'after')}"
        cells = [
            f"[{code}](rules/{code}.md)", e["pattern"].replace("|", "\\|"), e["size"],
            "CPU time" if e["measure"] == "time" else "peak",
            format_bytes(before["traced_peak"]), format_bytes(after["traced_peak"]), saving(e),
            "yes" if e["after_beats_before"] else "**no**",
            format_bytes(before["rss_peak"]), format_bytes(after["rss_peak"]), time_cell,
        ]
        out.append("| " + " | ".join(cells) + " |")
    missing = sorted(set(case_files()) - set(rules))
    if missing:
        out += ["", "Not measured yet: " + ", ".join(missing) + "."]
    return "\n".join(out) + "\n"


def load_json(path: Path) -> Dict[str, Any]:
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    return {"rules": {}}


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


def render_rule_docs() -> None:
    """Regenerate docs/rules, whose pages show the figures."""
    subprocess.run(
        [sys.executable, "-m", "memlint.rule_docs", str(ROOT / "docs" / "rules")],
        env=dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])),
        check=True, stdout=subprocess.DEVNULL,
    )


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python benchmarks/evidence/run.py", description=__doc__.split("\n")[0])
    parser.add_argument("--rules", help="comma-separated rule codes (default: every rule)")
    parser.add_argument("--runs", type=int, default=3, help="fresh-interpreter runs per side and mode (default 3)")
    parser.add_argument(
        "--render-only", action="store_true",
        help="rewrite docs/evidence.md and docs/rules from the existing evidence.json, measuring nothing",
    )
    args = parser.parse_args(argv)
    if args.render_only:
        if args.rules:
            parser.error("--render-only measures nothing: it takes no --rules")
        started = time.monotonic()
        write(MD_PATH, render_markdown(load_json(JSON_PATH)))
        render_rule_docs()
        print(f"wrote {MD_PATH.relative_to(ROOT)} and docs/rules in {time.monotonic() - started:.0f} s")
        return 0
    cases = case_files()
    selected = [code.strip().upper() for code in args.rules.split(",")] if args.rules else list(cases)
    unknown = [code for code in selected if code not in cases]
    if unknown:
        parser.error(f"no evidence case for {', '.join(unknown)}")
    data = load_json(JSON_PATH)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="memlint-evidence-") as scratch:
        env = dict(os.environ, MEMLINT_EVIDENCE_TMP=scratch)
        for code in selected:
            meta = case_meta(cases[code])
            missing = [package for package in meta["REQUIRES"] if version(package) is None]
            if missing or sys.version_info < tuple(meta["MIN_PYTHON"]):
                why = f"{', '.join(missing)} not installed" if missing else f"needs Python {meta['MIN_PYTHON']}"
                print(f"{code}: skipped ({why}); the previous entry, if any, is kept", flush=True)
                continue
            entry = measure_case(code, cases[code], meta, args.runs, env)
            data["rules"][code] = entry
            print(
                f"{code}: peak {format_bytes(entry['before']['traced_peak'])} -> "
                f"{format_bytes(entry['after']['traced_peak'])}, CPU {format_seconds(entry['before']['cpu_seconds'])} -> "
                f"{format_seconds(entry['after']['cpu_seconds'])}  [{time.monotonic() - started:.0f} s]",
                flush=True,
            )
    data["rules"] = dict(sorted(data["rules"].items()))
    write(JSON_PATH, json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    write(MD_PATH, render_markdown(data))
    render_rule_docs()
    print(f"wrote {MD_PATH.relative_to(ROOT)}, {JSON_PATH.relative_to(ROOT)} and docs/rules in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
