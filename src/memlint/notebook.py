"""Jupyter notebooks: an adapter in front of `api.lint_source`, not a second engine.

Two entry points, both free of I/O:

- `lint_cells(sources, path, config, fix=...)` lints a sequence of code-cell sources as ONE
  module (a list built in one cell and pickled in another is one finding) and maps every finding
  back to (cell, line, column) within the cell; with ``fix`` it returns each cell's fixed source.
  This is what an editor (the language server's notebook-document sync) calls: it already holds
  the cells.
- `lint_notebook(data, path, config, ...)` takes the .ipynb file's bytes or text, reads its code
  cells (`parse_notebook`), calls `lint_cells`, and writes the fixes back into the JSON text. It is
  what `api.lint_source` calls for a path ending in `.ipynb`, so the CLI, the cache, `--stdin-filename`
  and pre-commit need nothing else.

How cells become one module. Each code cell's text is joined to the next with a marker statement
on its own line (``__memlint_cell_<salt>_<k>__``): a cell is compiled on its own by IPython, so a
statement boundary between cells is faithful, and a marker that is a statement (not a comment)
can never be swallowed into the leading lines of the next cell's first statement when a fix
rewrites it. (So a rule looking for "the very next statement" at module level does not see one
across a cell boundary: faithful too, since cells may run in any order.) IPython syntax that Python cannot parse is masked line by line, so line numbers
never shift: line magics (``%timeit f()``), shell escapes (``!pip install x``, ``files = !ls``),
help (``obj?``, ``??obj``) and automagics (``pip install x``) become a marker name of their own
(keeping an assignment's target), only where a logical line starts (``% b`` continuing a bracketed
expression is Python, and is left alone). A cell whose first line is a cell magic (``%%time``,
``%%bash``...) is not Python and is skipped. Fixes whose changed nodes touch a masked line, a
marker or more than one cell are refused (`api.lint_source`'s ``fix_guard``), so a masked line is
restored byte for byte and a fix never moves code between cells; after fixing, the module is
split at the markers again and every marker and mask is checked to be where it belongs, or the
notebook is left unchanged (and the failure reported as a memlint bug).

Why plain `json` and not `nbformat`. Reading needs only the cells' type and source, which
`json.loads` gives without a dependency (nbformat pulls in jsonschema, fastjsonschema, traitlets
and jupyter_core, and validates far more than linting needs). Writing must leave every byte but
the fixed cell sources as it was: metadata, outputs, execution counts, key order, the JSON's
indentation and escaping, the final newline, ``source`` as a list of lines or as one string.
Neither `nbformat.write` nor `json.dumps` guarantees that (nbformat re-sorts keys, normalises
``source`` into a list and may add cell ids), so the JSON text is edited surgically: a small
scanner finds the byte span of each code cell's ``source`` value and only those spans of cells
that changed are replaced, in the style found in the file (one JSON string per line, the same
indentation; an unchanged line keeps its exact original JSON text). The result is re-read with
`json.loads` and checked to differ from the original in the fixed sources alone.
"""

from __future__ import annotations

import bisect
import difflib
import json
import re
from dataclasses import dataclass, replace
from functools import cached_property
from json.decoder import scanstring
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Optional, Sequence, Set, Tuple, Union

from memlint.api import NOTEBOOK_SUFFIX
from memlint.findings import (
    PARSE_ERROR_CODE,
    PARSE_ERROR_NAME,
    CellLocation,
    Edit,
    FileResult,
    Finding,
    FixInfo,
    InternalError,
    Location,
)

if TYPE_CHECKING:  # pragma: no cover
    from libcst.metadata import CodeRange

    from memlint.config import Config


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_BREAK = re.compile(r"\r\n|\r|\n")
_NBFORMAT_LINE = re.compile(r"[^\n]*\n|[^\n]+$")
_INDENT = re.compile(r"[ \t\f]*")
# `files = !ls`, `out = %timeit -o f()`: keep the targets, mask the IPython part.
_MAGIC_ASSIGNMENT = re.compile(r"([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*\s*=\s*)[!%]")
# `df.head?`, `np.array??`: IPython's help.
_HELP_SUFFIX = re.compile(r"[A-Za-z_][\w.]*(?:\(\))?\?{1,2}")
# Commands IPython runs without `%` or `!` (automagic): masked only when the line is not Python.
_AUTOMAGIC = re.compile(
    r"(?:pip|conda|mamba|micromamba|cd|ls|ll|cat|cp|mv|rm|mkdir|rmdir|pwd|env|alias|"
    r"load_ext|reload_ext|matplotlib|autoreload|time|timeit|run|who|whos|reset|store|pinfo)\b"
)


class NotebookError(Exception):
    """The text is not a notebook memlint can read (invalid JSON, not nbformat 4, bad shape)."""

    def __init__(self, reason: str, line: int = 1, column: int = 1) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.column = column

    def __str__(self) -> str:
        return self.reason


@dataclass(frozen=True)
class _SourceSpan:
    """Where a cell's ``source`` value is in the JSON text: the value's span, and the span of
    each JSON string in it (one for a string value, one per element for a list)."""

    start: int
    end: int
    is_list: bool
    items: Tuple[Tuple[int, int], ...]


@dataclass(frozen=True)
class NotebookCell:
    """One cell as read from the file. ``index`` is its 0-based position among all cells."""

    index: int
    cell_type: str
    source: str
    span: Optional[_SourceSpan] = None

    @property
    def number(self) -> int:
        """The 1-based cell number shown in output (`analysis.ipynb:cell 3`)."""
        return self.index + 1


@dataclass(frozen=True)
class Notebook:
    """A parsed notebook: its JSON text, its cells, and the kernel language when it names one."""

    text: str
    cells: Tuple[NotebookCell, ...]
    language: Optional[str] = None

    @cached_property
    def code_cells(self) -> Tuple[NotebookCell, ...]:
        return tuple(cell for cell in self.cells if cell.cell_type == "code")

    @cached_property
    def line_starts(self) -> List[int]:
        """The offset of each line of the JSON text."""
        return [0] + [match.end() for match in re.finditer("\n", self.text)]

    @property
    def is_python(self) -> bool:
        """A notebook naming no language is taken for Python (as Ruff does)."""
        return self.language is None or self.language.lower() in ("python", "python3", "ipython", "ipython3")


@dataclass(frozen=True)
class CellsResult:
    """What `lint_cells` returns.

    findings: sorted; each has ``cell.number`` = its cell's index in the given ``sources`` + 1
        (so ``finding.cell.number - 1`` indexes ``sources``), ``location``/``end_location``
        1-based (line, column) within that cell, ``source_line`` the cell's own line, and
        ``cell.file_start``/``file_end`` None. A finding whose range runs past its cell's end is
        clipped to the cell. Fix edits (``with_edits``) are relative to the cell too.
    errors: memlint bugs (a rule crashed, fixes could not be mapped back): reported, not raised.
    fixed_sources: None when no fix was applied; otherwise one string per given source, the
        unchanged ones identical to what was given.
    fixes_applied: how many fixes were applied.
    """

    findings: Tuple[Finding, ...] = ()
    errors: Tuple[InternalError, ...] = ()
    fixed_sources: Optional[Tuple[str, ...]] = None
    fixes_applied: int = 0


# --------------------------------------------------------------------------------------------
# Reading a notebook


def parse_notebook(text: str) -> Notebook:
    """The notebook's cells, from the .ipynb file's JSON text (already decoded).

    Raises `NotebookError` with a reason (and the JSON error's line and column) when the text is
    not valid JSON, not nbformat 4, or not shaped like a notebook (``cells`` not a list of objects,
    a ``source`` that is neither a string nor a list of strings).
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotebookError(f"not a valid notebook: invalid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except RecursionError:
        raise NotebookError("not a valid notebook: JSON nested too deeply") from None
    if not isinstance(data, dict):
        raise NotebookError("not a valid notebook: the JSON is not an object")
    version = data.get("nbformat")
    if version != 4 or isinstance(version, bool):
        shown = "missing" if version is None else json.dumps(version)
        raise NotebookError(
            f"not a valid notebook: nbformat {shown} is not supported (memlint reads nbformat 4; "
            "`jupyter nbconvert --to notebook --nbformat 4` converts older ones)"
        )
    cells = data.get("cells")
    if not isinstance(cells, list):
        raise NotebookError("not a valid notebook: `cells` is missing or not a list")
    spans = _source_spans(text)
    parsed: List[NotebookCell] = []
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict):
            raise NotebookError(f"not a valid notebook: cell {index + 1} is not an object")
        cell_type = cell.get("cell_type")
        source = cell.get("source")  # required by nbformat 4, for every kind of cell
        if isinstance(source, list) and all(isinstance(part, str) for part in source):
            source = "".join(source)
        if not isinstance(cell_type, str) or not isinstance(source, str):
            raise NotebookError(f"not a valid notebook: cell {index + 1} has no valid `cell_type` and `source`")
        parsed.append(NotebookCell(index, cell_type, source, spans.get(index)))
    return Notebook(text, tuple(parsed), _language(data.get("metadata")))


def _language(metadata: Any) -> Optional[str]:
    if not isinstance(metadata, dict):
        return None
    info = metadata.get("language_info")
    if isinstance(info, dict) and isinstance(info.get("name"), str):
        return str(info["name"])
    kernel = metadata.get("kernelspec")
    if isinstance(kernel, dict) and isinstance(kernel.get("language"), str):
        return str(kernel["language"])
    return None


_DECODER = json.JSONDecoder()
_WHITESPACE = re.compile(r"[ \t\n\r]*")


class _Scanner:
    """Finds the span of each cell's ``source`` value in JSON text that `json.loads` accepted."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def skip(self) -> str:
        match = _WHITESPACE.match(self.text, self.pos)
        assert match is not None
        self.pos = match.end()
        return self.text[self.pos : self.pos + 1]

    def expect(self, char: str) -> None:
        if self.skip() != char:
            raise ValueError(f"expected {char!r} at {self.pos}")
        self.pos += 1

    def string(self) -> str:
        self.expect('"')
        value, self.pos = scanstring(self.text, self.pos)
        return str(value)

    def skip_value(self) -> None:
        self.skip()
        _, self.pos = _DECODER.raw_decode(self.text, self.pos)

    def members(self) -> Iterator[str]:
        """The keys of the object at the cursor, leaving the cursor on each value."""
        self.expect("{")
        if self.skip() == "}":
            self.pos += 1
            return
        while True:
            key = self.string()
            self.expect(":")
            self.skip()
            before = self.pos
            yield key
            if self.pos == before:
                self.skip_value()
            if self.skip() == ",":
                self.pos += 1
                continue
            self.expect("}")
            return

    def elements(self) -> Iterator[int]:
        """The indexes of the array at the cursor, leaving the cursor on each element."""
        self.expect("[")
        if self.skip() == "]":
            self.pos += 1
            return
        index = 0
        while True:
            self.skip()
            before = self.pos
            yield index
            if self.pos == before:
                self.skip_value()
            index += 1
            if self.skip() == ",":
                self.pos += 1
                continue
            self.expect("]")
            return

    def source_value(self) -> Optional[_SourceSpan]:
        """The span of the ``source`` value at the cursor (None unless a string or strings)."""
        start = self.pos
        if self.text.startswith('"', start):
            self.string()
            return _SourceSpan(start, self.pos, False, ((start, self.pos),))
        if not self.text.startswith("[", start):
            self.skip_value()
            return None
        items: List[Tuple[int, int]] = []
        strings = True
        for _ in self.elements():
            item_start = self.pos
            if self.text.startswith('"', item_start):
                self.string()
                items.append((item_start, self.pos))
            else:
                strings = False
                self.skip_value()
        return _SourceSpan(start, self.pos, True, tuple(items)) if strings else None


def _source_spans(text: str) -> Dict[int, _SourceSpan]:
    """Cell index -> the span of its ``source`` (the last one when a key repeats, as json does).
    Empty when the text cannot be scanned (then fixes cannot be written back)."""
    spans: Dict[int, _SourceSpan] = {}
    scanner = _Scanner(text)
    try:
        for key in scanner.members():
            if key != "cells" or scanner.skip() != "[":
                continue
            spans = {}
            for index in scanner.elements():
                if scanner.skip() != "{":
                    continue
                for cell_key in scanner.members():
                    if cell_key == "source":
                        span = scanner.source_value()
                        if span is None:
                            spans.pop(index, None)
                        else:
                            spans[index] = span
    except (ValueError, AssertionError, IndexError):
        return {}
    return spans


# --------------------------------------------------------------------------------------------
# Cells to one module, and back


def is_cell_magic(source: str) -> bool:
    """A cell whose first non-blank line is a cell magic (`%%time`, `%%bash`): not Python."""
    return source.lstrip(" \t\r\n\f").startswith("%%")


def _split_lines(text: str) -> List[str]:
    """Lines with their endings (`\\r\\n`, `\\r` or `\\n`, as LibCST counts lines)."""
    return _LINE.findall(text)


def _body(line: str) -> str:
    return line.rstrip("\r\n")


@dataclass(frozen=True)
class _Mask:
    token: str  # the unique name that stands for the line
    masked: str  # the masked line, without its ending
    original: str  # the original line, without its ending


def _magic_prefix(content: str) -> Optional[str]:
    """For a line that starts a logical line (indentation removed): what to keep of it when it is
    IPython syntax ("" for all of it, the targets of `x = !ls`), or None when it is Python."""
    if content.startswith(("%", "!", "?")):
        return ""
    if _HELP_SUFFIX.fullmatch(content.rstrip()):
        return ""
    assignment = _MAGIC_ASSIGNMENT.match(content)
    if assignment is not None:
        return assignment.group(1)
    if _AUTOMAGIC.match(content) and _scan(content, 0, None) == (0, None, False) and not _compiles(content):
        return ""  # a complete line that is not Python (`run(a,` opens a call: it is left alone)
    return None


def _compiles(line: str) -> bool:
    try:
        compile(line, "<cell>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


def _mask_cell(source: str, salt: str, counter: List[int]) -> Tuple[str, List[_Mask]]:
    """The cell's text with IPython lines masked (same number of lines), and the masks.

    A small scanner follows brackets, strings and backslash continuations, so only lines that
    start a logical line are candidates (Python never starts a statement with `%`, `!` or `?`).
    """
    lines = _split_lines(source)
    masks: List[_Mask] = []
    depth = 0
    quote: Optional[str] = None
    continued = False
    magic_continues = False
    magic_indent = ""
    out: List[str] = []
    for line in lines:
        body = _body(line)
        ending = line[len(body) :]
        if magic_continues:  # a `\`-continued magic line: its continuation is masked too
            masked = magic_indent + _token(salt, counter)
            masks.append(_Mask(masked[len(magic_indent) :], masked, body))
            out.append(masked + ending)
            magic_continues = body.endswith("\\")
            continue
        if depth == 0 and quote is None and not continued:
            indent = _INDENT.match(body)
            assert indent is not None
            content = body[indent.end() :]
            prefix = _magic_prefix(content) if content and not content.startswith("#") else None
            if prefix is not None:
                token = _token(salt, counter)
                masked = indent.group() + prefix + token
                masks.append(_Mask(token, masked, body))
                out.append(masked + ending)
                magic_continues = body.endswith("\\")
                magic_indent = indent.group()
                continue
        depth, quote, continued = _scan(body, depth, quote)
        out.append(line)
    return "".join(out), masks


def _token(salt: str, counter: List[int]) -> str:
    counter[0] += 1
    return f"__memlint_magic_{salt}_{counter[0]}__"


def _scan(body: str, depth: int, quote: Optional[str]) -> Tuple[int, Optional[str], bool]:
    """Bracket depth, open string and backslash continuation after one line of Python."""
    i = 0
    n = len(body)
    while i < n:
        char = body[i]
        if quote is not None:
            if char == "\\":
                i += 2  # past the end: the string goes on to the next line
                continue
            if body.startswith(quote, i):
                i += len(quote)
                quote = None
                continue
            i += 1
            continue
        if char == "#":
            return depth, None, False
        if char in "'\"":
            quote = char * 3 if body.startswith(char * 3, i) else char
            i += len(quote)
            continue
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth = max(0, depth - 1)
        i += 1
    if quote is not None:
        if len(quote) == 1 and i == n:
            quote = None  # an unterminated one-line string: a syntax error, the parser reports it
        return depth, quote, False
    return depth, None, body.endswith("\\")


@dataclass(frozen=True)
class _Segment:
    """One cell's place in the joined module."""

    index: int  # position in the given sources
    first_line: int  # 1-based module line of the cell's first line
    line_count: int  # lines the cell occupies (its marker line not included)
    added_newline: bool  # a "\n" was added because the cell did not end with a line break
    masked: str  # the cell's text as placed in the module (masked, without the added newline)
    masks: Tuple[_Mask, ...]
    marker: Optional[str]  # the marker line that follows it (None for the last cell)


class _Module:
    """The code cells joined into one module, with the map back to cells."""

    def __init__(self, sources: Sequence[str]) -> None:
        self.sources = list(sources)
        salt = _salt(self.sources)
        counter = [0]
        included = [i for i, source in enumerate(self.sources) if not is_cell_magic(source)]
        parts: List[str] = []
        segments: List[_Segment] = []
        line = 1
        for position, index in enumerate(included):
            masked, masks = _mask_cell(self.sources[index], salt, counter)
            added = bool(masked) and not masked.endswith(("\n", "\r"))
            placed = masked + ("\n" if added else "")
            count = len(_BREAK.findall(placed))
            marker = f"__memlint_cell_{salt}_{position}__" if position < len(included) - 1 else None
            parts.append(placed)
            if marker is not None:
                parts.append(marker + "\n")
            segments.append(_Segment(index, line, count, added, masked, tuple(masks), marker))
            line += count + (1 if marker is not None else 0)
        self.text = "".join(parts)
        self.segments = segments
        self._starts = [segment.first_line for segment in segments]
        self._markers = {s.marker for s in segments if s.marker is not None}
        self._mask_tag = f"__memlint_magic_{salt}_"
        self._layout: Tuple[str, List[int], Set[int]] = ("", [], set())

    def segment_at(self, line: int) -> Optional[_Segment]:
        """The cell a module line belongs to (a marker line belongs to the cell before it)."""
        position = bisect.bisect_right(self._starts, line) - 1
        return self.segments[position] if position >= 0 else None

    def guard(self, text: str, ranges: Sequence["CodeRange"]) -> bool:
        """A fix may change lines of one cell only, and no masked line and no marker. ``text`` is
        the module as the fix pass sees it (earlier passes may have added lines)."""
        markers, masked = self._lines_of(text)
        cells = set()
        for where in ranges:
            for line in range(where.start.line, where.end.line + 1):
                if line in masked or line in markers:
                    return False
            cell = bisect.bisect_left(markers, where.start.line)
            if bisect.bisect_left(markers, where.end.line) != cell:
                return False
            cells.add(cell)
        return len(cells) <= 1

    def _lines_of(self, text: str) -> Tuple[List[int], Set[int]]:
        """The marker lines (sorted) and masked lines of a version of the module."""
        if self._layout[0] is not text:
            markers: List[int] = []
            masked: Set[int] = set()
            for number, line in enumerate(_split_lines(text), start=1):
                body = _body(line)
                if body in self._markers:
                    markers.append(number)
                elif self._mask_tag in body:
                    masked.add(number)
            self._layout = (text, markers, masked)
        return self._layout[1], self._layout[2]

    def split(self, fixed: str) -> Optional[List[str]]:
        """The fixed module back into the given sources, or None when it cannot be done exactly
        (a marker or a masked line moved or changed)."""
        result = list(self.sources)
        position = 0
        for segment in self.segments:
            if segment.marker is not None:
                line = segment.marker + "\n"
                at = fixed.find(line, position)
                if at < 0 or fixed.count(segment.marker) != 1 or (at > 0 and fixed[at - 1] not in "\r\n"):
                    return None
                piece, position = fixed[position:at], at + len(line)
            else:
                piece, position = fixed[position:], len(fixed)
            if segment.added_newline:
                if not piece.endswith("\n"):
                    return None
                piece = piece[:-1]
            if piece == segment.masked:
                continue  # unchanged: the given source, byte for byte
            restored = _unmask(piece, segment.masks)
            if restored is None:
                return None
            result[segment.index] = restored
        return result

    def cell_line(self, segment: _Segment, line: int) -> str:
        """The original (unmasked) text of a cell's line, without its ending."""
        lines = _split_lines(self.sources[segment.index])
        return _body(lines[line - 1]) if 0 < line <= len(lines) else ""


def _salt(sources: Sequence[str]) -> str:
    """A tag no cell contains, so markers and masks are unique."""
    number = 0
    while any(f"memlint_magic_{number}" in s or f"memlint_cell_{number}" in s for s in sources):
        number += 1
    return str(number)


def _unmask(text: str, masks: Sequence[_Mask]) -> Optional[str]:
    lines = _split_lines(text)
    remaining = {mask.token: mask for mask in masks}
    for number, line in enumerate(lines):
        body = _body(line)
        for token in [t for t in remaining if t in body]:
            mask = remaining.pop(token)
            if body != mask.masked:
                return None
            lines[number] = mask.original + line[len(body) :]
            body = mask.original
    if remaining:
        return None
    return "".join(lines)


# --------------------------------------------------------------------------------------------
# Linting


def lint_cells(
    sources: Sequence[str],
    path: str = "<notebook>",
    config: Optional["Config"] = None,
    *,
    fix: bool = False,
    unsafe_fixes: Optional[bool] = None,
    with_edits: bool = False,
    inline_noqa: bool = True,
    prefilter: bool = True,
) -> CellsResult:
    """Lint notebook code cells as one module (names flow from cell to cell), with no I/O.

    ``sources``: the code cells' texts, in notebook order (leave markdown and raw cells out; a
    cell magic cell such as `%%bash` may be passed, it is skipped). ``path`` selects the rules
    (per-file-ignores) and names the findings; ``config`` as for `api.lint_source`.

    IPython lines (`%magic`, `!cmd`, `x = !cmd`, `obj?`, `pip install x`) are masked: they neither
    break parsing nor shift positions, and come back byte for byte in fixed sources; a fix that
    would touch one, or span cells, is not offered. `# noqa` works per line; a `# memlint: noqa`
    line in any cell covers every cell. A syntax error in any cell gives one MEM000 finding,
    placed in its cell.

    Returns a `CellsResult`: findings with ``cell.number - 1`` = the index into ``sources`` and
    (line, column) within that cell; with ``fix``, ``fixed_sources`` (one per source, unchanged
    ones identical) or None when nothing changed.
    """
    from memlint.api import lint_source

    module = _Module(sources)
    if not module.segments:
        return CellsResult()
    result = lint_source(
        module.text, path, config, fix=fix, unsafe_fixes=unsafe_fixes, with_edits=with_edits,
        inline_noqa=inline_noqa, prefilter=prefilter, fix_guard=module.guard, notebook=False,
    )
    errors = result.errors
    fixed_sources: Optional[Tuple[str, ...]] = None
    findings = result.findings
    applied = result.fixes_applied
    if result.fixed_source is not None:
        split = module.split(result.fixed_source)
        if split is None:
            unfixed = lint_source(
                module.text, path, config, unsafe_fixes=unsafe_fixes, with_edits=with_edits,
                inline_noqa=inline_noqa, prefilter=prefilter, fix_guard=module.guard, notebook=False,
            )
            failure = "fixes could not be mapped back to the notebook's cells; notebook left unchanged"
            findings, applied = unfixed.findings, 0
            errors = unfixed.errors + (InternalError(path, failure),)
        else:
            fixed_sources = tuple(split)
            module = _Module(split)  # the remaining findings are positioned in the fixed text
    mapped = [_to_cell(finding, module) for finding in findings]
    return CellsResult(
        findings=tuple(sorted(mapped, key=lambda f: f.sort_key)),
        errors=tuple(errors),
        fixed_sources=fixed_sources,
        fixes_applied=applied,
    )


def _to_cell(finding: Finding, module: _Module) -> Finding:
    segment = module.segment_at(finding.location.line)
    if segment is None:
        segment = module.segments[0]
    start = _cell_location(module, segment, finding.location)
    end_segment = module.segment_at(finding.end_location.line)
    if end_segment is segment and finding.end_location.line < segment.first_line + segment.line_count:
        end = _cell_location(module, segment, finding.end_location)
    else:  # runs past the cell: clip to its end
        last = max(1, segment.line_count)
        end = Location(last, len(module.cell_line(segment, last)) + 1)
    if (end.line, end.column) < (start.line, start.column):
        end = start
    fix = finding.fix
    if fix is not None and fix.edits:
        fix = replace(fix, edits=_edits_in_cell(fix, module, segment))
    return replace(
        finding,
        location=start,
        end_location=end,
        source_line=module.cell_line(segment, start.line),
        fix=fix,
        cell=CellLocation(segment.index + 1),
    )


def _cell_location(module: _Module, segment: _Segment, location: Location) -> Location:
    line = location.line - segment.first_line + 1
    if line > segment.line_count:  # on the marker after the cell (e.g. an unclosed bracket)
        line = max(1, segment.line_count)
        return Location(line, len(module.cell_line(segment, line)) + 1)
    return Location(line, min(location.column, len(module.cell_line(segment, line)) + 1))


def _edits_in_cell(fix: FixInfo, module: _Module, segment: _Segment) -> Tuple[Edit, ...]:
    """The fix's edits relative to the cell, or none when they leave it or touch a mask."""
    edits = []
    last = segment.first_line + segment.line_count - 1
    for edit in fix.edits:
        if not (segment.first_line <= edit.location.line <= last and segment.first_line <= edit.end_location.line <= last):
            return ()
        if any(mask.token in edit.content for mask in segment.masks):
            return ()
        offset = segment.first_line - 1
        edits.append(
            Edit(
                edit.content,
                Location(edit.location.line - offset, edit.location.column),
                Location(edit.end_location.line - offset, edit.end_location.column),
            )
        )
    return tuple(edits)


def lint_notebook(
    source: Union[str, bytes],
    path: str,
    config: Optional["Config"] = None,
    *,
    fix: bool = False,
    unsafe_fixes: Optional[bool] = None,
    with_edits: bool = False,
    inline_noqa: bool = True,
    prefilter: bool = True,
) -> FileResult:
    """Lint a .ipynb file's bytes (or decoded text): findings name their cell (numbered among
    all cells, from 1) and carry their place in the JSON text; with ``fix``, ``fixed_source`` is
    the new JSON text, every byte but the fixed cells' ``source`` values unchanged. A file that
    is not UTF-8 JSON in nbformat 4 gives one MEM000 finding."""
    if isinstance(source, bytes):
        try:
            text = decode_notebook(source)
        except NotebookError as exc:
            return _error(path, exc.reason, exc.line, exc.column)
    else:
        text = source[1:] if source.startswith("\ufeff") else source
    try:
        notebook = parse_notebook(text)
    except NotebookError as exc:
        return _error(path, exc.reason, exc.line, exc.column)
    if not notebook.is_python:
        return FileResult(path)
    cells = notebook.code_cells
    result = lint_cells(
        [cell.source for cell in cells], path, config, fix=fix, unsafe_fixes=unsafe_fixes,
        with_edits=with_edits, inline_noqa=inline_noqa, prefilter=prefilter,
    )
    errors = result.errors
    fixed_text: Optional[str] = None
    applied = result.fixes_applied
    current = notebook
    if result.fixed_sources is not None:
        try:
            fixed_text = rewrite_sources(notebook, result.fixed_sources)
            current = parse_notebook(fixed_text)
        except NotebookError as exc:
            fixed_text, applied = None, 0
            errors = errors + (InternalError(path, f"{exc}; notebook left unchanged"),)
            result = lint_cells(
                [cell.source for cell in cells], path, config, unsafe_fixes=unsafe_fixes,
                with_edits=with_edits, inline_noqa=inline_noqa, prefilter=prefilter,
            )
    placed = [_in_notebook(finding, current) for finding in result.findings]
    return FileResult(
        path,
        findings=tuple(sorted(placed, key=lambda f: f.sort_key)),
        errors=tuple(errors),
        fixed_source=fixed_text,
        fixes_applied=applied,
    )


def decode_notebook(data: bytes) -> str:
    """A notebook's text: JSON is UTF-8 (RFC 8259), a byte order mark is dropped (the writer puts it
    back: `parsing.decode` detects it), and PEP 263 coding cookies mean nothing here."""
    from memlint.parsing import MAX_FILE_BYTES

    if len(data) > MAX_FILE_BYTES:
        raise NotebookError(f"file is too large to lint ({len(data):,} bytes; the limit is {MAX_FILE_BYTES:,})")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise NotebookError(f"file is not valid UTF-8: cannot decode byte 0x{data[exc.start]:02x}", line, column) from None
    return text[1:] if text.startswith("\ufeff") else text


def _error(path: str, reason: str, line: int, column: int) -> FileResult:
    where = Location(line, column)
    return FileResult(path, findings=(Finding(PARSE_ERROR_CODE, PARSE_ERROR_NAME, reason, path, where, where),))


def _in_notebook(finding: Finding, notebook: Notebook) -> Finding:
    """A `lint_cells` finding (cell = index among code cells + 1) placed in the notebook: its cell
    number among all cells, and its span in the JSON text."""
    assert finding.cell is not None
    cell = notebook.code_cells[finding.cell.number - 1]
    file_start = file_end = None
    if cell.span is not None:
        file_start = _file_location(notebook, cell, finding.location)
        file_end = _file_location(notebook, cell, finding.end_location)
    return replace(finding, cell=CellLocation(cell.number, file_start, file_end))


def _file_location(notebook: Notebook, cell: NotebookCell, location: Location) -> Location:
    """A (line, column) in a cell's source -> the same character in the JSON text."""
    assert cell.span is not None
    text = notebook.text
    lines = _split_lines(cell.source)
    offset = sum(len(line) for line in lines[: location.line - 1]) + location.column - 1
    offset = max(0, min(offset, len(cell.source)))
    position = cell.span.items[-1][1] - 1 if cell.span.items else cell.span.start
    for start, end in cell.span.items:
        value, _ = scanstring(text, start + 1)
        if offset < len(value) or (start, end) == cell.span.items[-1]:
            position = _json_position(text, start + 1, min(offset, len(value)))
            break
        offset -= len(value)
    line = bisect.bisect_right(notebook.line_starts, position)
    return Location(line, position - notebook.line_starts[line - 1] + 1)


def _json_position(text: str, start: int, characters: int) -> int:
    """The offset in `text` of the `characters`-th decoded character of the JSON string whose
    content starts at `start`."""
    position = start
    for _ in range(characters):
        if text[position] != "\\":
            position += 1
        elif text[position + 1] != "u":
            position += 2
        elif 0xD800 <= int(text[position + 2 : position + 6], 16) < 0xDC00 and text.startswith("\\u", position + 6):
            position += 12  # a surrogate pair: one character
        else:
            position += 6
    return position


# --------------------------------------------------------------------------------------------
# Writing fixes back


def rewrite_sources(notebook: Notebook, sources: Sequence[str]) -> str:
    """The notebook's JSON text with its code cells' sources replaced (in `code_cells` order),
    every other byte unchanged. Raises `NotebookError` when a changed cell's source cannot be
    located, or when the result does not read back as the same notebook with the new sources."""
    cells = notebook.code_cells
    if len(sources) != len(cells):
        raise NotebookError("internal error: the fixed cells do not match the notebook")
    text = notebook.text
    ascii_only = _escapes_non_ascii(text)
    replacements: List[Tuple[int, int, str]] = []
    for cell, new in zip(cells, sources):
        if new == cell.source:
            continue
        if cell.span is None:
            raise NotebookError(f"cannot locate the source of cell {cell.number} in the file")
        replacements.append((cell.span.start, cell.span.end, _source_json(text, cell, new, ascii_only)))
    pieces: List[str] = []
    position = 0
    for start, end, value in replacements:
        pieces.append(text[position:start])
        pieces.append(value)
        position = end
    pieces.append(text[position:])
    result = "".join(pieces)
    _check_rewrite(notebook, result, sources)
    return result


def _escapes_non_ascii(text: str) -> bool:
    """Does the file write non-ASCII characters as `\\uXXXX` (json's ensure_ascii)?"""
    if not text.isascii():
        return False
    return re.search(r"\\u(?:00[89a-fA-F]|0[1-9a-fA-F][0-9a-fA-F]|[1-9a-fA-F][0-9a-fA-F]{2})[0-9a-fA-F]", text) is not None


def _source_json(text: str, cell: NotebookCell, new: str, ascii_only: bool) -> str:
    assert cell.span is not None
    span = cell.span
    if not span.is_list:
        return json.dumps(new, ensure_ascii=ascii_only)
    old_items = [(scanstring(text, start + 1)[0], text[start:end]) for start, end in span.items]
    known = {value: raw for value, raw in old_items}
    old_values = [value for value, _ in old_items]
    lines = new.splitlines(True) if old_values == cell.source.splitlines(True) != _split_on_newline(cell.source) else _split_on_newline(new)
    if not lines:
        return "[]"
    items = [known.get(line) or json.dumps(line, ensure_ascii=ascii_only) for line in lines]
    opening, separator, closing = _list_layout(text, span)
    return "[" + opening + separator.join(items) + closing + "]"


def _split_on_newline(source: str) -> List[str]:
    """nbformat's lines: split after each "\\n" (a "\\r\\n" stays inside its line)."""
    return _NBFORMAT_LINE.findall(source)


def _list_layout(text: str, span: _SourceSpan) -> Tuple[str, str, str]:
    """The whitespace of the original list: after `[`, between items (with the comma), before `]`."""
    items = span.items
    if len(items) >= 2:
        opening = text[span.start + 1 : items[0][0]]
        return opening, text[items[0][1] : items[1][0]], text[items[-1][1] : span.end - 1]
    if len(items) == 1:
        opening = text[span.start + 1 : items[0][0]]
        return opening, "," + (opening or (" " if ", " in text else "")), text[items[0][1] : span.end - 1]
    if "\n" not in text:
        return "", ", " if ", " in text else ",", ""
    line_start = text.rfind("\n", 0, span.start) + 1
    indent = _INDENT.match(text, line_start)
    assert indent is not None
    unit = _indent_unit(text)
    inner = "\n" + indent.group() + unit
    return inner, "," + inner, "\n" + indent.group()


def _indent_unit(text: str) -> str:
    """The file's indentation step: the indentation of the first key of the top-level object."""
    match = re.match(r"\s*\{\r?\n([ \t]+)", text)
    return match.group(1) if match else " "


def _check_rewrite(notebook: Notebook, text: str, sources: Sequence[str]) -> None:
    try:
        before = json.loads(notebook.text)
        after = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotebookError(f"internal error: the fixed notebook is not valid JSON ({exc.msg})") from None
    codes = [cell.index for cell in notebook.code_cells]
    for index, source in zip(codes, sources):
        old = before["cells"][index].get("source")
        new = after["cells"][index].get("source")
        if ("".join(new) if isinstance(new, list) else new) != source:
            raise NotebookError(f"internal error: cell {index + 1} was not written as fixed")
        if isinstance(old, list) != isinstance(new, list):
            raise NotebookError(f"internal error: cell {index + 1} changed shape")
        before["cells"][index]["source"] = new
    if before != after and _comparable(before):
        raise NotebookError("internal error: the fixed notebook differs outside the fixed cells")


def _comparable(data: Any) -> bool:
    """False when the JSON holds a NaN (which never equals itself)."""
    return data == data


# --------------------------------------------------------------------------------------------
# Diffs


def unified_diff(path: str, original: str, fixed: str) -> str:
    """`--diff` for a notebook: one unified diff per changed code cell, labelled with the cell
    (`--- analysis.ipynb:cell 3`), as Ruff prints them; the JSON around it is not shown."""
    try:
        before, after = parse_notebook(original), parse_notebook(fixed)
    except NotebookError:
        return ""
    out: List[str] = []
    for old, new in zip(before.cells, after.cells):
        if old.source == new.source:
            continue
        label = f"{path}:cell {old.number}"
        before_text, after_text = old.source, new.source
        if not before_text.endswith("\n") and not after_text.endswith("\n"):
            # A cell's last line has no line break: not worth a "No newline" note on every diff.
            before_text, after_text = before_text + "\n", after_text + "\n"
        lines = difflib.unified_diff(
            before_text.splitlines(keepends=True), after_text.splitlines(keepends=True), label, label
        )
        out.extend(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)
    return "".join(out)
