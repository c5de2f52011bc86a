"""Where an expression is iterated, and what runs while it is.

An `IterationSite` is the iterable of a `for` statement or of one `for` clause of a
comprehension, with the code that runs while it is being iterated (the loop body, or the rest of
the comprehension). Materialization rules use it to ask "is this list built only to be looped
over, and does the loop leave its source alone?".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Iterator, List, Optional, Sequence, Tuple, Union

import libcst as cst
import libcst.matchers as m

from memlint.analysis.names import qualified_name
from memlint.matching import matches
from memlint.rule import Rule

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


class IterationSiteRule(Rule):
    """Base of the rules about what a `for` loop or a comprehension clause iterates.

    A subclass sets ``ITERABLE``, a matcher for an iterable worth a closer look, and implements
    ``check_site``; this class finds the sites cheaply (a matcher on each loop's iterable before
    anything is resolved) and hands them over.
    """

    ITERABLE: ClassVar[m.BaseMatcherNode]

    def check_site(self, site: IterationSite) -> None:
        raise NotImplementedError

    def comprehension_is_candidate(self, node: Comprehension) -> bool:
        """Cheap guard: does any `for` clause iterate something ITERABLE matches?"""
        clause: Optional[cst.CompFor] = node.for_in
        while clause is not None:
            if m.matches(clause.iter, self.ITERABLE):
                return True
            clause = clause.inner_for_in
        return False

    def visit_For(self, node: cst.For) -> None:
        if m.matches(node.iter, self.ITERABLE):
            site = for_site(node)
            if site is not None:
                self.check_site(site)

    def visit_ListComp(self, node: cst.ListComp) -> None:
        self._visit_comprehension(node)

    def visit_SetComp(self, node: cst.SetComp) -> None:
        self._visit_comprehension(node)

    def visit_DictComp(self, node: cst.DictComp) -> None:
        self._visit_comprehension(node)

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        self._visit_comprehension(node)

    def _visit_comprehension(self, node: Comprehension) -> None:
        if self.comprehension_is_candidate(node):
            for site in comprehension_sites(node):
                self.check_site(site)


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


def iterated_parts(rule: Rule, iterable: cst.BaseExpression, wanted: m.BaseMatcherNode) -> Iterator[cst.BaseExpression]:
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
    callee = qualified_name(rule, call.func)
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
