"""One read-only traversal that calls the rules' visitor methods in LibCST's order.

`libcst.visit_batched` walks a module through `_visit_and_replace_children`, which rebuilds
(and re-validates) every node of the tree on the way back up even when nothing changes: on the
standard library that costs about 0.75x the parse itself. Rules never change the tree, so this
walk only reads it. It calls the same methods as `visit_batched` -- `visit_<Type>` /
`leave_<Type>` and the attribute hooks `visit_<Type>_<field>` / `leave_<Type>_<field>` -- in the
same order: children in the order LibCST visits them (learnt once per node type from LibCST
itself, see `_field_order`), the hooks of several rules in the order of the rules.
`tests/core/test_traversal.py` compares the two event by event on real modules.
"""

from __future__ import annotations

import dataclasses
import typing
from typing import Callable, Dict, FrozenSet, Iterator, List, Optional, Sequence, Set, Tuple, Type

import libcst as cst

from memlint import matchers as m

Method = Callable[[cst.CSTNode], object]
# Per node type: its visit methods, its leave methods, and per visited field (in LibCST's
# order) the field name, whether LibCST calls the attribute hooks when the field is None, and
# the attribute hooks.
# The last item: the fields not walked (no visitor method can be called inside them), whose
# direct children only get their parent recorded.
_Plan = Tuple[
    Tuple[Method, ...],
    Tuple[Method, ...],
    Tuple[Tuple[str, bool, Tuple[Method, ...], Tuple[Method, ...]], ...],
    Tuple[str, ...],
]

# node type -> ((field, hooks called even when the field is None), ...) in LibCST's order
_FIELD_ORDERS: Dict[type, Tuple[Tuple[str, bool], ...]] = {}


# type -> is it a CSTNode class (`isinstance(value, cst.CSTNode)` goes through ABCMeta, which
# costs more than the rest of a step of the walk)
class _NodeTypes(Dict[type, bool]):
    def __missing__(self, kind: type) -> bool:
        answer = self[kind] = issubclass(kind, cst.CSTNode)
        return answer


_NODE_TYPES = _NodeTypes()


class _AttributeRecorder(cst.CSTVisitor):
    """Records the order in which `_visit_and_replace_children` visits a node's fields."""

    def __init__(self, node: cst.CSTNode) -> None:
        super().__init__()
        self.node = node
        self.fields: List[str] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        return False  # one level only

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        if node is self.node:
            self.fields.append(attribute)


def _field_order(node: cst.CSTNode) -> Tuple[Tuple[str, bool], ...]:
    """The fields LibCST visits for nodes of this type, in its order, learnt from one instance.

    LibCST visits the fields of a type in a fixed order; the only instance-dependent case is a
    field it skips altogether when it is None (an f-string's `format_spec`), where an optional
    field normally still gets its attribute hooks. Which kind a field is, is learnt by asking
    again about a copy with the field set to None."""
    node_type = type(node)
    order = _FIELD_ORDERS.get(node_type)
    if order is None:
        seen = _visited_fields(node)
        skipped_when_none = {
            field.name
            for field in dataclasses.fields(node_type)
            if field.default is None
            and (field.name not in seen or field.name not in _visited_fields_without(node, field.name))
        }
        missing = [
            field.name
            for field in dataclasses.fields(node_type)
            if field.name not in seen and field.name in skipped_when_none
        ]
        order = tuple((name, name not in skipped_when_none) for name in list(seen) + missing)
        _FIELD_ORDERS[node_type] = order
    return order


def _visited_fields(node: cst.CSTNode) -> List[str]:
    recorder = _AttributeRecorder(node)
    node._visit_and_replace_children(recorder)
    return recorder.fields


def _visited_fields_without(node: cst.CSTNode, field: str) -> List[str]:
    if getattr(node, field) is None:
        return _visited_fields(node)
    try:
        probe = node.with_changes(**{field: None})
    except Exception:  # the node does not allow None there after all
        return _visited_fields(node)
    return _visited_fields(probe)


class Parents:
    """Each node's parent, as `id(child) -> parent`, recorded by the traversal as it walks.

    A node's parent is recorded just before the node is walked, so while a rule visits a node
    the parents of the node and of all its ancestors are known. A rule asking about a node
    further down (the `func` of the call it is visiting, a statement of the loop) gets the
    subtree of the node being visited mapped at once; a question about a node outside it maps
    the subtrees of the visited node's ancestors, nearest first, until the node is found (a
    binding site in the same function maps that function; the module comes last). A traversal
    that has finished (`complete`) leaves the map complete but for the nodes it skipped
    (whitespace and the like, see `Traversal`): asking about one of those maps the whole module."""

    def __init__(self, module: cst.CSTNode) -> None:
        self.module = module
        self.by_id: Dict[int, cst.CSTNode] = {}
        self.complete = False
        self.visiting: Optional[cst.CSTNode] = None  # the node whose visit methods run
        self.unrecorded: Set[type] = set()  # node types the traversal may have skipped
        self._whole = False  # the whole module was mapped
        self._mapped: Set[int] = set()  # roots of the subtrees mapped ahead of the traversal (whole)

    def get(self, node: cst.CSTNode) -> Optional[cst.CSTNode]:
        parent = self.by_id.get(id(node))
        if parent is None and not self._whole and node is not self.module:
            if not self.complete:
                parent = self._map_outwards(node)
            if parent is None and (not self.complete or type(node) in self.unrecorded):
                self._map(self.module)
                self._whole = True
                parent = self.by_id.get(id(node))
        return parent

    def _map_outwards(self, node: cst.CSTNode) -> Optional[cst.CSTNode]:
        """`node`'s parent, mapping the subtree of the node being visited, then those of its
        ancestors one by one (each without the subtree mapped just before), until it is found: a
        question about a node of the same function maps that function, not the module. Mapping
        the module's subtree is mapping it whole."""
        current = self.visiting
        inner: Optional[cst.CSTNode] = None
        ancestor = current
        while ancestor is not None:  # below the outermost subtree mapped already, all is mapped
            if id(ancestor) in self._mapped:
                current, inner = self.by_id.get(id(ancestor)), ancestor
            ancestor = self.by_id.get(id(ancestor))
        while current is not None:
            self._map(current, inner)
            self._mapped.add(id(current))
            if current is self.module:
                self._whole = True
            parent = self.by_id.get(id(node))
            if parent is not None:
                return parent
            inner = current
            current = self.by_id.get(id(current))
        return None

    def _map(self, root: cst.CSTNode, mapped: Optional[cst.CSTNode] = None) -> None:
        """Record the parent of every node below `root`; not below `mapped`, a child subtree
        mapped already."""
        by_id = self.by_id
        stack: List[cst.CSTNode] = [root]
        while stack:
            node = stack.pop()
            for field, _always in _FIELD_ORDERS.get(type(node)) or _field_order(node):
                value = getattr(node, field)
                if type(value) is tuple or type(value) is list:
                    for child in value:
                        by_id[id(child)] = node
                        if child is not mapped:
                            stack.append(child)
                elif _NODE_TYPES[type(value)]:
                    by_id[id(value)] = node
                    if value is not mapped:
                        stack.append(value)


class Traversal:
    """The visitor methods of a set of rules, grouped per node type; `walk` runs them and, given
    a `Parents`, records every node's parent on the way.

    A field whose declared type (LibCST's annotations) admits only nodes that no visitor has a
    method for, nor any node below them, is not walked: two thirds of a module's nodes are
    whitespace, commas, dots and brackets, which no rule looks at. With a visitor that has a
    method for them they are walked like any other node."""

    def __init__(self, visitors: Sequence[cst.BatchableCSTVisitor], parents: Optional[Parents] = None) -> None:
        self._tracker = Parents(cst.Module([])) if parents is None else parents
        self._parents = self._tracker.by_id
        self._methods: Dict[str, List[Method]] = {}
        for visitor in visitors:
            for name, method in visitor.get_visitors().items():
                self._methods.setdefault(name, []).append(method)
        self._plans: Dict[Type[cst.CSTNode], _Plan] = {}
        self._hooked = frozenset(key.split("_")[1] for key in self._methods)  # node type names

    def _plan(self, node: cst.CSTNode) -> _Plan:
        methods = self._methods
        name = type(node).__name__
        hooked = self._hooked
        fields = []
        skipped = []
        for field, always in _field_order(node):
            visit_field = tuple(methods.get(f"visit_{name}_{field}", ()))
            leave_field = tuple(methods.get(f"leave_{name}_{field}", ()))
            if not visit_field and not leave_field and holds_none_of(type(node), field, hooked):
                below = nodes_below(type(node), field)
                if below is not None:
                    skipped.append(field)  # nothing in this field can call a visitor
                    self._tracker.unrecorded.update(below)
                    continue
            fields.append((field, always, visit_field, leave_field))
        plan = (
            tuple(methods.get(f"visit_{name}", ())),
            tuple(methods.get(f"leave_{name}", ())),
            tuple(fields),
            tuple(skipped),
        )
        self._plans[type(node)] = plan
        return plan

    def walk(self, node: cst.CSTNode) -> None:
        plan = self._plans.get(type(node)) or self._plan(node)
        parents = self._parents
        if plan[0]:
            self._tracker.visiting = node
            for method in plan[0]:
                method(node)
        for field, always, visit_field, leave_field in plan[2]:
            value = getattr(node, field)
            kind = type(value)
            many = kind is tuple or kind is list
            one = not many and (_NODE_TYPES[kind])
            if not (many or one or always):
                continue  # a field LibCST visits only when it holds nodes
            if visit_field:
                self._tracker.visiting = node
                for method in visit_field:
                    method(node)
            if many:
                for child in value:
                    parents[id(child)] = node
                    self.walk(child)
            elif one:
                parents[id(value)] = node
                self.walk(value)
            for method in leave_field:
                method(node)
        for field in plan[3]:
            value = getattr(node, field)
            kind = type(value)
            if kind is tuple or kind is list:
                for child in value:
                    parents[id(child)] = node
            elif _NODE_TYPES[kind]:
                parents[id(value)] = node
        if plan[1]:
            if node is self._tracker.module:
                self._tracker.complete = True  # leaving the module: every node was reached
            for method in plan[1]:
                method(node)


def visit_read_only(node: cst.CSTNode, visitor: cst.CSTVisitor) -> None:
    """`node.visit(visitor)` for a visitor that only reads: the same calls (`on_visit`, which
    may prune by returning False, the attribute hooks, `on_leave`) in the same order, without
    rebuilding every node of the subtree on the way back up."""
    if visitor.on_visit(node):
        for field, always in _FIELD_ORDERS.get(type(node)) or _field_order(node):
            value = getattr(node, field)
            if type(value) is tuple or type(value) is list:
                visitor.on_visit_attribute(node, field)
                for child in value:
                    visit_read_only(child, visitor)
            elif _NODE_TYPES[type(value)]:
                visitor.on_visit_attribute(node, field)
                visit_read_only(value, visitor)
            elif always:
                visitor.on_visit_attribute(node, field)
            else:
                continue  # a field LibCST visits only when it holds nodes
            visitor.on_leave_attribute(node, field)
    visitor.on_leave(node)


_HOLDS_NONE: Dict[Tuple[type, str, FrozenSet[str]], bool] = {}


def holds_none_of(node_type: type, field: str, names: FrozenSet[str]) -> bool:
    """True when, according to LibCST's annotations, no node whose type is named in `names`
    can occur in this field of a node or anywhere below it. False when unsure."""
    key = (node_type, field, names)
    answer = _HOLDS_NONE.get(key)
    if answer is None:
        try:
            answer = _none_reachable(_declared(_hints(node_type)[field]), names)
        except Exception:  # pragma: no cover - an annotation typing cannot resolve
            answer = False
        _HOLDS_NONE[key] = answer
    return answer


def _none_reachable(types: FrozenSet[type], names: FrozenSet[str]) -> bool:
    """A search below `types` that stops at the first type named in `names` (a field that can
    hold any expression finds one at once; only whitespace and the like are searched through)."""
    return not any(node_type.__name__ in names for node_type in _reachable(types))


_BELOW: Dict[Tuple[type, str], Optional[FrozenSet[type]]] = {}


def nodes_below(node_type: type, field: str) -> Optional[FrozenSet[type]]:
    """The node types that can occur below the children in this field (not the children)."""
    key = (node_type, field)
    if key not in _BELOW:
        try:
            children = _declared(_hints(node_type)[field])
            grandchildren = frozenset().union(
                *(_declared(_hints(child)[f.name]) for child in children for f in dataclasses.fields(child))
            )
            _BELOW[key] = _reach(grandchildren)
        except Exception:  # pragma: no cover - an annotation typing cannot resolve
            _BELOW[key] = None
    return _BELOW[key]


_HINTS: Dict[type, Dict[str, object]] = {}
_DECLARED: Dict[object, FrozenSet[type]] = {}
_REACH: Dict[FrozenSet[type], FrozenSet[type]] = {}


def _hints(node_type: type) -> Dict[str, object]:
    hints = _HINTS.get(node_type)
    if hints is None:
        hints = _HINTS[node_type] = typing.get_type_hints(node_type)
    return hints


def _concrete(base: type) -> Set[type]:
    found = {base} if dataclasses.is_dataclass(base) else set()
    for sub in base.__subclasses__():
        found |= _concrete(sub)
    return found


def _declared(annotation: object) -> FrozenSet[type]:
    """The concrete node classes an annotation admits."""
    found = _DECLARED.get(annotation)
    if found is None:
        if isinstance(annotation, type) and issubclass(annotation, cst.CSTNode):
            found = frozenset(_concrete(annotation))
        else:
            found = frozenset().union(*map(_declared, typing.get_args(annotation)))
        _DECLARED[annotation] = found
    return found


def _reach(types: FrozenSet[type]) -> FrozenSet[type]:
    """`types` and every node type that can occur below a node of one of them."""
    reached = _REACH.get(types)
    if reached is None:
        reached = _REACH[types] = frozenset(_reachable(types))
    return reached


def _reachable(types: FrozenSet[type]) -> Iterator[type]:
    """`types`, then each node type that can occur below them, once, as the search finds it
    (lazily: a caller that stops early stops the search)."""
    yield from types
    seen = set(types)
    pending = list(types)
    while pending:
        node_type = pending.pop()
        hints = _hints(node_type)
        for field in dataclasses.fields(node_type):
            for held in _declared(hints[field.name]):
                if held not in seen:
                    seen.add(held)
                    pending.append(held)
                    yield held


def is_node(value: object) -> bool:
    """`isinstance(value, cst.CSTNode)`, answered from a cache of types."""
    kind = type(value)
    return _NODE_TYPES[kind]


def node_fields(node: cst.CSTNode) -> Tuple[Tuple[str, bool], ...]:
    """The fields of `node` LibCST visits, in its order (see `_field_order`)."""
    return _FIELD_ORDERS.get(type(node)) or _field_order(node)


def findall(tree: object, matcher: "m.BaseMatcherNode") -> List[cst.CSTNode]:
    """`libcst.matchers.findall` without rebuilding the tree: every node of `tree` (itself
    included) that `matcher` matches, in LibCST's visiting order."""
    found: List[cst.CSTNode] = []
    if isinstance(tree, cst.CSTNode):
        _find(tree, m.compiled(matcher), found)
    return found


def _find(node: cst.CSTNode, matches: Callable[[object], bool], found: List[cst.CSTNode]) -> None:
    if matches(node):
        found.append(node)
    for field, _always in _FIELD_ORDERS.get(type(node)) or _field_order(node):
        value = getattr(node, field)
        if type(value) is tuple or type(value) is list:
            for child in value:
                _find(child, matches, found)
        elif _NODE_TYPES[type(value)]:
            _find(value, matches, found)
