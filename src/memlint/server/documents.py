"""What the server lints, with which settings, and what it remembers (no pygls here).

- Settings: the `[tool.memlint]` of the pyproject.toml nearest to each document, found and read by
  `config.load_config` exactly as the command line does, kept per directory until `reload()`
  (the server calls it when a pyproject.toml changes). A broken file falls back to the defaults
  and its error is kept for the server to show once.
- Results: `api.lint_source` results (for a notebook, `notebook.lint_cells` results: its code
  cells linted as one module) kept by (path, text or cell texts, kind), so a document whose text
  did not change since it was last linted costs a dictionary lookup. Excludes apply as with
  `--force-exclude`: an excluded file gets no findings.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from typing import TYPE_CHECKING, Callable, Dict, List, Optional, Sequence, Tuple, Union

from memlint.api import lint_source
from memlint.config import Config, ConfigError, build_config, load_config
from memlint.discovery import is_excluded
from memlint.findings import FileResult

if TYPE_CHECKING:  # pragma: no cover
    from memlint.notebook import CellsResult

Result = Union[FileResult, "CellsResult"]

CACHE_SIZE = 256  # results kept (a few per open document: plain, with edits, fixed)

# What a cached result was computed for.
PLAIN, WITH_EDITS, FIX_ALL = "plain", "with-edits", "fix-all"


class Session:
    """Settings and results for one server process."""

    def __init__(self, root: Optional[str] = None) -> None:
        self.root = root
        self._configs: Dict[str, Config] = {}
        self._results: "OrderedDict[Tuple[str, object, str], Result]" = OrderedDict()
        self.config_errors: List[str] = []  # not yet shown to the user
        self.lint_runs = 0  # calls that reached `lint_source` (the cache missed)

    def reload(self) -> None:
        """Forget every setting and result: the next lint reads pyproject.toml again."""
        self._configs.clear()
        self._results.clear()

    def config_for(self, path: str) -> Config:
        directory = os.path.dirname(os.path.abspath(path))
        config = self._configs.get(directory)
        if config is None:
            try:
                config = load_config([path], None, {})
            except ConfigError as exc:
                self.config_errors.append(f"{exc}; using the default settings")
                config = build_config({}, {}, root=self.root or directory)
            self._configs[directory] = config
        return config

    def excluded(self, path: str, config: Config) -> bool:
        """Like `--force-exclude`: the file, or a directory above it up to the project root."""
        current = os.path.abspath(path)
        root = os.path.abspath(config.root)
        while True:
            if is_excluded(current, config.all_excludes, config.root):
                return True
            parent = os.path.dirname(current)
            if parent == current or current == root:
                return False
            current = parent

    def lint(self, text: str, path: str, *, with_edits: bool = False) -> FileResult:
        """The findings (with each fix's edits when asked); cached by content."""
        kind = WITH_EDITS if with_edits else PLAIN
        return self._cached(
            (path, text, kind), path, lambda config: self._lint(text, path, config, kind), lambda: FileResult(path)
        )

    def fix_all(self, text: str, path: str) -> Optional[str]:
        """The text with every safe fix applied, or None when there is nothing to fix."""
        result = self._cached(
            (path, text, FIX_ALL), path, lambda config: self._lint(text, path, config, FIX_ALL), lambda: FileResult(path)
        )
        return result.fixed_source

    def lint_cells(self, sources: Sequence[str], path: str, *, with_edits: bool = False) -> "CellsResult":
        """A notebook's code cells as one module; findings carry their cell (`cell.number - 1`
        indexes `sources`) and positions within it."""
        kind = WITH_EDITS if with_edits else PLAIN
        cells = tuple(sources)
        return self._cached((path, cells, kind), path, lambda config: self._lint_cells(cells, path, config, kind), _no_cells)

    def fix_cells(self, sources: Sequence[str], path: str) -> Optional[Tuple[str, ...]]:
        """Every cell's text with the safe fixes applied, or None when there is nothing to fix."""
        cells = tuple(sources)
        result = self._cached(
            (path, cells, FIX_ALL), path, lambda config: self._lint_cells(cells, path, config, FIX_ALL), _no_cells
        )
        return result.fixed_sources

    def _lint(self, text: str, path: str, config: Config, kind: str) -> FileResult:
        return lint_source(text, path, config, with_edits=kind == WITH_EDITS, fix=kind == FIX_ALL, unsafe_fixes=False)

    def _lint_cells(self, sources: Tuple[str, ...], path: str, config: Config, kind: str) -> "CellsResult":
        from memlint.notebook import lint_cells

        return lint_cells(sources, path, config, with_edits=kind == WITH_EDITS, fix=kind == FIX_ALL, unsafe_fixes=False)

    def _cached(
        self, key: Tuple[str, object, str], path: str, compute: Callable[[Config], Result], empty: Callable[[], Result]
    ) -> Result:
        """The result for `key`: from the cache, or `compute(config)`, or `empty()` for an
        excluded file."""
        result = self._results.get(key)
        if result is not None:
            self._results.move_to_end(key)
            return result
        config = self.config_for(path)
        if self.excluded(path, config):
            result = empty()
        else:
            self.lint_runs += 1
            result = compute(config)
        self._results[key] = result
        if len(self._results) > CACHE_SIZE:
            self._results.popitem(last=False)
        return result


def _no_cells() -> "CellsResult":
    from memlint.notebook import CellsResult

    return CellsResult()
