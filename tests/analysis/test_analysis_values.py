"""analysis/values.py: kinds and size classes of expressions, with the reasons findings show."""

from __future__ import annotations

import textwrap

import libcst as cst
import libcst.matchers as m
import pytest

from analysis_probe import find, probe
from memlint.analysis.values import Kind, Size, large_kind, loop_trips, value_of


def last(code: str):
    rule = probe(textwrap.dedent(code))
    assign = cst.ensure_type(find(rule, m.Assign())[-1], cst.Assign)
    return value_of(rule, assign.value)


TINY = [
    ("import numpy as np\nx = np.zeros(3)", Kind.ARRAY),
    ("import numpy as np\ndef f(im):\n    x = np.array(im.shape) + 2", Kind.ARRAY),
    ("import numpy as np\ndef f(m):\n    x = np.arange(m - 1, m + 2)", Kind.ARRAY),
    ("def f(xs):\n    x = xs[:20]", Kind.UNKNOWN),
    ("def f(h):\n    x = h[-6:]", Kind.UNKNOWN),
    ("def f(a):\n    x = range(a.ndim)", Kind.RANGE),
    ("def f(a):\n    x = range(len(a.shape))", Kind.RANGE),
    ("x = enumerate([1, 2, 3])", Kind.ITERATOR),
    ("def f(c):\n    t = () if c else None\n    x = t", Kind.TUPLE),
    ("import sys\nx = sys.argv", Kind.LIST),
    ("import dataclasses\ndef f(o):\n    x = dataclasses.fields(o)", Kind.TUPLE),
    ("d = {'a': 1, 'b': 2}\nx = d.keys()", Kind.ITERATOR),
    ("def f(p):\n    out = []\n    for i in range(3):\n        out.append(i)\n    x = out", Kind.LIST),
    ("def f(a, xs):\n    x = zip(a.shape, xs)", Kind.ITERATOR),
]


@pytest.mark.parametrize("code,kind", TINY)
def test_proven_tiny(code: str, kind: Kind) -> None:
    found = last(code)
    assert (found.size, found.kind) == (Size.TINY, kind)


DATA = [
    ("import numpy as np\nx = np.random.rand(1000, 1000)", Kind.ARRAY, "`np.random.rand(1000, 1000)`: 1,000,000 elements"),
    ("import numpy as np\na = np.random.rand(1000, 1000)\nx = a.copy()", Kind.ARRAY, "`a` = `np.random.rand(1000, 1000)`: 1,000,000 elements"),
    ("import numpy as np\na = np.load(p)\nb = a.copy()\nx = b - a", Kind.ARRAY, "`a` is read from a file by `np.load`"),
    ("import pandas as pd\nx = pd.read_csv(f)", Kind.FRAME, "read from a file by `pd.read_csv`"),
    ("import pandas as pd\ndef f(p):\n    frame = pd.read_csv(p)\n    x = frame", Kind.FRAME, "`frame` is read from a file by `pd.read_csv`"),
    ("import numpy as np\ndef f(p):\n    frame = np.load(p)\n    x = np.zeros(len(frame))", Kind.ARRAY, "`frame` is read from a file by `np.load`"),
    ("import numpy as np\ndef f(p):\n    frame = np.load(p)\n    x = np.zeros(frame.shape)", Kind.ARRAY, "`frame` is read from a file by `np.load`"),
    ("def f(p):\n    out = []\n    for line in open(p):\n        out.append(line)\n    x = out", Kind.LIST, "`out` is filled in a loop over data (`open(p)` opens a file)"),
    ("import numpy as np\ndef make():\n    return np.load('a')\nx = make()", Kind.ARRAY, "`make()` returns a value read from a file by `np.load`"),
    ("import numpy as np\nclass A:\n    def __init__(self):\n        self.a = np.load('x')\n    def f(self):\n        x = self.a", Kind.ARRAY, "`self.a` is read from a file by `np.load`"),
    ("x = [0] * 10**6", Kind.LIST, "`10**6`: 1,000,000 elements"),
    ("def f(f):\n    x = f.read().split()", Kind.LIST, "`f.read()` reads a whole stream"),
    (
        "import numpy as np\ndef f(f):\n    text = f.read()\n    x = np.fromstring(text, sep=' ')",
        Kind.ARRAY,
        "parsed by `np.fromstring` from a data-sized string: `text` = `f.read()` reads a whole stream",
    ),
]


@pytest.mark.parametrize("code,kind,reason", DATA)
def test_data_sized_with_its_reason(code: str, kind: Kind, reason: str) -> None:
    found = last(code)
    assert (found.size, found.kind, found.reason) == (Size.DATA, kind, reason)


UNKNOWN = [
    ("import numpy as np\ndef f(n):\n    x = np.zeros(n)", Kind.ARRAY),
    ("import numpy as np\ndef f(a: np.ndarray):\n    x = a", Kind.ARRAY),
    ("import pandas as pd\ndef f(a: pd.DataFrame):\n    x = a", Kind.FRAME),
    ("def f(xs: list):\n    x = xs", Kind.LIST),
    ("def f(n):\n    x = [0] * n", Kind.LIST),
    ("import numpy as np\ndef f(h):\n    x = np.concatenate((h[-6:], h, h[:6]))", Kind.ARRAY),
    ("def f(xs):\n    x = [y * 2 for y in xs]", Kind.LIST),
    # A counter is not proven tiny: its loop's bindings read it (`x + 1` is pending, see below).
    ("def f(xs):\n    n = 0\n    for _ in xs:\n        n = n + 1\n    x = n", Kind.SCALAR),
    ("def f(xs):\n    acc = []\n    for y in xs:\n        acc = acc + [y]\n    x = acc", Kind.LIST),
    ("import numpy as np\ndef f(lines):\n    x = np.fromstring(' '.join(lines), sep=' ')", Kind.ARRAY),
]


@pytest.mark.parametrize("code,kind", UNKNOWN)
def test_unknown(code: str, kind: Kind) -> None:
    found = last(code)
    assert (found.size, found.kind) == (Size.UNKNOWN, kind)


def test_a_chunked_reader_is_not_a_frame() -> None:
    found = last("import pandas as pd\nx = pd.read_csv(f, iterator=True)")
    assert found.kind is Kind.READER
    found = last("import pandas as pd\nx = pd.read_csv(f, chunksize=10)")
    assert found.kind is Kind.READER


def test_views_and_names_allocate_nothing() -> None:
    rule = probe("import numpy as np\na = np.load(p)\nv1 = a.T\nv2 = np.asarray(a)\nv3 = a.reshape(-1)\nv4 = a\nv5 = a * 2\n")
    values = [cst.ensure_type(s, cst.Assign).value for s in find(rule, m.Assign())][1:]
    assert [value_of(rule, v).allocates for v in values] == [False, False, False, False, True]
    assert [large_kind(rule, v) for v in values] == [None, None, None, None, Kind.ARRAY]


def test_a_module_constant_between_the_limits_gives_its_count_to_a_shape() -> None:
    # 5,000 alone is neither tiny nor data-sized; 5,000 x 5,000 is data-sized, read in a function.
    found = last("import numpy as np\nN = 5000\ndef f():\n    x = np.random.rand(N, N)")
    assert (found.size, found.reason) == (Size.DATA, "`np.random.rand(N, N)`: 25,000,000 elements")
    assert last("import numpy as np\nN = 5000\nif c:\n    N = 10\nx = np.zeros((N, N))").size is Size.UNKNOWN


def test_a_name_rebound_in_a_loop_from_its_own_value_keeps_the_kind_of_its_other_bindings() -> None:
    # Seed 001's loop: `grid` is rebound from `new_grid`, which is computed from `grid` itself.
    code = """
        import numpy as np
        def run(steps):
            grid = np.random.rand(5000, 5000)
            for _ in range(steps):
                new_grid = grid * 0.5
                grid = new_grid + 1.0
            x = grid
    """
    found = last(code)
    assert (found.size, found.kind) == (Size.DATA, Kind.ARRAY)
    assert found.reason == "`grid` = `np.random.rand(5000, 5000)`: 25,000,000 elements"
    # The same cycle over a tiny start proves nothing tiny: the loop may run many times.
    assert last(code.replace("np.random.rand(5000, 5000)", "np.zeros(3)")).size is Size.UNKNOWN


def test_a_view_as_ndarray_is_an_array_and_owns_a_fresh_copy() -> None:
    rule = probe(
        "import numpy as np\n"
        "def f(mesh, a):\n"
        "    v1 = mesh.vertices.copy().view(np.ndarray)\n"
        "    v2 = mesh.vertices.view(np.ndarray)\n"
        "    v3 = mesh.vertices.view(type=np.ndarray)\n"
        "    v4 = mesh.vertices.copy().view(np.float32)\n"
        "    v5 = np.load(a).view(np.ndarray)\n"
    )
    values = [value_of(rule, cst.ensure_type(s, cst.Assign).value) for s in find(rule, m.Assign())]
    assert [(v.kind, v.allocates) for v in values] == [
        (Kind.ARRAY, True), (Kind.ARRAY, False), (Kind.ARRAY, False), (Kind.UNKNOWN, False), (Kind.ARRAY, True)
    ]
    assert values[4].data and not values[0].tiny


def test_the_product_of_dimensions_not_the_largest() -> None:
    assert last("import numpy as np\nx = np.zeros((500, 500))").size is Size.DATA
    assert last("import numpy as np\nx = np.zeros((5000,))").size is Size.UNKNOWN
    assert last("import numpy as np\nx = np.zeros((5, 5))").size is Size.TINY


def test_loop_trips() -> None:
    rule = probe(
        "import numpy as np\n"
        "for ax in range(a.ndim):\n    pass\n"
        "for line in open(p):\n    pass\n"
        "while True:\n    chunk = sock.recv(4096)\n"
        "while running:\n    pass\n"
    )
    loops = find(rule, m.For() | m.While())
    sizes = [loop_trips(rule, loop).size for loop in loops]
    assert sizes == [Size.TINY, Size.DATA, Size.DATA, Size.UNKNOWN]
    assert loop_trips(rule, loops[2]).reason == "the loop reads `sock.recv(4096)` until the stream ends"


def test_a_container_stays_tiny_only_while_every_use_is_seen() -> None:
    assert last("def f():\n    out = []\n    out.append(1)\n    n = len(out)\n    x = out").size is Size.TINY
    assert last("def f():\n    out = []\n    fill(out)\n    x = out").size is Size.UNKNOWN  # passed on: may grow
    assert last("def f():\n    out = []\n    alias = out\n    alias.append(1)\n    x = out").size is Size.UNKNOWN
    assert last("def f(xs):\n    out = []\n    for v in xs:\n        out.append(v)\n    x = out").size is Size.UNKNOWN
    assert last("CACHE = {}\ndef put(k, v):\n    CACHE[k] = v\nx = CACHE").size is Size.UNKNOWN  # grown by a function


def test_structure_is_tiny_whatever_the_data() -> None:
    rule = probe("import numpy as np\na = np.load(p)\nv1 = a.shape\nv2 = a.ndim\nv3 = len(a.shape)\nv4 = a.shape[0]\nv5 = len(a)\n")
    values = [cst.ensure_type(s, cst.Assign).value for s in find(rule, m.Assign())][1:]
    assert [value_of(rule, v).size for v in values] == [Size.TINY, Size.TINY, Size.TINY, Size.DATA, Size.DATA]


def test_a_data_sized_default_is_the_scale_the_code_is_written_for() -> None:
    found = last("import numpy as np\ndef run(n=10**6):\n    x = np.zeros(n)")
    assert (found.size, found.reason) == (Size.DATA, "`n` defaults to `10**6`: 1,000,000 elements")
    assert last("import numpy as np\ndef run(n=10):\n    x = np.zeros(n)").size is Size.UNKNOWN  # callers may pass more
    assert last("def f(axes=(0, 1)):\n    x = axes").kind is Kind.TUPLE


def test_what_the_network_returns_is_data_sized() -> None:
    found = last("import requests\ndef f(url):\n    x = requests.get(url).json()")
    assert (found.size, found.reason) == (Size.DATA, "fetched from the network by `requests.get`")


def test_a_small_slice_of_an_array_bounds_one_axis_only() -> None:
    assert last("import numpy as np\na = np.load(p)\nx = a[:20]").size is Size.DATA
    assert last("import numpy as np\ndef f(a: np.ndarray):\n    x = a[:20]").size is Size.UNKNOWN
    assert last("def f(rows: list):\n    x = rows[:20]").size is Size.TINY
