"""A rule's documentation, generated from its class: `memlint rule CODE` and docs/rules/*.md.

    python -m memlint.rule_docs docs/rules          # write the pages, rule_index.py, README's table
    python -m memlint.rule_docs docs/rules --check  # exit 1 when a page is stale

The same command regenerates `src/memlint/rule_index.py`, the table of names, tiers and option
defaults that configuration and selection read without importing the rules (or LibCST), and the
rule table in the project's README.md (between its markers, two folders above the pages).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import textwrap
from typing import Any, Dict, List, Optional, Sequence, Type

from memlint.evidence import load as load_evidence
from memlint.evidence import measured_section
from memlint.findings import Tier
from memlint.parse_error import PAGE as PARSE_ERROR_PAGE
from memlint.registry import all_rules
from memlint.rule import FixAvailability, Rule

FIX_TEXT = {
    FixAvailability.NONE: "none",
    FixAvailability.SOMETIMES: "sometimes available (see Fix safety)",
    FixAvailability.ALWAYS: "always available (see Fix safety)",
}


def render_rule(rule: Type[Rule], evidence: Optional[Dict[str, Any]] = None) -> str:
    """The rule's page; `evidence` (every rule's measured figures) is read from the package when None."""
    out: List[str] = [f"# {rule.code} `{rule.name}`", ""]
    tier = rule.tier.value
    if rule.tier is Tier.PREVIEW:
        tier += f" (runs only when selected by its exact code, `--select {rule.code}`, or with `preview = true`)"
    out += [
        "| | |",
        "| --- | --- |",
        f"| Code | `{rule.code}` |",
        f"| Name | `{rule.name}` |",
        f"| Tier | {tier} |",
        f"| Fix | {FIX_TEXT[rule.fix_availability]} |",
        f"| Message | {_cell(rule.message)} |",
        "| Files | `.py`, `.pyi`, and the code cells of Jupyter notebooks (`.ipynb`, all cells read as one module: [notebooks](../notebooks.md)) |",
        "",
    ]
    out.append(textwrap.dedent(rule.__doc__ or "").strip())
    out.append("")
    out += measured_section(rule.code, evidence)
    if rule.options:
        out += [
            "## Settings",
            "",
            "| option | default | meaning |",
            "| --- | --- | --- |",
        ]
        for key, option in rule.options.items():
            out.append(f"| `{key}` | `{option.default!r}` | {_cell(option.description)} |")
        example_key, example = next(iter(rule.options.items()))
        out += [
            "",
            "```toml",
            f"[tool.memlint.{rule.code}]",
            f"{example_key} = {_toml(example.default)}",
            "```",
            "",
        ]
    out += ["## Examples (these run as tests)", "", "Flagged:", ""]
    for invalid in rule.INVALID:
        out += _code_block(invalid.code, invalid.note, invalid.options)
        if invalid.fixed is not None and invalid.applicability is not None:
            out += [f"Fixed ({invalid.applicability.value}):", ""] + _code_block(invalid.fixed)
    out += ["Not flagged:", ""]
    for valid in rule.VALID:
        out += _code_block(valid.code, valid.note, valid.options)
    return "\n".join(out).rstrip() + "\n"


def _code_block(code: str, note: str = "", options: Optional[dict] = None) -> List[str]:
    lines: List[str] = []
    if note or options:
        detail = note
        if options:
            settings = ", ".join(f"`{k} = {_toml(v)}`" for k, v in options.items())
            detail = f"{detail} (with {settings})" if detail else f"with {settings}"
        lines += [f"*{detail}*", ""]
    return lines + ["```python", code.rstrip("\n"), "```", ""]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return repr(value)


def render_index() -> str:
    """docs/rules/index.md: every rule with its name, fix availability and tier."""
    out = [
        "# Rules",
        "",
        "Generated from the rule classes (`python -m memlint.rule_docs docs/rules`); `memlint rules`",
        "prints the same list. Preview rules run only when selected by their exact code or with",
        "`preview = true`.",
        "",
    ]
    return "\n".join(out + _rule_table("")) + "\n"


def _rule_table(link_prefix: str) -> List[str]:
    """The table of rules (code, name, summary, fix, tier), linking pages under `link_prefix`."""
    out = [
        "| code | name | what it finds | fix | tier |",
        "| --- | --- | --- | --- | --- |",
    ]
    for code, rule in all_rules().items():
        out.append(
            f"| [{code}]({link_prefix}{code}.md) | `{rule.name}` | {_cell(rule.summary())} "
            f"| {rule.fix_availability.value} | {rule.tier.value} |"
        )
    return out


README_BEGIN = "<!-- rules table: generated by `python -m memlint.rule_docs docs/rules`, do not edit -->"
README_END = "<!-- end of rules table -->"


def render_readme(text: str) -> str:
    """`text` (the README) with the rule table between its markers regenerated."""
    begin = text.index(README_BEGIN) + len(README_BEGIN)
    end = text.index(README_END, begin)
    table = "\n".join(_rule_table("docs/rules/"))
    return f"{text[:begin]}\n{table}\n{text[end:]}"


def _readme_beside(directory: str) -> Optional[str]:
    """The project's README.md for a docs directory `<root>/docs/rules`, if it has the markers."""
    path = os.path.normpath(os.path.join(directory, os.pardir, os.pardir, "README.md"))
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError:
        return None
    return path if README_BEGIN in text and README_END in text else None


INDEX_MODULE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rule_index.py")


def render_rule_index() -> str:
    """The source of `memlint/rule_index.py`, generated from the rule classes."""
    import memlint.screen

    rules = all_rules()
    screens = {code: repr(rule.screen) for code, rule in rules.items()}
    used = sorted(
        name
        for name, value in vars(memlint.screen).items()
        if callable(value) and not name.startswith("_") and any(re.search(rf"\b{name}\(", text) for text in screens.values())
    )
    out = [
        '"""Generated by `python -m memlint.rule_docs docs/rules` from the rule classes: do not edit.',
        "",
        "What configuration and selection need to know about each rule (name, tier, option defaults)",
        "without importing the rules and LibCST: a run whose every file is a cache hit imports neither.",
        "Each rule's text triggers (prefilter.py) and syntactic screen (screen.py) are here too: a file",
        "in which no rule can fire is vetted without importing a rule or LibCST, and only the rules",
        "that can fire are imported. A test fails when this file differs from what the rule classes",
        "generate.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "from typing import Any, Mapping, NamedTuple, Optional, Tuple",
        "",
        "from memlint.findings import Tier",
    ]
    if used:
        out.append(f"from memlint.screen import {', '.join(used)}")
    out += [
        "",
        "",
        "class RuleInfo(NamedTuple):",
        "    name: str",
        "    tier: Tier",
        "    options: Mapping[str, Any]  # option name -> default (whose type is the option's type)",
        "    triggers: Tuple[str, ...] = ()  # the rule's `triggers` (prefilter.py)",
        "    screen: Optional[Tuple[Any, ...]] = None  # the rule's `screen` (screen.py)",
        "",
        "",
        "RULES: Mapping[str, RuleInfo] = {",
    ]
    for code, rule in rules.items():
        options = ", ".join(f"{_literal(key)}: {_literal(option.default)}" for key, option in rule.options.items())
        out.append(f"    {_literal(code)}: RuleInfo(")
        out.append(f"        {_literal(rule.name)}, Tier.{rule.tier.name}, {{{options}}}, {_literal(tuple(rule.triggers))},")
        out.append(f"        {screens[code]},")
        out.append("    ),")
    out.append("}")
    return "\n".join(out) + "\n"


def _literal(value: object) -> str:
    """Python source for an option default, in the house style (double quotes)."""
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, (list, tuple)):
        items = ", ".join(_literal(item) for item in value)
        return f"[{items}]" if isinstance(value, list) else f"({items}{',' if len(value) == 1 else ''})"
    return repr(value)


def _pages() -> Dict[str, str]:
    evidence = load_evidence()
    pages = {f"{code}.md": render_rule(rule, evidence) for code, rule in all_rules().items()}
    pages["index.md"] = render_index()
    pages["MEM000.md"] = PARSE_ERROR_PAGE
    return pages


def _generated(directory: str) -> Dict[str, str]:
    """Every generated file, by path: the pages in `directory` and the rule index module."""
    files = {os.path.join(directory, name): text for name, text in _pages().items()}
    files[INDEX_MODULE] = render_rule_index()
    readme = _readme_beside(directory)
    if readme is not None:
        with open(readme, encoding="utf-8") as handle:
            files[readme] = render_readme(handle.read())
    return files


def stale_pages(directory: str) -> List[str]:
    """Generated pages that are missing or differ from what the rules generate now."""
    stale = []
    for path, text in _generated(directory).items():
        try:
            with open(path, encoding="utf-8") as handle:
                current: Optional[str] = handle.read()
        except OSError:
            current = None
        if current != text:
            stale.append(path)
    return stale


def write_pages(directory: str) -> List[str]:
    os.makedirs(directory, exist_ok=True)
    written = []
    for path, text in _generated(directory).items():
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        written.append(path)
    return written


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m memlint.rule_docs")
    parser.add_argument("directory")
    parser.add_argument("--check", action="store_true", help="exit 1 if a page is stale; write nothing")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_pages(args.directory)
        for path in stale:
            print(f"stale: {path} (run python -m memlint.rule_docs {args.directory})", file=sys.stderr)
        return 1 if stale else 0
    for path in write_pages(args.directory):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
