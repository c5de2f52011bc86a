"""The flake8 plugin: a thin shell over `api.lint_source`.

flake8 decides a plugin's type from its parameter names: taking `tree` makes this an AST plugin
(called once per file); the source is rebuilt from `lines`, and LibCST parses it again. flake8
owns selection (`--select MEM`), `# noqa` and parallelism, so nothing here starts a pool.
Preview rules stay off unless `--memlint-preview` is given; `--memlint-min-bytes SIZE` hides
findings whose estimated bytes at stake are known and below SIZE, as `min-bytes` does.
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
from typing import Any, ClassVar, Iterator, List, Optional, Tuple

from memlint import __version__
from memlint.api import lint_source
from memlint.config import SIZE_EXAMPLES, Config, build_config, parse_size


class MemlintChecker:
    name = "memlint"
    version = __version__
    preview: ClassVar[bool] = False
    min_bytes: ClassVar[int] = 0

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
        option_manager.add_option(
            "--memlint-min-bytes",
            type=_size,
            default=0,
            metavar="SIZE",
            parse_from_config=True,
            help="memlint: hide findings whose estimated bytes at stake are known and below SIZE (500kB, 1MB, 1MiB)",
        )

    @classmethod
    def parse_options(cls, options: argparse.Namespace) -> None:
        cls.preview = bool(getattr(options, "memlint_preview", False))
        cls.min_bytes = int(getattr(options, "memlint_min_bytes", 0) or 0)

    @property
    def config(self) -> Config:
        """memlint's defaults (flake8 owns selection); preview rules only with --memlint-preview."""
        config = _PREVIEW_CONFIG if self.preview else _DEFAULT_CONFIG
        if self.min_bytes:
            config = _with_min_bytes(config, self.min_bytes)
        return config

    def run(self) -> Iterator[Tuple[int, int, str, type]]:
        result = lint_source("".join(self._lines), self._filename, self.config, inline_noqa=False)
        for finding in result.findings:
            message = f"{finding.code} {finding.message}"  # MEM000 reads as under memlint
            # flake8 columns are 0-based in plugin results (it adds 1 when printing). In a notebook
            # (`flake8 --filename '*.ipynb'`) the place is in the JSON text flake8 reads.
            start, _ = finding.file_span
            yield start.line, start.column - 1, message, type(self)
        for error in result.errors:
            yield 1, 0, f"MEM000 memlint internal error: {error.message}", type(self)


def _size(text: str) -> int:
    """`type=` of --memlint-min-bytes: argparse turns the error into `flake8: error: ...`, exit 2."""
    size = parse_size(text)
    if size is None:
        raise argparse.ArgumentTypeError(f"must be a size {SIZE_EXAMPLES}, not {text!r}")
    return size


def _with_min_bytes(config: Config, min_bytes: int) -> Config:
    """The config with `min_bytes`, built once per flake8 run (a run has one setting)."""
    global _LAST_CONFIG
    if _LAST_CONFIG is None or (_LAST_CONFIG.preview, _LAST_CONFIG.min_bytes) != (config.preview, min_bytes):
        _LAST_CONFIG = dataclasses.replace(config, min_bytes=min_bytes)
    return _LAST_CONFIG


_LAST_CONFIG: Optional[Config] = None
_DEFAULT_CONFIG = build_config({}, {}, root=".")
_PREVIEW_CONFIG = build_config({}, {"select": ["ALL"], "preview": True}, root=".")
