"""Join a profile to findings: which profile path is which linted file, and which lines a finding owns.

Paths: a profile records the paths the program saw (`demo.py` run from another directory, or an
installed copy under `site-packages/pkg/mod.py` of a checkout's `src/pkg/mod.py`). A profile path
is a linted file when both resolve to the same file; otherwise when they end in the same path
components (`pkg/mod.py`), the linted file with the longest common tail winning; a tie between
linted files (two `utils.py` matched by name alone) is left unattributed rather than guessed.

Lines: a finding owns the lines of the simple statement it points into (a finding on a compound
statement's header, `for line in f.readlines():`, only its own lines), and a rule about growth
across a loop's passes (`LOOP_RULES`) the lines of the innermost loop around it: what it
describes is what the loop as a whole builds up.
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass, replace
from typing import Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

from memlint.findings import Finding
from memlint.profiles.readers import Profile

LineBytes = Mapping[int, int]

# Rules whose finding describes what a loop builds up over its passes (the MEM3xx growth family).
# Per-pass rules (a definition, a copy, a rebinding in a loop) hold their memory on their own line.
LOOP_RULES = frozenset({"MEM301", "MEM302", "MEM303", "MEM305"})
LOOPS = (ast.For, ast.AsyncFor, ast.While)


def _parts(path: str) -> Tuple[str, ...]:
    return tuple(part for part in path.replace("\\", "/").split("/") if part not in ("", "."))


class RecordedPaths:
    """Which linted file a path recorded in a profile stands for (None: none), answered once per path."""

    def __init__(self) -> None:
        self.memo: Dict[str, Optional[str]] = {}

    def __call__(self, recorded: str) -> Optional[str]:
        if recorded not in self.memo:
            self.memo[recorded] = self._match(recorded)
        return self.memo[recorded]

    def _match(self, recorded: str) -> Optional[str]:
        raise NotImplementedError


class PathMatcher(RecordedPaths):
    """Maps a path recorded in a profile to the linted file it stands for, or None."""

    def __init__(self, linted: Iterable[str], cwd: Optional[str] = None) -> None:
        super().__init__()
        self.cwd = cwd or os.getcwd()
        self.by_real: Dict[str, str] = {}
        self.by_name: Dict[str, List[Tuple[Tuple[str, ...], str]]] = {}
        for path in linted:
            self.by_real[os.path.realpath(os.path.join(self.cwd, path))] = path
            parts = _parts(os.path.abspath(os.path.join(self.cwd, path)))
            if parts:
                self.by_name.setdefault(parts[-1], []).append((parts, path))

    def _match(self, recorded: str) -> Optional[str]:
        if recorded.startswith("<"):  # <stdin>, <string>, <frozen importlib._bootstrap>
            return None
        exact = self.by_real.get(os.path.realpath(os.path.join(self.cwd, recorded)))
        if exact is not None:
            return exact
        parts = _parts(recorded)
        candidates = self.by_name.get(parts[-1], []) if parts else []
        best: List[str] = []
        best_length = 0
        for linted_parts, path in candidates:
            length = _common_tail(parts, linted_parts)
            if length > best_length:
                best, best_length = [path], length
            elif length == best_length:
                best.append(path)
        return best[0] if len(best) == 1 else None


def _common_tail(a: Sequence[str], b: Sequence[str]) -> int:
    length = 0
    while length < min(len(a), len(b)) and a[-1 - length] == b[-1 - length]:
        length += 1
    return length


@dataclass(frozen=True)
class Measured:
    findings: List[Finding]  # with measured_bytes where the profile saw their file, sorted by bytes
    kind: str  # the profile's kind (or kinds, joined with "+")
    peak_bytes: int  # the profile's peak
    accounted_bytes: int  # bytes held on the lines the reported findings own (each line once)


def measure(
    findings: Sequence[Finding],
    profiles: Sequence[Profile],
    read_source: Callable[[str], Optional[str]],
    min_bytes: int = 0,
) -> Measured:
    """The findings with the bytes their lines held in the profiles, filtered by `min_bytes`.

    A finding in a file the profile saw gets `measured_bytes` (0: "not significant in this
    profile"); one in a file it never saw keeps `measured_bytes=None`. `min_bytes` filters on
    the measured bytes where there are any, on the estimate otherwise, and keeps findings with
    neither (size unknown is not small). Sorted by measured bytes, largest first.
    """
    kind = "+".join(dict.fromkeys(profile.kind for profile in profiles))
    lines: Dict[str, Dict[int, int]] = {}
    for profile in profiles:
        for filename, per_line in profile.lines.items():
            merged = lines.setdefault(filename, {})
            for line, size in per_line.items():
                merged[line] = max(merged.get(line, 0), size)
    spans_by_file: Dict[str, _Spans] = {}
    owned: Dict[str, Set[int]] = {}
    out: List[Finding] = []
    for finding in findings:
        per_line = lines.get(finding.filename)
        if per_line is None:
            out.append(finding)
            continue
        if finding.filename not in spans_by_file:
            spans_by_file[finding.filename] = _Spans(read_source(finding.filename))
        first, last = spans_by_file[finding.filename].owned_lines(finding)
        held = sum(size for line, size in per_line.items() if first <= line <= last)
        owned.setdefault(finding.filename, set()).update(range(first, last + 1))
        out.append(replace(finding, measured_bytes=held, measured_by=kind))
    kept = [finding for finding in out if _big_enough(finding, min_bytes)]
    kept.sort(key=lambda f: (-(f.measured_bytes or 0), f.sort_key))
    accounted = 0
    for filename, owned_lines in owned.items():
        if any(finding.filename == filename for finding in kept):
            accounted += sum(size for line, size in lines[filename].items() if line in owned_lines)
    peak = max((profile.peak_bytes for profile in profiles), default=0)
    return Measured(kept, kind, peak, min(accounted, peak) if peak else accounted)


def _big_enough(finding: Finding, min_bytes: int) -> bool:
    if not min_bytes:
        return True
    if finding.measured_bytes is not None:
        return finding.measured_bytes >= min_bytes
    return finding.estimated_bytes is None or finding.estimated_bytes >= min_bytes


class _Spans:
    """The simple statements and the loops of one file, by line, parsed with `ast` on first use."""

    def __init__(self, source: Optional[str]) -> None:
        self.statements: List[Tuple[int, int]] = []
        self.loops: List[Tuple[int, int]] = []
        if source is None:
            return
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return
        for node in ast.walk(tree):
            if not isinstance(node, ast.stmt):
                continue
            span = (node.lineno, getattr(node, "end_lineno", None) or node.lineno)
            if isinstance(node, LOOPS):
                self.loops.append(span)
            if not hasattr(node, "body"):  # a compound statement's header is not its body
                self.statements.append(span)

    def owned_lines(self, finding: Finding) -> Tuple[int, int]:
        """The loop around a loop rule's finding, else the simple statement it is in, else its own lines."""
        line = finding.location.line
        if finding.code in LOOP_RULES:
            loop = _innermost(self.loops, line)
            if loop is not None:
                return loop
        return _innermost(self.statements, line) or (line, finding.end_location.line)


def _innermost(spans: Sequence[Tuple[int, int]], line: int) -> Optional[Tuple[int, int]]:
    best: Optional[Tuple[int, int]] = None
    for first, last in spans:
        if first <= line <= last and (best is None or last - first < best[1] - best[0]):
            best = (first, last)
    return best
