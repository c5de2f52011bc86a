"""analysis/values.py, lengths stated in the code: `known_length`, `comprehension_length`,
`constant_range`, `constant_int`, and a display's count shared with `value_of`."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m
import pytest

from analysis_probe import find, probe
from memlint.analysis.values import (
    comprehension_length,
    constant_int,
    constant_range,
    display_length,
    known_length,
    value_of,
)


def _value(code: str):
    context = probe(code)
    return context, cst.ensure_type(find(context, m.Assign())[-1], cst.Assign).value


@pytest.mark.parametrize(
    ("code", "length"),
    [
        ("x = [1, 2, 3]", 3),
        ("x = (1,)", 1),
        ("x = {1, 2}", 2),
        ("x = {'a': 1, 'b': 2}", 2),
        ("x = []", 0),
        ("x = [*a, 1]", None),
        ("x = {**a, 'b': 2}", None),
        ("x = 'abc'", 3),
        ("x = b'ab'", 2),
        ("x = range(10)", 10),
        ("x = range(2, 10)", 8),
        ("x = range(0, 100, 10)", 10),  # exact: the step counts
        ("x = range(10, 0)", 0),
        ("x = range(-5)", 0),
        ("x = range(1 << 20)", 1 << 20),
        ("x = range(0, 10, 0)", None),  # a ValueError at run time: no length
        ("x = range(n)", None),
        ("x = range(2 ** 61)", None),  # beyond MAX_CONSTANT_BITS
        ("def range(n):\n    return [n]\nx = range(10)", None),  # not the builtin
        ("x = f'{a}'", None),
        ("x = a", None),
    ],
)
def test_known_length(code, length):
    context, value = _value(code)
    assert known_length(context, value) == length


@pytest.mark.parametrize("code", ["x = [1, 2, 3]", "x = (4, 5)", "x = {6}", "x = {'a': 1}", "x = [*a, 1]", "x = {**a}"])
def test_a_display_has_one_count_in_both_questions(code):
    context, value = _value(code)
    assert display_length(value) == known_length(context, value)
    assert value_of(context, value).count == display_length(value)


def test_display_length_is_for_displays_only():
    context, value = _value("x = (i for i in a)")
    assert display_length(value) is None
    assert display_length(cst.parse_expression("'abc'")) is None


@pytest.mark.parametrize(
    ("code", "length"),
    [
        ("x = [i for i in range(3) for j in 'ab']", 6),
        ("x = [i for i in range(3) if i]", 3),  # before its `if`s
        ("x = [i for i in a for j in range(3)]", None),
    ],
)
def test_comprehension_length(code, length):
    context, value = _value(code)
    assert comprehension_length(context, cst.ensure_type(value, cst.ListComp).for_in) == length


def test_constant_range_and_constant_int():
    context, value = _value("x = range(1, 4 * 1024, 2)")
    assert constant_range(context, value) == range(1, 4096, 2)
    expressions = ["10**6", "1 << 20", "-(3 * 4)", "7 // 2", "7 % 0", "2 ** 61", "2 ** -1", "x + 1", "1.5"]
    assert [constant_int(cst.parse_expression(text)) for text in expressions] == [
        10**6, 1 << 20, -12, 3, None, None, None, None, None,
    ]
