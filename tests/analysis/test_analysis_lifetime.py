from __future__ import annotations

import libcst as cst
import libcst.matchers as m

from analysis_probe import find, probe
from memlint.analysis.lifetime import definitely_bound, deletes, name_reads


def line_of(rule, name):
    """The statement line `name = ...` inside the loop (the last such line)."""
    lines = find(rule, m.SimpleStatementLine(body=[m.Assign(targets=[m.AssignTarget(target=m.Name(name))])]))
    return lines[-1]


def test_bound_before_the_loop_or_a_parameter():
    rule = probe(
        """
        def f(p):
            a = 1
            for x in xs:
                if x:
                    a = 2
                    p = 3
        """
    )
    assert definitely_bound(rule, "a", line_of(rule, "a"))
    assert definitely_bound(rule, "p", line_of(rule, "p"))


def test_conditional_bindings_and_deletes_do_not_count():
    rule = probe(
        """
        def f(c):
            if c:
                a = 1
            for x in xs:
                a = 2
            b = 1
            for x in xs:
                b = 2
                del b
        """
    )
    assert not definitely_bound(rule, "a", line_of(rule, "a"))
    assert not definitely_bound(rule, "b", line_of(rule, "b"))
    assert deletes(find(rule, m.FunctionDef())[0], "b")


def test_module_level_and_global_declarations():
    rule = probe(
        """
        import numpy
        a = 0
        while True:
            a = 1
        def g():
            global a
            a = 2
        """
    )
    assert definitely_bound(rule, "a", line_of(rule, "a")) is False  # the function's own line is last
    module_line = find(rule, m.SimpleStatementLine(body=[m.Assign(value=m.Integer("1"))]))[0]
    assert definitely_bound(rule, "a", module_line)


def test_name_reads_skip_targets_attributes_keywords_and_params():
    rule = probe(
        """
        def f(x):
            x = x + 1
            y.x = g(x=x)
            for x in x:
                pass
            def h(x):
                pass
            return x.x
        """
    )
    function = cst.ensure_type(find(rule, m.FunctionDef(name=m.Name("f")))[0], cst.FunctionDef)
    reads = name_reads(function.body, "x")
    assert len(reads) == 4  # x + 1, x=x's value, `in x`, return x
