"""Which serializer a call is: `pickle.dumps`, `json.dump`, `marshal.loads`, however imported.

`import pickle as pkl`, `from pickle import dumps`, `import _pickle`, and the Python 2 idiom
`try: import cPickle as pickle / except ImportError: import pickle` all resolve to the module
"pickle". Uses the cheap scope index (analysis/names.py): no metadata to declare.
"""

from __future__ import annotations

from typing import Optional, Tuple

import libcst as cst

from memlint import matchers as m
from memlint.analysis.names import qualified_name
from memlint.analysis.scopes import dotted_name, scope_index
from memlint.context import LintContext

ALIASES = {"pickle": "pickle", "_pickle": "pickle", "cPickle": "pickle", "json": "json", "marshal": "marshal"}
PICKLE_MODULES = tuple(sorted(name for name, module in ALIASES.items() if module == "pickle"))  # the names pickle goes by
FUNCTIONS = frozenset({"dump", "dumps", "load", "loads"})


def serializer(context: LintContext, func: cst.BaseExpression) -> Optional[Tuple[str, str]]:
    """`("pickle", "dumps")` when `func` is that function of a known serializer module; else None."""
    if not m.matches(func, m.Name() | m.Attribute()):
        return None
    last = func.attr.value if isinstance(func, cst.Attribute) else cst.ensure_type(func, cst.Name).value
    if last not in FUNCTIONS:
        return None  # cheap syntactic guard before any resolution
    name = qualified_name(context, func)
    if name is None:
        name = _fallback_import(context, func)
    if name is None:
        return None
    module, _, function = name.rpartition(".")
    if module in ALIASES and function in FUNCTIONS:
        return ALIASES[module], function
    return None


def _fallback_import(context: LintContext, func: cst.BaseExpression) -> Optional[str]:
    """`pickle.dumps` when the name before `.dumps` is imported as `cPickle` on one path and
    `pickle` on another (the scope index calls that ambiguous)."""
    dotted = dotted_name(func)
    if dotted is None or dotted.count(".") != 1:
        return None
    root, attr = dotted.split(".")
    index = scope_index(context)
    module = index.module
    found = index.bindings(module).names.get(root)
    if not found or None in found:
        return None
    modules = {ALIASES.get(full) for full in found}
    if len(modules) == 1 and None not in modules and all(root not in index.bindings(s).names for s in index.scopes(func)[:-1]):
        return f"{modules.pop()}.{attr}"
    return None
