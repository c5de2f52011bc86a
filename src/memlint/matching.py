"""`matches(node, MATCHER)`, as the rules and analysis import it: `memlint.matchers.matches`.

It used to put a cheap necessary check in front of `libcst.matchers.matches`; memlint's own
matchers (`memlint/matchers.py`) now compile each matcher into one exact predicate instead, so
this module only keeps the name that the rules import.
"""

from __future__ import annotations

from memlint.matchers import compiled, matches

__all__ = ["compiled", "matches"]
