"""Tree navigation without metadata: names in attribute chains, assignment targets, parameters,
and visitor bases that see every binding target or stay in one scope.

Need X -> call Y:
- the `a.b.c` of a Name or plain attribute chain -> `dotted_name`; through calls and
  subscripts too (`a.b(x).c` -> "a.b.c") -> `full_name`;
- the Name a chain starts from (`a` in `a.b[i].c()`) -> `root_node` / `root_name`; only through
  attributes and subscripts (what an assignment target writes into) -> `base_name`;
- the plain names an assignment target binds (`x, *ys = ...`) -> `target_names` /
  `target_name_nodes`; its elements, unpacked -> `flatten_targets`;
- every parameter of a `def`/`lambda` -> `parameters`; visit the body of a scope -> `visit_body`;
- a visitor told about each binding target (assignment, `for`, `with`, `except`, walrus, `del`)
  -> subclass `TargetVisitor`; one that does not enter nested functions, classes and lambdas
  -> subclass `SameScopeVisitor`.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Tuple

import libcst as cst

from memlint.traversal import visit_read_only


def dotted_name(node: cst.CSTNode) -> Optional[str]:
    """`a`, `a.b`, `a.b.c` for a Name or a chain of plain attributes on a Name; else None."""
    parts: List[str] = []
    current = node
    while isinstance(current, cst.Attribute):
        parts.append(current.attr.value)
        current = current.value
    if not isinstance(current, cst.Name):
        return None
    parts.append(current.value)
    return ".".join(reversed(parts))


def full_name(node: cst.CSTNode) -> Optional[str]:
    """LibCST's `get_full_name_for_node` for expressions: `a.b.c` for `a.b.c`, `a.b(x).c`,
    `a[i].c`; None when the chain does not start at a name."""
    parts: List[str] = []
    current = node
    while isinstance(current, (cst.Attribute, cst.Call, cst.Subscript)):
        if isinstance(current, cst.Attribute):
            parts.append(current.attr.value)
            current = current.value
        else:
            current = current.func if isinstance(current, cst.Call) else current.value
    if not isinstance(current, cst.Name):
        return None
    parts.append(current.value)
    return ".".join(reversed(parts))


def root_node(expr: cst.CSTNode) -> Optional[cst.Name]:
    """The Name a chain such as `a.b[i].c()` starts from; None when it starts elsewhere."""
    node = expr
    while isinstance(node, (cst.Attribute, cst.Subscript, cst.Call)):
        node = node.func if isinstance(node, cst.Call) else node.value
    return node if isinstance(node, cst.Name) else None


def root_name(expr: cst.CSTNode) -> Optional[str]:
    """`a` for `a`, `a.b`, `a[i]`, `a.b(c).d`; None when the chain does not start at a name."""
    node = root_node(expr)
    return None if node is None else node.value


def base_name(node: cst.CSTNode) -> Optional[str]:
    """`a` for `a`, `a.b`, `a[i].c` (attributes and subscripts only, not calls); else None."""
    while isinstance(node, (cst.Attribute, cst.Subscript)):
        node = node.value
    return node.value if isinstance(node, cst.Name) else None


def flatten_targets(target: cst.CSTNode) -> List[cst.CSTNode]:
    """The elements an assignment target unpacks into: `a, (b.c, *d)` -> [a, b.c, d]."""
    if isinstance(target, (cst.Tuple, cst.List)):
        flat: List[cst.CSTNode] = []
        for element in target.elements:
            flat.extend(flatten_targets(element.value))
        return flat
    if isinstance(target, cst.StarredElement):
        return flatten_targets(target.value)
    return [target]


def target_name_nodes(target: cst.CSTNode) -> List[cst.Name]:
    """The Name nodes an assignment target binds (unpacking and starred targets included)."""
    return [element for element in flatten_targets(target) if isinstance(element, cst.Name)]


def target_names(target: cst.CSTNode) -> List[str]:
    """The plain names an assignment target binds (unpacking and starred targets included)."""
    return [name.value for name in target_name_nodes(target)]


def parameters(params: cst.Parameters) -> List[cst.Param]:
    """Every parameter: positional-only, regular, `*args`, keyword-only, `**kwargs`."""
    found = list(params.posonly_params) + list(params.params) + list(params.kwonly_params)
    if isinstance(params.star_arg, cst.Param):
        found.append(params.star_arg)
    if params.star_kwarg is not None:
        found.append(params.star_kwarg)
    return found


def visit_body(scope: cst.CSTNode, visitor: cst.CSTVisitor) -> None:
    """Visit the body of a module, `def`, `class` or `lambda` (not its name, parameters or
    decorators), reading only."""
    body = getattr(scope, "body")
    for statement in body if isinstance(body, (list, tuple)) else (body,):
        visit_read_only(statement, visitor)


# Node type -> (kind, field holding the target) for the statements and clauses that bind.
TARGET_FIELDS: Dict[type, Tuple[str, str]] = {
    cst.AssignTarget: ("assign", "target"),
    cst.AnnAssign: ("annotated", "target"),
    cst.AugAssign: ("augmented", "target"),
    cst.For: ("for", "target"),
    cst.CompFor: ("comprehension", "target"),
    cst.NamedExpr: ("walrus", "target"),
    cst.Del: ("del", "target"),
    cst.WithItem: ("with", "asname"),
    cst.ExceptHandler: ("except", "name"),
}


def binding_target(node: cst.CSTNode) -> Optional[Tuple[cst.CSTNode, str]]:
    """(target, kind) when `node` binds a target (see `TARGET_FIELDS`); `with ... as x` and
    `except E as x` give the `x` inside their `AsName`."""
    found = TARGET_FIELDS.get(type(node))
    if found is None:
        return None
    kind, field = found
    target = getattr(node, field)
    if isinstance(target, cst.AsName):
        target = target.name
    return None if target is None else (target, kind)


class TargetVisitor(cst.CSTVisitor):
    """A visitor told about every binding target: `on_target(target, kind, owner)` is called,
    before the owner's own `visit_` method, with the target expression (not unpacked), its kind
    ("assign", "annotated", "augmented", "for", "comprehension", "with", "except", "walrus",
    "del") and the node holding it."""

    def on_target(self, target: cst.CSTNode, kind: str, owner: cst.CSTNode) -> None:
        raise NotImplementedError

    def on_visit(self, node: cst.CSTNode) -> bool:
        found = binding_target(node)
        if found is not None:
            self.on_target(found[0], found[1], node)
        return super().on_visit(node)


class SameScopeVisitor(cst.CSTVisitor):
    """A visitor that does not enter nested functions, classes and lambdas (their bodies run
    elsewhere). Subclasses that look at the nested definition itself override these and return
    False."""

    def visit_FunctionDef(self, node: cst.FunctionDef) -> Optional[bool]:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> Optional[bool]:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> Optional[bool]:
        return False
