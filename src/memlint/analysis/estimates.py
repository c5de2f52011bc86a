"""Bytes at stake, estimated where the code states the size, from the running interpreter's sizes.

Nothing here is a hard-coded byte count: a list's slots are `sys.getsizeof([])` plus the pointer
size (`struct.calcsize("P")`) per item, a tuple's `sys.getsizeof(())` plus a pointer per item, an
int costs `sys.getsizeof` of that very int, a float `sys.getsizeof(0.0)`, a numpy element its
dtype's item size (`numpy.dtype(x).itemsize` when numpy can be imported, imported only when an
array estimate is asked for; otherwise the C type's `struct.calcsize`).

What is estimated:
- a list (or tuple) built by a comprehension, a generator expression in `list()`/`tuple()`/
  `sorted()`, or `list(range(...))`, over constant `range()`s and displays, without `if` clauses:
  the container's slots plus the items it keeps alive, when the element is computable from the
  loop variables and literals (`x`, `x * x`, `x / 2`, `(x, str(x))`). Literals are constants
  shared by every item and cost nothing; so do CPython's cached small ints (the cache's bounds are
  probed at run time, -5..256 on CPython) and one-character latin-1 strings. The item sizes of a
  long loop are averaged over a fixed, seeded sample of its iterations. An element that cannot be
  computed (`f(x)`) gives a *partial* estimate: the slots alone, said as such, never used by
  `min-bytes`;
- `[x] * n` (n slots of the same objects), `bytearray(n)`, `bytes(n)`;
- numpy's `zeros`, `ones`, `empty`, `full`, `arange`, `linspace`, `eye`, `identity`,
  `random.rand`/`randn`/`random`/`random_sample` with a constant shape and dtype (default float64;
  `full` takes its fill value's type): elements times item size, the data buffer only.

An estimate counts what `sys.getsizeof` reports. It leaves out the spare slots a list grown by a
comprehension keeps (CPython over-allocates by up to 1/8) and the allocator's rounding (CPython
3.11+ allocates 32 bytes for an int `sys.getsizeof` calls 28): measured with `tracemalloc`, a
comprehension of a million ints takes about 10% more than its estimate (tests/analysis/test_estimates.py).

The human form uses decimal units, `kB` = 1,000 bytes, `MB` = 1,000,000, `GB`, `TB`, with one
decimal below 10 and none above: "~36 MB", "~8.4 kB", "~640 bytes".
"""

from __future__ import annotations

import itertools
import operator
import re
import struct
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

if TYPE_CHECKING:  # pragma: no cover
    import random  # imported by _measure, the one function that samples

import libcst as cst

from memlint import matchers as m
from memlint.analysis.names import qualified_name
from memlint.analysis.numpy_api import NUMPY
from memlint.analysis.values import STARRED_ELEMENT, comprehension_length, constant_int, constant_range, known_length
from memlint.matching import matches
from memlint.context import LintContext
from memlint.units import human_bytes

POINTER = struct.calcsize("P")
LIST_HEADER = sys.getsizeof([])
TUPLE_HEADER = sys.getsizeof(())
FLOAT_SIZE = sys.getsizeof(0.0)
EXACT_LIMIT = 2048  # loops up to this many iterations are evaluated item by item
SAMPLES = 1024  # longer ones: one seeded random iteration from each of this many strata

Comprehension = Union[cst.ListComp, cst.GeneratorExp]
CONTAINER_CALLS = {"builtins.list": "list", "builtins.tuple": "tuple", "builtins.sorted": "list"}
CONSTANT = m.Integer() | m.Float() | m.Imaginary() | m.SimpleString() | m.Name("None") | m.Name("True") | m.Name("False")


@dataclass(frozen=True)
class Estimate:
    """`nbytes` at stake in `what` ("a list of 1,000,000 ints"). A partial estimate counts only
    the container's slots (its items' sizes are unknown): it is a lower bound, not the figure."""

    nbytes: int
    what: str
    partial: bool = False

    @property
    def known_bytes(self) -> Optional[int]:
        """The figure a finding carries, and `min-bytes` compares: None for a partial estimate."""
        return None if self.partial else self.nbytes

    def describe(self) -> str:
        if self.partial:
            return f"{self.what}, ~{human_bytes(self.nbytes)} for the slots alone, plus the items"
        return f"{self.what}, ~{human_bytes(self.nbytes)}"


# -- object sizes of this interpreter -------------------------------------------------------------
def _probe_small_ints() -> range:
    """The ints CPython caches (`int("5") is int("5")`), probed once: -5..256 on CPython."""
    low = 0
    while low > -1024 and int(str(low - 1)) is int(str(low - 1)):
        low -= 1
    high = 0
    while high < 1024 and int(str(high + 1)) is int(str(high + 1)):
        high += 1
    if int("0") is not int("0"):
        return range(0)  # no cache at all
    return range(low, high + 1)


SMALL_INTS = _probe_small_ints()


def object_bytes(value: Any) -> int:
    """What a freshly computed `value` adds to memory: nothing for cached objects."""
    if value is None or isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return 0 if value in SMALL_INTS else sys.getsizeof(value)
    if isinstance(value, str):
        return 0 if len(value) == 1 and ord(value) < 256 else sys.getsizeof(value)
    if isinstance(value, tuple):
        return sys.getsizeof(value) + sum(object_bytes(item) for item in value) if value else 0
    return sys.getsizeof(value)


def list_bytes(length: int) -> int:
    return LIST_HEADER + POINTER * length


def tuple_bytes(length: int) -> int:
    return TUPLE_HEADER + POINTER * length if length else 0


def container_bytes(kind: str, length: int) -> int:
    return tuple_bytes(length) if kind == "tuple" else list_bytes(length)


# -- evaluating an element from its loop variables ---------------------------------------------------
class _Unknown(Exception):
    """The element cannot be computed statically."""


_UNSET = object()
ARITHMETIC: Dict[type, Callable[[Any, Any], Any]] = {
    cst.Add: operator.add,
    cst.Subtract: operator.sub,
    cst.Multiply: operator.mul,
    cst.Divide: operator.truediv,
    cst.FloorDivide: operator.floordiv,
    cst.Modulo: operator.mod,
    cst.Power: operator.pow,
    cst.LeftShift: operator.lshift,
    cst.RightShift: operator.rshift,
    cst.BitAnd: operator.and_,
    cst.BitOr: operator.or_,
    cst.BitXor: operator.xor,
}
CONVERSIONS: Dict[str, Callable[[Any], Any]] = {"builtins.float": float, "builtins.str": str, "builtins.abs": abs, "builtins.int": int}
MAX_BITS = 4096


class _Element:
    """Computes an element expression for given loop-variable values; returns (value, new bytes)."""

    def __init__(self, context: LintContext) -> None:
        self.context = context

    def cost(self, node: cst.BaseExpression, env: Dict[str, Any]) -> Tuple[Any, int]:
        if matches(node, CONSTANT) or (m.matches(node, m.Tuple()) and _all_constant(node)):
            return self.value(node, env), 0  # a constant of the code object, shared by every item
        if m.matches(node, m.Tuple()):
            items = [self.cost(element.value, env) for element in cst.ensure_type(node, cst.Tuple).elements]
            if any(matches(element, STARRED_ELEMENT) for element in cst.ensure_type(node, cst.Tuple).elements):
                raise _Unknown
            return tuple(value for value, _ in items), tuple_bytes(len(items)) + sum(size for _, size in items)
        value = self.value(node, env)
        return value, object_bytes(value)

    def value(self, node: cst.BaseExpression, env: Dict[str, Any]) -> Any:
        if m.matches(node, m.Name()):
            name = cst.ensure_type(node, cst.Name).value
            if name in env:
                if env[name] is _UNSET:
                    raise _Unknown
                return env[name]
            constants = {"None": None, "True": True, "False": False}
            if name in constants:
                return constants[name]
            raise _Unknown
        if m.matches(node, m.Integer() | m.Float() | m.Imaginary() | m.SimpleString()):
            return getattr(node, "evaluated_value")
        if m.matches(node, m.Tuple()):
            return tuple(self.value(element.value, env) for element in cst.ensure_type(node, cst.Tuple).elements)
        if m.matches(node, m.UnaryOperation(operator=m.Minus() | m.Plus() | m.BitInvert())):
            unary = cst.ensure_type(node, cst.UnaryOperation)
            operand = self.value(unary.expression, env)
            if m.matches(unary.operator, m.Minus()):
                return self._checked(operator.neg, operand)
            if m.matches(unary.operator, m.Plus()):
                return self._checked(operator.pos, operand)
            return self._checked(operator.invert, operand)
        if m.matches(node, m.BinaryOperation()):
            binary = cst.ensure_type(node, cst.BinaryOperation)
            operation = ARITHMETIC.get(type(binary.operator))
            if operation is None:
                raise _Unknown
            left, right = self.value(binary.left, env), self.value(binary.right, env)
            if isinstance(binary.operator, (cst.Power, cst.LeftShift)) and not (
                isinstance(right, (int, float)) and -64 <= right <= 64
            ):
                raise _Unknown
            return self._checked(operation, left, right)
        if m.matches(node, m.Call(args=[m.Arg(keyword=None, star="")])):
            call = cst.ensure_type(node, cst.Call)
            conversion = CONVERSIONS.get(qualified_name(self.context, call.func) or "")
            if conversion is None:
                raise _Unknown
            return self._checked(conversion, self.value(call.args[0].value, env))
        raise _Unknown

    @staticmethod
    def _checked(operation: Callable[..., Any], *operands: Any) -> Any:
        if not all(isinstance(x, (int, float, str, complex)) and not isinstance(x, bool) for x in operands):
            raise _Unknown
        if any(isinstance(x, int) and x.bit_length() > MAX_BITS for x in operands):
            raise _Unknown
        if any(isinstance(x, str) for x in operands) and any(
            (isinstance(x, str) and len(x) > MAX_BITS) or (isinstance(x, int) and x > MAX_BITS) for x in operands
        ):
            raise _Unknown  # "ab" * 10**9: not worth building
        try:
            return operation(*operands)
        except (ArithmeticError, ValueError, TypeError):
            raise _Unknown from None


def _all_constant(node: cst.CSTNode) -> bool:
    if m.matches(node, m.Tuple()):
        return all(_all_constant(element.value) for element in cst.ensure_type(node, cst.Tuple).elements)
    return matches(node, CONSTANT)


# -- what the code builds ------------------------------------------------------------------------
def sequence_estimate(context: LintContext, expr: cst.BaseExpression) -> Optional[Estimate]:
    """The estimate of the list or tuple `expr` builds: a list comprehension, `list(...)`,
    `tuple(...)` or `sorted(...)` of a generator expression, a comprehension, a constant `range`
    or a display, or `[...] * n`; None when its length is unknown."""
    if m.matches(expr, m.ListComp()):
        return comprehension_estimate(context, cst.ensure_type(expr, cst.ListComp))
    if m.matches(expr, m.BinaryOperation(operator=m.Multiply())):
        return repetition_estimate(context, cst.ensure_type(expr, cst.BinaryOperation))
    if m.matches(expr, m.List() | m.Tuple()):
        return _display_estimate(expr, "tuple" if m.matches(expr, m.Tuple()) else "list")
    if not m.matches(expr, m.Call(args=[m.Arg(keyword=None, star="")])):
        return None
    call = cst.ensure_type(expr, cst.Call)
    kind = CONTAINER_CALLS.get(qualified_name(context, call.func) or "")
    if kind is None:
        return None
    inner = call.args[0].value
    if m.matches(inner, m.ListComp() | m.GeneratorExp()):
        return comprehension_estimate(context, cst.ensure_type(inner, (cst.ListComp, cst.GeneratorExp)), kind)  # type: ignore[arg-type]
    bounds = constant_range(context, inner)
    if bounds is not None:
        return _items_estimate(kind, len(bounds), [bounds], lambda values: (values[0], object_bytes(values[0])))
    if m.matches(inner, m.List() | m.Tuple()):
        return _display_estimate(inner, kind)
    return None


def comprehension_estimate(context: LintContext, comp: Comprehension, kind: str = "list") -> Optional[Estimate]:
    """The list (or tuple, for `tuple(<genexp>)`) a comprehension builds, over constant ranges and
    displays and without `if` clauses; None otherwise."""
    names: List[Optional[str]] = []
    sequences: List[Sequence[Any]] = []
    clause: Optional[cst.CompFor] = comp.for_in
    while clause is not None:
        if clause.ifs or clause.asynchronous is not None:
            return None
        values = _iterated(context, clause.iter)
        if values is None:
            return None
        names.append(cst.ensure_type(clause.target, cst.Name).value if m.matches(clause.target, m.Name()) else None)
        sequences.append(values)
        clause = clause.inner_for_in
    length = 1
    for values in sequences:
        length *= len(values)
    element = _Element(context)

    def cost(values: Sequence[Any]) -> Tuple[Any, int]:
        env = {name: value for name, value in zip(names, values) if name is not None}
        return element.cost(comp.elt, env)

    return _items_estimate(kind, length, sequences, cost)


def appended_estimate(context: LintContext, loop: cst.For, value: cst.BaseExpression) -> Optional[Estimate]:
    """The list that `for target in iter: lst.append(value)` fills (one append per iteration):
    estimated as the comprehension `[value for target in iter]`."""
    if loop.asynchronous is not None:
        return None
    return comprehension_estimate(context, cst.ListComp(elt=value, for_in=cst.CompFor(target=loop.target, iter=loop.iter)))


def repetition_estimate(context: LintContext, expr: cst.BinaryOperation) -> Optional[Estimate]:
    """`[x] * n` / `n * [x, y]` with a constant `n`: n slots per item, all pointing at the same
    objects (which exist once, whatever n is). Its own bytes are exact: `[x] * n` allocates no spare slot."""
    for display, count in ((expr.left, expr.right), (expr.right, expr.left)):
        if m.matches(display, m.List()) and not any(
            matches(element, STARRED_ELEMENT) for element in cst.ensure_type(display, cst.List).elements
        ):
            times = constant_int(count)
            if times is None:
                return None
            length = len(cst.ensure_type(display, cst.List).elements) * max(times, 0)
            return Estimate(list_bytes(length), f"a list of {length:,} slots")
    return None


def slots_estimate(context: LintContext, kind: str, iterable: cst.BaseExpression) -> Optional[Estimate]:
    """A second list (or tuple) of the items `iterable` yields, when their number is stated: its
    slots only, since the items are the same objects in both copies."""
    length: Optional[int]
    if m.matches(iterable, m.GeneratorExp() | m.ListComp()):
        comp = cst.ensure_type(iterable, (cst.GeneratorExp, cst.ListComp))  # type: ignore[arg-type]
        length = None if _has_ifs(comp.for_in) else comprehension_length(context, comp.for_in)
    else:
        length = known_length(context, iterable)
    if length is None:
        return None
    return Estimate(container_bytes(kind, length), f"a {kind} of {length:,} slots")


def _has_ifs(clause: Optional[cst.CompFor]) -> bool:
    while clause is not None:
        if clause.ifs:
            return True
        clause = clause.inner_for_in
    return False


def buffer_estimate(context: LintContext, call: cst.Call) -> Optional[Estimate]:
    """`bytearray(n)` / `bytes(n)` with a constant n."""
    name = qualified_name(context, call.func)
    if name not in ("builtins.bytearray", "builtins.bytes") or not m.matches(call, m.Call(args=[m.Arg(keyword=None, star="")])):
        return None
    size = constant_int(call.args[0].value)
    if size is None or size < 0:
        return None
    empty = bytearray() if name == "builtins.bytearray" else b""
    return Estimate(sys.getsizeof(empty) + size, f"a {name[len('builtins.'):]} of {size:,} bytes")


def allocation_estimate(context: LintContext, expr: cst.BaseExpression) -> Optional[Estimate]:
    """Any of the above, or a numpy array: what `expr` allocates, when the code states it."""
    if m.matches(expr, m.Call()):
        call = cst.ensure_type(expr, cst.Call)
        return array_estimate(context, call) or buffer_estimate(context, call) or sequence_estimate(context, call)
    return sequence_estimate(context, expr)


def same_estimate(context: LintContext, values: Sequence[Optional[cst.BaseExpression]]) -> Optional[Estimate]:
    """The estimate every one of `values` (the bindings of a name) gives, when they all agree."""
    found = [allocation_estimate(context, value) if value is not None else None for value in values]
    if not found or any(estimate is None for estimate in found) or len(set(found)) != 1:
        return None
    return found[0]


def _iterated(context: LintContext, iterable: cst.BaseExpression) -> Optional[Sequence[Any]]:
    """The values a `for` clause iterates (a range, a string, a display's constants, `_UNSET`
    for a display item that is not a constant), or None when their number is unknown."""
    bounds = constant_range(context, iterable)
    if bounds is not None:
        return bounds
    if m.matches(iterable, m.SimpleString()):
        value = cst.ensure_type(iterable, cst.SimpleString).evaluated_value
        return value if isinstance(value, str) else list(value)
    if m.matches(iterable, m.List() | m.Tuple() | m.Set()):
        elements = getattr(iterable, "elements")
        if any(matches(element, STARRED_ELEMENT) for element in elements):
            return None
        element = _Element(context)
        values = []
        for item in elements:
            try:
                values.append(element.value(item.value, {}) if _all_constant(item.value) else _UNSET)
            except _Unknown:
                values.append(_UNSET)
        return values
    return None


def _items_estimate(
    kind: str,
    length: int,
    sequences: Sequence[Sequence[Any]],
    cost: Callable[[Sequence[Any]], Tuple[Any, int]],
) -> Estimate:
    slots = container_bytes(kind, length)
    try:
        items, total = _measure(length, sequences, cost)
    except _Unknown:
        return Estimate(slots, f"a {kind} of {length:,} items", partial=True)
    return Estimate(slots + total, f"a {kind} of {length:,} {_noun(items)}")


def _measure(
    length: int, sequences: Sequence[Sequence[Any]], cost: Callable[[Sequence[Any]], Tuple[Any, int]]
) -> Tuple[List[Any], int]:
    """Sample items and the bytes all `length` items add: exact for short loops, else the mean of
    a seeded stratified sample (deterministic: the same code gives the same message)."""
    if length == 0:
        return [], 0
    if length <= EXACT_LIMIT:
        results = [cost(values) for values in itertools.product(*sequences)]
        return [value for value, _ in results], sum(size for _, size in results)
    import random  # here: only a loop longer than EXACT_LIMIT is sampled

    generator = random.Random(length)  # noqa: S311 - sampling, not security
    results = [cost(_nth(sequences, _stratum(generator, index, length))) for index in range(SAMPLES)]
    mean = sum(size for _, size in results) / len(results)
    return [value for value, _ in results], round(mean * length)


def _stratum(generator: random.Random, index: int, length: int) -> int:
    start = index * length // SAMPLES
    stop = max(start + 1, (index + 1) * length // SAMPLES)
    return generator.randrange(start, stop)


def _nth(sequences: Sequence[Sequence[Any]], flat: int) -> List[Any]:
    """The loop variables' values at iteration `flat` of nested loops (the last one innermost)."""
    values: List[Any] = []
    for values_of in reversed(sequences):
        flat, index = divmod(flat, len(values_of))
        values.append(values_of[index])
    return values[::-1]


def _noun(items: Sequence[Any]) -> str:
    kinds = {type(item) for item in items}
    nouns = {int: "ints", float: "floats", str: "strings", tuple: "tuples", bool: "bools", complex: "complex numbers"}
    if len(kinds) == 1:
        return nouns.get(kinds.pop(), "items")
    return "items"


def _display_estimate(display: cst.BaseExpression, kind: str) -> Optional[Estimate]:
    elements = getattr(display, "elements")
    if any(matches(element, STARRED_ELEMENT) for element in elements):
        return None
    slots = container_bytes(kind, len(elements))
    if all(_all_constant(element.value) for element in elements):
        return Estimate(slots, f"a {kind} of {len(elements):,} constants")
    return Estimate(slots, f"a {kind} of {len(elements):,} items", partial=True)


def _product(values: Sequence[int]) -> int:
    total = 1
    for value in values:
        total *= value
    return total


# -- numpy arrays -----------------------------------------------------------------------------------
# Which numpy constructors are estimated, and where their shape and dtype are: the table of
# analysis/numpy_api.py (the random floats take their dimensions positionally, or one `size`).
SHAPED = frozenset({"zeros", "ones", "empty", "full", "identity"})
RANDOM_FLOATS = frozenset({"random.rand", "random.randn"})  # positional dimensions
RANDOM_SIZED = frozenset({"random.random", "random.random_sample", "random.ranf", "random.sample"})  # one `size`
# dtype name -> struct format of the C type numpy stores, for when numpy cannot be imported.
STRUCT_CODES: Dict[str, str] = {
    "bool": "?", "int8": "b", "uint8": "B", "int16": "h", "uint16": "H", "int32": "i",
    "uint32": "I", "int64": "q", "uint64": "Q", "float16": "e", "float32": "f", "float64": "d",
    "complex64": "ff", "complex128": "dd", "intp": "n", "uintp": "N",
}
ALIASES: Dict[str, str] = {
    "float": "float64", "double": "float64", "float_": "float64", "single": "float32",
    "half": "float16", "complex": "complex128", "complex_": "complex128", "cdouble": "complex128",
    "csingle": "complex64", "bool_": "bool", "byte": "int8", "ubyte": "uint8", "short": "int16",
    "ushort": "uint16", "intc": "int32", "uintc": "uint32", "longlong": "int64",
    "ulonglong": "uint64",
    # numpy's default integer (`int`, `np.int_`): C long before numpy 2.0, intp since; the same
    # size on every 64-bit Unix.
    "int": "intp", "int_": "intp",
}
SHORT_DTYPE = re.compile(r"^[<>=|]?(?P<kind>[?bhilqpBHILQPefdgFDG]|[biufc](?P<size>[0-9]+))$")
SHORT_KINDS = {"b": "int", "i": "int", "u": "uint", "f": "float", "c": "complex"}

_numpy: Any = None
_numpy_tried = False


def _load_numpy() -> Any:
    """numpy, imported on first need; None when it is not installed."""
    global _numpy, _numpy_tried
    if not _numpy_tried:
        _numpy_tried = True
        try:
            import numpy
        except ImportError:
            numpy = None
        _numpy = numpy
    return _numpy


def dtype_size(spec: str) -> Optional[Tuple[str, int]]:
    """(name, item size) of a dtype written `spec` ("float32", "f4", "int", "bool_"); None when
    unknown. numpy answers when it can be imported; else `struct` sizes the C type."""
    numpy = _load_numpy()
    if numpy is not None:
        try:
            dtype = numpy.dtype(getattr(numpy, spec) if spec.isidentifier() and hasattr(numpy, spec) else spec)
        except (TypeError, ValueError):
            return None
        if dtype.kind in "OSUVMm":  # objects, strings, records, dates: not a plain item size
            return None
        return dtype.name, int(dtype.itemsize)
    return fallback_dtype_size(spec)


def fallback_dtype_size(spec: str) -> Optional[Tuple[str, int]]:
    """`dtype_size` without numpy: the C type's size from `struct.calcsize`."""
    name = ALIASES.get(spec, spec)
    short = SHORT_DTYPE.match(spec)
    if short is not None and short.group("size") is not None:
        kind = short.group("kind")[0]
        bits = int(short.group("size")) * 8
        name = "bool" if kind == "b" and bits == 8 and spec.lstrip("<>=|").startswith("b1") else f"{SHORT_KINDS[kind]}{bits}"
    if name == "intp":
        name = f"int{struct.calcsize('n') * 8}"
    code = STRUCT_CODES.get(name)
    if code is None:
        return None
    return name, struct.calcsize(code)


def array_estimate(context: LintContext, call: cst.Call) -> Optional[Estimate]:
    """The data buffer of a numpy constructor call with a constant shape and dtype (module doc)."""
    if not m.matches(call.func, m.Name() | m.Attribute()) or any(arg.star for arg in call.args):
        return None
    name = qualified_name(context, call.func) or ""
    if not name.startswith("numpy."):
        return None
    short = name[len("numpy.") :]
    positional = [arg.value for arg in call.args if arg.keyword is None]
    keywords = {arg.keyword.value: arg.value for arg in call.args if arg.keyword is not None}
    default = "float64"
    api = NUMPY.get(short)
    if api is None:
        return None
    dtype_index = api.dtype
    if short in SHAPED:
        shape = _shape(_argument(positional, keywords, 0, "shape" if short != "identity" else "n"))
        if short == "identity" and shape is not None:
            shape = shape + shape  # n x n
        if short == "full":
            fill = _argument(positional, keywords, 1, "fill_value")
            default = _literal_dtype(fill) if fill is not None else ""
    elif short == "eye":
        rows = _argument(positional, keywords, 0, "N")
        columns = _argument(positional, keywords, 1, "M")
        shape = _shape(rows) if columns is None or m.matches(columns, m.Name("None")) else _shape(m_tuple(rows, columns))
        if shape is not None and len(shape) == 1:
            shape = (shape[0], shape[0])
    elif short == "arange":
        shape, default = _arange(positional, keywords)
    elif short == "linspace":
        num = _argument(positional, keywords, 2, "num")
        shape = (50,) if num is None else _shape(num)
    elif short in RANDOM_FLOATS and not keywords:
        shape = _shape(m_tuple(*positional)) if positional else None
    elif short in RANDOM_SIZED:
        size = _argument(positional, keywords, 0, "size")
        shape = _shape(size) if size is not None else None
    else:
        return None
    if shape is None or any(size < 0 for size in shape):
        return None
    dtype_expr = keywords.get("dtype")
    if dtype_expr is None and dtype_index is not None and len(positional) > dtype_index:
        dtype_expr = positional[dtype_index]
    spec = default if dtype_expr is None else _dtype_spec(context, dtype_expr)
    sized = dtype_size(spec) if spec else None
    if sized is None:
        return None
    dtype_name, itemsize = sized
    count = _product(shape)
    if len(shape) == 1:
        what = f"{_article(dtype_name)} {dtype_name} array of {count:,} elements"
    else:
        what = f"a {' x '.join(f'{size:,}' for size in shape)} {dtype_name} array"
    return Estimate(count * itemsize, what)


def _article(word: str) -> str:
    return "an" if word[:1] in "aeio" else "a"


def m_tuple(*items: Optional[cst.BaseExpression]) -> Optional[cst.Tuple]:
    """A tuple node of these expressions (for shapes given as separate arguments)."""
    if any(item is None for item in items):
        return None
    return cst.Tuple([cst.Element(item) for item in items if item is not None])


def _argument(
    positional: Sequence[cst.BaseExpression], keywords: Dict[str, cst.BaseExpression], index: int, keyword: str
) -> Optional[cst.BaseExpression]:
    if len(positional) > index:
        return positional[index]
    return keywords.get(keyword)


def _shape(expr: Optional[cst.BaseExpression]) -> Optional[Tuple[int, ...]]:
    if expr is None:
        return None
    if m.matches(expr, m.Tuple() | m.List()):
        sizes = [constant_int(element.value) for element in getattr(expr, "elements")]
        if any(size is None for size in sizes) or any(matches(e, STARRED_ELEMENT) for e in getattr(expr, "elements")):
            return None
        return tuple(size for size in sizes if size is not None)
    size = constant_int(expr)
    return None if size is None else (size,)


def _arange(
    positional: Sequence[cst.BaseExpression], keywords: Dict[str, cst.BaseExpression]
) -> Tuple[Optional[Tuple[int, ...]], str]:
    """Length and default dtype of `np.arange(start?, stop, step?)` with constant numbers."""
    bounds: List[Union[int, float]] = []
    for expr in positional[:3]:
        value = _number(expr)
        if value is None:
            return None, ""
        bounds.append(value)
    if not bounds or set(keywords) - {"dtype"}:
        return None, ""
    start, stop, step = (0, bounds[0], 1) if len(bounds) == 1 else (bounds[0], bounds[1], bounds[2] if len(bounds) == 3 else 1)
    if step == 0:
        return None, ""
    try:
        length = int(-(-(stop - start) // step))  # ceil
    except (OverflowError, ValueError):  # inf or nan from float bounds such as 1e400
        return None, ""
    default = "int" if all(isinstance(value, int) for value in bounds) else "float64"
    return (max(length, 0),), default


def _number(expr: cst.BaseExpression) -> Optional[Union[int, float]]:
    value = constant_int(expr)
    if value is not None:
        return value
    negative = m.matches(expr, m.UnaryOperation(operator=m.Minus(), expression=m.Float()))
    inner = cst.ensure_type(expr, cst.UnaryOperation).expression if negative else expr
    if m.matches(inner, m.Float()):
        number = float(cst.ensure_type(inner, cst.Float).evaluated_value)
        return -number if negative else number
    return None


def _literal_dtype(fill: cst.BaseExpression) -> str:
    """The dtype numpy gives `np.full(shape, fill)` by default: that of the fill value."""
    if m.matches(fill, m.Name("True") | m.Name("False")):
        return "bool"
    if constant_int(fill) is not None:
        return "int"
    if _number(fill) is not None:
        return "float64"
    if m.matches(fill, m.Imaginary()):
        return "complex128"
    return ""


def _dtype_spec(context: LintContext, expr: cst.BaseExpression) -> str:
    """A dtype argument as text numpy understands: "float32", "int", "f4"; "" when unknown."""
    if m.matches(expr, m.SimpleString()):
        value = cst.ensure_type(expr, cst.SimpleString).evaluated_value
        return value if isinstance(value, str) else ""
    name = qualified_name(context, expr) if m.matches(expr, m.Name() | m.Attribute()) else None
    if name is None:
        return ""
    if name in ("builtins.float", "builtins.int", "builtins.bool", "builtins.complex"):
        return name[len("builtins.") :]
    if name.startswith("numpy.") and name.count(".") == 1:
        return name[len("numpy.") :]
    return ""
