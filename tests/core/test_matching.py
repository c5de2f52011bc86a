"""memlint's own matchers (`memlint.matchers`) answer exactly as `libcst.matchers`.

- every matcher constant of memlint's rules and analysis, translated into LibCST's vocabulary,
  gives LibCST's answer on every node (and every field value) of real modules;
- matchers built twice from one expression, once with each vocabulary, exercise each kind of
  constraint (wildcards, DoNotCare, OneOf of sequences, bools, None, predicates, inverses,
  TypeOf);
- sequence wildcards against LibCST on thousands of random patterns and sequences;
- a whole lint of every rule example and fixture, with every matcher memlint compiles (the
  inline ones included) checked against LibCST's answer on each node it is asked about;
- a one-file CLI run where a rule fires never imports `libcst.matchers`.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import json
import pkgutil
import random
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path
from typing import Any, Callable, Iterator, List, Tuple

import libcst as cst
import libcst.matchers as m
import pytest

import memlint.analysis
import memlint.rules
from memlint import matchers as ours
from memlint.matching import matches
from memlint.traversal import node_fields

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"

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
    x += 1
    s += "a"
    del z[0], w.v
    g(*args, (x))
    h(*args)
    return x if y else (yield z)
def gen():
    yield
class C:
    items = []
    def g(self, other=[]):
        other.append(self)
        async def h():
            async for q in r:
                await s
'''


def to_libcst(matcher: Any) -> Any:
    """The same matcher in LibCST's vocabulary (node matchers, OneOf, AllOf, ... one by one)."""
    if isinstance(matcher, ours.NodeMatcher):
        return getattr(m, type(matcher).__name__)(**{name: to_libcst(value) for name, value in matcher._values.items()})
    if isinstance(matcher, ours.OneOf):
        return m.OneOf(*map(to_libcst, matcher.options))
    if isinstance(matcher, ours.AllOf):
        return m.AllOf(*map(to_libcst, matcher.options))
    if isinstance(matcher, ours.TypeOf):
        args, kwargs = matcher._call
        return m.TypeOf(*(getattr(m, t.__name__) for t in matcher.types))(
            *map(to_libcst, args), **{k: to_libcst(v) for k, v in kwargs.items()}
        )
    if isinstance(matcher, ours._Inverse):
        return m.DoesNotMatch(to_libcst(matcher.matcher))
    if isinstance(matcher, ours.MatchIfTrue):
        return m.MatchIfTrue(matcher.func)
    if isinstance(matcher, ours.AtLeastN):
        return m.AtLeastN(to_libcst(matcher.matcher), n=matcher.n)
    if isinstance(matcher, ours.AtMostN):
        return m.AtMostN(to_libcst(matcher.matcher), n=matcher.n)
    if isinstance(matcher, ours.DoNotCareSentinel):
        return m.DoNotCare()
    if isinstance(matcher, (list, tuple)):
        return type(matcher)(map(to_libcst, matcher))
    assert matcher is None or isinstance(matcher, (str, bool, cst.MaybeSentinel)), matcher
    return matcher


def _matchers_of(package: Any) -> List[Tuple[str, Any]]:
    """The upper-case matcher constants of a package's modules and of their classes."""
    found = []
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        places = [(module.__name__, vars(module))] + [
            (f"{module.__name__}.{name}", vars(value))
            for name, value in vars(module).items()
            if inspect.isclass(value) and value.__module__ == module.__name__
        ]
        for where, namespace in places:
            for name, value in namespace.items():
                if name.isupper() and isinstance(value, ours.BaseMatcherNode):
                    found.append((f"{where}.{name}", value))
    return found


PROJECT_MATCHERS = _matchers_of(memlint.rules) + _matchers_of(memlint.analysis)

# Each built twice from the same expression: `v` is LibCST's vocabulary, then memlint's.
EXERCISES: List[Callable[[Any], Any]] = [
    lambda v: v.Call(args=[v.ZeroOrMore(), v.Arg(keyword=v.Name("key"))]),
    lambda v: v.Call(args=[v.DoNotCare(), v.Arg()]),
    lambda v: v.Call(args=[v.Arg(), v.AtMostN(n=1)]),
    lambda v: v.Call(args=[v.AtLeastN(v.Arg(star="*"), n=1)]),
    lambda v: v.Call(args=[v.AtLeastN(n=2), v.ZeroOrOne(v.Arg(keyword=None))]),
    lambda v: v.Call(args=[v.ZeroOrMore(v.Arg(keyword=None)), v.ZeroOrMore(v.Arg(keyword=v.Name()))]),
    lambda v: v.Call(args=v.OneOf([v.Arg()], [v.Arg(), v.Arg()])),
    lambda v: v.Call(args=v.OneOf([v.Arg()], v.MatchIfTrue(lambda args: len(args) > 2), [v.Arg(), v.Arg()])),
    lambda v: v.Call(args=v.AllOf([v.Arg(), v.ZeroOrMore()], [v.ZeroOrMore(), v.Arg(keyword=None)])),
    lambda v: v.Call(args=[v.MatchIfTrue(lambda arg: True)]),
    lambda v: v.Call(args=v.MatchIfTrue(lambda args: len(args) == 1)),
    lambda v: v.Call(func=v.MatchIfTrue(lambda func: isinstance(func, cst.Name))),
    lambda v: v.Call(func=~v.Name("len")),
    lambda v: v.Call(func=~(v.Name("len") | v.Name("list"))),
    lambda v: ~v.Name(),
    lambda v: v.Call(func=v.Name(v.MatchRegex(r"l.*"))),
    lambda v: v.Call(func=v.Name(~v.MatchIfTrue(lambda name: name.startswith("l")))),
    lambda v: v.Call(func=v.TypeOf(v.Name, v.Attribute)()),
    lambda v: v.Call(func=(v.Name | v.Attribute)()),
    lambda v: (v.BinaryOperation | v.BooleanOperation)(left=v.Name()),
    lambda v: v.Name("len") & v.Name(),
    lambda v: v.AllOf(v.Call(), v.Call(func=v.Name())),
    lambda v: v.Name("len") | v.MatchIfTrue(lambda node: isinstance(node, cst.Integer)),
    lambda v: v.For(asynchronous=None),
    lambda v: v.For(asynchronous=v.Asynchronous()),
    lambda v: v.FunctionDef(asynchronous=None, params=v.Parameters(star_arg=v.Param())),
    lambda v: v.Parameters(star_arg=v.ParamStar()),
    lambda v: v.Del(target=v.Tuple(elements=[v.Element(), v.ZeroOrMore()])),
    lambda v: v.AugAssign(operator=v.AddAssign(), value=~(v.Integer() | v.Float())),
    lambda v: v.Arg(star="*"),
    lambda v: v.Arg(keyword=None, star=""),
    lambda v: v.Element(comma=v.Comma()),
    lambda v: v.Element(comma=cst.MaybeSentinel.DEFAULT),
    lambda v: v.Element(comma=~v.Comma()),
    lambda v: v.ClassDef(bases=[]),
    lambda v: v.ClassDef(body=v.IndentedBlock(body=[v.ZeroOrMore(), v.FunctionDef(), v.ZeroOrMore()])),
    lambda v: v.Yield(value=None),
    lambda v: v.Name(value="x", lpar=[], rpar=()),
    lambda v: v.Name("x", [v.LeftParen()]),
    lambda v: v.SimpleStatementLine(body=[v.Assign(targets=[v.AssignTarget(target=v.Name())])]),
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
    for name in ("MEM101.py", "MEM202.py", "MEM301.py"):  # where rules fire
        modules.append(cst.parse_module((FIXTURES / name).read_bytes()))
    return modules


MODULES = _modules()
VALUES = [value for module in MODULES for value in _nodes(module)]


def _compare(memlints: Any, libcsts: Any) -> int:
    """How many values matched (every answer equal to LibCST's, or fail)."""
    matched = 0
    for value in VALUES:
        expected = m.matches(value, libcsts)
        assert matches(value, memlints) is expected, (memlints, value)
        matched += expected
    return matched


@pytest.mark.parametrize("name, matcher", PROJECT_MATCHERS, ids=[name for name, _ in PROJECT_MATCHERS])
def test_same_answers_for_the_project_matchers(name: str, matcher: Any) -> None:
    _compare(matcher, to_libcst(matcher))


def test_the_project_matchers_were_found_and_some_match() -> None:
    assert len(PROJECT_MATCHERS) > 100
    matched = [name for name, matcher in PROJECT_MATCHERS if any(matches(value, matcher) for value in VALUES)]
    assert len(matched) > len(PROJECT_MATCHERS) // 3


@pytest.mark.parametrize("build", EXERCISES, ids=[str(i) for i in range(len(EXERCISES))])
def test_same_answers_for_every_kind_of_constraint(build: Callable[[Any], Any]) -> None:
    _compare(build(ours), build(m))


def test_the_exercises_are_not_vacuous() -> None:
    """Each exercise but one matches some value and misses others (so a wrong answer would
    show); the one never matches anything, in LibCST too: a MaybeSentinel given as a value."""
    built = [build(ours) for build in EXERCISES]
    both = [matcher for matcher in built if 0 < sum(matches(value, matcher) for value in VALUES) < len(VALUES)]
    assert len(both) == len(EXERCISES) - 1


def test_every_libcst_node_has_a_matcher_with_the_same_fields() -> None:
    theirs = {
        name: [field.name for field in dataclasses.fields(value) if field.name != "metadata"]
        for name, value in vars(m).items()
        if inspect.isclass(value) and dataclasses.is_dataclass(value) and issubclass(value, m.BaseMatcherNode)
    }
    assert len(theirs) > 150
    for name, fields in theirs.items():
        matcher = getattr(ours, name)
        assert issubclass(matcher, ours.NodeMatcher), name
        assert list(matcher._fields) == fields, name
    assert not hasattr(ours, "BaseExpression")  # abstract: no matcher, as in memlint's use
    with pytest.raises(AttributeError):
        ours.NoSuchNode  # noqa: B018


def test_positional_and_keyword_fields() -> None:
    name = cst.Name("x")
    assert matches(name, ours.Name("x")) and not matches(name, ours.Name("y"))
    assert matches(name, ours.Name("x", (), ()))
    assert ours.Name("x").value == "x" and isinstance(ours.Name("x").lpar, ours.DoNotCareSentinel)
    with pytest.raises(TypeError):
        ours.Name(valu="x")
    with pytest.raises(TypeError):
        ours.Name("x", value="x")
    with pytest.raises(TypeError):
        ours.Name("x", (), (), None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        ours.Name("x").value = "y"  # type: ignore[misc]


def _random_pattern(rng: random.Random, v: Any) -> List[Any]:
    elements = []
    for _ in range(rng.randint(0, 4)):
        kind = rng.randrange(7)
        inner = rng.choice([v.DoNotCare(), v.Arg(value=v.Name("a")), v.Arg(value=v.Name("b"))])
        if kind == 0:
            elements.append(v.DoNotCare())
        elif kind == 1:
            elements.append(v.Arg(value=v.Name(rng.choice("ab"))))
        elif kind == 2:
            elements.append(v.ZeroOrMore(inner))
        elif kind == 3:
            elements.append(v.ZeroOrOne(inner))
        elif kind == 4:
            elements.append(v.AtLeastN(inner, n=rng.randint(0, 3)))
        elif kind == 5:
            elements.append(v.AtMostN(inner, n=rng.randint(0, 3)))
        else:
            elements.append(v.Arg(value=v.Name("a")) | v.Arg(value=v.Name("b")))
    return elements


def test_sequence_wildcards_against_libcst_on_random_patterns() -> None:
    calls = [
        cst.Call(func=cst.Name("f"), args=[cst.Arg(cst.Name(c)) for c in word])
        for n in range(6)
        for word in ("".join(random.Random(n * 31 + i).choice("ab") for _ in range(n)) for i in range(4))
    ]
    matched = compared = 0
    for seed in range(400):
        pattern_ours = ours.Call(args=_random_pattern(random.Random(seed), ours))
        pattern_libcst = m.Call(args=_random_pattern(random.Random(seed), m))
        for call in calls:
            expected = m.matches(call, pattern_libcst)
            assert matches(call, pattern_ours) is expected, (pattern_libcst, cst.Module([]).code_for_node(call))
            matched += expected
            compared += 1
    assert compared == 400 * len(calls) and 0.1 * compared < matched < 0.9 * compared


def test_sequence_wildcards_by_example() -> None:
    def call(code: str) -> cst.Call:
        return cst.ensure_type(cst.parse_expression(code), cst.Call)

    a, b = ours.Arg(value=ours.Name("a")), ours.Arg(value=ours.Name("b"))
    assert matches(call("f(a, a, b)"), ours.Call(args=[ours.ZeroOrMore(a), b]))
    assert not matches(call("f(a, b, b)"), ours.Call(args=[ours.ZeroOrMore(a), b]))
    assert matches(call("f(b)"), ours.Call(args=[ours.ZeroOrMore(a), b]))
    assert not matches(call("f(a, b)"), ours.Call(args=[ours.AtLeastN(a, n=2), b]))
    assert matches(call("f(a, a, a, b)"), ours.Call(args=[ours.AtLeastN(a, n=2), b]))
    assert not matches(call("f(a, a, b)"), ours.Call(args=[ours.AtMostN(a, n=1), b]))
    assert matches(call("f(b)"), ours.Call(args=[ours.ZeroOrOne(a), b]))
    assert matches(call("f(x, b, y)"), ours.Call(args=[ours.ZeroOrMore(), b, ours.ZeroOrMore()]))
    assert not matches(call("f(x, y)"), ours.Call(args=[ours.ZeroOrMore(), b, ours.ZeroOrMore()]))
    assert matches(call("f(x, y)"), ours.Call(args=[ours.DoNotCare(), ours.DoNotCare()]))
    assert not matches(call("f(x)"), ours.Call(args=[ours.DoNotCare(), ours.DoNotCare()]))


def test_one_of_literals_fails_as_in_libcst() -> None:
    """LibCST cannot match a string or None attribute against a OneOf of literals (it raises
    TypeError: the option is taken as a sequence, or as a node); neither can memlint's, so a
    rule that tried would fail its own tests rather than silently differ."""
    name = cst.Name("x")
    for vocabulary in (m, ours):
        with pytest.raises(TypeError):
            vocabulary.matches(name, vocabulary.Name(vocabulary.OneOf("x", "y")))
    arg = cst.Arg(cst.Name("x"))
    for vocabulary in (m, ours):
        with pytest.raises(TypeError):
            vocabulary.matches(arg, vocabulary.Arg(keyword=vocabulary.OneOf(None, vocabulary.Name())))
    assert matches(name, ours.Name("x") | ours.Name("y")) and not matches(name, ours.Name("y") | ours.Name("z"))


def test_match_if_true_gets_the_attribute_value() -> None:
    seen: List[Any] = []
    matcher = ours.Call(func=ours.Name(ours.MatchIfTrue(lambda value: seen.append(value) or value == "len")))
    assert matches(cst.parse_expression("len(x)"), matcher)
    assert not matches(cst.parse_expression("max(x)"), matcher)
    assert not matches(cst.parse_expression("a.len(x)"), matcher)  # not a Name: never asked
    assert seen == ["len", "max"]
    assert not matches(cst.Name("x"), ours.MatchIfTrue(lambda node: True))  # not at the top, as LibCST


def test_type_of() -> None:
    either = ours.Name | ours.Attribute
    assert isinstance(either, ours.TypeOf)
    assert matches(cst.Name("x"), either()) and matches(cst.parse_expression("a.b"), either())
    assert not matches(cst.Integer("1"), either())
    with_value = ours.TypeOf(ours.Name, ours.Attribute)(value=ours.Name("a"))
    assert matches(cst.parse_expression("a.b"), with_value) and not matches(cst.Name("x"), with_value)
    assert matches(cst.parse_expression("a.b"), either())  # calling it did not change `either`


def test_a_libcst_matcher_is_refused_with_a_message() -> None:
    with pytest.raises(TypeError, match=r"takes a memlint matcher \(from memlint import matchers as m\)"):
        matches(cst.Name("x"), m.Name("x"))


SHADOW = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    import libcst as cst
    import libcst.matchers as lm
    from memlint import matchers
    sys.path.insert(0, sys.argv[1])
    from test_matching import to_libcst

    compiled_top = matchers._compile_top
    stats = {"compared": 0, "matched": 0, "matchers": 0, "differences": []}

    def shadowed(matcher):
        ours = compiled_top(matcher)
        theirs = to_libcst(matcher)
        stats["matchers"] += 1

        def predicate(node):
            answer = ours(node)
            expected = lm.matches(node, theirs)
            stats["compared"] += 1
            stats["matched"] += answer
            if answer is not expected and len(stats["differences"]) < 10:
                stats["differences"].append(repr(matcher)[:300] + " on " + repr(node)[:200])
            return answer

        return predicate

    matchers._compile_top = shadowed

    from memlint.api import lint_source
    from memlint.config import load_config
    from memlint.registry import all_rules
    from memlint.testing import check_invalid, check_valid

    for rule in all_rules().values():
        for example in rule.VALID:
            check_valid(rule, example)
        for example in rule.INVALID:
            check_invalid(rule, example)
    fixtures = Path(sys.argv[2])
    config = load_config([str(fixtures)], None, {"select": ["ALL"], "preview": True})
    findings = 0
    for path in sorted(fixtures.glob("*.py")):
        findings += len(lint_source(path.read_bytes(), str(path), config).findings)
    stats["findings"] = findings
    print(json.dumps(stats))
    """
)


def test_every_matcher_memlint_compiles_answers_as_libcst_while_linting() -> None:
    """Lint every rule example and fixture with each compiled matcher (inline ones too) also
    asking LibCST, on every node it is given."""
    done = subprocess.run(
        [sys.executable, "-c", SHADOW, str(ROOT / "tests" / "core"), str(FIXTURES)],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    stats = json.loads(done.stdout.strip().splitlines()[-1])
    assert stats["differences"] == []
    assert stats["matchers"] > 200 and stats["compared"] > 50_000 and stats["matched"] > 1000
    assert stats["findings"] > 100


ONE_FILE_RUN = textwrap.dedent(
    """
    import atexit, runpy, sys
    atexit.register(lambda: sys.stderr.write(
        "\\nMODULES " + str("libcst.matchers" in sys.modules) + " " + str("memlint.matchers" in sys.modules) + "\\n"
    ))
    sys.argv = ["memlint", "--no-cache", "--force-exclude", sys.argv[1]]
    runpy.run_module("memlint", run_name="__main__", alter_sys=True)
    """
)


def test_a_one_file_run_where_a_rule_fires_never_imports_libcst_matchers(tmp_path: Path) -> None:
    target = tmp_path / "slow.py"
    target.write_text("def total(rows):\n    return sum([r * 2 for r in rows])\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", ONE_FILE_RUN, str(target)], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "MEM101" in done.stdout
    assert done.stderr.strip().splitlines()[-1] == "MODULES False True"


def test_fields_are_checked_in_the_nodes_order_as_in_libcst() -> None:
    """Given in another order, the fields are still checked in the node's: `value` first, so
    the unmatchable `keyword` (a OneOf of literals) is not reached when `value` differs."""
    seen: List[str] = []
    arg = cst.Arg(cst.Name("y"), keyword=cst.Name("k"))

    def build(v: Any) -> Any:
        return v.Arg(keyword=v.Name(v.MatchIfTrue(lambda s: seen.append("keyword") or True)), value=v.Name(v.MatchIfTrue(lambda s: seen.append("value") or False)))

    assert not m.matches(arg, build(m)) and not matches(arg, build(ours))
    assert seen == ["value", "value"]
