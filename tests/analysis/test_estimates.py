"""Size estimates (analysis/estimates.py) against measurement: each estimated shape is evaluated
here and its traced allocation (`tracemalloc`) must be within 15% of the estimate."""

from __future__ import annotations

import platform
import struct
import sys
import tracemalloc
from typing import Any, Dict, Optional

import libcst as cst
import libcst.matchers as m
import pytest

from analysis_probe import probe
from memlint.analysis import estimates
from memlint.analysis.estimates import Estimate, allocation_estimate, fallback_dtype_size, human_bytes

TOLERANCE = 0.15


def estimate_of(expr: str, prelude: str = "import numpy as np\n") -> Optional[Estimate]:
    rule = probe(f"{prelude}value = {expr}\n")
    (assign,) = m.findall(rule.module, m.Assign())
    return allocation_estimate(rule, cst.ensure_type(assign, cst.Assign).value)


def traced_bytes(expr: str, namespace: Dict[str, Any]) -> int:
    """Bytes still allocated, per tracemalloc, while the value of `expr` is alive."""
    code = compile(expr, "<measured>", "eval")
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        value = eval(code, namespace)  # noqa: S307 - our own test expressions
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    del value
    return after - before


def assert_close(expr: str, namespace: Dict[str, Any]) -> Estimate:
    estimate = estimate_of(expr)
    assert estimate is not None and not estimate.partial, expr
    measured = traced_bytes(expr, namespace)
    assert abs(estimate.nbytes - measured) <= TOLERANCE * measured, (expr, estimate, measured)
    return estimate


PYTHON_SHAPES = [
    ("[x for x in range(10**6)]", "a list of 1,000,000 ints"),
    ("[x * x for x in range(10**6)]", "a list of 1,000,000 ints"),
    ("[x / 2 for x in range(500_000)]", "a list of 500,000 floats"),
    ("[float(x) for x in range(300000)]", "a list of 300,000 floats"),
    ("[str(x) for x in range(10**6)]", "a list of 1,000,000 strings"),
    ("[(x, x * 2) for x in range(400000)]", "a list of 400,000 tuples"),
    ("[1 for _ in range(10**6)]", "a list of 1,000,000 ints"),
    ("[x % 1000 for x in range(10**6)]", "a list of 1,000,000 ints"),
    ("[2**40 + x for x in range(10**5)]", "a list of 100,000 ints"),
    ("[i * j for i in range(1000) for j in range(1000)]", "a list of 1,000,000 ints"),
    ("[c for c in 'abcdef' for _ in range(10**5)]", "a list of 600,000 strings"),
    ("[x for x in range(100)]", "a list of 100 ints"),
    ("[x - 300 for x in range(-2000, 2000)]", "a list of 4,000 ints"),
    ("list(range(10**6))", "a list of 1,000,000 ints"),
    ("tuple(range(10**6))", "a tuple of 1,000,000 ints"),
    ("list(x for x in range(-500, 10**6, 3))", "a list of 333,500 ints"),
    ("sorted([x for x in range(300000)])", "a list of 300,000 ints"),
    ("[0] * 10**6", "a list of 1,000,000 slots"),
    ("[None, 1.5] * 500000", "a list of 1,000,000 slots"),
    ("4096 * [0]", "a list of 4,096 slots"),
    ("bytearray(10**6)", "a bytearray of 1,000,000 bytes"),
    ("bytes(2**20)", "a bytes of 1,048,576 bytes"),
]


@pytest.mark.parametrize(("expr", "what"), PYTHON_SHAPES)
def test_python_estimates_match_tracemalloc(expr: str, what: str) -> None:
    estimate = assert_close(expr, {})
    assert estimate.what == what


NUMPY_SHAPES = [
    ("np.zeros((1000, 1000))", "a 1,000 x 1,000 float64 array"),
    ("np.ones(10**6, dtype=np.float32)", "a float32 array of 1,000,000 elements"),
    ("np.empty((500, 400), 'i2')", "a 500 x 400 int16 array"),
    ("np.zeros(10**6, dtype=complex)", "a complex128 array of 1,000,000 elements"),
    ("np.ones(10**6, dtype=int)", "an int64 array of 1,000,000 elements"),
    ("np.zeros((100, 100, 100), dtype='<u2')", "a 100 x 100 x 100 uint16 array"),
    ("np.full(10**6, 7)", "an int64 array of 1,000,000 elements"),
    ("np.full(10**6, True)", "a bool array of 1,000,000 elements"),
    ("np.full((1000, 100), 0.5, dtype='f4')", "a 1,000 x 100 float32 array"),
    ("np.arange(10**6)", "an int64 array of 1,000,000 elements"),
    ("np.arange(0, 10, 1e-5)", "a float64 array of 1,000,000 elements"),
    ("np.arange(10**6, dtype=np.uint8)", "a uint8 array of 1,000,000 elements"),
    ("np.linspace(0, 1, 10**6)", "a float64 array of 1,000,000 elements"),
    ("np.eye(1000)", "a 1,000 x 1,000 float64 array"),
    ("np.eye(1000, 500)", "a 1,000 x 500 float64 array"),
    ("np.identity(500, dtype=bool)", "a 500 x 500 bool array"),
    ("np.random.rand(1000, 1000)", "a 1,000 x 1,000 float64 array"),
    ("np.random.random((1000, 500))", "a 1,000 x 500 float64 array"),
]


@pytest.mark.parametrize(("expr", "what"), NUMPY_SHAPES)
def test_numpy_estimates_match_tracemalloc(expr: str, what: str) -> None:
    numpy = pytest.importorskip("numpy")
    if what.startswith(("an int64", "an int")) and numpy.dtype(int).itemsize != 8:
        pytest.skip("numpy's default int is not 64-bit here")
    estimate = assert_close(expr, {"np": numpy})
    assert estimate.what == what


def test_a_list_filled_by_append_matches_tracemalloc() -> None:
    """MEM305's estimate: the list `for i in range(n): values.append(i * 1.5)` fills."""
    rule = probe("values = []\nfor i in range(300000):\n    values.append(i * 1.5)\n")
    (loop,) = m.findall(rule.module, m.For())
    (append,) = m.findall(rule.module, m.Call(func=m.Attribute()))
    estimate = estimates.appended_estimate(rule, cst.ensure_type(loop, cst.For), cst.ensure_type(append, cst.Call).args[0].value)
    assert estimate is not None and estimate.what == "a list of 300,000 floats"
    code = compile("values = []\nfor i in range(300000):\n    values.append(i * 1.5)\n", "<measured>", "exec")
    namespace: Dict[str, Any] = {}
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        exec(code, namespace)  # noqa: S102 - our own test code
        measured = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert abs(estimate.nbytes - measured) <= TOLERANCE * measured, (estimate, measured)


@pytest.mark.parametrize(("expr", "copied"), [("sorted(list(range(10**6)))", "list(range(10**6))"), ("tuple(list(x for x in range(10**5)))", "list(x for x in range(10**5))")])
def test_a_redundant_copy_costs_its_slots(expr: str, copied: str) -> None:
    """MEM107's estimate: the second copy shares the items, so only its slots are at stake."""
    rule = probe(f"value = {expr}\n")
    outer = cst.ensure_type(cst.ensure_type(next(iter(m.findall(rule.module, m.Assign()))), cst.Assign).value, cst.Call)
    inner = cst.ensure_type(outer.args[0].value, cst.Call)
    estimate = estimates.slots_estimate(rule, "list", inner.args[0].value)
    original = eval(copied)  # noqa: S307 - our own test expression
    measured = traced_bytes("list(original)", {"original": original})
    assert estimate is not None and abs(estimate.nbytes - measured) <= TOLERANCE * measured


@pytest.fixture
def without_numpy(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if numpy were not installed: the item sizes come from `struct`."""
    monkeypatch.setattr(estimates, "_load_numpy", lambda: None)


@pytest.mark.parametrize("expr", [expr for expr, _ in NUMPY_SHAPES])
def test_numpy_estimates_without_numpy_agree_with_numpy(expr: str, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("numpy")
    with_numpy = estimate_of(expr)
    monkeypatch.setattr(estimates, "_load_numpy", lambda: None)
    assert estimate_of(expr) == with_numpy


def test_array_sizes_without_numpy(without_numpy: None) -> None:
    double, single, short = struct.calcsize("d"), struct.calcsize("f"), struct.calcsize("h")
    assert estimate_of("np.zeros((1000, 1000))") == Estimate(10**6 * double, "a 1,000 x 1,000 float64 array")
    assert estimate_of("np.ones(3000, dtype=np.float32)") == Estimate(3000 * single, "a float32 array of 3,000 elements")
    assert estimate_of("np.empty(10, 'int16')") == Estimate(10 * short, "an int16 array of 10 elements")
    assert estimate_of("np.zeros(5, dtype='float128')") is None  # unknown without numpy: no guess
    assert estimate_of("np.zeros(5, dtype=object)") is None


@pytest.mark.parametrize(
    "spec",
    ["float", "int", "bool", "complex", "float32", "float64", "float16", "int8", "uint8", "int16",
     "uint16", "int32", "uint32", "int64", "uint64", "complex64", "complex128", "intp", "f8", "<f4",
     "i2", "u1", "c16", "double", "single", "bool_", "intc", "longlong"],
)
def test_the_fallback_dtype_table_agrees_with_numpy(spec: str) -> None:
    numpy = pytest.importorskip("numpy")
    dtype = numpy.dtype(getattr(numpy, spec) if spec.isidentifier() and hasattr(numpy, spec) else spec)
    assert fallback_dtype_size(spec) == (dtype.name, dtype.itemsize)


def test_numpy_is_imported_only_for_an_array_estimate(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    monkeypatch.setattr(estimates, "_load_numpy", lambda: calls.append(1))
    estimate_of("[x for x in range(5000)]")
    estimate_of("[0] * 5000")
    assert calls == []
    estimate_of("np.zeros(5000)")
    assert calls == [1]


def test_cached_small_ints_cost_nothing() -> None:
    if platform.python_implementation() == "CPython":
        assert estimates.SMALL_INTS == range(-5, 257)
    small = estimate_of("[x for x in range(-5, 257)]")
    assert small == Estimate(sys.getsizeof([]) + 262 * struct.calcsize("P"), "a list of 262 ints")
    big = estimate_of("[x for x in range(1000, 1262)]")
    assert big is not None and big.nbytes == small.nbytes + sum(sys.getsizeof(v) for v in range(1000, 1262))


def test_unknown_items_give_a_partial_estimate_of_the_slots() -> None:
    estimate = estimate_of("[f(x) for x in range(1000)]")
    assert estimate == Estimate(sys.getsizeof([]) + 1000 * struct.calcsize("P"), "a list of 1,000 items", partial=True)
    assert estimate.known_bytes is None
    assert estimate.describe() == f"a list of 1,000 items, ~{human_bytes(estimate.nbytes)} for the slots alone, plus the items"


@pytest.mark.parametrize(
    "expr",
    [
        "[x for x in range(1000) if x % 2]",  # how many pass the filter: unknown
        "[x for x in data]",
        "[x for x in range(n)]",
        "{x for x in range(1000)}",  # a set's table size is CPython's business: not estimated
        "np.zeros(n)",
        "np.zeros((1000, n))",
        "np.zeros(1000, dtype=t)",
        "np.full(1000, value)",
        "np.array([1, 2, 3])",
        "[0] * n",
        "bytearray(n)",
        "[x ** y for x in range(10) for y in range(10**7, 10**7 + 10)]",  # not computed: partial
    ],
)
def test_no_estimate_when_the_code_does_not_state_the_size(expr: str) -> None:
    estimate = estimate_of(expr)
    assert estimate is None or estimate.partial


def test_shadowed_names_are_not_estimated() -> None:
    assert estimate_of("zeros((1000, 1000))", "def zeros(shape):\n    return shape\n") is None
    assert estimate_of("list(range(1000))", "def range(n):\n    return [n]\n") is None


def test_long_loops_are_sampled_deterministically() -> None:
    first = estimate_of("[x * 7 % 100003 for x in range(10**6)]")
    assert first is not None and first == estimate_of("[x * 7 % 100003 for x in range(10**6)]")


@pytest.mark.parametrize(
    ("nbytes", "text"),
    [
        (0, "0 bytes"), (1, "1 byte"), (640, "640 bytes"), (999, "999 bytes"), (1000, "1.0 kB"),
        (8_400, "8.4 kB"), (65_000, "65 kB"), (999_499, "999 kB"), (999_600, "1.0 MB"),
        (36_000_056, "36 MB"), (9_960_000, "10 MB"), (2_500_000_000, "2.5 GB"), (10**13, "10 TB"),
    ],
)
def test_human_bytes_uses_decimal_units(nbytes: int, text: str) -> None:
    assert human_bytes(nbytes) == text


def test_infinite_and_huge_bounds_give_no_estimate_and_no_crash() -> None:
    from memlint.api import lint_source
    from memlint.config import build_config

    source = (
        "import numpy as np\n"
        "for i in range(10):\n"
        "    a = np.arange(0, 1e400)\n"
        "    b = np.arange(0, 1e300, 1e-300)\n"
        "    use(a, b)\n"
        "x = sum([y for y in range(-2**70, 2**70)])\n"
    )
    result = lint_source(source, "huge.py", build_config({}, {"select": ["ALL"], "preview": True}, root="."))
    assert result.errors == ()
    assert sorted(f.code for f in result.findings) == ["MEM101", "MEM401", "MEM401"]
    assert {f.estimated_bytes for f in result.findings} == {None}
    assert estimate_of("np.arange(0, 1e300, 1e-300)") is None
