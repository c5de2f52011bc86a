"""memlint's read-only traversal calls the same visitor methods, in the same order, as
`libcst.visit_batched`: checked event by event on real modules with a visitor that has a hook
for every node type and every field."""

from __future__ import annotations

import dataclasses
import sysconfig
from pathlib import Path

import libcst as cst
import libcst.matchers as m
import pytest

from memlint.traversal import Traversal, findall


def _recorder_class() -> type:
    """A BatchableCSTVisitor with visit/leave hooks for every node type and every field."""
    namespace = {}
    node_types = [
        value for value in vars(cst).values() if isinstance(value, type) and issubclass(value, cst.CSTNode)
    ]

    def hook(label: str):
        def method(self, node):
            self.events.append((label, id(node)))

        method.__name__ = label
        return method

    for node_type in node_types:
        name = node_type.__name__
        for label in (f"visit_{name}", f"leave_{name}"):
            namespace[label] = hook(label)
        if dataclasses.is_dataclass(node_type):
            for field in dataclasses.fields(node_type):
                for label in (f"visit_{name}_{field.name}", f"leave_{name}_{field.name}"):
                    namespace[label] = hook(label)

    def __init__(self):
        cst.BatchableCSTVisitor.__init__(self)
        self.events = []

    namespace["__init__"] = __init__
    return type("Recorder", (cst.BatchableCSTVisitor,), namespace)


Recorder = _recorder_class()

SAMPLE = '''
@decorator(arg)
async def f(a, b=1, *args, c: int = 2, **kw) -> "x":
    """doc"""
    x = [i for i in range(10) if i]; y = {k: v for k, v in d.items()}
    async with a as b, c:
        await g(f"{x!r:>{width}} {y=}")
    try:
        pass
    except (E, F) as e:
        raise X from e
    finally:
        del x
    while (n := n - 1) > 0:
        yield from gen
    else:
        lambda q, *, r=3: q[1:2, ::3]
    match x:
        case [1, *rest] | {"k": v, **kw} if v:
            pass
        case Point(x=0) as p:
            pass
    return -x ** 2 if not a else ~b @ c
class C(Base, metaclass=M):
    z: int = 0
    global g
from . import (a as b, c)
from x import *
import os.path as p
print(*args, sep="")
'''


def _events(module: cst.Module, walk) -> list:
    recorder = Recorder()
    walk(module, recorder)
    return recorder.events


def _same_events(module: cst.Module) -> None:
    expected = _events(module, lambda mod, rec: cst.visit_batched(mod, [rec]))
    actual = _events(module, lambda mod, rec: Traversal([rec]).walk(mod))
    assert actual == expected


def test_same_events_as_visit_batched_on_every_syntax() -> None:
    _same_events(cst.parse_module(SAMPLE))


def test_hooks_of_several_visitors_run_in_visitor_order() -> None:
    module = cst.parse_module("f(x)\n")
    log = []

    class First(cst.BatchableCSTVisitor):
        def visit_Call(self, node):
            log.append("first")

    class Second(cst.BatchableCSTVisitor):
        def visit_Call(self, node):
            log.append("second")

    Traversal([First(), Second()]).walk(module)
    assert log == ["first", "second"]


STDLIB = sorted(Path(sysconfig.get_paths()["stdlib"]).glob("*.py"))


@pytest.mark.parametrize("path", STDLIB[::25], ids=lambda p: p.name)
def test_same_events_on_standard_library_modules(path: Path) -> None:
    try:
        module = cst.parse_module(path.read_bytes())
    except cst.ParserSyntaxError:
        pytest.skip("LibCST cannot parse it")
    _same_events(module)


MATCHERS = [
    m.Name(),
    m.Call(func=m.Attribute()),
    m.Name("x") | m.Integer(),
    m.SimpleStatementLine(),
    m.Comment() | m.Newline() | m.EmptyLine(),
]


@pytest.mark.parametrize("path", STDLIB[::40], ids=lambda p: p.name)
def test_findall_is_libcsts_on_standard_library_modules(path: Path) -> None:
    try:
        module = cst.parse_module(path.read_bytes())
    except cst.ParserSyntaxError:
        pytest.skip("LibCST cannot parse it")
    for matcher in MATCHERS:
        expected = m.findall(module, matcher)
        assert [id(node) for node in findall(module, matcher)] == [id(node) for node in expected]
    body = module.body[-1]
    assert [id(n) for n in findall(body, m.Name())] == [id(n) for n in m.findall(body, m.Name())]


def test_findall_of_a_sentinel_is_empty() -> None:
    assert findall(cst.MaybeSentinel.DEFAULT, m.Name()) == [] == list(m.findall(cst.MaybeSentinel.DEFAULT, m.Name()))
