"""How a name is bound and used: its single binding, its only reference, and whether a stretch
of code may mutate (or consume) what an expression reads.

These answer the "is the copy needed?" questions of the materialization rules: a list built only
to be looped over is waste, unless the loop body changes the thing the list was copied from, or
the list is used again.

Two levels of proof:
- `may_mutate(nodes, roots)`: the code *visibly* changes what `roots` hold (a method call on
  one, passing one to a function, an item or attribute assignment): the copy is needed, and the
  rules stay silent;
- `unseen_code_may_change(context, nodes, roots, source)`: the code runs something memlint cannot
  see (a call of a function or method outside the vocabulary of `analysis/effects.py`, `yield`,
  `await`, a `with` block) or mutates a name that may alias a root, while a root is *exposed*:
  reachable from module globals, attributes, parameters, closures or other names. Then a fix
  that makes the iteration lazy is not proven: it is offered as unsafe.

Functions taking a `rule` use the cheap per-file scope index (analysis/scopes.py) and need no
LibCST metadata declared; the purely syntactic ones need nothing either.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import FrozenSet, Iterable, List, Optional, Set, Tuple

import libcst as cst

from memlint import matchers as m
from memlint.analysis.effects import MUTATING_METHODS, PURE_METHODS
from memlint.analysis.scopes import COMPREHENSIONS, FUNCTIONS, ScopeIndex, scope_index
from memlint.analysis.tree import TargetVisitor, root_name, root_node
from memlint.context import LintContext
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


class _MutationFinder(TargetVisitor):
    """Finds a visible mutation of one of `roots`; with `roots=None`, records every mutated
    root name (and its Name node) in `mutated`."""

    def __init__(self, roots: Optional[Set[str]]) -> None:
        super().__init__()
        self.roots = roots
        self.found = False
        self.mutated: List[Tuple[str, cst.CSTNode]] = []

    def _hit(self, expr: cst.CSTNode) -> None:
        node = root_node(expr)
        if node is None:
            return
        if self.roots is None:
            self.mutated.append((node.value, node))
        else:
            self.found |= node.value in self.roots

    def _target(self, target: cst.CSTNode, augmented: bool = False) -> None:
        if isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._target(element.value)
            return
        if isinstance(target, cst.StarredElement):
            self._target(target.value)
            return
        if isinstance(target, cst.Name):
            if augmented:
                self._hit(target)
            return
        self._hit(target)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value not in PURE_METHODS:
            self._hit(func.value)
        if self.roots is None or (isinstance(func, cst.Name) and func.value in PURE_FUNCTIONS):
            return
        for arg in node.args:
            value = arg.value
            if m.matches(value, m.Name() | m.Attribute()) and root_name(value) in self.roots:
                self.found = True

    def on_target(self, target: cst.CSTNode, kind: str, owner: cst.CSTNode) -> None:
        if kind == "augmented":
            # Looking for aliases (roots=None), `total += x` cannot grow a container in place;
            # only a display on the right can (`ys += [x]`, `ys |= {x}`).
            self._target(target, augmented=self.roots is not None or m.matches(getattr(owner, "value"), CONTAINER_DISPLAY))
        else:
            self._target(target)


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


def single_binding(context: LintContext, name: cst.Name) -> Optional[Binding]:
    """The one binding of the variable `name` reads, when its scope binds it exactly once.

    None when the name is bound several times, by an import, a loop, unpacking, `global`/
    `nonlocal` (the binding is then in another scope), or is a builtin.
    """
    index = scope_index(context)
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


def only_reference_is(context: LintContext, binding: Binding, use: cst.Name) -> bool:
    """Is `use` the one and only read of a function-local binding (nothing else sees the value)?"""
    scope = binding.assignment.scope
    if not isinstance(scope, FUNCTIONS) or binding.kind == "param":
        return False
    if _uses_dynamic_scope(context, scope):
        return False
    references = binding.assignment.references
    return len(references) == 1 and references[0].node is use


def _uses_dynamic_scope(context: LintContext, scope: cst.CSTNode) -> bool:
    """`locals()`, `vars()`, `eval` or `exec` in the function (or a scope nested in it) can read
    any local."""
    return scope_index(context).reads_anywhere(scope, ("locals", "vars", "eval", "exec"))


CONTAINER_DISPLAY = m.List() | m.Tuple() | m.Set() | m.Dict() | m.ListComp() | m.SetComp() | m.DictComp()


# -- what code memlint cannot see may reach -----------------------------------------------------
# Values that are a new object nobody else holds: a local bound only to one of these is private.
FRESH = (
    m.List() | m.Tuple() | m.Set() | m.Dict() | m.ListComp() | m.SetComp() | m.DictComp() | m.GeneratorExp()
    | m.Integer() | m.Float() | m.Imaginary() | m.SimpleString() | m.ConcatenatedString() | m.FormattedString()
)
FRESH_CONSTRUCTORS: FrozenSet[str] = frozenset(
    {
        "builtins.list", "builtins.dict", "builtins.set", "builtins.tuple", "builtins.sorted",
        "builtins.bytearray", "builtins.frozenset", "builtins.bytes", "builtins.str", "builtins.open",
        "collections.deque", "collections.OrderedDict", "collections.defaultdict", "collections.Counter",
    }
)
UNSEEN_STATEMENTS = m.Yield() | m.Await() | m.With() | m.Import() | m.ImportFrom() | m.Global() | m.Nonlocal()
IDENTITY_ELEMENT = m.Name() | m.Tuple(elements=[m.ZeroOrMore(m.Element(value=m.Name()))])


def unseen_code_may_change(context: LintContext, nodes: Iterable[cst.CSTNode], roots: Set[str], source: cst.CSTNode) -> bool:
    """May running `nodes` change what `source` reads through the names in `roots`, by code
    memlint cannot see or through an alias? (See the module doc.)

    A root is *private* when it is a local of the function running `source`, not a parameter,
    bound only to fresh values (displays, comprehensions, `list()`, `open()`, ...), and every
    other read of it only queries or mutates it in place (a method of the vocabulary, an item,
    `len()` and the pure builtins, iteration, comparison). Builtins are private too. Everything
    else is *exposed*: module and class level names, parameters, closures, names bound to
    values made elsewhere, names passed to other code or aliased (`ys = xs`), and the elements a
    comprehension reads state from. Exposed roots are changed when `nodes` run unseen code, or
    mutate any name that is not itself private (it may be an alias).
    """
    roots = set(roots)
    if not roots:
        return False
    index = scope_index(context)
    nodes = list(nodes)
    if not exposed_roots(context, roots, source):
        return False
    for node in nodes:
        if runs_unseen_code(context, node):
            return True
    finder = _MutationFinder(None)
    for node in nodes:
        visit_read_only(node, finder)
    return any(_exposed(context, index, name, node) for name, node in finder.mutated)


def exposed_roots(context: LintContext, roots: Iterable[str], source: cst.CSTNode) -> Set[str]:
    """The names among `roots` (read by `source`) whose objects code elsewhere may reach."""
    index = scope_index(context)
    return {name for name in roots if _exposed(context, index, name, source)}


def runs_unseen_code(context: LintContext, node: cst.CSTNode) -> bool:
    """Does `node` call code memlint cannot see: a call outside the pure builtins and the method
    vocabulary, `yield`, `await`, `with`, an import, or a `global`/`nonlocal` rebinding?"""
    if findall(node, UNSEEN_STATEMENTS):
        return True
    return any(not _seen_call(context, cst.ensure_type(call, cst.Call)) for call in findall(node, m.Call()))


def calls_unseen_code(context: LintContext, function: cst.BaseExpression) -> bool:
    """Would calling the callable `function` (a `key=` argument) run code memlint cannot see?"""
    if isinstance(function, cst.Lambda):
        return runs_unseen_code(context, function.body)
    if isinstance(function, cst.Name):
        return not _pure_builtin(context, function)
    if isinstance(function, cst.Attribute):
        return function.attr.value not in PURE_METHODS or function.attr.value in MUTATING_METHODS
    return True


def _seen_call(context: LintContext, call: cst.Call) -> bool:
    func = call.func
    if isinstance(func, cst.Name):
        return _pure_builtin(context, func)
    if isinstance(func, cst.Attribute):
        return func.attr.value in PURE_METHODS or func.attr.value in MUTATING_METHODS
    return False


def _pure_builtin(context: LintContext, name: cst.Name) -> bool:
    return name.value in PURE_FUNCTIONS and scope_index(context).binding_scope(name, name.value) == "builtin"


def _exposed(context: LintContext, index: ScopeIndex, name: str, where: cst.CSTNode) -> bool:
    """Can code other than the visible mutations reach the object `name` holds at `where`?"""
    if isinstance(where, cst.Name) and where.value == name:
        reads = [where]
    else:
        reads = [cst.ensure_type(n, cst.Name) for n in findall(where, m.Name(name)) if index.is_access(cst.ensure_type(n, cst.Name))]
    if not reads:
        return True
    scope = index.binding_scope(reads[0], name)
    if scope == "builtin":
        return False
    if isinstance(scope, str) or not isinstance(scope, FUNCTIONS + COMPREHENSIONS):
        return True  # module or class level, unbound, or a star import
    if isinstance(scope, COMPREHENSIONS):
        return _reads_element_state(scope, name)
    sites = index.assignments(scope, name)
    if not sites or not all(_fresh_binding(context, index, site, scope) for site in sites):
        return True
    return any(_escapes(context, index, read, scope, where) for read in index.references(scope, name))


def _reads_element_state(comp: cst.CSTNode, name: str) -> bool:
    """Does the comprehension read more of its element `name` than its identity (attributes,
    items, arithmetic, calls), which other code may change between lazy steps?"""
    parts: List[cst.CSTNode] = [getattr(comp, "key"), getattr(comp, "value")] if isinstance(comp, cst.DictComp) else [getattr(comp, "elt")]
    clause: Optional[cst.CompFor] = getattr(comp, "for_in")
    while clause is not None:
        parts.extend(clause.ifs)
        if clause is not getattr(comp, "for_in"):
            parts.append(clause.iter)
        clause = clause.inner_for_in
    for part in parts:
        if findall(part, m.Name(name)) and not m.matches(part, IDENTITY_ELEMENT):
            return True
    return False


def _fresh_binding(context: LintContext, index: ScopeIndex, site: cst.CSTNode, scope: cst.CSTNode) -> bool:
    """Is `site` a plain `name = <fresh value>` (or `with open(...) as name`) directly in `scope`?"""
    if not isinstance(site, cst.Name) or index.scopes(site)[0] is not scope:
        return False
    holder = index.parent(site)
    value: Optional[cst.BaseExpression] = None
    if isinstance(holder, cst.AssignTarget):
        statement = index.parent(holder)
        if isinstance(statement, cst.Assign) and len(statement.targets) == 1:
            value = statement.value
    elif isinstance(holder, cst.AnnAssign) and holder.target is site:
        value = holder.value
    elif isinstance(holder, cst.AsName):
        item = index.parent(holder)
        value = item.item if isinstance(item, cst.WithItem) else None
    if value is None:
        return False
    if m.matches(value, FRESH):
        return True
    return isinstance(value, cst.Call) and index.qualified_name(value.func) in FRESH_CONSTRUCTORS


def _escapes(context: LintContext, index: ScopeIndex, read: cst.Name, scope: cst.CSTNode, where: cst.CSTNode) -> bool:
    """May this read hand the object to code that keeps it (an alias, a store, an unknown call)?"""
    if read is where or any(ancestor is where for ancestor in index.ancestors(read)):
        return False
    own_scope = index.scopes(read)[0]
    if own_scope is not scope and not isinstance(own_scope, COMPREHENSIONS):
        return True  # captured by a nested function: callable from anywhere
    holder = index.parent(read)
    if isinstance(holder, cst.Attribute):
        call = index.parent(holder)
        return not (isinstance(call, cst.Call) and call.func is holder and _seen_call(context, call))
    if isinstance(holder, (cst.Subscript, cst.Del, cst.Comparison, cst.ComparisonTarget, cst.CompFor, cst.For)):
        return isinstance(holder, (cst.CompFor, cst.For)) and getattr(holder, "iter") is not read
    if isinstance(holder, cst.AugAssign):
        return holder.target is not read
    if isinstance(holder, cst.Arg):
        call = index.parent(holder)
        return not (isinstance(call, cst.Call) and isinstance(call.func, cst.Name) and _pure_builtin(context, call.func))
    return True
