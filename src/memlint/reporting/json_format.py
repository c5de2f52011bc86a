"""`json`: a list of finding objects (Ruff's shape: code, message, location, fix with edits, url).

In a notebook, `cell` is the cell's number and `location`/`end_location`/edits count lines within
that cell (as Ruff does); elsewhere `cell` is null."""

from __future__ import annotations

import json
from typing import Any, Dict, Optional, Sequence

from memlint import DOCS_URL
from memlint.findings import Finding, FixInfo, Location
from memlint.reporting.text import Context


def location(loc: Location) -> Dict[str, int]:
    return {"row": loc.line, "column": loc.column}


def fix_object(fix: Optional[FixInfo]) -> Optional[Dict[str, Any]]:
    if fix is None:
        return None
    return {
        "applicability": fix.applicability.value,
        "message": fix.title,
        "edits": [
            {"content": e.content, "location": location(e.location), "end_location": location(e.end_location)}
            for e in fix.edits
        ],
    }


def finding_object(finding: Finding) -> Dict[str, Any]:
    return {
        "code": finding.code,
        "name": finding.name,
        "message": finding.message,
        "filename": finding.filename,
        "cell": None if finding.cell is None else finding.cell.number,  # notebooks: 1-based, every cell counted
        "location": location(finding.location),
        "end_location": location(finding.end_location),
        "fix": fix_object(finding.fix),
        "estimated_bytes": finding.estimated_bytes,
        "measured_bytes": finding.measured_bytes,
        "measured_by": finding.measured_by,
        "url": DOCS_URL.format(code=finding.code),
    }


def render(findings: Sequence[Finding], context: Context) -> str:
    return json.dumps([finding_object(f) for f in findings], indent=2) + "\n"
