from __future__ import annotations

import libcst as cst

from memlint import matchers as m
from memlint.analysis.accumulators import binding_sites
from memlint.analysis.lifetime import name_reads
from memlint.analysis.loops import enclosing_function, parent
from memlint.analysis.names import qualified_name
from memlint.analysis.retention import STORING_METHODS, storage
from memlint.analysis.scopes import scope_index
from memlint.matching import matches
from memlint.rule import Invalid, Rule, Valid
from memlint.traversal import findall
from memlint.screen import AllOf, Both, Const, Local, Name, Named, Node, Reads, Same, StoresName, Through

FRAME_CALLS = frozenset({"inspect.currentframe", "sys._getframe", "inspect.stack", "inspect.trace"})
FRAME_NAMES = frozenset({"currentframe", "_getframe", "stack", "trace"})
ZERO = m.Integer("0")
# For the screen: a call of a frame function (`sys._getframe()`, `inspect.stack()`, a name
# imported from them), one that may give the current frame, and any frame or its `.f_back`.
FRAME_CALLEE = Node("Name") | Node("Attribute", value=Named("inspect", "sys"))
CURRENT_FRAME = (
    Node("Call", func=AllOf(Named("currentframe", "stack", "trace"), FRAME_CALLEE))
    | Node("Call", func=AllOf(Named("_getframe"), FRAME_CALLEE), first=None)
    | Node("Call", func=AllOf(Named("_getframe"), FRAME_CALLEE), first=Const(0))
)
FRAME = Node("Call", func=AllOf(Named(*FRAME_NAMES), FRAME_CALLEE))
ANY_FRAME = FRAME | AllOf(Named("f_back"), Node("Attribute"), Reads(FRAME))


class StoredFrame(Rule):
    """
    ## What it does
    Flags a reference to the *current* frame (`inspect.currentframe()`, `sys._getframe()`,
    `sys._getframe(0)`, `inspect.stack()`, `inspect.trace()`) bound to a local variable that is
    not deleted in a `finally` block, and any frame (the current one, a caller's through
    `sys._getframe(1)` or `.f_back`, or a local holding one) stored on an attribute, in a global
    or nonlocal, or in a container that outlives the call.

    ## Why is this bad?
    A frame holds all of its local variables. A local that refers to its own frame is a
    reference cycle: when the function returns, none of its locals are freed until the cyclic
    garbage collector runs. Measured on CPython 3.11 with tracemalloc, five calls of a function
    with a 10 MB local and `frame = inspect.currentframe()` peak at +50 MB, every local still
    allocated; with `del frame` in `finally`, +10 MB. A frame stored on an object or in a global
    keeps its locals for as long as it is stored.

    A caller's frame held only in a local (`caller = sys._getframe(1)`) makes no cycle and is not
    flagged; neither is a local deleted in `finally`, nor one that is rebound (walking
    `frame = frame.f_back`).

    ## Example
    ```python
    def where():
        frame = inspect.currentframe()
        return frame.f_code.co_name
    ```

    Use instead:
    ```python
    def where():
        frame = inspect.currentframe()
        try:
            return frame.f_code.co_name
        finally:
            del frame
    ```

    ## Overlaps
    None known in Ruff or Pylint.

    ## References
    - Python documentation, `inspect` — "The interpreter stack": keeping references to frame
      objects can create reference cycles; delete them in a `finally` clause
    """

    code = "MEM605"
    triggers = ("currentframe|_getframe|stack|trace",)
    screen = (  # a frame kept on an attribute, an item, a global or nonlocal, or by a storing method; the current frame bound to a local of a function; a frame bound to a local that is stored
        Local(Node("Assign", target=Name(), value=CURRENT_FRAME)),
        Node("Assign", "AnnAssign", target=Through(Node("Attribute", "Subscript")), value=Through(ANY_FRAME)),
        Node("Call", func=Named("setattr", *STORING_METHODS), arg=Through(ANY_FRAME)),
        Same(Node("Global", "Nonlocal"), Node("Assign", "AnnAssign", value=Through(ANY_FRAME))),
        Same(Node("Assign", target=Name(), value=ANY_FRAME), StoresName("setattr", *STORING_METHODS, target=Through(Node("Attribute", "Subscript")))),
        Both(Node("Global", "Nonlocal"), Same(Node("Assign", target=Name(), value=ANY_FRAME), StoresName())),
    )
    name = "stored-frame"
    message = "{what}: {why}"

    VALID = [
        Valid("import inspect\ndef f():\n    frame = inspect.currentframe()\n    try:\n        return frame.f_lineno\n    finally:\n        del frame", "deleted in finally"),
        Valid("import sys\ndef f():\n    caller = sys._getframe(1)\n    return caller.f_globals", "a caller's frame in a local: no cycle"),
        Valid("import inspect\ndef f():\n    return inspect.currentframe().f_back.f_code.co_name", "not kept"),
        Valid("import sys\ndef f():\n    frame = sys._getframe()\n    while frame is not None:\n        frame = frame.f_back", "rebound while walking the stack"),
        Valid("import inspect\ndef f():\n    name = inspect.stack()[1].function\n    return name", "only a string is kept"),
        Valid("def currentframe():\n    return 1\ndef f():\n    frame = currentframe()", "not inspect's"),
        Valid("import sys\nframe = sys._getframe()", "module level: the module's frame"),
    ]
    INVALID = [
        Invalid("import inspect\ndef where():\n    frame = inspect.currentframe()\n    return frame.f_code.co_name"),
        Invalid("import sys\ndef f():\n    me = sys._getframe(0)\n    log(me)"),
        Invalid("import inspect\ndef f():\n    frames = inspect.stack()\n    return len(frames)"),
        Invalid("import sys\nclass Tracker:\n    def mark(self):\n        self.origin = sys._getframe(1)", note="a caller's frame stored on an object"),
        Invalid("import inspect\nSEEN = []\ndef f():\n    SEEN.append(inspect.currentframe().f_back)"),
        Invalid("import sys\ndef f(registry):\n    caller = sys._getframe(1)\n    registry['origin'] = caller", note="a local holding a frame, stored"),
        Invalid("from inspect import currentframe as cf\ndef f():\n    global LAST\n    LAST = cf()"),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if m.matches(func, m.Attribute()):
            if cst.ensure_type(func, cst.Attribute).attr.value not in FRAME_NAMES:
                return
        elif not m.matches(func, m.Name()) or not self._imports_frames():
            return
        name = qualified_name(self.context, func)
        if name not in FRAME_CALLS:
            return
        current = name != "sys._getframe" or not node.args or matches(node.args[0].value, ZERO)
        expr: cst.BaseExpression = node
        outer = parent(self.context, expr)
        while m.matches(outer, m.Attribute(attr=m.Name("f_back"))) and getattr(outer, "value") is expr:
            expr, current = cst.ensure_type(outer, cst.Attribute), False
            outer = parent(self.context, expr)
        where = storage(self.context, expr, returns=False)
        if where is not None:
            self.report(node, what="a frame is kept " + where, why="it holds every local variable of that call")
            return
        self._check_local(node, expr, current)

    def _imports_frames(self) -> bool:
        """Does the module import a name from `inspect` or `sys` at its top level (cached)?"""
        key = "MEM605-imports"
        found = self.context.cache.get(key)
        if found is None:
            bindings = scope_index(self.context).bindings(self.context.module).names
            found = any(q is not None and q.startswith(("inspect.", "sys.")) for qs in bindings.values() for q in qs)
            self.context.cache[key] = found
        return found

    def _check_local(self, call: cst.Call, expr: cst.BaseExpression, current: bool) -> None:
        holder = parent(self.context, expr)
        if not m.matches(holder, m.Assign(targets=[m.AssignTarget(target=m.Name())])) or getattr(holder, "value") is not expr:
            return
        target = cst.ensure_type(cst.ensure_type(holder, cst.Assign).targets[0].target, cst.Name)
        function = enclosing_function(self.context, holder)
        if function is None or not m.matches(function, m.FunctionDef()):
            return
        sites = binding_sites(function, target.value)
        if sites is None or len(sites) != 1:
            return
        for read in name_reads(function.body, target.value):
            where = storage(self.context, read, returns=False)
            if where is not None:
                self.report(call, what=f"the frame in `{target.value}` is kept {where}", why="it holds every local variable of that call")
                return
        if current and not _deleted_in_finally(function, target.value):
            self.report(call, what=f"`{target.value}` refers to its own frame", why="a reference cycle that keeps every local alive until the garbage collector runs; `del` it in a `finally` block")


def _deleted_in_finally(function: cst.CSTNode, name: str) -> bool:
    for final in findall(function, m.Finally()):
        for deleted in findall(final, m.Del()):
            if findall(cst.ensure_type(deleted, cst.Del).target, m.Name(name)):
                return True
    return False
