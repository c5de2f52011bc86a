"""`memlint.matching.matches` answers exactly as `libcst.matchers.matches`: on every node of
real modules, for every module-level matcher of memlint's rules and analysis, and for matchers
built to exercise each kind of constraint (wildcards, DoNotCare, OneOf of sequences, bools,
None, predicates, saved nodes, inverses)."""

from __future__ import annotations

import importlib
import pkgutil
import sysconfig
from pathlib import Path
from typing import Any, Iterator, List, Tuple

import libcst as cst
import libcst.matchers as m
import pytest

import memlint.analysis
import memlint.rules
from memlint.matching import matches, necessary_check
from memlint.traversal import node_fields

SAMPLE = '''
import numpy as np
def f(items, *args, key=None, **kw):
    n = len([x for x in items if x])
    m = len(list(map(str, items)))
    first = list(items)[0]
    other = [y for y in items][0]
    popped = list(items).pop(0)
    s = sorted(list(items), reverse=True)
    t = tuple(list(x for x in items))
    u = set(items[:])
    for line in open("f").readlines():
        total = sum([v * 2 for v in line])
    data = list(gen())
    for d in data:
        print(d, sep="", end="")
    a = np.append(a, 1)
    x += y
    del z[0], w.v
    return x if y else (yield z)
class C:
    items = []
    def g(self, other=[]):
        other.append(self)
        async def h():
            async for q in r:
                await s
'''


def _matchers_of(package: Any) -> List[Tuple[str, Any]]:
    found = []
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for name, value in vars(module).items():
            if name.isupper() and isinstance(value, (m.BaseMatcherNode, m.OneOf, m.AllOf)):
                found.append((f"{module.__name__}.{name}", value))
    return found


PROJECT_MATCHERS = _matchers_of(memlint.rules) + _matchers_of(memlint.analysis)

EXERCISES = [
    m.Call(args=[m.ZeroOrMore(), m.Arg(keyword=m.Name("key"))]),
    m.Call(args=[m.DoNotCare(), m.Arg()]),
    m.Call(args=[m.Arg(), m.AtMostN(n=1)]),
    m.Call(args=[m.AtLeastN(m.Arg(star="*"), n=1)]),
    m.Call(args=m.OneOf([m.Arg()], [m.Arg(), m.Arg()])),
    m.Call(args=[m.SaveMatchedNode(m.Arg(), "arg")]),
    m.Call(args=[m.MatchIfTrue(lambda arg: True)]),
    m.Call(func=m.SaveMatchedNode(m.Name("len"), "func")),
    m.Call(func=m.MatchIfTrue(lambda func: isinstance(func, cst.Name))),
    m.Call(func=~m.Name("len")),
    m.Call(func=m.Name(m.MatchRegex(r"^l"))),
    m.Call(func=m.TypeOf(m.Name, m.Attribute)()),
    m.Name("len") & m.Name(),
    m.AllOf(m.Call(), m.Call(func=m.Name())),
    m.For(asynchronous=None),
    m.For(asynchronous=m.Asynchronous()),
    m.FunctionDef(asynchronous=None, params=m.Parameters(star_arg=m.Param())),
    m.Parameters(star_arg=m.ParamStar()),
    m.Del(target=m.Tuple(elements=[m.Element(), m.ZeroOrMore()])),
    m.AugAssign(operator=m.AddAssign()),
    m.Arg(star="*"),
    m.Arg(keyword=None, star=""),
    m.Element(comma=m.Comma()),
    m.Element(comma=cst.MaybeSentinel.DEFAULT),
    m.ClassDef(bases=[]),
    m.TypeOf(m.Name, m.Attribute)(),
    m.DoesNotMatch(m.Name()),
    m.Yield(value=None),
    m.SimpleStatementLine(body=[m.Assign(targets=[m.AssignTarget(target=m.Name())])]),
]


def _nodes(tree: cst.CSTNode) -> Iterator[Any]:
    yield tree
    for field, _ in node_fields(tree):
        value = getattr(tree, field)
        yield value  # fields too: sequences, None, sentinels, as rules pass them
        children = value if type(value) in (tuple, list) else [value]
        for child in children:
            if isinstance(child, cst.CSTNode):
                yield from _nodes(child)


def _modules() -> List[cst.Module]:
    modules = [cst.parse_module(SAMPLE)]
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    for name in ("json/decoder.py", "asyncio/queues.py"):
        path = stdlib / name
        if path.exists():
            modules.append(cst.parse_module(path.read_text(encoding="utf-8")))
    return modules


MODULES = _modules()


def _compare(matcher: Any) -> int:
    """How many values `matches` answers the same way as `m.matches` (all of them, or fail)."""
    seen = 0
    for module in MODULES:
        for value in _nodes(module):
            expected = m.matches(value, matcher)
            assert matches(value, matcher) is expected, (matcher, value)
            seen += 1
    return seen


@pytest.mark.parametrize("name, matcher", PROJECT_MATCHERS, ids=[name for name, _ in PROJECT_MATCHERS])
def test_same_answers_for_the_project_matchers(name: str, matcher: Any) -> None:
    assert _compare(matcher) > 1000  # values compared


@pytest.mark.parametrize("matcher", EXERCISES, ids=[repr(matcher)[:60] for matcher in EXERCISES])
def test_same_answers_for_every_kind_of_constraint(matcher: Any) -> None:
    _compare(matcher)


def test_the_project_matchers_are_checked_cheaply() -> None:
    """Every matcher of the rules has a check (one without would save nothing)."""
    unchecked = [name for name, matcher in PROJECT_MATCHERS if necessary_check(matcher) is None]
    assert unchecked == []


def test_the_check_rules_out_by_type_and_values() -> None:
    call = cst.parse_expression("len([x for x in y])")
    check = necessary_check(m.Call(func=m.Name("len") | m.Name("sum"), args=[m.Arg(value=m.ListComp())]))
    assert check is not None
    assert check(call)
    assert not check(cst.parse_expression("max([x for x in y])"))
    assert not check(cst.parse_expression("len([x for x in y], 2)"))
    assert not check(cst.parse_expression("len(x)"))
    assert not check(cst.Name("len"))
