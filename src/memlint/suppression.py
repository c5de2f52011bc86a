"""`# noqa` comments with flake8's semantics, and the file-level `# memlint: noqa`.

As in Ruff, `# flake8: noqa` counts as `# memlint: noqa` (the whole file) and
`# flake8: noqa: MEM101` as `# memlint: noqa: MEM101` (that code in the whole file). Nothing here
ever silences MEM000: a file that cannot be parsed is always reported.

flake8 looks for a noqa comment anywhere in the *logical line* a finding starts on: a comment on
the last line of a multi-line string or bracketed expression covers every physical line of it.
The mapping is built from tokens, and only for files that have findings.
"""

from __future__ import annotations

import io
import re
import tokenize
from typing import Dict, FrozenSet, Iterable, List, Optional, Tuple

# flake8's own pattern: `# noqa`, `# NOQA`, `# noqa: MEM101,MEM102`, `# noqa:MEM101 MEM102`.
NOQA_INLINE = re.compile(
    r"#\s*noqa"
    r"(?::[\s]?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?",
    re.IGNORECASE,
)
# File level: a line holding only `# memlint: noqa` or `# flake8: noqa` (optionally `: MEM101,MEM102`).
NOQA_FILE = re.compile(
    r"^[ \t\f]*#[ \t]*(?:memlint|flake8)[ \t]*:[ \t]*noqa"
    r"(?:[ \t]*:[ \t]*(?P<codes>[A-Z]+[0-9]+(?:[, \t]+[A-Z]+[0-9]+)*))?[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
_SPLIT = re.compile(r"[,\s]+")

ALL = frozenset({"*"})  # marker: every code suppressed


def _codes(text: Optional[str]) -> FrozenSet[str]:
    if not text:
        return ALL
    return frozenset(code.upper() for code in _SPLIT.split(text.strip()) if code)


def file_suppression(text: str) -> Optional[FrozenSet[str]]:
    """Codes suppressed for the whole file (`ALL` for a bare `# memlint: noqa`), or None."""
    if "memlint" not in text and "flake8" not in text:
        return None
    found: Optional[FrozenSet[str]] = None
    for match in NOQA_FILE.finditer(text):
        codes = _codes(match.group("codes"))
        if codes is ALL:
            return ALL
        found = codes if found is None else found | codes
    return found


# `ruff-compat = true`: a `# noqa` for the Ruff (or flake8 plugin) code that reports the same
# pattern silences the memlint rule too (docs/ruff.md has the table and the reasons).
RUFF_EQUIVALENTS: Dict[str, Tuple[str, ...]] = {
    "MEM101": ("C419",),
    "MEM103": ("FURB129",),
    "MEM106": ("RUF015",),
    "MEM107": ("C413", "C414"),
    "MEM110": ("FURB192",),
    "MEM306": ("RUF017",),
    "MEM601": ("B019",),
    "MEM603": ("B006",),
}


def is_suppressed(code: str, codes: Optional[FrozenSet[str]], *, ruff_compat: bool = False) -> bool:
    if codes is None:
        return False
    if codes is ALL:
        return True
    # flake8 matches by prefix: `# noqa: MEM1` silences every MEM1xx.
    names = (code, *RUFF_EQUIVALENTS.get(code, ())) if ruff_compat else (code,)
    return any(name.startswith(prefix) for name in names for prefix in codes)


class NoqaMap:
    """Line number -> codes silenced there, built once per file with findings."""

    def __init__(self, text: str) -> None:
        self._lines = text.splitlines()
        self._by_line: Dict[int, Optional[FrozenSet[str]]] = {}
        self._ranges = logical_line_ranges(text)

    def codes_for(self, line: int) -> Optional[FrozenSet[str]]:
        if line not in self._by_line:
            first, last = self._range_of(line)
            joined = "\n".join(self._lines[first - 1 : last])
            match = NOQA_INLINE.search(joined) if "noqa" in joined.lower() else None
            codes = _codes(match.group("codes")) if match else None
            for number in range(first, last + 1):
                self._by_line[number] = codes
        return self._by_line[line]

    def _range_of(self, line: int) -> Tuple[int, int]:
        for first, last in self._ranges:
            if first <= line <= last:
                return first, last
        return line, line


def logical_line_ranges(text: str) -> List[Tuple[int, int]]:
    """(first, last) physical lines of each multi-line logical line; single lines are implied."""
    ranges: List[Tuple[int, int]] = []
    start: Optional[int] = None
    try:
        tokens: Iterable[tokenize.TokenInfo] = tokenize.generate_tokens(io.StringIO(text).readline)
        for token in tokens:
            if token.type in (tokenize.NEWLINE, tokenize.ENDMARKER) or (
                token.type == tokenize.NL and start is None
            ):
                if start is not None and token.end[0] > start:
                    ranges.append((start, token.end[0]))
                start = None
            elif start is None and token.type not in (
                tokenize.COMMENT,
                tokenize.NL,
                tokenize.INDENT,
                tokenize.DEDENT,
            ):
                start = token.start[0]
    except (tokenize.TokenError, SyntaxError):
        # Syntax newer than this interpreter's tokenizer: fall back to physical lines.
        return ranges
    return ranges
