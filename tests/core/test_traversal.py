"""memlint's read-only traversal calls the same visitor methods, in the same order, as
`libcst.visit_batched`: checked event by event on real modules with a visitor that has a hook
for every node type and every field."""

from __future__ import annotations

import dataclasses
import sysconfig
from pathlib import Path
from typing import Callable

import libcst as cst
import libcst.matchers as m
import pytest

from memlint import matchers as ours
from memlint.traversal import Parents, Traversal, findall, visit_read_only


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


# Each built twice, with LibCST's vocabulary and with memlint's, from the same expression.
MATCHERS = [
    lambda v: v.Name(),
    lambda v: v.Call(func=v.Attribute()),
    lambda v: v.Name("x") | v.Integer(),
    lambda v: v.SimpleStatementLine(),
    lambda v: v.Comment() | v.Newline() | v.EmptyLine(),
    lambda v: v.Call(args=[v.ZeroOrMore(), v.Arg(value=v.Name())]),
]


@pytest.mark.parametrize("path", STDLIB[::40], ids=lambda p: p.name)
def test_findall_is_libcsts_on_standard_library_modules(path: Path) -> None:
    try:
        module = cst.parse_module(path.read_bytes())
    except cst.ParserSyntaxError:
        pytest.skip("LibCST cannot parse it")
    for build in MATCHERS:
        expected = m.findall(module, build(m))
        assert [id(node) for node in findall(module, build(ours))] == [id(node) for node in expected]
    body = module.body[-1]
    assert [id(n) for n in findall(body, ours.Name())] == [id(n) for n in m.findall(body, m.Name())]


def test_findall_of_a_sentinel_is_empty() -> None:
    assert findall(cst.MaybeSentinel.DEFAULT, ours.Name()) == [] == list(m.findall(cst.MaybeSentinel.DEFAULT, m.Name()))


def _plain_recorder_class(prune: tuple) -> type:
    """A CSTVisitor with hooks for every node type and field; `visit_<T>` for T in `prune`
    returns False (LibCST then skips the node's children)."""
    namespace = {}
    for name, value in vars(Recorder).items():
        if name.startswith(("visit_", "leave_")):
            namespace[name] = value
    for type_name in prune:
        def pruning(self, node, label=f"visit_{type_name}"):
            self.events.append((label, id(node)))
            return False

        namespace[f"visit_{type_name}"] = pruning

    def __init__(self):
        cst.CSTVisitor.__init__(self)
        self.events = []

    namespace["__init__"] = __init__
    return type("PlainRecorder", (cst.CSTVisitor,), namespace)


@pytest.mark.parametrize("prune", [(), ("FunctionDef", "Attribute", "Arg")])
@pytest.mark.parametrize("path", [None] + STDLIB[::60], ids=lambda p: "sample" if p is None else p.name)
def test_visit_read_only_makes_the_calls_of_node_visit(path, prune) -> None:
    module = cst.parse_module(SAMPLE if path is None else path.read_bytes())
    visitor_class = _plain_recorder_class(prune)
    for node in (module, module.body[-1]):
        expected, actual = visitor_class(), visitor_class()
        node.visit(expected)
        visit_read_only(node, actual)
        assert actual.events == expected.events


def _all_parents(module: cst.Module) -> dict:
    """id(node) -> (node, parent) for every node but the module."""
    found = {}
    stack = [module]
    while stack:
        node = stack.pop()
        for child in node.children:
            found[id(child)] = (child, node)
            stack.append(child)
    return found


class _ParentAsker(cst.BatchableCSTVisitor):
    """Asks, at each call, for the parents of the call, its callee and its arguments' values
    (nodes the traversal has not reached yet), and at each statement line's end for the parent
    of the module's last statement (a node outside what was walked so far)."""

    def __init__(self, parents: Parents, asks_outside: bool) -> None:
        super().__init__()
        self.parents = parents
        self.asks_outside = asks_outside
        self.answers = []

    def visit_Call(self, node: cst.Call) -> None:
        for asked in [node, node.func] + [arg.value for arg in node.args]:
            self.answers.append((id(asked), self.parents.get(asked)))

    def leave_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        if self.asks_outside:
            last = self.parents.module.body[-1]
            self.answers.append((id(last), self.parents.get(last)))


@pytest.mark.parametrize("asks_outside", [False, True])
@pytest.mark.parametrize("path", [None] + STDLIB[::60], ids=lambda p: "sample" if p is None else p.name)
def test_parents_recorded_by_the_traversal_are_the_parents(path, asks_outside) -> None:
    module = cst.parse_module(SAMPLE if path is None else path.read_bytes())
    expected = _all_parents(module)
    parents = Parents(module)
    asker = _ParentAsker(parents, asks_outside)
    Traversal([asker], parents).walk(module)
    parents.complete = True  # as the engine says after the traversal
    assert all(parent is expected[asked][1] for asked, parent in asker.answers)
    # whitespace and the like were not walked (no hook for them): asking maps them too
    assert all(parents.get(node) is parent for node, parent in expected.values())
    assert parents.get(module) is None and parents.get(cst.Name("elsewhere")) is None


def _walk_recording_maps(asker: Callable[[Parents], cst.BatchableCSTVisitor]):
    """Traverse SAMPLE with the visitor `asker(parents)` makes; the module, that visitor and the
    roots of the subtrees `Parents` mapped, in order."""
    module = cst.parse_module(SAMPLE)
    parents = Parents(module)
    walks = []
    original = parents._map
    parents._map = lambda root, *rest: (walks.append(root), original(root, *rest))
    visitor = asker(parents)
    Traversal([visitor], parents).walk(module)
    return module, visitor, walks


def test_parents_map_the_whole_module_only_for_a_node_outside_the_visited_subtree() -> None:
    for asks_outside, whole_module_walks in ((False, 0), (True, 1)):
        module, _, walks = _walk_recording_maps(lambda parents: _ParentAsker(parents, asks_outside))
        assert sum(root is module for root in walks) == whole_module_walks


class _NeighbourAsker(cst.BatchableCSTVisitor):
    """At the first expression statement of a function (its docstring), asks for the parent of the
    function's last statement: a node outside the visited subtree, not walked yet, inside the
    function."""

    def __init__(self, parents: Parents) -> None:
        super().__init__()
        self.parents = parents
        self.function = None
        self.answers = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.function = node

    def visit_Expr(self, node: cst.Expr) -> None:
        if self.function is not None and not self.answers:
            last = self.function.body.body[-1]
            self.answers.append((last, self.parents.get(last)))


def test_a_question_about_a_node_of_the_same_function_maps_that_function_not_the_module() -> None:
    module, asker, walks = _walk_recording_maps(_NeighbourAsker)
    function = module.body[0]
    assert len(asker.answers) == 1 and asker.answers[0][0] is function.body.body[-1]
    assert asker.answers[0][1] is function.body  # the right parent ...
    assert any(root is function.body for root in walks)  # ... found by mapping the function's body
    assert not any(root is module or root is function for root in walks)  # not the module, nor more of it


def _hooked_recorder_class(types: tuple, attributes: bool = True) -> type:
    """A BatchableCSTVisitor with Recorder's hooks for these node types only (and their
    attribute hooks unless `attributes` is False)."""
    namespace = {
        name: value
        for name, value in vars(Recorder).items()
        if name.startswith(("visit_", "leave_"))
        and name.split("_")[1] in types
        and (attributes or name.count("_") == 1)
    }

    def __init__(self):
        cst.BatchableCSTVisitor.__init__(self)
        self.events = []

    namespace["__init__"] = __init__
    return type("SomeRecorder", (cst.BatchableCSTVisitor,), namespace)


@pytest.mark.parametrize(
    "types",
    [("Call", "Name"), ("Comma", "Attribute"), ("SimpleWhitespace",), ("Comment", "FunctionDef"), ("LeftParen", "Integer")],
)
@pytest.mark.parametrize("path", [None] + STDLIB[::60], ids=lambda p: "sample" if p is None else p.name)
@pytest.mark.parametrize("attributes", [True, False])
def test_fields_without_hooked_nodes_are_skipped_without_losing_an_event(path, types, attributes) -> None:
    """Whatever types visitors listen to, they see the events visit_batched gives them."""
    module = cst.parse_module(SAMPLE if path is None else path.read_bytes())
    recorder_class = _hooked_recorder_class(types, attributes)
    expected, actual = recorder_class(), recorder_class()
    cst.visit_batched(module, [expected])
    Traversal([actual]).walk(module)
    assert actual.events == expected.events
    if path is None:  # a standard-library file may lack a type (3.13's sre_parse.py is a stub)
        assert actual.events


def test_whitespace_is_not_walked_when_nobody_listens() -> None:
    module = cst.parse_module("f(a, b)  # c\n")
    walked = []
    traversal = Traversal([_hooked_recorder_class(("Call",), attributes=False)()])
    original = traversal.walk
    traversal.walk = lambda node: (walked.append(type(node).__name__), original(node))
    traversal.walk(module)
    assert set(walked) <= {"Module", "SimpleStatementLine", "Expr", "Call", "Arg", "Name"}


def test_children_of_skipped_fields_have_their_parents_without_a_walk() -> None:
    """`def f` with a visitor on calls (and the module) only: the function's name field is not walked, but its
    Name's parent is recorded; only whitespace below it is left to an on-demand walk."""
    module = cst.parse_module("def f(a, b):\n    return g(a)\n")
    parents = Parents(module)
    walks = []
    original = parents._map
    parents._map = lambda root: (walks.append(root), original(root))
    Traversal([_hooked_recorder_class(("Call", "Module"), attributes=False)()], parents).walk(module)
    assert parents.complete  # known from leave_Module on: every node was reached
    function = module.body[0]
    assert parents.get(function.name) is function
    assert parents.get(function.params.params[0].name) is function.params.params[0]
    assert walks == []
    assert parents.get(function.whitespace_after_def) is function  # a child of a skipped field
    comma = function.params.params[0].comma
    assert parents.get(comma.whitespace_after) is comma  # below one: found by walking the module
    assert walks == [module]


class _TwiceAsker(_NeighbourAsker):
    """Also asks, at the function's `return`, for the parent of the module's second statement."""

    def visit_Return(self, node: cst.Return) -> None:
        later = self.parents.module.body[1]
        self.answers.append((later, self.parents.get(later)))


def test_a_subtree_mapped_already_is_not_mapped_again() -> None:
    module, asker, walks = _walk_recording_maps(_TwiceAsker)
    function = module.body[0]
    assert [parent for _, parent in asker.answers] == [function.body, module]
    second = walks[walks.index(function.body) + 1:]  # what the question at `return` mapped
    assert len(second) == 2 and second[0] is function and second[1] is module
