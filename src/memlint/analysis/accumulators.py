"""Accumulators: a name (or `obj.attr`) that a loop rebinds from its own previous value, and
the kind of value it holds.

`a = np.append(a, x)`, `df = pd.concat([df, row])`, `b += chunk`, `t = t + (x,)` are updates: the
new value reads the old one. Whether that copies everything on each pass depends on the kind of
value (`lst += [x]` extends in place, `b += chunk` on bytes copies), so the kind is taken from the
bindings of the name *outside* the loop: every one must give the same known kind (a literal or
constructor of bytes/str/tuple/list, a numpy array constructor, a pandas constructor or reader),
and inside the loop the name may only be bound by updates (or, once, by `acc = first` under
`if acc is None:`, the first pass of an accumulation that starts from None). Anything else - a parameter, an
unknown call, a reset inside the loop - makes the kind unknown (None), and rules do not flag it.

Bindings are found syntactically, names through the cheap scope index of `analysis/names.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Union

import libcst as cst

from memlint import matchers as m
from memlint.analysis.lifetime import reads_name
from memlint.analysis.loops import Loop, dotted_name, enclosing_loop, is_inside, parent
from memlint.analysis.names import qualified_name
from memlint.analysis.numpy_api import numpy_api
from memlint.analysis.values import Kind
from memlint.matching import matches
from memlint.context import LintContext
from memlint.analysis.tree import TargetVisitor, visit_body
from memlint.traversal import findall, visit_read_only


BUILTIN_KINDS = {
    "builtins.bytes": Kind.BYTES,
    "builtins.bytearray": Kind.BYTEARRAY,
    "builtins.str": Kind.STR,
    "builtins.tuple": Kind.TUPLE,
    "builtins.list": Kind.LIST,
    "builtins.sorted": Kind.LIST,
}
STRING = m.SimpleString() | m.ConcatenatedString() | m.FormattedString()
Target = Union[cst.Name, cst.Attribute]
UPDATE = m.Assign(targets=[m.AssignTarget()]) | m.AugAssign()


def kind_of(context: LintContext, expr: cst.BaseExpression) -> Optional[Kind]:
    """The kind of value `expr` evaluates to, when the expression alone makes it certain."""
    if matches(expr, STRING):
        return Kind.BYTES if "b" in _string_prefix(expr).lower() else Kind.STR
    if m.matches(expr, m.Tuple()):
        return Kind.TUPLE
    if m.matches(expr, m.List() | m.ListComp()):
        return Kind.LIST
    if m.matches(expr, m.BinaryOperation(operator=m.Add())):
        binary = cst.ensure_type(expr, cst.BinaryOperation)
        left, right = kind_of(context, binary.left), kind_of(context, binary.right)
        return left if left is not None and left == right else None
    if m.matches(expr, m.Call()):
        return _call_kind(context, cst.ensure_type(expr, cst.Call))
    return None


def _call_kind(context: LintContext, call: cst.Call) -> Optional[Kind]:
    func = call.func
    if m.matches(func, m.Attribute(attr=m.Name("join"), value=STRING)):
        return kind_of(context, cst.ensure_type(func, cst.Attribute).value)
    if not m.matches(func, m.Name() | m.Attribute()):
        return None
    name = qualified_name(context, func)
    if name is None:
        return None
    if name in BUILTIN_KINDS:
        return BUILTIN_KINDS[name]
    api = numpy_api(name)
    if api is None or any(arg.keyword is not None and arg.keyword.value in ("iterator", "chunksize") for arg in call.args):
        return None
    return {"array": Kind.ARRAY, "frame": Kind.FRAME, "series": Kind.SERIES}.get(api.result)


def _string_prefix(expr: cst.BaseExpression) -> str:
    while m.matches(expr, m.ConcatenatedString()):
        expr = cst.ensure_type(expr, cst.ConcatenatedString).left
    if m.matches(expr, m.SimpleString()):
        return cst.ensure_type(expr, cst.SimpleString).prefix
    return cst.ensure_type(expr, cst.FormattedString).prefix


def reads_target(expr: cst.CSTNode, target: Target) -> bool:
    """Does `expr` read the name or `obj.attr` that `target` spells?"""
    wanted = dotted_name(target)
    if wanted is None:
        return False
    if m.matches(target, m.Name()):
        return reads_name(expr, wanted)  # not `obj.x` for `x`: an attribute name is not a read
    return any(dotted_name(found) == wanted for found in findall(expr, m.Attribute()))


@dataclass(frozen=True)
class Accumulation:
    """One update statement of an accumulator inside a loop.

    `name` is "a" or "self.buf"; `value` is the new value (for `+=`, the right operand);
    `augmented` tells `a += x` from `a = ...`; `kind` is known from outside the loop, or None;
    `reset_in_loop` is true when the loop also binds the name other than by updates (then the
    growth is bounded by one iteration and rules should not flag it).
    """

    statement: Union[cst.Assign, cst.AugAssign]
    target: Target
    name: str
    value: cst.BaseExpression
    augmented: bool
    loop: Loop
    kind: Optional[Kind]
    reset_in_loop: bool


def accumulation(context: LintContext, statement: cst.CSTNode) -> Optional[Accumulation]:
    """`statement` as an accumulator update in a loop, or None.

    It must be `x = <expr reading x>` or `x += <expr>` (also on `obj.attr`), evaluated once per
    iteration of a loop in the same function. Cheap syntactic checks come first.
    """
    if not matches(statement, UPDATE):
        return None
    if m.matches(statement, m.AugAssign()):
        aug = cst.ensure_type(statement, cst.AugAssign)
        target, value, augmented = aug.target, aug.value, True
        if not m.matches(aug.operator, m.AddAssign()):
            return None
    else:
        assign = cst.ensure_type(statement, cst.Assign)
        target, value, augmented = assign.targets[0].target, assign.value, False
    if not m.matches(target, m.Name() | m.Attribute(value=m.Name())):
        return None
    typed_target: Target = cst.ensure_type(target, cst.Name) if m.matches(target, m.Name()) else cst.ensure_type(target, cst.Attribute)
    if not augmented and not reads_target(value, typed_target):
        return None
    loop = enclosing_loop(context, statement)
    if loop is None:
        return None
    name = dotted_name(typed_target) or ""
    values = binding_values(context, typed_target, loop)
    kind = _common_kind(context, values)
    return Accumulation(
        cst.ensure_type(statement, cst.AugAssign) if augmented else cst.ensure_type(statement, cst.Assign),
        typed_target, name, value, augmented, loop, kind, reset_in_loop=values is None,
    )


def kind_before_loop(context: LintContext, target: Target, loop: Loop) -> Optional[Kind]:
    """The kind every binding of `target` outside `loop` gives it, if all agree and the loop
    binds it only through updates (see the module doc); else None."""
    return _common_kind(context, binding_values(context, target, loop))


def _common_kind(context: LintContext, values: Optional[List[Optional[cst.BaseExpression]]]) -> Optional[Kind]:
    if not values:
        return None
    kinds = {kind_of(context, value) if value is not None else None for value in values}
    return kinds.pop() if len(kinds) == 1 else None


def binding_values(context: LintContext, target: Target, loop: Loop) -> Optional[List[Optional[cst.BaseExpression]]]:
    """The values `target` is bound to outside `loop` (None for a binding without a plain value,
    such as a parameter or a `for` target; updates `x += y` are skipped), or None when the loop
    binds it other than by an update (a reset: growth is bounded per iteration)."""
    if m.matches(target, m.Name()):
        return _name_binding_values(context, cst.ensure_type(target, cst.Name), loop)
    return _attribute_binding_values(context, cst.ensure_type(target, cst.Attribute), loop)


def _name_binding_values(context: LintContext, target: cst.Name, loop: Loop) -> Optional[List[Optional[cst.BaseExpression]]]:
    scope = scope_of(context, target)
    sites = binding_sites(scope, target.value)
    if sites is None:
        return None  # `global`/`nonlocal`: bound elsewhere too
    values: List[Optional[cst.BaseExpression]] = []
    for node in sites:
        statement = _binding_statement(context, node)
        if is_inside(context, node, loop.node):
            if statement is None or not (_is_update_of(statement, target) or _first_pass_init(context, statement, target)):
                return None
            continue
        if statement is not None and _is_update_of(statement, target):
            continue  # `x += y` elsewhere keeps the kind it had
        if statement is None:
            values.append(None)
            continue
        values.append(getattr(statement, "value"))
    return values


def binding_sites(scope: cst.CSTNode, name: str) -> Optional[List[cst.CSTNode]]:
    """Every node that binds `name` in `scope` (a module, `def`, `lambda` or class), found
    syntactically without entering nested scopes: the target `Name` of an assignment, `for`,
    `with`, `except`, walrus or `del`, a `Param`, an import alias, a nested `def`/`class`.
    None when the scope declares the name `global` or `nonlocal`."""
    finder = _BindingSites(name)
    if m.matches(scope, m.FunctionDef() | m.Lambda()):
        visit_read_only(getattr(scope, "params"), finder)
    visit_body(scope, finder)
    return None if finder.declared else finder.sites


def scope_of(context: LintContext, node: cst.CSTNode) -> cst.CSTNode:
    """The module, `def`, `lambda` or class whose own scope `node` is evaluated in."""
    child = node
    current = parent(context, node)
    while current is not None:
        if m.matches(current, m.FunctionDef() | m.Lambda() | m.ClassDef()) and child is getattr(current, "body"):
            return current
        if m.matches(current, m.Module()):
            return current
        child = current
        current = parent(context, current)
    return child


class _BindingSites(TargetVisitor):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.sites: List[cst.CSTNode] = []
        self.declared = False

    def on_target(self, target: cst.CSTNode, kind: str, owner: cst.CSTNode) -> None:
        if kind in ("assign", "annotated", "augmented"):
            if kind == "annotated" and getattr(owner, "value") is None:
                return
            if m.matches(target, m.Name(self.name)):
                self.sites.append(target)
            elif kind == "assign" and isinstance(target, (cst.Tuple, cst.List, cst.StarredElement)):
                self.sites.extend(findall(target, m.Name(self.name)))
        elif kind != "comprehension":  # comprehension targets are local to it
            self.sites.extend(findall(target, m.Name(self.name)))

    def visit_Param(self, node: cst.Param) -> None:
        if node.name.value == self.name:
            self.sites.append(node)

    def visit_ImportAlias(self, node: cst.ImportAlias) -> None:
        bound = node.asname.name if node.asname is not None else node.name
        if (dotted_name(bound) or "").split(".")[0] == self.name:
            self.sites.append(node)

    def visit_Global(self, node: cst.Global) -> None:
        self.declared = self.declared or any(item.name.value == self.name for item in node.names)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        self.declared = self.declared or any(item.name.value == self.name for item in node.names)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        if node.name.value == self.name:
            self.sites.append(node)
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        if node.name.value == self.name:
            self.sites.append(node)
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False


def _binding_statement(context: LintContext, node: cst.CSTNode) -> Optional[cst.CSTNode]:
    """The `x = value` / `x: T = value` / `x += value` statement binding the name `node`."""
    if not m.matches(node, m.Name()):
        return None
    outer = parent(context, node)
    if m.matches(outer, m.AssignTarget()):
        statement = parent(context, outer)
        if m.matches(statement, m.Assign(targets=[m.AssignTarget()])):
            return statement
        return None
    if m.matches(outer, m.AnnAssign(value=m.DoNotCare())) and getattr(outer, "value") is not None:
        return outer
    if m.matches(outer, m.AugAssign()):
        return outer
    return None


# `if acc is None:` (the first pass of a loop that starts from `acc = None`)
_IS_NONE = m.Comparison(comparisons=[m.ComparisonTarget(operator=m.Is(), comparator=m.Name("None"))])


def _first_pass_init(context: LintContext, statement: cst.CSTNode, target: cst.Name) -> bool:
    """`acc = first` directly under `if acc is None:` (not its `else`), with a value that is not
    `None`: it runs once, on the first pass, and starts the accumulation rather than resetting
    it (`if pos is None: pos = part` / `else: pos = np.concatenate([pos, part])`)."""
    if not m.matches(statement, m.Assign(targets=[m.AssignTarget()])) or m.matches(
        cst.ensure_type(statement, cst.Assign).value, m.Name("None")
    ):
        return False
    line = parent(context, statement)
    block = parent(context, line) if line is not None else None
    branch = parent(context, block) if block is not None else None
    if not isinstance(branch, cst.If) or branch.body is not block:
        return False
    test = branch.test
    return matches(test, _IS_NONE) and m.matches(cst.ensure_type(test, cst.Comparison).left, m.Name(target.value))


def _is_update_of(statement: cst.CSTNode, target: Target) -> bool:
    if m.matches(statement, m.AugAssign()):
        return True
    if m.matches(statement, m.Assign(targets=[m.AssignTarget()])):
        return reads_target(cst.ensure_type(statement, cst.Assign).value, target)
    return False


def _attribute_binding_values(context: LintContext, target: cst.Attribute, loop: Loop) -> Optional[List[Optional[cst.BaseExpression]]]:
    """For `self.attr`: every assignment to `<same base>.attr` in the enclosing class."""
    wanted = dotted_name(target)
    klass = _enclosing_class(context, target)
    if klass is None or wanted is None:
        return None
    values: List[Optional[cst.BaseExpression]] = []
    for statement in findall(klass, m.Assign() | m.AugAssign() | m.AnnAssign()):
        targets = _statement_targets(statement)
        if not any(dotted_name(t) == wanted for t in targets):
            continue
        if is_inside(context, statement, loop.node):
            if len(targets) != 1 or not _is_update_of(statement, target):
                return None
            continue
        if len(targets) == 1 and _is_update_of(statement, target):
            continue
        if len(targets) != 1 or getattr(statement, "value", None) is None:
            values.append(None)
            continue
        values.append(getattr(statement, "value"))
    return values


def _statement_targets(statement: cst.CSTNode) -> List[cst.CSTNode]:
    if m.matches(statement, m.Assign()):
        return [t.target for t in cst.ensure_type(statement, cst.Assign).targets]
    return [getattr(statement, "target")]


def _enclosing_class(context: LintContext, node: cst.CSTNode) -> Optional[cst.ClassDef]:
    current = parent(context, node)
    while current is not None:
        if m.matches(current, m.ClassDef()):
            return cst.ensure_type(current, cst.ClassDef)
        current = parent(context, current)
    return None
