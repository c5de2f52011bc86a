"""Captures: which outside names a nested `def`, `class` or `lambda` reads, and from where.

Two moments matter when a definition is moved (hoisted) somewhere else:
- *definition time*: decorators, defaults, annotations, class bases and keywords are evaluated
  where the statement runs (`definition_time_names`, syntactic);
- *run time*: the body reads free names when it runs (`captures`, through the cheap per-file
  scope index of analysis/scopes.py): a name bound in an enclosing function becomes a closure
  cell, a global or builtin is looked up when called.

Neither needs LibCST metadata declared.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import FrozenSet, List, Set, Union

import libcst as cst

from memlint import matchers as m
from memlint.analysis.scopes import COMPREHENSIONS, FUNCTIONS, ScopeIndex, scope_index
from memlint.matching import matches
from memlint.context import LintContext
from memlint.traversal import findall, visit_read_only

Definition = Union[cst.FunctionDef, cst.ClassDef, cst.Lambda]
NAME = m.Name()


@dataclass(frozen=True)
class Captures:
    """The free names a definition's body reads.

    - `names`: every name read in the body and not bound inside the definition (builtins too);
    - `from_functions`: those bound in an enclosing function or comprehension scope (closure
      cells);
    - `declared`: names declared `nonlocal` or `global` inside (written in an outer scope);
    - `unresolved`: names read that have no binding anywhere (star imports, `exec`, typos).
    """

    names: FrozenSet[str]
    from_functions: FrozenSet[str]
    declared: FrozenSet[str]
    unresolved: FrozenSet[str]

    @property
    def outer(self) -> FrozenSet[str]:
        """Every name whose value comes from outside the definition at run time."""
        return self.names | self.declared


def captures(context: LintContext, definition: Definition) -> Captures:
    """The free names of `definition`'s body (its decorators, defaults etc. are not looked at)."""
    index = scope_index(context)
    names: Set[str] = set()
    from_functions: Set[str] = set()
    unresolved: Set[str] = set()
    body = definition.body
    for name in _names_in(body):
        if not index.is_access(name):
            continue  # a binding, not a read
        scope = index.binding_scope(name, name.value)
        if isinstance(scope, str):
            names.add(name.value)
            if scope != "builtin":
                unresolved.add(name.value)  # nothing binds it, or a star import may
            continue
        if _scope_inside(index, scope, definition):
            continue  # bound inside the definition: local
        names.add(name.value)
        if isinstance(scope, FUNCTIONS + COMPREHENSIONS):
            from_functions.add(name.value)
    declared: Set[str] = set()
    for statement in findall(body, m.Nonlocal() | m.Global()):
        for item in getattr(statement, "names"):
            declared.add(item.name.value)
    return Captures(frozenset(names), frozenset(from_functions), frozenset(declared), frozenset(unresolved))


def definition_time_names(definition: Definition) -> FrozenSet[str]:
    """Names read when the definition statement itself runs: decorators, parameter defaults and
    annotations, the return annotation, class bases and keywords (a syntactic superset: every
    `Name` there except attribute and keyword names)."""
    parts: List[cst.CSTNode] = []
    if m.matches(definition, m.FunctionDef()):
        function = cst.ensure_type(definition, cst.FunctionDef)
        parts.extend(function.decorators)
        parts.append(function.params)
        if function.returns is not None:
            parts.append(function.returns)
    elif m.matches(definition, m.ClassDef()):
        klass = cst.ensure_type(definition, cst.ClassDef)
        parts.extend(klass.decorators)
        parts.extend(klass.bases)
        parts.extend(klass.keywords)
    else:
        parts.append(cst.ensure_type(definition, cst.Lambda).params)
    found: Set[str] = set()
    for part in parts:
        found.update(name.value for name in _names_in(part, skip_params=True))
    return frozenset(found)


def _names_in(node: cst.CSTNode, skip_params: bool = False) -> List[cst.Name]:
    """`Name` nodes that can be reads: not attribute names, keyword names or parameter names."""
    collector = _NameCollector(skip_params)
    visit_read_only(node, collector)
    return collector.found


class _NameCollector(cst.CSTVisitor):
    def __init__(self, skip_params: bool) -> None:
        super().__init__()
        self.found: List[cst.Name] = []
        self.skip_params = skip_params

    def visit_Name(self, node: cst.Name) -> None:
        self.found.append(node)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        visit_read_only(node.value, self)
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        visit_read_only(node.value, self)
        return False

    def visit_Param(self, node: cst.Param) -> bool:
        if node.annotation is not None:
            visit_read_only(node.annotation, self)
        if node.default is not None:
            visit_read_only(node.default, self)
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        # A lambda in a default or decorator: only its own defaults run at definition time.
        if self.skip_params:
            visit_read_only(node.params, self)
            return False
        return True


def _scope_inside(index: ScopeIndex, scope: cst.CSTNode, definition: Definition) -> bool:
    """Is `scope` the definition's own scope or one nested in it?"""
    return scope is definition or any(ancestor is definition for ancestor in index.ancestors(scope))


MUTABLE_DEFAULT = m.List() | m.Dict() | m.Set() | m.ListComp() | m.DictComp() | m.SetComp() | m.Call()


def has_mutable_default(function: Union[cst.FunctionDef, cst.Lambda]) -> bool:
    """Does a parameter default build a fresh object (`m={}`, `cache=dict()`) each time the
    definition runs? Then each function object carries its own state, and moving the
    definition would share that state."""
    params = function.params
    every = list(params.params) + list(params.kwonly_params) + list(params.posonly_params)
    return any(param.default is not None and matches(param.default, MUTABLE_DEFAULT) for param in every)
