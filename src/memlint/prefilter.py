"""Which rules can fire at all in a source text: a conservative filter run before parsing.

Each rule may declare `triggers` (see `Rule`): words without which it can never report. Every
entry must be satisfied; an entry is satisfied by any of its `|`-separated alternatives. A rule
without triggers always runs.

Why a text search is conservative: rules recognise what they look for by the names written in
the code -- qualified names are spelled from the `Name`s and dotted attributes of the file
(`from numpy import append as app` still has `numpy` and `append` in it), and matchers on
`m.Name("x")` or `attr=m.Name("x")` need `x` itself. So a rule whose words appear nowhere in
the text cannot fire.

- An identifier alternative matches a maximal run of ASCII identifier characters that equals
  it (`sum` is found in `x.sum(`, not in `summary`). A run starting after a non-ASCII letter
  or a digit is also taken, which can only over-approximate. (A digit or letter of a number
  directly before a name is only valid Python before a keyword, as in `1if x else y`.)
- A keyword alternative (`for`, `while`, `def`, ...) matches anywhere as a plain substring,
  because a keyword may follow a number with no space (`[x for x in y if 1jor z]`).

`tests/core/test_prefilter.py` proves the filter changes nothing on a corpus of real files.
"""

from __future__ import annotations

import keyword
import re
from typing import AbstractSet, Dict, FrozenSet, Sequence, Tuple, Type, TypeVar

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

R = TypeVar("R")

# entry -> (keyword alternatives, identifier alternatives)
_ENTRIES: Dict[str, Tuple[Tuple[str, ...], FrozenSet[str]]] = {}


def entry_problems(entry: str) -> Sequence[str]:
    """Why a trigger entry is malformed (empty when it is fine)."""
    alternatives = entry.split("|")
    bad = [word for word in alternatives if not word.isidentifier() or not word.isascii()]
    return [f"trigger {word!r} in {entry!r} is not an ASCII identifier or keyword" for word in bad]


def _split(entry: str) -> Tuple[Tuple[str, ...], FrozenSet[str]]:
    parsed = _ENTRIES.get(entry)
    if parsed is None:
        words = entry.split("|")
        parsed = (
            tuple(word for word in words if keyword.iskeyword(word)),
            frozenset(word for word in words if not keyword.iskeyword(word)),
        )
        _ENTRIES[entry] = parsed
    return parsed


class TextIndex:
    """The identifiers of one source text, computed once and shared by every rule's check."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._names: AbstractSet[str] = frozenset()
        self._scanned = False
        self._entries: Dict[str, bool] = {}

    @property
    def names(self) -> AbstractSet[str]:
        if not self._scanned:
            self._names = frozenset(_IDENTIFIER.findall(self.text))
            self._scanned = True
        return self._names

    def satisfies(self, entry: str) -> bool:
        found = self._entries.get(entry)
        if found is None:
            keywords, identifiers = _split(entry)
            found = any(word in self.text for word in keywords) or not self.names.isdisjoint(identifiers)
            self._entries[entry] = found
        return found


def may_fire(rule: type, index: TextIndex) -> bool:
    """False only when the rule's triggers prove it cannot report anything in this text."""
    return all(index.satisfies(entry) for entry in getattr(rule, "triggers", ()))


def applicable(rules: Sequence[Type[R]], text: str) -> Tuple[Type[R], ...]:
    """The rules that may fire in `text`, in their order."""
    index = TextIndex(text)
    return tuple(rule for rule in rules if may_fire(rule, index))
