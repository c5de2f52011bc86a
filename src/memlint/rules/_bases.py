"""Base classes of rules: shared traversal bookkeeping, not rules themselves.

Rule discovery (`rules/__init__.py`) skips modules whose name starts with `_`, so nothing here
is registered; a rule module imports its base from here.
- `LoopDepthRule`: counts the loops open in the current frame (`maybe_in_loop`), a cheap guard
  before asking `analysis.loops.enclosing_loop`;
- `IterationSiteRule`: finds what `for` loops and comprehension clauses iterate
  (`analysis.iteration.IterationSite`) and hands each candidate to `check_site`.
"""

from __future__ import annotations

from typing import ClassVar, List, Optional

import libcst as cst

from memlint import matchers as m
from memlint.analysis.iteration import Comprehension, IterationSite, comprehension_sites, for_site
from memlint.context import LintContext
from memlint.rule import Rule


class LoopDepthRule(Rule):
    """A rule base that counts, during the traversal, the loops open in the current frame.

    `self.maybe_in_loop` is a cheap syntactic over-approximation (true anywhere inside a loop
    node of the current frame, its iterable included) to test before asking `enclosing_loop`,
    which resolves parent metadata. Subclasses that define `visit_For`, `visit_While`,
    comprehension visits or `visit_FunctionDef_body`/`visit_Lambda_body` (and their `leave_`)
    must call `super()`.
    """

    def __init__(self, context: "LintContext") -> None:
        super().__init__(context)
        self._loop_depths: List[int] = [0]

    @property
    def maybe_in_loop(self) -> bool:
        return self._loop_depths[-1] > 0

    def _enter_loop(self) -> None:
        self._loop_depths[-1] += 1

    def _leave_loop(self) -> None:
        self._loop_depths[-1] -= 1

    def visit_For(self, node: cst.For) -> None:
        self._enter_loop()

    def leave_For(self, original_node: cst.For) -> None:
        self._leave_loop()

    def visit_While(self, node: cst.While) -> None:
        self._enter_loop()

    def leave_While(self, original_node: cst.While) -> None:
        self._leave_loop()

    def visit_ListComp(self, node: cst.ListComp) -> None:
        self._enter_loop()

    def leave_ListComp(self, original_node: cst.ListComp) -> None:
        self._leave_loop()

    def visit_SetComp(self, node: cst.SetComp) -> None:
        self._enter_loop()

    def leave_SetComp(self, original_node: cst.SetComp) -> None:
        self._leave_loop()

    def visit_DictComp(self, node: cst.DictComp) -> None:
        self._enter_loop()

    def leave_DictComp(self, original_node: cst.DictComp) -> None:
        self._leave_loop()

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        self._enter_loop()

    def leave_GeneratorExp(self, original_node: cst.GeneratorExp) -> None:
        self._leave_loop()

    def visit_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        self._loop_depths.append(0)

    def leave_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        self._loop_depths.pop()

    def visit_Lambda_body(self, node: cst.Lambda) -> None:
        self._loop_depths.append(0)

    def leave_Lambda_body(self, node: cst.Lambda) -> None:
        self._loop_depths.pop()


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
