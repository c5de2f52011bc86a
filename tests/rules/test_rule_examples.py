"""Every rule's own VALID and INVALID examples, run through the engine as tests."""

from __future__ import annotations

import pytest

from memlint.registry import all_rules
from memlint.testing import check_invalid, check_valid

VALID = [
    pytest.param(rule, example, id=f"{code}-valid-{i}")
    for code, rule in all_rules().items()
    for i, example in enumerate(rule.VALID)
]
INVALID = [
    pytest.param(rule, example, id=f"{code}-invalid-{i}")
    for code, rule in all_rules().items()
    for i, example in enumerate(rule.INVALID)
]


@pytest.mark.parametrize(("rule", "example"), VALID)
def test_valid_example_is_not_flagged(rule, example):
    check_valid(rule, example)


@pytest.mark.parametrize(("rule", "example"), INVALID)
def test_invalid_example_is_flagged_and_fixed(rule, example):
    check_invalid(rule, example)


def test_every_rule_has_examples_of_both_kinds():
    for code, rule in all_rules().items():
        assert rule.VALID and rule.INVALID, code
