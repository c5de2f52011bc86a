"""Hoisting a `def`/`class` statement out of a loop or function, as one CST replacement.

`hoist_before(anchor, definition)` removes `definition` from wherever it sits inside `anchor`
(a statement: the loop, or the top-level statement holding a function) and returns the
replacement for `anchor`: the definition followed by the anchor without it. Blank lines that
preceded the anchor now precede the definition; comments just above the anchor stay with it;
the definition keeps its own comments. Callers make sure the removal leaves no empty block.
"""

from __future__ import annotations

from typing import List, Sequence, Tuple, Union

import libcst as cst

from memlint import matchers as m

Definition = Union[cst.FunctionDef, cst.ClassDef]
BLANK = m.EmptyLine(comment=None)


def hoist_before(anchor: cst.BaseStatement, definition: Definition, blank_lines_after: int = 0) -> cst.FlattenSentinel:
    """The statements replacing `anchor`: `definition` first, then `anchor` without it."""
    remaining = cst.ensure_type(anchor.deep_remove(definition), type(anchor))
    anchor_blanks, anchor_rest = _split_blank_prefix(getattr(anchor, "leading_lines"))
    own_comments = [line for line in definition.leading_lines if not m.matches(line, BLANK)]
    hoisted = definition.with_changes(leading_lines=anchor_blanks + own_comments)
    separator = [cst.EmptyLine()] * blank_lines_after
    remaining = remaining.with_changes(leading_lines=separator + anchor_rest)
    return cst.FlattenSentinel([hoisted, remaining])


def _split_blank_prefix(lines: Sequence[cst.EmptyLine]) -> Tuple[List[cst.EmptyLine], List[cst.EmptyLine]]:
    count = 0
    while count < len(lines) and m.matches(lines[count], BLANK):
        count += 1
    return list(lines[:count]), list(lines[count:])
