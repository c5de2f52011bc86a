"""What `--fix` did, in Ruff's words: `--show-fixes`'s listing and `--fix-only`'s summary."""

from __future__ import annotations

from collections import Counter
from typing import Dict, List, Mapping, Sequence, Tuple

from memlint.findings import Applicability, Finding
from memlint.reporting.text import BOLD, CYAN, RED, Context, paint


def hidden_unsafe_fixes(findings: Sequence[Finding], unsafe_fixes: bool) -> int:
    """Findings with an unsafe fix that was not applied nor offered because unsafe fixes are off."""
    if unsafe_fixes:
        return 0
    return sum(1 for f in findings if f.fix is not None and f.fix.applicability is Applicability.UNSAFE)


def fixed_listing(fixed: Mapping[str, Tuple[str, ...]], color: bool = False) -> str:
    """`--show-fixes`: "Fixed 3 errors:", then per file the count of fixes per rule."""
    from memlint.rule_index import RULES

    total = sum(len(codes) for codes in fixed.values())
    lines: List[str] = [paint(f"Fixed {total} error{'' if total == 1 else 's'}:", BOLD, color)]
    for filename in sorted(fixed):
        counts = Counter(fixed[filename])
        width = len(str(max(counts.values())))
        lines.append(f"{paint('-', CYAN, color)} {paint(filename, BOLD, color)}{paint(':', CYAN, color)}")
        for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
            info = RULES.get(code)
            name = f" ({info.name})" if info is not None else ""
            lines.append(f"    {count:>{width}} \u00d7 {paint(code, BOLD + RED, color)}{name}")
    return "".join(line + "\n" for line in lines)


def fix_only_summary(findings: Sequence[Finding], context: Context, fixed: Dict[str, Tuple[str, ...]]) -> str:
    """`--fix-only` reports no findings, only what was fixed (and the listing with --show-fixes)."""
    text = "\n" + fixed_listing(fixed, context.color) + "\n" if fixed else ""
    done = context.fixes_applied
    errors = f"error{'' if done == 1 else 's'}"
    hidden = hidden_unsafe_fixes(findings, context.unsafe_fixes)
    fixes = f"fix{'' if hidden == 1 else 'es'}"
    if hidden and done:
        return text + f"Fixed {done} {errors} ({hidden} additional {fixes} available with `--unsafe-fixes`).\n"
    if hidden:
        return text + f"No errors fixed ({hidden} {fixes} available with `--unsafe-fixes`).\n"
    if done:
        return text + f"Fixed {done} {errors}.\n"
    return text
