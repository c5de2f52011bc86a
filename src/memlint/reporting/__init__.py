"""Output formats. Each reporter turns findings into text; only the CLI writes it out."""

from __future__ import annotations

from typing import Callable, Dict, Sequence

from memlint.findings import Finding
from memlint.reporting import github, gitlab, json_format, json_lines, junit, pylint, sarif, text

Renderer = Callable[[Sequence[Finding], "text.Context"], str]

RENDERERS: Dict[str, Renderer] = {
    "full": text.render_full,
    "concise": text.render_concise,
    "json": json_format.render,
    "json-lines": json_lines.render,
    "sarif": sarif.render,
    "github": github.render,
    "gitlab": gitlab.render,
    "junit": junit.render,
    "pylint": pylint.render,
}

Context = text.Context
