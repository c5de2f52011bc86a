"""One vocabulary of method effects (analysis/effects.py), derived from the builtin types, and
the MEM201 regression it fixes: a class hoisted out of a loop that sorts what the class body reads."""

from __future__ import annotations

import collections
import textwrap
import types

import pytest

from memlint.analysis import effects, loops
from memlint.analysis.effects import (
    ADDING_METHODS,
    DERIVED_MUTATING,
    MUTABLE_COUNTERPARTS,
    MUTATING_METHODS,
    OTHER_MUTATING,
    PURE_METHODS,
    REMOVING_METHODS,
    REORDERING_METHODS,
    STORING_METHODS,
)
from memlint.api import lint_source
from memlint.registry import find_rule
from memlint.testing import config_for

MUTABLE_TYPES = (list, dict, set, bytearray, collections.deque)


def test_the_mutators_are_what_the_mutable_types_add():
    for mutable, immutable in MUTABLE_COUNTERPARTS:
        public = {name for name in dir(mutable) if not name.startswith("_")} - set(dir(immutable))
        assert public - effects.NON_MUTATING_EXTRAS <= MUTATING_METHODS, mutable
    assert {"sort", "reverse", "rotate", "append", "pop", "clear", "update", "setdefault", "discard", "popleft"} <= DERIVED_MUTATING
    assert {"__setitem__", "__delitem__", "__iadd__"} <= DERIVED_MUTATING
    assert not {"copy", "fromkeys", "count", "index", "get", "keys"} & MUTATING_METHODS


def test_every_derived_mutator_is_classified():
    # A Python release that adds a mutator fails here until it is classified.
    assert DERIVED_MUTATING == (ADDING_METHODS | REMOVING_METHODS | REORDERING_METHODS) - {"move_to_end"}
    assert not ADDING_METHODS & REMOVING_METHODS


def test_every_classified_method_exists():
    known = {name for kind in MUTABLE_TYPES + (collections.OrderedDict,) for name in dir(kind)}
    assert (ADDING_METHODS | REMOVING_METHODS | REORDERING_METHODS) <= known
    assert STORING_METHODS - ADDING_METHODS == {"put", "put_nowait", "push", "register", "connect"}
    assert MUTATING_METHODS == DERIVED_MUTATING | OTHER_MUTATING


def test_pure_methods_never_mutate():
    assert not PURE_METHODS & MUTATING_METHODS
    immutable = {name for kind in (str, bytes, tuple, frozenset, types.MappingProxyType) for name in dir(kind)}
    assert PURE_METHODS - effects.NON_MUTATING_EXTRAS <= immutable
    assert {"strip", "split", "join", "get", "items", "keys", "values", "count", "index", "copy", "union"} <= PURE_METHODS


@pytest.mark.parametrize("name", sorted(ADDING_METHODS - {"__setitem__", "__iadd__", "__imul__", "__ior__", "__ixor__", "setdefault", "symmetric_difference_update", "update", "insert"}))
def test_adding_methods_grow_a_container(name):
    for kind in MUTABLE_TYPES:
        if hasattr(kind, name):
            value = kind()
            getattr(value, name)(*([b"x"] if kind is bytearray and name == "extend" else [1] if name not in ("extend", "extendleft") else [[1]]))
            assert len(value) == 1, (kind, name)


SORTING_LOOP = textwrap.dedent(
    """
    def main(rounds):
        xs = [3, 1, 2]
        out = []
        for r in range(rounds):
            class Snapshot:
                first = xs[0]
            xs.sort(reverse=bool(r % 2))
            out.append(Snapshot.first)
        return out
    """
).lstrip("\n")
HOISTED = textwrap.dedent(
    """
    def main(rounds):
        xs = [3, 1, 2]
        out = []
        class Snapshot:
            first = xs[0]
        for r in range(rounds):
            xs.sort(reverse=bool(r % 2))
            out.append(Snapshot.first)
        return out
    """
).lstrip("\n")


def _run(source, *args):
    namespace = {}
    exec(compile(source, "<case>", "exec"), namespace)
    return namespace["main"](*args)


def test_the_sorting_case_tempts_the_hoisting_fix():
    # hoisting by hand changes the result: the case would expose a wrong fix
    assert _run(SORTING_LOOP, 200) != _run(HOISTED, 200)


def test_mem201_does_not_hoist_a_class_out_of_a_loop_that_sorts_what_it_reads():
    config = config_for(find_rule("MEM201"), {})
    before = lint_source(SORTING_LOOP, "case.py", config)
    assert [f.code for f in before.findings] == []
    fixed = lint_source(SORTING_LOOP, "case.py", config, fix=True, unsafe_fixes=True)
    after = fixed.fixed_source or SORTING_LOOP
    assert _run(after, 200) == _run(SORTING_LOOP, 200)


def test_without_sort_in_the_vocabulary_the_fix_changed_behaviour(monkeypatch):
    # the regression as it was: the old hand-written list lacked `sort` and `reverse`
    monkeypatch.setattr(loops, "MUTATING_METHODS", MUTATING_METHODS - {"sort", "reverse"})
    config = config_for(find_rule("MEM201"), {})
    fixed = lint_source(SORTING_LOOP, "case.py", config, fix=True, unsafe_fixes=True)
    assert fixed.fixed_source is not None
    assert _run(fixed.fixed_source, 200) != _run(SORTING_LOOP, 200)


@pytest.mark.parametrize("method", ["reverse()", "append(0)", "pop()", "insert(0, 9)", "__setitem__(0, 7)", "clear() or xs.append(5)"])
def test_mem201_stays_silent_for_every_in_place_change(method):
    source = SORTING_LOOP.replace("xs.sort(reverse=bool(r % 2))", f"xs.{method}")
    config = config_for(find_rule("MEM201"), {})
    assert [f.code for f in lint_source(source, "case.py", config).findings] == []
