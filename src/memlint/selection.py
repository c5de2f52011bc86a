"""Which rules run on a file: select / extend-select / ignore layers, preview, per-file-ignores.

Selection works like Ruff's. Selectors are code prefixes (`MEM`, `MEM1`, `MEM101`) or `ALL`.
Each layer (the config file, then the command line) is applied in turn; within a layer the most
specific matching selector decides, and `ignore` beats `select` at equal specificity. A layer
with its own `select` starts from nothing; a layer without one adjusts the previous result.
Preview rules are enabled by their exact code, or by any selector when preview is on.
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
from dataclasses import dataclass
from typing import Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple, Type

from memlint.findings import Tier
from memlint.registry import all_rules
from memlint.rule import Rule

DEFAULT_SELECT = ("MEM",)


class SelectorError(ValueError):
    pass


@dataclass(frozen=True)
class SelectionLayer:
    select: Optional[Tuple[str, ...]] = None
    extend_select: Tuple[str, ...] = ()
    ignore: Tuple[str, ...] = ()


def normalize_selector(selector: str, known_codes: Iterable[str]) -> str:
    value = selector.strip().upper()
    if value == "ALL" or (value.startswith("MEM") and any(code.startswith(value) for code in known_codes)):
        return value
    raise SelectorError(f"unknown rule selector {selector!r}")


def _specificity(selector: str) -> int:
    return 0 if selector == "ALL" else len(selector)


def _matches(selector: str, code: str) -> bool:
    return selector == "ALL" or code.startswith(selector)


def enabled_codes(layers: Sequence[SelectionLayer], preview: bool) -> FrozenSet[str]:
    rules = all_rules()
    enabled = set()
    for layer in (SelectionLayer(select=DEFAULT_SELECT),) + tuple(layers):
        if layer.select is not None:
            enabled = set()
        selects = tuple(layer.select or ()) + tuple(layer.extend_select)
        for code, rule in rules.items():
            best: Optional[Tuple[int, bool]] = None  # (specificity, is_ignore)
            for selector in selects:
                if not _matches(selector, code):
                    continue
                if rule.tier is Tier.PREVIEW and not preview and selector != code:
                    continue
                candidate = (_specificity(selector), False)
                best = candidate if best is None else max(best, candidate)
            for selector in layer.ignore:
                if _matches(selector, code):
                    candidate = (_specificity(selector), True)
                    best = candidate if best is None else max(best, candidate)
            if best is None:
                continue
            if best[1]:
                enabled.discard(code)
            else:
                enabled.add(code)
    return frozenset(enabled)


class Selection:
    """The enabled rules of one configuration, with per-file-ignores applied per path."""

    def __init__(
        self,
        enabled: FrozenSet[str],
        per_file_ignores: Sequence[Tuple[str, Tuple[str, ...]]],
        root: str,
    ) -> None:
        rules = all_rules()
        self._rules: Tuple[Type[Rule], ...] = tuple(rules[code] for code in sorted(enabled))
        self._per_file_ignores = tuple(per_file_ignores)
        self._root = root
        self._by_ignored: Dict[FrozenSet[str], Tuple[Type[Rule], ...]] = {}

    @property
    def rules(self) -> Tuple[Type[Rule], ...]:
        return self._rules

    def rules_for(self, path: str) -> Tuple[Type[Rule], ...]:
        if not self._per_file_ignores:
            return self._rules
        ignored = frozenset(self._ignored_selectors(path))
        if not ignored:
            return self._rules
        cached = self._by_ignored.get(ignored)
        if cached is None:
            cached = tuple(
                rule for rule in self._rules if not any(_matches(sel, rule.code) for sel in ignored)
            )
            self._by_ignored[ignored] = cached
        return cached

    def _ignored_selectors(self, path: str) -> List[str]:
        relative = relative_posix(path, self._root)
        name = posixpath.basename(relative)
        found: List[str] = []
        for pattern, selectors in self._per_file_ignores:
            target = relative if "/" in pattern else name
            if fnmatch.fnmatchcase(target, pattern) or fnmatch.fnmatchcase(relative, pattern):
                found.extend(selectors)
        return found


def relative_posix(path: str, root: str) -> str:
    try:
        relative = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
    except ValueError:  # another drive on Windows
        relative = path
    return relative.replace(os.sep, "/")
