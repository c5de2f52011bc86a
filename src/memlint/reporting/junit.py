"""`junit`: JUnit XML, one test suite per file and one failed test case per finding (Ruff's shape:
test cases named `org.memlint.CODE`); a clean run is one passing case, "No errors found"."""

from __future__ import annotations

import os
from itertools import groupby
from typing import List, Sequence
from xml.sax.saxutils import quoteattr, escape

from memlint.findings import Finding
from memlint.reporting.text import Context


def _classname(filename: str) -> str:
    stem, _ = os.path.splitext(filename)
    return stem.replace(os.sep, ".").replace("/", ".").lstrip(".")


def render(findings: Sequence[Finding], context: Context) -> str:
    lines: List[str] = ['<?xml version="1.0" encoding="UTF-8"?>']
    total = len(findings)
    lines.append(f'<testsuites name="memlint" tests="{max(total, 1)}" failures="{total}" errors="0">')
    if not findings:
        lines.append('  <testsuite name="memlint" tests="1" disabled="0" errors="0" failures="0" package="org.memlint">')
        lines.append('    <testcase name="No errors found" classname="memlint"/>')
        lines.append("  </testsuite>")
    for filename, group in groupby(findings, key=lambda f: f.filename):
        items = list(group)
        lines.append(
            f'  <testsuite name={quoteattr(filename)} tests="{len(items)}" disabled="0" errors="0" '
            f'failures="{len(items)}" package="org.memlint">'
        )
        for f in items:
            lines.append(
                f'    <testcase name={quoteattr("org.memlint." + f.code)} classname={quoteattr(_classname(filename))} '
                f'line="{f.location.line}" column="{f.location.column}">'
            )
            text = f"line {f.location.line}, col {f.location.column}, {f.message}"
            lines.append(f"      <failure message={quoteattr(f.message)}>{escape(text)}</failure>")
            lines.append("    </testcase>")
        lines.append("  </testsuite>")
    lines.append("</testsuites>")
    return "\n".join(lines) + "\n"
