"""Applying fixes: pick non-overlapping ones, apply them in one CST transform, derive edits.

No I/O here. The caller (`api.py`) re-parses and re-lints the result until no fix is left; a
result that does not parse is never returned.
"""

from __future__ import annotations

from typing import Dict, Iterable, List, Sequence, Tuple

import libcst as cst
from libcst.metadata import CodeRange

from memlint.findings import Edit, Location
from memlint.rule import Fix, Replacement


class _Replacer(cst.CSTTransformer):
    def __init__(self, changes: Dict[int, Replacement]) -> None:
        super().__init__()
        self._changes = changes

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> object:
        return self._changes.get(id(original_node), updated_node)


def non_overlapping(fixes: Iterable[Tuple[Fix, Sequence[CodeRange]]]) -> List[Fix]:
    """Greedy in source order: a fix whose targets overlap an accepted one waits for the next pass."""
    accepted: List[Fix] = []
    taken: List[CodeRange] = []
    ordered = sorted(fixes, key=lambda item: min((r.start.line, r.start.column) for r in item[1]))
    for fix, ranges in ordered:
        if any(_overlaps(mine, other) for mine in ranges for other in taken):
            continue
        accepted.append(fix)
        taken.extend(ranges)
    return accepted


def _overlaps(a: CodeRange, b: CodeRange) -> bool:
    a_start, a_end = (a.start.line, a.start.column), (a.end.line, a.end.column)
    b_start, b_end = (b.start.line, b.start.column), (b.end.line, b.end.column)
    return a_start <= b_end and b_start <= a_end


def apply_fixes(module: cst.Module, fixes: Sequence[Fix]) -> str:
    """The module's code with every fix applied (fixes must not overlap)."""
    changes: Dict[int, Replacement] = {}
    for fix in fixes:
        for original, replacement in fix.changes:
            changes[id(original)] = replacement
    return module.visit(_Replacer(changes)).code


def edits_between(before: str, after: str) -> Tuple[Edit, ...]:
    """One edit covering what changed: the common prefix and suffix are trimmed."""
    if before == after:
        return ()
    limit = min(len(before), len(after))
    prefix = 0
    while prefix < limit and before[prefix] == after[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and before[-1 - suffix] == after[-1 - suffix]:
        suffix += 1
    start = _location(before, prefix)
    end = _location(before, len(before) - suffix)
    return (Edit(after[prefix : len(after) - suffix], start, end),)


def _location(text: str, offset: int) -> Location:
    line_start = text.rfind("\n", 0, offset) + 1
    return Location(text.count("\n", 0, offset) + 1, offset - line_start + 1)


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """Apply edits (non-overlapping, positions in `text`) from the last to the first."""
    for edit in sorted(edits, key=lambda e: (e.location.line, e.location.column), reverse=True):
        start = _offset(text, edit.location)
        end = _offset(text, edit.end_location)
        text = text[:start] + edit.content + text[end:]
    return text


def _offset(text: str, location: Location) -> int:
    offset = 0
    for _ in range(location.line - 1):
        offset = text.index("\n", offset) + 1
    return offset + location.column - 1
