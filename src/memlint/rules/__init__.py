"""Every memlint rule, one per module named after the pattern it finds.

This package is the registry: each public module `rules/<pattern>.py` defines exactly one `Rule`
subclass with a code, and the module is named after the rule (`comprehension-in-reducer` lives in
`comprehension_in_reducer.py`). Adding a rule means adding its file (and its fixture and evidence
case); nothing else lists it. Modules whose name starts with `_` hold shared helpers, not rules.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Iterable, List, Tuple, Type

from memlint.rule import Rule, RuleDefinitionError


def discover_rules(package: str, paths: Iterable[str]) -> Tuple[Type[Rule], ...]:
    """The rule of every public module of `package` (whose folders are `paths`), by module name."""
    found: List[Type[Rule]] = []
    for info in sorted(pkgutil.iter_modules(list(paths)), key=lambda module: module.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package}.{info.name}")
        rules = [
            value
            for value in vars(module).values()
            if isinstance(value, type)
            and issubclass(value, Rule)
            and value.__module__ == module.__name__
            and "code" in vars(value)
            and value.code
        ]
        if len(rules) != 1:
            names = ", ".join(rule.__qualname__ for rule in rules) or "none"
            raise RuleDefinitionError(f"{module.__name__} must define exactly one rule, found {names}")
        rule = rules[0]
        if rule.name.replace("-", "_") != info.name:
            raise RuleDefinitionError(
                f"{module.__name__} holds the rule {rule.name!r}: a rule's module is named after it "
                f"({rule.name.replace('-', '_')}.py)"
            )
        found.append(rule)
    return tuple(found)


def __getattr__(name: str) -> Tuple[Type[Rule], ...]:
    """`ALL_RULES`, discovered on first use: importing one rule's module (`memlint.rules.x`, as
    `selection.load_rules` does for a file where only that rule can fire) imports no other."""
    if name == "ALL_RULES":
        found = discover_rules(__name__, __path__)
        globals()["ALL_RULES"] = found
        return found
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
