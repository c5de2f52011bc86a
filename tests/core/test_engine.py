"""Engine guarantees: one traversal, lazy metadata, crash isolation, safe fix application."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m
import pytest
from libcst.metadata import ParentNodeProvider, PositionProvider, QualifiedNameProvider, ScopeProvider

from memlint.analysis import scopes
from memlint.analysis.loops import parent

from memlint.api import lint_source
from memlint.config import build_config
from memlint.findings import Applicability
from memlint.registry import all_rules
from memlint.rule import Invalid, LintContext, Rule, Valid

DOC = "## What it does\nx\n\n## Why is this bad?\nx\n\n## Example\nx\n"


def _rule(code, name, **body):
    namespace = {
        "__doc__": DOC,
        "code": code,
        "name": name,
        "message": "found",
        "VALID": [Valid("x = 1")],
        "INVALID": [Invalid("boom()")],
    }
    for method in body.values():
        method.__name__ = "visit_Call"  # LibCST finds visitor methods by their __name__
    namespace.update(body)
    return type(name.title().replace("-", ""), (Rule,), namespace)


def _visit_crash(self, node):
    raise ValueError("rule bug")


def _visit_report(self, node):
    if m.matches(node.func, m.Name("boom")):
        self.report(node)


def _visit_undeclared(self, node):
    self.get_metadata(ScopeProvider, node)


def _visit_reporting_parents(self, node):
    # No METADATA_DEPENDENCIES: parents are always available, through the rule and its context.
    statement = self.get_metadata(ParentNodeProvider, self.get_metadata(ParentNodeProvider, node))
    if m.matches(statement, m.SimpleStatementLine()) and parent(self.context, node) is not None:
        self.report(node, message_parent=type(parent(self.context, statement)).__name__)


def _visit_breaking_fix(self, node):
    # A "fix" whose output cannot parse: replace the call by a lone `lambda` keyword name.
    broken = cst.Name("lambda")
    self.report(node, fix=self.make_fix(Applicability.SAFE, (node, broken)))


@pytest.fixture
def extra_rules(monkeypatch):
    registry = all_rules()

    def add(*rules):
        for rule in rules:
            monkeypatch.setitem(registry, rule.code, rule)
        codes = [rule.code for rule in rules]
        return build_config({}, {"select": codes}, root=".")

    return add


def test_a_crashing_rule_is_reported_and_the_others_still_run(extra_rules):
    crash = _rule("MEM991", "crashes", visit_Call=_visit_crash)
    report = _rule("MEM992", "reports", visit_Call=_visit_report)
    config = extra_rules(crash, report)
    result = lint_source("boom()\n", "f.py", config)
    assert [f.code for f in result.findings] == ["MEM992"]
    assert [e.message for e in result.errors] == ["MEM991 crashed: ValueError: rule bug"]


def test_undeclared_metadata_is_a_rule_bug(extra_rules):
    config = extra_rules(_rule("MEM993", "undeclared", visit_Call=_visit_undeclared))
    result = lint_source("boom()\n", "f.py", config)
    assert result.errors[0].message.startswith("MEM993 crashed: KeyError:")


def test_parents_need_no_declaration(extra_rules):
    rule = _rule("MEM995", "parents", visit_Call=_visit_reporting_parents)
    rule.message = "statement in {message_parent}"
    assert "METADATA_DEPENDENCIES" not in vars(rule)
    result = lint_source("boom()\nif x:\n    boom()\n", "f.py", extra_rules(rule))
    assert result.errors == ()
    assert [(f.location.line, f.message) for f in result.findings] == [
        (1, "statement in Module"),
        (3, "statement in IndentedBlock"),
    ]


def test_a_fix_that_does_not_parse_leaves_the_file_unchanged(extra_rules):
    config = extra_rules(_rule("MEM994", "breaks", visit_Call=_visit_breaking_fix))
    result = lint_source("boom()\n", "f.py", config, fix=True)
    assert result.fixed_source is None
    assert result.fixes_applied == 0
    assert [f.code for f in result.findings] == ["MEM994"]
    assert result.errors[0].message == "fix for MEM994 produced invalid code (SourceError); file left unchanged"


def test_analysis_is_done_only_when_a_rule_needs_it(monkeypatch):
    resolved = []
    built = []
    original_table = LintContext.metadata_table
    original_index = scopes.ScopeIndex.__init__

    def spy_table(self, provider):
        resolved.append(provider)
        return original_table(self, provider)

    def spy_index(self, *args, **kwargs):
        built.append(True)
        original_index(self, *args, **kwargs)

    monkeypatch.setattr(LintContext, "metadata_table", spy_table)
    monkeypatch.setattr(scopes.ScopeIndex, "__init__", spy_index)
    config = build_config({}, {"select": ["MEM101"]}, root=".")
    lint_source("total = compute(data)\nlabel = ', '.join(names)\n", "f.py", config)
    assert resolved == [] and built == []  # no candidate: no positions, no scopes, no names
    lint_source("total = sum([x for x in data])\n", "f.py", config)
    assert built == [True]  # one scope index for the file, built for the candidate
    assert QualifiedNameProvider not in resolved and ScopeProvider not in resolved
    assert PositionProvider in resolved  # for the finding's location only


def test_overlapping_fixes_are_applied_over_several_passes():
    config = build_config({}, {"select": ["MEM101"]}, root=".")
    source = "t = sum([sum([y for y in x]) for x in data])\n"
    result = lint_source(source, "f.py", config, fix=True, unsafe_fixes=True)
    assert result.fixed_source == "t = sum(sum(y for y in x) for x in data)\n"
    assert result.fixes_applied == 2
    assert result.findings == ()


def test_safe_fixes_only_without_unsafe_fixes():
    config = build_config({}, {"select": ["MEM101"]}, root=".")
    source = "t = sum([sum([y for y in x]) for x in data])\n"
    result = lint_source(source, "f.py", config, fix=True)
    # The inner comprehension is safe; the outer element calls sum(), so its fix is unsafe.
    assert result.fixed_source == "t = sum([sum(y for y in x) for x in data])\n"
    assert [f.fix.applicability for f in result.findings] == [Applicability.UNSAFE]


def test_findings_are_positioned_1_based_and_fix_edits_are_exact():
    config = build_config({}, {"select": ["MEM101"]}, root=".")
    result = lint_source("a = 1\ntotal = sum([x for x in data])\n", "f.py", config, with_edits=True)
    (finding,) = result.findings
    assert (finding.location.line, finding.location.column) == (2, 13)
    assert (finding.end_location.line, finding.end_location.column) == (2, 30)
    (edit,) = finding.fix.edits
    assert (edit.location.line, edit.location.column, edit.content) == (2, 13, "x for x in data")
    assert (edit.end_location.line, edit.end_location.column) == (2, 30)
    assert finding.source_line == "total = sum([x for x in data])"


def test_visitor_methods_are_found_once_per_class_and_match_libcst():
    """Rule.get_visitors caches what LibCST's inspect.getmembers scan finds for each instance."""
    from libcst.metadata import MetadataWrapper

    wrapper = MetadataWrapper(cst.parse_module("x = 1\n"), unsafe_skip_copy=True)
    context = LintContext(wrapper, "f.py", {})
    for code, rule_class in all_rules().items():
        rule = rule_class(context)
        assert set(rule.get_visitors()) == set(cst.BatchableCSTVisitor.get_visitors(rule)), code
