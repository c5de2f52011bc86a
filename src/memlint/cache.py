"""The result cache: the findings of a file whose bytes, settings and memlint are unchanged.

    <cache dir>/<memlint version>/<settings>/<entry>      (default cache dir: .memlint_cache)

`<settings>` hashes everything besides the file that changes its findings: memlint's version and
the content of its files (an edited rule invalidates the cache during development, while a fresh
install of the same release hits), LibCST's version, the Python version, the rule options and
whether findings carry their fix edits. An entry is named after the file's path and its enabled
rules (which per-file-ignores can change) and holds the SHA-256 of the file's bytes next to the
findings; a different digest is a miss, so each file has one entry per settings, overwritten as
it changes.

Only results of a plain check are stored: no internal errors, no fixes applied. Entries are
written to a temporary file and renamed into place, so concurrent runs never see half an entry;
an unreadable, truncated or malformed entry is a miss, and so is one that could not have come
from linting the file (an unknown code, a position outside it, control characters in a message:
`valid_findings`). Failing to write is not an error either: a read-only cache directory just
means a cold run. Old entries are pruned (`prune_cache`). Nothing here prints.

Loading an entry imports neither the rules nor LibCST: a run whose every file is a hit needs
neither (see `runner.lint_paths`).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import sys
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, List, Mapping, Optional, Sequence, Tuple

from memlint import __version__
from memlint.findings import (
    PARSE_ERROR_CODE,
    PARSE_ERROR_NAME,
    Applicability,
    CellLocation,
    Edit,
    FileResult,
    Finding,
    FixInfo,
    Location,
)

# https://bford.info/cachedir/ : backup tools skip a directory holding this file.
CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by memlint.\n"
    "# For information about cache directory tags, see https://bford.info/cachedir/\n"
)
GITIGNORE = "# Automatically created by memlint.\n*\n"
FORMAT = 3  # bump when the entry layout changes (3: a notebook finding's cell)


@dataclass(frozen=True)
class Cache:
    """One cache directory and one settings key; small and picklable, so workers get it too."""

    root: str  # the cache directory (holds CACHEDIR.TAG and .gitignore)
    directory: str  # root/<version>/<settings>: where this run's entries live

    def lookup(self, path: str, codes: Sequence[str], data: bytes) -> Optional[FileResult]:
        """The stored result for these bytes, or None (absent, stale or unreadable)."""
        try:
            with open(self._entry(path, codes), "rb") as handle:
                entry = json.loads(handle.read())
            if entry["digest"] != digest(data):
                return None
            findings = tuple(_load_finding(path, item) for item in entry["findings"])
        except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError):
            return None
        if findings and not valid_findings(findings, codes, data):
            return None
        return FileResult(path, findings=findings)

    def store(self, path: str, codes: Sequence[str], data: bytes, result: FileResult) -> bool:
        """Keep a plain check's result; False when it may not be kept or cannot be written."""
        if not storable(result):
            return False
        entry = {"digest": digest(data), "findings": [_dump_finding(f) for f in result.findings]}
        text = json.dumps(entry, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        try:
            self._prepare()
            _write_atomically(self._entry(path, codes), text)
        except OSError:
            return False
        return True

    def _entry(self, path: str, codes: Sequence[str]) -> str:
        name = hashlib.sha256(json.dumps([path, list(codes)]).encode("utf-8")).hexdigest()[:40]
        return os.path.join(self.directory, name)

    def _prepare(self) -> None:
        """Create the entries' directory. CACHEDIR.TAG and a `.gitignore` of `*` go only into a
        cache root memlint creates itself, and never replace a file: memlint must not mark
        someone's directory as a cache (backup tools skip it) or rewrite their .gitignore."""
        if os.path.isdir(self.directory):
            return
        created = _make_directory(self.root)
        os.makedirs(self.directory, exist_ok=True)
        if created:
            _create_new(os.path.join(self.root, "CACHEDIR.TAG"), CACHEDIR_TAG.encode("ascii"))
            _create_new(os.path.join(self.root, ".gitignore"), GITIGNORE.encode("ascii"))

    def prune(self, now: Optional[float] = None) -> int:
        """Remove what no run is likely to read again; the number of entries removed. See
        `prune_cache`. Never raises."""
        return prune_cache(self.root, self.directory, time.time() if now is None else now)


def open_cache(
    directory: str,
    rule_options: Mapping[str, Mapping[str, Any]],
    *,
    with_edits: bool,
    min_bytes: int = 0,
    extra: Optional[Mapping[str, Any]] = None,
) -> Cache:
    """The cache for a run with these settings (nothing is created until an entry is stored);
    `extra`: other settings that change findings (fix selectors, ruff-compat)."""
    settings = json.dumps(
        {
            "format": FORMAT,
            "code": code_fingerprint(),
            "rule-options": {code: dict(options) for code, options in rule_options.items()},
            "with-edits": with_edits,
            "min-bytes": min_bytes,
            **({"extra": dict(extra)} if extra else {}),
        },
        sort_keys=True,
        default=repr,
    )
    key = hashlib.sha256(settings.encode("utf-8")).hexdigest()[:24]
    root = os.path.abspath(directory)
    return Cache(root, os.path.join(root, __version__, key))


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def storable(result: FileResult) -> bool:
    """A plain check's result: no fixes applied, no internal error (a crash is not remembered)."""
    return not result.errors and result.fixed_source is None and result.fixes_applied == 0


def trusted_for_fixes(result: FileResult, unsafe_fixes: bool) -> bool:
    """True when --fix/--diff would change nothing: no finding has a fix it may apply."""
    return not any(f.fix is not None and f.fix.applicability.allowed(unsafe_fixes) for f in result.findings)


@lru_cache(maxsize=None)
def code_fingerprint() -> str:
    """memlint's version and the content of its files (rules, analysis, data), LibCST's version,
    the Python version. Contents, not modification times: a fresh install of the same memlint
    (every CI run) hits the entries of the last one, and an edited rule is a miss."""
    package = os.path.dirname(os.path.abspath(__file__))
    content = hashlib.sha256()
    for directory, subdirectories, files in os.walk(package):
        subdirectories[:] = sorted(d for d in subdirectories if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".py", ".json")):
                full = os.path.join(directory, name)
                content.update(os.path.relpath(full, package).replace(os.sep, "/").encode("utf-8") + b"\0")
                with open(full, "rb") as handle:
                    content.update(handle.read())
                content.update(b"\0")
    text = json.dumps([__version__, content.hexdigest(), _libcst_version(), sys.version, sys.implementation.cache_tag])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _libcst_version() -> Optional[str]:
    """LibCST's version file (or its __init__.py), read without importing LibCST."""
    for entry in sys.path:
        for name in ("_version.py", "__init__.py"):
            candidate = os.path.join(entry or ".", "libcst", name)
            if os.path.isfile(candidate):
                with open(candidate, "rb") as handle:
                    return hashlib.sha256(handle.read()).hexdigest()
    return None


def _make_directory(path: str) -> bool:
    """Create `path` (and its parents); True only when this call created `path` itself."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    try:
        os.mkdir(path)
    except FileExistsError:
        return False
    return True


def _create_new(path: str, data: bytes) -> None:
    """Write a file that does not exist yet; an existing one is left alone."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _write_atomically(path: str, data: bytes) -> None:
    import tempfile  # here: a run that only reads the cache writes nothing

    fd, temporary = tempfile.mkstemp(prefix=".tmp-", dir=os.path.dirname(path))
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def _dump_finding(finding: Finding) -> List[Any]:
    fix = None
    if finding.fix is not None:
        edits = [
            [e.content, e.location.line, e.location.column, e.end_location.line, e.end_location.column]
            for e in finding.fix.edits
        ]
        fix = [finding.fix.applicability.value, finding.fix.title, edits]
    return [
        finding.code,
        finding.name,
        finding.message,
        finding.location.line,
        finding.location.column,
        finding.end_location.line,
        finding.end_location.column,
        finding.source_line,
        fix,
        finding.estimated_bytes,
        _dump_cell(finding.cell),
    ]


def _dump_cell(cell: Optional[CellLocation]) -> Optional[List[Any]]:
    if cell is None:
        return None
    places = [(p.line, p.column) if p is not None else (None, None) for p in (cell.file_start, cell.file_end)]
    return [cell.number, *places[0], *places[1]]


def _load_cell(item: Optional[List[Any]]) -> Optional[CellLocation]:
    """A notebook finding's cell (absent in entries of .py files)."""
    if item is None:
        return None
    number, start_line, start_column, end_line, end_column = item
    if type(number) is not int:
        raise TypeError("malformed cache entry")
    places = []
    for line, column in ((start_line, start_column), (end_line, end_column)):
        if line is None and column is None:
            places.append(None)
        elif type(line) is int and type(column) is int:
            places.append(Location(line, column))
        else:
            raise TypeError("malformed cache entry")
    return CellLocation(number, places[0], places[1])


def _load_finding(path: str, item: List[Any]) -> Finding:
    code, name, message, line, column, end_line, end_column, source_line, fix, estimated_bytes, cell = item
    texts = (code, name, message, source_line)
    numbers = (line, column, end_line, end_column)
    if (
        not all(isinstance(t, str) for t in texts)
        or not all(type(n) is int for n in numbers)
        or not (estimated_bytes is None or type(estimated_bytes) is int)
    ):
        raise TypeError("malformed cache entry")
    fix_info = None
    if fix is not None:
        applicability, title, edits = fix
        if not isinstance(title, str):
            raise TypeError("malformed cache entry")
        fix_info = FixInfo(Applicability(applicability), title, tuple(_load_edit(e) for e in edits))
    return Finding(
        code,
        name,
        message,
        path,
        Location(line, column),
        Location(end_line, end_column),
        fix_info,
        source_line,
        estimated_bytes,
        cell=_load_cell(cell),
    )


def _load_edit(item: List[Any]) -> Edit:
    content, line, column, end_line, end_column = item
    if not isinstance(content, str) or not all(type(n) is int for n in (line, column, end_line, end_column)):
        raise TypeError("malformed cache entry")
    return Edit(content, Location(line, column), Location(end_line, end_column))


# --- validation: an entry is used only if it could have come from linting these bytes ----------

# Characters no message, name or title holds (C0, DEL, C1): in a terminal they could be escape
# sequences. A fix's text may hold tabs, line endings and form feeds, as source code does.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_IN_CODE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_MAX_BYTES = 2**63


def valid_findings(findings: Sequence[Finding], codes: Sequence[str], data: bytes) -> bool:
    """Every finding is one of the enabled rules' (or MEM000) under its own name, its positions
    lie inside the file, its source line is the file's, and no text holds control characters.
    A hand-edited or damaged entry fails this and is a miss (issue 17)."""
    from memlint.rule_index import RULES

    lines = data.count(b"\n") + data.count(b"\r") + 1  # LibCST counts a bare \r as a line end
    columns = len(data) + 2
    enabled = set(codes)
    encoding = _encoding(data)
    for finding in findings:
        if finding.code == PARSE_ERROR_CODE:
            name = PARSE_ERROR_NAME
        elif finding.code in enabled and finding.code in RULES:
            name = RULES[finding.code].name
        else:
            return False
        if finding.name != name or _CONTROL.search(finding.message):
            return False
        if not _valid_span(finding.location, finding.end_location, lines, columns):
            return False
        if finding.estimated_bytes is not None and not 0 <= finding.estimated_bytes < _MAX_BYTES:
            return False
        if finding.cell is not None:  # a notebook's: its line is the cell's, its file span in the JSON
            if not _valid_span(*finding.file_span, lines, columns) or _CONTROL_IN_CODE.search(finding.source_line):
                return False
        elif finding.source_line and finding.source_line != _source_line(data, finding.location.line, encoding):
            return False
        if finding.fix is not None:
            if _CONTROL.search(finding.fix.title):
                return False
            for edit in finding.fix.edits:
                if _CONTROL_IN_CODE.search(edit.content) or not _valid_span(edit.location, edit.end_location, lines, columns):
                    return False
    return True


def _valid_span(start: Location, end: Location, lines: int, columns: int) -> bool:
    return (
        1 <= start.line <= end.line <= lines
        and 1 <= start.column <= columns
        and 1 <= end.column <= columns
        and (start.line, start.column) <= (end.line, end.column)
    )


def _encoding(data: bytes) -> Optional[str]:
    import io
    import tokenize

    try:
        return tokenize.detect_encoding(io.BytesIO(data).readline)[0]
    except SyntaxError:
        return None


def _source_line(data: bytes, number: int, encoding: Optional[str]) -> Optional[str]:
    """Line `number` of the file as `api` shows it (split at \\n, without its \\r), or None."""
    if encoding is None:
        return None
    start = 0
    for _ in range(number - 1):
        start = data.find(b"\n", start) + 1
        if start == 0:
            return ""
    end = data.find(b"\n", start)
    line = data[start : end if end >= 0 else len(data)].rstrip(b"\r")
    try:
        return line.decode("utf-8-sig" if number == 1 and encoding == "utf-8-sig" else encoding).rstrip("\r")
    except (UnicodeDecodeError, LookupError):
        return None


# --- pruning: bounded, and only what memlint itself wrote --------------------------------------

ENTRY_MAX_AGE = 30 * 24 * 3600  # an entry not rewritten for this long goes (one cold lint)
SETTINGS_MAX_AGE = 7 * 24 * 3600  # a settings (or version) directory no run used for this long
MAX_ENTRIES = 50_000  # per settings directory, the oldest go first
TEMPORARY_MAX_AGE = 3600  # a temporary file left by a killed run
_ENTRY_NAME = re.compile(r"^[0-9a-f]{40}$")
_SETTINGS_NAME = re.compile(r"^[0-9a-f]{24}$")


def prune_cache(root: str, current: str, now: float) -> int:
    """Keep the cache bounded: in `current` (this run's settings directory) entries older than
    ENTRY_MAX_AGE and stale temporary files go, then the oldest beyond MAX_ENTRIES; and when
    memlint created `root` (its CACHEDIR.TAG is there), other versions' and settings'
    directories unused for SETTINGS_MAX_AGE go too. Only files named like memlint's entries are
    removed, links are never followed; returns how many entries were removed."""
    removed = 0
    try:
        os.utime(current)  # in use: keeps this settings directory from being pruned by others
        removed += _prune_entries(current, now, MAX_ENTRIES)
        if _is_memlint_cache(root):
            for version in _directories(root, None):
                for settings in _directories(version, _SETTINGS_NAME):
                    if settings != current and os.stat(settings).st_mtime < now - SETTINGS_MAX_AGE:
                        removed += _prune_entries(settings, math.inf, 0)
                        _remove_empty(settings)
                _remove_empty(version)
    except OSError:
        pass  # another run pruning at the same time, or a read-only cache: never an error
    return removed


def _prune_entries(directory: str, now: float, keep: int) -> int:
    entries: List[Tuple[float, str]] = []
    removed = 0
    with os.scandir(directory) as listing:
        for item in listing:
            if not item.is_file(follow_symlinks=False):
                continue
            modified = item.stat(follow_symlinks=False).st_mtime
            if _ENTRY_NAME.match(item.name):
                if modified < now - ENTRY_MAX_AGE:
                    removed += _unlink(item.path)
                else:
                    entries.append((modified, item.path))
            elif item.name.startswith(".tmp-") and modified < now - TEMPORARY_MAX_AGE:
                _unlink(item.path)
    entries.sort()
    for _, path in entries[: max(0, len(entries) - keep)]:
        removed += _unlink(path)
    return removed


def _directories(parent: str, name: "Optional[re.Pattern[str]]") -> List[str]:
    with os.scandir(parent) as listing:
        return sorted(
            item.path
            for item in listing
            if item.is_dir(follow_symlinks=False) and (name is None or name.match(item.name))
        )


def _is_memlint_cache(root: str) -> bool:
    try:
        with open(os.path.join(root, "CACHEDIR.TAG"), encoding="utf-8") as handle:
            return handle.read(len(CACHEDIR_TAG) + 1) == CACHEDIR_TAG
    except (OSError, UnicodeDecodeError):
        return False


def _unlink(path: str) -> int:
    try:
        os.unlink(path)
    except OSError:
        return 0
    return 1


def _remove_empty(directory: str) -> None:
    try:
        os.rmdir(directory)
    except OSError:
        pass  # not empty (or gone)
