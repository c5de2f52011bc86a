"""The one model of values: what an expression holds (its kind) and how big it can be (its size).

`value_of(context, expr)` answers with a `Value`:
- `kind`: list, tuple, set, dict, str, bytes, bytearray, numpy array, DataFrame, Series, file,
  iterator, reader (a handle that yields chunks: `pd.read_csv(..., chunksize=n)`), range,
  scalar, or unknown;
- `size`: how many items (elements of an array, rows of a frame, items of a container, the
  magnitude of a number, the trip count of an iterable) it holds, as a class:
  - TINY, proven: literals and displays, structure attributes (`shape`, `ndim`, `axes`, `dims`,
    `dtype`, `dataclasses.fields()`, `sys.argv`) and what is built from them (`len(x.shape)`,
    `range(a.ndim)`, `np.array(im.shape) + 2`), `range`/`enumerate`/`zip` of tiny things,
    constants below TINY_LIMIT, `np.arange(m - 1, m + 2)`, a slice with a small constant bound
    (`xs[:20]`, `h[-6:]`), the keys of a literal dict, names whose every binding is tiny;
  - DATA, with a reason a finding can show ("`frame` is read from a file by `pd.read_csv`"):
    read from a file, a database or the network (`np.load`, `pd.read_*` without
    `iterator=`/`chunksize=`, `pickle.load`, `f.read()`, an open file's lines), built from a
    data-sized shape or by arithmetic on a data-sized array, parsed by `np.fromstring` from a
    data-sized string (a string of unknown size is no evidence), a comprehension over data-sized
    input, a constant size of DATA_LIMIT or more (`np.random.rand(1000, 1000)` is 10**6
    elements: the product of the dimensions, not the largest);
  - UNKNOWN otherwise (a parameter, a call memlint cannot see into).
- `allocates`: evaluating the expression builds a new buffer of that size (a constructor, a
  copy, arithmetic), as opposed to naming or viewing an existing one (`a`, `a.T`, `np.asarray(a)`).

Names are followed through every binding in their scope (assignments, `x = () if c else None`,
annotations `np.ndarray`/`npt.NDArray`/`pd.DataFrame`/`list[...]`, `with open(...) as f`, `for`
targets over tiny iterables), `self.x` through its assignments in the class, and calls of a
function of the same module through its `return` values. A container that a loop fills
(`xs.append(...)`, `d[k] = v`, `xs += ...`) is as big as what fills it. The numpy and pandas
functions are described by the table in `numpy_api.py`.

Exact lengths stated in the code are answered apart, because a rule's threshold or a fix's
`count=` needs the figure itself, not a size class: `known_length(context, expr)` (a display
without `*`, a string literal, `range()` with constant bounds), `comprehension_length`,
`constant_range`, `constant_int` (integer arithmetic on literals). Bytes are not sizes: they are
estimated in `estimates.py` from these lengths.

Policy (stated in each rule's doc): rules whose cost grows with the data report when the value is
not proven TINY; the rules that were noisy on real code report only on DATA evidence and say it.
"""

from __future__ import annotations

import ast
import enum
import operator
from dataclasses import dataclass, replace
from typing import Callable, Dict, Iterator, List, Optional, Sequence, Set, Tuple

import libcst as cst

from memlint import matchers as m
from memlint.analysis.numpy_api import (
    CHUNKING_KEYWORDS,
    COPY_METHODS,
    STRUCTURE_ATTRIBUTES,
    VIEW_ATTRIBUTES,
    VIEW_METHODS,
    Api,
    numpy_api,
)
from memlint.analysis.scopes import iter_children, scope_index
from memlint.context import LintContext
from memlint.screen import is_test_file
from memlint.matching import matches
from memlint.traversal import findall

TINY_LIMIT = 1_000  # fewer items than this, stated in the code: tiny
DATA_LIMIT = 10_000  # this many or more, stated in the code: data-sized
MAX_DEPTH = 12


class Kind(str, enum.Enum):
    BYTES = "bytes"
    BYTEARRAY = "bytearray"
    STR = "str"
    TUPLE = "tuple"
    LIST = "list"
    SET = "set"
    DICT = "dict"
    ARRAY = "numpy array"
    FRAME = "DataFrame"
    SERIES = "Series"
    FILE = "file"
    ITERATOR = "iterator"
    READER = "reader"
    RANGE = "range"
    SCALAR = "scalar"
    UNKNOWN = "unknown"


class Size(enum.Enum):
    TINY = "tiny"
    DATA = "data-sized"
    UNKNOWN = "unknown"


ARRAY_KINDS = frozenset({Kind.ARRAY, Kind.FRAME, Kind.SERIES})
SEQUENCE_KINDS = frozenset({Kind.LIST, Kind.TUPLE, Kind.STR, Kind.BYTES, Kind.BYTEARRAY})


@dataclass(frozen=True)
class Value:
    """What an expression holds. `reason` says why it is DATA (or TINY), about `subject`."""

    kind: Kind = Kind.UNKNOWN
    size: Size = Size.UNKNOWN
    reason: str = ""
    allocates: bool = False
    count: Optional[int] = None  # the number of items when the code states it
    # Computed from a binding still being evaluated: the name's own earlier value in a loop
    # (`grid = grid * 0.5 + 1`, `total = total + x`). Never memoised; a name's bindings take
    # their kind from the others, and such a name is never proven tiny (see `_join`).
    pending: bool = False

    @property
    def tiny(self) -> bool:
        return self.size is Size.TINY

    @property
    def data(self) -> bool:
        return self.size is Size.DATA


UNKNOWN = Value()
PENDING = Value(pending=True)


def tiny(kind: Kind = Kind.UNKNOWN, reason: str = "", count: Optional[int] = None, allocates: bool = False) -> Value:
    return Value(kind, Size.TINY, reason, allocates, count)


def data(kind: Kind, reason: str, allocates: bool = True, count: Optional[int] = None) -> Value:
    return Value(kind, Size.DATA, reason, allocates, count)


def counted(kind: Kind, count: Optional[int], what: str, allocates: bool = True) -> Value:
    """A value of `count` items stated in the code (`what` names it in a reason)."""
    if count is None:
        return Value(kind, Size.UNKNOWN, "", allocates)
    if count < TINY_LIMIT:
        return tiny(kind, f"{what}: {count:,} items", count, allocates)
    if count >= DATA_LIMIT:
        return data(kind, f"{what}: {count:,} elements", allocates, count)
    return Value(kind, Size.UNKNOWN, "", allocates, count)


# -- public questions ------------------------------------------------------------------------------
def value_of(context: LintContext, expr: cst.BaseExpression) -> Value:
    """The kind and size class of `expr` (module doc). Cached per node for the file."""
    return _Model.of(context).value(expr)


def is_tiny(context: LintContext, expr: cst.BaseExpression, below: Optional[int] = None) -> bool:
    """Is `expr` proven tiny? With `below`, a count stated in the code must also be under it
    (a loop of 500 stated iterations is tiny as data, not as a trip count under 100)."""
    found = value_of(context, expr)
    return found.tiny and (below is None or found.count is None or found.count < below)


def data_evidence(context: LintContext, expr: cst.BaseExpression) -> Optional[str]:
    """Why `expr` is data-sized ("`frame` is read from a file by `pd.read_csv`"), or None."""
    found = value_of(context, expr)
    return found.reason if found.data else None


def large_kind(context: LintContext, expr: cst.BaseExpression) -> Optional[Kind]:
    """The kind of a *data-sized* array, frame or series that `expr` builds afresh; else None."""
    found = value_of(context, expr)
    return found.kind if found.data and found.allocates and found.kind in ARRAY_KINDS else None


STREAM_READS = frozenset({"read", "recv", "readline", "read1", "readinto", "recv_into", "fetchone", "fetchmany"})


def loop_trips(context: LintContext, loop: cst.CSTNode) -> Value:
    """How many times a loop runs, as a size class: what a `for` loop or comprehension iterates;
    a `while` loop that reads a stream in its test or body (`chunk = sock.recv(4096)`) runs until
    the stream ends: data-sized. Other `while` loops: unknown."""
    if isinstance(loop, cst.For):
        return value_of(context, loop.iter)
    if isinstance(loop, (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)):
        return value_of(context, loop.for_in.iter)
    if isinstance(loop, cst.While):
        for call in findall(loop, m.Call(func=m.Attribute(attr=m.Name(m.MatchIfTrue(lambda a: a in STREAM_READS))))):
            shown = short_code(call)
            return data(Kind.ITERATOR, f"the loop reads `{shown}` until the stream ends", allocates=False)
    return UNKNOWN


def bound_values(context: LintContext, name: cst.Name) -> Optional[List[Optional[cst.BaseExpression]]]:
    """The values bound to `name` where it is read (None items for bindings without a plain value,
    such as parameters or `for` targets); None when no scope of this file binds it."""
    sites = _binding_sites(context, name)
    if sites is None:
        return None
    return [_site_value(context, site) for site in sites]


def in_test_code(context: LintContext, node: cst.CSTNode) -> bool:
    """Is `node` in a test: a file named `test_*.py`/`*_test.py`/`conftest.py`, a function named
    `test*` or a class named `Test*`? Test data are small by design."""
    if is_test_file(context.path):  # screens skip these files for rules that call this (screen.py)
        return True
    for ancestor in scope_index(context).ancestors(node):
        if isinstance(ancestor, cst.FunctionDef) and ancestor.name.value.startswith("test"):
            return True
        if isinstance(ancestor, cst.ClassDef) and ancestor.name.value.startswith("Test"):
            return True
    return False


def short_code(node: cst.CSTNode, limit: int = 40) -> str:
    text = " ".join(cst.Module([]).code_for_node(node).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


# -- lengths stated in the code -----------------------------------------------------------------
# `known_length` is exact (the items iterating an expression yields: `range(0, 100, 10)` is 10),
# where a `Value`'s `count` is the figure its size class rests on (a number's magnitude, the span
# of a range). A constant is an integer literal or integer arithmetic on literals (`10**6`,
# `1 << 20`, `4 * 1024`), as long as the result stays within `MAX_CONSTANT_BITS` bits.
DISPLAY = m.List() | m.Tuple() | m.Set() | m.Dict()
STARRED_ELEMENT = m.StarredElement() | m.StarredDictElement()
RANGE_CALL = m.Call(func=m.Name("range"))
MAX_CONSTANT_BITS = 60  # len() of any range of such bounds fits in a C ssize_t


def known_length(context: LintContext, node: cst.BaseExpression) -> Optional[int]:
    """The exact number of items iterating `node` yields, when the code states it (a display
    without `*`, a string literal, `range()` with constant bounds); else None.

    Resolving `range` uses the cheap scope index (analysis/scopes.py): nothing to declare.
    """
    if matches(node, DISPLAY):
        return display_length(node)
    if m.matches(node, m.SimpleString()):
        value = cst.ensure_type(node, cst.SimpleString).evaluated_value
        return len(value)
    bounds = constant_range(context, node)
    return len(bounds) if bounds is not None else None


def display_length(node: cst.BaseExpression) -> Optional[int]:
    """The number of elements of a list, tuple, set or dict display without `*`/`**`; else None."""
    if not isinstance(node, (cst.List, cst.Tuple, cst.Set, cst.Dict)):
        return None
    if any(matches(element, STARRED_ELEMENT) for element in node.elements):
        return None
    return len(node.elements)


def constant_range(context: LintContext, node: cst.BaseExpression) -> Optional[range]:
    """The `range` object a call to the builtin `range()` with constant bounds makes; else None."""
    if not matches(node, RANGE_CALL) or scope_index(context).qualified_name(cst.ensure_type(node, cst.Call).func) != "builtins.range":
        return None
    bounds = _integers(cst.ensure_type(node, cst.Call).args)
    if bounds is None or not 1 <= len(bounds) <= 3 or (len(bounds) == 3 and bounds[2] == 0):
        return None
    return range(*bounds)


def comprehension_length(context: LintContext, for_in: cst.CompFor) -> Optional[int]:
    """Items a comprehension's `for` clauses produce (before its `if`s), when all are known."""
    total = 1
    clause: Optional[cst.CompFor] = for_in
    while clause is not None:
        length = known_length(context, clause.iter)
        if length is None:
            return None
        total *= length
        clause = clause.inner_for_in
    return total


def _integers(args: Sequence[cst.Arg]) -> Optional[List[int]]:
    values = []
    for arg in args:
        value = None if arg.keyword is not None or arg.star else constant_int(arg.value)
        if value is None:
            return None
        values.append(value)
    return values


def constant_int(expr: cst.BaseExpression) -> Optional[int]:
    """The value of an integer literal, or of `+ - * // % ** <<` on such literals; else None."""
    if m.matches(expr, m.Integer()):
        return _bounded(ast.literal_eval(cst.ensure_type(expr, cst.Integer).value))
    if m.matches(expr, m.UnaryOperation(operator=m.Minus() | m.Plus())):
        unary = cst.ensure_type(expr, cst.UnaryOperation)
        inner = constant_int(unary.expression)
        if inner is None:
            return None
        return -inner if m.matches(unary.operator, m.Minus()) else inner
    if m.matches(expr, m.BinaryOperation()):
        binary = cst.ensure_type(expr, cst.BinaryOperation)
        left, right = constant_int(binary.left), constant_int(binary.right)
        operation = INTEGER_OPERATIONS.get(type(binary.operator))
        if left is None or right is None or operation is None:
            return None
        if isinstance(binary.operator, (cst.Power, cst.LeftShift)) and not 0 <= right <= MAX_CONSTANT_BITS:
            return None
        try:
            return _bounded(operation(left, right))
        except ZeroDivisionError:
            return None
    return None


def _bounded(value: int) -> Optional[int]:
    return value if value.bit_length() <= MAX_CONSTANT_BITS else None


INTEGER_OPERATIONS: Dict[type, Callable[[int, int], int]] = {
    cst.Add: operator.add,
    cst.Subtract: operator.sub,
    cst.Multiply: operator.mul,
    cst.FloorDivide: operator.floordiv,
    cst.Modulo: operator.mod,
    cst.Power: operator.pow,
    cst.LeftShift: operator.lshift,
}


# -- the model -------------------------------------------------------------------------------------
BUILTIN_CONTAINERS = {
    "builtins.list": Kind.LIST, "builtins.tuple": Kind.TUPLE, "builtins.set": Kind.SET,
    "builtins.frozenset": Kind.SET, "builtins.sorted": Kind.LIST, "builtins.dict": Kind.DICT,
    "builtins.bytearray": Kind.BYTEARRAY, "builtins.bytes": Kind.BYTES, "builtins.str": Kind.STR,
    "builtins.iter": Kind.ITERATOR, "builtins.enumerate": Kind.ITERATOR, "builtins.reversed": Kind.ITERATOR,
    "builtins.map": Kind.ITERATOR, "builtins.filter": Kind.ITERATOR,
}
SCALAR_BUILTINS = frozenset(
    {"builtins.len", "builtins.int", "builtins.float", "builtins.abs", "builtins.round", "builtins.min",
     "builtins.max", "builtins.sum", "builtins.bool", "builtins.ord", "builtins.hash", "builtins.id",
     "builtins.divmod", "builtins.pow", "math.prod", "math.ceil", "math.floor", "math.sqrt", "math.log2",
     "math.log", "math.log10"}
)
# Calls returning a few items whatever the data: structure, not contents.
STRUCTURE_CALLS = frozenset(
    {"dataclasses.fields", "attr.fields", "attrs.fields", "typing.get_type_hints", "inspect.signature", "os.path.split", "os.path.splitext"}
)
LOADERS = {
    "pickle.load": "read from a file by `pickle.load`", "pickle.loads": "unpickled by `pickle.loads`",
    "json.load": "read from a file by `json.load`", "joblib.load": "read from a file by `joblib.load`",
    "torch.load": "read from a file by `torch.load`", "h5py.File": "an HDF5 file",
    "scipy.io.loadmat": "read from a file by `scipy.io.loadmat`", "imageio.imread": "an image read by `imageio.imread`",
    "cv2.imread": "an image read by `cv2.imread`", "xarray.open_dataset": "read from a file by `xarray.open_dataset`",
    "sys.stdin.read": "read from standard input",
    "requests.get": "fetched from the network by `requests.get`", "requests.post": "fetched from the network by `requests.post`",
    "urllib.request.urlopen": "fetched from the network by `urlopen`",
    "sqlite3.connect": "a database opened by `sqlite3.connect`",
}
# What a data-sized response, file or handle gives: its contents, data-sized as well.
CONTENT_ATTRIBUTES = frozenset({"content", "text", "data", "values", "raw"})
CONTENT_METHODS = frozenset({"json", "read", "readlines", "fetchall", "iter_lines", "iter_content", "to_numpy", "to_list", "tolist"})
LISTINGS = {"os.listdir": "lists a directory", "glob.glob": "lists files", "os.walk": "walks a directory tree", "os.scandir": "lists a directory", "glob.iglob": "lists files"}
READ_METHODS = frozenset({"read", "readlines", "read_text", "read_bytes", "readall", "recv", "fetchall"})
CONTAINER_GROWERS = frozenset({"append", "extend", "insert", "add", "update", "setdefault", "appendleft", "extendleft"})
ANNOTATION_KINDS = {
    "numpy.ndarray": Kind.ARRAY, "numpy.typing.NDArray": Kind.ARRAY, "numpy.typing.ArrayLike": Kind.UNKNOWN,
    "pandas.DataFrame": Kind.FRAME, "pandas.Series": Kind.SERIES,
    "builtins.list": Kind.LIST, "typing.List": Kind.LIST, "builtins.tuple": Kind.TUPLE, "typing.Tuple": Kind.TUPLE,
    "builtins.dict": Kind.DICT, "typing.Dict": Kind.DICT, "builtins.set": Kind.SET, "typing.Set": Kind.SET,
    "builtins.str": Kind.STR, "builtins.bytes": Kind.BYTES, "builtins.bytearray": Kind.BYTEARRAY,
    "builtins.int": Kind.SCALAR, "builtins.float": Kind.SCALAR, "builtins.bool": Kind.SCALAR,
}


class _Model:
    """Per-file memo of `value_of`, with a guard against cycles (`x = x + 1`, recursion)."""

    def __init__(self, context: LintContext) -> None:
        self.context = context
        self.memo: Dict[int, Value] = {}
        self.active: Set[int] = set()
        self.uses: Dict[Tuple[int, str], Optional[List[Tuple[cst.Name, object]]]] = {}
        self.self_assignments: Dict[int, Dict[str, List[cst.BaseExpression]]] = {}  # per class (`_attribute_assignments`)

    @staticmethod
    def of(context: LintContext) -> "_Model":
        model = context.cache.get("values")
        if model is None:
            model = _Model(context)
            context.cache["values"] = model
        return model

    def value(self, expr: cst.CSTNode) -> Value:
        key = id(expr)
        cached = self.memo.get(key)
        if cached is not None:
            return cached
        if key in self.active:
            return PENDING
        if len(self.active) > MAX_DEPTH:
            return UNKNOWN
        self.active.add(key)
        try:
            found = self._evaluate(expr)
        finally:
            self.active.discard(key)
        if not found.pending:
            self.memo[key] = found
        return found

    def qualified(self, node: cst.BaseExpression) -> str:
        if not isinstance(node, (cst.Name, cst.Attribute)):
            return ""
        return scope_index(self.context).qualified_name(node) or ""

    # -- expressions -------------------------------------------------------------------------
    def _evaluate(self, expr: cst.CSTNode) -> Value:
        if isinstance(expr, (cst.Integer, cst.Float, cst.BinaryOperation, cst.UnaryOperation)):
            number = constant_int(expr) if not isinstance(expr, cst.Float) else _float(expr)
            if number is not None:
                return counted(Kind.SCALAR, abs(number), f"`{short_code(expr)}`", allocates=False)
            if isinstance(expr, cst.Integer) or (
                isinstance(expr, cst.BinaryOperation)
                and isinstance(expr.operator, (cst.Power, cst.LeftShift, cst.Multiply))
                and constant_int(expr.left) is not None
                and constant_int(expr.right) is not None
            ):
                return counted(Kind.SCALAR, 2**62, f"`{short_code(expr)}`", allocates=False)  # beyond 60 bits
        if isinstance(expr, (cst.Integer, cst.Float, cst.Imaginary)):
            return Value(Kind.SCALAR) if isinstance(expr, cst.Float) else tiny(Kind.SCALAR)
        if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString)):
            prefix = _string_prefix(expr)
            return tiny(Kind.BYTES if "b" in prefix.lower() else Kind.STR, "a literal")
        if isinstance(expr, cst.FormattedString):
            return Value(Kind.STR)
        if isinstance(expr, cst.Name) and expr.value in ("None", "True", "False"):
            return tiny(Kind.SCALAR)
        if isinstance(expr, (cst.List, cst.Tuple, cst.Set)):
            return self._display(expr, {cst.List: Kind.LIST, cst.Tuple: Kind.TUPLE, cst.Set: Kind.SET}[type(expr)])
        if isinstance(expr, cst.Dict):
            length = display_length(expr)
            if length is None:
                return Value(Kind.DICT, allocates=True)
            return counted(Kind.DICT, length, "a literal dict")
        if isinstance(expr, (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)):
            return self._comprehension(expr)
        if isinstance(expr, cst.BinaryOperation):
            return self._binary(expr)
        if isinstance(expr, cst.UnaryOperation):
            inner = self.value(expr.expression)
            return replace(inner, allocates=inner.kind in ARRAY_KINDS) if not isinstance(expr.operator, cst.Not) else tiny(Kind.SCALAR)
        if isinstance(expr, (cst.Comparison, cst.BooleanOperation)):
            parts = [self.value(expr.left), self.value(expr.right if isinstance(expr, cst.BooleanOperation) else expr.comparisons[-1].comparator)]
            if isinstance(expr, cst.Comparison) and any(p.kind in ARRAY_KINDS for p in parts):
                return _join(parts, Kind.ARRAY)
            return tiny(Kind.SCALAR) if isinstance(expr, cst.Comparison) else _join(parts)
        if isinstance(expr, cst.IfExp):
            return _join([self.value(expr.body), self.value(expr.orelse)])
        if isinstance(expr, cst.NamedExpr):
            return self.value(expr.value)
        if isinstance(expr, cst.Subscript):
            return self._subscript(expr)
        if isinstance(expr, cst.Attribute):
            return self._attribute(expr)
        if isinstance(expr, cst.Call):
            return self._call(expr)
        if isinstance(expr, cst.Name):
            return self._name(expr)
        return UNKNOWN

    def _display(self, expr: cst.BaseExpression, kind: Kind) -> Value:
        length = display_length(expr)
        if length is not None:
            return counted(kind, length, "a literal display")
        elements = getattr(expr, "elements")
        starred = [e.value for e in elements if isinstance(e, cst.StarredElement)]
        parts = [self.value(value) for value in starred]
        if all(p.tiny for p in parts) and len(elements) < TINY_LIMIT:
            return tiny(kind, "a display of tiny parts")
        found = next((p for p in parts if p.data), None)
        return data(kind, found.reason) if found is not None else Value(kind, allocates=True)

    def _comprehension(self, expr: cst.BaseExpression) -> Value:
        kind = {cst.ListComp: Kind.LIST, cst.SetComp: Kind.SET, cst.DictComp: Kind.DICT, cst.GeneratorExp: Kind.ITERATOR}[type(expr)]
        clause: Optional[cst.CompFor] = getattr(expr, "for_in")
        parts: List[Value] = []
        while clause is not None:
            parts.append(self.value(clause.iter))
            clause = clause.inner_for_in
        if all(p.tiny for p in parts):
            return tiny(kind, "a comprehension over tiny iterables", allocates=kind is not Kind.ITERATOR)
        found = next((p for p in parts if p.data), None)
        if found is not None:
            return data(kind, found.reason, allocates=kind is not Kind.ITERATOR)
        return Value(kind, allocates=kind is not Kind.ITERATOR)

    def _binary(self, expr: cst.BinaryOperation) -> Value:
        left, right = self.value(expr.left), self.value(expr.right)
        if left.pending or right.pending:
            other = right if left.pending else left
            if other.pending or other.kind not in ARRAY_KINDS:
                return Value(allocates=True, pending=True)
            # Arithmetic with an array is an array at least as large (broadcasting never shrinks).
            return Value(other.kind, other.size if other.data else Size.UNKNOWN, other.reason if other.data else "", True, pending=True)
        if left.kind in ARRAY_KINDS or right.kind in ARRAY_KINDS:
            array = left if left.kind in ARRAY_KINDS else right
            other = right if array is left else left
            if array.data or other.data:
                return data(array.kind, (array if array.data else other).reason)
            if array.tiny and other.tiny:
                return tiny(array.kind, "arithmetic on tiny operands", allocates=True)
            return Value(array.kind, allocates=True)
        if isinstance(expr.operator, cst.Multiply) and (left.kind in SEQUENCE_KINDS or right.kind in SEQUENCE_KINDS):
            sequence, times = (left, right) if left.kind in SEQUENCE_KINDS else (right, left)
            if sequence.tiny and times.tiny:
                return tiny(sequence.kind, "a tiny repetition", allocates=True)
            if times.data and times.kind is Kind.SCALAR:
                return data(sequence.kind, times.reason)
            return Value(sequence.kind, allocates=True)
        kind = left.kind if left.kind == right.kind else Kind.UNKNOWN
        if left.kind is Kind.SCALAR and right.kind is Kind.SCALAR:
            kind = Kind.SCALAR
        if isinstance(expr.operator, (cst.Modulo, cst.FloorDivide, cst.Divide, cst.RightShift, cst.BitAnd)) and kind is Kind.SCALAR:
            if left.tiny:
                return tiny(Kind.SCALAR, "arithmetic on tiny numbers")
        return _join([left, right], kind, allocates=kind is not Kind.SCALAR)

    def _subscript(self, expr: cst.Subscript) -> Value:
        base = self.value(expr.value)
        if len(expr.slice) == 1 and isinstance(expr.slice[0].slice, cst.Slice):
            sliced = expr.slice[0].slice
            if base.kind in ARRAY_KINDS and not base.tiny:
                # `a[:20]` bounds the first axis only: twenty rows of any width.
                return replace(base, allocates=False) if base.data else Value(base.kind)
            bound = _slice_length(sliced)
            if bound is not None and bound < TINY_LIMIT:
                return tiny(base.kind, f"a slice of at most {bound} items", allocates=base.kind in SEQUENCE_KINDS)
            if _same_base_length(sliced) is not None:
                return tiny(base.kind, "a slice of a few items", allocates=base.kind in SEQUENCE_KINDS)
            return replace(base, allocates=base.kind in SEQUENCE_KINDS)
        if isinstance(expr.value, cst.Attribute) and expr.value.attr.value == "shape":
            owner = self.value(expr.value.value)  # a dimension: as big as the data
            return data(Kind.SCALAR, owner.reason, allocates=False) if owner.data else Value(Kind.SCALAR)
        if base.kind is Kind.FRAME:
            return replace(base, kind=Kind.UNKNOWN, allocates=False)  # a column or a sub-frame
        return UNKNOWN

    def _attribute(self, expr: cst.Attribute) -> Value:
        attr = expr.attr.value
        qualified = self.qualified(expr)
        if qualified == "sys.argv":
            return tiny(Kind.LIST, "`sys.argv`")
        if attr in STRUCTURE_ATTRIBUTES:
            owner = self.value(expr.value)
            kind = Kind.SCALAR if attr in ("ndim", "itemsize", "nlevels", "ndims") else Kind.TUPLE
            return tiny(kind, f"`{short_code(expr)}`")
        if attr == "size" or attr == "nbytes":
            owner = self.value(expr.value)
            return data(Kind.SCALAR, owner.reason, allocates=False) if owner.data and owner.kind in ARRAY_KINDS else Value(Kind.SCALAR)
        if attr in VIEW_ATTRIBUTES:
            owner = self.value(expr.value)
            if owner.kind in ARRAY_KINDS:
                return replace(owner, kind=Kind.ARRAY, allocates=False)
        if isinstance(expr.value, cst.Name) and expr.value.value == "self":
            return self._self_attribute(expr)
        if attr in CONTENT_ATTRIBUTES:
            owner = self.value(expr.value)
            if owner.data and owner.kind in (Kind.UNKNOWN, Kind.FILE):
                return replace(owner, kind=Kind.UNKNOWN, allocates=False)
        return UNKNOWN

    def _call(self, call: cst.Call) -> Value:
        func = call.func
        qualified = self.qualified(func)
        if qualified:
            api = numpy_api(qualified)
            if api is not None:
                return self._numpy(call, qualified, api)
            known = self._known_call(call, qualified)
            if known is not None:
                return known
        if isinstance(func, cst.Attribute):
            return self._method(call, func)
        if isinstance(func, cst.Name):
            return self._module_function(call, qualified)
        return UNKNOWN

    def _known_call(self, call: cst.Call, qualified: str) -> Optional[Value]:
        positional = [arg.value for arg in call.args if arg.keyword is None and not arg.star]
        first = self.value(positional[0]) if positional else None
        if qualified == "builtins.range":
            return self._range(call, positional)
        if qualified == "builtins.len":
            if first is None:
                return UNKNOWN
            if first.tiny:
                return tiny(Kind.SCALAR, f"`{short_code(call)}`")
            return data(Kind.SCALAR, first.reason, allocates=False) if first.data else Value(Kind.SCALAR)
        if qualified == "builtins.open" or qualified == "io.open":
            return data(Kind.FILE, f"`{short_code(call)}` opens a file", allocates=False)
        if qualified in BUILTIN_CONTAINERS:
            kind = BUILTIN_CONTAINERS[qualified]
            if kind is Kind.STR:
                return tiny(Kind.STR) if first is None or first.tiny else Value(Kind.STR, allocates=True)
            if first is None:
                return tiny(kind, "empty", 0, allocates=True)
            if qualified in ("builtins.map", "builtins.filter"):
                first = self.value(positional[1]) if len(positional) > 1 else UNKNOWN
            return replace(first, kind=kind, allocates=kind not in (Kind.ITERATOR,))
        if qualified == "builtins.zip":
            parts = [self.value(p) for p in positional]
            if any(p.tiny for p in parts):
                return tiny(Kind.ITERATOR, "zip of a tiny iterable")
            if parts and all(p.data for p in parts):
                return data(Kind.ITERATOR, parts[0].reason, allocates=False)
            return Value(Kind.ITERATOR)
        if qualified in SCALAR_BUILTINS:
            parts = [self.value(p) for p in positional]
            if parts and all(p.tiny for p in parts):
                return tiny(Kind.SCALAR)
            return Value(Kind.SCALAR)
        if qualified in STRUCTURE_CALLS:
            return tiny(Kind.TUPLE, f"`{short_code(call)}`")
        if qualified in LOADERS:
            return data(Kind.UNKNOWN, LOADERS[qualified])
        if qualified in LISTINGS:
            return data(Kind.LIST if qualified in ("os.listdir", "glob.glob") else Kind.ITERATOR, f"`{short_code(call)}` {LISTINGS[qualified]}")
        if qualified in ("csv.reader", "csv.DictReader"):
            if first is not None and first.data:
                return data(Kind.ITERATOR, first.reason, allocates=False)
            return Value(Kind.ITERATOR)
        return None

    def _range(self, call: cst.Call, positional: Sequence[cst.BaseExpression]) -> Value:
        if len(positional) != len(call.args) or not positional:
            return Value(Kind.RANGE)
        if len(positional) >= 2:
            span = _linear_difference(positional[1], positional[0])
            if span is not None:
                return counted(Kind.RANGE, max(span, 0), f"`{short_code(call)}`", allocates=False)
        parts = [self.value(p) for p in positional]
        if len(positional) == 1 and parts[0].count is not None:
            return counted(Kind.RANGE, parts[0].count, f"`{short_code(call)}`", allocates=False)
        stop = parts[0] if len(parts) == 1 else parts[1]
        if all(p.tiny for p in parts[:2]):
            return tiny(Kind.RANGE, f"`{short_code(call)}`")
        if stop.data:
            return data(Kind.RANGE, stop.reason, allocates=False)
        return Value(Kind.RANGE)

    def _numpy(self, call: cst.Call, qualified: str, api: Api) -> Value:
        kind = {"array": Kind.ARRAY, "frame": Kind.FRAME, "series": Kind.SERIES, "arrays": Kind.LIST}.get(api.result, Kind.UNKNOWN)
        positional = [arg.value for arg in call.args if arg.keyword is None and not arg.star]
        keywords = {arg.keyword.value: arg.value for arg in call.args if arg.keyword is not None}
        shown = "np." + qualified[len("numpy.") :] if qualified.startswith("numpy.") else "pd." + qualified[len("pandas.") :]
        allocates = api.memory in ("new", "file")
        if api.memory == "file":
            if qualified.startswith("pandas.") and CHUNKING_KEYWORDS & set(keywords):
                if not (keywords.get("iterator") is not None and m.matches(keywords["iterator"], m.Name("False"))):
                    return data(Kind.READER, f"`{shown}(..., {'chunksize' if 'chunksize' in keywords else 'iterator'}=...)` yields chunks", allocates=False)
            if qualified == "numpy.fromstring":
                # As big as the text it parses: a string of unknown size is no evidence.
                text = positional[0] if positional else keywords.get("string")
                parsed = self.value(text) if text is not None else UNKNOWN
                if parsed.data:
                    return data(kind, f"parsed by `{shown}` from a data-sized string: {parsed.reason}", allocates=True)
                return Value(kind, Size.TINY if parsed.tiny else Size.UNKNOWN, parsed.reason if parsed.tiny else "", True)
            return data(kind, f"read from a file by `{shown}`", allocates=True)
        if any(arg.star for arg in call.args):
            return Value(kind, allocates=allocates)
        shape = api.shape
        if isinstance(shape, tuple):
            _, positions, names = shape
            sizes: List[cst.BaseExpression] = []
            if positions is None:
                sizes.extend(positional)
            else:
                sizes.extend(positional[i] for i in positions if i < len(positional))
            sizes.extend(keywords[name] for name in names if name in keywords)
            if not sizes:
                return tiny(kind, "a scalar") if qualified.startswith("numpy.random.") else Value(kind, allocates=allocates)
            return self._shaped(kind, sizes, f"`{short_code(call)}`", allocates)
        if shape == "square":
            if not positional:
                return Value(kind, allocates=True)
            return self._shaped(kind, [positional[0], positional[0]], f"`{short_code(call)}`", allocates)
        if shape == "range":
            return self._numeric_range(call, qualified, positional, keywords, kind)
        if shape == "like":
            if not positional:
                return Value(kind, allocates=allocates)
            source = self.value(positional[0])
            return Value(kind, source.size, source.reason, allocates and source.kind is not Kind.UNKNOWN or api.memory == "new", source.count)
        if shape == "join":
            parts = self._joined_parts(positional)
            return _join(parts, kind, allocates=True) if parts else Value(kind, allocates=True)
        if shape == "elements":
            if not positional:
                return tiny(kind, "empty", allocates=True)
            source = self.value(positional[0])
            copies = api.memory == "new" or source.kind not in ARRAY_KINDS
            return Value(kind, source.size, source.reason, copies, source.count)
        return Value(kind, allocates=allocates)

    def _joined_parts(self, positional: Sequence[cst.BaseExpression]) -> List[Value]:
        if not positional:
            return []
        first = positional[0]
        if isinstance(first, (cst.List, cst.Tuple)):
            return [self.value(e.value) for e in first.elements if not isinstance(e, cst.StarredElement)]
        return [self.value(p) for p in positional[:2]]

    def _shaped(self, kind: Kind, sizes: Sequence[cst.BaseExpression], shown: str, allocates: bool) -> Value:
        product = 1
        parts: List[Value] = []
        for size in sizes:
            if isinstance(size, cst.Name):
                bound = bound_values(self.context, size) or []
                if len(bound) == 1 and isinstance(bound[0], (cst.Tuple, cst.List)):
                    size = bound[0]  # `shape = (h, w)` then `np.zeros(shape)`
                elif self.value(size).kind in (Kind.TUPLE, Kind.LIST):
                    parts.append(Value(Kind.SCALAR, self.value(size).size, self.value(size).reason))
                    continue
            if isinstance(size, (cst.Tuple, cst.List)) and not any(isinstance(e, cst.StarredElement) for e in size.elements):
                parts.extend(self.value(e.value) for e in size.elements)
            elif isinstance(size, cst.Attribute) and size.attr.value == "shape":
                owner = self.value(size.value)  # another array's shape: as big as that array
                parts.append(Value(Kind.SCALAR, owner.size if not owner.tiny or owner.count is not None else Size.UNKNOWN, owner.reason, count=owner.count))
            else:
                parts.append(self.value(size))
        for part in parts:
            if part.count is None:
                product = -1
            elif product >= 0:
                product *= max(part.count, 1)
        if product >= 0:
            return counted(kind, product, shown, allocates)
        found = next((p for p in parts if p.data), None)
        if found is not None:
            return data(kind, found.reason, allocates)
        return Value(kind, allocates=allocates)

    def _numeric_range(
        self, call: cst.Call, qualified: str, positional: Sequence[cst.BaseExpression], keywords: Dict[str, cst.BaseExpression], kind: Kind
    ) -> Value:
        shown = f"`{short_code(call)}`"
        if qualified != "numpy.arange":
            num = positional[2] if len(positional) > 2 else keywords.get("num")
            if num is None:
                return counted(kind, 50, shown)
            return self._shaped(kind, [num], shown, True)
        if len(positional) >= 2 and len(positional) <= 3 and (len(positional) == 2 or _is_one(positional[2])):
            span = _linear_difference(positional[1], positional[0])
            if span is not None:
                return counted(kind, max(span, 0), shown)
        stop = positional[0] if len(positional) == 1 else (positional[1] if len(positional) > 1 else None)
        if stop is None:
            return Value(kind, allocates=True)
        found = self.value(stop)
        if len(positional) == 1 and found.count is not None:
            return counted(kind, found.count, shown)
        if len(positional) == 1 and found.tiny:
            return tiny(kind, shown, allocates=True)
        if found.data:
            return data(kind, found.reason)
        return Value(kind, allocates=True)

    def _method(self, call: cst.Call, func: cst.Attribute) -> Value:
        method = func.attr.value
        receiver = self.value(func.value)
        if method == "view" and self._as_ndarray(call):
            # `x.view(np.ndarray)`: a plain array, whatever `x` was; of a fresh `.copy()`, the only
            # reference to a new buffer (`mesh.vertices.copy().view(np.ndarray)`).
            fresh = receiver.allocates or m.matches(func.value, m.Call(func=m.Attribute(attr=m.Name("copy")), args=[]))
            return Value(Kind.ARRAY, receiver.size, receiver.reason, fresh, receiver.count)
        if method in VIEW_METHODS and receiver.kind in ARRAY_KINDS:
            return replace(receiver, kind=Kind.ARRAY if receiver.kind is Kind.ARRAY else receiver.kind, allocates=False)
        if method in COPY_METHODS and receiver.kind in ARRAY_KINDS:
            kind = Kind.ARRAY if method == "to_numpy" else receiver.kind
            return replace(receiver, kind=kind, allocates=True)
        if method == "copy" and receiver.kind is not Kind.UNKNOWN:
            return replace(receiver, allocates=True)
        if method == "tolist" and receiver.kind in ARRAY_KINDS:
            return replace(receiver, kind=Kind.LIST, allocates=True)
        if method in ("keys", "values", "items") and receiver.kind is Kind.DICT:
            return replace(receiver, kind=Kind.ITERATOR, allocates=False)
        if method in ("split", "splitlines", "rsplit") and receiver.kind in (Kind.STR, Kind.BYTES):
            return replace(receiver, kind=Kind.LIST, allocates=True)
        if method in READ_METHODS:
            kind = Kind.LIST if method in ("readlines", "fetchall") else (Kind.BYTES if method in ("read_bytes", "recv") else Kind.STR)
            if call.args:
                return Value(kind, allocates=True)  # read(n), recv(n): a chunk of at most n
            return data(kind, f"`{short_code(call)}` reads a whole stream", allocates=True)
        if method in CONTENT_METHODS and receiver.data and receiver.kind in (Kind.UNKNOWN, Kind.FILE) and not call.args:
            return replace(receiver, kind=Kind.UNKNOWN, allocates=True)
        if method in ("iterrows", "itertuples", "items") and receiver.kind is Kind.FRAME:
            return replace(receiver, kind=Kind.ITERATOR, allocates=False)
        if method == "groupby" and receiver.kind is Kind.FRAME:
            return Value(Kind.ITERATOR)
        return UNKNOWN

    def _as_ndarray(self, call: cst.Call) -> bool:
        """Is the one argument of `.view(...)` the type `numpy.ndarray` (`view(np.ndarray)`,
        `view(type=np.ndarray)`)?"""
        if len(call.args) != 1 or call.args[0].star or (call.args[0].keyword is not None and call.args[0].keyword.value != "type"):
            return False
        return self.qualified(call.args[0].value) == "numpy.ndarray"

    def _module_function(self, call: cst.Call, qualified: str) -> Value:
        """A call of a function defined at the top of this module: what its `return`s give."""
        if not qualified or "." in qualified or "<" in qualified:
            return UNKNOWN
        function = _module_def(self.context, qualified)
        if function is None:
            return UNKNOWN
        returns = [r.value for r in _returns(function)]
        if not returns or any(value is None for value in returns):
            return UNKNOWN
        joined = _join([self.value(value) for value in returns if value is not None])
        if joined.data and not joined.reason.startswith("`"):
            joined = replace(joined, reason=f"`{qualified}()` returns a value {joined.reason}")
        return joined

    # -- names ---------------------------------------------------------------------------------
    def _name(self, name: cst.Name) -> Value:
        sites = _binding_sites(self.context, name)
        if not sites:
            return UNKNOWN
        parts: List[Value] = []
        for site in sites:
            found = self._site(site, name.value)
            parts.append(found)
        joined = _join(parts)
        if joined.size is Size.TINY and joined.kind in (Kind.LIST, Kind.DICT, Kind.SET, Kind.BYTEARRAY, Kind.UNKNOWN):
            joined = self._grown(name, joined)
        if joined.data and joined.reason:
            joined = replace(joined, reason=_about(name.value, joined.reason, [_site_value(self.context, s) for s in sites]))
        return replace(joined, allocates=False)

    def _site(self, site: cst.CSTNode, name: str) -> Value:
        index = scope_index(self.context)
        holder = index.parent(site)
        if isinstance(site, cst.Param):
            kind = self._annotation_kind(site.annotation.annotation) if site.annotation is not None else Kind.UNKNOWN
            if site.default is not None:
                default = self.value(site.default)
                if default.data:  # `def run(n=10**6)`: the scale the code is written for
                    reason = default.reason if default.reason.startswith("`") else f"the default {default.reason}"
                    return data(kind if kind is not Kind.UNKNOWN else default.kind, f"`{name}` defaults to {reason}", allocates=False)
                if kind is Kind.UNKNOWN and not _is_none_like(default):
                    kind = default.kind  # a caller may pass more: the size stays unknown
            return Value(kind)
        if isinstance(holder, cst.AssignTarget) and holder.target is site:
            statement = index.parent(holder)
            if isinstance(statement, cst.Assign):
                return self.value(statement.value)
            return UNKNOWN
        if isinstance(holder, cst.AnnAssign) and holder.target is site:
            kind = self._annotation_kind(holder.annotation.annotation)
            if holder.value is None:
                return Value(kind)
            found = self.value(holder.value)
            return found if found.kind is not Kind.UNKNOWN or kind is Kind.UNKNOWN else replace(found, kind=kind)
        if isinstance(holder, cst.AugAssign) and holder.target is site:
            added = self.value(holder.value)
            if added.data:
                return added
            return Value(added.kind) if not added.tiny else Value(added.kind, Size.TINY if _not_repeated(self.context, holder) else Size.UNKNOWN)
        if isinstance(holder, cst.AsName):
            item = index.parent(holder)
            if isinstance(item, cst.WithItem):
                found = self.value(item.item)
                return found if found.kind is Kind.FILE else UNKNOWN
            return UNKNOWN
        if isinstance(holder, (cst.For, cst.CompFor)) and holder.target is site:
            iterated = self.value(holder.iter)
            if iterated.kind is Kind.RANGE and iterated.tiny:
                return tiny(Kind.SCALAR, "a loop index over a tiny range")
            if iterated.kind in (Kind.LIST, Kind.TUPLE, Kind.SET) and iterated.tiny and isinstance(holder.iter, (cst.List, cst.Tuple, cst.Set)):
                parts = [self.value(e.value) for e in holder.iter.elements]
                return _join(parts) if parts else UNKNOWN
            return UNKNOWN
        return UNKNOWN

    def _grown(self, name: cst.Name, start: Value) -> Value:
        """A tiny container that code in its scope fills: as big as what fills it."""
        key = (id(scope_index(self.context).binding_scope(name, name.value)), name.value)
        if key not in self.uses:
            self.uses[key] = _uses(self.context, name)
        sites = _growth_sites(self.uses[key], name)
        if sites is None:
            return Value(start.kind)  # grown where memlint cannot see: not proven tiny
        if not sites:
            return start
        scope = scope_index(self.context).binding_scope(name, name.value)
        frame = scope if isinstance(scope, (cst.FunctionDef, cst.Lambda)) else None
        parts: List[Value] = []
        for site, added in sites:
            if _frame_of(self.context, site) is not frame:
                parts.append(Value(start.kind))  # grown by another function, called who knows how often
                continue
            loops = _enclosing_loop_iterables(self.context, site)
            trips = [self.value(iterable) if iterable is not None else UNKNOWN for iterable in loops]
            if any(t.data for t in trips):
                reason = next(t.reason for t in trips if t.data)
                parts.append(data(start.kind, f"filled in a loop over data ({reason})"))
                continue
            piece = self.value(added) if added is not None else tiny()
            if piece.data:
                parts.append(data(start.kind, piece.reason))
            elif all(t.tiny for t in trips) and (piece.tiny or added is None or piece.kind is not Kind.UNKNOWN):
                parts.append(tiny(start.kind, "filled by a few items"))
            else:
                parts.append(Value(start.kind))
        return _join([start] + parts, start.kind)

    def _self_attribute(self, expr: cst.Attribute) -> Value:
        klass = _enclosing_class(self.context, expr)
        if klass is None:
            return UNKNOWN
        values = _attribute_assignments(klass, expr.attr.value, self.self_assignments)
        if not values:
            return UNKNOWN
        parts = [self.value(value) for value in values]
        joined = _join(parts)
        if joined.data:
            joined = replace(joined, reason=_about(f"self.{expr.attr.value}", joined.reason, values))
        return replace(joined, allocates=False)

    def _annotation_kind(self, annotation: cst.BaseExpression) -> Kind:
        if isinstance(annotation, cst.Subscript):
            annotation = annotation.value
        if isinstance(annotation, (cst.SimpleString,)):
            return Kind.UNKNOWN
        return ANNOTATION_KINDS.get(self.qualified(annotation), Kind.UNKNOWN)


# -- helpers ---------------------------------------------------------------------------------------
def _join(parts: Sequence[Value], kind: Optional[Kind] = None, allocates: Optional[bool] = None) -> Value:
    """Either of these values: tiny when all are, data when one is, else unknown; the kind of the
    parts that are not `None`-like placeholders (a name bound to `None`, then to a list). A pending part
    (computed from the value being joined: `x = x * 2` in a loop) gives no kind and no size of its
    own: it is what the other parts make of it, except that it is never proven tiny."""
    solid = [p for p in parts if not p.pending]
    if not solid:
        return PENDING
    waiting = len(solid) < len(parts)
    parts = solid
    if kind is None:
        real = [p for p in parts if not _is_none_like(p)] or list(parts)
        kinds = {p.kind for p in real}
        kind = kinds.pop() if len(kinds) == 1 else Kind.UNKNOWN
    alloc = any(p.allocates for p in parts) if allocates is None else allocates
    found = next((p for p in parts if p.data), None)
    if found is not None:
        return Value(kind, Size.DATA, found.reason, alloc)
    if all(p.tiny for p in parts) and not waiting:
        counts = [p.count for p in parts]
        return Value(kind, Size.TINY, parts[0].reason, alloc, max(counts) if None not in counts else None)  # type: ignore[type-var]
    # A count between the tiny and the data limits (`N = 5000`) is kept when every part states the
    # same one: `np.zeros((N, N))` is then 25,000,000 elements.
    same = {p.count for p in parts}
    return Value(kind, Size.UNKNOWN, "", alloc, same.pop() if len(same) == 1 and not waiting else None)


def _is_none_like(value: Value) -> bool:
    """`None`, `True`, `False`: a placeholder whose kind says nothing about the real value's."""
    return value.kind is Kind.SCALAR and value.tiny and value.count is None


def _about(name: str, reason: str, values: Sequence[Optional[cst.BaseExpression]]) -> str:
    """The reason a value is data-sized, said about the name holding it."""
    if reason.startswith(f"`{name}`"):
        return reason
    if not reason.startswith("`"):
        return f"`{name}` is {reason}"
    shown = {f"`{short_code(value)}`" for value in values if value is not None}
    if any(reason.startswith(code) for code in shown):
        return f"`{name}` = {reason}"
    return reason


def _float(expr: cst.BaseExpression) -> Optional[int]:
    if isinstance(expr, cst.Float):
        try:
            value = float(expr.value)
        except ValueError:  # pragma: no cover - LibCST only parses valid floats
            return None
        if value != value:
            return None  # nan
        return int(value) if abs(value) < 2**62 else 2**62  # 1e400 is inf: as large as it gets
    return None


def _string_prefix(expr: cst.BaseExpression) -> str:
    while isinstance(expr, cst.ConcatenatedString):
        expr = expr.left
    return expr.prefix if isinstance(expr, cst.SimpleString) else ""


def _is_one(expr: cst.BaseExpression) -> bool:
    return constant_int(expr) == 1


def _linear(expr: cst.BaseExpression) -> Optional[Tuple[str, int]]:
    """`x + 2` -> ("x", 2), `x - 1` -> ("x", -1), `x` -> ("x", 0), `3` -> ("", 3)."""
    number = constant_int(expr)
    if number is not None:
        return "", number
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, (cst.Add, cst.Subtract)):
        offset = constant_int(expr.right)
        base = _linear(expr.left)
        if offset is not None and base is not None:
            return base[0], base[1] + (offset if isinstance(expr.operator, cst.Add) else -offset)
        return None
    if isinstance(expr, (cst.Name, cst.Attribute, cst.Subscript, cst.Call)):
        return " ".join(cst.Module([]).code_for_node(expr).split()), 0
    return None


def _linear_difference(stop: cst.BaseExpression, start: cst.BaseExpression) -> Optional[int]:
    """`stop - start` when both are the same expression plus constants (`m + 2`, `m - 1`)."""
    upper, lower = _linear(stop), _linear(start)
    if upper is None or lower is None or upper[0] != lower[0]:
        return None
    return upper[1] - lower[1]


def _slice_length(sliced: cst.Slice) -> Optional[int]:
    """At most how many items `x[lower:upper]` has when a constant bound says so."""
    if sliced.step is not None:
        return None
    lower = constant_int(sliced.lower) if sliced.lower is not None else 0
    upper = constant_int(sliced.upper) if sliced.upper is not None else None
    if sliced.upper is None and lower is not None and lower < 0:
        return -lower  # x[-6:]
    if sliced.lower is None and upper is not None and upper >= 0:
        return upper  # x[:20]
    if lower is not None and upper is not None and (lower >= 0) == (upper >= 0):
        return max(upper - lower, 0)
    return None


def _same_base_length(sliced: cst.Slice) -> Optional[int]:
    if sliced.lower is None or sliced.upper is None or sliced.step is not None:
        return None
    span = _linear_difference(sliced.upper, sliced.lower)
    return span if span is not None and 0 <= span < TINY_LIMIT else None


def _binding_sites(context: LintContext, name: cst.Name) -> Optional[List[cst.CSTNode]]:
    index = scope_index(context)
    scope = index.binding_scope(name, name.value)
    if isinstance(scope, str):
        return None
    return index.assignments(scope, name.value)


def _site_value(context: LintContext, site: cst.CSTNode) -> Optional[cst.BaseExpression]:
    holder = scope_index(context).parent(site)
    if isinstance(holder, cst.AssignTarget) and holder.target is site:
        statement = scope_index(context).parent(holder)
        return statement.value if isinstance(statement, cst.Assign) else None
    if isinstance(holder, cst.AnnAssign) and holder.target is site:
        return holder.value
    return None


def _module_def(context: LintContext, name: str) -> Optional[cst.FunctionDef]:
    module = scope_index(context).module
    found = [s for s in module.body if isinstance(s, cst.FunctionDef) and s.name.value == name]
    return found[0] if len(found) == 1 else None


def _frame_nodes(root: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """Every node below `root` run by the same frame: nested `def`, `lambda` and `class` bodies
    are not entered."""
    stack = list(iter_children(root))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            stack.extend(iter_children(node))


def _returns(function: cst.FunctionDef) -> List[cst.Return]:
    """The `return` statements of `function` (none for a generator: it returns an iterator)."""
    nodes = list(_frame_nodes(function.body))
    if any(isinstance(node, (cst.Yield, cst.Await)) for node in nodes):
        return []
    return [node for node in nodes if isinstance(node, cst.Return)]


def _enclosing_class(context: LintContext, node: cst.CSTNode) -> Optional[cst.ClassDef]:
    for ancestor in scope_index(context).ancestors(node):
        if isinstance(ancestor, cst.ClassDef):
            return ancestor
    return None


def _attribute_assignments(klass: cst.ClassDef, attr: str, memo: Dict[int, Dict[str, List[cst.BaseExpression]]]) -> List[cst.BaseExpression]:
    """Every value assigned to `self.<attr>` in the class's methods (empty when one is not a
    plain value: `self.x += y`, an unpacking). The class is read once for all its attributes
    (`memo`, per file)."""
    found = memo.get(id(klass))
    if found is None:
        found = memo[id(klass)] = _self_assignments(klass)
    return found.get(attr, [])


def _self_assignments(klass: cst.ClassDef) -> Dict[str, List[cst.BaseExpression]]:
    """`self.<attr>` -> the values assigned to it in the class, in order; an attribute also
    updated in place or unpacked into maps to an empty list (its values are not all known)."""
    values: Dict[str, List[cst.BaseExpression]] = {}
    unknown: Set[str] = set()
    for node in findall(klass.body, m.Assign() | m.AnnAssign() | m.AugAssign()):
        if isinstance(node, cst.Assign):
            targets = [target.target for target in node.targets]
        else:
            targets = [getattr(node, "target")]
        for target in targets:
            if _is_self_attribute(target):
                attr = cst.ensure_type(target, cst.Attribute).attr.value
                value = getattr(node, "value", None)
                if value is None or isinstance(node, cst.AugAssign):
                    unknown.add(attr)
                else:
                    values.setdefault(attr, []).append(value)
            elif isinstance(target, (cst.Tuple, cst.List)):
                unknown.update(cst.ensure_type(e.value, cst.Attribute).attr.value for e in target.elements if _is_self_attribute(e.value))
    for attr in unknown:
        values[attr] = []
    return values


def _is_self_attribute(node: cst.CSTNode, attr: Optional[str] = None) -> bool:
    """`self.<attr>` (any attribute of `self` when `attr` is None)."""
    return (
        isinstance(node, cst.Attribute)
        and isinstance(node.value, cst.Name)
        and node.value.value == "self"
        and (attr is None or node.attr.value == attr)
    )


# Methods of list/dict/set/deque that never add items: a container whose every use is one of
# these (or a read, an iteration, `len()`...) keeps the size it was bound with.
NON_GROWING_METHODS = frozenset(
    {"count", "index", "copy", "get", "keys", "values", "items", "pop", "popleft", "popitem", "remove",
     "discard", "clear", "sort", "reverse", "issubset", "issuperset", "isdisjoint", "union",
     "intersection", "difference", "symmetric_difference", "join", "startswith", "endswith"}
)
READING_CALLS = frozenset(
    {"builtins.len", "builtins.sorted", "builtins.list", "builtins.tuple", "builtins.set", "builtins.frozenset",
     "builtins.sum", "builtins.min", "builtins.max", "builtins.any", "builtins.all", "builtins.enumerate",
     "builtins.zip", "builtins.reversed", "builtins.iter", "builtins.print", "builtins.str", "builtins.repr",
     "builtins.bool", "builtins.dict"}
)
ESCAPES = object()  # a use through which the container may grow where memlint cannot see


def _uses(context: LintContext, name: cst.Name) -> Optional[List[Tuple[cst.Name, object]]]:
    """Every read of the container `name` holds, with how it uses it (`_use`); None when the
    name is not bound in this file."""
    index = scope_index(context)
    scope = index.binding_scope(name, name.value)
    if isinstance(scope, str):
        return None
    return [(read, _use(context, read)) for read in index.references(scope, name.value)]


def _growth_sites(
    uses: Optional[List[Tuple[cst.Name, object]]], asked: cst.Name
) -> Optional[List[Tuple[cst.CSTNode, Optional[cst.BaseExpression]]]]:
    """Where the container gets items: `(site, added)` pairs, `added` being what
    `extend`/`update`/`+=` add (None for one item). None when a use other than the one asked
    about may add items unseen: the container is passed to a call, aliased, stored."""
    if uses is None:
        return None
    sites: List[Tuple[cst.CSTNode, Optional[cst.BaseExpression]]] = []
    for read, found in uses:
        if read is asked:
            continue  # the use being asked about
        if found is ESCAPES:
            return None
        if found is not None:
            sites.append(found)  # type: ignore[arg-type]
    return sites


def _use(context: LintContext, read: cst.Name) -> object:
    """How `read` uses its container: a growth `(site, added)`, None (no growth) or ESCAPES."""
    index = scope_index(context)
    holder = index.parent(read)
    if isinstance(holder, cst.Attribute) and holder.value is read:
        call = index.parent(holder)
        method = holder.attr.value
        if isinstance(call, cst.Call) and call.func is holder:
            if method in CONTAINER_GROWERS:
                added = call.args[-1].value if call.args else None
                return (call, added if method in ("extend", "update", "extendleft") else None)
            return None if method in NON_GROWING_METHODS else ESCAPES
        return ESCAPES
    if isinstance(holder, cst.Subscript) and holder.value is read:
        outer = index.parent(holder)
        if isinstance(outer, cst.AssignTarget) and outer.target is holder:
            return (outer, None)
        if isinstance(outer, cst.AugAssign) and outer.target is holder:
            return None  # `d[k] += 1` changes an item, adds none
        return None
    if isinstance(holder, cst.AugAssign) and holder.target is read:
        return (holder, holder.value)
    if isinstance(holder, (cst.For, cst.CompFor)) and holder.iter is read:
        return None
    if isinstance(holder, (cst.Comparison, cst.ComparisonTarget, cst.Return, cst.Del, cst.If, cst.While)):
        return None
    if isinstance(holder, cst.Arg):
        call = index.parent(holder)
        if isinstance(call, cst.Call) and scope_index(context).qualified_name(call.func) in READING_CALLS:
            return None
    return ESCAPES


def _enclosing_loop_iterables(context: LintContext, node: cst.CSTNode) -> List[Optional[cst.BaseExpression]]:
    """The iterables of the loops around `node` in its frame (None for `while` loops)."""
    found: List[Optional[cst.BaseExpression]] = []
    child: cst.CSTNode = node
    for ancestor in scope_index(context).ancestors(node):
        if isinstance(ancestor, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            break
        if isinstance(ancestor, cst.For) and child is ancestor.body:
            found.append(ancestor.iter)
        elif isinstance(ancestor, cst.While) and child is ancestor.body:
            found.append(None)
        elif isinstance(ancestor, (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)):
            found.append(ancestor.for_in.iter)
        child = ancestor
    return found


def _frame_of(context: LintContext, node: cst.CSTNode) -> Optional[cst.CSTNode]:
    for ancestor in scope_index(context).ancestors(node):
        if isinstance(ancestor, (cst.FunctionDef, cst.Lambda)):
            return ancestor
    return None


def _not_repeated(context: LintContext, node: cst.CSTNode) -> bool:
    return not _enclosing_loop_iterables(context, node)

