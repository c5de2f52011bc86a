from __future__ import annotations

import libcst as cst
import libcst.matchers as m

from analysis_probe import find, probe
from memlint.analysis.accumulators import Kind, accumulation, kind_of, reads_target
from memlint.analysis.escapes import result_escapes, value_escapes


def updates(rule):
    return find(rule, m.AugAssign() | m.Assign(value=m.Call() | m.BinaryOperation()))


def only(rule, matcher):
    return find(rule, matcher)[0]


def test_kind_of_literals_constructors_and_libraries():
    rule = probe(
        """
        import numpy as np
        import pandas as pd
        values = [b"", "", (), [], [x for x in y], bytes(), tuple(), list(), np.zeros(3), pd.DataFrame(), pd.read_csv(p), f(), b"a" + b"b", "".join(parts)]
        """
    )
    values = [element.value for element in only(rule, m.List(elements=[m.AtLeastN(n=10)])).elements]
    kinds = [kind_of(rule, value) for value in values]
    assert kinds == [
        Kind.BYTES, Kind.STR, Kind.TUPLE, Kind.LIST, Kind.LIST, Kind.BYTES, Kind.TUPLE, Kind.LIST,
        Kind.ARRAY, Kind.FRAME, Kind.FRAME, None, Kind.BYTES, Kind.STR,
    ]


def test_accumulation_with_kind_from_before_the_loop():
    rule = probe(
        """
        payload = b""
        for chunk in chunks:
            payload += chunk
        """
    )
    found = accumulation(rule, only(rule, m.AugAssign()))
    assert found is not None
    assert (found.name, found.kind, found.augmented, found.reset_in_loop) == ("payload", Kind.BYTES, True, False)


def test_unknown_kind_and_reset_in_loop():
    rule = probe(
        """
        def f(data, rows):
            for c in rows:
                data += c
            for r in rows:
                line = b""
                line += r
        """
    )
    first, second = find(rule, m.AugAssign())
    assert accumulation(rule, first).kind is None
    reset = accumulation(rule, second)
    assert reset.reset_in_loop and reset.kind is None


def test_rebinding_must_read_the_old_value_and_be_in_a_loop():
    rule = probe(
        """
        import numpy as np
        a = np.empty(0)
        a = np.append(a, 1)
        for x in xs:
            b = np.append(a, x)
            a = np.append(a, x)
        """
    )
    outside, other, inside = find(rule, m.Assign(value=m.Call(func=m.Attribute(attr=m.Name("append")))))
    assert accumulation(rule, outside) is None
    assert accumulation(rule, other) is None
    found = accumulation(rule, inside)
    assert found is not None and found.kind is Kind.ARRAY and not found.augmented


def test_attribute_accumulator_kind_from_the_class():
    rule = probe(
        """
        class W:
            def __init__(self):
                self.text = ""
            def feed(self, pieces):
                for p in pieces:
                    self.text += p
        """
    )
    found = accumulation(rule, only(rule, m.AugAssign()))
    assert found.name == "self.text" and found.kind is Kind.STR


def test_escapes():
    rule = probe(
        """
        for x in xs:
            buf = make()
            use(buf)
            buf.fill(0)
            total = buf.sum() + buf[0]
            kept.append(buf)
        for y in ys:
            view = other[1:]
            store = other
        """
    )
    reads = [n for n in find(rule, m.Name("buf")) if n is not only(rule, m.AssignTarget(target=m.Name("buf"))).target]
    verdicts = [value_escapes(rule, n) for n in reads]
    assert verdicts == [False, False, False, False, True]
    assert result_escapes(rule, only(rule, m.Call(func=m.Name("make"))), only(rule, m.For(target=m.Name("x"))))
    others = find(rule, m.Name("other"))
    assert [value_escapes(rule, n) for n in others] == [True, True]


def test_an_attribute_of_the_same_name_is_not_a_read_of_the_name():
    rule = probe(
        """
        def f(mesh, steps):
            vertices = mesh.vertices.copy()
            for s in steps:
                vertices = vertices * 2
        """
    )
    first, second = find(rule, m.Assign())
    target = cst.ensure_type(second.targets[0].target, cst.Name)
    assert not reads_target(first.value, target)
    assert reads_target(second.value, target)
    assert reads_target(cst.parse_expression("self.vertices + 1"), cst.parse_expression("self.vertices"))
