from __future__ import annotations

import libcst.matchers as m

from analysis_probe import find, probe
from memlint.analysis.captures import captures, definition_time_names


def definition(rule, name):
    return find(rule, m.FunctionDef(name=m.Name(name)) | m.ClassDef(name=m.Name(name)))[0]


def test_closure_global_and_builtin_reads():
    rule = probe(
        """
        CONSTANT = 1
        def outer(scale):
            offset = 2
            def inner(x):
                local = x * scale + CONSTANT
                return len([local + offset for _ in range(3)])
            return inner
        """
    )
    found = captures(rule, definition(rule, "inner"))
    assert found.from_functions == {"scale", "offset"}
    assert {"CONSTANT", "len", "range", "scale", "offset"} <= found.names
    assert "local" not in found.names and "x" not in found.names and "_" not in found.names


def test_nonlocal_and_global_declarations():
    rule = probe(
        """
        def outer():
            count = 0
            def bump():
                nonlocal count
                count += 1
            return bump
        """
    )
    assert "count" in captures(rule, definition(rule, "bump")).declared


def test_self_reference_and_unresolved_names():
    rule = probe(
        """
        def outer():
            def fact(n):
                return n * fact(n - 1) if n else undefined_thing
            return fact
        """
    )
    found = captures(rule, definition(rule, "fact"))
    assert found.from_functions == {"fact"}
    assert "undefined_thing" in found.unresolved


def test_class_body_reads_and_definition_time_names():
    rule = probe(
        """
        def outer(kind, base, deco, default, hint):
            @deco
            class Node(base, metaclass=Meta):
                label = kind
                def method(self, x: hint = default) -> Ret:
                    return x.attribute
            return Node
        """
    )
    node = definition(rule, "Node")
    assert "kind" in captures(rule, node).from_functions
    assert definition_time_names(node) == {"deco", "base", "Meta"}
    assert definition_time_names(definition(rule, "method")) == {"hint", "default", "Ret"}


def test_lambda_parameters_are_local():
    rule = probe("def f(y):\n    return lambda x, z=y: x + z + y\n")
    lam = find(rule, m.Lambda())[0]
    assert captures(rule, lam).from_functions == {"y"}
    assert definition_time_names(lam) == {"y"}
