"""The Rule contract is enforced at import time, and the example checker can fail."""

from __future__ import annotations

import pytest

import libcst.matchers as m

from memlint.findings import Applicability
from memlint.registry import all_rules, find_rule
from memlint.rule import FixAvailability, Invalid, Rule, RuleDefinitionError, Valid
from memlint.testing import check_invalid, check_valid

DOC = """
## What it does
Flags `flagme()` calls.

## Why is this bad?
It is a test.

## Example
```python
flagme()
```
"""


def visit_Call(self, node):
    if m.matches(node.func, m.Name("flagme")):
        self.report(node)


def make_rule(**overrides):
    namespace = {
        "__doc__": DOC,
        "code": "MEM999",
        "name": "flag-me",
        "message": "`flagme()` called",
        "VALID": [Valid("other()")],
        "INVALID": [Invalid("flagme()")],
        "visit_Call": visit_Call,
    }
    namespace.update(overrides)
    return type("FlagMe", (Rule,), namespace)


def test_a_well_formed_rule_is_accepted():
    rule = make_rule()
    assert rule.code == "MEM999"
    assert rule.summary() == "Flags `flagme()` calls."


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"code": "MEM99"}, "code 'MEM99' is not MEM followed by 3 digits"),
        ({"code": "MEM000"}, "code 'MEM000' is not MEM followed by 3 digits"),
        ({"name": "FlagMe"}, "name 'FlagMe' is not kebab-case"),
        ({"message": ""}, "message is empty"),
        ({"__doc__": "no sections"}, "docstring lacks the section '## What it does'"),
        ({"VALID": []}, "no VALID examples"),
        ({"INVALID": []}, "no INVALID examples"),
        ({"fix_availability": FixAvailability.ALWAYS}, "a fixable rule needs fix_title"),
        ({"INVALID": [Invalid("flagme()", "x()")]}, "gives `fixed` without `applicability`"),
        ({"VALID": [Valid("x()", options={"nope": 1})]}, "an example sets unknown options ['nope']"),
    ],
)
def test_a_broken_rule_fails_at_class_creation(overrides, problem):
    with pytest.raises(RuleDefinitionError, match="FlagMe") as info:
        make_rule(**overrides)
    assert problem in str(info.value)


def test_registry_is_sorted_unique_and_findable():
    rules = all_rules()
    assert list(rules) == sorted(rules)
    assert len({rule.name for rule in rules.values()}) == len(rules)
    assert find_rule("mem101") is rules["MEM101"]
    assert find_rule("comprehension-in-reducer") is rules["MEM101"]
    assert find_rule("MEM998") is None


def test_example_checker_fails_on_wrong_expectations(monkeypatch):
    """The examples-as-tests harness is not a check that cannot fail."""
    rule = make_rule()
    monkeypatch.setitem(all_rules(), "MEM999", rule)
    check_valid(rule, Valid("other()"))
    check_invalid(rule, Invalid("flagme()"))
    with pytest.raises(AssertionError, match="flags a VALID example"):
        check_valid(rule, Valid("flagme()"))
    with pytest.raises(AssertionError, match="expected 2 finding"):
        check_invalid(rule, Invalid("flagme()", count=2))
    mem101 = all_rules()["MEM101"]
    with pytest.raises(AssertionError, match="fixed output differs"):
        check_invalid(mem101, Invalid("t = sum([x for x in d])", "t = sum(x for x in e)", Applicability.SAFE))
    with pytest.raises(AssertionError, match="applicability differs"):
        check_invalid(mem101, Invalid("t = sum([x for x in d])", "t = sum(x for x in d)", Applicability.UNSAFE))
    with pytest.raises(AssertionError, match="offers a fix where the example says none"):
        check_invalid(mem101, Invalid("t = sum([x for x in d])"))


RULE_MODULE = '''
from memlint.rule import Invalid, Rule, Valid


class {cls}(Rule):
    """
## What it does
Flags `flagme()` calls.

## Why is this bad?
It is a test.

## Example
```python
flagme()
```
"""

    code = "{code}"
    name = "{name}"
    message = "`flagme()` called"
    VALID = [Valid("other()")]
    INVALID = [Invalid("flagme()")]
'''


def _package(tmp_path, monkeypatch, name, modules):
    folder = tmp_path / name
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    for module, text in modules.items():
        (folder / f"{module}.py").write_text(text)
    monkeypatch.syspath_prepend(str(tmp_path))
    return str(folder)


def test_the_rules_package_is_the_registry(tmp_path, monkeypatch):
    """A rule is found by its module alone; helper modules (`_x.py`) are skipped."""
    from memlint.rules import discover_rules

    folder = _package(tmp_path, monkeypatch, "fakerules_ok", {
        "flag_me": RULE_MODULE.format(cls="FlagMe", code="MEM997", name="flag-me"),
        "_helpers": "from memlint.rule import Rule\n\nclass Base(Rule):\n    pass\n",
    })
    rules = discover_rules("fakerules_ok", [folder])
    assert [rule.code for rule in rules] == ["MEM997"]


@pytest.mark.parametrize(
    ("modules", "problem"),
    [
        ({"other_name": RULE_MODULE.format(cls="FlagMe", code="MEM996", name="flag-me")},
         "holds the rule 'flag-me': a rule's module is named after it (flag_me.py)"),
        ({"flag_me": "X = 1\n"}, "must define exactly one rule, found none"),
        ({"flag_me": RULE_MODULE.format(cls="FlagMe", code="MEM995", name="flag-me")
          + RULE_MODULE.format(cls="FlagToo", code="MEM994", name="flag-too").split("\n", 2)[2]},
         "must define exactly one rule, found FlagMe, FlagToo"),
    ],
)
def test_a_rules_module_must_hold_one_rule_named_after_it(tmp_path, monkeypatch, modules, problem):
    from memlint.rules import discover_rules

    package = f"fakerules_{abs(hash(problem))}"
    folder = _package(tmp_path, monkeypatch, package, modules)
    with pytest.raises(RuleDefinitionError) as info:
        discover_rules(package, [folder])
    assert problem in str(info.value)


def test_every_rule_module_is_registered():
    from pathlib import Path

    import memlint.rules

    folder = Path(memlint.rules.__file__).parent
    modules = {path.stem for path in folder.glob("*.py") if not path.stem.startswith("_")}
    assert modules == {rule.name.replace("-", "_") for rule in all_rules().values()}
