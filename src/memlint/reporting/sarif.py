"""`sarif`: SARIF 2.1.0, with every rule's documentation in the tool driver."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path
from typing import Any, Dict, List, Sequence
from urllib.parse import quote

from memlint import DOCS_URL, __version__
from memlint.findings import PARSE_ERROR_CODE, PARSE_ERROR_NAME, Finding
from memlint.reporting.text import Context

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _rules() -> List[Dict[str, Any]]:
    from memlint.registry import all_rules  # the rule classes (and LibCST): only SARIF needs their docs

    entries = [
        {
            "id": PARSE_ERROR_CODE,
            "name": PARSE_ERROR_NAME,
            "shortDescription": {"text": "The file could not be read, decoded or parsed."},
            "helpUri": DOCS_URL.format(code=PARSE_ERROR_CODE),
            "defaultConfiguration": {"level": "error"},
        }
    ]
    for code, rule in all_rules().items():
        doc = rule.__doc__ or ""
        entries.append(
            {
                "id": code,
                "name": rule.name,
                "shortDescription": {"text": rule.summary()},
                "fullDescription": {"text": " ".join(doc.split())},
                "help": {"text": rule.summary(), "markdown": _dedent(doc)},
                "helpUri": DOCS_URL.format(code=code),
                "defaultConfiguration": {"level": "warning"},
                "properties": {"tier": rule.tier.value, "fix": rule.fix_availability.value},
            }
        )
    return entries


def _dedent(doc: str) -> str:
    return textwrap.dedent(doc).strip()


def _uri(path: str) -> str:
    """A `file:` URI for an absolute path (any platform); a relative reference otherwise. The
    name's bytes are percent-encoded, so a name that is not UTF-8 (`caf\\xe9.py`) survives."""
    if os.path.isabs(path):
        return Path(path).as_uri()
    return quote(os.fsencode(path.replace(os.sep, "/")))


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
                        "artifactLocation": {"uri": _uri(f.filename)},
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
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "memlint",
                        "version": __version__,
                        "informationUri": DOCS_URL.format(code="index").rsplit("/rules/", 1)[0],
                        "rules": rules,
                    }
                },
                "results": results,
                # Our columns count characters (code points); say so instead of leaving the unit to a guess.
                "columnKind": "unicodeCodePoints",
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"
