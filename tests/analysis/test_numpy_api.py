"""The numpy/pandas table (analysis/numpy_api.py) against the installed libraries: every name
exists, every function said to return a view shares memory with its input."""

from __future__ import annotations

import pytest

from memlint.analysis.numpy_api import NUMPY, PANDAS, numpy_api

np = pytest.importorskip("numpy")
pd = pytest.importorskip("pandas")


def _lookup(module, dotted: str):
    value = module
    for part in dotted.split("."):
        value = getattr(value, part)
    return value


@pytest.mark.parametrize("name", sorted(NUMPY))
def test_every_numpy_name_exists(name: str) -> None:
    entry = NUMPY[name]
    try:
        found = _lookup(np, name)
    except AttributeError:
        assert entry.legacy, f"numpy.{name} is not in numpy {np.__version__} and is not marked legacy"
        return
    assert callable(found)


@pytest.mark.parametrize("name", sorted(PANDAS))
def test_every_pandas_name_exists(name: str) -> None:
    assert callable(_lookup(pd, name))


# How to call each function the table calls a view, on a (2, 3, 4) float array `a`.
VIEW_CALLS = {
    "reshape": lambda a: np.reshape(a, (6, 4)),
    "ravel": np.ravel,
    "transpose": np.transpose,
    "swapaxes": lambda a: np.swapaxes(a, 0, 1),
    "moveaxis": lambda a: np.moveaxis(a, 0, -1),
    "squeeze": lambda a: np.squeeze(a[:1]),
    "expand_dims": lambda a: np.expand_dims(a, 0),
    "atleast_1d": np.atleast_1d,
    "atleast_2d": np.atleast_2d,
    "atleast_3d": np.atleast_3d,
    "broadcast_to": lambda a: np.broadcast_to(a, (5, 2, 3, 4)),
    "diagonal": np.diagonal,
    "flip": np.flip,
    "fliplr": np.fliplr,
    "flipud": np.flipud,
    "rot90": np.rot90,
    "split": lambda a: np.split(a, 2)[1],
    "array_split": lambda a: np.array_split(a, 2)[1],
    "frombuffer": lambda a: np.frombuffer(a.data, dtype=a.dtype),
}


def test_every_view_is_listed_with_a_call() -> None:
    views = {name for name, entry in NUMPY.items() if entry.memory == "view"}
    assert views == set(VIEW_CALLS)


@pytest.mark.parametrize("name", sorted(VIEW_CALLS))
def test_views_share_memory(name: str) -> None:
    a = np.arange(24.0).reshape(2, 3, 4)
    assert np.shares_memory(VIEW_CALLS[name](a), a)


@pytest.mark.parametrize("name", ["zeros_like", "copy", "sort", "cumsum", "exp", "concatenate", "array", "fromiter", "tile"])
def test_allocating_functions_do_not_share_memory(name: str) -> None:
    a = np.arange(24.0)
    calls = {
        "zeros_like": lambda: np.zeros_like(a),
        "copy": lambda: np.copy(a),
        "sort": lambda: np.sort(a),
        "cumsum": lambda: np.cumsum(a),
        "exp": lambda: np.exp(a),
        "concatenate": lambda: np.concatenate([a, a]),
        "array": lambda: np.array(a),
        "fromiter": lambda: np.fromiter(iter(a), dtype=float),
        "tile": lambda: np.tile(a, 2),
    }
    assert NUMPY[name].memory == "new"
    assert not np.shares_memory(calls[name](), a)


def test_asarray_returns_its_input_when_it_is_an_array() -> None:
    a = np.arange(5.0)
    assert NUMPY["asarray"].memory == "input"
    assert np.asarray(a) is a
    assert not np.shares_memory(np.asarray([1.0, 2.0]), a)


def test_fromiter_holds_only_scalars_and_array_takes_vectors() -> None:
    vectors = [np.zeros(3), np.ones(3)]
    assert NUMPY["fromiter"].elements == "scalars"
    assert NUMPY["array"].elements == "any"
    assert np.array(vectors, dtype=np.float32).shape == (2, 3)
    with pytest.raises((ValueError, TypeError)):
        np.fromiter(iter(vectors), dtype=np.float32)


def test_shape_arguments_give_the_element_count() -> None:
    assert NUMPY["random.rand"].shape == ("args", None, ())
    assert np.random.rand(10, 20).size == 200  # the product of the dimensions, not the largest
    assert NUMPY["zeros"].shape == ("args", (0,), ("shape",))
    assert np.zeros((10, 20)).size == 200


def test_chunked_readers_are_readers_not_frames(tmp_path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,2\n3,4\n")
    assert not isinstance(pd.read_csv(path, iterator=True), pd.DataFrame)
    assert not isinstance(pd.read_csv(path, chunksize=1), pd.DataFrame)
    assert isinstance(pd.read_csv(path), pd.DataFrame)


def test_lookup_by_qualified_name() -> None:
    assert numpy_api("numpy.zeros") is NUMPY["zeros"]
    assert numpy_api("numpy.random.rand") is NUMPY["random.rand"]
    assert numpy_api("pandas.read_csv") is PANDAS["read_csv"]
    assert numpy_api("numpy.nonexistent") is None
    assert numpy_api("cupy.zeros") is None
