"""Is this value a *large* array or data frame? Found from the expression and the name's bindings.

A value counts as large when the code builds it with an allocating numpy or pandas call
(`np.zeros(n)`, `np.load(path)`, `np.random.rand(n, m)`, `pd.read_csv(path)`, `pd.DataFrame(...)`),
copies one (`x.copy()`, `x.astype(t)`), or computes it by arithmetic on a large operand
(`a * 2 + b` where `a` is a name bound only to large values in its scope). Constructors whose
shape is stated in the code as a small constant (`np.zeros(3)`, `np.eye(4)`, `np.array([1, 2])`)
are small. Views (`np.asarray`, `x.reshape`, `x.T`) allocate nothing and are not counted.

Needs `ParentNodeProvider` (names are resolved through the cheap scope index).
"""

from __future__ import annotations

import ast
import math
from typing import Dict, FrozenSet, List, Optional, Tuple

import libcst as cst
import libcst.matchers as m

from memlint.analysis.accumulators import Kind, binding_sites, scope_of
from memlint.analysis.loops import parent
from memlint.analysis.names import qualified_name
from memlint.matching import matches
from memlint.rule import Rule

# numpy functions that return a newly allocated array of a size the code does not bound.
ALLOCATING_NUMPY: FrozenSet[str] = frozenset(
    {
        "array", "copy", "zeros", "ones", "empty", "full", "zeros_like", "ones_like", "empty_like",
        "full_like", "arange", "linspace", "logspace", "geomspace", "concatenate", "stack",
        "vstack", "hstack", "dstack", "column_stack", "row_stack", "append", "insert", "delete",
        "tile", "repeat", "eye", "identity", "fromiter", "fromfile", "load", "loadtxt",
        "genfromtxt", "outer", "kron", "meshgrid", "indices", "cumsum", "cumprod", "sort",
        "where", "clip", "exp", "log", "sqrt", "abs", "dot", "matmul", "einsum",
    }
)
# Which positional arguments give the number of elements (None: all of them).
SHAPE_ARGUMENTS: Dict[str, Optional[Tuple[int, ...]]] = {
    "zeros": (0,), "ones": (0,), "empty": (0,), "full": (0,), "identity": (0,), "eye": (0, 1),
    "arange": None, "linspace": (2,), "logspace": (2,), "geomspace": (2,),
}
SHAPED = frozenset(SHAPE_ARGUMENTS)
SPACED = frozenset({"linspace", "logspace", "geomspace"})
RANDOM_ALL_POSITIONAL = frozenset({"rand", "randn", "random_sample", "random", "ranf", "sample"})
NOT_RANDOM_ARRAYS = frozenset({"seed", "default_rng", "RandomState", "Generator", "get_state", "set_state", "SeedSequence"})
PANDAS_FRAMES = frozenset({"pandas.DataFrame", "pandas.concat", "pandas.merge", "pandas.read_pickle"})
COPY_METHODS = frozenset({"copy", "astype", "flatten"})
ARITHMETIC = m.BinaryOperation() | m.UnaryOperation(operator=m.Minus() | m.Plus() | m.BitInvert())
SMALL_ELEMENTS = 10_000
TEST_FUNCTION = m.FunctionDef(name=m.Name(m.MatchIfTrue(lambda name: name.startswith("test"))))
TEST_CLASS = m.ClassDef(name=m.Name(m.MatchIfTrue(lambda name: name.startswith("Test"))))
MAX_DEPTH = 3


def large_kind(rule: Rule, expr: cst.BaseExpression, depth: int = 0) -> Optional[Kind]:
    """`Kind.ARRAY` or `Kind.FRAME` when `expr` evaluates to a large array or frame (module doc)."""
    if depth > MAX_DEPTH:
        return None
    if m.matches(expr, m.Call()):
        return _call_kind(rule, cst.ensure_type(expr, cst.Call), depth)
    if m.matches(expr, m.BinaryOperation()):
        binary = cst.ensure_type(expr, cst.BinaryOperation)
        left = large_kind(rule, binary.left, depth + 1)
        return left if left is not None else large_kind(rule, binary.right, depth + 1)
    if matches(expr, ARITHMETIC):
        return large_kind(rule, cst.ensure_type(expr, cst.UnaryOperation).expression, depth + 1)
    if m.matches(expr, m.Name()):
        return name_kind(rule, cst.ensure_type(expr, cst.Name), depth + 1)
    return None


def name_kind(rule: Rule, name: cst.Name, depth: int = 0) -> Optional[Kind]:
    """The large kind every binding of `name` in its scope gives it, when all agree; else None."""
    values = bound_values(rule, name)
    if not values:
        return None
    kinds = {large_kind(rule, value, depth) if value is not None else None for value in values}
    return kinds.pop() if len(kinds) == 1 else None


def in_test_code(rule: Rule, node: cst.CSTNode) -> bool:
    """Is `node` in a test: a file named `test_*.py`/`*_test.py`/`conftest.py`, a function named
    `test*` or a class named `Test*`? Test data are small by design."""
    filename = rule.context.path.replace("\\", "/").rsplit("/", 1)[-1]
    if filename.startswith("test_") or filename.endswith("_test.py") or filename == "conftest.py":
        return True
    current = parent(rule, node)
    while current is not None:
        if matches(current, TEST_FUNCTION) or matches(current, TEST_CLASS):
            return True
        current = parent(rule, current)
    return False


def bound_values(rule: Rule, name: cst.Name) -> Optional[List[Optional[cst.BaseExpression]]]:
    """The values bound to `name` in the scope it is read in (None items for bindings without a
    plain value, such as parameters); None when declared `global`/`nonlocal`. `x += y` counts
    as keeping the kind `x` had and is skipped."""
    scope = scope_of(rule, name)
    sites = binding_sites(scope, name.value)
    if sites is None:
        return None
    values: List[Optional[cst.BaseExpression]] = []
    for site in sites:
        holder = parent(rule, site)
        if m.matches(holder, m.AugAssign()):
            continue
        if m.matches(holder, m.AssignTarget()):
            statement = parent(rule, holder)
            if m.matches(statement, m.Assign()):
                values.append(cst.ensure_type(statement, cst.Assign).value)
                continue
        if m.matches(holder, m.AnnAssign()) and getattr(holder, "value") is not None:
            values.append(getattr(holder, "value"))
            continue
        values.append(None)
    return values


def _call_kind(rule: Rule, call: cst.Call, depth: int) -> Optional[Kind]:
    func = call.func
    if m.matches(func, m.Attribute()) and cst.ensure_type(func, cst.Attribute).attr.value in COPY_METHODS:
        receiver = cst.ensure_type(func, cst.Attribute).value
        kind = large_kind(rule, receiver, depth + 1)
        if kind is not None:
            return kind
    if not m.matches(func, m.Name() | m.Attribute()):
        return None
    name = qualified_name(rule, func)
    if name is None:
        return None
    if name in PANDAS_FRAMES or name.startswith("pandas.read_"):
        return Kind.FRAME
    if name.startswith("numpy.random.") and name.count(".") == 2:
        short = name[len("numpy.random.") :]
        if short in NOT_RANDOM_ARRAYS or not call.args:
            return None
        if short in RANDOM_ALL_POSITIONAL:
            return None if _small_shape(call, None) else Kind.ARRAY
        size = next((arg.value for arg in call.args if arg.keyword is not None and arg.keyword.value == "size"), None)
        if size is None:
            return None  # no size: a scalar
        values = _integers(size)
        return None if values is not None and _product(values) < SMALL_ELEMENTS else Kind.ARRAY
    if not name.startswith("numpy.") or name.count(".") != 1:
        return None
    short = name[len("numpy.") :]
    if short not in ALLOCATING_NUMPY:
        return None
    if short in ("array", "copy") and call.args and m.matches(call.args[0].value, m.List() | m.Tuple()):
        return None  # a literal display: as small as the code
    if short in SHAPED and _small_shape(call, SHAPE_ARGUMENTS[short]):
        return None
    if short not in SHAPED and short not in ("array", "copy", "load", "loadtxt", "genfromtxt", "fromfile", "fromiter"):
        # Element-wise functions and joins: large only when an input is.
        for arg in call.args:
            if arg.keyword is None and large_kind(rule, arg.value, depth + 1) is not None:
                return Kind.ARRAY
            if arg.keyword is None and m.matches(arg.value, m.List() | m.Tuple()):
                if any(large_kind(rule, e.value, depth + 1) is not None for e in getattr(arg.value, "elements")):
                    return Kind.ARRAY
        return None
    return Kind.ARRAY


def _small_shape(call: cst.Call, positions: Optional[Tuple[int, ...]]) -> bool:
    """Are the size arguments (`positions` of the positional ones, all when None, and the
    `shape`/`num`/`N`/`M` keywords) small integer constants (`zeros(3)`, `full(3, x)`)?
    An omitted `num` of `linspace` is its default, 50."""
    sizes: List[int] = []
    positional = [arg for arg in call.args if arg.keyword is None]
    if any(arg.star for arg in call.args):
        return False
    wanted = range(len(positional)) if positions is None else positions
    for index in wanted:
        if index >= len(positional):
            continue
        values = _integers(positional[index].value)
        if values is None:
            return False
        sizes.extend(abs(v) for v in values)
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value in ("shape", "num", "N", "M"):
            values = _integers(arg.value)
            if values is None:
                return False
            sizes.extend(values)
    if positions is None and sizes:
        return max(sizes) < SMALL_ELEMENTS  # arange(start, stop, step): at most max(|bounds|)
    return _product(sizes) < SMALL_ELEMENTS


def _product(values: List[int]) -> int:
    total = 1
    for value in values:
        total *= max(value, 1)
    return total


def _integers(expr: cst.BaseExpression) -> Optional[List[int]]:
    if m.matches(expr, m.Integer()):
        return [ast.literal_eval(cst.ensure_type(expr, cst.Integer).value)]
    if m.matches(expr, m.Tuple() | m.List()):
        values: List[int] = []
        for element in getattr(expr, "elements"):
            inner = _integers(element.value)
            if inner is None:
                return None
            values.extend(inner)
        return values
    if m.matches(expr, m.Float()):
        value = float(cst.ensure_type(expr, cst.Float).value)
        return [int(value)] if math.isfinite(value) else None  # 1e400 is inf: no integer size
    return None
