from __future__ import annotations

from typing import List, NamedTuple, Optional

import libcst as cst

from memlint import matchers as m
from memlint.analysis.estimates import same_estimate
from memlint.analysis.values import in_test_code, short_code, value_of
from memlint.analysis.accumulators import Kind, binding_values
from memlint.analysis.lifetime import reads_name
from memlint.analysis.loops import enclosing_loop, parent, runs_at_most_once
from memlint.analysis.rewrite import parses
from memlint.analysis.values import known_length
from memlint.findings import Applicability, Tier
from memlint.matching import matches
from memlint.rule import FixAvailability, Invalid, Valid
from memlint.rules._bases import LoopDepthRule
from memlint.traversal import findall

UPDATE = m.Assign(targets=[m.AssignTarget(target=m.Name())], value=m.BinaryOperation())
# Operators whose operands commute on numbers (IEEE `+` and `*` included): `b + a` is `a + b`.
COMMUTATIVE = (cst.Add, cst.Multiply, cst.BitAnd, cst.BitOr, cst.BitXor)
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


class Step(NamedTuple):
    """One in-place update: `name <operator>= operand`; `swapped` when the operand stood left."""

    operator: cst.BaseBinaryOp
    operand: cst.BaseExpression
    swapped: bool


class OutOfPlaceArrayUpdate(LoopDepthRule):
    """
    ## What it does
    Flags `a = a * 2 + 1`, `a = a + b` and other chains of arithmetic on a large numpy array that
    rebind the same name, inside a loop, where in-place operators compute the same thing: `a`
    starts the chain, or stands right of an operator whose operands commute
    (`a = 2 * a + b`, `a = b + a * c`: `+ * & | ^`).

    ## Why is this bad?
    Every operator allocates a new full-size array, and the old `a` stays alive until the
    assignment ends: a chain of k operators peaks at up to k + 1 arrays (numpy reuses a temporary
    in place where it can). Measured on CPython 3.11 with tracemalloc, `a = a * decay + step` on
    a 4,000,000-float array (32 MB) peaks at +64 MB counting the array itself;
    `a *= decay; a += step` at +32 MB, the array alone.

    It does not apply, and memlint stays silent:
    - when `a` is not known to be a large array (bound only to numpy constructors, loaders,
      copies, `x.copy().view(np.ndarray)` or arithmetic on them);
    - when `a` stands right of an operator whose operands do not commute (`a = b - a`,
      `a = b / a`): no in-place form computes it exactly;
    - when `a` reaches the chain through an operation with no in-place form (`@`, a call):
      `a = (p @ a) + b` allocates `p @ a` anyway, and numpy's temporary elision already adds
      `b` into that new array in place (arrays of 256 KiB or more; measured on CPython 3.11
      and numpy 2.4 on Linux, with a dense and a scipy.sparse `p`), so `a = p @ a; a += b`
      peaks as high;
    - when the loop runs at most once, and in test code (files `test_*.py`, functions `test*`,
      classes `Test*`).

    ## Precision policy
    The cost grows with the array: reported when every binding of the name allocates a numpy
    array that is *not proven tiny* (analysis/values.py: `np.zeros(3)`, an array built from a
    shape are tiny). The same policy holds where `a` stands right of a commuting operator and
    where it is bound by `x.copy().view(np.ndarray)` (a plain view of a fresh copy, which the
    name alone holds; `x.view(np.ndarray)` without the copy shares `x`'s buffer and is not
    reported).

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
    Offered when no operand reads `a`, and when every operand that moves after an update
    (`b` in `a = b + a * c`, which becomes `a *= c; a += b`) is free of calls (the message
    then shows the rewrite); unsafe: an in-place operator keeps `a`'s dtype (`a /= 2` on an
    integer array raises, `a += 0.5` on one casts) and `a`'s shape (an operand of more dimensions broadcasts `a = a + b` to a bigger
    result, which `a += b` refuses), and every other name bound to the same array sees the
    change. Swapping the operands of `+`, `*`, `&`, `|`, `^` is exact for numbers (IEEE addition
    and multiplication commute), not for object arrays whose elements' `+` does not (strings).

    ## Overlaps
    MEM401 covers the rebinding of a name to a new value that does not read the old one.

    ## References
    - NumPy documentation, "Copies and views" and the `out=` argument of ufuncs
    - seed `001`: in-place functions
    """

    code = "MEM402"
    triggers = ("numpy|pandas",)
    name = "out-of-place-array-update"
    message = "`{shown}` allocates a new array for every operator while the old one is alive; update it in place{rewrite}{note}"
    fix_title = "Use in-place operators"
    fix_availability = FixAvailability.SOMETIMES
    tier = Tier.PREVIEW

    VALID = [
        Valid("import numpy as np\ndef f(im, steps):\n    pad = np.array(im.shape)\n    for _ in range(steps):\n        pad = pad * 2 + 1\n    return pad", "an array of one number per dimension: tiny"),
        Valid("import numpy as np\na = np.zeros(n)\nfor s in steps:\n    a *= 2", "already in place"),
        Valid(
            "import numpy as np\ndef smooth(mesh, passes):\n    vertices = mesh.vertices.view(np.ndarray)\n    for _ in range(passes):\n        vertices = vertices * 0.5",
            "a view of the mesh's own buffer: in place would change the mesh",
        ),
        Valid("import numpy as np\na = np.zeros(n)\nfor s in steps:\n    a = b - a", "`-` does not commute: no exact in-place form"),
        Valid("import numpy as np\na = np.zeros(n)\nfor s in steps:\n    a = b / (a * 2)", "`a` is the divisor"),
        Valid(
            "import numpy as np\nF = np.zeros((n, k))\nfor _ in range(max_iter):\n    F = (P @ F) + B",
            "`P @ F` is a new array anyway, and numpy already adds `B` into it in place: nothing to save",
        ),
        Valid("a = 0\nfor s in steps:\n    a = a + s", "not an array"),
        Valid("import numpy as np\na = np.zeros(n)\nfor s in steps:\n    a = a @ m", "no in-place matrix product"),
        Valid("import numpy as np\na = np.zeros(n)\na = a * 2 + 1", "not in a loop"),
        Valid("import numpy as np\na = np.zeros(4)\nfor s in steps:\n    a = a + s", "a small constant shape"),
        Valid("import numpy as np\nfor s in steps:\n    a = np.zeros(n)\n    a = s + a", "`a` is reset on every iteration"),
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
        Invalid(
            "import numpy as np\ndef smooth(mesh, passes, center):\n    vertices = mesh.vertices.copy().view(np.ndarray)\n    for _ in range(passes):\n        vertices = (vertices - center) * 0.5 + center\n    return vertices",
            fixed="import numpy as np\ndef smooth(mesh, passes, center):\n    vertices = mesh.vertices.copy().view(np.ndarray)\n    for _ in range(passes):\n        vertices -= center\n        vertices *= 0.5\n        vertices += center\n    return vertices",
            applicability=Applicability.UNSAFE,
            note="a plain view of a fresh copy: the function owns the array (trimesh's smoothing)",
        ),
        Invalid(
            "import numpy as np\nF = np.zeros((n, k))\nfor _ in range(max_iter):\n    F = alpha * F + B",
            fixed="import numpy as np\nF = np.zeros((n, k))\nfor _ in range(max_iter):\n    F *= alpha\n    F += B",
            applicability=Applicability.UNSAFE,
            note="`alpha * F` is `F * alpha`: the operands of `*` commute",
        ),
        Invalid(
            "import numpy as np\nw = np.ones(n)\nfor g in grads:\n    w = bias + w * (1 - rate)",
            fixed="import numpy as np\nw = np.ones(n)\nfor g in grads:\n    w *= 1 - rate\n    w += bias",
            applicability=Applicability.UNSAFE,
        ),
        Invalid(
            "import numpy as np\nw = np.ones(n)\nfor g in grads:\n    w = step(g) + w * 0.5",
            note="`step(g)` would be called after `w *= 0.5`: no fix",
        ),
        Invalid(
            "import numpy as np\nw = np.ones(n)\nfor g in grads:\n    w = step(g) * w",
            fixed="import numpy as np\nw = np.ones(n)\nfor g in grads:\n    w *= step(g)",
            applicability=Applicability.UNSAFE,
            note="one update: `step(g)` is still called before `w` changes",
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
        rewrite = ""
        # An operand evaluated after an update (a swapped one: `b` in `a = b + a * c`) must not
        # see it: no operand reads `a`, and a moved operand calls nothing.
        exact = not any(reads_name(step.operand, target.value) for step in steps)
        if exact and all(_call_free(step.operand) for step in steps[1:] if step.swapped):
            rewrite = ": `" + "; ".join(
                f"{target.value} {_symbol(step.operator)}= {short_code(_bare(step.operand), 24)}" for step in steps
            ) + "`"
            fix = self._fix(node, target, steps)
        # Each operator allocates a temporary the size of the array, while the array is alive.
        sizes = same_estimate(self.context, [v for v in values if v is None or not reads_name(v, target.value)])
        swapped = sorted({f"`{_symbol(step.operator)}`" for step in steps if step.swapped})
        note = f" (the operands of {' and '.join(swapped)} swapped, exact for numbers)" if swapped and rewrite else ""
        shown = f"{target.value} = {short_code(node.value, 32)}"
        self.report(node, fix=fix, estimate=sizes, shown=shown, rewrite=rewrite, note=note)

    def _fresh_array(self, value: cst.BaseExpression) -> bool:
        """A numpy array the binding allocates, not proven tiny (the precision policy)."""
        found = value_of(self.context, value)
        return found.kind is Kind.ARRAY and found.allocates and not found.tiny

    def _fix(self, node: cst.Assign, target: cst.Name, steps: List[Step]):  # type: ignore[no-untyped-def]
        updates = [
            cst.AugAssign(target=target, operator=IN_PLACE[type(step.operator)](), value=_bare(step.operand)) for step in steps
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


def _chain(value: cst.BaseExpression, name: str) -> Optional[List[Step]]:
    """The in-place updates that compute `value` into `name`, innermost first, or None.

    `name op r` gives `name op= r`; `l op name` gives `name op= l` only for an operator whose
    operands commute (`+ * & | ^`): `b - a`, `b / a` or `b @ a` have no exact in-place form.
    An operator without an in-place form on the way (`(p @ a) + b`) gives None: numpy's
    temporary elision already adds `b` into the new array `p @ a`, so there is nothing to save.
    """
    steps = _path(value, name)
    return steps if steps else None


def _path(expr: cst.BaseExpression, name: str) -> Optional[List[Step]]:
    if m.matches(expr, m.Name(name)):
        return []
    if not isinstance(expr, cst.BinaryOperation) or type(expr.operator) not in IN_PLACE:
        return None
    inner = _path(expr.left, name)
    if inner is not None:
        return inner + [Step(expr.operator, expr.right, swapped=False)]
    if type(expr.operator) in COMMUTATIVE:
        inner = _path(expr.right, name)
        if inner is not None:
            return inner + [Step(expr.operator, expr.left, swapped=True)]
    return None


def _call_free(expr: cst.BaseExpression) -> bool:
    """No call, `await`, `yield` or walrus: evaluating it later cannot observe the update."""
    return not findall(expr, m.Call() | m.Await() | m.Yield() | m.NamedExpr())


def _bare(expr: cst.BaseExpression) -> cst.BaseExpression:
    """The operand without redundant outer parentheses (`x op= (y)` reads oddly)."""
    if expr.lpar and not m.matches(expr, m.Tuple() | m.GeneratorExp()):
        bare = expr.with_changes(lpar=[], rpar=[])
        return bare if parses(bare) else expr
    return expr


def _symbol(operator: cst.BaseBinaryOp) -> str:
    return cst.Module([]).code_for_node(operator).strip()
