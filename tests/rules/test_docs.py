"""Generated rule pages are up to date, and the hand-written docs cover what exists."""

from __future__ import annotations

from pathlib import Path

from memlint.registry import all_rules
from memlint.rule_docs import render_rule, stale_pages

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"


def test_rule_pages_are_not_stale():
    stale = stale_pages(str(DOCS / "rules"))
    assert not stale, f"regenerate with `python -m memlint.rule_docs docs/rules`: {stale}"


def test_no_page_for_a_rule_that_does_not_exist():
    pages = {path.stem for path in (DOCS / "rules").glob("MEM*.md")}
    assert pages - set(all_rules()) <= {"MEM000"}


def test_rule_page_shows_examples_and_measured_cost():
    page = render_rule(all_rules()["MEM101"])
    assert page.startswith("# MEM101 `comprehension-in-reducer`\n")
    assert "## Why is this bad?" in page and "MB" in page
    assert "Fixed (safe):" in page and "Fixed (unsafe):" in page
    assert "[tool.memlint.MEM101]\nsmall-iterable-size = 1000" in page


def test_every_rule_is_listed_in_the_rules_index():
    index = (DOCS / "rules" / "index.md").read_text(encoding="utf-8")
    for code in all_rules():
        assert f"| [{code}]({code}.md) |" in index, f"{code} missing from docs/rules/index.md"


def test_every_setting_is_documented():
    from memlint.config import SETTINGS

    configuration = (DOCS / "configuration.md").read_text(encoding="utf-8")
    for key in SETTINGS:
        assert f"`{key}`" in configuration, f"{key} is not documented in docs/configuration.md"


def test_readme_rule_table_is_generated_from_the_rules():
    from memlint.rule_docs import README_BEGIN, README_END, render_readme

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert render_readme(readme) == readme, "regenerate with `python -m memlint.rule_docs docs/rules`"
    table = readme[readme.index(README_BEGIN):readme.index(README_END)]
    for code, rule in all_rules().items():
        assert f"| [{code}](docs/rules/{code}.md) | `{rule.name}` |" in table


# --- the options the docs list are the parser's --------------------------------------------------------

OPTION_DOCS = ("integrations.md", "configuration.md", "ruff.md")
# Options of other programs the pages name: flake8's own and the plugin's.
FOREIGN_OPTIONS = {"--per-file-ignores", "--memlint-preview", "--memlint-min-bytes"}


def _parser_options():
    import argparse

    from memlint.cli import _parser

    options = set()
    for action in _parser()._actions:
        if isinstance(action, (argparse._HelpAction, argparse._VersionAction)):
            continue
        options.update(option for option in action.option_strings if option.startswith("--"))
    return options


def _documented_options(name: str):
    import re

    text = (DOCS / name).read_text(encoding="utf-8")
    return {match.group(1) for match in re.finditer(r"`(--[a-z][a-z0-9-]*)", text)}


def test_every_option_of_memlint_help_is_documented():
    documented = set().union(*(_documented_options(name) for name in ("integrations.md", "configuration.md")))
    missing = _parser_options() - documented
    assert not missing, f"in `memlint --help` but not in docs/integrations.md or docs/configuration.md: {sorted(missing)}"


def test_every_documented_option_exists():
    known = _parser_options() | FOREIGN_OPTIONS
    for name in OPTION_DOCS:
        unknown = _documented_options(name) - known
        assert not unknown, f"docs/{name} names options `memlint --help` does not have: {sorted(unknown)}"


def test_every_output_format_is_documented():
    from memlint.config import OUTPUT_FORMATS

    integrations = (DOCS / "integrations.md").read_text(encoding="utf-8")
    for name in OUTPUT_FORMATS:
        assert f"| `{name}` |" in integrations, f"output format {name} missing from docs/integrations.md"


def test_ruff_doc_lists_every_equivalence():
    from memlint.suppression import RUFF_EQUIVALENTS

    ruff = (DOCS / "ruff.md").read_text(encoding="utf-8")
    assert 'external = ["MEM"]' in ruff
    for code, others in RUFF_EQUIVALENTS.items():
        row = next((line for line in ruff.splitlines() if line.startswith(f"| [{code}]")), None)
        assert row is not None, f"{code} missing from the table in docs/ruff.md"
        for other in others:
            assert other in row, f"{other} missing from {code}'s row in docs/ruff.md"
