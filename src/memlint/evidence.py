"""Measured memory evidence: the figures `benchmarks/evidence/run.py` writes to `evidence.json`.

Read only by `memlint rule` and the rule doc generator (`rule_docs.render_rule`), which show a
rule's figure through `measured_section`; linting never loads it.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any, Dict, List, Optional

EVIDENCE_FILE = "evidence.json"
EVIDENCE_PAGE = "docs/evidence.md"


def load() -> Dict[str, Any]:
    """Every rule's entry, by code (empty when the package carries no evidence file)."""
    try:
        text = resources.files("memlint").joinpath(EVIDENCE_FILE).read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return {}
    return json.loads(text)["rules"]


def format_bytes(count: float) -> str:
    """Decimal units, as the rule docs use them: 1 MB is 10**6 bytes."""
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if abs(count) >= size:
            return f"{count / size:.1f} {unit}"
    return f"{int(count)} B"


def format_seconds(seconds: float) -> str:
    return f"{seconds:.3f} s" if seconds >= 0.01 else f"{seconds * 1000:.2f} ms"


def format_copied(entry: Dict[str, Any], side: str) -> str:
    count = entry[side]["copied"]
    return format_bytes(count) if entry.get("copied_unit", "bytes") == "bytes" else f"{count:,} {entry['copied_unit']}"


def saving(entry: Dict[str, Any]) -> str:
    """What the fix saves on the entry's stated measure, or that it saves nothing."""
    if entry["measure"] == "time":
        before, after = entry["before"]["cpu_seconds"], entry["after"]["cpu_seconds"]
        if after >= before:
            return "none (CPU time)"
        return f"{before / after:,.0f}x less CPU time" if after > 0 else "all CPU time"
    before, after = entry["before"]["traced_peak"], entry["after"]["traced_peak"]
    if after >= before:
        return "none (peak)"
    return f"{format_bytes(before - after)} ({(before - after) / before:.0%})"


def measured_section(code: str, evidence: Optional[Dict[str, Any]] = None) -> List[str]:
    """A rule's "## Measured" section (markdown lines); one function for the docs and `memlint rule`."""
    entry = (load() if evidence is None else evidence).get(code)
    out = ["## Measured", ""]
    if entry is None:
        return out + ["Not measured yet (`python benchmarks/evidence/run.py`).", ""]
    before, after = entry["before"], entry["after"]
    text = (
        f"{entry['pattern']}, {entry['size']}: tracemalloc peak {format_bytes(before['traced_peak'])} "
        f"before, {format_bytes(after['traced_peak'])} after; peak RSS {format_bytes(before['rss_peak'])} "
        f"before, {format_bytes(after['rss_peak'])} after."
    )
    if entry["measure"] == "time":
        text += (
            f" The cost is time: CPU {format_seconds(before['cpu_seconds'])} before, "
            f"{format_seconds(after['cpu_seconds'])} after"
        )
        if "copied" in before:
            text += f"; {format_copied(entry, 'before')} copied before, {format_copied(entry, 'after')} after"
        text += "."
    versions = ", ".join(f"{name} {entry[name]}" for name in ("numpy", "pandas") if entry.get(name))
    text += (
        f" Saving: {saving(entry)}. Median of {entry['runs']} fresh interpreters, CPython {entry['python']}"
        f"{', ' + versions if versions else ''}, {entry['date']}; `python benchmarks/evidence/run.py "
        f"--rules {code}` re-measures it, [{EVIDENCE_PAGE}](../evidence.md) has every rule."
    )
    return out + [text, ""]
