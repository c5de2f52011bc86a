"""`json-lines`: one JSON object per finding per line (the objects of `json`), as Ruff's."""

from __future__ import annotations

import json
from typing import Sequence

from memlint.findings import Finding
from memlint.reporting.json_format import finding_object
from memlint.reporting.text import Context


def render(findings: Sequence[Finding], context: Context) -> str:
    return "".join(json.dumps(finding_object(f)) + "\n" for f in findings)
