"""`full` (flake8-style line, code frame, summary) and `concise` (one line each, summary)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import List, Sequence

from memlint.findings import Applicability, Finding
from memlint.units import human_bytes


@dataclass(frozen=True)
class Context:
    """What a reporter needs to know about the run besides the findings."""

    unsafe_fixes: bool = False
    fixes_applied: int = 0
    fix_mode: bool = False  # --fix or --diff was given
    show_summary: bool = True


def is_fixable(finding: Finding, unsafe_fixes: bool) -> bool:
    return finding.fix is not None and finding.fix.applicability.allowed(unsafe_fixes)


def headline(finding: Finding, unsafe_fixes: bool) -> str:
    marker = "[*] " if is_fixable(finding, unsafe_fixes) else ""
    where = f"{finding.where}:{finding.location.line}:{finding.location.column}:"
    return f"{where} {finding.code} {marker}{finding.message}{measured_note(finding)}"


def measured_note(finding: Finding) -> str:
    """" [measured: 312 MB at peak (memray)]" when a profile (--profile) saw the finding's lines."""
    if finding.measured_bytes is None:
        return ""
    if finding.measured_bytes == 0:
        return f" [not significant in this profile ({finding.measured_by})]"
    return f" [measured: {human_bytes(finding.measured_bytes)} at peak ({finding.measured_by})]"


def render_concise(findings: Sequence[Finding], context: Context) -> str:
    lines = [headline(finding, context.unsafe_fixes) for finding in findings]
    return _with_summary(lines, findings, context)


def render_full(findings: Sequence[Finding], context: Context) -> str:
    lines: List[str] = []
    for finding in findings:
        lines.append(headline(finding, context.unsafe_fixes))
        lines.extend(_frame(finding))
        lines.append("")
    return _with_summary(lines, findings, context)


def _frame(finding: Finding) -> List[str]:
    if not finding.source_line:
        return []
    number = str(finding.location.line)
    gutter = " " * len(number)
    source = finding.source_line.replace("\t", " ")
    start = finding.location.column - 1
    if finding.end_location.line == finding.location.line:
        width = max(1, finding.end_location.column - finding.location.column)
    else:
        width = max(1, len(source) - start)
    frame = [
        f"{gutter} |",
        f"{number} | {source}",
        f"{gutter} | {' ' * start}{'^' * width} {finding.code}",
    ]
    if finding.fix is not None and finding.fix.title:
        frame.append(f"{gutter} = help: {finding.fix.title}")
    return frame


def _with_summary(lines: List[str], findings: Sequence[Finding], context: Context) -> str:
    if context.show_summary:
        lines.extend(summary(findings, context))
    return "".join(line + "\n" for line in lines)


def summary(findings: Sequence[Finding], context: Context) -> List[str]:
    remaining = len(findings)
    fixed = context.fixes_applied
    if remaining == 0 and fixed == 0:
        return ["All checks passed!"]
    total = remaining + fixed
    noun = "error" if total == 1 else "errors"
    if context.fix_mode and fixed:
        lines = [f"Found {total} {noun} ({fixed} fixed, {remaining} remaining)."]
    else:
        lines = [f"Found {total} {noun}."]
    fixable = sum(1 for f in findings if is_fixable(f, context.unsafe_fixes))
    hidden = sum(
        1
        for f in findings
        if f.fix is not None and f.fix.applicability is Applicability.UNSAFE and not context.unsafe_fixes
    )
    if fixable:
        option = "--fix --unsafe-fixes" if context.unsafe_fixes else "--fix"
        lines.append(f"[*] {fixable} fixable with the `{option}` option.")
    if hidden:
        fixes = "fix" if hidden == 1 else "fixes"
        lines.append(f"({hidden} hidden {fixes} can be enabled with the `--unsafe-fixes` option.)")
    return lines


def statistics(findings: Sequence[Finding], unsafe_fixes: bool) -> str:
    """Findings per rule, most first; with a profile, the bytes measured per rule, most first."""
    counts = Counter(f.code for f in findings)
    names = {f.code: f.name for f in findings}
    fixable = {f.code for f in findings if is_fixable(f, unsafe_fixes)}
    measured: Counter = Counter()
    for f in findings:
        measured[f.code] += f.measured_bytes or 0
    profiled = any(f.measured_bytes is not None for f in findings)
    width = len(str(max(counts.values()))) if counts else 1
    order = sorted(counts.items(), key=lambda item: (-measured[item[0]], -item[1], item[0]))
    rows = []
    for code, count in order:
        row = f"{count:>{width}}\t{code}\t{'[*]' if code in fixable else '   '} {names[code]}"
        if profiled:
            row += f"\t{human_bytes(measured[code])} measured"
        rows.append(row)
    return "".join(row + "\n" for row in rows)
