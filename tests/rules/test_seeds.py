"""Each seed's own example, linted exactly as the seed writes it (the seed documents: the
documents memlint was conceived from). The code is copied from the seeds' text; where a seed
shows only prose around its listing (seed 001), the listing it describes is reproduced from that
prose: `a_current = np.random.rand(1000, 1000)`, then in a loop `a_next = a_current.copy()` and
`a_diff = a_next - a_current`."""

from __future__ import annotations

import textwrap
from typing import List, Tuple

import pytest

from memlint.api import lint_source


# Seed 000's first listing, called the way its timing runs it:
# `for i in range(10_000_000): temp.functionA(1,2)` (here in the same module).
SEED_000 = """
def functionA(b, c):
    def _innerFunction(b, c):
        return b + c
    return _innerFunction(b, c)

def _outerFunction(b, c):
    return b + c

def functionB(b, c):
    return _outerFunction(b, c)

for i in range(10_000_000): functionA(1,2)
"""

SEED_001_LOOP = """\
a_current = np.random.rand(1000, 1000)
for n in range(10):
    a_next = a_current.copy()
    np.random.shuffle(a_next)
    a_diff = a_next - a_current
"""
SEED_001_MODULE = "\nimport numpy as np\n\n" + SEED_001_LOOP
SEED_001_FUNCTION = "\nimport numpy as np\n\ndef main():\n" + textwrap.indent(SEED_001_LOOP, "    ")

SEED_002 = """
import inspect # https://docs.python.org/3.6/library/inspect.html#types-and-members
def foo():
    bar()
def bar():
    global frame
    frame = inspect.currentframe() # Return the frame object for the caller’s stack frame.
foo()
frame.f_code.co_name # name with which this code object was defined
caller_frame = frame.f_back
caller_frame.f_code.co_name
"""

SEED_003 = """
from memory_profiler import profile

@profile(precision=4)
def my_test_function():
    THE_LIMIT = 10000
    PP = sum(x * x for x in range(THE_LIMIT))
    a = 1
    NN = sum([x * x for x in range(THE_LIMIT)])
    b = 1

if __name__ == '__main__':
    my_test_function()
"""

SEED_004 = """
import memory_profiler
import pickle
import random

def random_string():
    return "".join([chr(64 + random.randint(0, 25)) for _ in xrange(20)])

@profile
def create_file():
    x = [(random.random(),
          random_string(),
          random.randint(0, 2 ** 64))
         for _ in xrange(1000000)]

    pickle.dump(x, open('machin.pkl', 'w'))

@profile
def load_file():
    y = pickle.load(open('machin.pkl', 'r'))
    return y

if __name__=="__main__":
    create_file()
    #load_file()
"""

CASES: List[Tuple[str, str, List[Tuple[int, str]]]] = [
    ("000 nested function called in a loop", SEED_000, [(3, "MEM202")]),
    ("001 a_current loop at module level", SEED_001_MODULE, [(6, "MEM401"), (8, "MEM401")]),
    ("001 a_current loop inside a function", SEED_001_FUNCTION, [(7, "MEM401"), (9, "MEM401")]),
    ("002 the frame stored in a global", SEED_002, [(7, "MEM605")]),
    ("003 sum of a list comprehension", SEED_003, [(9, "MEM101")]),
    ("004 pickle.dump of the million-tuple list", SEED_004, [(16, "MEM503")]),
]


@pytest.mark.parametrize("source,expected", [(c[1], c[2]) for c in CASES], ids=[c[0] for c in CASES])
def test_seed_example_is_reported(source: str, expected: List[Tuple[int, str]]) -> None:
    result = lint_source(textwrap.dedent(source), "seed.py")
    assert not result.errors
    found = sorted((f.location.line, f.code) for f in result.findings)
    assert found == expected


def test_seed_001_message_states_the_evidence() -> None:
    result = lint_source(SEED_001_MODULE, "seed.py")
    messages = [f.message for f in result.findings]
    assert messages[0] == (
        "`a_next` is rebound to a new numpy array while the old one is still alive "
        "(`a_current` = `np.random.rand(1000, 1000)`: 1,000,000 elements); "
        "`del a_next` before the assignment frees the old one before the new one is built"
    )
