"""MEM201/MEM202 hoisting fixes: the fixed code must compute the same results as the original.

Each case is a module defining `main(*args)`; both versions are executed on the same inputs.
"""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from memlint.api import lint_source
from memlint.testing import config_for
from memlint.registry import find_rule

CASES = [
    (
        "MEM201",
        """
        def main(rows, factor):
            out = []
            for row in rows:
                def scale(value):
                    return value * factor
                out.append(scale(row))
            return out
        """,
        [([1, 2, 3], 2), ([], 5), ([-1.5], 0.5)],
    ),
    (
        "MEM201",
        """
        def main(records):
            seen = []
            for record in records:
                class Point:
                    __slots__ = ("x", "y")
                    def __init__(self, x, y):
                        self.x, self.y = x, y
                p = Point(*record)
                seen.append((p.x + p.y, type(p).__name__))
            return seen
        """,
        [([(1, 2), (3, 4)],), ([],)],
    ),
    (
        "MEM201",
        """
        def main(n):
            total = 0
            for outer in range(n):
                for inner in range(n):
                    def double(x):
                        return 2 * x
                    total += double(outer + inner)
            return total
        """,
        [(0,), (3,), (7,)],
    ),
    (
        "MEM201",
        """
        import collections
        def main(items):
            queue = collections.deque(items)
            handled = []
            while queue:
                item = queue.popleft()
                # ordering helper
                def key(entry):
                    return -entry
                handled.append(sorted([item, item + 1], key=key))
            return handled
        """,
        [([3, 1, 2],), ([],)],
    ),
    (
        "MEM202",
        """
        def main(n):
            def double(x):
                return x * 2
            return double(n) + main(n - 1) if n > 0 else 0
        """,
        [(0,), (1,), (10,)],
    ),
    (
        "MEM202",
        """
        import math

        # distance between points
        def distance(a, b):  # memlint: hot
            def square(x):
                return x * x
            return math.sqrt(square(a[0] - b[0]) + square(a[1] - b[1]))


        def main(pairs):
            return [round(distance(p, q), 6) for p, q in pairs]
        """,
        [([((0, 0), (3, 4)), ((1, 1), (1, 1))],), ([],)],
    ),
    (
        "MEM202",
        """
        class Parser:
            def parse(self, items):
                return [self.parse_one(item) for item in items]

            def parse_one(self, item):  # memlint: hot
                def clean(s):
                    return s.strip().lower()
                return clean(item)


        def main(items):
            return Parser().parse(items)
        """,
        [([" A ", "b  "],), ([],)],
    ),
]


def run(source, args):
    namespace = {"__name__": "hoisting_case"}
    exec(compile(source, "<case>", "exec"), namespace)
    return namespace["main"](*args)


@pytest.mark.parametrize(("code", "source", "inputs"), CASES, ids=[f"{c}-{i}" for i, (c, _, _) in enumerate(CASES)])
def test_hoisted_code_behaves_the_same(code, source, inputs):
    source = textwrap.dedent(source).lstrip("\n")
    rule = find_rule(code)
    config = config_for(rule, {})
    before = lint_source(source, "case.py", config)
    assert [f.code for f in before.findings] == [code], before.findings
    fixed = lint_source(source, "case.py", config, fix=True, unsafe_fixes=True)
    assert fixed.fixed_source is not None and fixed.fixed_source != source
    cst.parse_module(fixed.fixed_source)
    assert not lint_source(fixed.fixed_source, "case.py", config).findings
    again = lint_source(fixed.fixed_source, "case.py", config, fix=True, unsafe_fixes=True)
    assert again.fixed_source is None  # idempotent
    for args in inputs:
        assert run(fixed.fixed_source, args) == run(source, args), args
