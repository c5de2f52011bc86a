"""Output formats. Each reporter turns findings into text; only the CLI writes it out."""

from __future__ import annotations

import importlib
from typing import Callable, Iterator, Mapping, Sequence, Tuple

from memlint.findings import Finding
from memlint.reporting import text

Renderer = Callable[[Sequence[Finding], "text.Context"], str]

# format -> (module of memlint.reporting, function). A reporter's module is imported when its
# format is used: a run prints one format, and some cost more to import than a one-file run
# takes to lint (junit's xml.sax.saxutils pulls in urllib.request and http.client).
_RENDERERS: Mapping[str, Tuple[str, str]] = {
    "full": ("text", "render_full"),
    "concise": ("text", "render_concise"),
    "json": ("json_format", "render"),
    "json-lines": ("json_lines", "render"),
    "sarif": ("sarif", "render"),
    "github": ("github", "render"),
    "gitlab": ("gitlab", "render"),
    "junit": ("junit", "render"),
    "pylint": ("pylint", "render"),
}


class _LazyRenderers(Mapping[str, Renderer]):
    """`RENDERERS[format]` is that format's render function, its module imported on first use."""

    def __getitem__(self, name: str) -> Renderer:
        module, function = _RENDERERS[name]
        renderer: Renderer = getattr(importlib.import_module(f"memlint.reporting.{module}"), function)
        return renderer

    def __iter__(self) -> Iterator[str]:
        return iter(_RENDERERS)

    def __len__(self) -> int:
        return len(_RENDERERS)


RENDERERS: Mapping[str, Renderer] = _LazyRenderers()

Context = text.Context
