"""`pylint`: `path:line: [CODE] message`, the format pylint's parsers (and Ruff's `pylint`) use."""

from __future__ import annotations

from typing import Sequence

from memlint.findings import Finding
from memlint.reporting.text import Context


def render(findings: Sequence[Finding], context: Context) -> str:
    return "".join(f"{f.filename}:{f.location.line}: [{f.code}] {f.message}\n" for f in findings)
