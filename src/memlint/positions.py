"""Node positions at a fraction of LibCST's PositionProvider cost, with the same answers.

LibCST's provider regenerates the module's code and, for every token, splits it on newlines and
builds position objects: about 9x the cost of plain code generation (3.4 s against 0.38 s on 40
standard-library modules). Only files with findings need positions at all, and only for a few
nodes, so this state records plain character offsets while generating the code (the same hooks,
the same "syntactic position" rules: a node's own parentheses and surrounding whitespace are
excluded exactly where LibCST excludes them) and turns the offsets of the nodes asked about into
1-based lines and 0-based columns afterwards. `tests/core/test_positions.py` compares every node of
real modules with PositionProvider.

Given the lines where CPython's parser saw each top-level statement start (`statement_lines`,
from the tree memlint vets the file with), the module's text and the parents the traversal
recorded, the table generates only the top-level statements that hold a node asked about:
positions are then a cost of the findings, not of the file (a 3,000-line module with one finding
regenerates one function). A statement is placed by its first line and checked against the
text, character for character; any doubt (a statement list that does not line up with CPython's,
a text that differs, a node outside the statements) falls back to the whole module.
"""

from __future__ import annotations

import bisect
import re
from contextlib import contextmanager
from typing import TYPE_CHECKING, Dict, Iterator, List, Optional, Sequence, Tuple

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst.metadata import CodePosition, CodeRange

if TYPE_CHECKING:  # pragma: no cover
    from memlint.traversal import Parents

_LINE_BREAK = re.compile(r"\r\n?|\n")


class _OffsetState(CodegenState):
    def __init__(self, default_indent: str, default_newline: str) -> None:
        super().__init__(default_indent=default_indent, default_newline=default_newline)
        self.offset = 0
        self.spans: Dict[int, Tuple[int, int]] = {}
        self._starts: List[int] = []

    def pop_trailing_newline(self) -> None:
        """Keep it: positions after the last line (the final Newline node) count it."""

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self.add_token(token)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        self.offset += len(value)

    def before_codegen(self, node: cst.CSTNode) -> None:
        self._starts.append(self.offset)

    def after_codegen(self, node: cst.CSTNode) -> None:
        start = self._starts.pop()
        self.spans.setdefault(id(node), (start, self.offset))

    @contextmanager
    def record_syntactic_position(
        self,
        node: cst.CSTNode,
        *,
        start_node: Optional[cst.CSTNode] = None,
        end_node: Optional[cst.CSTNode] = None,
    ) -> Iterator[None]:
        start = self.offset
        try:
            yield
        finally:
            end = self.offset
            if start_node is not None:
                start = self.spans[id(start_node)][0]
            if end_node is not None:
                end = self.spans[id(end_node)][1]
            self.spans[id(node)] = (start, end)


class PositionTable:
    """A read-only mapping node -> CodeRange, like PositionProvider's.

    Keyed by node identity; the table holds the module, so the ids stay unique. Without
    `statement_lines` (and the `source` and `parents` that go with them) the whole module is
    generated at once; with them, one top-level statement at a time, when asked (module doc)."""

    def __init__(
        self,
        module: cst.Module,
        source: Optional[str] = None,
        statement_lines: Optional[Sequence[int]] = None,
        parents: Optional["Parents"] = None,
    ) -> None:
        self._module = module  # keeps every node alive, so the ids below stay unique
        self._whole: Optional[_Spans] = None
        self._pieces: Dict[int, Optional[_Spans]] = {}  # per top-level statement (None: no fit)
        self._first_lines: Optional[Dict[int, int]] = None
        self._source = source
        self._parents = parents
        if source is None or statement_lines is None or parents is None:
            self._whole = _Spans(module, module.default_indent, module.default_newline)
        else:
            self._first_lines = _first_lines(module, statement_lines)
        self._source_starts: Optional[List[int]] = None

    def __getitem__(self, node: cst.CSTNode) -> CodeRange:
        pieces = self._piece_of(node) if self._whole is None else None
        spans = pieces if pieces is not None else self._whole_module()
        return spans.range_of(node)

    def get(self, node: cst.CSTNode, default: Optional[CodeRange] = None) -> Optional[CodeRange]:
        try:
            return self[node]
        except KeyError:
            return default

    def __contains__(self, node: object) -> bool:
        try:
            self[node]  # type: ignore[index]
        except KeyError:
            return False
        return True

    def _whole_module(self) -> "_Spans":
        if self._whole is None:
            self._whole = _Spans(self._module, self._module.default_indent, self._module.default_newline)
            self._pieces.clear()
        return self._whole

    def _piece_of(self, node: cst.CSTNode) -> Optional["_Spans"]:
        """The spans of the top-level statement holding `node`, placed in the module; None
        when that cannot be done with certainty (then the whole module is generated)."""
        assert self._parents is not None and self._first_lines is not None
        top: Optional[cst.CSTNode] = node
        parent = self._parents.get(node)
        while parent is not None and parent is not self._module:
            top, parent = parent, self._parents.get(parent)
        if parent is None or top is None or id(top) not in self._first_lines:
            return None
        key = id(top)
        if key not in self._pieces:
            self._pieces[key] = self._place(top, self._first_lines[key])
        return self._pieces[key]

    def _place(self, statement: cst.CSTNode, first_line: int) -> Optional["_Spans"]:
        module = self._module
        piece = _Spans(statement, module.default_indent, module.default_newline)
        own_start = piece.spans.get(id(statement))
        if own_start is None:
            return None
        # The statement's code starts at a line start (the previous one ends with its newline);
        # its own first token (after its leading blank lines and comments) is on `first_line`.
        shift = first_line - bisect.bisect_right(piece.line_starts, own_start[0])
        if shift < 0:
            return None
        source = self._source
        assert source is not None
        if self._source_starts is None:
            self._source_starts = [0] + [match.end() for match in _LINE_BREAK.finditer(source)]
        if shift >= len(self._source_starts):
            return None
        at = self._source_starts[shift]
        if not source.startswith(piece.code, at):
            return None  # the text differs from LibCST's code here: trust only the whole module
        piece.shift_lines(shift)
        return piece


class _Spans:
    """The offsets of every node of one generated tree (a module, or one statement placed at a
    line of the module), and their lines and columns."""

    def __init__(self, root: cst.CSTNode, default_indent: str, default_newline: str) -> None:
        state = _OffsetState(default_indent, default_newline)
        root._codegen(state)
        self.spans = state.spans
        self.code = "".join(state.tokens)
        self.line_starts = [0] + [match.end() for match in _LINE_BREAK.finditer(self.code)]
        self.first_line = 1

    def shift_lines(self, lines: int) -> None:
        self.first_line = 1 + lines

    def _position(self, offset: int) -> CodePosition:
        line = bisect.bisect_right(self.line_starts, offset)
        return CodePosition(line + self.first_line - 1, offset - self.line_starts[line - 1])

    def range_of(self, node: cst.CSTNode) -> CodeRange:
        span = self.spans.get(id(node))
        if span is None:
            raise KeyError(node)
        return CodeRange(self._position(span[0]), self._position(span[1]))


def _first_lines(module: cst.Module, statement_lines: Sequence[int]) -> Dict[int, int]:
    """Each top-level statement of `module` (by id) -> the line of its first token, from the
    lines CPython gives its statements (`a; b` is one LibCST line and two CPython statements).
    Empty when the two do not line up (then no statement is placed alone)."""
    found: Dict[int, int] = {}
    index = 0
    for statement in module.body:
        if index >= len(statement_lines):
            return {}
        found[id(statement)] = statement_lines[index]
        index += len(statement.body) if isinstance(statement, cst.SimpleStatementLine) else 1
    return found if index == len(statement_lines) else {}
