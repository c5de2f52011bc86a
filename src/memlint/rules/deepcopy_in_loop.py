from __future__ import annotations

import libcst as cst

from memlint import matchers as m
from memlint.analysis.escapes import result_escapes, value_escapes
from memlint.analysis.loops import enclosing_function, enclosing_loop, loop_bindings, parent, repeats_often
from memlint.analysis.names import qualified_name
from memlint.analysis.serialization import PICKLE_MODULES
from memlint.matching import matches
from memlint.rule import Invalid, Valid
from memlint.rules._bases import LoopDepthRule
from memlint.traversal import findall
from memlint.screen import OFTEN, AllOf, Call, In, InDefNamed, Name, Named, Node, Not, Reads, ReadsLoopTarget

ONE_PLAIN_ARG = m.Call(args=[m.Arg(keyword=None, star="")])
DEEPCOPY_CALL = m.Call(func=m.Attribute(attr=m.Name("deepcopy")) | m.Name())
LOADS_OF_DUMPS = m.Call(
    func=m.Attribute(attr=m.Name("loads")) | m.Name(),
    args=[m.Arg(value=m.Call(func=m.Attribute(attr=m.Name("dumps")) | m.Name()), keyword=None, star="")],
)
_PICKLE_FUNC = Node("Name") | Node("Attribute", value=Named(*PICKLE_MODULES))


class DeepcopyInLoop(LoopDepthRule):
    """
    ## What it does
    Flags `name = copy.deepcopy(x)` on every iteration of a loop when `x` does not change in the
    loop and the copy does not outlive the iteration; and, anywhere, `pickle.loads(pickle.dumps(x))`
    used as a deep copy.

    ## Why is this bad?
    A deep copy duplicates the whole object graph. Rebuilding the same copy on every iteration
    keeps two copies alive while the name is rebound (the new one is built before the old one
    is released): measured with tracemalloc on CPython 3.11, five iterations of
    `board = copy.deepcopy(start)` over 1,000 lists of 100 ints peak at +1.94 MB, against
    +1.01 MB when `del board` ends each iteration. A pickle round trip holds the whole pickled
    payload *and* the copy at once.

    It does not apply, and memlint stays silent, when the copied object changes in the loop
    (a snapshot of evolving state), when each copy is kept (appended, stored, returned, yielded,
    or passed on to a class whose new object is kept, such as `Game(board)`: that object may
    hold it) since then every copy is needed, when the copy is not bound to a name but passed straight
    to a call (`run(copy.deepcopy(DEFAULTS))`: it is freed when the call returns, before the next
    one is built, so only time is spent), when the name is not `copy.deepcopy` (a local function of
    the same name), when the loop body cannot run twice or iterates over fewer than 100 items
    stated in the code; and a pickle round trip in a test module (named `test_*.py` or
    `*_test.py`, or in a directory named `test`) or inside a function whose name starts with
    `test`: a test of pickling support, not a copy.

    ## Example
    ```python
    for move in moves:
        board = copy.deepcopy(start)
        board.play(move)
        scores.append(board.score())
    ```

    Use instead:
    ```python
    board = copy.deepcopy(start)
    for move in moves:
        board.play(move)
        scores.append(board.score())
        board.undo(move)
    ```
    (or copy only the part that changes, or `del board` at the end of each iteration), and
    `copy.deepcopy(x)` instead of `pickle.loads(pickle.dumps(x))`.

    ## Overlaps
    None known in Ruff or Pylint.

    ## References
    - Python documentation, `copy` — Shallow and deep copy operations
    - seed `001`: the right-hand side is built before the old value is released
    """

    code = "MEM204"
    triggers = ("deepcopy|loads",)
    screen = (
        AllOf(  # not in a test function (nor a test file, which the screen does not see)
            Node("Call", func=AllOf(Named("loads"), _PICKLE_FUNC), first=Node("Call", func=AllOf(Named("dumps"), _PICKLE_FUNC))),
            Not(InDefNamed("test")),
        ),
        In(OFTEN, Node("Assign", targets=Name(), value=Call("deepcopy", first=Not(Reads(Node("Call")) | ReadsLoopTarget())))),
    )
    name = "deepcopy-in-loop"
    message = "{what}; {advice}"

    VALID = [
        Valid("import copy\nboard = copy.deepcopy(start)\nfor move in moves:\n    board.play(move)", "copied once"),
        Valid(
            "import copy\nfor state in states:\n    snapshot = copy.deepcopy(state)\n    use(snapshot)",
            "the copied object changes every iteration",
        ),
        Valid(
            "import copy\nfor i in range(n):\n    configs.append(copy.deepcopy(template))",
            "every copy is kept",
        ),
        Valid(
            """
            import copy
            history = []
            for step in steps:
                state.apply(step)
                history.append(copy.deepcopy(state))
            """,
            "a snapshot of state mutated in the loop",
        ),
        Valid(
            """
            def deepcopy(x):
                return x
            for i in items:
                use(deepcopy(base))
            """,
            "a local function, not copy.deepcopy",
        ),
        Valid(
            "import copy\nwhile True:\n    trial = copy.deepcopy(base)\n    run(trial)\n    break",
            "the loop body runs once",
        ),
        Valid(
            """
            import copy
            def fresh(base, n):
                for i in range(n):
                    trial = copy.deepcopy(base)
                    trial.seed(i)
                    yield trial
            """,
            "the copy is yielded",
        ),
        Valid(
            "import copy\nfor move in moves:\n    trial = copy.deepcopy(start)\n    score(trial, move)\n    del trial",
            "`del` already releases each copy before the next one is built",
        ),
        Valid(
            "import pickle\ndef test_pickle(ip):\n    ip2 = pickle.loads(pickle.dumps(ip))\n    assert ip2 == ip",
            "a test of pickling support (scipy's test_interpnd)",
        ),
        Valid("import json\ncopy = json.loads(json.dumps(data))", "json, not pickle (changes types on purpose)"),
        Valid("import copy\nwhile pending():\n    run(copy.deepcopy(DEFAULTS))", "a temporary: freed when the call returns, one copy alive at a time"),
        Valid("import copy\nresults = [score(copy.deepcopy(board), m) for m in moves]", "a temporary in a comprehension"),
        Valid(
            "import copy\nfor seat in seats:\n    hand = copy.deepcopy(deck)\n    players.append(Player(seat, hand))",
            "passed on to an object that is kept: every copy is needed",
        ),
    ]
    INVALID = [
        Invalid(
            """
            import copy
            for move in moves:
                board = copy.deepcopy(start)
                board.play(move)
                scores.append(board.score())
            """
        ),
        Invalid(
            """
            from copy import deepcopy as dc
            def search(start, moves):
                best = None
                for move in moves:
                    trial = dc(start)
                    trial.apply(move)
                    best = max(best or 0, trial.value)
                return best
            """
        ),
        Invalid(
            "import copy\ndef tune(net, rates):\n    for rate in rates:\n        trial = copy.deepcopy(net)\n        trial.train(rate)\n        report(trial.loss())",
            note="passed to calls whose results are not kept",
        ),
        Invalid("import pickle\nclone = pickle.loads(pickle.dumps(data))", note="anywhere, not only in loops"),
        Invalid(
            "import pickle as pk\nclone = pk.loads(pk.dumps(data, protocol=pk.HIGHEST_PROTOCOL))",
            note="any import spelling, extra arguments",
        ),
        Invalid("from pickle import dumps, loads\nclone = loads(dumps(data))"),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        if matches(node, LOADS_OF_DUMPS):
            self._check_round_trip(node)
        elif self.maybe_in_loop and matches(node, DEEPCOPY_CALL) and matches(node, ONE_PLAIN_ARG):
            self._check_deepcopy(node)

    def _check_round_trip(self, node: cst.Call) -> None:
        if _is_test_path(self.context.path) or self._in_test_function(node):
            return  # a test of pickling support, not a copy
        inner = cst.ensure_type(node.args[0].value, cst.Call)
        loads, dumps = qualified_name(self.context, node.func), qualified_name(self.context, inner.func)
        if loads is None or dumps is None:
            return
        modules = {f"{module}.loads" for module in PICKLE_MODULES}
        if loads in modules and dumps == loads[: -len("loads")] + "dumps":
            self.report(
                node,
                what="`pickle.loads(pickle.dumps(x))` holds the whole pickled payload and the copy at once",
                advice="use `copy.deepcopy(x)`",
            )

    def _in_test_function(self, node: cst.CSTNode) -> bool:
        function = enclosing_function(self.context, node)
        while function is not None:
            if m.matches(function, m.FunctionDef()) and cst.ensure_type(function, cst.FunctionDef).name.value.startswith("test"):
                return True
            function = enclosing_function(self.context, function)
        return False

    def _check_deepcopy(self, node: cst.Call) -> None:
        if qualified_name(self.context, node.func) != "copy.deepcopy":
            return
        loop = enclosing_loop(self.context, node)
        if loop is None or not repeats_often(self.context, loop):
            return
        varying = loop_bindings(loop.node)
        read = {name.value for name in findall(node.args[0].value, m.Name())}
        if any(varying.varies(name) for name in read) or findall(node.args[0].value, m.Call()):
            return
        if not m.matches(parent(self.context, node), m.Assign(targets=[m.AssignTarget(target=m.Name())])):
            return  # a temporary: freed when its statement ends, one copy alive at a time
        if result_escapes(self.context, node, loop.node) or _deleted_in(node, loop.node, self) or self._handed_on(node, loop.node):
            return
        self.report(
            node,
            what="`copy.deepcopy()` of an object the loop does not change copies it again on every iteration",
            advice="copy once before the loop and reset it, copy only what changes, or `del` the copy at the end of each iteration",
        )


    def _handed_on(self, call: cst.Call, loop_node: cst.CSTNode) -> bool:
        """Is the copy's name passed to a call whose result is kept (`Player(seat, hand)` appended):
        the new object may hold the copy."""
        assign = cst.ensure_type(parent(self.context, call), cst.Assign)
        name = cst.ensure_type(assign.targets[0].target, cst.Name).value
        for read in findall(loop_node, m.Name(name)):
            argument = parent(self.context, read)
            outer = parent(self.context, argument) if m.matches(argument, m.Arg()) else None
            if isinstance(outer, cst.Call) and _instantiates(outer) and value_escapes(self.context, outer):
                return True
        return False


def _instantiates(call: cst.Call) -> bool:
    """`Player(...)`, `shapes.Path2D(...)`: a capitalised callee builds an object, which may keep
    its arguments (a function's result usually does not)."""
    func = call.func
    name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
    return name[:1].isupper() and not name.isupper()


def _is_test_path(path: str) -> bool:
    """A test module: named `test_*.py`/`*_test.py`, or in a directory named `test` (CPython's
    `Lib/test`). A `tests/` directory alone does not count: it also holds fixtures and data."""
    directory, _, name = ("/" + path.replace("\\", "/")).rpartition("/")
    return "/test/" in directory + "/" or name.startswith("test_") or name.endswith("_test.py")


def _deleted_in(call: cst.Call, loop_node: cst.CSTNode, rule: DeepcopyInLoop) -> bool:
    """Is the name the copy is bound to deleted in the loop (`del trial`)? Then one copy is alive."""
    holder = parent(rule.context, call)
    if not m.matches(holder, m.Assign(targets=[m.AssignTarget(target=m.Name())])):
        return False
    name = cst.ensure_type(cst.ensure_type(holder, cst.Assign).targets[0].target, cst.Name).value
    return bool(findall(loop_node, m.Del(target=m.Name(name))))
