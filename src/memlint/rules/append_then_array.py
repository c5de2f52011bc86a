from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

import libcst as cst

from memlint import matchers as m
from memlint.analysis.estimates import appended_estimate
from memlint.analysis.accumulators import Kind, scope_of, binding_sites, kind_before_loop, kind_of
from memlint.analysis.loops import Loop, enclosing_loop, enclosing_loops, is_inside, parent
from memlint.analysis.names import qualified_name
from memlint.analysis.values import known_length
from memlint.analysis.values import TINY_LIMIT, is_tiny
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
RETURN_LINE = m.SimpleStatementLine(body=[m.Return()])


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

    The loop may sit in a branch of an `if` between the list and the conversion (the other
    branches may only rebind the name: `pos = []`, `if equidistant: for ...: pos.append(...)`,
    `else: pos = np.zeros(...)`, `pos = np.array(pos)`), and the conversion may rebind the
    list's own name (`vals = np.asarray(vals)`).

    It does not apply, and memlint stays silent, when the trip count is not known before the
    loop (`while`, generators, files), when the loop iterates over fewer than 1,000 items stated
    in the code or a proven-tiny iterable (`a.shape`), when the `append` is conditional or the loop can `break`/`continue`, when the list
    is used for anything else (before the conversion, or after it while still bound to the
    list; by a nested function at any time), or when `dtype=object` is asked.

    ## Precision policy
    The cost grows with the data: reported when the loop's iterable is *not proven tiny*
    (analysis/values.py), the same for a loop in a branch of an `if` as for one at the level
    of the list.

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

    VALID = [
        Valid("import numpy as np\ndef f(a):\n    dims = []\n    for n in a.shape:\n        dims.append(n * 2)\n    return np.array(dims)", "one item per dimension: tiny"),
        Valid(
            "import numpy as np\nvs = []\nfor j in range(8):\n    vs.append(interp(j))\nv2 = np.array(vs)",
            "eight iterations stated in the code (scipy's test_rgi)",
        ),
        Valid(
            "import numpy as np\nxpred = np.linspace(.25, 20.25, 101)\ndy = []\nfor x in xpred:\n    dy.append(model(x))\ndy = 2 * np.array(dy)",
            "101 points stated in the code: a few kB (lmfit's example notebook)",
        ),
        Valid("import numpy as np\narr = np.empty(n)\nfor i in range(n):\n    arr[i] = f(i)", "preallocated"),
        Valid("import numpy as np\nvalues = []\nwhile more():\n    values.append(read())\narr = np.array(values)", "unknown trip count"),
        Valid("import numpy as np\nvalues = []\nfor i in range(n):\n    if ok(i):\n        values.append(f(i))\narr = np.array(values)", "conditional append"),
        Valid("import numpy as np\nvalues = []\nfor i in range(n):\n    values.append(f(i))\narr = np.array(values)\nlog(values)", "the list is used again"),
        Valid("import numpy as np\nvalues = []\nfor line in handle:\n    values.append(float(line))\narr = np.array(values)", "iterating a file: length unknown"),
        Valid("import numpy as np\nvalues = []\nfor i in range(n):\n    values.append(f(i))\n    if done(i):\n        break\narr = np.array(values)", "break: the count is not the trip count"),
        Valid("import numpy as np\nvalues = []\nfor i in range(n):\n    values.append(f(i))\narr = np.array(values, dtype=object)", "object arrays keep the boxes anyway"),
        Valid(
            "import numpy as np\ndef f(n, c):\n    vals = []\n    if c:\n        for i in range(n):\n            vals.append(i)\n    else:\n        vals.append(0)\n    return np.array(vals)",
            "the other branch appends too: not one item per iteration",
        ),
        Valid(
            "import numpy as np\ndef f(n, c):\n    vals = []\n    if c:\n        for i in range(n):\n            vals.append(i)\n        vals.append(-1)\n    return np.array(vals)",
            "appended after the loop too",
        ),
        Valid(
            "import numpy as np\ndef f(n):\n    vals = []\n    for i in range(n):\n        vals.append(i)\n    arr = np.array(vals)\n    vals.append(n)\n    return arr, vals",
            "the list lives on after the conversion",
        ),
        Valid(
            "import numpy as np\ndef f(n):\n    vals = []\n    for i in range(n):\n        vals.append(i)\n    show = lambda: vals\n    return np.array(vals), show",
            "a closure holds the list",
        ),
        Valid("def array(x):\n    return x\nvalues = []\nfor i in range(n):\n    values.append(i)\narr = array(values)", "not numpy"),
    ]
    INVALID = [
        Invalid("import numpy as np\nvalues = []\nfor i in range(n):\n    values.append(f(i))\narr = np.array(values)"),
        Invalid("import numpy\ndef build(xs):\n    out = []\n    for x in range(len(xs)):\n        out.append(xs[x] * 2)\n    return numpy.asarray(out, dtype=float)"),
        Invalid("from numpy import array\nys = list()\nfor t in range(steps):\n    ys.append(model(t))\nresult = array(ys)"),
        Invalid("import numpy as np\npoints = list(source)\nsq = []\nfor p in points:\n    sq.append(p * p)\nsq_arr = np.array(sq)", note="iterating a list: its length is known before the loop"),
        Invalid("import numpy as np\ndef go(grid, n):\n    rows = []\n    for r in np.arange(n):\n        rows.append(grid[r].sum())\n    return np.array(rows)"),
        Invalid(
            "import numpy as np\ndef spiral(G, equidistant, theta):\n    pos = []\n    if equidistant:\n        for _ in range(len(G)):\n            theta += 1 / theta\n            pos.append([np.cos(theta), np.sin(theta)])\n    else:\n        pos = np.zeros((len(G), 2))\n    pos = np.array(pos) + 1\n    return pos",
            note="the loop in one branch of an `if` (the other rebinds the name); the conversion rebinds it (networkx's spiral_layout)",
        ),
        Invalid(
            "import numpy as np\ndef squares(n):\n    vals = []\n    for i in range(n):\n        vals.append(i * i)\n    vals = np.asarray(vals)\n    return vals.sum(), vals",
            note="the conversion rebinds the list's own name: later reads see the array",
        ),
        Invalid("import numpy as np\nsamples = np.linspace(0, 1, 100_000)\nres = []\nfor s in samples:\n    res.append(s ** 2)\nout = np.asarray(res)"),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        if not matches(node, CONVERSION) or any(matches(arg, OBJECT_DTYPE) for arg in node.args):
            return
        converter = CONVERTERS.get(qualified_name(self.context, node.func) or "")
        if converter is None:
            return
        name = cst.ensure_type(node.args[0].value, cst.Name)
        scope = scope_of(self.context, name)
        if binding_sites(scope, name.value) is None:
            return  # `global`/`nonlocal`: bound elsewhere too
        found = self._fill(scope, name, node)
        if found is None:
            return
        loop, append = found
        estimate = appended_estimate(self.context, cst.ensure_type(loop.node, cst.For), append.args[0].value)
        self.report(node, estimate=estimate, name=name.value, converter=converter)

    def _fill(self, scope: cst.CSTNode, name: cst.Name, conversion: cst.Call) -> Optional[Tuple[Loop, cst.Call]]:
        """The loop filling the list `conversion` converts, and its `append` call, when the code
        is exactly: `name = []`; statements that do not use `name`, one of them the filling loop
        (or an `if` holding it in a branch, where other branches may only rebind `name`); then
        the statement converting it, after which the list is unreachable (that statement rebinds
        `name` or returns)."""
        reads = [n for n in findall(scope, m.Name(name.value)) if not self._attribute_or_keyword(n)]
        if any(scope_of(self.context, read) is not scope for read in reads):
            return None  # a nested function may use the list at any time
        position = {id(read): index for index, read in enumerate(reads)}
        converting = self._statement_in_block(conversion)
        if converting is None:
            return None
        statement, block = converting
        here = block.index(statement)
        start = self._empty_list_before(block, here, name.value)
        if start is None or enclosing_loop(self.context, conversion) != enclosing_loop(self.context, statement):
            return None
        first = position[id(cst.ensure_type(block[start], cst.SimpleStatementLine).body[0].targets[0].target)]  # type: ignore[attr-defined]
        inside = [read for read in reads if is_inside(self.context, read, statement)]
        last = position[id(inside[-1])]
        rebinds = matches(statement, _binding_line(name.value))
        if any(read is not conversion.args[0].value and not self._is_target_of(read, statement) for read in inside):
            return None  # the converting statement uses the list for something else too
        leaves = rebinds or matches(statement, RETURN_LINE)
        loops = enclosing_loops(self.context, block[start])
        for read in reads[:first]:
            if any(is_inside(self.context, read, outer.node) for outer in loops):
                return None  # read on the next iteration, before `name = []` runs again
        if reads[last + 1 :] and not leaves:
            return None  # the list stays bound after the conversion and is read again
        filled: List[Tuple[Loop, cst.Call]] = []
        if not self._block_fills(block[start + 1 : here], name.value, filled, top=True) or len(filled) != 1:
            return None
        return filled[0]

    def _block_fills(self, statements: Sequence[cst.BaseStatement], name: str, filled: List[Tuple[Loop, cst.Call]], top: bool) -> bool:
        """Do `statements` use the list only by filling it once in a loop (collected in
        `filled`), or, in a branch (`top` False), by rebinding `name` before any other use?"""
        mine = len(filled)
        rebound = False
        for statement in statements:
            if not self._mentions(statement, name):
                continue
            if rebound:
                continue  # a new value: the list is gone on this path
            if len(filled) > mine:
                return False  # the list is used again after the filling loop
            if m.matches(statement, m.For()):
                found = self._filling_loop(cst.ensure_type(statement, cst.For), name)
                if found is None:
                    return False
                filled.append(found)
            elif m.matches(statement, m.If()):
                if not self._if_fills(cst.ensure_type(statement, cst.If), name, filled):
                    return False
            elif not top and self._rebinding(statement, name):
                rebound = True
            else:
                return False
        return True

    def _if_fills(self, branch: cst.If, name: str, filled: List[Tuple[Loop, cst.Call]]) -> bool:
        if self._mentions(branch.test, name):
            return False
        if not self._block_fills(_statements(branch.body), name, filled, top=False):
            return False
        orelse = branch.orelse
        if isinstance(orelse, cst.If):
            return self._if_fills(orelse, name, filled)
        if isinstance(orelse, cst.Else):
            return self._block_fills(_statements(orelse.body), name, filled, top=False)
        return True

    def _filling_loop(self, loop_node: cst.For, name: str) -> Optional[Tuple[Loop, cst.Call]]:
        """The loop and its `append`, when the loop's only use of the list is one unconditional
        `name.append(x)` per iteration of a loop of known trip count."""
        reads = [n for n in findall(loop_node, m.Name(name)) if not self._attribute_or_keyword(n)]
        if len(reads) != 1:
            return None
        loop = Loop(loop_node, None)
        appends = [s for s in loop.statements if matches(s, APPEND_LINE) and _receiver(s) is reads[0]]
        if not appends:
            return None
        if findall(loop_node.body, m.Break() | m.Continue() | m.Return() | m.Raise() | m.Yield()):
            return None
        if not self._known_count(loop_node.iter, loop):
            return None
        append = cst.ensure_type(cst.ensure_type(cst.ensure_type(appends[0], cst.SimpleStatementLine).body[0], cst.Expr).value, cst.Call)
        return loop, append

    def _statement_in_block(self, node: cst.CSTNode) -> Optional[Tuple[cst.SimpleStatementLine, List[cst.BaseStatement]]]:
        """The simple statement line holding `node`, and the statements of its block."""
        current: Optional[cst.CSTNode] = node
        while current is not None and not isinstance(current, cst.SimpleStatementLine):
            if isinstance(current, (cst.BaseCompoundStatement, cst.Lambda)):
                return None
            current = parent(self.context, current)
        holder = parent(self.context, current) if current is not None else None
        if current is None or not isinstance(holder, (cst.IndentedBlock, cst.Module)):
            return None
        return current, list(holder.body)

    @staticmethod
    def _empty_list_before(block: Sequence[cst.BaseStatement], here: int, name: str) -> Optional[int]:
        """The index of the last `name = []` before `here` in the block."""
        for index in range(here - 1, -1, -1):
            if matches(block[index], _binding_line(name, EMPTY_LIST)):
                return index
        return None

    def _rebinding(self, statement: cst.BaseStatement, name: str) -> bool:
        """`name = value` alone on its line, the value not reading `name`."""
        if not matches(statement, _binding_line(name)):
            return False
        value = cst.ensure_type(cst.ensure_type(statement, cst.SimpleStatementLine).body[0], cst.Assign).value
        return not self._mentions(value, name)

    def _mentions(self, node: cst.CSTNode, name: str) -> bool:
        return any(not self._attribute_or_keyword(n) for n in findall(node, m.Name(name)))

    def _attribute_or_keyword(self, name: cst.CSTNode) -> bool:
        holder = parent(self.context, name)
        return (isinstance(holder, cst.Attribute) and holder.attr is name) or (isinstance(holder, cst.Arg) and holder.keyword is name)

    def _is_target_of(self, read: cst.CSTNode, statement: cst.SimpleStatementLine) -> bool:
        first = statement.body[0]
        return isinstance(first, cst.Assign) and len(first.targets) == 1 and first.targets[0].target is read

    def _known_count(self, iterable: cst.BaseExpression, loop: Loop) -> bool:
        stated = known_length(self.context, iterable)
        if stated is not None and stated < TINY_LIMIT:
            return False  # under 1,000 items stated in the code: a few kB, nothing worth saving
        if stated is None and is_tiny(self.context, iterable):
            return False  # one item per dimension, `range(a.ndim)`, `np.linspace(a, b, 101)`
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


def _statements(body: cst.BaseSuite) -> Sequence[cst.BaseStatement]:
    return list(body.body) if isinstance(body, cst.IndentedBlock) else []


def _binding_line(name: str, value: m.BaseMatcherNode = m.DoNotCare()) -> m.SimpleStatementLine:
    """`name = value` alone on its line."""
    return m.SimpleStatementLine(body=[m.Assign(targets=[m.AssignTarget(target=m.Name(name))], value=value)])
