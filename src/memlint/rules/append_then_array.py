from __future__ import annotations

from typing import Optional

import libcst as cst
import libcst.matchers as m
from libcst.metadata import ParentNodeProvider

from memlint.analysis.estimates import appended_estimate
from memlint.analysis.accumulators import Kind, scope_of, binding_sites, kind_before_loop, kind_of
from memlint.analysis.loops import SMALL_LOOP, Loop, enclosing_loop, parent
from memlint.analysis.names import qualified_name
from memlint.analysis.values import known_length
from memlint.analysis.values import is_tiny
from memlint.findings import Tier
from memlint.matching import matches
from memlint.rule import Invalid, Rule, Valid
from memlint.traversal import findall

CONVERTERS = {"numpy.array": "np.array", "numpy.asarray": "np.asarray"}
CONVERSION = m.Call(func=m.Name() | m.Attribute(attr=m.Name("array") | m.Name("asarray")), args=[m.Arg(value=m.Name(), keyword=None, star=""), m.ZeroOrMore(m.Arg(keyword=m.Name()))])
EMPTY_LIST = m.List(elements=[]) | m.Call(func=m.Name("list"), args=[])
APPEND_LINE = m.SimpleStatementLine(body=[m.Expr(value=m.Call(func=m.Attribute(value=m.Name(), attr=m.Name("append")), args=[m.Arg(keyword=None, star="")]))])
OBJECT_DTYPE = m.Arg(keyword=m.Name("dtype"), value=m.Name("object") | m.SimpleString())
SIZED_KINDS = (Kind.LIST, Kind.TUPLE, Kind.ARRAY)


class AppendThenArray(Rule):
    """
    ## What it does
    Flags a list that starts empty, gets exactly one `append` per iteration of a `for` loop whose
    trip count is known before it starts (`range(...)`, or a list, tuple or numpy array), and is
    then converted by `np.array(...)`/`np.asarray(...)`, with no other use.

    ## Why is this bad?
    The list holds a pointer and a boxed Python object per element (a float costs 32 bytes
    instead of 8), and at the conversion the list and the array are alive together. Measured
    with tracemalloc on CPython 3.11, 1,000,000 floats appended then converted peak at +40 MB;
    filling `np.empty(1_000_000)` by index peaks at +8 MB.

    It does not apply, and memlint stays silent, when the trip count is not known before the
    loop (`while`, generators, files), when the loop iterates over fewer than 100 items stated in
    the code, when the `append` is conditional or the loop can `break`/`continue`, when the list
    is used for anything else, or when `dtype=object` is asked.

    ## Precision policy
    The cost grows with the data: reported when the loop's iterable is *not proven tiny*
    (analysis/values.py).

    ## Example
    ```python
    values = []
    for i in range(n):
        values.append(f(i))
    arr = np.array(values)
    ```

    Use instead:
    ```python
    arr = np.empty(n)
    for i in range(n):
        arr[i] = f(i)
    ```
    (or `np.fromiter((f(i) for i in range(n)), float, count=n)`).

    ## Overlaps
    MEM108 reports `np.array([... for ...])`; Ruff's PERF401 suggests a list comprehension,
    which still builds the whole list.

    ## References
    - seed `001`: pre-allocating NumPy arrays when the final size is known
    """

    code = "MEM305"
    triggers = ("numpy", "array|asarray", "append")
    name = "append-then-array"
    message = "`{name}` is filled by `append` in a loop of known length, then converted by `{converter}`: the list and the array are alive together; preallocate with `np.empty(n)` and assign by index"
    tier = Tier.PREVIEW
    METADATA_DEPENDENCIES = (ParentNodeProvider,)

    VALID = [
        Valid("import numpy as np\ndef f(a):\n    dims = []\n    for n in a.shape:\n        dims.append(n * 2)\n    return np.array(dims)", "one item per dimension: tiny"),
        Valid(
            "import numpy as np\nvs = []\nfor j in range(8):\n    vs.append(interp(j))\nv2 = np.array(vs)",
            "eight iterations stated in the code (scipy's test_rgi)",
        ),
        Valid("import numpy as np\narr = np.empty(n)\nfor i in range(n):\n    arr[i] = f(i)", "preallocated"),
        Valid("import numpy as np\nvalues = []\nwhile more():\n    values.append(read())\narr = np.array(values)", "unknown trip count"),
        Valid("import numpy as np\nvalues = []\nfor i in range(n):\n    if ok(i):\n        values.append(f(i))\narr = np.array(values)", "conditional append"),
        Valid("import numpy as np\nvalues = []\nfor i in range(n):\n    values.append(f(i))\narr = np.array(values)\nlog(values)", "the list is used again"),
        Valid("import numpy as np\nvalues = []\nfor line in handle:\n    values.append(float(line))\narr = np.array(values)", "iterating a file: length unknown"),
        Valid("import numpy as np\nvalues = []\nfor i in range(n):\n    values.append(f(i))\n    if done(i):\n        break\narr = np.array(values)", "break: the count is not the trip count"),
        Valid("import numpy as np\nvalues = []\nfor i in range(n):\n    values.append(f(i))\narr = np.array(values, dtype=object)", "object arrays keep the boxes anyway"),
        Valid("def array(x):\n    return x\nvalues = []\nfor i in range(n):\n    values.append(i)\narr = array(values)", "not numpy"),
    ]
    INVALID = [
        Invalid("import numpy as np\nvalues = []\nfor i in range(n):\n    values.append(f(i))\narr = np.array(values)"),
        Invalid("import numpy\ndef build(xs):\n    out = []\n    for x in range(len(xs)):\n        out.append(xs[x] * 2)\n    return numpy.asarray(out, dtype=float)"),
        Invalid("from numpy import array\nys = list()\nfor t in range(steps):\n    ys.append(model(t))\nresult = array(ys)"),
        Invalid("import numpy as np\npoints = list(source)\nsq = []\nfor p in points:\n    sq.append(p * p)\nsq_arr = np.array(sq)", note="iterating a list: its length is known before the loop"),
        Invalid("import numpy as np\ndef go(grid, n):\n    rows = []\n    for r in np.arange(n):\n        rows.append(grid[r].sum())\n    return np.array(rows)"),
        Invalid("import numpy as np\nsamples = np.linspace(0, 1, 100)\nres = []\nfor s in samples:\n    res.append(s ** 2)\nout = np.asarray(res)"),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        if not matches(node, CONVERSION) or any(matches(arg, OBJECT_DTYPE) for arg in node.args):
            return
        converter = CONVERTERS.get(qualified_name(self.context, node.func) or "")
        if converter is None:
            return
        name = cst.ensure_type(node.args[0].value, cst.Name)
        scope = scope_of(self.context, name)
        sites = binding_sites(scope, name.value)
        if sites is None or len(sites) != 1:
            return
        binding = sites[0]
        mentions = [found for found in findall(scope, m.Name(name.value)) if found is not binding and found is not name]
        if len(mentions) != 1:
            return  # the list is used for something else (or bound in a nested scope)
        other = mentions[0]
        loop = self._filling_loop(binding, other)
        if loop is None or enclosing_loop(self.context, node) is not None and enclosing_loop(self.context, node) != enclosing_loop(self.context, loop.node):
            return
        append = cst.ensure_type(parent(self.context, parent(self.context, other) or other), cst.Call)
        estimate = appended_estimate(self.context, cst.ensure_type(loop.node, cst.For), append.args[0].value)
        self.report(node, estimate=estimate, name=name.value, converter=converter)

    def _filling_loop(self, binding: cst.CSTNode, append_receiver: cst.CSTNode) -> Optional[Loop]:
        """The `for` loop filling the list, when the shape is exactly init / loop-append."""
        assign = parent(self.context, parent(self.context, binding) or binding)
        if not m.matches(assign, m.Assign(targets=[m.AssignTarget()], value=EMPTY_LIST)):
            return None
        line = parent(self.context, assign) if assign is not None else None
        loop = enclosing_loop(self.context, append_receiver)
        if loop is None or not m.matches(loop.node, m.For()) or line is None:
            return None
        if parent(self.context, loop.node) is not parent(self.context, line):
            return None  # the list is not created right next to the loop, in the same block
        appends = [s for s in loop.statements if matches(s, APPEND_LINE)]
        if not any(_receiver(s) is append_receiver for s in appends):
            return None
        body = getattr(loop.node, "body")
        if findall(body, m.Break() | m.Continue() | m.Return() | m.Raise() | m.Yield()):
            return None
        if not self._known_count(cst.ensure_type(loop.node, cst.For).iter, loop):
            return None
        return loop

    def _known_count(self, iterable: cst.BaseExpression, loop: Loop) -> bool:
        stated = known_length(self.context, iterable)
        if stated is not None and stated < SMALL_LOOP:
            return False  # a few items stated in the code: nothing worth saving
        if stated is None and is_tiny(self.context, iterable, below=SMALL_LOOP):
            return False  # one item per dimension, `range(a.ndim)`: nothing worth saving
        if m.matches(iterable, m.Call(func=m.Name("range"))):
            return qualified_name(self.context, cst.ensure_type(iterable, cst.Call).func) == "builtins.range"
        if m.matches(iterable, m.Call()):
            return kind_of(self.context, iterable) is Kind.ARRAY
        if m.matches(iterable, m.Name()):
            return kind_before_loop(self.context, cst.ensure_type(iterable, cst.Name), loop) in SIZED_KINDS
        return m.matches(iterable, m.List() | m.Tuple())


def _receiver(line: cst.BaseStatement) -> cst.CSTNode:
    call = cst.ensure_type(cst.ensure_type(cst.ensure_type(line, cst.SimpleStatementLine).body[0], cst.Expr).value, cst.Call)
    return cst.ensure_type(call.func, cst.Attribute).value
