"""Node positions at a fraction of LibCST's PositionProvider cost, with the same answers.

LibCST's provider regenerates the module's code and, for every token, splits it on newlines and
builds position objects: about 9x the cost of plain code generation (3.4 s against 0.38 s on 40
standard-library modules). Only files with findings need positions at all, and only for a few
nodes, so this state records plain character offsets while generating the code (the same hooks,
the same "syntactic position" rules: a node's own parentheses and surrounding whitespace are
excluded exactly where LibCST excludes them) and turns the offsets of the nodes asked about into
1-based lines and 0-based columns afterwards. `tests/core/test_positions.py` compares every node of
real modules with PositionProvider.

Given the lines where CPython's parser saw each statement start (`StatementLines`, from
the tree memlint vets the file with: top-level statements and those of top-level classes), the
module's text and the parents the traversal recorded, the table generates only the statements
that hold a node asked about: positions are then a cost of the findings, not of the file (a
3,000-line module with one finding regenerates one function or method). A statement is placed by its first line and checked against the
text, character for character; any doubt (a statement list that does not line up with CPython's,
a text that differs, a node outside the statements) falls back to the whole module.
"""

from __future__ import annotations

import ast
import bisect
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
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

    Keyed by node identity; the table holds the module, so the ids stay unique. Without `lines`
    (and the `source` and `parents` that go with them) the whole module is generated at once;
    with them, one statement at a time (a top-level one, or one of a top-level class's body),
    when asked (module doc)."""

    def __init__(
        self,
        module: cst.Module,
        source: Optional[str] = None,
        lines: Optional[StatementLines] = None,
        parents: Optional["Parents"] = None,
    ) -> None:
        self._module = module  # keeps every node alive, so the ids below stay unique
        self._whole: Optional[_Spans] = None
        self._pieces: Dict[int, Optional[_Spans]] = {}  # per statement placed alone (None: no fit)
        self._source = source
        self._parents = parents
        self._lines = lines
        self._source_starts: Optional[List[int]] = None
        if source is None or lines is None or parents is None:
            self._whole = _Spans(module, module.default_indent, module.default_newline)
            self._top: Dict[int, Tuple[int, int]] = {}
        else:
            self._top = _first_lines(module.body, lines.top)
        self._members: Dict[int, Dict[int, Tuple[int, int]]] = {}  # per top-level class

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
        """The spans of the statement holding `node` (of a top-level class's body, else the
        top-level one), placed in the module; None when that cannot be done with certainty
        (then the whole module is generated)."""
        assert self._parents is not None
        chain = [node]
        parent = self._parents.get(node)
        while parent is not None and parent is not self._module:
            chain.append(parent)
            parent = self._parents.get(parent)
        top = chain[-1]
        if parent is None or id(top) not in self._top:
            return None
        if isinstance(top, cst.ClassDef) and isinstance(top.body, cst.IndentedBlock) and len(chain) >= 3 and chain[-2] is top.body:
            indent = top.body.indent if top.body.indent is not None else self._module.default_indent
            member = self._placed(chain[-3], self._member_lines(top), (indent,))
            if member is not None:
                return member
        return self._placed(top, self._top, ())

    def _member_lines(self, klass: cst.ClassDef) -> Dict[int, Tuple[int, int]]:
        found = self._members.get(id(klass))
        if found is None:
            assert self._lines is not None
            lines = self._lines.members.get(self._top[id(klass)][1])
            body = cst.ensure_type(klass.body, cst.IndentedBlock).body
            found = self._members[id(klass)] = {} if lines is None else _first_lines(body, lines)
        return found

    def _placed(
        self, statement: cst.CSTNode, lines: Dict[int, Tuple[int, int]], indent_tokens: Tuple[str, ...]
    ) -> Optional["_Spans"]:
        """`statement`'s spans, placed once (`indent_tokens`: the indentation of its block)."""
        key = id(statement)
        if key not in lines:
            return None
        if key not in self._pieces:
            self._pieces[key] = self._place(statement, lines[key][0], indent_tokens)
        return self._pieces[key]

    def _place(self, statement: cst.CSTNode, first_line: int, indent_tokens: Tuple[str, ...]) -> Optional["_Spans"]:
        module = self._module
        piece = _Spans(statement, module.default_indent, module.default_newline, indent_tokens)
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
            self._source_starts = _line_starts(source)
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

    def __init__(
        self, root: cst.CSTNode, default_indent: str, default_newline: str, indent_tokens: Sequence[str] = ()
    ) -> None:
        state = _OffsetState(default_indent, default_newline)
        state.indent_tokens.extend(indent_tokens)  # the blocks around `root`
        root._codegen(state)
        self.spans = state.spans
        self.code = "".join(state.tokens)
        self.line_starts = _line_starts(self.code)
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


def _line_starts(text: str) -> List[int]:
    """The offset where each line of `text` starts (lines end as LibCST ends them)."""
    return [0] + [match.end() for match in _LINE_BREAK.finditer(text)]


def _first_lines(body: Sequence[cst.BaseStatement], lines: Sequence[int]) -> Dict[int, Tuple[int, int]]:
    """Each statement of a LibCST `body` (by id) -> the line of its first token and the index of
    its (first) statement in CPython's body of the same block, whose statements start on `lines`
    (`a; b` is one LibCST line and two CPython statements). Empty when the two do not line up
    (then no statement of the block is placed alone)."""
    found: Dict[int, Tuple[int, int]] = {}
    index = 0
    for statement in body:
        if index >= len(lines):
            return {}
        found[id(statement)] = (lines[index], index)
        index += len(statement.body) if isinstance(statement, cst.SimpleStatementLine) else 1
    return found if index == len(lines) else {}


@dataclass(frozen=True)
class StatementLines:
    """Where CPython's parser saw statements start, for positions.py: the line of each top-level
    statement's first token (a decorated definition's `def` or `class`, as in LibCST), and for
    each top-level class (by its index in the module's body) the lines of its body's statements."""

    top: Tuple[int, ...]
    members: Dict[int, Tuple[int, ...]] = field(default_factory=dict)


def statement_lines(tree: ast.Module) -> StatementLines:
    """The `StatementLines` of CPython's tree of a module."""
    members = {
        index: tuple(member.lineno for member in statement.body)
        for index, statement in enumerate(tree.body)
        if isinstance(statement, ast.ClassDef)
    }
    return StatementLines(tuple(statement.lineno for statement in tree.body), members)

