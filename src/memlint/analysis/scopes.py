"""A cheap scope model: parents, scopes and bindings, built lazily once per file.

LibCST's ScopeProvider and QualifiedNameProvider cost 3x and 9x a parse (measured on 60
standard-library modules: parse 2.4 s, scopes 7.9 s, qualified names 21 s). Rules only need to
know what a name refers to at a few candidate nodes, so this module does less, later:

- the parent map is recorded by the engine's traversal as it walks (`traversal.Parents`);
  only a question about a node the traversal has not reached yet costs a walk of its own;
- a scope's bindings come from walking its statements only (not its expressions), built the
  first time a name inside that scope is resolved;
- Python's rules: function scopes are skipped by nothing, class scopes are seen only by code
  directly in the class body, `global`/`nonlocal` redirect, a comprehension binds its targets,
  parameter defaults, decorators and the first comprehension iterable belong to the enclosing
  scope, a walrus binds in the enclosing function.

`tests/analysis/test_analysis_scopes.py` checks the results against LibCST's QualifiedNameProvider on
real modules.
"""

from __future__ import annotations

import builtins
import dataclasses
from typing import TYPE_CHECKING, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple, Type, Union

import libcst as cst

from memlint.analysis.tree import dotted_name, parameters, target_name_nodes
from memlint.traversal import Parents, is_node, node_fields

if TYPE_CHECKING:  # pragma: no cover
    from memlint.context import LintContext

BUILTIN_NAMES = frozenset(dir(builtins))
SCOPE_TYPES: Tuple[Type[cst.CSTNode], ...] = (
    cst.Module,
    cst.FunctionDef,
    cst.ClassDef,
    cst.Lambda,
    cst.ListComp,
    cst.SetComp,
    cst.DictComp,
    cst.GeneratorExp,
)
COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)
FUNCTIONS = (cst.FunctionDef, cst.Lambda)

def iter_children(node: cst.CSTNode) -> Iterable[cst.CSTNode]:
    """Direct children, in no particular order (faster than `node.children`): only the fields
    LibCST visits are read (traversal.py), not the strings and flags beside them."""
    for name, _ in node_fields(node):
        value = getattr(node, name)
        if type(value) is list or type(value) is tuple:
            yield from value
        elif is_node(value):
            yield value


@dataclasses.dataclass
class Bindings:
    """What one scope binds: name -> qualified names of its bindings (None: not an import)."""

    names: Dict[str, List[Optional[str]]] = dataclasses.field(default_factory=dict)
    globals: Set[str] = dataclasses.field(default_factory=set)
    nonlocals: Set[str] = dataclasses.field(default_factory=set)
    star_import: bool = False
    # The node of each binding, as LibCST's `Assignment.node`: the target Name, the Param, the
    # FunctionDef/ClassDef, the Import/ImportFrom statement. `del x` binds a name (above) but is
    # not a binding site (LibCST counts it as a read).
    sites: Dict[str, List[cst.CSTNode]] = dataclasses.field(default_factory=dict)

    def bind(self, name: str, qualified: Optional[str] = None, site: Optional[cst.CSTNode] = None) -> None:
        self.names.setdefault(name, []).append(qualified)
        if site is not None:
            self.sites.setdefault(name, []).append(site)


def scope_index(context: "LintContext") -> "ScopeIndex":
    """The file's index, built on first use and shared by every rule of the traversal."""
    index = context.cache.get("scopes")
    if index is None:
        source = context.source
        index = ScopeIndex(context.module, has_walrus=":=" in source, parents=context.parents, has_global="global" in source)
        context.cache["scopes"] = index
    return index


class ScopeIndex:
    """Per-file index; get it with `scope_index(context)`."""

    def __init__(
        self, module: cst.Module, has_walrus: bool, parents: Optional[Parents] = None, has_global: bool = True
    ) -> None:
        self.module = module
        self._has_walrus = has_walrus
        # False when the module's text has no `global`: then no function rebinds a module name,
        # and the module's bindings are found without looking into every function.
        self._has_global = has_global
        self._parents = Parents(module) if parents is None else parents
        self._bindings: Dict[int, Bindings] = {}
        self._regions: Dict[int, "_Region"] = {}
        self._access_ids: Set[int] = set()

    # -- structure -----------------------------------------------------------------------------
    def parent(self, node: cst.CSTNode) -> Optional[cst.CSTNode]:
        return self._parents.get(node)

    def ancestors(self, node: cst.CSTNode) -> List[cst.CSTNode]:
        """Parents from the nearest to the module."""
        chain = []
        current = self.parent(node)
        while current is not None:
            chain.append(current)
            current = self.parent(current)
        return chain

    def scopes(self, node: cst.CSTNode) -> List[cst.CSTNode]:
        """The scopes `node` is evaluated in, innermost first, ending with the module."""
        found: List[cst.CSTNode] = []
        child = node
        grandchild: Optional[cst.CSTNode] = None
        for ancestor in self.ancestors(node):
            if isinstance(ancestor, SCOPE_TYPES) and _evaluated_inside(ancestor, child, grandchild):
                found.append(ancestor)
            grandchild, child = child, ancestor
        if not found or found[-1] is not self.module:
            found.append(self.module)
        return found

    # -- bindings ------------------------------------------------------------------------------
    def bindings(self, scope: cst.CSTNode) -> Bindings:
        cached = self._bindings.get(id(scope))
        if cached is None:
            cached = self._collect(scope)
            self._bindings[id(scope)] = cached
        return cached

    def _collect(self, scope: cst.CSTNode) -> Bindings:
        out = Bindings()
        if isinstance(scope, COMPREHENSIONS):
            clause: Optional[cst.CompFor] = getattr(scope, "for_in")
            while clause is not None:
                _bind_target(clause.target, out)
                clause = clause.inner_for_in
            return out
        if isinstance(scope, FUNCTIONS):
            params = getattr(scope, "params")
            for param in parameters(params):
                out.bind(param.name.value, None, param)
        if isinstance(scope, cst.Lambda):
            return out
        body = getattr(scope, "body")
        statements = body.body if isinstance(scope, (cst.FunctionDef, cst.ClassDef)) else body
        _walk_statements(statements, out)
        if isinstance(scope, cst.Module) and self._has_global:
            for name, site in _global_rebinds(statements):
                out.bind(name, None, site)  # `global x; x = ...` in a function rebinds the module's x
        if self._has_walrus and not isinstance(scope, cst.ClassDef):
            for named in _walrus_targets(statements):
                out.bind(named.value, None, named)
        return out

    def assignments(self, scope: cst.CSTNode, name: str) -> List[cst.CSTNode]:
        """The binding sites of `name` recorded in `scope`, like LibCST's
        `scope.assignments[name]`: none when the scope declares it `global`/`nonlocal` (its
        bindings belong to the outer scope); a function also gets the sites of nested functions
        that rebind it through `nonlocal`, the module those of functions that rebind it through
        `global`."""
        bindings = self.bindings(scope)
        if name in bindings.globals or name in bindings.nonlocals:
            return []
        found = list(bindings.sites.get(name, ()))
        if isinstance(scope, FUNCTIONS) and name in bindings.names:
            found.extend(self._region(scope).nonlocal_sites.get(name, ()))
        return found

    def assigned_names(self, scope: cst.CSTNode) -> Set[str]:
        """Every name `scope` binds itself (not those it declares `global`/`nonlocal`)."""
        bindings = self.bindings(scope)
        return set(bindings.names) - bindings.globals - bindings.nonlocals

    # -- reads ---------------------------------------------------------------------------------
    def accesses(self, scope: cst.CSTNode) -> Mapping[str, List[cst.Name]]:
        """The Name nodes read in `scope` itself (not in nested scopes), by name, like LibCST's
        `scope.accesses`: loads and `del` targets; not attribute names, keyword names,
        parameter names or assignment targets. Defaults, annotations and decorators of a nested
        def, the bases of a nested class and the first iterable of a comprehension are read
        here. (LibCST also counts names inside string annotations; these do not.)"""
        return self._region(scope).accesses

    def is_access(self, name: cst.Name) -> bool:
        """Is this Name a read (an access) rather than a binding, attribute or keyword name?"""
        scope = self.scopes(name)[0]
        self._region(scope)
        return id(name) in self._access_ids

    def nested_scopes(self, scope: cst.CSTNode) -> List[cst.CSTNode]:
        """Every scope inside `scope`, at any depth."""
        found: List[cst.CSTNode] = []
        stack = list(self._region(scope).children)
        while stack:
            child = stack.pop()
            found.append(child)
            stack.extend(self._region(child).children)
        return found

    def references(self, scope: cst.CSTNode, name: str) -> List[cst.Name]:
        """Every read of the `name` that `scope` binds: in `scope` and in nested scopes where
        the name resolves to it. A superset of LibCST's `Assignment.references` (which leaves
        out reads placed before the binding in the same scope)."""
        found = list(self.accesses(scope).get(name, ()))
        for nested in self.nested_scopes(scope):
            for read in self.accesses(nested).get(name, ()):
                if self.binding_scope(read, name) is scope:
                    found.append(read)
        return found

    def reads_anywhere(self, scope: cst.CSTNode, names: Iterable[str]) -> bool:
        """Is one of `names` read in `scope` or any scope nested in it?"""
        wanted = set(names)
        return any(wanted & set(self.accesses(each)) for each in [scope, *self.nested_scopes(scope)])

    def _region(self, scope: cst.CSTNode) -> "_Region":
        region = self._regions.get(id(scope))
        if region is None:
            region = _collect_region(scope)
            self._regions[id(scope)] = region
            self._access_ids.update(id(name) for names in region.accesses.values() for name in names)
        return region

    # -- resolution ----------------------------------------------------------------------------
    def binding_scope(self, node: cst.CSTNode, name: str) -> Union[cst.CSTNode, str]:
        """The scope whose binding of `name` a read at `node` sees; else "builtin" (no scope
        binds it and it is a builtin), "unbound" (nothing binds it), or "unknown" (a star
        import may bind it)."""
        scopes = self.scopes(node)
        index = 0
        while index < len(scopes):
            scope = scopes[index]
            if index > 0 and isinstance(scope, cst.ClassDef):
                index += 1
                continue  # class bodies are invisible to nested scopes
            bindings = self.bindings(scope)
            if name in bindings.globals:
                return self.module
            if name in bindings.nonlocals:
                index += 1
                continue
            if name in bindings.names:
                return scope
            if bindings.star_import:
                return "unknown"
            index += 1
        return "builtin" if name in BUILTIN_NAMES else "unbound"

    def qualified_name(self, node: cst.BaseExpression) -> Optional[str]:
        """What a Name or dotted Attribute refers to; None if unknown or ambiguous."""
        dotted = dotted_name(node)
        if dotted is None:
            return None
        root, _, rest = dotted.partition(".")
        scope = self.binding_scope(node, root)
        if scope == "builtin":
            return f"builtins.{dotted}"
        if isinstance(scope, str):
            return None  # unbound, or a star import may bind it
        return self._qualify(scope, root, self.bindings(scope), f".{rest}" if rest else "")

    def _qualify(self, scope: cst.CSTNode, root: str, bindings: Bindings, suffix: str) -> Optional[str]:
        found = bindings.names.get(root)
        if not found:
            return None
        imports = set(found)
        if None not in imports:
            return f"{imports.pop()}{suffix}" if len(imports) == 1 else None
        if imports != {None}:
            return None  # imported on one path, assigned on another
        return f"{self._local_prefix(scope)}{root}{suffix}"

    def _local_prefix(self, scope: cst.CSTNode) -> str:
        parts: List[str] = []
        current: Optional[cst.CSTNode] = scope
        while current is not None and current is not self.module:
            if isinstance(current, cst.FunctionDef):
                parts.append(f"{current.name.value}.<locals>.")
            elif isinstance(current, cst.ClassDef):
                parts.append(f"{current.name.value}.")
            elif isinstance(current, cst.Lambda):
                parts.append("<lambda>.<locals>.")
            elif isinstance(current, COMPREHENSIONS):
                parts.append("<comprehension>.")
            current = self.parent(current)
        return "".join(reversed(parts))


@dataclasses.dataclass
class _Region:
    """What is read directly in one scope, and the scopes nested right inside it."""

    accesses: Dict[str, List[cst.Name]] = dataclasses.field(default_factory=dict)
    children: List[cst.CSTNode] = dataclasses.field(default_factory=list)
    nonlocal_sites: Dict[str, List[cst.CSTNode]] = dataclasses.field(default_factory=dict)


def _collect_region(scope: cst.CSTNode) -> _Region:
    out = _Region()
    stack: List[cst.CSTNode] = []
    if isinstance(scope, cst.Module):
        stack.extend(scope.body)
    elif isinstance(scope, cst.ClassDef):
        stack.extend(scope.body.body)
    elif isinstance(scope, (cst.FunctionDef, cst.Lambda)):
        stack.append(scope.body)
    else:
        for_in: cst.CompFor = getattr(scope, "for_in")
        _push_target(for_in.target, stack)
        stack.extend(for_in.ifs)
        if for_in.inner_for_in is not None:
            stack.append(for_in.inner_for_in)
        if isinstance(scope, cst.DictComp):
            stack.extend((scope.key, scope.value))
        else:
            stack.append(getattr(scope, "elt"))
    accesses = out.accesses
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is cst.Name:
            accesses.setdefault(node.value, []).append(node)
        elif kind is cst.Attribute:
            stack.append(node.value)
        elif kind is cst.Arg:
            stack.append(node.value)
        elif kind in (cst.Import, cst.ImportFrom, cst.Global, cst.Nonlocal):
            continue
        elif kind is cst.FunctionDef or kind is cst.Lambda:
            out.children.append(node)
            if kind is cst.FunctionDef:
                stack.extend(node.decorators)
                if node.returns is not None:
                    stack.append(node.returns)
            for param in parameters(node.params):
                if param.default is not None:
                    stack.append(param.default)
                if param.annotation is not None:
                    stack.append(param.annotation)
        elif kind is cst.ClassDef:
            out.children.append(node)
            stack.extend(node.decorators)
            stack.extend(node.bases)
            stack.extend(node.keywords)
        elif kind in COMPREHENSIONS:
            out.children.append(node)
            stack.append(node.for_in.iter)
        elif kind is cst.AssignTarget:
            _push_target(node.target, stack)
        elif kind is cst.AnnAssign or kind is cst.AugAssign:
            _push_target(node.target, stack)
            stack.extend(child for child in iter_children(node) if child is not node.target)
        elif kind is cst.For or kind is cst.CompFor:
            _push_target(node.target, stack)
            stack.extend(child for child in iter_children(node) if child is not node.target)
        elif kind is cst.NamedExpr:
            _push_target(node.target, stack)
            stack.append(node.value)
        elif kind is cst.AsName:
            _push_target(node.name, stack)  # with ... as x, except E as x
        else:
            stack.extend(iter_children(node))
    if isinstance(scope, FUNCTIONS):
        for name, site in _nonlocal_rebinds(scope):
            out.nonlocal_sites.setdefault(name, []).append(site)
    return out


def _push_target(target: cst.CSTNode, stack: List[cst.CSTNode]) -> None:
    """Reads inside an assignment target: `a` and `i` in `a[i] = v` or `a.b = v`, not `x` in
    `x = v` or `x, *y = v`."""
    if isinstance(target, cst.Name):
        return
    if isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            _push_target(element.value, stack)
    elif isinstance(target, cst.StarredElement):
        _push_target(target.value, stack)
    else:
        stack.append(target)


def _nonlocal_rebinds(function: cst.CSTNode) -> Iterable[Tuple[str, cst.CSTNode]]:
    """(name, site) for bindings in functions nested in `function` (any depth) that declare the
    name `nonlocal`: LibCST records them as the enclosing function's own assignments."""
    if not isinstance(function, cst.FunctionDef):
        return
    stack: List[cst.CSTNode] = list(function.body.body)
    while stack:
        node = stack.pop()
        if isinstance(node, cst.FunctionDef):
            inner = Bindings()
            _walk_statements(node.body.body, inner)
            for name in inner.nonlocals:
                for site in inner.sites.get(name, ()):
                    yield name, site
            stack.extend(node.body.body)
        elif isinstance(node, (cst.SimpleStatementLine, cst.BaseSmallStatement, cst.BaseExpression)):
            continue
        else:
            stack.extend(iter_children(node))


def _evaluated_inside(scope: cst.CSTNode, child: cst.CSTNode, grandchild: Optional[cst.CSTNode]) -> bool:
    """Is the path scope -> child -> grandchild inside the scope's own namespace?"""
    if isinstance(scope, cst.Module):
        return True
    if isinstance(scope, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
        return child is getattr(scope, "body")
    # Comprehensions: the outermost iterable is evaluated in the enclosing scope.
    for_in = getattr(scope, "for_in")
    return not (child is for_in and grandchild is for_in.iter)


def _bind_target(target: cst.CSTNode, out: Bindings, is_site: bool = True) -> None:
    for name in target_name_nodes(target):
        out.bind(name.value, None, name if is_site else None)


def _block(body: Union[cst.BaseSuite, Sequence[cst.CSTNode]]) -> Sequence[cst.CSTNode]:
    return getattr(body, "body", body)


def _walk_statements(statements: Sequence[cst.CSTNode], out: Bindings) -> None:
    for statement in statements:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                _small_statement(small, out)
        elif isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            out.bind(statement.name.value, None, statement)
        elif isinstance(statement, cst.If):
            _walk_statements(_block(statement.body), out)
            if statement.orelse is not None:
                _walk_statements([statement.orelse] if isinstance(statement.orelse, cst.If) else _block(statement.orelse.body), out)
        elif isinstance(statement, (cst.For, cst.While)):
            if isinstance(statement, cst.For):
                _bind_target(statement.target, out)
            _walk_statements(_block(statement.body), out)
            if statement.orelse is not None:
                _walk_statements(_block(statement.orelse.body), out)
        elif isinstance(statement, (cst.Try, cst.TryStar)):
            _walk_statements(_block(statement.body), out)
            for handler in statement.handlers:
                if handler.name is not None:
                    _bind_target(handler.name.name, out)
                _walk_statements(_block(handler.body), out)
            if statement.orelse is not None:
                _walk_statements(_block(statement.orelse.body), out)
            if statement.finalbody is not None:
                _walk_statements(_block(statement.finalbody.body), out)
        elif isinstance(statement, cst.With):
            for item in statement.items:
                if item.asname is not None:
                    _bind_target(item.asname.name, out)
            _walk_statements(_block(statement.body), out)
        elif isinstance(statement, cst.Match):
            for case in statement.cases:
                for name in _pattern_captures(case.pattern):
                    out.bind(name.value, None, name)
                _walk_statements(_block(case.body), out)
        elif isinstance(statement, (cst.SimpleStatementSuite, cst.IndentedBlock)):
            _walk_statements(statement.body, out)


def _small_statement(small: cst.CSTNode, out: Bindings) -> None:
    if isinstance(small, cst.Assign):
        for target in small.targets:
            _bind_target(target.target, out)
    elif isinstance(small, (cst.AnnAssign, cst.AugAssign)):
        _bind_target(small.target, out)
    elif isinstance(small, cst.Import):
        for alias in small.names:
            full = dotted_name(alias.name) or ""
            if alias.asname is not None:
                _bind_import(alias.asname.name, full, out, small)
            else:
                top = full.split(".", 1)[0]
                out.bind(top, top, small)
    elif isinstance(small, cst.ImportFrom):
        if isinstance(small.names, cst.ImportStar):
            out.star_import = True
            return
        module_name = dotted_name(small.module) if small.module is not None else None
        base = "." * len(small.relative) + (module_name or "")
        for alias in small.names:
            name = dotted_name(alias.name) or ""
            full = f"{base}.{name}" if base and not base.endswith(".") else f"{base}{name}"
            if alias.asname is not None:
                _bind_import(alias.asname.name, full, out, small)
            else:
                out.bind(name, full, small)
    elif isinstance(small, cst.Global):
        out.globals.update(item.name.value for item in small.names)
    elif isinstance(small, cst.Nonlocal):
        out.nonlocals.update(item.name.value for item in small.names)
    elif isinstance(small, cst.Del):
        _bind_target(small.target, out, is_site=False)


def _bind_import(target: cst.CSTNode, full: str, out: Bindings, site: cst.CSTNode) -> None:
    if isinstance(target, cst.Name):
        out.bind(target.value, full, site)


def _pattern_captures(pattern: cst.CSTNode) -> Iterable[cst.Name]:
    stack = [pattern]
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.MatchAs, cst.MatchStar)) and node.name is not None:
            yield node.name
        if isinstance(node, cst.MatchMapping) and node.rest is not None:
            yield node.rest
        stack.extend(iter_children(node))


def _walrus_targets(statements: Sequence[cst.CSTNode]) -> Iterable[cst.Name]:
    """Names bound by `:=` in these statements, not inside nested functions, classes or lambdas."""
    stack: List[cst.CSTNode] = list(statements)
    while stack:
        node = stack.pop()
        if isinstance(node, cst.NamedExpr) and isinstance(node.target, cst.Name):
            yield node.target
        if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        stack.extend(iter_children(node))


def _global_rebinds(statements: Sequence[cst.CSTNode]) -> Iterable[Tuple[str, Optional[cst.CSTNode]]]:
    """(name, binding site) for names that some function declares `global` and binds
    (statements only, any depth); the site is None for `del`."""
    stack: List[cst.CSTNode] = list(statements)
    while stack:
        node = stack.pop()
        if isinstance(node, cst.FunctionDef):
            inner = Bindings()
            _walk_statements(node.body.body, inner)
            for name in inner.globals & set(inner.names):
                sites = inner.sites.get(name, [])
                yield from ((name, site) for site in sites)
                yield from ((name, None) for _ in range(len(inner.names[name]) - len(sites)))
            stack.extend(node.body.body)
        elif isinstance(node, (cst.SimpleStatementLine, cst.BaseSmallStatement, cst.BaseExpression)):
            continue  # bindings live in statements; expressions are not walked
        else:
            stack.extend(iter_children(node))
