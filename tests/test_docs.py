"""Generated rule pages are up to date, and the hand-written docs cover what exists."""

from __future__ import annotations

from pathlib import Path

from memlint.registry import all_rules
from memlint.rule_docs import render_rule, stale_pages

ROOT = Path(__file__).resolve().parent.parent
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
