"""Resolving what a name or dotted attribute refers to, through imports and scopes.

`np.append`, `numpy.append` and `from numpy import append as app` all resolve to
"numpy.append"; builtins resolve to "builtins.<name>"; a local function or parameter that shadows
a builtin resolves to its own scope-qualified name, so it never matches.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst

from memlint.analysis.scopes import scope_index
from memlint.context import LintContext


def qualified_name(context: LintContext, node: cst.BaseExpression) -> Optional[str]:
    """The one name `node` (a Name or dotted Attribute) refers to, or None when unknown or
    ambiguous (a conditional import beside an assignment, a star import).

    Imports give their full name ("numpy.append"), builtins "builtins.sum", other bindings a
    scope-qualified name like LibCST's ("helper", "f.<locals>.sum", "Cls.attr"). Uses the cheap
    per-file scope index (analysis/scopes.py): no LibCST metadata needs declaring.
    """
    return scope_index(context).qualified_name(node)


def short_name(qualified: str) -> str:
    """What to call a callee in a message: `sum` for builtins, `heapq.nlargest` otherwise."""
    return qualified[len("builtins.") :] if qualified.startswith("builtins.") else qualified
