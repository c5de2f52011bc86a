"""A bare rule to call `memlint.analysis` helpers on parsed code, outside any traversal."""

from __future__ import annotations

import textwrap
from typing import List, Type, TypeVar

import libcst as cst
import libcst.matchers as m
from libcst.metadata import MetadataWrapper, ParentNodeProvider, QualifiedNameProvider, ScopeProvider

from memlint.rule import LintContext, Rule

N = TypeVar("N", bound=cst.CSTNode)


class Probe(Rule):
    """No code: not a registered rule, only a holder of metadata for helper tests."""

    METADATA_DEPENDENCIES = (ParentNodeProvider, ScopeProvider, QualifiedNameProvider)


def probe(code: str) -> Probe:
    module = cst.parse_module(textwrap.dedent(code))
    return Probe(LintContext(MetadataWrapper(module, unsafe_skip_copy=True), "probe.py", {}))


def find(rule: Rule, matcher: m.BaseMatcherNode, kind: Type[N] = cst.CSTNode) -> List[N]:  # type: ignore[assignment]
    return list(m.findall(rule.context.module, matcher))  # type: ignore[arg-type]
