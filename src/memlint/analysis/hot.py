"""Hot functions: functions whose body runs many times, so per-call allocations add up.

A function is hot, by these signals only (all within one module):
1. it is marked with a `# memlint: hot` comment on its `def` line (the line with the colon);
2. its name, or `Class.method` for a method, matches one of the glob patterns given
   (`fnmatch`, case-sensitive; the rule option `hot-functions`);
3. it calls itself: `f(...)` resolving to the same function, or `self.m(...)` / `cls.m(...)` /
   `Class.m(...)` in a method `m` (each recursion level keeps its own frame and locals);
4. it is called, by name, inside a loop (a `for`/`while` body or a comprehension) elsewhere in
   the same module: `f(...)` resolving to the function, or `self.m(...)`/`cls.m(...)` for a
   method of the same class. Calls through other names, `map(f, ...)`, callbacks and calls from
   other modules are not seen.

With `data_sized=True` (MEM202, which reports only on data-sized evidence), signals 3 and 4
need more: the recursion must be *linear*, a self-call in the function's own body (not in a
nested function) outside any of its loops (`walk(n - 1)`, `count(items[1:])`: one level per item of the data), not a tree walk whose
depth is the tree's height (`for child in node.children: walk(child)`); and the loop calling the
function must state at least `DATA_SIZED_CALLS` iterations (`for i in range(10_000_000)`), since
a loop of unknown length may as well run three times.

Usage: create a `CallSites`, feed it every `Call` during the traversal (`record` is a cheap
syntactic filter), then ask `hot_reason` from `leave_Module`. Signals 3 and 4 resolve names
with the cheap scope index (`analysis/names.py`) and the parents the traversal records.
"""

from __future__ import annotations

import fnmatch
import re
from typing import Dict, List, Optional, Sequence

import libcst as cst

from memlint import matchers as m
from memlint.analysis.loops import enclosing_function, enclosing_loop, enclosing_loops, is_inside, known_trip_count
from memlint.analysis.names import qualified_name
from memlint.analysis.values import known_length
from memlint.matching import matches
from memlint.context import LintContext

HOT_MARKER = re.compile(r"#.*\bmemlint:\s*hot\b")
SELF_NAMES = ("self", "cls")
NAME = m.Name()
METHOD_OF_NAME = m.Attribute(value=m.Name())
DATA_SIZED_CALLS = 10_000  # a loop stating this many iterations calls its function "many" times


def has_hot_marker(function: cst.FunctionDef) -> bool:
    """Is there a `# memlint: hot` comment at the end of the `def ...:` line?"""
    body = function.body
    if m.matches(body, m.IndentedBlock()):
        comment = cst.ensure_type(body, cst.IndentedBlock).header.comment
    else:
        comment = cst.ensure_type(body, cst.SimpleStatementSuite).trailing_whitespace.comment
    return comment is not None and HOT_MARKER.search(comment.value) is not None


def matching_glob(qualified: str, globs: Sequence[str]) -> Optional[str]:
    """The first glob matching the function's name or its `Class.method` name."""
    short = qualified.rsplit(".", 1)[-1]
    for pattern in globs:
        if fnmatch.fnmatchcase(qualified, pattern) or fnmatch.fnmatchcase(short, pattern):
            return pattern
    return None


class CallSites:
    """Calls of the form `name(...)` and `x.name(...)` seen during a traversal, by name."""

    def __init__(self) -> None:
        self.by_name: Dict[str, List[cst.Call]] = {}
        self.by_method: Dict[str, List[cst.Call]] = {}

    def record(self, call: cst.Call) -> None:
        func = call.func
        if matches(func, NAME):
            self.by_name.setdefault(cst.ensure_type(func, cst.Name).value, []).append(call)
        elif matches(func, METHOD_OF_NAME):
            attribute = cst.ensure_type(func, cst.Attribute)
            self.by_method.setdefault(attribute.attr.value, []).append(call)


def function_qualname(context: LintContext, function: cst.FunctionDef) -> Optional[str]:
    """`f`, `C.m` or `outer.<locals>.inner` (the cheap scope index of `analysis/scopes.py`)."""
    return qualified_name(context, function.name)


def hot_reason(
    context: LintContext,
    function: cst.FunctionDef,
    sites: CallSites,
    globs: Sequence[str] = (),
    owner: Optional[cst.ClassDef] = None,
    data_sized: bool = False,
) -> Optional[str]:
    """Why `function` is hot ("marked `# memlint: hot`", "calls itself", …), or None.

    `owner` is the class whose body directly holds `function` (None for plain functions);
    `data_sized` asks for data-sized evidence (module doc).
    """
    if has_hot_marker(function):
        return "marked `# memlint: hot`"
    qualified = function_qualname(context, function)
    if qualified is None:
        return None
    if globs:
        pattern = matching_glob(qualified, globs)
        if pattern is not None:
            return f"matches the hot-functions pattern `{pattern}`"
    calls = _calls_of(context, function, qualified, sites, owner)
    if not data_sized:
        if any(is_inside(context, call, function) for call in calls):
            return "calls itself"
        if any(enclosing_loop(context, call) is not None for call in calls):
            return "called inside a loop"
        return None
    if any(enclosing_function(context, call) is function and not _in_own_loop(context, call, function) for call in calls):
        return "recurses once per item of its input"
    most = max((_stated_iterations(context, call) for call in calls if not is_inside(context, call, function)), default=0)
    if most >= DATA_SIZED_CALLS:
        return f"called in a loop of {most:,} iterations"
    return None


def _in_own_loop(context: LintContext, call: cst.Call, function: cst.FunctionDef) -> bool:
    """Is this self-call repeated by a loop of the function's own body (a tree walk)?"""
    return any(is_inside(context, loop.node, function) for loop in enclosing_loops(context, call))


def _stated_iterations(context: LintContext, call: cst.Call) -> int:
    """The product of the trip counts the code states for the loops around `call` (0 if none)."""
    total = 0
    for loop in enclosing_loops(context, call):
        count = known_trip_count(loop, lambda expr: known_length(context, expr))
        if count is not None:
            total = max(total, 1) * count
    return total


def _calls_of(
    context: LintContext, function: cst.FunctionDef, qualified: str, sites: CallSites, owner: Optional[cst.ClassDef]
) -> List[cst.Call]:
    name = function.name.value
    if owner is None:
        return [call for call in sites.by_name.get(name, ()) if _resolves_to(context, call.func, qualified)]
    receivers = SELF_NAMES + (owner.name.value,)
    return [
        call
        for call in sites.by_method.get(name, ())
        if cst.ensure_type(cst.ensure_type(call.func, cst.Attribute).value, cst.Name).value in receivers
        and is_inside(context, call, owner)
    ]


def _resolves_to(context: LintContext, func: cst.BaseExpression, qualified: str) -> bool:
    return qualified_name(context, func) == qualified

