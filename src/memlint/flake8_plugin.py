"""The flake8 plugin: a thin shell over `api.lint_source`.

flake8 decides a plugin's type from its parameter names: taking `tree` makes this an AST plugin
(called once per file); the source is rebuilt from `lines`, and LibCST parses it again. flake8
owns selection (`--select MEM`), `# noqa` and parallelism, so nothing here starts a pool.

The nearest pyproject.toml's `[tool.memlint]` (searched upward from each file's directory, read
once per directory) is read through the same loader as the command line's, and then what flake8
owns is reset (selection, per-file-ignores; files, output and fixes do not apply under flake8):
rule options, `min-bytes`, `preview`, `ruff-compat` and any other setting (a `target-version`)
apply as under `memlint`. Preview
rules stay off unless `preview = true` there or `--memlint-preview` is given;
`--memlint-min-bytes SIZE` wins over the file's `min-bytes`.
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import os
from pathlib import Path
from typing import Any, ClassVar, Dict, Iterator, List, Optional, Tuple

from memlint import __version__
from memlint.api import lint_source
from memlint.config import (
    SIZE_EXAMPLES,
    Config,
    ConfigError,
    build_config,
    find_pyproject,
    load_config,
    parse_size,
)
from memlint.findings import PARSE_ERROR_CODE
from memlint.selection import FixSelectors, SelectionLayer
from memlint.suppression import NoqaMap, is_suppressed

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
        """The project's `[tool.memlint]` minus what flake8 owns, with the plugin's options."""
        return project_config(self._filename, self.preview, self.min_bytes)

    def run(self) -> Iterator[Tuple[int, int, str, type]]:
        try:
            config = self.config
        except ConfigError as exc:
            yield 1, 0, f"{PARSE_ERROR_CODE} memlint configuration error: {exc}", type(self)
            return
        source = "".join(self._lines)
        result = lint_source(source, self._filename, config, inline_noqa=False)
        findings = result.findings
        if config.ruff_compat and "noqa" in source.lower():
            # flake8 applies `# noqa: MEM101` itself; the equivalent Ruff code is ours to honour.
            noqa = NoqaMap(source)
            findings = tuple(
                f
                for f in findings
                if f.code == PARSE_ERROR_CODE
                or not is_suppressed(f.code, _without_own(noqa.codes_for(f.location.line), f.code), ruff_compat=True)
            )
        for finding in findings:
            message = f"{finding.code} {finding.message}"  # MEM000 reads as under memlint
            # flake8 columns are 0-based in plugin results (it adds 1 when printing). In a notebook
            # (`flake8 --filename '*.ipynb'`) the place is in the JSON text flake8 reads.
            start, _ = finding.file_span
            yield start.line, start.column - 1, message, type(self)
        for error in result.errors:
            yield 1, 0, f"MEM000 memlint internal error: {error.message}", type(self)


def _without_own(codes: Any, code: str) -> Any:
    """The noqa codes minus those flake8 itself matches against `code` (it decides those)."""
    if not codes or "*" in codes:
        return None
    return frozenset(prefix for prefix in codes if not code.startswith(prefix)) or None


def _size(text: str) -> int:
    """`type=` of --memlint-min-bytes: argparse turns the error into `flake8: error: ...`, exit 2."""
    size = parse_size(text)
    if size is None:
        raise argparse.ArgumentTypeError(f"must be a size {SIZE_EXAMPLES}, not {text!r}")
    return size


_CONFIGS: Dict[Tuple[Optional[str], bool, int], Config] = {}
_PYPROJECT_BY_DIR: Dict[str, Optional[Path]] = {}


def project_config(filename: str, preview: bool = False, min_bytes: int = 0) -> Config:
    """The config for a file under flake8, built once per (pyproject.toml, options)."""
    directory = os.path.dirname(os.path.abspath(filename)) if filename not in ("-", "<stdin>", "stdin") else os.getcwd()
    if directory not in _PYPROJECT_BY_DIR:
        _PYPROJECT_BY_DIR[directory] = find_pyproject(Path(directory))
    pyproject = _PYPROJECT_BY_DIR[directory]
    key = (str(pyproject) if pyproject else None, preview, min_bytes)
    if key not in _CONFIGS:
        _CONFIGS[key] = _build(pyproject, preview, min_bytes)
    return _CONFIGS[key]


def _build(pyproject: Optional[Path], preview: bool, min_bytes: int) -> Config:
    """The command line's loader (every setting, validated, with its defaults), then what flake8
    owns reset: its selection runs every rule (stable ones, or all with preview), no
    per-file-ignores, no fix settings."""
    if pyproject is None:
        config = build_config({}, {}, root=os.getcwd())
    else:
        config = load_config([], str(pyproject), {})
    preview = preview or config.preview
    return dataclasses.replace(
        config,
        layers=(SelectionLayer(select=("ALL",)),) if preview else (),
        preview=preview,
        per_file_ignores=(),
        fix_selectors=FixSelectors(),
        min_bytes=min_bytes or config.min_bytes,
    )
