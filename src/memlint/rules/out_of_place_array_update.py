from __future__ import annotations

from typing import List, Optional, Tuple

import libcst as cst
import libcst.matchers as m
from libcst.metadata import ParentNodeProvider

from memlint.analysis.estimates import same_estimate
from memlint.analysis.values import in_test_code, value_of
from memlint.analysis.accumulators import Kind, binding_values
from memlint.analysis.lifetime import reads_name
from memlint.analysis.loops import enclosing_loop, parent, runs_at_most_once
from memlint.analysis.rewrite import parses
from memlint.analysis.values import known_length
from memlint.findings import Applicability, Tier
from memlint.matching import matches
from memlint.rule import FixAvailability, Invalid, Valid
from memlint.rules._bases import LoopDepthRule

UPDATE = m.Assign(targets=[m.AssignTarget(target=m.Name())], value=m.BinaryOperation())
IN_PLACE = {
    cst.Add: cst.AddAssign,
    cst.Subtract: cst.SubtractAssign,
    cst.Multiply: cst.MultiplyAssign,
    cst.Divide: cst.DivideAssign,
    cst.FloorDivide: cst.FloorDivideAssign,
    cst.Modulo: cst.ModuloAssign,
    cst.Power: cst.PowerAssign,
    cst.BitAnd: cst.BitAndAssign,
    cst.BitOr: cst.BitOrAssign,
    cst.BitXor: cst.BitXorAssign,
    cst.LeftShift: cst.LeftShiftAssign,
    cst.RightShift: cst.RightShiftAssign,
}


class OutOfPlaceArrayUpdate(LoopDepthRule):
    """
    ## What it does
    Flags `a = a * 2 + 1`, `a = a + b` and other chains of arithmetic that start from a large
    numpy array and rebind the same name, inside a loop.

    ## Why is this bad?
    Every operator allocates a new full-size array, and the old `a` stays alive until the
    assignment ends: a chain of k operators peaks at up to k + 1 arrays (numpy reuses a temporary
    in place where it can). Measured on CPython 3.11 with tracemalloc, `a = a * decay + step` on
    a 4,000,000-float array (32 MB) peaks at +64 MB counting the array itself;
    `a *= decay; a += step` at +32 MB, the array alone.

    It does not apply, and memlint stays silent, when `a` is not known to be a large array
    (bound only to numpy constructors, loaders, copies or arithmetic on them), when the chain
    does not start from `a` (`a = b * a`), for `@` (no in-place matrix product), when the loop
    runs at most once, and in test code (files `test_*.py`, functions `test*`, classes `Test*`).

    ## Precision policy
    The cost grows with the array: reported when every binding of the name allocates a numpy
    array that is *not proven tiny* (analysis/values.py: `np.zeros(3)`, an array built from a
    shape are tiny).

    ## Example
    ```python
    a = np.zeros(n)
    for step in steps:
        a = a * decay + step
    ```

    Use instead:
    ```python
    a = np.zeros(n)
    for step in steps:
        a *= decay
        a += step
    ```

    ## Fix safety
    Offered when no right operand reads `a`; unsafe: an in-place operator keeps `a`'s dtype
    (`a /= 2` on an integer array raises, `a += 0.5` on one casts), and every other name bound
    to the same array sees the change.

    ## Overlaps
    MEM401 covers the rebinding of a name to a new value that does not read the old one.

    ## References
    - NumPy documentation, "Copies and views" and the `out=` argument of ufuncs
    - seed `001`: in-place functions
    """

    code = "MEM402"
    triggers = ("numpy|pandas",)
    name = "out-of-place-array-update"
    message = "`{name} = {name} ...` allocates a new array for every operator while the old one is alive; update it in place"
    fix_title = "Use in-place operators"
    fix_availability = FixAvailability.SOMETIMES
    tier = Tier.PREVIEW
    METADATA_DEPENDENCIES = (ParentNodeProvider,)

    VALID = [
        Valid("import numpy as np\ndef f(im, steps):\n    pad = np.array(im.shape)\n    for _ in range(steps):\n        pad = pad * 2 + 1\n    return pad", "an array of one number per dimension: tiny"),
        Valid("import numpy as np\na = np.zeros(n)\nfor s in steps:\n    a *= 2", "already in place"),
        Valid("import numpy as np\na = np.zeros(n)\nfor s in steps:\n    a = b * a", "the chain does not start from `a`"),
        Valid("a = 0\nfor s in steps:\n    a = a + s", "not an array"),
        Valid("import numpy as np\na = np.zeros(n)\nfor s in steps:\n    a = a @ m", "no in-place matrix product"),
        Valid("import numpy as np\na = np.zeros(n)\na = a * 2 + 1", "not in a loop"),
        Valid("import numpy as np\na = np.zeros(4)\nfor s in steps:\n    a = a + s", "a small constant shape"),
        Valid("import numpy as np\nfor s in steps:\n    a = np.zeros(n)\n    a = s + a", "does not start from `a`"),
        Valid("import numpy as np\nclass TestDecay:\n    def check(self, n):\n        a = np.zeros(n)\n        for s in steps:\n            a = a * 2", "test code"),
    ]
    INVALID = [
        Invalid(
            "import numpy as np\na = np.zeros(n)\nfor step in steps:\n    a = a * decay + step",
            fixed="import numpy as np\na = np.zeros(n)\nfor step in steps:\n    a *= decay\n    a += step",
            applicability=Applicability.UNSAFE,
        ),
        Invalid(
            "import numpy as np\ndef smooth(x, k):\n    y = np.copy(x)\n    for _ in range(k):\n        y = y + np.roll(y, 1)\n    return y",
            note="the right operand reads `y`: no fix",
        ),
        Invalid(
            "import numpy as np\nu = np.random.rand(n, n)\nwhile not done():\n    # relax\n    u = u - 0.1 * lap(v)",
            fixed="import numpy as np\nu = np.random.rand(n, n)\nwhile not done():\n    # relax\n    u -= 0.1 * lap(v)",
            applicability=Applicability.UNSAFE,
        ),
        Invalid(
            "import numpy\nacc = numpy.ones(n)\nfor x in xs:\n    acc = acc / x",
            fixed="import numpy\nacc = numpy.ones(n)\nfor x in xs:\n    acc /= x",
            applicability=Applicability.UNSAFE,
        ),
        Invalid(
            "from numpy import load\ngrid = load(path)\nfor t in range(steps):\n    grid = (grid ** 2) % m",
            fixed="from numpy import load\ngrid = load(path)\nfor t in range(steps):\n    grid **= 2\n    grid %= m",
            applicability=Applicability.UNSAFE,
        ),
        Invalid(
            "import numpy as np\nb = np.ones(n)\nfor i in items:\n    b = b + 1; log(i)",
            fixed="import numpy as np\nb = np.ones(n)\nfor i in items:\n    b += 1; log(i)",
            applicability=Applicability.UNSAFE,
            note="one operator: replaced where it stands",
        ),
    ]

    def visit_Assign(self, node: cst.Assign) -> None:
        if not (self.maybe_in_loop and matches(node, UPDATE)):
            return
        target = cst.ensure_type(node.targets[0].target, cst.Name)
        steps = _chain(node.value, target.value)
        if steps is None:
            return
        loop = enclosing_loop(self.context, node)
        if loop is None or runs_at_most_once(loop, lambda e: known_length(self.context, e)) or in_test_code(self.context, node):
            return
        values = binding_values(self.context, target, loop)
        if not values or any(v is None or not self._fresh_array(v) for v in values):
            return
        fix = None
        if not any(reads_name(operand, target.value) for _, operand in steps):
            fix = self._fix(node, target, steps)
        # Each operator allocates a temporary the size of the array, while the array is alive.
        sizes = same_estimate(self.context, [v for v in values if v is None or not reads_name(v, target.value)])
        self.report(node, fix=fix, estimate=sizes, name=target.value)

    def _fresh_array(self, value: cst.BaseExpression) -> bool:
        """A numpy array the binding allocates, not proven tiny (the precision policy)."""
        found = value_of(self.context, value)
        return found.kind is Kind.ARRAY and found.allocates and not found.tiny

    def _fix(self, node: cst.Assign, target: cst.Name, steps: List[Tuple[cst.BaseBinaryOp, cst.BaseExpression]]):  # type: ignore[no-untyped-def]
        updates = [
            cst.AugAssign(target=target, operator=IN_PLACE[type(op)](), value=_bare(operand)) for op, operand in steps
        ]
        if len(updates) == 1:
            return self.make_fix(Applicability.UNSAFE, (node, updates[0]))
        line = parent(self.context, node)
        if not m.matches(line, m.SimpleStatementLine(body=[m.Assign()])):
            return None
        line = cst.ensure_type(line, cst.SimpleStatementLine)
        lines = [cst.SimpleStatementLine(body=[update]) for update in updates]
        lines[0] = lines[0].with_changes(leading_lines=line.leading_lines)
        lines[-1] = lines[-1].with_changes(trailing_whitespace=line.trailing_whitespace)
        return self.make_fix(Applicability.UNSAFE, (line, cst.FlattenSentinel(lines)))


def _chain(value: cst.BaseExpression, name: str) -> Optional[List[Tuple[cst.BaseBinaryOp, cst.BaseExpression]]]:
    """`[(op1, r1), (op2, r2)]` for `name op1 r1 op2 r2` (left-associative), or None."""
    steps: List[Tuple[cst.BaseBinaryOp, cst.BaseExpression]] = []
    current = value
    while m.matches(current, m.BinaryOperation()):
        binary = cst.ensure_type(current, cst.BinaryOperation)
        if type(binary.operator) not in IN_PLACE:
            return None
        steps.append((binary.operator, binary.right))
        current = binary.left
    if not m.matches(current, m.Name(name)) or not steps:
        return None
    steps.reverse()
    return steps


def _bare(expr: cst.BaseExpression) -> cst.BaseExpression:
    """The operand without redundant outer parentheses (`x op= (y)` reads oddly)."""
    if expr.lpar and not m.matches(expr, m.Tuple() | m.GeneratorExp()):
        bare = expr.with_changes(lpar=[], rpar=[])
        return bare if parses(bare) else expr
    return expr
