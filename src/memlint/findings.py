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

    @property
    def sort_key(self) -> Tuple[str, int, int, str]:
        return (self.filename, self.location.line, self.location.column, self.code)


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
    fixed_codes: Tuple[str, ...] = ()  # the code of each fix applied (`--show-fixes`)
