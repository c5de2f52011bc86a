"""The pre-filters -- the text triggers (prefilter.py) and the syntactic screens on CPython's
`ast` (screen.py) -- never change what memlint reports.

`lint_source(..., prefilter=False)` runs every selected rule on every file, with neither. The
fast tests compare both ways on every rule's VALID and INVALID examples, the fixtures and the fix
corpus; the slow test on a corpus of real files (every 5th standard-library module, every 25th
module of the installed site-packages, stable and preview rules, with fix edits, and with --fix
--unsafe-fixes where there are findings) and on generated programs (hypothesmith). The one
documented difference: a file that CPython accepts, that LibCST cannot parse and in which no
rule can fire gets no "LibCST cannot parse this file" finding, because LibCST is never asked.
"""

from __future__ import annotations

import sysconfig
from pathlib import Path

import pytest

from memlint.api import lint_source
from memlint.config import build_config
from memlint.parsing import vet_tree
from memlint.prefilter import TextIndex, applicable, may_fire
from memlint.registry import all_rules
from memlint.rule import Invalid, Rule, RuleDefinitionError, Valid
from memlint.screen import screened
from memlint.testing import config_for

DOC = "## What it does\nx\n\n## Why is this bad?\nx\n\n## Example\nx\n"
ALL_CODES = sorted(all_rules())
LIBCST_LIMITATION = "LibCST cannot parse this file, which Python accepts"


def _rule(triggers):
    return type(
        "Probe",
        (Rule,),
        {
            "__doc__": DOC,
            "code": "MEM999",
            "name": "probe",
            "message": "found",
            "VALID": [Valid("x = 1")],
            "INVALID": [Invalid("boom()")],
            "triggers": triggers,
        },
    )


@pytest.mark.parametrize(
    ("text", "entry", "expected"),
    [
        ("x = sum(y)", "sum", True),
        ("x = a.sum", "sum", True),
        ("from numpy import append as app", "append", True),
        ("summary = 1", "sum", False),
        ("checksum = 1", "sum", False),
        ("x = 'no'", "sum|any", False),
        ("x = any(y)", "sum|any", True),
        ("s\u00e9sum = 1", "sum", True),  # after a non-ASCII letter: taken, over-approximates
        ("[x for x in y if 1jor z]", "or", True),
        ("[x for x in y]", "for", True),
        ("y = x.format()", "for", True),  # keywords are plain substrings: over-approximates
        ("y = 1", "for|while", False),
    ],
)
def test_text_index(text, entry, expected):
    assert TextIndex(text).satisfies(entry) is expected


def test_every_entry_must_be_satisfied():
    rule = _rule(("numpy", "array|asarray"))
    assert may_fire(rule, TextIndex("import numpy as np\nnp.asarray(x)"))
    assert not may_fire(rule, TextIndex("import numpy as np\nnp.zeros(x)"))
    assert not may_fire(rule, TextIndex("array(x)"))


def test_a_rule_without_triggers_always_runs():
    rule = _rule(())
    assert applicable([rule], "") == (rule,)


@pytest.mark.parametrize("triggers", [("sum any",), ("sum|",), ("9lives",), ["sum"], ("s\u00fcm",)])
def test_malformed_triggers_are_refused_at_import(triggers):
    with pytest.raises(RuleDefinitionError, match="trigger"):
        _rule(triggers)


def test_rules_whose_triggers_are_absent_are_not_run():
    config = build_config({}, {"select": ["MEM101"]}, root=".")
    source = "total = sum([x * x for x in data])\n"
    assert [f.code for f in lint_source(source, "a.py", config).findings] == ["MEM101"]
    renamed = source.replace("sum", "add")  # `add` is not a reducer: MEM101 is skipped
    assert lint_source(renamed, "a.py", config).findings == ()
    assert lint_source(renamed, "a.py", config, prefilter=False).findings == ()


def test_fix_passes_filter_the_fixed_text_again():
    config = build_config({}, {"select": ALL_CODES}, root=".")
    source = "for i in list(range(n)):\n    total = sum([x for x in data])\n"
    with_filter = lint_source(source, "a.py", config, fix=True, unsafe_fixes=True)
    without = lint_source(source, "a.py", config, fix=True, unsafe_fixes=True, prefilter=False)
    assert with_filter.fixed_source == without.fixed_source != source
    assert with_filter.findings == without.findings


HERE = Path(__file__).parents[1]  # tests/
ALL_AND_PREVIEW = build_config({}, {"select": ALL_CODES, "preview": True}, root=".")


def _fixtures():
    """Every rule's fixture and the fix corpus: files with findings and fixes."""
    fixtures = sorted(str(path) for path in (HERE / "fixtures").glob("MEM[0-9][0-9][0-9].py"))
    return fixtures + sorted(str(path) for path in (HERE / "fix_corpus").glob("*.py"))


def _corpus(every: int, every_site: int = 25):
    """Every `every`-th standard-library file, every `every_site`-th file of site-packages
    (numpy and pandas are installed with the tests: numeric code, where more rules fire), and
    the fixtures: the standard library is mostly clean under precise rules (17 of 358 files with
    a finding after issue 12), the fixtures make sure that files with findings and fixes are
    compared too."""
    root = Path(sysconfig.get_paths()["stdlib"])
    files = sorted(str(path) for path in root.rglob("*.py") if "site-packages" not in path.parts)
    site = Path(sysconfig.get_paths()["purelib"])
    packages = sorted(str(path) for path in site.rglob("*.py") if "memlint" not in str(path.relative_to(site)))
    return files[::every] + packages[::every_site] + _fixtures()


def _observable(result):
    findings = [
        (f.code, f.location, f.end_location, f.message, f.fix, f.source_line) for f in result.findings
    ]
    errors = [e.message for e in result.errors]
    return findings, errors, result.fixed_source, result.fixes_applied


def _nothing_can_fire(text: str, path: str) -> bool:
    rules = applicable(list(all_rules().values()), text)
    tree = vet_tree(text)
    return not rules or (tree is not None and not screened(rules, tree, text, path=path))


def _compare(path: str, data, config=ALL_AND_PREVIEW) -> str:
    """"same", "limitation" (the documented difference) or "findings" (same, with findings:
    then the fixed texts were compared too)."""
    without = lint_source(data, path, config, with_edits=True, prefilter=False)
    filtered = lint_source(data, path, config, with_edits=True)
    if _observable(without) != _observable(filtered):
        # The one allowed difference (module docstring): nothing else may differ.
        assert [f.code for f in without.findings] == ["MEM000"], path
        assert without.findings[0].message.startswith(LIBCST_LIMITATION), path
        text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
        assert filtered.findings == () and _nothing_can_fire(text, path), path
        return "limitation"
    if without.findings and without.findings[0].code != "MEM000":
        fixed = lint_source(data, path, config, fix=True, unsafe_fixes=True)
        fixed_without = lint_source(data, path, config, fix=True, unsafe_fixes=True, prefilter=False)
        assert _observable(fixed) == _observable(fixed_without), path
        return "findings"
    return "same"


def _examples():
    for code, rule in sorted(all_rules().items()):
        for number, example in enumerate(list(rule.VALID) + list(rule.INVALID)):
            yield pytest.param(code, example, id=f"{code}-{number}")


@pytest.mark.parametrize(("code", "example"), list(_examples()))
def test_same_findings_with_and_without_the_filters_on_every_example(code, example):
    """Each example alone with its rule and its options, and with every rule (the examples of
    one rule are where another rule's screen is most likely to be too tight)."""
    alone = config_for(all_rules()[code], example.options)
    assert _compare("example.py", example.code, alone) in ("same", "findings")
    assert _compare("example.py", example.code) in ("same", "findings")
    if isinstance(example, Invalid) and not example.options:
        tree = vet_tree(example.code)
        assert tree is not None and screened([all_rules()[code]], tree, example.code), code


def test_same_findings_with_and_without_the_filters_on_the_fixtures():
    outcomes = [_compare(path, Path(path).read_bytes()) for path in _fixtures()]
    assert outcomes.count("findings") >= 30, outcomes


@pytest.mark.slow
def test_same_findings_with_and_without_the_prefilter_on_the_standard_library():
    files = _corpus(5)
    assert len(files) >= 300
    outcomes = [_compare(path, Path(path).read_bytes()) for path in files]
    compared = len(outcomes) - outcomes.count("limitation")
    with_findings = outcomes.count("findings")
    assert compared >= 300 and with_findings >= 20, (compared, with_findings)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::SyntaxWarning")  # hypothesmith compiles what it draws
def test_same_findings_with_and_without_the_prefilter_on_generated_programs():
    hypothesis = pytest.importorskip("hypothesis")
    hypothesmith = pytest.importorskip("hypothesmith")

    @hypothesis.settings(max_examples=60, deadline=None, suppress_health_check=list(hypothesis.HealthCheck), database=None)
    @hypothesis.given(hypothesmith.from_grammar())
    def check(source: str) -> None:
        _compare("fuzz.py", source)

    check()
