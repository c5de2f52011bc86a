"""Output formats. Each reporter turns findings into text; only the CLI writes it out."""

from __future__ import annotations

from typing import Callable, Dict, Sequence

from memlint.findings import Finding
from memlint.reporting import github, json_format, sarif, text

Renderer = Callable[[Sequence[Finding], "text.Context"], str]

RENDERERS: Dict[str, Renderer] = {
    "full": text.render_full,
    "concise": text.render_concise,
    "json": json_format.render,
    "sarif": sarif.render,
    "github": github.render,
}

Context = text.Context
