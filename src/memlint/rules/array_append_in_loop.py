from __future__ import annotations

from typing import Optional

import libcst as cst
import libcst.matchers as m
from libcst.metadata import ParentNodeProvider

from memlint.analysis.accumulators import Accumulation, accumulation
from memlint.analysis.loops import dotted_name, LoopDepthRule, repeats_often
from memlint.analysis.names import qualified_name
from memlint.matching import matches
from memlint.rule import Invalid, Valid
from memlint.screen import LOOP, Call, In, Named, Node, Subscript

UPDATE = m.Assign(targets=[m.AssignTarget(target=m.Name() | m.Attribute(value=m.Name()))], value=m.Call() | m.Subscript())
OUT_KEYWORD = m.Arg(keyword=m.Name("out"))
SEQUENCE_FUNCTIONS = frozenset({"concatenate", "vstack", "hstack", "dstack", "column_stack", "row_stack"})
FIRST_ARG_FUNCTIONS = frozenset({"append", "insert"})
INDEX_BUILDERS = frozenset({"r_", "c_"})


class ArrayAppendInLoop(LoopDepthRule):
    """
    ## What it does
    Flags a numpy array grown inside a loop by rebinding it to a copy of itself plus more:
    `a = np.append(a, x)`, `a = np.concatenate([a, x])`, `a = np.vstack((a, x))` (also
    `hstack`, `dstack`, `column_stack`, `row_stack`), `a = np.r_[a, x]`, `a = np.insert(a, i, x)`,
    however numpy is imported.

    ## Why is this bad?
    A numpy array cannot grow in place: each call allocates a new array and copies the old one
    into it, so n appends copy n²/2 elements, and while the new array is built the old one is
    still alive. Measured on CPython 3.11, 20,000 `np.append` calls of one float copy 1.6 GB in
    total and take about four times the CPU time of one `np.concatenate` of the pieces (which
    copies 160 kB); for larger pieces the time grows with the square of the result's size. The
    cost is time, not peak memory: with one-float pieces the list of pieces (about 100 bytes of
    array object each) peaks higher than the appending loop, which holds two copies of an
    8-byte-per-float array (tracemalloc: 3.2 MB against 0.3 MB for 20,000 floats). Preallocating
    `np.empty(n)` and assigning by index avoids both when the final size is known.

    It does not apply, and memlint stays silent, when the array is reset inside the same loop
    (growth is bounded by one iteration), when the call writes into `out=`, when the loop body
    runs at most once or iterates over fewer than 100 items stated in the code, or when the name
    is not numpy's function.

    ## Precision policy
    The cost grows with the number of iterations: reported when the loop is *not proven tiny*
    (analysis/values.py: one step per dimension, `range(a.ndim)`, a literal of a few items are
    tiny). Wrap padding (`np.concatenate((h[-6:], h, h[:6]))`) adds nothing new and is not growth.

    ## Example
    ```python
    result = np.empty(0)
    for chunk in chunks:
        result = np.append(result, process(chunk))
    ```

    Use instead:
    ```python
    pieces = [process(chunk) for chunk in chunks]
    result = np.concatenate(pieces)
    ```
    or preallocate with `np.empty(n)` and assign slices when the final size is known.

    ## Overlaps
    None known in Ruff or Pylint. MEM305 reports the opposite shape (a list appended to, then
    converted) when the trip count is known.

    ## References
    - NumPy documentation, `numpy.append`: "a copy of arr with values appended"
    - seed `001`: pre-allocating NumPy arrays
    """

    code = "MEM301"
    triggers = ("numpy",)
    screen = (
        In(LOOP, Node("Assign", value=Call("concatenate", "vstack", "hstack", "dstack", "column_stack", "row_stack", "append", "insert"))),
        In(LOOP, Node("Assign", value=Subscript(Named("r_", "c_")))),
    )
    name = "array-append-in-loop"
    message = "`{name} = {call}(...)` in a loop copies the whole array on every iteration; collect the pieces in a list and call `np.concatenate` once, or preallocate"
    METADATA_DEPENDENCIES = (ParentNodeProvider,)

    VALID = [
        Valid(
            "import numpy as np\nfor step in steps:\n    h = np.concatenate((h[-6:], h, h[:6]))\n    smooth(h)",
            "wrap padding: only slices of the array itself are added",
        ),
        Valid("import numpy as np\ndef pad(a, shape):\n    for n in a.shape:\n        shape = np.append(shape, n)\n    return shape", "one step per dimension: tiny"),
        Valid("import numpy as np\npieces = [f(c) for c in chunks]\nresult = np.concatenate(pieces)", "joined once"),
        Valid("import numpy as np\nresult = np.append(base, extra)", "not in a loop"),
        Valid(
            "import numpy as np\nfor row in rows:\n    acc = np.empty(0)\n    acc = np.append(acc, row)\n    use(acc)",
            "reset on every iteration: the growth is bounded",
        ),
        Valid(
            "def append(a, x):\n    return a\nfor x in xs:\n    a = append(a, x)",
            "a local function, not numpy.append",
        ),
        Valid(
            "import numpy as np\nfor x in xs:\n    a = np.concatenate([a, x], out=buffer)",
            "writes into a preallocated buffer",
        ),
        Valid(
            "import numpy as np\nfor i in range(3):\n    a = np.vstack((a, rows[i]))",
            "three iterations stated in the code",
        ),
        Valid(
            "import numpy as np\nfor x in xs:\n    b = np.append(a, x)",
            "a different name: not accumulating",
        ),
        Valid(
            "import numpy as np\nwhile True:\n    a = np.append(a, next_value())\n    break",
            "the loop body runs once",
        ),
        Valid(
            "import numpy as np\npos = None\nfor part in parts:\n    if pos is None:\n        pos = part\n"
            "    else:\n        pos = np.concatenate([pos, part])\n    if len(pos) > limit:\n        flush(pos)\n        pos = None",
            "reset inside the loop: growth is bounded",
        ),
    ]
    INVALID = [
        Invalid("import numpy as np\nresult = np.empty(0)\nfor chunk in chunks:\n    result = np.append(result, process(chunk))"),
        Invalid("import numpy\nfor x in xs:\n    a = numpy.concatenate([a, x])", note="the kind is known from the update itself"),
        Invalid("from numpy import append as app\nfor x in xs:\n    a = app(a, x)"),
        Invalid("import numpy as np\nwhile more():\n    rows = np.vstack((rows, read_row()))"),
        Invalid("import numpy as np\nfor x in xs:\n    a = np.r_[a, x]"),
        Invalid(
            """
            import numpy as np
            class Recorder:
                def record(self, samples):
                    for s in samples:
                        self.data = np.hstack([self.data, s])
            """,
            note="an attribute",
        ),
        Invalid("import numpy as np\nfor i in range(1000):\n    a = np.insert(a, 0, i)"),
        Invalid("import numpy as np\nfor x in xs:\n    a = np.concatenate((a[-1:], a, [x]))", note="new data beside a copy of its own end"),
        Invalid(
            "import numpy as np\npos = None\nfor part in parts:\n    if pos is None:\n        pos = part\n"
            "    else:\n        pos = np.concatenate([pos, part])",
            note="started on the first pass under `if pos is None:`: still one growing array",
        ),
        Invalid("import numpy as np\ndef grow(a, xs):\n    for x in xs:\n        a = np.column_stack((a, x))\n    return a"),
    ]

    def visit_Assign(self, node: cst.Assign) -> None:
        if not (self.maybe_in_loop and matches(node, UPDATE)):
            return
        target = node.targets[0].target
        call_name = self._growing_call(node.value, target)
        if call_name is None:
            return
        found = accumulation(self, node)
        if found is None or found.reset_in_loop or not _repeats(self, found):
            return
        self.report(node, name=found.name, call=call_name)

    def _growing_call(self, value: cst.BaseExpression, target: cst.BaseExpression) -> Optional[str]:
        """`np.append` etc. when `value` grows `target` by one of the known numpy spellings."""
        wanted = dotted_name(target)
        if m.matches(value, m.Subscript()):
            subscript = cst.ensure_type(value, cst.Subscript)
            if not any(_is(element.slice, wanted) for element in subscript.slice if m.matches(element.slice, m.Index())):
                return None
            name = qualified_name(self, subscript.value) if m.matches(subscript.value, m.Name() | m.Attribute()) else None
            return f"np.{name[6:]}" if name and name.startswith("numpy.") and name[6:] in INDEX_BUILDERS else None
        call = cst.ensure_type(value, cst.Call)
        positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
        if not positional or any(matches(arg, OUT_KEYWORD) for arg in call.args):
            return None
        first = positional[0].value
        if _is(first, wanted):
            allowed = FIRST_ARG_FUNCTIONS
        elif m.matches(first, m.List() | m.Tuple()) and any(_is(e.value, wanted) for e in getattr(first, "elements")):
            if all(_is(e.value, wanted) or _part_of(e.value, wanted) for e in getattr(first, "elements")):
                return None  # `concatenate((h[-6:], h, h[:6]))`: wrap padding, nothing new added
            allowed = SEQUENCE_FUNCTIONS
        else:
            return None
        if not m.matches(call.func, m.Name() | m.Attribute()):
            return None
        name = qualified_name(self, call.func)
        if name is None or not name.startswith("numpy.") or name[6:] not in allowed:
            return None
        return f"np.{name[6:]}"


def _is(node: cst.CSTNode, wanted: Optional[str]) -> bool:
    if m.matches(node, m.Index()):
        node = cst.ensure_type(node, cst.Index).value
    return wanted is not None and dotted_name(node) == wanted


def _part_of(node: cst.CSTNode, wanted: Optional[str]) -> bool:
    """Is `node` a subscript of `wanted` itself (`h[-6:]`, `h[:, :1]`)?"""
    return isinstance(node, cst.Subscript) and wanted is not None and dotted_name(node.value) == wanted


def _repeats(rule: LoopDepthRule, found: Accumulation) -> bool:
    """Does the loop run often enough for quadratic copying to matter?"""
    return repeats_often(rule, found.loop)
