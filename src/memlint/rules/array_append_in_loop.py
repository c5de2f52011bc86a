from __future__ import annotations

from typing import List, Optional, Set

import libcst as cst

from memlint import matchers as m
from memlint.analysis.accumulators import Accumulation, accumulation
from memlint.analysis.loops import dotted_name, parent, repeats_often
from memlint.analysis.names import qualified_name
from memlint.analysis.numpy_api import STRUCTURE_ATTRIBUTES
from memlint.analysis.values import constant_int
from memlint.matching import matches
from memlint.rule import Invalid, Valid
from memlint.rules._bases import LoopDepthRule
from memlint.screen import LOOP, Call, In, Named, Node, Subscript
from memlint.traversal import findall

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
    is not numpy's function. Nor when the loop reads the grown array's contents on every pass
    (below): then the pieces cannot be joined once at the end.

    ## Precision policy
    The cost grows with the number of iterations: reported when the loop is *not proven tiny*
    (analysis/values.py: one step per dimension, `range(a.ndim)`, a literal of a few items are
    tiny). Wrap padding (`np.concatenate((h[-6:], h, h[:6]))`) adds nothing new and is not growth.

    The advice (collect the pieces, join once) holds only when the loop does not need the array
    built so far. When the loop reads its contents other than to grow it - indexes it with
    computed indices, passes it to a function, computes with it (an iterative refinement that
    indexes every vertex added so far, a convergence test on the whole array) - each pass needs
    the whole array, the copy is part of the algorithm, and memlint stays silent. Reads that need
    no contents do not count: `len(a)`, `a.shape`, `a.dtype`, `a is None`, a constant index or
    slice (`a[-1]`, `a[-6:]`).

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
        Valid(
            "import numpy as np\nfor _ in range(max_iter):\n    long = find_long_edges(vertices, faces)\n"
            "    vertices = np.vstack((vertices, vertices[edges[long]].mean(axis=1)))\n    faces = split(faces, long)",
            "every pass indexes the whole grown array: the pieces cannot be joined once (trimesh remesh.py)",
        ),
        Valid(
            "import numpy as np\nwhile True:\n    samples = np.append(samples, draw())\n    if samples.std() < tol:\n        break",
            "a convergence test on the whole array on every pass",
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
        Invalid(
            "import numpy as np\nfor chunk in chunks:\n    offset = len(result)\n    result = np.append(result, chunk + offset)\n    last = result[-1]",
            note="its length, a constant index: no contents needed, a counter would do",
        ),
    ]

    def visit_Assign(self, node: cst.Assign) -> None:
        if not (self.maybe_in_loop and matches(node, UPDATE)):
            return
        target = node.targets[0].target
        call_name = self._growing_call(node.value, target)
        if call_name is None:
            return
        found = accumulation(self.context, node)
        if found is None or found.reset_in_loop or not _repeats(self, found):
            return
        if self._contents_read(node, found.loop.node, target):
            return  # each pass needs the whole array: joining once at the end does not apply
        self.report(node, name=found.name, call=call_name)

    def _contents_read(self, update: cst.Assign, loop: cst.CSTNode, target: cst.BaseExpression) -> bool:
        """Does the loop read the grown array's contents, other than as the operand it grows?
        Its length, structure attributes, `is None` tests and constant indexes need none."""
        wanted = dotted_name(target)
        operands = _grown_operands(update.value, wanted)
        region: List[cst.CSTNode] = [getattr(loop, "body")]
        if isinstance(loop, cst.While):
            region.append(loop.test)
        for part in region:
            for read in findall(part, m.Name() | m.Attribute()):
                if dotted_name(read) != wanted or id(read) in operands or read is target:
                    continue
                holder = parent(self.context, read)
                if isinstance(read, cst.Name) and isinstance(holder, cst.Attribute) and holder.attr is read:
                    continue  # `obj.name`: another attribute of the same spelling
                if isinstance(holder, cst.Attribute) and holder.value is read:
                    if holder.attr.value in STRUCTURE_ATTRIBUTES or holder.attr.value in ("size", "nbytes"):
                        continue  # `a.shape`, `a.dtype`, `a.size`
                    return True  # `a.mean()`, `a.T`: its contents
                if self._contentless(read, holder):
                    continue
                return True
        return False

    def _contentless(self, read: cst.CSTNode, holder: Optional[cst.CSTNode]) -> bool:
        """`len(a)`, `a is None`, `a[-1]`, `a[-6:]`, or a binding of the name: no contents read."""
        if isinstance(holder, cst.AssignTarget) or (isinstance(holder, cst.Del)):
            return True
        if isinstance(holder, cst.Arg):
            call = parent(self.context, holder)
            return isinstance(call, cst.Call) and len(call.args) == 1 and qualified_name(self.context, call.func) == "builtins.len"
        if isinstance(holder, cst.Comparison) and holder.left is read:
            return all(isinstance(c.operator, (cst.Is, cst.IsNot)) for c in holder.comparisons)
        if isinstance(holder, cst.ComparisonTarget) and holder.comparator is read:
            return isinstance(holder.operator, (cst.Is, cst.IsNot))
        if isinstance(holder, cst.Subscript) and holder.value is read:
            return all(_constant_slice(element.slice) for element in holder.slice)
        return False

    def _growing_call(self, value: cst.BaseExpression, target: cst.BaseExpression) -> Optional[str]:
        """`np.append` etc. when `value` grows `target` by one of the known numpy spellings."""
        wanted = dotted_name(target)
        if m.matches(value, m.Subscript()):
            subscript = cst.ensure_type(value, cst.Subscript)
            if not any(_is(element.slice, wanted) for element in subscript.slice if m.matches(element.slice, m.Index())):
                return None
            name = qualified_name(self.context, subscript.value) if m.matches(subscript.value, m.Name() | m.Attribute()) else None
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
        name = qualified_name(self.context, call.func)
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
    return repeats_often(rule.context, found.loop)


def _grown_operands(value: cst.BaseExpression, wanted: Optional[str]) -> Set[int]:
    """The ids of the bare occurrences of the array in the growing call (`a` in
    `np.append(a, x)`, `np.vstack((a, x))`, `np.r_[a, x]`): the operand it grows."""
    found: Set[int] = set()
    if isinstance(value, cst.Subscript):
        candidates = [element.slice.value for element in value.slice if isinstance(element.slice, cst.Index)]
    elif isinstance(value, cst.Call) and value.args:
        first = value.args[0].value
        candidates = [e.value for e in first.elements] if isinstance(first, (cst.List, cst.Tuple)) else [first]
    else:
        candidates = []
    for candidate in candidates:
        if wanted is not None and dotted_name(candidate) == wanted:
            found.add(id(candidate))
    return found


def _constant_slice(part: cst.BaseSlice) -> bool:
    """`[-1]`, `[0]`, `[-6:]`, `[:6]`: a fixed part of the array, not its contents at large."""
    if isinstance(part, cst.Index):
        return constant_int(part.value) is not None
    if isinstance(part, cst.Slice):
        bounds = [b for b in (part.lower, part.upper, part.step) if b is not None]
        return bool(bounds) and all(constant_int(b) is not None for b in bounds)
    return False
