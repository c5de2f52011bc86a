from __future__ import annotations

import ast

import libcst as cst

from memlint import matchers as m
from memlint.analysis.estimates import allocation_estimate
from memlint.analysis.escapes import result_escapes
from memlint.analysis.loops import enclosing_loop, loop_bindings, parent, repeats_often
from memlint.analysis.names import qualified_name
from memlint.analysis.values import value_of
from memlint.findings import Tier
from memlint.matching import matches
from memlint.rule import Invalid, Valid
from memlint.rules._bases import LoopDepthRule
from memlint.traversal import findall

ALLOCATORS = {
    "numpy.zeros": "np.zeros",
    "numpy.empty": "np.empty",
    "numpy.ones": "np.ones",
    "numpy.full": "np.full",
    "builtins.bytearray": "bytearray",
}
BOUND_TO_NAME = m.Assign(targets=[m.AssignTarget(target=m.Name())])
LITERAL = m.Integer() | m.Float() | m.Name("True") | m.Name("False")
REPEATED_LIST = m.BinaryOperation(operator=m.Multiply(), left=m.List(elements=[m.Element(value=LITERAL)]))
LEN_CALL = m.Call(func=m.Name("len"))
INTEGER_SHAPE = m.Integer() | m.Tuple(elements=[m.ZeroOrMore(m.Element(value=m.Integer()))])
SMALL_SIZE = 1000


class LoopInvariantAllocation(LoopDepthRule):
    """
    ## What it does
    Flags a buffer allocated on every iteration of a loop with arguments the loop does not
    change: `np.zeros(...)`, `np.empty(...)`, `np.ones(...)`, `np.full(...)`, `bytearray(n)` and
    `[0] * n` (a number or bool repeated), bound to a name whose value does not escape the iteration.

    ## Why is this bad?
    The new buffer is built while the previous iteration's one is still bound to the name, so
    the loop holds two buffers at its peak, and pays for the allocation (and zero-filling) every
    time. Measured with tracemalloc on CPython 3.11, 20 iterations of
    `acc = np.zeros((1000, 1000))` (8 MB) peak at +16 MB; allocating once with `np.empty` and
    calling `acc.fill(0)` in the loop peaks at +8 MB.

    It does not apply, and memlint stays silent, when an argument changes in the loop, when the
    size is a constant below 1,000 items, when the loop iterates over fewer than 100 items
    stated in the code, when the buffer escapes the iteration (stored,
    appended, yielded, returned, aliased: each iteration then needs its own), when `del` already
    releases it inside the loop, or when the loop body runs at most once.

    ## Precision policy
    Reported only on *data-sized* evidence, shown in the message (analysis/values.py): a
    constant size of 10,000 elements or more (the product of the dimensions), or a size taken
    from data-sized input (`np.zeros(image.shape)` for an image read by `np.load`,
    `[0] * len(words)` for the words of a file). A size of unknown magnitude (`np.zeros(n)`) is
    not reported: on real code most such buffers were small.

    ## Example
    ```python
    for frame in frames:
        acc = np.zeros((h, w))
        np.add(acc, frame, out=acc)
        totals.append(acc.sum())
    ```

    Use instead:
    ```python
    acc = np.empty((h, w))
    for frame in frames:
        acc.fill(0)
        np.add(acc, frame, out=acc)
        totals.append(acc.sum())
    ```

    ## Overlaps
    Ruff's PERF rules do not cover it. MEM401 reports large values reassigned in a loop without
    `del`; this rule reports the allocation itself when it could be hoisted.

    ## References
    - seed `001`: pre-allocating NumPy arrays and in-place functions
    - NumPy documentation, "ufunc `out` argument"
    """

    code = "MEM203"
    triggers = ("for|while",)
    name = "loop-invariant-allocation"
    message = "`{call}` allocates a new buffer on every iteration although its arguments do not change ({evidence}); allocate it once before the loop and reuse it (`.fill()`, `out=`, slice assignment)"
    tier = Tier.PREVIEW

    VALID = [
        Valid("import numpy as np\nacc = np.zeros(n)\nfor f in frames:\n    acc.fill(0)\n    use(acc, f)", "allocated once"),
        Valid("import numpy as np\nfor f in frames:\n    acc = np.zeros(f.shape)\n    use(acc, f)", "the shape depends on the loop variable"),
        Valid("import numpy as np\nfor f in frames:\n    acc = np.zeros(n)\n    results.append(acc)", "each buffer is kept"),
        Valid("import numpy as np\nfor f in frames:\n    acc = np.zeros(3)\n    use(acc, f)", "a small constant size"),
        Valid("import numpy as np\ndef gen(frames, n):\n    for f in frames:\n        buf = np.empty(n)\n        fill(buf, f)\n        yield buf", "yielded: each iteration hands out a new buffer"),
        Valid("import numpy as np\nfor f in frames:\n    buf = np.zeros(n)\n    use(buf, f)\n    del buf", "`del` already releases it"),
        Valid("def zeros(n):\n    return [0] * 3\nfor f in frames:\n    buf = zeros(n)\n    use(buf)", "not numpy's zeros"),
        Valid("for line in lines:\n    row = [0] * len(line)\n    use(row)", "the size depends on the loop variable"),
        Valid(
            "for i in range(n_samples):\n    batch = [None] * n_samples\n    fill(batch, i)\n    run(*batch)",
            "a list of placeholders, not a numeric buffer (scipy's _resampling)",
        ),
        Valid("import numpy as np\nfor i in range(4):\n    buf = np.zeros(n)\n    use(buf)", "four iterations stated in the code"),
        Valid("import numpy as np\nfor f in frames:\n    n = f.size\n    buf = np.zeros(n)\n    use(buf)", "the size is rebound in the loop"),
        Valid("import numpy as np\nfor frame in frames:\n    acc = np.zeros((h, w))\n    use(acc, frame)", "a size of unknown magnitude: no data-sized evidence"),
    ]
    INVALID = [
        Invalid("import numpy as np\nfor frame in frames:\n    acc = np.zeros((1000, 1000))\n    np.add(acc, frame, out=acc)\n    totals.append(acc.sum())"),
        Invalid("import numpy\nwhile running():\n    buf = numpy.empty(2**20, dtype=numpy.uint8)\n    read_into(buf)"),
        Invalid("import numpy as np\nfrom numpy import full\nimage = np.load(path)\nfor s in samples:\n    grid = full(image.shape, -1.0)\n    paint(grid, s)"),
        Invalid("def copy_all(src, dst):\n    for block in range(100):\n        chunk = bytearray(1 << 20)\n        src.readinto(chunk)\n        dst.write(chunk)"),
        Invalid("words = open(p).read().split()\nfor item in items:\n    counts = [0] * len(words)\n    tally(counts, item)\n    print(sum(counts))"),
        Invalid("import numpy as np\nshape = (2000, 2000)\nfor img in images:\n    mask = np.ones(shape, dtype=bool)\n    mask[img < 0] = False\n    out[img.id] = mask.sum()", note="written into, its sum stored"),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        if not self.maybe_in_loop or not m.matches(node.func, m.Name() | m.Attribute()):
            return
        if not any(m.matches(node.func, m.Name(n.split(".")[-1]) | m.Attribute(attr=m.Name(n.split(".")[-1]))) for n in ALLOCATORS):
            return
        if not m.matches(parent(self.context, node), BOUND_TO_NAME):
            return
        callee = ALLOCATORS.get(qualified_name(self.context, node.func) or "")
        if callee is None or not node.args:
            return
        size = node.args[0]
        if size.keyword is not None or size.star or _small_constant(size.value):
            return
        self._check(node, callee, [arg.value for arg in node.args])

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        if self.maybe_in_loop and matches(node, REPEATED_LIST) and m.matches(parent(self.context, node), BOUND_TO_NAME):
            if not _small_constant(node.right):
                self._check(node, "[...] * n", [node.right])

    def _check(self, node: cst.BaseExpression, callee: str, arguments: list) -> None:  # type: ignore[type-arg]
        loop = enclosing_loop(self.context, node)
        if loop is None or not repeats_often(self.context, loop):
            return
        varying = loop_bindings(loop.node)
        for argument in arguments:
            calls = findall(argument, m.Call())
            if any(not matches(call, LEN_CALL) for call in calls):
                return
            if any(varying.varies(name.value) for name in _read_names(argument)):
                return
        if result_escapes(self.context, node, loop.node):
            return
        value = value_of(self.context, node)
        if not value.data:
            return
        holder = cst.ensure_type(parent(self.context, node), cst.Assign)
        bound = cst.ensure_type(holder.targets[0].target, cst.Name).value
        if findall(loop.node, m.Del(target=m.Name(bound))):
            return
        self.report(
            node,
            estimate=allocation_estimate(self.context, node),
            call=f"{callee}(...)" if callee != "[...] * n" else callee,
            evidence=value.reason,
        )


def _read_names(node: cst.CSTNode) -> list:  # type: ignore[type-arg]
    """Names read in an expression, not attribute or keyword names."""
    names = []
    for found in findall(node, m.Name()):
        names.append(found)
    attributes = {id(a.attr) for a in findall(node, m.Attribute())}
    keywords = {id(a.keyword) for a in findall(node, m.Arg()) if a.keyword is not None}
    return [n for n in names if id(n) not in attributes and id(n) not in keywords]


def _small_constant(node: cst.BaseExpression) -> bool:
    if not matches(node, INTEGER_SHAPE):
        return False
    value = ast.literal_eval(cst.Module([]).code_for_node(node))
    total = 1
    for dim in value if isinstance(value, tuple) else (value,):
        total *= dim
    return total < SMALL_SIZE


