"""`python -m memlint.scaffold CODE NAME`: a new rule's three files, refused for a used code."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import libcst as cst
import pytest

from memlint.engine import run_rules
from memlint.rule import Rule
from memlint.scaffold import main, scaffold


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    rules = tmp_path / "src" / "memlint" / "rules"
    rules.mkdir(parents=True)
    (rules / "comprehension_in_reducer.py").write_text('class X:\n    code = "MEM101"\n', encoding="utf-8")
    (tmp_path / "docs" / "rules").mkdir(parents=True)
    (tmp_path / "docs" / "rules" / "MEM150.md").write_text("# MEM150 (removed)\n", encoding="utf-8")
    return tmp_path


def load_rule(path: Path) -> type:
    spec = importlib.util.spec_from_file_location(f"scaffolded_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)  # the Rule base class validates the rule here
    finally:
        del sys.modules[spec.name]
    (rule,) = [v for v in vars(module).values() if isinstance(v, type) and issubclass(v, Rule) and v is not Rule]
    return rule


def test_writes_a_rule_that_imports_and_fails_its_own_tests_until_written(repo: Path) -> None:
    written = scaffold(repo, "MEM111", "sorted-copy-for-membership")
    assert [p.relative_to(repo).as_posix() for p in written] == [
        "src/memlint/rules/sorted_copy_for_membership.py",
        "tests/fixtures/MEM111.py",
        "benchmarks/evidence/cases/mem111.py",
    ]
    rule = load_rule(written[0])
    assert (rule.__name__, rule.code, rule.name, rule.tier.value) == ("SortedCopyForMembership", "MEM111", "sorted-copy-for-membership", "preview")
    # The placeholder INVALID example is not reported: test_rule_examples fails for the rule
    # until it is written.
    (example,) = rule.INVALID
    context, errors = run_rules(cst.parse_module(example.code), [rule], "example.py", {})
    assert (context.reports, errors) == ([], [])
    assert "# expect: MEM111" in written[1].read_text(encoding="utf-8")
    compile(written[2].read_text(encoding="utf-8"), str(written[2]), "exec")


@pytest.mark.parametrize(
    ("code", "name", "message"),
    [
        ("MEM101", "new-thing", "MEM101 is taken"),
        ("MEM150", "new-thing", "MEM150 is taken"),  # documented once: codes are never reused
        ("MEM11", "new-thing", "'MEM11' is not MEM followed by three digits"),
        ("MEM111", "New_Thing", "'New_Thing' is not a kebab-case name"),
    ],
)
def test_refuses_a_used_code_or_a_malformed_one(repo: Path, capsys: pytest.CaptureFixture[str], code: str, name: str, message: str) -> None:
    assert main([code, name, "--root", str(repo)]) == 2
    assert capsys.readouterr().err.startswith(f"error: {message}")
    assert not (repo / "tests").exists()


def test_never_overwrites(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fixture = repo / "tests" / "fixtures" / "MEM111.py"
    fixture.parent.mkdir(parents=True)
    fixture.write_text("kept\n", encoding="utf-8")
    assert main(["MEM111", "new-thing", "--root", str(repo)]) == 2
    assert capsys.readouterr().err == f"error: already exists: {fixture}\n"
    assert fixture.read_text(encoding="utf-8") == "kept\n"
    assert not (repo / "src" / "memlint" / "rules" / "new_thing.py").exists()
