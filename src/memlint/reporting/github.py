"""`github`: GitHub Actions workflow commands, one annotation per finding.

An annotation points into the file as stored, so a finding in a notebook is placed on the line of
the .ipynb JSON that holds its code; the message names the cell and the line within it."""

from __future__ import annotations

from typing import Sequence

from memlint.findings import Finding
from memlint.reporting.text import Context


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(findings: Sequence[Finding], context: Context) -> str:
    lines = []
    for f in findings:
        start, end = f.file_span
        props = ",".join(
            (
                f"title={_property(f'memlint ({f.code})')}",
                f"file={_property(f.filename)}",
                f"line={start.line}",
                f"col={start.column}",
                f"endLine={end.line}",
                f"endColumn={end.column}",
            )
        )
        text = f"{f.where}:{f.location.line}:{f.location.column}: {f.code} {f.message}"
        lines.append(f"::error {props}::{_data(text)}\n")
    return "".join(lines)
