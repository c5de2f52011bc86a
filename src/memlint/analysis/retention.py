"""Where does a value go that outlives the current call? (exceptions, tracebacks, frames)

`storage(context, node)` walks up from an expression and answers how the object it evaluates to is
kept beyond the function call, or None:
- "on an attribute": `obj.attr = value` (also `setattr(obj, "a", value)`);
- "in a container that outlives the call": `c[k] = value`, `c.append(value)` (and other storing
  methods) where `c` is not a fresh local of the function (a parameter, `self.x`, a global or a
  closure variable);
- "in a global" / "in a nonlocal": `name = value` where the function declares `global name` /
  `nonlocal name` (a plain assignment in module-level code, which runs once, is not counted);
- "returned" / "yielded" (with `returns=True`).
Tuples, lists and dict displays around the value are looked through (`self.info = (e, tb)`).

`stored_at(context, node)` answers the same with the place: the `Stored` record names the
expression that holds the value (`self.error`, the container `self.errors` or `ERRORS`, the
global's name) and the storing method, if any (`append`, `put`), so that a rule can ask what the
module does with that place afterwards (`raise self.error`: kept in order to be re-raised).
"""

from __future__ import annotations

from typing import FrozenSet, NamedTuple, Optional

import libcst as cst

from memlint import matchers as m
from memlint.analysis.accumulators import binding_sites, scope_of
from memlint.analysis import effects
from memlint.analysis.loops import parent
from memlint.analysis.usage import root_name
from memlint.matching import matches
from memlint.context import LintContext
from memlint.traversal import findall

STORING_METHODS: FrozenSet[str] = effects.STORING_METHODS  # the one vocabulary: analysis/effects.py
THROUGH = m.Tuple() | m.List() | m.Element() | m.DictElement() | m.Dict() | m.Set()


class Stored(NamedTuple):
    where: str  # "on an attribute", "in a global", "returned" ... (module doc)
    place: Optional[cst.BaseExpression]  # what holds the value: `self.error`, `ERRORS`, a Name
    method: Optional[str] = None  # the storing method (`append`, `put`), if one stored it


def storage(context: LintContext, node: cst.BaseExpression, returns: bool = True) -> Optional[str]:
    """How the object `node` evaluates to is kept beyond the call (module doc), or None."""
    found = stored_at(context, node, returns)
    return found.where if found is not None else None


def stored_at(context: LintContext, node: cst.BaseExpression, returns: bool = True) -> Optional[Stored]:
    """How and where the object `node` evaluates to is kept beyond the call, or None."""
    child: cst.CSTNode = node
    current = parent(context, node)
    while matches(current, THROUGH):
        child, current = current, parent(context, current)
    if current is None:
        return None
    if m.matches(current, m.Return()) and returns:
        return Stored("returned", None)
    if m.matches(current, m.Yield()) and returns:
        return Stored("yielded", None)
    if m.matches(current, m.Assign() | m.AnnAssign()) and getattr(current, "value") is child:
        targets = [t.target for t in current.targets] if isinstance(current, cst.Assign) else [current.target]
        for target in targets:
            found = _target_storage(context, target)
            if found is not None:
                return found
        return None
    if m.matches(current, m.Arg()):
        call = parent(context, current)
        if not m.matches(call, m.Call()):
            return None
        func = cst.ensure_type(call, cst.Call).func
        if m.matches(func, m.Attribute()):
            attribute = cst.ensure_type(func, cst.Attribute)
            if attribute.attr.value in STORING_METHODS and _outlives(context, attribute.value):
                return Stored("in a container that outlives the call", attribute.value, attribute.attr.value)
        if m.matches(func, m.Name("setattr")):
            return Stored("on an attribute", None, "setattr")
    return None


def _target_storage(context: LintContext, target: cst.BaseExpression) -> Optional[Stored]:
    if m.matches(target, m.Attribute()):
        return Stored("on an attribute", target)
    if m.matches(target, m.Subscript()):
        container = cst.ensure_type(target, cst.Subscript).value
        return Stored("in a container that outlives the call", container) if _outlives(context, container) else None
    if m.matches(target, m.Name()):
        name = cst.ensure_type(target, cst.Name).value
        scope = scope_of(context, target)
        if not m.matches(scope, m.FunctionDef() | m.Lambda()):
            return None  # module or class level code runs once: one value, not a growing set
        declared = _declaration(scope, name)
        if declared is not None:
            return Stored(f"in a {declared}", target)
    if m.matches(target, m.Tuple() | m.List()):
        for element in getattr(target, "elements"):
            found = _target_storage(context, element.value)
            if found is not None:
                return found
    return None


def _outlives(context: LintContext, container: cst.BaseExpression) -> bool:
    """Is `container` something other than a fresh local of the current function?"""
    if m.matches(container, m.Attribute() | m.Subscript()):
        return True  # self.items, obj.log, registry[k]
    name = root_name(container)
    if name is None:
        return False
    scope = scope_of(context, container)
    if not m.matches(scope, m.FunctionDef() | m.Lambda()):
        return True  # module or class level: lives with the module
    sites = binding_sites(scope, name)
    if sites is None:
        return True  # global or nonlocal
    if not sites:
        return not _enclosing_function_binds(context, scope, name)  # free: a module global, or a closure
    return all(m.matches(site, m.Param()) for site in sites)


def _enclosing_function_binds(context: LintContext, scope: cst.CSTNode, name: str) -> bool:
    """Is `name` a local of a function around `scope` (a closure variable, gone with that call)?"""
    current = parent(context, scope)
    while current is not None:
        if m.matches(current, m.FunctionDef() | m.Lambda()):
            sites = binding_sites(current, name)
            if sites:
                return not all(m.matches(site, m.Param()) for site in sites)
        current = parent(context, current)
    return False


def _declaration(scope: cst.CSTNode, name: str) -> Optional[str]:
    for declared in findall(getattr(scope, "body"), m.Global() | m.Nonlocal()):
        if any(item.name.value == name for item in getattr(declared, "names")):
            return "global" if m.matches(declared, m.Global()) else "nonlocal"
    return None
