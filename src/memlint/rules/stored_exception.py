from __future__ import annotations

from typing import Dict, List, Optional, Set, Tuple

import libcst as cst

from memlint import matchers as m
from memlint.analysis.lifetime import name_reads
from memlint.analysis.loops import enclosing_function, parent
from memlint.analysis.names import qualified_name
from memlint.analysis.retention import STORING_METHODS, Stored, stored_at
from memlint.matching import matches
from memlint.rule import Invalid, Rule, Valid
from memlint.traversal import findall
from memlint.screen import HANDLER, Both, Call, In, Named, Node, Same, StoresName, Through

HAND_OFF_METHODS = frozenset({"put", "put_nowait"})  # a queue: sent to another thread, which re-raises or reports it
RERAISING = m.Name(m.MatchRegex(r"(?i).*(raise|rethrow).*|set_exception")) | m.Attribute(attr=m.Name(m.MatchRegex(r"(?i).*(raise|rethrow).*|set_exception")))
# Where a stored exception is handed on: raised, returned, or given to a future / a re-raising helper.
HANDED_OVER = m.Raise() | m.Return() | m.Call(func=RERAISING)

EXC_INFO = m.Call(func=m.Attribute(value=m.Name("sys"), attr=m.Name("exc_info") | m.Name("exception")) | m.Name("exc_info"))
TRACEBACK = m.Attribute(attr=m.Name("__traceback__"))
KEEPING_METHODS = tuple(sorted(STORING_METHODS - HAND_OFF_METHODS))  # a queue hands it on: never reported
KEPT = Through(Node("Attribute", "Subscript"))  # assignment targets `stored_at` may keep a value in (a name needs `global`)


class StoredException(Rule):
    """
    ## What it does
    Flags an exception caught by `except ... as e`, the result of `sys.exc_info()`, or a
    traceback (`e.__traceback__`) stored beyond its `except` block: on an attribute
    (`self.error = e`), in a global or nonlocal, in a container that outlives the call
    (`self.errors.append(e)`, a parameter, a module-level list), or returned.

    ## Why is this bad?
    An exception holds its traceback, the traceback holds every frame between the `raise` and the
    handler, and each frame holds all of its local variables. Storing the exception keeps all of
    them alive, however large, for as long as the exception is kept; Python deletes `e` at the end
    of the `except` block for exactly this reason. Measured on CPython 3.11 with tracemalloc, five
    jobs each storing `self.last_error = e` from a call whose frame had a 10 MB local peak at
    +50 MB: every one of those locals stays alive. Storing `e.with_traceback(None)` peaks at
    +10 MB, one local at a time.

    It does not apply, and memlint stays silent, when only a derived value is kept
    (`str(e)`, `e.args`, `repr(e)`, `traceback.format_exc()`), when the exception is bound to a
    local only (or a `nonlocal`, or an item of a closure's dict: a local of the enclosing call,
    freed with it), or re-raised. Nor when keeping it is the design: an exception returned or
    yielded is handed to the caller, which decides how long it lives (`gather(...,
    return_exceptions=True)`, a `(error, value)` pair); one put on a queue is sent to another
    thread; and one stored where the module later raises or returns it from (`self._exc = e` in
    a worker thread, `raise self._exc` in `join()`; a future's `exception()` or
    `future.set_exception(self.last_error)`; a re-raising helper such as `reraise(*self.exc_info)`;
    a task group's list raised as an `ExceptionGroup`) is the outcome of a job, kept on purpose to
    be re-raised elsewhere.

    ## Example
    ```python
    try:
        job.run()
    except Exception as e:
        self.last_error = e
    ```

    Use instead:
    ```python
    try:
        job.run()
    except Exception as e:
        self.last_error = e.with_traceback(None)  # or repr(e), traceback.format_exception(e)
    ```

    ## Overlaps
    None known in Ruff or Pylint.

    ## References
    - Python reference, "The try statement": `e` is cleared at the end of the `except` clause
    - PEP 3134 (`__traceback__`), PEP 3110
    """

    code = "MEM604"
    triggers = ("except",)
    screen = (  # the exception, its traceback or `sys.exc_info()` assigned to an attribute or an item (or to a name declared `global`), or passed to a storing method
        Same(Node("ExceptHandler"), In(HANDLER, StoresName("setattr", *KEEPING_METHODS, target=KEPT))),
        Both(Same(Node("Global"), In(HANDLER, Node("Assign", "AnnAssign"))), Same(Node("ExceptHandler"), In(HANDLER, StoresName()))),
        In(HANDLER, Node("Assign", "AnnAssign", target=KEPT, value=Through(Call("exc_info")))),
        Same(Node("Global"), In(HANDLER, Node("Assign", "AnnAssign", value=Through(Call("exc_info"))))),
        In(HANDLER, Node("Call", func=Named("setattr", *KEEPING_METHODS), arg=Through(Call("exc_info")))),
    )
    name = "stored-exception"
    message = "{what} is {where}: its traceback keeps every frame's local variables alive"

    VALID = [
        Valid("try:\n    run()\nexcept Exception as e:\n    self.error = str(e)", "only its text"),
        Valid("def f():\n    try:\n        run()\n    except Exception as e:\n        err = e\n    log(err)", "a local"),
        Valid("try:\n    import numpy\nexcept ImportError as e:\n    numpy_error = e", "module-level code runs once"),
        Valid("try:\n    run()\nexcept Exception as e:\n    raise Wrapped() from e", "re-raised"),
        Valid("try:\n    run()\nexcept Exception as e:\n    self.error = e.with_traceback(None)", "the traceback is dropped"),
        Valid("def f():\n    errors = []\n    try:\n        run()\n    except Exception as e:\n        errors.append(e)\n    log(errors)", "a local list"),
        Valid("try:\n    run()\nexcept Exception as e:\n    self.args = e.args", "only its args"),
        Valid("def f():\n    out = {}\n    def work():\n        try:\n            run()\n        except Exception as e:\n            out['error'] = e\n    work()\n    raise out['error']", "a closure over a local of the enclosing call"),
        Valid("import traceback\ntry:\n    run()\nexcept Exception:\n    self.tb = traceback.format_exc()", "a string"),
        Valid("def attempt(f):\n    try:\n        return f(), None\n    except Exception as exc:\n        return None, exc", "returned: the caller owns it (return_exceptions=True)"),
        Valid("def safe(objs):\n    for o in objs:\n        try:\n            yield o.value\n        except Exception as error:\n            yield error", "yielded to the caller (rich's pretty.py)"),
        Valid(
            "import threading\nclass Worker(threading.Thread):\n    def run(self):\n        try:\n            self.work()\n        except BaseException as e:\n            self._exc = e\n    def join(self):\n        super().join()\n        if self._exc is not None:\n            raise self._exc",
            "stored to be re-raised in the joining thread",
        ),
        Valid(
            "class Task:\n    async def _run(self):\n        try:\n            self._value = await self._coro\n        except BaseException as exc:\n            self._exception = exc\n            raise\n    def exception(self):\n        return self._exception",
            "a future's outcome, returned by its accessor (anyio's TaskInfo)",
        ),
        Valid(
            "class Runner:\n    def run_test(self):\n        try:\n            self.loop.run()\n        except Exception as exc:\n            self._exceptions.append(exc)\n    def check(self):\n        errors, self._exceptions = self._exceptions, []\n        if errors:\n            raise ExceptionGroup('failed', errors)",
            "collected to be raised as a group later (anyio's TestRunner)",
        ),
        Valid("def outer():\n    failure = None\n    def inner():\n        nonlocal failure\n        try:\n            run()\n        except Exception as e:\n            failure = e\n    start_thread(inner)\n    check(failure)", "a nonlocal: a local of the enclosing call, gone with it"),
        Valid(
            "class Connector:\n    def on_done(self, future):\n        try:\n            future.result()\n        except Exception as e:\n            self.last_error = e\n    def finish(self):\n        self.future.set_exception(self.last_error or IOError('failed'))",
            "handed to a future (tornado's tcpclient.py)",
        ),
        Valid(
            "import sys\nclass Case:\n    def timeout(self):\n        try:\n            fail()\n        except Exception:\n            self.__failure = sys.exc_info()\n    def rethrow(self):\n        failure = self.__failure\n        self.__failure = None\n        raise_exc_info(failure)",
            "re-raised through a helper (tornado's testing.py)",
        ),
        Valid("def work(q):\n    try:\n        run()\n    except Exception as e:\n        q.put(e)", "sent to another thread through a queue"),
    ]
    INVALID = [
        Invalid("class Job:\n    def go(self):\n        try:\n            self.run()\n        except Exception as e:\n            self.last_error = e"),
        Invalid("import sys\ndef f(log):\n    try:\n        run()\n    except Exception:\n        log.append(sys.exc_info())", note="a parameter outlives the call"),
        Invalid("def f():\n    global LAST\n    try:\n        run()\n    except OSError as err:\n        LAST = err"),
        Invalid("ERRORS = []\ndef f():\n    try:\n        run()\n    except ValueError as exc:\n        ERRORS.append((exc, 1))"),
        Invalid("def f(state):\n    try:\n        run()\n    except Exception as e:\n        state['tb'] = e.__traceback__"),
        Invalid(
            "class Job:\n    def go(self):\n        try:\n            self.run()\n        except Exception as e:\n            self.last_error = e\n    def failed(self):\n        return self.last_error is not None",
            note="only compared elsewhere: kept, never handed on",
        ),
    ]

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        candidates = []
        if node.name is not None and m.matches(node.name.name, m.Name()):
            name = cst.ensure_type(node.name.name, cst.Name).value
            for read in name_reads(node.body, name):
                outer = parent(self.context, read)
                if matches(outer, TRACEBACK):
                    candidates.append((outer, f"the traceback of `{name}`"))
                else:
                    candidates.append((read, f"the exception `{name}`"))
        for call in findall(node.body, m.Call(func=m.Attribute(attr=m.Name("exc_info")) | m.Name("exc_info"))):
            func = cst.ensure_type(call, cst.Call).func
            if qualified_name(self.context, func) == "sys.exc_info":
                candidates.append((call, "`sys.exc_info()`"))
        for expr, what in candidates:
            found = stored_at(self.context, expr, returns=False)
            if found is not None and found.where != "in a nonlocal" and not self._handed_over(found):
                self.report(expr, what=what, where=f"kept {found.where}")

    def _handed_over(self, found: Stored) -> bool:
        """Is the place it is stored in sent on (a queue), or raised or returned from elsewhere in
        the module (directly, or through a local bound from it: `errors, self._errors = self._errors, []`)?"""
        if found.method in HAND_OFF_METHODS:
            return True
        mention = _mention(found.place)
        if mention is None:
            return False
        kind, name = mention
        module = self.context.module
        reads = m.Name(name) if kind == "name" else m.Attribute(attr=m.Name(name))
        if any(self._mentions(statement, reads) for statement in self._handing_over(module)):
            return True
        for assign, names, attributes in self._assignments():
            if name not in (names if kind == "name" else attributes):
                continue
            aliases = [cst.ensure_type(n, cst.Name).value for t in assign.targets for n in findall(t.target, m.Name())]
            alias_reads = m.Name(m.MatchIfTrue(lambda v: v in aliases))
            region = enclosing_function(self.context, assign) or module
            if any(self._mentions(raised, alias_reads) for raised in self._handing_over(region)):
                return True
        return False

    def _handing_over(self, region: cst.CSTNode) -> List[cst.CSTNode]:
        """The raises, returns and re-raising calls in `region` (a function or the module), once per file."""
        found: Dict[int, List[cst.CSTNode]] = self.context.cache.setdefault("MEM604.handing_over", {})
        key = id(region)
        if key not in found:
            found[key] = findall(region, HANDED_OVER)
        return found[key]

    def _assignments(self) -> List[Tuple[cst.Assign, Set[str], Set[str]]]:
        """Every assignment of the module, with the names and the attribute names its value reads
        (what `_mention` looks for), found in one walk per file instead of one per stored exception."""
        cached = self.context.cache.get("MEM604.assignments")
        if cached is None:
            cached = []
            for node in findall(self.context.module, m.Assign()):
                assign = cst.ensure_type(node, cst.Assign)
                names: Set[str] = set()
                attributes: Set[str] = set()
                for read in findall(assign.value, m.Name() | m.Attribute()):
                    if isinstance(read, cst.Name):
                        names.add(read.value)
                    else:
                        attributes.add(cst.ensure_type(read, cst.Attribute).attr.value)
                cached.append((assign, names, attributes))
            self.context.cache["MEM604.assignments"] = cached
        return cached  # type: ignore[no-any-return]

    def _mentions(self, statement: cst.CSTNode, mention: m.BaseMatcherNode) -> bool:
        """Does the raised or returned value hold the place (not only compare it: `return self.e is None`)?"""
        return any(not m.matches(parent(self.context, found), m.Comparison() | m.ComparisonTarget()) for found in findall(statement, mention))


def _mention(place: Optional[cst.BaseExpression]) -> Optional[Tuple[str, str]]:
    """How reads of the place look: ("attribute", attr) for `obj.attr` (or its items), ("name",
    name) for a name."""
    while isinstance(place, (cst.Subscript, cst.Call)):
        place = place.value if isinstance(place, cst.Subscript) else place.func
    if isinstance(place, cst.Attribute):
        return ("attribute", place.attr.value)
    if isinstance(place, cst.Name):
        return ("name", place.value)
    return None
