"""One batched traversal of a parsed module by every enabled rule.

The engine knows nothing about files or output: it takes a module and rule classes and returns
the rules' reports. A rule that crashes is dropped for this file and reported as an internal
error; the others still run.
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Any, List, Mapping, Optional, Sequence, Tuple, Type

import libcst as cst
from libcst.metadata import MetadataWrapper

from memlint.context import LintContext
from memlint.findings import InternalError
from memlint.parsing import SourceError
from memlint.rule import Rule
from memlint.traversal import Traversal

if TYPE_CHECKING:  # pragma: no cover
    from memlint.positions import StatementLines


def run_rules(
    module: cst.Module,
    rule_classes: Sequence[Type[Rule]],
    path: str,
    rule_options: Mapping[str, Mapping[str, Any]],
    source: str = "",
    statement_lines: Optional["StatementLines"] = None,
) -> Tuple[LintContext, List[InternalError]]:
    # unsafe_skip_copy: the module is ours and never mutated, and fixes rely on node identity.
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    context = LintContext(wrapper, path, rule_options, source, statement_lines)
    errors: List[InternalError] = []
    pending = list(rule_classes)
    while pending:
        context.reports.clear()
        rules = [cls(context) for cls in pending]
        try:
            Traversal(rules, context.parents).walk(module)
        except RecursionError:
            raise SourceError("too deeply nested to analyse (recursion limit)", recursion=True) from None
        except Exception as exc:  # a rule bug must not stop the run: find the culprit
            culprit = _rule_in_traceback(exc.__traceback__)
            if culprit is None:
                raise
            errors.append(
                InternalError(path, f"{culprit.code} crashed: {type(exc).__name__}: {exc}")
            )
            pending.remove(type(culprit))
            continue
        context.parents.complete = True  # every node was reached
        break
    return context, errors


def _rule_in_traceback(tb: Optional[TracebackType]) -> Optional[Rule]:
    culprit: Optional[Rule] = None
    while tb is not None:
        candidate = tb.tb_frame.f_locals.get("self")
        if isinstance(candidate, Rule):
            culprit = candidate
        tb = tb.tb_next
    return culprit
