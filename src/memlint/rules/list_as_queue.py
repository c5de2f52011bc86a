from __future__ import annotations

from typing import Optional

import libcst as cst
import libcst.matchers as m
from libcst.metadata import ParentNodeProvider

from memlint.analysis.accumulators import Kind, kind_before_loop
from memlint.analysis.loops import Loop, dotted_name, enclosing_loop, LoopDepthRule, repeats_often
from memlint.analysis.values import data_evidence, loop_trips
from memlint.matching import matches
from memlint.rule import Invalid, Valid
from memlint.traversal import findall
from memlint.screen import LOOP, AllOf, Const, In, Named, Node

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
    evidence (below).

    ## Precision policy
    Reported only on *data-sized* evidence, shown in the message (analysis/values.py): the loop
    runs over data-sized input (lines of a file, a listing, an array read from a file) or reads a
    stream until it ends, the list holds data-sized input, or the loop refills the list it
    drains (a work queue: it holds the frontier of a traversal, as large as the graph). A list
    of unknown length drained by `while xs: xs.pop(0)` is not reported.

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
    screen = (In(LOOP, Node("Call", func=AllOf(Named("pop", "insert"), Node("Attribute")), first=Const(0))),)
    name = "list-as-queue"
    message = "`{call}` on a list in a loop moves every other item each time ({evidence}); {cure}"
    METADATA_DEPENDENCIES = (ParentNodeProvider,)

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
    ]

    def visit_Call(self, node: cst.Call) -> None:
        if not self.maybe_in_loop:
            return
        popping = matches(node, POP_FRONT)
        if not (popping or matches(node, INSERT_FRONT)):
            return
        receiver = cst.ensure_type(node.func, cst.Attribute).value
        loop = enclosing_loop(self, node)
        if loop is None:
            return
        if not repeats_often(self, loop):
            return
        target = cst.ensure_type(receiver, cst.Name) if m.matches(receiver, m.Name()) else cst.ensure_type(receiver, cst.Attribute)
        if kind_before_loop(self, target, loop) is not Kind.LIST:
            return
        name = cst.Module([]).code_for_node(receiver)
        evidence = self._evidence(receiver, name, loop, popping)
        if evidence is None:
            return
        self.report(
            node,
            call=f"{name}.pop(0)" if popping else f"{name}.insert(0, ...)",
            cure=POP_CURE if popping else INSERT_CURE,
            evidence=evidence,
        )

    def _evidence(self, receiver: cst.BaseExpression, name: str, loop: Loop, popping: bool) -> Optional[str]:
        """Why the list can be long: the loop runs over data-sized input (or reads a stream),
        the list holds data-sized input, or the loop refills the list it drains (a work queue:
        it holds the whole frontier of a traversal)."""
        trips = loop_trips(self, loop.node)
        if trips.data:
            return trips.reason
        held = data_evidence(self, receiver)
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
