"""The flake8 plugin: a thin shell over `api.lint_source`.

flake8 decides a plugin's type from its parameter names: taking `tree` makes this an AST plugin
(called once per file); the source is rebuilt from `lines`, and LibCST parses it again. flake8
owns selection (`--select MEM`), `# noqa` and parallelism, so nothing here starts a pool.
Preview rules stay off unless `--memlint-preview` is given.
"""

from __future__ import annotations

import argparse
import ast
from typing import Any, ClassVar, Iterator, List, Tuple

from memlint import __version__
from memlint.api import lint_source
from memlint.config import Config, build_config


class MemlintChecker:
    name = "memlint"
    version = __version__
    preview: ClassVar[bool] = False

    def __init__(self, tree: ast.AST, lines: List[str], filename: str = "<stdin>") -> None:
        self._lines = lines
        self._filename = filename

    @classmethod
    def add_options(cls, option_manager: Any) -> None:
        option_manager.add_option(
            "--memlint-preview",
            action="store_true",
            default=False,
            parse_from_config=True,
            help="memlint: also run preview rules (they are off by default)",
        )

    @classmethod
    def parse_options(cls, options: argparse.Namespace) -> None:
        cls.preview = bool(getattr(options, "memlint_preview", False))

    @property
    def config(self) -> Config:
        """memlint's defaults (flake8 owns selection); preview rules only with --memlint-preview."""
        return _PREVIEW_CONFIG if self.preview else _DEFAULT_CONFIG

    def run(self) -> Iterator[Tuple[int, int, str, type]]:
        result = lint_source("".join(self._lines), self._filename, self.config, inline_noqa=False)
        for finding in result.findings:
            message = f"{finding.code} {finding.message}"  # MEM000 reads as under memlint
            # flake8 columns are 0-based in plugin results (it adds 1 when printing).
            yield finding.location.line, finding.location.column - 1, message, type(self)
        for error in result.errors:
            yield 1, 0, f"MEM000 memlint internal error: {error.message}", type(self)


_DEFAULT_CONFIG = build_config({}, {}, root=".")
_PREVIEW_CONFIG = build_config({}, {"select": ["ALL"], "preview": True}, root=".")
