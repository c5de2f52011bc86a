"""Where an expression is iterated, and what runs while it is.

An `IterationSite` is the iterable of a `for` statement or of one `for` clause of a
comprehension, with the code that runs while it is being iterated (the loop body, or the rest of
the comprehension). Materialization rules use it to ask "is this list built only to be looped
over, and does the loop leave its source alone?".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, List, Optional, Sequence, Tuple, Union

import libcst as cst

from memlint import matchers as m
from memlint.analysis.names import qualified_name
from memlint.matching import matches
from memlint.context import LintContext

Comprehension = Union[cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp]
COMPREHENSION = m.ListComp() | m.SetComp() | m.DictComp() | m.GeneratorExp()
# Wrappers that iterate their positional arguments lazily, as their own iteration proceeds.
LAZY_WRAPPERS = ("builtins.enumerate", "builtins.zip")
PLAIN_POSITIONAL = m.Arg(keyword=None, star="")


@dataclass(frozen=True)
class IterationSite:
    iterable: cst.BaseExpression
    body: Tuple[cst.CSTNode, ...]  # runs between the steps of the iteration
    target: cst.BaseExpression  # the loop variable(s) assigned from each element
    deferred: bool  # a generator expression's first iterable: taken now, iterated later


def for_site(node: cst.For) -> Optional[IterationSite]:
    """The site of a (synchronous) `for` statement; None for `async for`."""
    if node.asynchronous is not None:
        return None
    return IterationSite(node.iter, (node.body,), node.target, deferred=False)


def comprehension_sites(node: Comprehension) -> List[IterationSite]:
    """One site per synchronous `for` clause of a comprehension."""
    if m.matches(node, m.DictComp()):
        dict_comp = cst.ensure_type(node, cst.DictComp)
        results: Tuple[cst.CSTNode, ...] = (dict_comp.key, dict_comp.value)
    else:
        results = (getattr(node, "elt"),)
    clauses: List[cst.CompFor] = []
    clause: Optional[cst.CompFor] = node.for_in
    while clause is not None:
        clauses.append(clause)
        clause = clause.inner_for_in
    sites = []
    is_generator = m.matches(node, m.GeneratorExp())
    for index, clause in enumerate(clauses):
        if clause.asynchronous is not None:
            continue
        body: List[cst.CSTNode] = list(clause.ifs)
        for later in clauses[index + 1 :]:
            body.append(later.iter)
            body.extend(later.ifs)
        body.extend(results)
        sites.append(IterationSite(clause.iter, tuple(body), clause.target, deferred=is_generator and index == 0))
    return sites


def iterated_parts(context: LintContext, iterable: cst.BaseExpression, wanted: m.BaseMatcherNode) -> Iterator[cst.BaseExpression]:
    """`iterable` itself and, when it is `enumerate(...)`/`zip(...)`, its positional arguments,
    keeping those that match `wanted` (names are resolved only when some argument matches)."""
    if m.matches(iterable, wanted):
        yield iterable
        return
    if not m.matches(iterable, m.Call()):
        return
    call = cst.ensure_type(iterable, cst.Call)
    positional = [arg.value for arg in call.args if matches(arg, PLAIN_POSITIONAL)]
    if not any(m.matches(value, wanted) for value in positional):
        return  # cheap syntactic guard before resolving the callee
    callee = qualified_name(context, call.func)
    if callee not in LAZY_WRAPPERS:
        return
    if callee == "builtins.enumerate":
        positional = positional[:1]  # the second argument is `start`
    yield from (value for value in positional if m.matches(value, wanted))


def positional_args(call: cst.Call) -> Optional[Sequence[cst.Arg]]:
    """The positional arguments, or None when there is a `*args`/`**kwargs`."""
    if any(arg.star for arg in call.args):
        return None
    return [arg for arg in call.args if arg.keyword is None]
