from __future__ import annotations

import libcst as cst
import libcst.matchers as m

from analysis_probe import find, probe
from memlint.analysis.hot import CallSites, has_hot_marker, hot_reason, matching_glob


def setup(code):
    rule = probe(code)
    sites = CallSites()
    for call in find(rule, m.Call()):
        sites.record(call)
    return rule, sites


def function(rule, name):
    return find(rule, m.FunctionDef(name=m.Name(name)))[0]


def test_marker_on_the_def_line_only():
    rule, sites = setup("def a(x):  # memlint: hot\n    return x\ndef b(x):\n    # memlint: hot\n    return x\ndef c(x): return x  # memlint: hot\n")
    assert has_hot_marker(function(rule, "a"))
    assert not has_hot_marker(function(rule, "b"))
    assert has_hot_marker(function(rule, "c"))
    assert hot_reason(rule, function(rule, "b"), sites) is None


def test_globs_match_name_or_class_qualified_name():
    assert matching_glob("Parser.parse_item", ["Parser.parse_*"]) == "Parser.parse_*"
    assert matching_glob("fast_kernel", ["*_kernel"]) == "*_kernel"
    assert matching_glob("kernel_fast", ["*_kernel"]) is None


def test_recursion_and_calls_in_loops():
    rule, sites = setup(
        """
        def rec(n):
            return rec(n - 1) if n else 0
        def looped(x):
            return x
        def once(x):
            return x
        for item in items:
            looped(item)
        once(1)
        def shadow(looped):
            for i in range(3):
                looped(i)
        """
    )
    assert hot_reason(rule, function(rule, "rec"), sites) == "calls itself"
    assert hot_reason(rule, function(rule, "looped"), sites) == "called inside a loop"
    assert hot_reason(rule, function(rule, "once"), sites) is None


def test_parameter_shadowing_is_not_a_call():
    rule, sites = setup(
        """
        def target(x):
            return x
        def caller(target):
            for i in range(3):
                target(i)
        """
    )
    assert hot_reason(rule, function(rule, "target"), sites) is None


def test_methods_called_on_self_in_a_loop_of_their_class():
    rule, sites = setup(
        """
        class A:
            def run(self, xs):
                for x in xs:
                    self.step(x)
            def step(self, x):
                return x
            def other(self, x):
                return x
        class B:
            def go(self, xs):
                for x in xs:
                    self.other(x)
        """
    )
    owner = find(rule, m.ClassDef(name=m.Name("A")))[0]
    assert hot_reason(rule, function(rule, "step"), sites, owner=owner) == "called inside a loop"
    assert hot_reason(rule, function(rule, "other"), sites, owner=owner) is None
