"""Resolving what a name or dotted attribute refers to, through imports and scopes.

`np.append`, `numpy.append` and `from numpy import append as app` all resolve to
"numpy.append"; builtins resolve to "builtins.<name>"; a local function or parameter that shadows
a builtin resolves to its own scope-qualified name, so it never matches.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst
from libcst.metadata import QualifiedNameProvider

from memlint.rule import Rule


def qualified_name(rule: Rule, node: cst.BaseExpression) -> Optional[str]:
    """The one name `node` refers to, or None when unknown or ambiguous (conditional imports).

    The rule must declare `QualifiedNameProvider` in its METADATA_DEPENDENCIES.
    """
    names = rule.get_metadata(QualifiedNameProvider, node, frozenset())
    if len(names) != 1:
        return None
    return next(iter(names)).name


def short_name(qualified: str) -> str:
    """What to call a callee in a message: `sum` for builtins, `heapq.nlargest` otherwise."""
    return qualified[len("builtins.") :] if qualified.startswith("builtins.") else qualified
