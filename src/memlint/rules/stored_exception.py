from __future__ import annotations

import libcst as cst
import libcst.matchers as m
from libcst.metadata import ParentNodeProvider

from memlint.analysis.lifetime import name_reads
from memlint.analysis.loops import parent
from memlint.analysis.names import qualified_name
from memlint.analysis.retention import storage
from memlint.matching import matches
from memlint.rule import Invalid, Rule, Valid
from memlint.traversal import findall

EXC_INFO = m.Call(func=m.Attribute(value=m.Name("sys"), attr=m.Name("exc_info") | m.Name("exception")) | m.Name("exc_info"))
TRACEBACK = m.Attribute(attr=m.Name("__traceback__"))


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
    local only, or re-raised.

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
    name = "stored-exception"
    message = "{what} is {where}: its traceback keeps every frame's local variables alive"
    METADATA_DEPENDENCIES = (ParentNodeProvider,)

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
    ]
    INVALID = [
        Invalid("class Job:\n    def go(self):\n        try:\n            self.run()\n        except Exception as e:\n            self.last_error = e"),
        Invalid("import sys\ndef f(log):\n    try:\n        run()\n    except Exception:\n        log.append(sys.exc_info())", note="a parameter outlives the call"),
        Invalid("def f():\n    global LAST\n    try:\n        run()\n    except OSError as err:\n        LAST = err"),
        Invalid("def f():\n    try:\n        return run()\n    except ValueError as exc:\n        return exc", note="returned"),
        Invalid("ERRORS = []\ndef f():\n    try:\n        run()\n    except ValueError as exc:\n        ERRORS.append((exc, 1))"),
        Invalid("def outer():\n    failure = None\n    def inner():\n        nonlocal failure\n        try:\n            run()\n        except Exception as e:\n            failure = e\n    inner()"),
        Invalid("def f(state):\n    try:\n        run()\n    except Exception as e:\n        state['tb'] = e.__traceback__"),
    ]

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        candidates = []
        if node.name is not None and m.matches(node.name.name, m.Name()):
            name = cst.ensure_type(node.name.name, cst.Name).value
            for read in name_reads(node.body, name):
                outer = parent(self, read)
                if matches(outer, TRACEBACK):
                    candidates.append((outer, f"the traceback of `{name}`"))
                else:
                    candidates.append((read, f"the exception `{name}`"))
        for call in findall(node.body, m.Call(func=m.Attribute(attr=m.Name("exc_info")) | m.Name("exc_info"))):
            func = cst.ensure_type(call, cst.Call).func
            if qualified_name(self, func) == "sys.exc_info":
                candidates.append((call, "`sys.exc_info()`"))
        for expr, what in candidates:
            where = storage(self, expr)
            if where is not None:
                self.report(expr, what=what, where=where if where in ("returned", "yielded") else f"kept {where}")
