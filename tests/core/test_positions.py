"""memlint.positions gives exactly LibCST's PositionProvider ranges, for every node."""

from __future__ import annotations

import ast
import sysconfig
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import CodePosition, MetadataWrapper, PositionProvider

from memlint.positions import PositionTable, StatementLines, statement_lines
from memlint.traversal import Parents

STDLIB = Path(sysconfig.get_paths()["stdlib"])
SOURCES = {
    "crlf, tabs, form feed and continuation": "if x:\r\n\tdef f(a,\r\n\t      b):  # c\r\n\t\treturn (a +\\\r\n\t\t  b)\r\n\f\r\nz = [\r\n  1, (2),\r\n]\r\n",
    "parentheses and strings": 'x = ((1))\ny = f((a), b="""\nmulti\n""", *c)\nclass C(B):\n    @d\n    def m(self): ...\n',
    "no trailing newline": "a = 1\nb = [i for i in range(3) if i]",
    "empty": "",
}


def by_statement(module: cst.Module, source: str, lines=None) -> PositionTable:
    """The table that generates one statement at a time (what the engine uses)."""
    if lines is None:
        lines = statement_lines(ast.parse(source))
    return PositionTable(module, source, lines, Parents(module))


def assert_same(source: str) -> int:
    module = cst.parse_module(source)
    theirs = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    whole, pieces = PositionTable(module), by_statement(module, source)
    for node, expected in theirs.items():
        assert whole[node] == expected, f"{type(node).__name__}: {whole[node]} != {expected}"
        assert pieces[node] == expected, f"{type(node).__name__} by statement: {pieces[node]} != {expected}"
    return len(theirs)


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_odd_sources(name):
    assert_same(SOURCES[name])


@pytest.mark.parametrize("name", ["heapq.py", "json/decoder.py", "textwrap.py", "fractions.py"])
def test_standard_library_modules(name):
    path = STDLIB / name
    if not path.exists():
        pytest.skip(f"{name} is not in this standard library")
    assert assert_same(path.read_text(encoding="utf-8")) > 1000


def test_unknown_node_is_a_key_error():
    table = PositionTable(cst.parse_module("x = 1\n"))
    with pytest.raises(KeyError):
        table[cst.Name("y")]
    assert table.get(cst.Name("y")) is None


DECORATED = (
    "import os\n\n# a comment\n@dec(\n    1)\n@other\ndef f(a,\n      b):\n    return a; b\n\nx = 1; y = [\n  2]\n"
    "class C:\n    z = 1; w = 2\n\n    # about g\n    @property\n    def g(self):\n        return [\n            3]\n"
)


def test_one_statement_is_generated_alone():
    module = cst.parse_module(DECORATED)
    table = by_statement(module, DECORATED)
    function = module.body[1]
    assert table[function.name].start == CodePosition(7, 4)
    assert table[module.body[2].body[1]].start == CodePosition(11, 7)  # `y = [` after `x = 1; `
    klass = module.body[3]
    method = klass.body.body[1]
    assert table[method.name].start == CodePosition(18, 8)
    assert table[klass.body.body[0].body[1]].start == CodePosition(14, 11)  # `w = 2`
    assert table._whole is None  # placed without generating the whole module
    assert id(klass) not in table._pieces  # a method is placed without its class


def test_misplaced_statements_fall_back_to_the_whole_module():
    module = cst.parse_module(DECORATED)
    lines = statement_lines(ast.parse(DECORATED))
    late = StatementLines(tuple(line + 1 for line in lines.top), {})  # every statement a line late
    wrong = by_statement(module, DECORATED, late)
    assert wrong[module.body[1].name].start == CodePosition(7, 4)
    assert wrong._whole is not None
    short = by_statement(module, DECORATED, StatementLines(lines.top[:-1], lines.members))  # CPython's statements do not line up
    assert short[module.body[3].name].start == CodePosition(13, 6)
    edited = DECORATED.replace("return a; b", "return a; c")  # the text is not LibCST's code
    table = by_statement(module, edited, lines)
    assert table[module.body[1].name].start == CodePosition(7, 4)
    assert table._whole is not None
    members_late = StatementLines(lines.top, {4: tuple(line + 1 for line in lines.members[4])})  # CPython's 5th statement
    table = by_statement(module, DECORATED, members_late)  # a method misplaced: its class is placed instead
    assert table[module.body[3].body.body[1].name].start == CodePosition(18, 8)
    assert table._whole is None and id(module.body[3]) in table._pieces
