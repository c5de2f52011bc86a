"""memlint.positions gives exactly LibCST's PositionProvider ranges, for every node."""

from __future__ import annotations

import sysconfig
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from memlint.positions import PositionTable

STDLIB = Path(sysconfig.get_paths()["stdlib"])
SOURCES = {
    "crlf, tabs, form feed and continuation": "if x:\r\n\tdef f(a,\r\n\t      b):  # c\r\n\t\treturn (a +\\\r\n\t\t  b)\r\n\f\r\nz = [\r\n  1, (2),\r\n]\r\n",
    "parentheses and strings": 'x = ((1))\ny = f((a), b="""\nmulti\n""", *c)\nclass C(B):\n    @d\n    def m(self): ...\n',
    "no trailing newline": "a = 1\nb = [i for i in range(3) if i]",
    "empty": "",
}


def assert_same(source: str) -> int:
    module = cst.parse_module(source)
    theirs = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    ours = PositionTable(module)
    for node, expected in theirs.items():
        assert ours[node] == expected, f"{type(node).__name__}: {ours[node]} != {expected}"
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
