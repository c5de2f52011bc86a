"""How a name is bound and used: its single binding, its only reference, and whether a stretch
of code may mutate (or consume) what an expression reads.

These answer the "is the copy needed?" questions of the materialization rules: a list built only
to be looped over is waste, unless the loop body changes the thing the list was copied from, or
the list is used again.

Functions taking a `rule` use the cheap per-file scope index (analysis/scopes.py) and need no
LibCST metadata declared; the purely syntactic ones need nothing either.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import FrozenSet, Iterable, List, Optional, Set

import libcst as cst
import libcst.matchers as m

from memlint.analysis.scopes import FUNCTIONS, ScopeIndex, scope_index
from memlint.rule import Rule
from memlint.traversal import findall, visit_read_only

# Functions that never mutate an argument (spelled as bare names; shadowing them with a mutating
# function is not a case worth the cost of resolving every call in a loop body).
PURE_FUNCTIONS: FrozenSet[str] = frozenset(
    {
        "abs", "all", "any", "ascii", "bin", "bool", "bytes", "callable", "chr", "dict", "divmod",
        "enumerate", "float", "format", "frozenset", "getattr", "hasattr", "hash", "hex", "id",
        "int", "isinstance", "issubclass", "iter", "len", "list", "max", "min", "oct", "ord",
        "print", "range", "repr", "reversed", "round", "set", "sorted", "str", "sum", "tuple",
        "type", "zip",
    }
)
# Methods that never mutate their receiver (str, bytes, dict and set queries).
PURE_METHODS: FrozenSet[str] = frozenset(
    {
        "count", "decode", "difference", "encode", "endswith", "find", "format", "get", "index",
        "intersection", "isalnum", "isalpha", "isdigit", "isdisjoint", "isidentifier", "islower",
        "isspace", "issubset", "issuperset", "isupper", "items", "join", "keys", "lower", "lstrip",
        "partition", "replace", "rfind", "rindex", "rpartition", "rsplit", "rstrip", "split",
        "splitlines", "startswith", "strip", "symmetric_difference", "title", "union", "upper",
        "values",
    }
)


def root_name(expr: cst.CSTNode) -> Optional[str]:
    """`a` for `a`, `a.b`, `a[i]`, `a.b(c).d`; None when the chain does not start at a name."""
    node = expr
    while True:
        if isinstance(node, cst.Name):
            return node.value
        if isinstance(node, (cst.Attribute, cst.Subscript)):
            node = node.value
        elif isinstance(node, cst.Call):
            node = node.func
        else:
            return None


def names_read(expr: cst.CSTNode) -> Set[str]:
    """Every variable name `expr` reads (attribute names and keyword names excluded)."""
    not_variables = {id(a.attr) for a in findall(expr, m.Attribute())}
    not_variables |= {id(a.keyword) for a in findall(expr, m.Arg(keyword=m.Name()))}
    return {
        cst.ensure_type(n, cst.Name).value
        for n in findall(expr, m.Name())
        if id(n) not in not_variables
    }


def may_mutate(nodes: Iterable[cst.CSTNode], roots: Set[str]) -> bool:
    """Could running `nodes` change an object reachable from one of the names in `roots`?

    Conservative: any method call on it (other than known queries), passing it (or one of its
    attributes) to a function other than a known pure builtin, assigning to or deleting one of
    its items or attributes, or augmented assignment to it. Rebinding a bare name is not a
    mutation (the object already being iterated is unaffected).
    """
    if not roots:
        return False
    finder = _MutationFinder(roots)
    for node in nodes:
        visit_read_only(node, finder)
        if finder.found:
            return True
    return False


class _MutationFinder(cst.CSTVisitor):
    def __init__(self, roots: Set[str]) -> None:
        super().__init__()
        self.roots = roots
        self.found = False

    def _target(self, target: cst.CSTNode, augmented: bool = False) -> None:
        if isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._target(element.value)
            return
        if isinstance(target, cst.StarredElement):
            self._target(target.value)
            return
        if isinstance(target, cst.Name):
            self.found |= augmented and target.value in self.roots
            return
        self.found |= root_name(target) in self.roots

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value not in PURE_METHODS:
            self.found |= root_name(func.value) in self.roots
        if isinstance(func, cst.Name) and func.value in PURE_FUNCTIONS:
            return
        for arg in node.args:
            value = arg.value
            if m.matches(value, m.Name() | m.Attribute()) and root_name(value) in self.roots:
                self.found = True

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._target(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._target(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._target(node.target, augmented=True)

    def visit_Del(self, node: cst.Del) -> None:
        self._target(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._target(node.target)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._target(node.target)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._target(node.asname.name)


@dataclass(frozen=True)
class Reference:
    """One read of a binding (the shape of LibCST's `Access` that callers use)."""

    node: cst.Name


class Assignment:
    """One binding site of a name (the part of LibCST's `Assignment` that callers use): its
    `node` (the target Name or the Param), the `scope` node that binds it, and its
    `references`, computed on first use."""

    def __init__(self, index: ScopeIndex, name: str, node: cst.CSTNode, scope: cst.CSTNode) -> None:
        self._index = index
        self.name = name
        self.node = node
        self.scope = scope
        self._references: Optional[List[Reference]] = None

    @property
    def references(self) -> List[Reference]:
        """Every read of this binding (a superset of LibCST's: a read placed before the binding
        in the same scope is counted too)."""
        if self._references is None:
            self._references = [Reference(read) for read in self._index.references(self.scope, self.name)]
        return self._references


@dataclass(frozen=True)
class Binding:
    """How a name got its only value in its scope."""

    kind: str  # "assign" (x = value, x: T = value), "with" (with value as x) or "param"
    value: Optional[cst.BaseExpression]  # the assigned value / context manager; None for a param
    annotation: Optional[cst.BaseExpression]  # a param's or annotated assignment's annotation
    assignment: Assignment


def single_binding(rule: Rule, name: cst.Name) -> Optional[Binding]:
    """The one binding of the variable `name` reads, when its scope binds it exactly once.

    None when the name is bound several times, by an import, a loop, unpacking, `global`/
    `nonlocal` (the binding is then in another scope), or is a builtin.
    """
    index = scope_index(rule)
    scope = index.binding_scope(name, name.value)
    if isinstance(scope, str):
        return None
    sites = index.assignments(scope, name.value)
    if len(sites) != 1:
        return None
    target = sites[0]
    assignment = Assignment(index, name.value, target, scope)
    if isinstance(target, cst.Param):
        return Binding("param", None, target.annotation.annotation if target.annotation else None, assignment)
    if not isinstance(target, cst.Name):
        return None
    parent = index.parent(target)
    if isinstance(parent, cst.AssignTarget):
        statement = index.parent(parent)
        if isinstance(statement, cst.Assign) and len(statement.targets) == 1:
            return Binding("assign", statement.value, None, assignment)
        return None
    if isinstance(parent, cst.AnnAssign) and parent.target is target and parent.value is not None:
        return Binding("assign", parent.value, parent.annotation.annotation, assignment)
    if isinstance(parent, cst.AsName):
        item = index.parent(parent)
        if isinstance(item, cst.WithItem):
            return Binding("with", item.item, None, assignment)
    return None


def only_reference_is(rule: Rule, binding: Binding, use: cst.Name) -> bool:
    """Is `use` the one and only read of a function-local binding (nothing else sees the value)?"""
    scope = binding.assignment.scope
    if not isinstance(scope, FUNCTIONS) or binding.kind == "param":
        return False
    if _uses_dynamic_scope(rule, scope):
        return False
    references = binding.assignment.references
    return len(references) == 1 and references[0].node is use


def _uses_dynamic_scope(rule: Rule, scope: cst.CSTNode) -> bool:
    """`locals()`, `vars()`, `eval` or `exec` in the function (or a scope nested in it) can read
    any local."""
    return scope_index(rule).reads_anywhere(scope, ("locals", "vars", "eval", "exec"))
