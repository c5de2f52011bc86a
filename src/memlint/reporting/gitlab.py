"""`gitlab`: GitLab's Code Quality report (a Code Climate subset), as Ruff's `gitlab` format.

Paths are relative to `CI_PROJECT_DIR` when set (GitLab CI), else to the working directory. Each
fingerprint hashes the code, path and message, and the finding's rank among identical ones, so
it stays the same while unrelated lines move.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from typing import Any, Dict, Sequence, Tuple

from memlint.findings import Finding
from memlint.reporting.text import Context

PROJECT_DIR_ENV = "CI_PROJECT_DIR"


def _path(filename: str) -> str:
    base = os.environ.get(PROJECT_DIR_ENV) or os.getcwd()
    try:
        relative = os.path.relpath(os.path.abspath(filename), base)
    except ValueError:  # another drive
        relative = filename
    return relative.replace(os.sep, "/")


def render(findings: Sequence[Finding], context: Context) -> str:
    seen: Counter[Tuple[str, str, str]] = Counter()
    issues = []
    for f in findings:
        path = _path(f.filename)
        key = (f.code, path, f.message)
        seen[key] += 1
        digest = hashlib.sha256("\0".join((*key, str(seen[key]))).encode("utf-8")).hexdigest()[:16]
        issue: Dict[str, Any] = {
            "check_name": f.code,
            "description": f"{f.code} {f.message}",
            "severity": "major",
            "fingerprint": digest,
            "location": {
                "path": path,
                "positions": {
                    "begin": {"line": f.location.line, "column": f.location.column},
                    "end": {"line": f.end_location.line, "column": f.end_location.column},
                },
            },
        }
        issues.append(issue)
    return json.dumps(issues, indent=2) + "\n"
