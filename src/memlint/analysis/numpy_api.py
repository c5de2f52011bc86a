"""One table of the numpy and pandas functions memlint reasons about, kept as data.

Each entry says, for one function (its qualified name, as `analysis/names.py` resolves it):
- `result`: what it returns: "array", "frame", "series", "reader" (an iterator of chunks), "arrays"
  (a list of arrays), "scalar";
- `memory`: "new" (allocates its result), "view" (shares the input's buffer: `np.shares_memory`
  holds, tests/analysis/test_numpy_api.py checks it against the installed numpy), "input" (returns the
  input itself when it already is an array of that kind, else a new one: `np.asarray`), "file"
  (reads its data from a file, a buffer, a database or the network);
- `shape`: where its number of elements comes from:
  - ("args", positions, keywords): the product of those arguments (`zeros(shape)`,
    `random.rand(d0, d1, ...)`; positions None: every positional argument),
  - "like": as many as its first argument (`zeros_like`, `copy`, `exp`, `sort`),
  - "join": the sum of its inputs (`concatenate`, `vstack`, `append`),
  - "range": a range of numbers (`arange`, `linspace`: see `analysis/values.py`),
  - "elements": the elements of a Python sequence (`array([...])`),
  - "file": the contents of what it reads,
  - "square": `identity(n)` is n x n;
- `elements`: "scalars" when it only accepts scalar elements (`fromiter` before numpy 1.23:
  a list of vectors raises), "any" otherwise;
- `dtype`: the position of the `dtype` argument when it can be given positionally (`zeros(shape,
  dtype)`: 1), for `analysis/estimates.py`'s byte counts; the keyword always works;
- `legacy`: the name was removed from recent releases (`row_stack` in numpy 2.x): the test
  accepts its absence.

`values.py` turns this into kinds and size classes; rules read it through there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Optional, Tuple, Union

Shape = Union[str, Tuple[str, Optional[Tuple[int, ...]], Tuple[str, ...]]]


@dataclass(frozen=True)
class Api:
    result: str
    memory: str
    shape: Shape
    elements: str = "any"
    legacy: bool = False
    dtype: Optional[int] = None


def _args(positions: Optional[Tuple[int, ...]], *keywords: str) -> Shape:
    return ("args", positions, keywords)


_NEW_LIKE = Api("array", "new", "like")
_VIEW = Api("array", "view", "like")
_JOIN = Api("array", "new", "join")
_FILE = Api("array", "file", "file")

NUMPY: Dict[str, Api] = {
    # constructors with a shape
    "zeros": Api("array", "new", _args((0,), "shape"), dtype=1),
    "ones": Api("array", "new", _args((0,), "shape"), dtype=1),
    "empty": Api("array", "new", _args((0,), "shape"), dtype=1),
    "full": Api("array", "new", _args((0,), "shape"), dtype=2),
    "eye": Api("array", "new", _args((0, 1), "N", "M"), dtype=3),
    "identity": Api("array", "new", "square", dtype=1),
    "arange": Api("array", "new", "range", dtype=3),
    "linspace": Api("array", "new", "range", dtype=5),
    "logspace": Api("array", "new", "range"),
    "geomspace": Api("array", "new", "range"),
    "indices": Api("array", "new", _args((0,), "dimensions")),
    # same size as the first argument
    "zeros_like": _NEW_LIKE, "ones_like": _NEW_LIKE, "empty_like": _NEW_LIKE, "full_like": _NEW_LIKE,
    "copy": _NEW_LIKE, "sort": _NEW_LIKE, "argsort": _NEW_LIKE, "cumsum": _NEW_LIKE, "cumprod": _NEW_LIKE,
    "where": _NEW_LIKE, "clip": _NEW_LIKE, "exp": _NEW_LIKE, "log": _NEW_LIKE, "sqrt": _NEW_LIKE,
    "abs": _NEW_LIKE, "absolute": _NEW_LIKE, "sin": _NEW_LIKE, "cos": _NEW_LIKE, "square": _NEW_LIKE,
    "power": _NEW_LIKE, "add": _NEW_LIKE, "subtract": _NEW_LIKE, "multiply": _NEW_LIKE, "divide": _NEW_LIKE,
    "round": _NEW_LIKE, "floor": _NEW_LIKE, "ceil": _NEW_LIKE, "isnan": _NEW_LIKE, "nan_to_num": _NEW_LIKE,
    "diff": _NEW_LIKE, "gradient": _NEW_LIKE, "roll": _NEW_LIKE, "ascontiguousarray": Api("array", "input", "like"),
    "asfortranarray": Api("array", "input", "like"), "tile": _NEW_LIKE, "repeat": _NEW_LIKE,
    "unique": _NEW_LIKE, "dot": _NEW_LIKE, "matmul": _NEW_LIKE, "einsum": _NEW_LIKE, "outer": _NEW_LIKE,
    "kron": _NEW_LIKE, "delete": _NEW_LIKE, "pad": _NEW_LIKE,
    # joins
    "concatenate": _JOIN, "stack": _JOIN, "vstack": _JOIN, "hstack": _JOIN, "dstack": _JOIN,
    "column_stack": _JOIN, "row_stack": Api("array", "new", "join", legacy=True), "append": _JOIN,
    "insert": _JOIN, "block": _JOIN, "meshgrid": Api("arrays", "new", "join"),
    # from Python objects
    "array": Api("array", "new", "elements"),
    "asarray": Api("array", "input", "elements"),
    "asanyarray": Api("array", "input", "elements"),
    "fromiter": Api("array", "new", "elements", elements="scalars"),
    # views of the first argument
    "reshape": _VIEW, "ravel": _VIEW, "transpose": _VIEW, "swapaxes": _VIEW, "moveaxis": _VIEW,
    "squeeze": _VIEW, "expand_dims": _VIEW, "atleast_1d": _VIEW, "atleast_2d": _VIEW, "atleast_3d": _VIEW,
    "broadcast_to": _VIEW, "diagonal": _VIEW, "flip": _VIEW, "fliplr": _VIEW, "flipud": _VIEW,
    "rot90": _VIEW, "split": Api("arrays", "view", "like"), "array_split": Api("arrays", "view", "like"),
    "frombuffer": Api("array", "view", "file"),
    # read from files
    "load": _FILE, "loadtxt": _FILE, "genfromtxt": _FILE, "fromfile": _FILE, "memmap": _FILE,
    "fromstring": _FILE,
    # random arrays
    "random.rand": Api("array", "new", _args(None)),
    "random.randn": Api("array", "new", _args(None)),
    "random.random": Api("array", "new", _args((0,), "size")),
    "random.random_sample": Api("array", "new", _args((0,), "size")),
    "random.ranf": Api("array", "new", _args((0,), "size"), legacy=True),
    "random.sample": Api("array", "new", _args((0,), "size"), legacy=True),
    "random.normal": Api("array", "new", _args((2,), "size")),
    "random.uniform": Api("array", "new", _args((2,), "size")),
    "random.randint": Api("array", "new", _args((2,), "size")),
    "random.choice": Api("array", "new", _args((1,), "size")),
    "random.standard_normal": Api("array", "new", _args((0,), "size")),
    "random.permutation": _NEW_LIKE,
}

PANDAS: Dict[str, Api] = {
    "DataFrame": Api("frame", "new", "elements"),
    "Series": Api("series", "new", "elements"),
    "concat": Api("frame", "new", "join"),
    "merge": Api("frame", "new", "join"),
    "read_csv": Api("frame", "file", "file"),
    "read_table": Api("frame", "file", "file"),
    "read_fwf": Api("frame", "file", "file"),
    "read_excel": Api("frame", "file", "file"),
    "read_json": Api("frame", "file", "file"),
    "read_parquet": Api("frame", "file", "file"),
    "read_feather": Api("frame", "file", "file"),
    "read_hdf": Api("frame", "file", "file"),
    "read_pickle": Api("frame", "file", "file"),
    "read_sql": Api("frame", "file", "file"),
    "read_sql_query": Api("frame", "file", "file"),
    "read_sql_table": Api("frame", "file", "file"),
    "read_stata": Api("frame", "file", "file"),
    "read_sas": Api("frame", "file", "file"),
    "read_orc": Api("frame", "file", "file"),
    "read_xml": Api("frame", "file", "file"),
    "read_html": Api("arrays", "file", "file"),
}
# pandas readers that return an iterator of chunks instead of a frame when given one of these.
CHUNKING_KEYWORDS = frozenset({"iterator", "chunksize"})

# ndarray / DataFrame methods and attributes: views keep the receiver's size and allocate nothing.
VIEW_METHODS = frozenset({"reshape", "view", "ravel", "transpose", "swapaxes", "squeeze"})
VIEW_ATTRIBUTES = frozenset({"T", "real", "flat", "values"})
COPY_METHODS = frozenset({"copy", "astype", "flatten", "to_numpy", "cumsum", "cumprod", "round", "clip", "fillna", "dropna", "sort_values", "reset_index", "assign", "drop", "rename", "apply", "map", "abs"})
# Attributes whose value is small whatever the data: the structure, not the contents.
STRUCTURE_ATTRIBUTES = frozenset({"shape", "ndim", "dims", "axes", "dtype", "dtypes", "itemsize", "strides", "_fields", "names", "nlevels", "ndims"})


def numpy_api(qualified: str) -> Optional[Api]:
    """The entry for "numpy.zeros", "numpy.random.rand", "pandas.read_csv"...; None otherwise."""
    if qualified.startswith("numpy."):
        return NUMPY.get(qualified[len("numpy.") :])
    if qualified.startswith("pandas."):
        return PANDAS.get(qualified[len("pandas.") :])
    return None
