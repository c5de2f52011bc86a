"""The per-file context of one lint run: what rules and analysis helpers share about a file.

A leaf module: it imports neither `memlint.rule` nor `memlint.analysis`, so both can depend on
it without depending on each other. The engine builds one `LintContext` per file; every rule of
the traversal holds it (`Rule.context`), and the helpers of `memlint.analysis` take it as their
first argument (`parent(self.context, node)`, `value_of(self.context, expr)`), not the rule.

What it holds:
- `module`, `path`, `source`: the parsed file, its path as given, its text;
- `parents`: every node's parent, recorded by the traversal as it walks (`traversal.Parents`);
  always available, no rule declares `ParentNodeProvider` for it;
- `cache`: per-file analysis shared by the rules of the traversal, by key ("scopes" for
  `analysis.scopes.scope_index`, "values" for `analysis.values`, ...);
- `reports`: what the rules reported (`rule.Report`), which the engine turns into findings;
- `rule_options`: each rule's configured options, by code;
- `metadata_table(provider)`: a LibCST metadata table, resolved on first use for the file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Mapping, Optional, Type

import libcst as cst
from libcst.metadata import ParentNodeProvider, PositionProvider

from memlint.traversal import Parents

if TYPE_CHECKING:  # pragma: no cover
    from libcst.metadata import BaseMetadataProvider, MetadataWrapper

    from memlint.positions import StatementLines
    from memlint.rule import Report


class LintContext:
    """Per-file state shared by the rules of one traversal and the helpers they call."""

    def __init__(
        self,
        wrapper: "MetadataWrapper",
        path: str,
        rule_options: Mapping[str, Mapping[str, Any]],
        source: str = "",
        statement_lines: Optional["StatementLines"] = None,
    ) -> None:
        self.wrapper = wrapper
        self.module: cst.Module = wrapper.module
        self.path = path
        self.source = source
        # Where CPython's parser saw the statements of `source` start (for positions).
        self.statement_lines = statement_lines
        self.rule_options = rule_options
        self.reports: List["Report"] = []
        self.cache: Dict[str, Any] = {}  # per-file analysis shared by rules (analysis/*)
        self.parents = Parents(self.module)  # filled by the engine's traversal
        self._tables: Dict[Type["BaseMetadataProvider[Any]"], Mapping[cst.CSTNode, Any]] = {}

    def metadata_table(
        self, provider: Type["BaseMetadataProvider[Any]"]
    ) -> Mapping[cst.CSTNode, Any]:
        table = self._tables.get(provider)
        if table is None:
            if provider is ParentNodeProvider:
                # Same answers, a third of the cost: the parents the traversal records (a walk
                # over dataclass fields) instead of a full visitor pass.
                table = ParentTable(self.parents)
            elif provider is PositionProvider:
                from memlint.positions import PositionTable

                table = PositionTable(self.module, self.source, self.statement_lines, self.parents)  # same ranges, a fraction of the cost
            else:
                table = self.wrapper.resolve(provider)
            self._tables[provider] = table
        return table


class ParentTable(Mapping[cst.CSTNode, cst.CSTNode]):
    """ParentNodeProvider's table, answered from the parents the traversal records."""

    def __init__(self, parents: Parents) -> None:
        self._parents = parents

    def __getitem__(self, node: cst.CSTNode) -> cst.CSTNode:
        parent = self._parents.get(node)
        if parent is None:
            raise KeyError(node)
        return parent

    def __iter__(self) -> Iterator[cst.CSTNode]:
        raise TypeError("the parent table is looked up node by node, not iterated")

    def __len__(self) -> int:
        raise TypeError("the parent table is looked up node by node, not measured")
