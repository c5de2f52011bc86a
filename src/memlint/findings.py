"""Plain data that leaves the engine: findings, fixes, edits and per-file results.

Everything here is small, immutable and picklable, so results travel cheaply from worker
processes to the shell that prints them.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Optional, Tuple

# A rule's code: MEM, then three digits not starting with 0 (MEM000 is the file-level finding).
CODE_RE = re.compile(r"^MEM[1-9][0-9]{2}$")

PARSE_ERROR_CODE = "MEM000"
PARSE_ERROR_NAME = "unparsable-file"


class Applicability(str, enum.Enum):
    """How confident a fix is (Ruff's terms)."""

    SAFE = "safe"  # applied by --fix
    UNSAFE = "unsafe"  # applied only with --unsafe-fixes
    DISPLAY = "display"  # shown in JSON/diff output, never applied

    def allowed(self, unsafe_fixes: bool) -> bool:
        return self is Applicability.SAFE or (unsafe_fixes and self is Applicability.UNSAFE)


class Tier(str, enum.Enum):
    STABLE = "stable"
    PREVIEW = "preview"


@dataclass(frozen=True)
class Location:
    """1-based line, 1-based column (flake8 and Ruff print columns from 1)."""

    line: int
    column: int


@dataclass(frozen=True)
class Edit:
    content: str
    location: Location
    end_location: Location


@dataclass(frozen=True)
class FixInfo:
    applicability: Applicability
    title: str
    edits: Tuple[Edit, ...] = ()  # filled only when the output format shows them


@dataclass(frozen=True)
class CellLocation:
    """Where a finding in a notebook is: the finding's own `location` counts lines within the
    cell; ``number`` is the cell's 1-based position among all the notebook's cells (markdown
    ones included, as Jupyter and Ruff count). ``file_start``/``file_end`` place the finding in
    the .ipynb file's own JSON text (for SARIF and GitHub annotations); None when unknown."""

    number: int
    file_start: Optional[Location] = None
    file_end: Optional[Location] = None


@dataclass(frozen=True)
class Finding:
    code: str
    name: str
    message: str
    filename: str
    location: Location
    end_location: Location
    fix: Optional[FixInfo] = None
    source_line: str = ""  # the text of the first line, for the code frame in `full` output
    estimated_bytes: Optional[int] = None  # the bytes at stake, when the code states the size
    cell: Optional[CellLocation] = None  # set for a finding in a notebook
    measured_bytes: Optional[int] = None  # bytes its lines held at the peak of a profile (--profile)
    measured_by: Optional[str] = None  # that profile's kind: tracemalloc, memray or scalene

    @property
    def where(self) -> str:
        """The file, or in a notebook the file and cell (`analysis.ipynb:cell 3`, Ruff's label)."""
        return self.filename if self.cell is None else f"{self.filename}:cell {self.cell.number}"

    @property
    def file_span(self) -> Tuple[Location, Location]:
        """Start and end in the file's own text: for a notebook, in its JSON (when known)."""
        cell = self.cell
        if cell is not None and cell.file_start is not None and cell.file_end is not None:
            return cell.file_start, cell.file_end
        return self.location, self.end_location

    @property
    def sort_key(self) -> Tuple[str, int, int, int, str]:
        cell = 0 if self.cell is None else self.cell.number
        return (self.filename, cell, self.location.line, self.location.column, self.code)


@dataclass(frozen=True)
class InternalError:
    """A memlint bug (a rule crashed, a fix did not re-parse): reported, never raised."""

    filename: str
    message: str


@dataclass(frozen=True)
class FileResult:
    filename: str
    findings: Tuple[Finding, ...] = ()
    errors: Tuple[InternalError, ...] = ()
    fixed_source: Optional[str] = None  # the new text when fixes changed it
    fixes_applied: int = 0
