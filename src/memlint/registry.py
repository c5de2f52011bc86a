"""The registry of rules: every rule class, by code, in code order.

Rules are listed explicitly in `memlint.rules`; importing a rule module validates the class
(`Rule.__init_subclass__`), and this module checks that codes and names are unique.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Dict, Mapping, Optional, Type

from memlint.rule import Rule, RuleDefinitionError


@lru_cache(maxsize=None)
def all_rules() -> Mapping[str, Type[Rule]]:
    from memlint.rules import ALL_RULES

    by_code: Dict[str, Type[Rule]] = {}
    names = set()
    for rule in ALL_RULES:
        if rule.code in by_code:
            raise RuleDefinitionError(f"two rules use the code {rule.code}")
        if rule.name in names:
            raise RuleDefinitionError(f"two rules use the name {rule.name}")
        by_code[rule.code] = rule
        names.add(rule.name)
    return dict(sorted(by_code.items()))


def find_rule(code_or_name: str) -> Optional[Type[Rule]]:
    """A rule by its code (any case) or its name."""
    wanted = code_or_name.strip()
    rules = all_rules()
    rule = rules.get(wanted.upper())
    if rule is not None:
        return rule
    return next((r for r in rules.values() if r.name == wanted.lower()), None)
