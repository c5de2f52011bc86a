"""Lifetimes of local names: is a name definitely bound at a statement, is it ever deleted, and
which statements of a block read it.

"Definitely bound" is answered syntactically and conservatively: walking up from the statement
to its function (or module), some statement *before it in the same block or an enclosing block*
binds the name unconditionally (`name = ...`, `name: T = ...`, `import name`), or the name is a
parameter of the function, and nothing in the scope deletes it. A binding inside an `if`, a
`try`, a loop body or a `with` does not count unless the statement is in that same block.
"""

from __future__ import annotations

from typing import List, Optional, Sequence

import libcst as cst

from memlint import matchers as m
from memlint.analysis.loops import parent
from memlint.analysis.tree import SameScopeVisitor, TargetVisitor, parameters, visit_body
from memlint.matching import matches
from memlint.context import LintContext
from memlint.traversal import findall, visit_read_only

FRAME = m.FunctionDef() | m.Lambda()
BLOCK = m.IndentedBlock() | m.Module()


def definitely_bound(context: LintContext, name: str, statement: cst.CSTNode) -> bool:
    """Is `name` bound on every path that reaches `statement` (a statement node)? See module doc."""
    child = statement
    current = parent(context, statement)
    scope: Optional[cst.CSTNode] = None
    bound = False
    while current is not None:
        if matches(current, BLOCK):
            body: Sequence[cst.CSTNode] = getattr(current, "body")
            for sibling in body:
                if sibling is child:
                    break
                if _binds_unconditionally(sibling, name):
                    bound = True
            if m.matches(current, m.Module()):
                scope = current
                break
        elif matches(current, FRAME):
            scope = current
            if any(p.name.value == name for p in parameters(getattr(current, "params"))):
                bound = True
            break
        elif m.matches(current, m.ClassDef()):
            return False  # class bodies: keep it simple
        child = current
        current = parent(context, current)
    return bound and scope is not None and not deletes(scope, name)


def deletes(scope: cst.CSTNode, name: str) -> bool:
    """Does any code in `scope` (nested scopes excluded) `del name` or declare it global/nonlocal?"""
    finder = _DelFinder(name)
    visit_body(scope, finder)
    return finder.found


def reads_name(node: cst.CSTNode, name: str) -> bool:
    """Does `node` read the variable `name` (attribute names and keywords excluded)?"""
    return bool(name_reads(node, name))


def name_reads(node: cst.CSTNode, name: str) -> List[cst.Name]:
    """Every `Name` node in `node` reading the variable `name` (not attribute names or keywords,
    not assignment targets)."""
    collector = _Reads(name)
    visit_read_only(node, collector)
    return collector.found


def _binds_unconditionally(statement: cst.CSTNode, name: str) -> bool:
    if not m.matches(statement, m.SimpleStatementLine()):
        return False
    for small in cst.ensure_type(statement, cst.SimpleStatementLine).body:
        if m.matches(small, m.Assign()):
            if any(m.matches(t.target, m.Name(name)) for t in cst.ensure_type(small, cst.Assign).targets):
                return True
        elif m.matches(small, m.AnnAssign(target=m.Name(name))) and getattr(small, "value") is not None:
            return True
        elif m.matches(small, m.Import() | m.ImportFrom()):
            names = getattr(small, "names")
            if isinstance(names, cst.ImportStar):
                continue
            for alias in names:
                bound = alias.asname.name if alias.asname is not None else alias.name
                if m.matches(bound, m.Name(name)):
                    return True
    return False


class _DelFinder(SameScopeVisitor):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.found = False

    def visit_Del(self, node: cst.Del) -> None:
        if findall(node.target, m.Name(self.name)) and not m.matches(node.target, m.Subscript() | m.Attribute()):
            self.found = True

    def visit_Global(self, node: cst.Global) -> None:
        self.found = self.found or any(item.name.value == self.name for item in node.names)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        self.found = self.found or any(item.name.value == self.name for item in node.names)


class _Reads(TargetVisitor):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.found: List[cst.Name] = []
        self._skip: set = set()

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._skip.add(id(node.attr))

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self._skip.add(id(node.keyword))

    def _store(self, target: Optional[cst.CSTNode]) -> None:
        if target is None:
            return
        if m.matches(target, m.Name()):
            self._skip.add(id(target))
        elif m.matches(target, m.Tuple() | m.List() | m.StarredElement() | m.Element()):
            for inner in findall(target, m.Name()):
                self._skip.add(id(inner))

    def on_target(self, target: cst.CSTNode, kind: str, owner: cst.CSTNode) -> None:
        if kind not in ("augmented", "walrus"):  # `x += 1` and `(x := f(x))` read x too
            self._store(target)

    def visit_Param(self, node: cst.Param) -> None:
        self._skip.add(id(node.name))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._skip.add(id(node.name))

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._skip.add(id(node.name))

    def visit_ImportAlias(self, node: cst.ImportAlias) -> None:
        for inner in findall(node, m.Name()):
            self._skip.add(id(inner))

    def visit_Name(self, node: cst.Name) -> None:
        if node.value == self.name and id(node) not in self._skip:
            self.found.append(node)
