"""Lifetime and retention rules on cases their examples cannot state: the file's path (a one-shot
program), and the messages' advice for the code they are shown on."""

from __future__ import annotations

import pytest

from memlint.api import lint_source
from memlint.registry import all_rules
from memlint.rules.unbounded_module_cache import is_program
from memlint.testing import config_for

CACHE = "_cache = {}\ndef f(x):\n    if x not in _cache:\n        _cache[x] = g(x)\n    return _cache[x]\n"
CACHED = "import functools\n@functools.lru_cache(maxsize=None)\ndef parse(text):\n    return text.split()\n"


def findings(code: str, source: str, path: str = "pkg/mod.py", options=None):
    rule = all_rules()[code]
    result = lint_source(source, path, config_for(rule, options or {}))
    assert not result.errors
    return [(f.location.line, f.message) for f in result.findings if f.code == code]


@pytest.mark.parametrize(
    "path",
    ["setup.py", "docs/conf.py", "pkg/__main__.py", "tools/gen_tables.py", "scripts/refresh.py",
     "examples/plot_demo.py", "pkg/_build_utils/tempita.py", "gen_ufuncs.py", "src\\tools\\x.py"],
)
def test_one_shot_programs_are_not_reported(path):
    assert is_program(path)
    assert findings("MEM602", CACHE, path) == []
    assert findings("MEM602", CACHED, path) == []


@pytest.mark.parametrize("path", ["pkg/cache.py", "src/pkg/tooling.py", "service/main.py", "benchmarks/bench_io.py"])
def test_library_modules_are_reported(path):
    assert not is_program(path)
    assert findings("MEM602", CACHE, path) == [
        (1, "the module-level `_cache` grows for the life of the process: functions add to it and no code in the module ever removes from it")
    ]


def test_unbounded_cache_advice_is_maxsize_unless_it_returns_new_objects():
    assert findings("MEM602", CACHED) == [
        (2, "`@functools.lru_cache(maxsize=None)` on `parse` grows for the life of the process: every distinct argument tuple and its result are kept; give it a `maxsize`")
    ]
    factory = "import functools\n@functools.cache\ndef connection(url):\n    return Connection(url)\n"
    assert findings("MEM602", factory) == [
        (2, "`@functools.cache` on `connection` grows for the life of the process: every distinct argument tuple and its result are kept; "
            "if callers rely on getting the same object back, a `weakref.WeakValueDictionary` keeps that and frees unused ones, else give it a `maxsize`")
    ]


def test_bounded_cache_message_says_how_many_instances_it_keeps():
    source = "import functools\nclass Bar:\n    @functools.lru_cache(maxsize=16)\n    def segments(self, style):\n        return style\n"
    assert findings("MEM601", source) == [
        (3, "`@functools.lru_cache(maxsize=16)` on the instance method `segments` keeps up to 16 instances it was called on (and all they reference) alive for the life of the class")
    ]
    default = "import functools\nclass Bar:\n    @functools.lru_cache\n    def segments(self, style):\n        return style\n"
    assert "keeps up to 128 instances" in findings("MEM601", default)[0][1]
    unbounded = "import functools\nclass Bar:\n    @functools.cache\n    def segments(self, style):\n        return style\n"
    assert "keeps every `self` it sees alive" in findings("MEM601", unbounded)[0][1]


@pytest.mark.parametrize(
    "loop, reported",
    [("for i in range(9_999):", False), ("for i in range(10_000):", True), ("for i in range(100):\n    for j in range(100):", True), ("for i in rows:", False)],
)
def test_mem202_loop_calls_need_a_stated_data_sized_count(loop, reported):
    body = "    " * (loop.count(":") )
    source = "def kernel(x):\n    def clip(v):\n        return v\n    return clip(x)\n" + loop + "\n" + body + "kernel(i)\n"
    found = findings("MEM202", source)
    assert bool(found) is reported
    if reported:
        assert "which is hot (called in a loop of 10,000 iterations)" in found[0][1]


def test_mem202_tree_walk_is_not_reported_but_linear_recursion_is():
    tree = "def walk(n):\n    def f(x):\n        return x\n    for c in n.children:\n        walk(c)\n    return f(n)\n"
    linear = "def walk(n):\n    def f(x):\n        return x\n    return f(n) + walk(n.next) if n else 0\n"
    assert findings("MEM202", tree) == []
    assert findings("MEM202", linear) == [
        (2, "Nested `def f` captures nothing from `walk`, which is hot (recurses once per item of its input), yet is rebuilt on every call; move it to module level")
    ]


def test_mem604_stored_exception_raised_elsewhere_only_through_another_attribute_is_reported():
    source = (
        "class Job:\n    def go(self):\n        try:\n            run()\n        except Exception as e:\n            self.error = e\n"
        "    def check(self):\n        raise self.other\n"
    )
    assert findings("MEM604", source) == [
        (6, "the exception `e` is kept on an attribute: its traceback keeps every frame's local variables alive")
    ]
