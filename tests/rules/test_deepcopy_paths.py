"""MEM204 leaves pickle round trips in test modules alone: they test pickling, they do not copy."""

from __future__ import annotations

import pytest

from memlint.api import lint_source
from memlint.registry import find_rule
from memlint.testing import config_for

ROUND_TRIP = "import pickle\n\ndef check(obj):\n    return pickle.loads(pickle.dumps(obj))\n"


@pytest.mark.parametrize(
    ("path", "flagged"),
    [
        ("pkg/copying.py", True),
        ("pkg/tests/helpers.py", True),
        ("tests/fixtures/MEM204.py", True),
        ("Lib/test/pickletester.py", False),
        ("pkg/test_copying.py", False),
        ("pkg/copying_test.py", False),
        ("pkg/testing.py", True),
    ],
)
def test_round_trip_in_test_modules(path, flagged):
    result = lint_source(ROUND_TRIP, path, config_for(find_rule("MEM204"), {}))
    assert bool(result.findings) is flagged, result.findings
