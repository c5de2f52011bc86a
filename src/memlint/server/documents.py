"""What the server lints, with which settings, and what it remembers (no pygls here).

- Settings: the `[tool.memlint]` of the pyproject.toml nearest to each document, found and read by
  `config.load_config` exactly as the command line does, kept per directory until `reload()`
  (the server calls it when a pyproject.toml changes). A broken file falls back to the defaults
  and its error is kept for the server to show once.
- Results: `api.lint_source` results kept by (path, text, kind), so a document whose text did
  not change since it was last linted costs a dictionary lookup. Excludes apply as with
  `--force-exclude`: an excluded file gets no findings.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from typing import Dict, List, Optional, Tuple

from memlint.api import lint_source
from memlint.config import Config, ConfigError, build_config, load_config
from memlint.discovery import is_excluded
from memlint.findings import FileResult

CACHE_SIZE = 256  # results kept (a few per open document: plain, with edits, fixed)

# What a cached result was computed for.
PLAIN, WITH_EDITS, FIX_ALL = "plain", "with-edits", "fix-all"


class Session:
    """Settings and results for one server process."""

    def __init__(self, root: Optional[str] = None) -> None:
        self.root = root
        self._configs: Dict[str, Config] = {}
        self._results: "OrderedDict[Tuple[str, str, str], FileResult]" = OrderedDict()
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
        return self._cached(text, path, WITH_EDITS if with_edits else PLAIN)

    def fix_all(self, text: str, path: str) -> Optional[str]:
        """The text with every safe fix applied, or None when there is nothing to fix."""
        return self._cached(text, path, FIX_ALL).fixed_source

    def _cached(self, text: str, path: str, kind: str) -> FileResult:
        key = (path, text, kind)
        result = self._results.get(key)
        if result is not None:
            self._results.move_to_end(key)
            return result
        config = self.config_for(path)
        if self.excluded(path, config):
            result = FileResult(path)
        else:
            self.lint_runs += 1
            result = lint_source(
                text, path, config, with_edits=kind == WITH_EDITS, fix=kind == FIX_ALL, unsafe_fixes=False
            )
        self._results[key] = result
        if len(self._results) > CACHE_SIZE:
            self._results.popitem(last=False)
        return result
