"""A rule's documentation, generated from its class: `memlint rule CODE` and docs/rules/*.md.

    python -m memlint.rule_docs docs/rules          # write the pages
    python -m memlint.rule_docs docs/rules --check  # exit 1 when a page is stale
"""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
from typing import Any, Dict, List, Optional, Sequence, Type

from memlint.evidence import load as load_evidence
from memlint.evidence import measured_section
from memlint.findings import Tier
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
        "| code | name | what it finds | fix | tier |",
        "| --- | --- | --- | --- | --- |",
    ]
    for code, rule in all_rules().items():
        out.append(
            f"| [{code}]({code}.md) | `{rule.name}` | {_cell(rule.summary())} "
            f"| {rule.fix_availability.value} | {rule.tier.value} |"
        )
    return "\n".join(out) + "\n"


def _pages() -> Dict[str, str]:
    evidence = load_evidence()
    pages = {f"{code}.md": render_rule(rule, evidence) for code, rule in all_rules().items()}
    pages["index.md"] = render_index()
    return pages


def stale_pages(directory: str) -> List[str]:
    """Generated pages that are missing or differ from what the rules generate now."""
    stale = []
    for name, text in _pages().items():
        path = os.path.join(directory, name)
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
    for name, text in _pages().items():
        path = os.path.join(directory, name)
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
