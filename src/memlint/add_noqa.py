"""`--add-noqa`: a `# noqa: CODE` comment for every finding, as Ruff's `--add-noqa` writes them.

The comment goes on the last line of the finding's logical line (where flake8 and memlint look
for it, after a multi-line string or bracket closes). A line that already has `# noqa: CODES`
gets the new codes appended to them; a line silenced by a bare `# noqa` is left alone. MEM000
is never given one: it cannot be silenced. No I/O here: text in, text out.
"""

from __future__ import annotations

from typing import Dict, List, Sequence, Tuple

from memlint.findings import PARSE_ERROR_CODE, Finding
from memlint.suppression import NOQA_INLINE, NoqaMap, is_suppressed, logical_line_ranges


def add_noqa(text: str, findings: Sequence[Finding]) -> Tuple[str, int]:
    """The text with the comments added, and the number of lines that got one."""
    codes_by_line: Dict[int, List[str]] = {}
    noqa = NoqaMap(text)
    ranges = logical_line_ranges(text)
    for finding in findings:
        if finding.code == PARSE_ERROR_CODE:
            continue
        line = finding.location.line
        if is_suppressed(finding.code, noqa.codes_for(line)):
            continue
        last = next((end for start, end in ranges if start <= line <= end), line)
        codes = codes_by_line.setdefault(last, [])
        if finding.code not in codes:
            codes.append(finding.code)
    if not codes_by_line:
        return text, 0
    lines = text.splitlines(keepends=True)
    added = 0
    for number, codes in codes_by_line.items():
        if number > len(lines) or lines[number - 1].rstrip().endswith("\\"):
            continue  # a comment after a line continuation would end the statement there
        lines[number - 1] = _with_codes(lines[number - 1], sorted(codes))
        added += 1
    return "".join(lines), added


def _with_codes(line: str, codes: List[str]) -> str:
    body = line.rstrip("\r\n")
    ending = line[len(body):]
    match = NOQA_INLINE.search(body)
    if match is not None and match.group("codes"):
        existing = match.group("codes").rstrip()
        merged = f"{existing}, {', '.join(codes)}"
        end = match.start("codes") + len(existing)
        return body[: match.start("codes")] + merged + body[end:] + ending
    return f"{body.rstrip()}  # noqa: {', '.join(codes)}{ending}"

