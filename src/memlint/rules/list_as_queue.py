from __future__ import annotations

from typing import List, Optional

import libcst as cst

from memlint import matchers as m
from memlint.analysis.accumulators import Kind, kind_before_loop
from memlint.analysis.loops import Loop, dotted_name, enclosing_loop, parent, repeats_often
from memlint.analysis.names import qualified_name
from memlint.analysis.values import constant_int
from memlint.analysis.values import data_evidence, loop_trips
from memlint.matching import matches
from memlint.rule import Invalid, Valid
from memlint.rules._bases import LoopDepthRule
from memlint.traversal import findall
from memlint.screen import LOOP, AllOf, Const, In, Name, Named, Node

ZERO = m.Integer("0")
RECEIVER = m.Name() | m.Attribute(value=m.Name())
POP_FRONT = m.Call(func=m.Attribute(value=RECEIVER, attr=m.Name("pop")), args=[m.Arg(value=ZERO, keyword=None, star="")])
INSERT_FRONT = m.Call(
    func=m.Attribute(value=RECEIVER, attr=m.Name("insert")),
    args=[m.Arg(value=ZERO, keyword=None, star=""), m.Arg(keyword=None, star="")],
)

POP_CURE = "use `collections.deque` and `popleft()`"
# A list grown at the front is often indexed afterwards, which a deque makes slow: both cures.
INSERT_CURE = "use `collections.deque` and `appendleft(x)`, or `append(x)` and reverse the list once after the loop"
REFILL = m.Call(func=m.Attribute(value=RECEIVER, attr=m.Name("append") | m.Name("extend")))
# Uses that cost O(len(list)) whatever the container: a loop doing one of them per iteration is
# linear per iteration anyway, and the front operation changes nothing of its order.
SCANNING_METHODS = frozenset({"index", "count", "remove", "copy", "sort", "reverse"})
SCANNING_CALLS = frozenset(
    {"builtins.sorted", "builtins.list", "builtins.tuple", "builtins.set", "builtins.frozenset", "builtins.sum",
     "builtins.min", "builtins.max", "builtins.any", "builtins.all"}
)


class ListAsQueue(LoopDepthRule):
    """
    ## What it does
    Flags `lst.pop(0)` and `lst.insert(0, x)` inside a loop, on a name (or `self.attr`) known to
    hold a list from how it is bound before the loop.

    ## Why is this bad?
    A list stores its items contiguously: removing or inserting at the front moves every other
    pointer, so draining or filling n items that way moves n²/2 pointers. Measured on CPython
    3.11, draining a 100,000-item list with `pop(0)` moves 40 GB of pointers in total and takes
    about 90 times the CPU time of a `collections.deque` drained with `popleft()`, which moves
    none, at the same peak memory (0.8 MB).

    It does not apply, and memlint stays silent, when the kind is unknown (a parameter, or a
    call memlint cannot type: it may already be a deque), when the list is rebound inside the
    loop (each iteration works on a new list), or when the loop runs at most once or over fewer
    than 100 items stated in the code, or over a tiny iterable; or when there is no data-sized
    evidence (below). Nor when the loop also reads the list by a computed position or walks
    it on every pass (below).

    ## Precision policy
    Reported only on *data-sized* evidence, shown in the message (analysis/values.py): the loop
    runs over data-sized input (lines of a file, a listing, an array read from a file) or reads a
    stream until it ends, the list holds data-sized input, or the loop refills the list it
    drains (a work queue: it holds the frontier of a traversal, as large as the graph). A list
    of unknown length drained by `while xs: xs.pop(0)` is not reported.

    The cure must apply and matter: when the loop body also indexes the list by a computed
    position (`xs[i]`), a deque makes each such read O(n) and reversing once after the loop
    changes the positions read inside it; when it walks the whole list on every pass (`for y in
    xs`, `y in xs`, `xs.index(y)`, `sorted(xs)`, a slice), each pass is O(n) anyway and the front
    operation adds only a constant factor. memlint stays silent on both. Constant positions
    (`xs[0]`, `xs[-1]`) are cheap on a deque and do not count.

    ## Example
    ```python
    queue = [root]
    while queue:
        node = queue.pop(0)
        queue.extend(node.children)
    ```

    Use instead:
    ```python
    queue = collections.deque([root])
    while queue:
        node = queue.popleft()
        queue.extend(node.children)
    ```

    ## Overlaps
    None in Ruff or Pylint; perflint's W8401-W8402 do not cover it.

    ## References
    - Python documentation, `collections.deque`: "list objects ... incur O(n) memory movement
      costs for pop(0) and insert(0, v) operations"
    - seed `001`: inserting or deleting near the beginning moves everything after it
    """

    code = "MEM304"
    triggers = ("pop|insert",)
    screen = (In(LOOP, Node("Call", func=AllOf(Named("pop", "insert"), Node("Attribute", value=Name() | Node("Attribute", value=Name()))), first=Const(0))),)
    name = "list-as-queue"
    message = "`{call}` on a list in a loop moves every other item each time ({evidence}); {cure}"

    VALID = [
        Valid("import collections\nqueue = collections.deque([root])\nwhile queue:\n    node = queue.popleft()", "already a deque"),
        Valid("def drain(queue):\n    while queue:\n        handle(queue.pop(0))", "unknown kind: a parameter, maybe a deque"),
        Valid("stack = [root]\nwhile stack:\n    node = stack.pop()", "pop() from the end is O(1)"),
        Valid("for line in lines:\n    parts = line.split()\n    parts.pop(0)", "a new list each iteration"),
        Valid("items = [1, 2, 3]\nfor i in range(3):\n    items.insert(0, i)", "three iterations stated in the code"),
        Valid("queue = []\nqueue.pop(0)", "not in a loop"),
        Valid("for row in rows:\n    buf = [row]\n    buf.insert(0, header)\n    emit(buf)", "the list is rebuilt every iteration"),
        Valid("pending = list(jobs)\nwhile pending:\n    run(pending.pop(0))", "the number of jobs is unknown: no data-sized evidence"),
        Valid("def f(a):\n    dims = list(a.shape)\n    for _ in range(a.ndim):\n        dims.insert(0, dims.pop())", "one step per dimension: tiny"),
        Valid(
            "cities = []\nfor line in open(path):\n    if line[0].isdigit():\n        for d in line.split():\n            link(city, cities[i], d)\n"
            "            i += 1\n    else:\n        i = 1\n        city = line\n        cities.insert(0, city)",
            "indexed by a computed position inside the loop: a deque makes that O(n), reversing changes it (networkx plot_knuth_miles.py)",
        ),
        Valid(
            "queue = [root]\nwhile queue:\n    node = queue.pop(0)\n    for child in node.children:\n        if child not in queue:\n            queue.append(child)",
            "`child not in queue` walks the list on every pass: O(n) per iteration anyway",
        ),
    ]
    INVALID = [
        Invalid("queue = [root]\nwhile queue:\n    node = queue.pop(0)\n    queue.extend(node.children)"),
        Invalid("import numpy as np\npending = list(np.load(path))\nwhile pending:\n    run(pending.pop(0))"),
        Invalid("history = []\nfor event in open(log):\n    history.insert(0, event)"),
        Invalid("order = sorted(open(p).readlines())\nfor _ in order[:]:\n    first = order.pop(0)\n    use(first)"),
        Invalid(
            """
            class Scheduler:
                def __init__(self):
                    self.tasks = []
                def run(self):
                    while self.tasks:
                        task = self.tasks.pop(0)
                        self.tasks.extend(task())
            """,
            note="an attribute",
        ),
        Invalid("def bfs(root):\n    todo = [root]\n    seen = []\n    while todo:\n        node = todo.pop(0)\n        seen.append(node)\n        todo += node.children\n    return seen"),
        Invalid(
            "history = []\nfor event in open(log):\n    history.insert(0, event)\n    latest, oldest = history[0], history[-1]",
            note="constant positions are cheap on a deque",
        ),
        Invalid(
            "lines = list(open(path))\nheads = [lines.pop(0) for _ in lines[:]]",
            note="a comprehension: its first iterable (a slice) is evaluated once, not on every pass",
        ),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        if not self.maybe_in_loop:
            return
        popping = matches(node, POP_FRONT)
        if not (popping or matches(node, INSERT_FRONT)):
            return
        receiver = cst.ensure_type(node.func, cst.Attribute).value
        loop = enclosing_loop(self.context, node)
        if loop is None:
            return
        if not repeats_often(self.context, loop):
            return
        target = cst.ensure_type(receiver, cst.Name) if m.matches(receiver, m.Name()) else cst.ensure_type(receiver, cst.Attribute)
        if kind_before_loop(self.context, target, loop) is not Kind.LIST:
            return
        name = cst.Module([]).code_for_node(receiver)
        evidence = self._evidence(receiver, name, loop, popping)
        if evidence is None:
            return
        if self._scanned_or_indexed(loop, name, node):
            return  # the cure would not apply or not matter (see the precision policy)
        self.report(
            node,
            call=f"{name}.pop(0)" if popping else f"{name}.insert(0, ...)",
            cure=POP_CURE if popping else INSERT_CURE,
            evidence=evidence,
        )

    def _scanned_or_indexed(self, loop: Loop, name: str, call: cst.Call) -> bool:
        """Does the loop body read the list by a computed position or walk it whole?"""
        region = _per_iteration(loop.node)
        for part in region:
            for read in findall(part, m.Name() | m.Attribute()):
                if dotted_name(read) != name:
                    continue
                holder = parent(self.context, read)
                if isinstance(read, cst.Name) and isinstance(holder, cst.Attribute) and holder.attr is read:
                    continue
                if self._scans(read, holder):
                    return True
        return False

    def _scans(self, read: cst.CSTNode, holder: Optional[cst.CSTNode]) -> bool:
        if isinstance(holder, cst.Subscript) and holder.value is read:
            return not all(isinstance(e.slice, cst.Index) and constant_int(e.slice.value) is not None for e in holder.slice)
        if isinstance(holder, (cst.For, cst.CompFor)) and holder.iter is read:
            return True
        if isinstance(holder, cst.ComparisonTarget) and holder.comparator is read:
            return isinstance(holder.operator, (cst.In, cst.NotIn))
        if isinstance(holder, cst.Attribute) and holder.value is read:
            return holder.attr.value in SCANNING_METHODS
        if isinstance(holder, cst.Arg):
            outer = parent(self.context, holder)
            return isinstance(outer, cst.Call) and qualified_name(self.context, outer.func) in SCANNING_CALLS
        return False

    def _evidence(self, receiver: cst.BaseExpression, name: str, loop: Loop, popping: bool) -> Optional[str]:
        """Why the list can be long: the loop runs over data-sized input (or reads a stream),
        the list holds data-sized input, or the loop refills the list it drains (a work queue:
        it holds the whole frontier of a traversal)."""
        trips = loop_trips(self.context, loop.node)
        if trips.data:
            return trips.reason
        held = data_evidence(self.context, receiver)
        if held is not None:
            return held
        if not popping:
            return None  # `insert(0, x)` is itself the growth: no evidence of a long list
        for call in findall(loop.node, REFILL):
            if dotted_name(cst.ensure_type(cst.ensure_type(call, cst.Call).func, cst.Attribute).value) == name:
                return f"the loop refills `{name}` while draining it"
        for aug in findall(loop.node, m.AugAssign(operator=m.AddAssign())):
            if dotted_name(cst.ensure_type(aug, cst.AugAssign).target) == name:
                return f"the loop refills `{name}` while draining it"
        return None


def _per_iteration(loop: cst.CSTNode) -> List[cst.CSTNode]:
    """The parts of a loop evaluated on every pass: a `for` body, a `while` test and body, a
    comprehension's element, conditions and inner clauses (not its first iterable)."""
    if isinstance(loop, cst.For):
        return [loop.body]
    if isinstance(loop, cst.While):
        return [loop.test, loop.body]
    parts: List[cst.CSTNode] = [getattr(loop, name) for name in ("elt", "key", "value") if hasattr(loop, name)]
    for_in: cst.CompFor = getattr(loop, "for_in")
    parts.extend(if_.test for if_ in for_in.ifs)
    if for_in.inner_for_in is not None:
        parts.append(for_in.inner_for_in)
    return parts
