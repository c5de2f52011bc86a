"""Editor-side facts computed from text alone (no pygls here): `# noqa` edits, the `# noqa`
code under the cursor, hover text, rule pages, and columns in the client's position encoding.

Positions inside memlint are 1-based lines and 1-based columns counted in code points; the
Language Server Protocol counts 0-based lines and columns in UTF-16 code units unless the
client chose UTF-8 or UTF-32.
"""

from __future__ import annotations

import io
import re
import tempfile
import tokenize
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import memlint
from memlint.evidence import measured_section
from memlint.findings import Edit, Location
from memlint.suppression import NOQA_INLINE, is_suppressed

LINE_BREAK = re.compile(r"\r\n|\r|\n")
CODE_IN_NOQA = re.compile(r"[A-Z]+[0-9]+", re.IGNORECASE)
UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"


def split_lines(text: str) -> List[str]:
    """The physical lines, without their line breaks (`\\r\\n`, `\\r` or `\\n`, as Python counts)."""
    return LINE_BREAK.split(text)


def units(prefix: str, encoding: str) -> int:
    """How many code units of `encoding` the text takes."""
    if encoding == UTF32:
        return len(prefix)
    if encoding == UTF8:
        return len(prefix.encode("utf-8", "surrogatepass"))
    return len(prefix) + sum(1 for char in prefix if ord(char) > 0xFFFF)


def to_client(lines: List[str], location: Location, encoding: str) -> Tuple[int, int]:
    """memlint's 1-based (line, code point column) -> the protocol's 0-based (line, units)."""
    line = location.line - 1
    if line >= len(lines):
        return len(lines), 0
    return line, units(lines[line][: location.column - 1], encoding)


def from_client(lines: List[str], line: int, character: int, encoding: str) -> Location:
    """The protocol's (line, units) -> memlint's 1-based (line, code point column)."""
    if line >= len(lines):
        return Location(line + 1, 1)
    text = lines[line]
    if encoding == UTF32:
        return Location(line + 1, min(character, len(text)) + 1)
    count = 0
    for index, char in enumerate(text):
        if count >= character:
            return Location(line + 1, index + 1)
        count += units(char, encoding)
    return Location(line + 1, len(text) + 1)


def noqa_edit(text: str, line: int, code: str) -> Optional[Edit]:
    """The edit that silences `code` on the logical line that holds physical line `line`.

    An existing `# noqa: X` there gets `, CODE` added; otherwise `  # noqa: CODE` goes at the
    end of the logical line's last physical line (where a comment is always allowed). None when
    the line is already silenced for `code` (a bare `# noqa`, or the code listed).
    """
    first, last, comments = _logical_line(text, line)
    for comment_line, column, comment in comments:
        match = NOQA_INLINE.search(comment)
        if match is None:
            continue
        codes = match.group("codes")
        if codes is None or is_suppressed(code, frozenset(c.upper() for c in CODE_IN_NOQA.findall(codes))):
            return None
        where = Location(comment_line, column + match.end("codes") + 1)
        return Edit(f", {code}", where, where)
    lines = split_lines(text)
    end = Location(last, len(lines[last - 1]) + 1) if last <= len(lines) else Location(last, 1)
    return Edit(f"  # noqa: {code}", end, end)


def _logical_line(text: str, line: int) -> Tuple[int, int, List[Tuple[int, int, str]]]:
    """(first, last) physical lines of the logical line holding `line`, and its comments as
    (line, 0-based column, text). A file the tokenizer rejects is read line by line."""
    comments: List[Tuple[int, int, str]] = []
    start: Optional[int] = None
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                comments.append((token.start[0], token.start[1], token.string))
            elif token.type in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER):
                first = token.start[0] if start is None else start
                if token.type != tokenize.NL or start is None:
                    if first <= line <= token.end[0]:
                        return first, token.end[0], [c for c in comments if first <= c[0] <= token.end[0]]
                    start = None
                    comments = []
            elif start is None and token.type not in (tokenize.INDENT, tokenize.DEDENT):
                start = token.start[0]
    except (tokenize.TokenError, SyntaxError):
        pass
    physical = split_lines(text)[line - 1] if line <= len(split_lines(text)) else ""
    hash_at = physical.find("#")
    return line, line, [(line, hash_at, physical[hash_at:])] if hash_at >= 0 else []


def noqa_code_at(line_text: str, column: int) -> Optional[str]:
    """The rule code of a `# noqa: CODES` comment under 1-based code point `column`, if any."""
    for match in NOQA_INLINE.finditer(line_text):
        if match.group("codes") is None:
            continue
        offset = match.start("codes")
        for code in CODE_IN_NOQA.finditer(match.group("codes")):
            if offset + code.start() < column <= offset + code.end() + 1:
                return code.group().upper()
    return None


def hover_text(code: str) -> Optional[str]:
    """Markdown for a rule: its summary, its measured cost and a link to its page."""
    from memlint.registry import find_rule

    rule = find_rule(code)
    if rule is None or rule.code != code:
        return None
    measured = " ".join(line for line in measured_section(code)[1:] if line).strip()
    evidence = Path(memlint.__file__).resolve().parents[2] / "docs" / "evidence.md"
    measured = measured.replace(
        "[docs/evidence.md](../evidence.md)",
        f"[docs/evidence.md]({evidence.as_uri()})" if evidence.is_file() else "docs/evidence.md",
    )
    out = [f"**{code}** `{rule.name}`", "", rule.summary(), "", f"**Measured:** {measured}"]
    page = rule_page_uri(code)
    if page is not None:
        out += ["", f"[{code} documentation]({page})"]
    return "\n".join(out)


_PAGES: Dict[str, Optional[str]] = {}


def rule_page_uri(code: str) -> Optional[str]:
    """A `file:` URI of the rule's page (memlint has no public documentation site yet).

    In a checkout (an editable install) that is `docs/rules/CODE.md` (MEM000's page included);
    otherwise a rule's page is rendered once, as `memlint rule CODE` prints it, into a directory
    under the system's temporary directory. None for an unknown code.
    """
    if code in _PAGES:
        return _PAGES[code]
    from memlint.registry import find_rule

    page: Optional[Path] = Path(memlint.__file__).resolve().parents[2] / "docs" / "rules" / f"{code}.md"
    if not (page is not None and page.is_file()):
        rule = find_rule(code)
        page = _rendered_page(code) if rule is not None and rule.code == code else None
    uri = page.as_uri() if page is not None else None
    _PAGES[code] = uri
    return uri


def _rendered_page(code: str) -> Optional[Path]:
    from memlint.registry import find_rule
    from memlint.rule_docs import render_rule

    rule = find_rule(code)
    assert rule is not None
    directory = Path(tempfile.gettempdir()) / f"memlint-{memlint.__version__}-rules"
    page = directory / f"{code}.md"
    try:
        directory.mkdir(exist_ok=True)
        if not page.is_file():
            page.write_text(render_rule(rule), encoding="utf-8")
    except OSError:
        return None
    return page
