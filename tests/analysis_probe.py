"""A file's `LintContext` to call `memlint.analysis` helpers on parsed code, outside any traversal.

The helpers take the context, not a rule: no rule class is needed to ask them anything. (Tests
written before the context existed still call the probe `rule`.)
"""

from __future__ import annotations

import textwrap
from typing import List, Type, TypeVar

import libcst as cst
import libcst.matchers as m
from libcst.metadata import MetadataWrapper

from memlint.context import LintContext

N = TypeVar("N", bound=cst.CSTNode)


def probe(code: str) -> LintContext:
    module = cst.parse_module(textwrap.dedent(code))
    return LintContext(MetadataWrapper(module, unsafe_skip_copy=True), "probe.py", {})


def find(context: LintContext, matcher: m.BaseMatcherNode, kind: Type[N] = cst.CSTNode) -> List[N]:  # type: ignore[assignment]
    return list(m.findall(context.module, matcher))  # type: ignore[arg-type]
