"""Running a rule's own VALID and INVALID examples as tests (used by tests/rules/test_rule_examples.py).

Each check raises AssertionError with a message that shows the example, so a failing example
reads like a bug report. Fixes are checked to produce exactly the stated output, to re-parse, to
be idempotent, and to respect applicability (an unsafe fix is not applied without
--unsafe-fixes; a display fix never is).
"""

from __future__ import annotations

from typing import Any, Mapping, Type

import libcst as cst

from memlint.api import lint_source
from memlint.config import Config, build_config
from memlint.findings import Applicability, FileResult
from memlint.fixing import apply_edits
from memlint.rule import Invalid, Rule, Valid

EXAMPLE_PATH = "example.py"


def config_for(rule: Type[Rule], options: Mapping[str, Any]) -> Config:
    """Only this rule (selected by exact code, so preview rules run), with the example's options."""
    file_settings = {rule.code: dict(options)} if options else {}
    return build_config(file_settings, {"select": [rule.code]}, root=".")


def _describe(example_code: str, result: FileResult) -> str:
    shown = "\n".join(f"  {f.location.line}:{f.location.column} {f.code} {f.message}" for f in result.findings)
    errors = "\n".join(f"  {e.message}" for e in result.errors)
    return f"\n--- example ---\n{example_code}--- findings ---\n{shown or '  (none)'}\n{errors}"


def check_valid(rule: Type[Rule], example: Valid) -> None:
    result = lint_source(example.code, EXAMPLE_PATH, config_for(rule, example.options))
    assert not result.errors, f"{rule.code}: internal error on a VALID example{_describe(example.code, result)}"
    flagged = [f for f in result.findings if f.code == rule.code]
    assert not flagged, f"{rule.code} flags a VALID example{_describe(example.code, result)}"
    assert not result.findings, f"{rule.code}: a VALID example gives other findings{_describe(example.code, result)}"


def check_invalid(rule: Type[Rule], example: Invalid) -> None:
    config = config_for(rule, example.options)
    result = lint_source(example.code, EXAMPLE_PATH, config, with_edits=True)
    assert not result.errors, f"{rule.code}: internal error on an INVALID example{_describe(example.code, result)}"
    flagged = [f for f in result.findings if f.code == rule.code]
    assert len(flagged) == example.count, (
        f"{rule.code}: expected {example.count} finding(s), got {len(flagged)}{_describe(example.code, result)}"
    )
    if example.fixed is None:
        assert all(f.fix is None for f in flagged), (
            f"{rule.code} offers a fix where the example says none{_describe(example.code, result)}"
        )
        return
    assert all(f.fix is not None and f.fix.applicability is example.applicability for f in flagged), (
        f"{rule.code}: fix applicability differs from {example.applicability}: "
        f"{[f.fix.applicability.value if f.fix else None for f in flagged]}{_describe(example.code, result)}"
    )
    if example.applicability is Applicability.DISPLAY:
        fixed = example.code
        for finding in reversed(flagged):  # bottom-up keeps earlier positions valid
            assert finding.fix is not None
            fixed = apply_edits(fixed, finding.fix.edits)
    else:
        fixed_result = lint_source(example.code, EXAMPLE_PATH, config, fix=True, unsafe_fixes=True)
        assert fixed_result.fixed_source is not None, f"{rule.code}: the fix changed nothing{_describe(example.code, result)}"
        fixed = fixed_result.fixed_source
        if example.applicability is Applicability.UNSAFE:
            safe_only = lint_source(example.code, EXAMPLE_PATH, config, fix=True, unsafe_fixes=False)
            assert safe_only.fixed_source is None, f"{rule.code}: an unsafe fix was applied by plain --fix"
    assert fixed == example.fixed, (
        f"{rule.code}: fixed output differs\n--- expected ---\n{example.fixed}--- got ---\n{fixed}"
    )
    cst.parse_module(fixed)  # re-parses (raises otherwise)
    again = lint_source(fixed, EXAMPLE_PATH, config, fix=True, unsafe_fixes=True)
    assert again.fixed_source is None, f"{rule.code}: fix is not idempotent\n{fixed}--- second pass ---\n{again.fixed_source}"
    assert not again.errors, f"{rule.code}: internal error on the fixed output{_describe(fixed, again)}"
