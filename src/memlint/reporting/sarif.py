"""`sarif`: SARIF 2.1.0, with every rule's documentation in the tool driver.

Each rule's `help` carries its whole documentation (text and markdown): there is no public page to
point `helpUri` at yet (see `memlint.REPOSITORY_URL`). Relative paths are given against the base
`%SRCROOT%`, which `originalUriBaseIds` resolves to the working directory of the run.
"""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path
from typing import Any, Dict, List, Sequence
from urllib.parse import quote

from memlint import REPOSITORY_URL, __version__, rule_url
from memlint.findings import PARSE_ERROR_CODE, PARSE_ERROR_NAME, Finding
from memlint.parse_error import PAGE as PARSE_ERROR_PAGE
from memlint.reporting.text import Context

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"



def _with_url(entry: Dict[str, Any], code: str) -> Dict[str, Any]:
    url = rule_url(code)
    if url is not None:
        entry["helpUri"] = url
    return entry


def _rules() -> List[Dict[str, Any]]:
    from memlint.registry import all_rules  # the rule classes (and LibCST): only SARIF needs their docs

    entries = [
        _with_url(
            {
                "id": PARSE_ERROR_CODE,
                "name": PARSE_ERROR_NAME,
                "shortDescription": {"text": "The file could not be read, decoded or parsed."},
                "help": {"text": PARSE_ERROR_PAGE, "markdown": PARSE_ERROR_PAGE},
                "defaultConfiguration": {"level": "error"},
            },
            PARSE_ERROR_CODE,
        )
    ]
    for code, rule in all_rules().items():
        doc = rule.__doc__ or ""
        entries.append(
            _with_url(
                {
                    "id": code,
                    "name": rule.name,
                    "shortDescription": {"text": rule.summary()},
                    "fullDescription": {"text": " ".join(doc.split())},
                    "help": {"text": _dedent(doc), "markdown": _dedent(doc)},
                    "defaultConfiguration": {"level": "warning"},
                    "properties": {"tier": rule.tier.value, "fix": rule.fix_availability.value},
                },
                code,
            )
        )
    return entries


def _dedent(doc: str) -> str:
    return textwrap.dedent(doc).strip()


def _artifact(path: str) -> Dict[str, str]:
    """A `file:` URI for an absolute path (any platform); a relative reference against
    `%SRCROOT%` otherwise. The name's bytes are percent-encoded, so a name that is not UTF-8
    (`caf\\xe9.py`) survives."""
    if os.path.isabs(path):
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(os.fsencode(path.replace(os.sep, "/"))), "uriBaseId": SRCROOT}


def render(findings: Sequence[Finding], context: Context) -> str:
    rules = _rules()
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    results = []
    for f in findings:
        start, end = f.file_span
        result: Dict[str, Any] = {
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": "error" if f.code == PARSE_ERROR_CODE else "warning",
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": _artifact(f.filename),
                        "region": {
                            "startLine": start.line,
                            "startColumn": start.column,
                            "endLine": end.line,
                            "endColumn": end.column,
                        },
                    }
                }
            ],
        }
        properties: Dict[str, Any] = {
            key: value
            for key, value in (
                ("estimated_bytes", f.estimated_bytes),
                ("measured_bytes", f.measured_bytes),
                ("measured_by", f.measured_by),
            )
            if value is not None
        }
        if f.cell is not None:
            # The region is in the .ipynb file's JSON text (what a viewer opens); the cell and the
            # position within it are properties, as memlint's other formats print them.
            properties["cell"] = f.cell.number
            properties["cellRegion"] = {
                "startLine": f.location.line,
                "startColumn": f.location.column,
                "endLine": f.end_location.line,
                "endColumn": f.end_location.column,
            }
        if properties:
            result["properties"] = properties
        results.append(result)
    driver: Dict[str, Any] = {"name": "memlint", "version": __version__, "rules": rules}
    if REPOSITORY_URL is not None:
        driver["informationUri"] = REPOSITORY_URL
    root = Path(os.getcwd()).as_uri().rstrip("/") + "/"
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "originalUriBaseIds": {SRCROOT: {"uri": root}},
                "results": results,
                # Our columns count characters (code points); say so instead of leaving the unit to a guess.
                "columnKind": "unicodeCodePoints",
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"
