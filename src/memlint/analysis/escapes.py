"""Escapes: can the object an expression reads outlive the statement that reads it?

`value_escapes(context, name_node)` walks up from one read of a name and answers True when the object
may be kept: bound to another name, attribute or item, returned, yielded, put into a container
(a display that is itself kept, or a storing method such as `.append()`), or captured by a lambda
or comprehension. Calling it, reading an attribute or item of it, doing arithmetic with it,
iterating it, or passing it as an argument to a call that is not a storing method do not count.
Views (`x[1:]`, `x.T`, `x.reshape(...)`) escape when the view does.

Names are resolved with the cheap per-file scope index (analysis/scopes.py).
"""

from __future__ import annotations

from typing import FrozenSet

import libcst as cst

from memlint import matchers as m
from memlint.analysis.effects import STORING_METHODS
from memlint.analysis.loops import is_inside, parent
from memlint.analysis.scopes import scope_index
from memlint.analysis.tree import full_name
from memlint.matching import matches
from memlint.context import LintContext

VIEW_METHODS: FrozenSet[str] = frozenset({"reshape", "view", "ravel", "transpose", "squeeze", "swapaxes", "__getitem__"})
VIEW_ATTRIBUTES: FrozenSet[str] = frozenset({"T", "real", "imag", "flat", "mT", "base"})
NEW_VALUE = m.BinaryOperation() | m.UnaryOperation() | m.Comparison()
CONTAINER = m.Tuple() | m.List() | m.Set() | m.Dict()
KEPT = m.Return() | m.Yield() | m.Assign() | m.AnnAssign() | m.NamedExpr() | m.Lambda() | m.ListComp() | m.SetComp() | m.DictComp() | m.GeneratorExp() | m.CompIf()
HARMLESS = m.Expr() | m.If() | m.While() | m.For() | m.CompFor() | m.Del() | m.Assert() | m.Index() | m.SubscriptElement() | m.Slice() | m.IfExp() | m.WithItem() | m.Raise()


def value_escapes(context: LintContext, node: cst.BaseExpression) -> bool:
    """May the object `node` evaluates to be kept after its statement ends? (see module doc)"""
    child: cst.CSTNode = node
    current = parent(context, node)
    in_display = False
    while current is not None:
        if m.matches(current, m.Call()):
            call = cst.ensure_type(current, cst.Call)
            if child is call.func:
                return False  # called
            return _stored_by(context, call)
        if m.matches(current, m.Arg()):
            child, current = current, parent(context, current)
            continue
        if m.matches(current, m.Attribute()):
            attribute = cst.ensure_type(current, cst.Attribute)
            if _is_target(context, attribute):
                return True  # state set on the object itself
            outer = parent(context, attribute)
            if m.matches(outer, m.Call()) and cst.ensure_type(outer, cst.Call).func is attribute:
                if attribute.attr.value not in VIEW_METHODS:
                    return False  # a method call: its result is a new value
                child, current = outer, parent(context, outer)
                continue
            if attribute.attr.value not in VIEW_ATTRIBUTES:
                return False
            child, current = attribute, outer
            continue
        if m.matches(current, m.Subscript()):
            subscript = cst.ensure_type(current, cst.Subscript)
            if child is not subscript.value or _is_target(context, subscript):
                return False  # used as a key, or written into
            child, current = current, parent(context, current)
            continue
        if m.matches(current, m.AssignTarget()):
            return False  # `x = ...` rebinds the name, the object is not kept by it
        if m.matches(current, m.IfExp()):
            if_exp = cst.ensure_type(current, cst.IfExp)
            if child is if_exp.test:
                return False
            child, current = current, parent(context, current)
            continue
        if m.matches(current, m.BooleanOperation() | m.Await() | m.Element() | m.DictElement() | CONTAINER):
            in_display = in_display or matches(current, CONTAINER)
            child, current = current, parent(context, current)
            continue
        if m.matches(current, m.StarredElement() | m.StarredDictElement()):
            return False  # unpacked: its items are kept, not the object
        if matches(current, NEW_VALUE):
            return False
        if matches(current, KEPT):
            return True
        if m.matches(current, m.AugAssign()):
            return in_display  # `items += [x]` keeps x; `total += x` does not
        if matches(current, HARMLESS):
            return False
        return True  # anything else: assume kept
    return True


def _stored_by(context: LintContext, call: cst.Call) -> bool:
    func = call.func
    if m.matches(func, m.Attribute()):
        if cst.ensure_type(func, cst.Attribute).attr.value not in STORING_METHODS:
            return False
        return not _module_function(context, func)
    if m.matches(func, m.Name()):
        return cst.ensure_type(func, cst.Name).value in {"setattr", "partial"}
    return False


def _module_function(context: LintContext, func: cst.BaseExpression) -> bool:
    """Is `func` a function reached through an imported module (`np.add`, `operator.add`)?
    (Every binding of the name it starts from is an import.)"""
    dotted = full_name(func)
    if dotted is None:
        return False
    index = scope_index(context)
    root = dotted.split(".", 1)[0]
    scope = index.binding_scope(func, root)
    if isinstance(scope, str):
        return False
    imported = index.bindings(scope).names.get(root, [])
    return bool(imported) and None not in imported and bool(index.assignments(scope, root))


def _is_target(context: LintContext, node: cst.CSTNode) -> bool:
    """Is `node` written to: an assignment, augmented assignment or `del` target?"""
    outer = parent(context, node)
    if m.matches(outer, m.AssignTarget()):
        return True
    if m.matches(outer, m.AugAssign() | m.AnnAssign()):
        return getattr(outer, "target") is node
    if m.matches(outer, m.Del()):
        return True
    return m.matches(outer, m.Tuple() | m.List() | m.Element()) and _is_target_container(context, outer)


def _is_target_container(context: LintContext, node: cst.CSTNode) -> bool:
    current = parent(context, node)
    while m.matches(current, m.Tuple() | m.List() | m.Element()):
        current = parent(context, current)
    return m.matches(current, m.AssignTarget() | m.For() | m.CompFor())


def result_escapes(context: LintContext, value: cst.BaseExpression, region: cst.CSTNode) -> bool:
    """Does the object `value` produces outlive its use inside `region` (typically a loop)?

    When `value` is bound by `name = value`, every read of `name` inside `region` is checked
    with `value_escapes`; otherwise `value` itself is.
    """
    holder = parent(context, value)
    if not m.matches(holder, m.Assign(targets=[m.AssignTarget(target=m.Name())])):
        return value_escapes(context, value)
    assign = cst.ensure_type(holder, cst.Assign)
    target = cst.ensure_type(assign.targets[0].target, cst.Name)
    index = scope_index(context)
    scope = index.scopes(target)[0]
    for read in index.accesses(scope).get(target.value, ()):
        if is_inside(context, read, region) and value_escapes(context, read):
            return True
    return False

