from __future__ import annotations

import libcst as cst
import libcst.matchers as m

from analysis_probe import find, probe
from memlint.analysis.loops import enclosing_function, enclosing_loop, enclosing_loops, known_trip_count, loop_bindings, runs_at_most_once
from memlint.analysis.values import known_length


def call_named(rule, name):
    return find(rule, m.Call(func=m.Name(name)))[0]


def test_for_body_is_in_loop_but_iterable_and_else_are_not():
    rule = probe(
        """
        for x in source():
            body(x)
        else:
            after()
        """
    )
    assert enclosing_loop(rule, call_named(rule, "body")) is not None
    assert enclosing_loop(rule, call_named(rule, "source")) is None
    assert enclosing_loop(rule, call_named(rule, "after")) is None


def test_while_test_and_body_are_in_loop():
    rule = probe("while more():\n    step()\n")
    assert enclosing_loop(rule, call_named(rule, "more")) is not None
    assert enclosing_loop(rule, call_named(rule, "step")) is not None


def test_comprehension_first_iterable_is_evaluated_once():
    rule = probe("[elt(x) for x in first() for y in inner(x) if cond(y)]\n")
    assert enclosing_loop(rule, call_named(rule, "first")) is None
    for name in ("elt", "inner", "cond"):
        assert enclosing_loop(rule, call_named(rule, name)) is not None, name


def test_function_body_is_a_new_frame_but_defaults_are_not():
    rule = probe(
        """
        for x in xs:
            def f(a=default()):
                inside()
        """
    )
    assert enclosing_loop(rule, call_named(rule, "inside")) is None
    assert enclosing_loop(rule, call_named(rule, "default")) is not None
    function = find(rule, m.FunctionDef())[0]
    assert enclosing_function(rule, call_named(rule, "inside")) is function
    assert enclosing_function(rule, call_named(rule, "default")) is None


def test_class_body_is_transparent_and_loops_nest_innermost_first():
    rule = probe(
        """
        def outer():
            for a in xs:
                while b:
                    class C:
                        attr = make()
        """
    )
    loops = enclosing_loops(rule, call_named(rule, "make"))
    assert [type(loop.node).__name__ for loop in loops] == ["While", "For"]
    assert all(loop.function is find(rule, m.FunctionDef())[0] for loop in loops)


def test_loop_bindings_names_attributes_and_mutations():
    rule = probe(
        """
        for i, (a, *rest) in pairs:
            total = f(i)
            self.count += 1
            items.append(i)
            table[i] = a
            with open(p) as handle:
                pass
            def helper():
                hidden = 1
        """
    )
    bindings = loop_bindings(find(rule, m.For())[0])
    assert {"i", "a", "rest", "total", "handle", "helper"} <= bindings.names
    assert "hidden" not in bindings.names
    assert "self.count" in bindings.attributes
    assert {"items", "table", "self"} <= bindings.mutated
    assert bindings.varies("items") and not bindings.varies("pairs")


def test_runs_at_most_once_and_trip_count():
    rule = probe(
        """
        while True:
            work()
            break
        while True:
            if done():
                continue
            break
        for x in range(5):
            pass
        for y in [1]:
            pass
        """
    )
    loops = [enclosing_loop(rule, node) for node in find(rule, m.Pass() | m.Call(func=m.Name("work") | m.Name("done")))]
    first, second, ranged, single = loops[0], loops[1], loops[2], loops[3]
    length = lambda expr: known_length(rule, expr)  # noqa: E731
    assert runs_at_most_once(first)
    assert not runs_at_most_once(second)
    assert known_trip_count(ranged, length) == 5 and not runs_at_most_once(ranged, length)
    assert runs_at_most_once(single, length)
