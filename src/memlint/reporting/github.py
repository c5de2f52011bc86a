"""`github`: GitHub Actions workflow commands, one annotation per finding."""

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
        props = ",".join(
            (
                f"title={_property(f'memlint ({f.code})')}",
                f"file={_property(f.filename)}",
                f"line={f.location.line}",
                f"col={f.location.column}",
                f"endLine={f.end_location.line}",
                f"endColumn={f.end_location.column}",
            )
        )
        text = f"{f.filename}:{f.location.line}:{f.location.column}: {f.code} {f.message}"
        lines.append(f"::error {props}::{_data(text)}\n")
    return "".join(lines)
