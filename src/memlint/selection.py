"""Which rules run on a file: select / extend-select / ignore layers, preview, per-file-ignores.

Selection works like Ruff's. Selectors are code prefixes (`MEM`, `MEM1`, `MEM101`) or `ALL`.
Each layer (the config file, then the command line) is applied in turn; within a layer the most
specific matching selector decides, and `ignore` beats `select` at equal specificity. A layer
with its own `select` starts from nothing; a layer without one adjusts the previous result.
Preview rules are enabled by their exact code, or by any selector when preview is on.

MEM000 (a file that cannot be parsed) is not a rule: no prefix selects or ignores it, and only an
`ignore` (or per-file-ignores entry) naming exactly `MEM000` hides it.
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Dict, FrozenSet, Iterable, List, Mapping, NamedTuple, Optional, Sequence, Tuple, Type

from memlint.findings import PARSE_ERROR_CODE, Applicability, Tier
from memlint.rule_index import RULES, RuleInfo

if TYPE_CHECKING:  # pragma: no cover
    from memlint.rule import Rule

DEFAULT_SELECT = ("MEM",)


class SelectorError(ValueError):
    pass


@dataclass(frozen=True)
class SelectionLayer:
    select: Optional[Tuple[str, ...]] = None
    extend_select: Tuple[str, ...] = ()
    ignore: Tuple[str, ...] = ()


def known_rules() -> Mapping[str, RuleInfo]:
    """Every rule's name, tier and option defaults, without importing the rules if not yet done.

    Once the registry is loaded it is the truth (tests register extra rules in it); before, the
    generated `rule_index` stands in for it (a test keeps the two identical).
    """
    registry = sys.modules.get("memlint.registry")
    if registry is None:
        return RULES
    return {
        code: RuleInfo(rule.name, rule.tier, {key: option.default for key, option in rule.options.items()})
        for code, rule in registry.all_rules().items()
    }


def normalize_selector(selector: str, known_codes: Iterable[str]) -> str:
    value = selector.strip().upper()
    if value == "ALL" or value == PARSE_ERROR_CODE or (value.startswith("MEM") and any(code.startswith(value) for code in known_codes)):
        return value
    raise SelectorError(f"unknown rule selector {selector!r}")


def _specificity(selector: str) -> int:
    return 0 if selector == "ALL" else len(selector)


def _matches(selector: str, code: str) -> bool:
    return selector == "ALL" or code.startswith(selector)


def enabled_codes(layers: Sequence[SelectionLayer], preview: bool) -> FrozenSet[str]:
    rules = known_rules()
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


def parse_errors_enabled(layers: Sequence[SelectionLayer]) -> bool:
    """False when the last layer to name MEM000 exactly ignores it."""
    enabled = True
    for layer in layers:
        if PARSE_ERROR_CODE in layer.ignore:
            enabled = False
        elif PARSE_ERROR_CODE in tuple(layer.select or ()) + tuple(layer.extend_select):
            enabled = True
    return enabled


class Selection:
    """The enabled rules of one configuration, with per-file-ignores applied per path.

    Codes come from the rule index; the rule classes (and LibCST with them) are imported only
    when `rules` or `rules_for` is first asked, so a run served from the cache never loads them.
    """

    def __init__(
        self,
        enabled: FrozenSet[str],
        per_file_ignores: Sequence[Tuple[str, Tuple[str, ...]]],
        root: str,
        parse_errors: bool = True,
    ) -> None:
        self._codes: Tuple[str, ...] = tuple(sorted(enabled))
        self._parse_errors = parse_errors
        self._per_file_ignores = tuple(per_file_ignores)
        self._root = root
        self._by_ignored: Dict[FrozenSet[str], Tuple[str, ...]] = {}

    @property
    def codes(self) -> Tuple[str, ...]:
        return self._codes

    @property
    def rules(self) -> Tuple[Type[Rule], ...]:
        return self._load(self._codes)

    def codes_for(self, path: str) -> Tuple[str, ...]:
        if not self._per_file_ignores:
            return self._codes
        ignored = frozenset(self._ignored_selectors(path))
        if not ignored:
            return self._codes
        cached = self._by_ignored.get(ignored)
        if cached is None:
            cached = tuple(code for code in self._codes if not any(_matches(sel, code) for sel in ignored))
            self._by_ignored[ignored] = cached
        return cached

    def reports_parse_errors(self, path: str) -> bool:
        """Whether MEM000 is reported for this file (only an exact `MEM000` ignore hides it)."""
        if not self._parse_errors:
            return False
        return not self._per_file_ignores or PARSE_ERROR_CODE not in self._ignored_selectors(path)

    def cache_key_for(self, path: str) -> Tuple[str, ...]:
        """What decides a file's findings, for the cache: its rules, and `-MEM000` when MEM000
        is ignored (so the usual key is just the codes)."""
        codes = self.codes_for(path)
        return codes if self.reports_parse_errors(path) else codes + ("-" + PARSE_ERROR_CODE,)

    def rules_for(self, path: str) -> Tuple[Type[Rule], ...]:
        return self._load(self.codes_for(path))

    def candidates_for(self, path: str) -> Tuple["Candidate", ...]:
        """The rules enabled for `path` as `candidates` (code, triggers, screen), no rule imported."""
        return candidates(self.codes_for(path))

    @staticmethod
    def _load(codes: Tuple[str, ...]) -> Tuple[Type[Rule], ...]:
        from memlint.registry import all_rules

        rules = all_rules()
        return tuple(rules[code] for code in codes)


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


@dataclass(frozen=True)
class FixSelectors:
    """Ruff's `fixable` / `extend-fixable` / `unfixable` and `extend-safe-fixes` /
    `extend-unsafe-fixes`, as selectors."""

    fixable: Tuple[str, ...] = ("ALL",)
    extend_fixable: Tuple[str, ...] = ()
    unfixable: Tuple[str, ...] = ()
    extend_safe_fixes: Tuple[str, ...] = ()
    extend_unsafe_fixes: Tuple[str, ...] = ()


def _most_specific(code: str, wins_ties: Sequence[str], loses_ties: Sequence[str]) -> Optional[bool]:
    """True when the most specific selector matching `code` is in `wins_ties` (which wins at equal
    specificity), False when it is in `loses_ties`, None when none matches."""
    best: Optional[Tuple[int, bool]] = None
    for selectors, verdict in ((loses_ties, False), (wins_ties, True)):
        for selector in selectors:
            if _matches(selector, code):
                candidate = (_specificity(selector), verdict)
                best = candidate if best is None else max(best, candidate)
    return None if best is None else best[1]


class FixPolicy:
    """A fix's applicability after the fix settings: None when the rule is not fixable.

    As in Ruff: the most specific selector decides; at equal specificity `unfixable` beats
    `fixable` and `extend-unsafe-fixes` beats `extend-safe-fixes`. Display-only fixes stay so.
    """

    def __init__(self, selectors: FixSelectors) -> None:
        self._selectors = selectors
        self._cache: Dict[Tuple[str, Applicability], Optional[Applicability]] = {}

    @property
    def is_default(self) -> bool:
        return self._selectors == FixSelectors()

    def applicability(self, code: str, base: Applicability) -> Optional[Applicability]:
        key = (code, base)
        if key not in self._cache:
            self._cache[key] = self._decide(code, base)
        return self._cache[key]

    def _decide(self, code: str, base: Applicability) -> Optional[Applicability]:
        s = self._selectors
        if _most_specific(code, s.unfixable, tuple(s.fixable) + tuple(s.extend_fixable)) is not False:
            return None
        if base is Applicability.DISPLAY:
            return base
        unsafe = _most_specific(code, s.extend_unsafe_fixes, s.extend_safe_fixes)
        if unsafe is None:
            return base
        return Applicability.UNSAFE if unsafe else Applicability.SAFE


class Candidate(NamedTuple):
    """What the pre-filters need of a rule, from the rule index (no rule module imported)."""

    code: str
    triggers: Tuple[str, ...]
    screen: Optional[Tuple[object, ...]]


_CANDIDATES: Dict[str, Candidate] = {}


def candidates(codes: Sequence[str]) -> Tuple[object, ...]:
    """The rules of `codes` for the pre-filters (prefilter.py, screen.py): the rule classes once
    the registry is loaded (it is the truth: tests register extra rules in it), else `Candidate`s
    from the generated rule index; `load_rules` turns the survivors into classes."""
    registry = sys.modules.get("memlint.registry")
    if registry is not None:
        rules = registry.all_rules()
        return tuple(rules[code] for code in codes)
    found = []
    for code in codes:
        candidate = _CANDIDATES.get(code)
        if candidate is None:
            info = RULES[code]
            candidate = _CANDIDATES[code] = Candidate(code, info.triggers, info.screen)
        found.append(candidate)
    return tuple(found)


def load_rules(chosen: Sequence[object]) -> Tuple[Type[Rule], ...]:
    """The rule classes of `candidates`, importing only their modules (`rules/<name>.py`) while
    the registry is not loaded: a file in which one rule can fire imports that rule alone."""
    if all(not isinstance(rule, Candidate) for rule in chosen):
        return tuple(chosen)  # type: ignore[arg-type]
    import importlib

    loaded = []
    for rule in chosen:
        if not isinstance(rule, Candidate):
            loaded.append(rule)
            continue
        module = importlib.import_module(f"memlint.rules.{RULES[rule.code].name.replace('-', '_')}")
        loaded.append(next(value for value in vars(module).values() if getattr(value, "code", None) == rule.code and isinstance(value, type)))
    return tuple(loaded)  # type: ignore[arg-type]
