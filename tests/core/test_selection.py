"""Ruff-like prefix selection over the real registry (plus a throwaway preview rule)."""

from __future__ import annotations

import pytest

from memlint.cli import main
from memlint.config import build_config
from memlint.findings import Tier
from memlint.registry import all_rules
from memlint.rules.comprehension_in_reducer import ComprehensionInReducer
from memlint.selection import Selection, SelectionLayer, SelectorError, enabled_codes, normalize_selector

STABLE = frozenset(code for code, rule in all_rules().items() if rule.tier is Tier.STABLE)
PREVIEW_CODE = "MEM199"


def stable(prefix=""):
    return frozenset(code for code in STABLE if code.startswith(prefix))


def layer(select=None, extend=(), ignore=()):
    return SelectionLayer(select=None if select is None else tuple(select), extend_select=tuple(extend), ignore=tuple(ignore))


def codes(*layers, preview=False):
    return enabled_codes(layers, preview)


# --- one layer ----------------------------------------------------------------------------------


def test_default_is_every_stable_rule():
    assert codes() == STABLE
    assert "MEM101" in STABLE


@pytest.mark.parametrize("selector", ["ALL", "MEM", "MEM1", "MEM10", "MEM101"])
def test_prefixes_select(selector):
    expected = STABLE if selector == "ALL" else stable(selector)
    assert codes(layer([selector])) == expected
    assert "MEM101" in expected


def test_select_replaces_the_default():
    assert codes(layer(["MEM101"])) == {"MEM101"}
    assert codes(layer([])) == frozenset()


def test_ignore_removes():
    assert codes(layer(["MEM"], ignore=["MEM101"])) == STABLE - {"MEM101"}
    assert codes(layer(ignore=["MEM101"])) == STABLE - {"MEM101"}


def test_more_specific_select_beats_broader_ignore():
    assert codes(layer(["MEM101"], ignore=["MEM1"])) == {"MEM101"}
    assert codes(layer(["MEM101"], ignore=["MEM"])) == {"MEM101"}
    assert codes(layer(["MEM101"], ignore=["ALL"])) == {"MEM101"}
    assert codes(layer(["MEM", "MEM101"], ignore=["MEM1"])) == (STABLE - stable("MEM1")) | {"MEM101"}


def test_more_specific_ignore_beats_broader_select():
    assert codes(layer(["MEM1"], ignore=["MEM101"])) == stable("MEM1") - {"MEM101"}
    assert codes(layer(["ALL"], ignore=["MEM"])) == frozenset()


def test_ignore_beats_select_at_equal_specificity():
    assert codes(layer(["MEM101"], ignore=["MEM101"])) == frozenset()
    assert codes(layer(["MEM1"], ignore=["MEM1"])) == frozenset()
    assert codes(layer(["MEM"], ignore=["MEM1"])) == STABLE - stable("MEM1")
    assert codes(layer(["ALL"], ignore=["ALL"])) == frozenset()
    assert codes(layer([], extend=["MEM101"], ignore=["MEM101"])) == frozenset()


def test_extend_select_adds():
    assert codes(layer(["MEM2"] if stable("MEM2") else [], extend=["MEM101"])) == stable("MEM2") | {"MEM101"}


# --- layers: the config file, then the command line -----------------------------------------------


def test_later_select_starts_afresh():
    # file: ignore MEM101; command line: --select MEM101 -> enabled
    assert codes(layer(ignore=["MEM101"]), layer(["MEM101"])) == {"MEM101"}
    # file: select MEM101; command line: --select MEM1
    assert codes(layer(["MEM101"]), layer(["MEM1"])) == stable("MEM1")


def test_later_layer_without_select_adjusts():
    # file: select MEM101; command line: --ignore MEM1 -> the broader ignore still applies (it is
    # the only selector of its layer that matches)
    assert codes(layer(["MEM101"]), layer(ignore=["MEM1"])) == frozenset()
    # file: ignore MEM101; command line: --extend-select MEM101 -> enabled again
    assert codes(layer(ignore=["MEM101"]), layer(extend=["MEM101"])) == STABLE
    # untouched codes keep the previous layer's decision
    assert codes(layer(["MEM101"]), layer(ignore=["MEM999"])) == {"MEM101"}


def test_build_config_layers_file_then_cli():
    config = build_config({"ignore": ["MEM101"]}, {"select": ["MEM101"]}, root=".")
    assert [rule.code for rule in config.selection.rules] == ["MEM101"]
    config = build_config({"select": ["MEM101"]}, {"ignore": ["MEM101"]}, root=".")
    assert config.selection.rules == ()
    config = build_config({"select": ["MEM1"]}, {"extend-select": ["MEM101"], "ignore": ["MEM1"]}, root=".")
    assert [rule.code for rule in config.selection.rules] == ["MEM101"]


# --- selectors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("given", "normal"), [("MEM101", "MEM101"), (" mem1 ", "MEM1"), ("all", "ALL"), ("MEM", "MEM")])
def test_normalize_selector(given, normal):
    assert normalize_selector(given, all_rules()) == normal


@pytest.mark.parametrize("bad", ["MEM999", "MEM1010", "E501", "", "ME", "101"])
def test_unknown_selector(bad):
    with pytest.raises(SelectorError) as info:
        normalize_selector(bad, all_rules())
    assert str(info.value) == f"unknown rule selector {bad!r}"


# --- per-file-ignores ---------------------------------------------------------------------------


def test_per_file_ignores(tmp_path):
    selection = Selection(
        frozenset({"MEM101"}),
        (("tests/*", ("MEM101",)), ("conftest.py", ("MEM1",)), ("*_pb2.py", ("ALL",))),
        str(tmp_path),
    )
    kept = (ComprehensionInReducer,)
    assert selection.rules_for(str(tmp_path / "pkg" / "m.py")) == kept
    assert selection.rules_for(str(tmp_path / "tests" / "t.py")) == ()
    assert selection.rules_for(str(tmp_path / "pkg" / "conftest.py")) == ()
    assert selection.rules_for(str(tmp_path / "pkg" / "api_pb2.py")) == ()
    # A pattern with "/" matches the path relative to the root, not a name anywhere.
    assert selection.rules_for(str(tmp_path / "pkg" / "tests" / "t.py")) == kept


# --- preview rules ------------------------------------------------------------------------------


class PreviewReducer(ComprehensionInReducer):
    __doc__ = ComprehensionInReducer.__doc__
    code = PREVIEW_CODE
    name = "comprehension-in-reducer-preview"
    tier = Tier.PREVIEW


@pytest.fixture
def with_preview_rule(monkeypatch):
    assert PREVIEW_CODE not in all_rules(), "pick another throwaway code"
    monkeypatch.setitem(all_rules(), PREVIEW_CODE, PreviewReducer)  # the loaded registry is the truth
    return all_rules()


def test_preview_rules_off_by_prefix(with_preview_rule):
    assert codes() == STABLE
    assert codes(layer(["ALL"])) == STABLE
    assert codes(layer(["MEM1"])) == stable("MEM1")


def test_preview_rule_by_exact_code(with_preview_rule):
    assert codes(layer([PREVIEW_CODE])) == {PREVIEW_CODE}
    assert codes(layer(extend=[PREVIEW_CODE])) == STABLE | {PREVIEW_CODE}


def test_preview_mode_enables_by_prefix(with_preview_rule):
    every = frozenset(with_preview_rule)  # the registry's own preview rules come along too
    assert codes(preview=True) == every
    assert codes(layer(["ALL"]), preview=True) == every
    assert codes(layer(["MEM19"]), preview=True) == {code for code in every if code.startswith("MEM19")}
    assert PREVIEW_CODE in codes(layer(["MEM19"]), preview=True)
    assert codes(layer(ignore=[PREVIEW_CODE]), preview=True) == every - {PREVIEW_CODE}


def test_preview_end_to_end(with_preview_rule, tmp_path, monkeypatch, capsys):
    (tmp_path / "pyproject.toml").write_text('[tool.memlint]\noutput-format = "concise"\n')
    (tmp_path / "a.py").write_text("total = sum([x * x for x in data])\n")
    monkeypatch.chdir(tmp_path)

    def found(*args):
        main([*args, "a.py"])
        return [line.split()[1] for line in capsys.readouterr().out.splitlines() if line.startswith("a.py:")]

    assert found("--select", "MEM101,MEM19") == ["MEM101"]
    assert found("--select", "MEM101,MEM19", "--preview") == ["MEM101", PREVIEW_CODE]
    assert found("--select", PREVIEW_CODE) == [PREVIEW_CODE]
    (tmp_path / "pyproject.toml").write_text(
        '[tool.memlint]\noutput-format = "concise"\npreview = true\nselect = ["MEM101", "MEM19"]\n'
    )
    assert found() == ["MEM101", PREVIEW_CODE]
    assert found("--no-preview") == ["MEM101"]
