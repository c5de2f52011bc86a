"""The result cache: the findings of a file whose bytes, settings and memlint are unchanged.

    <cache dir>/<memlint version>/<settings>/<entry>      (default cache dir: .memlint_cache)

`<settings>` hashes everything besides the file that changes its findings: memlint's version and
the size and modification time of each of its source files (an edited rule invalidates the
cache during development), LibCST's, the Python version, the rule options and whether findings
carry their fix edits. An entry is named after the file's path and its enabled rules (which
per-file-ignores can change) and holds the SHA-256 of the file's bytes next to the findings; a
different digest is a miss, so each file has one entry per settings, overwritten as it changes.

Only results of a plain check are stored: no internal errors, no fixes applied. Entries are
written to a temporary file and renamed into place, so concurrent runs never see half an entry;
an unreadable, truncated or malformed entry is a miss. Failing to write is not an error either: a
read-only cache directory just means a cold run. Nothing here prints.

Loading an entry imports neither the rules nor LibCST: a run whose every file is a hit needs
neither (see `runner.lint_paths`).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, List, Mapping, Optional, Sequence, Tuple

from memlint import __version__
from memlint.findings import Applicability, Edit, FileResult, Finding, FixInfo, Location

# https://bford.info/cachedir/ : backup tools skip a directory holding this file.
CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by memlint.\n"
    "# For information about cache directory tags, see https://bford.info/cachedir/\n"
)
GITIGNORE = "# Automatically created by memlint.\n*\n"
FORMAT = 2  # bump when the entry layout changes


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
            return FileResult(path, findings=tuple(_load_finding(path, item) for item in entry["findings"]))
        except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError):
            return None

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
        if os.path.isdir(self.directory):
            return
        fresh = not os.path.isdir(self.root)
        os.makedirs(self.directory, exist_ok=True)
        if fresh or not os.path.exists(os.path.join(self.root, "CACHEDIR.TAG")):
            _write_atomically(os.path.join(self.root, "CACHEDIR.TAG"), CACHEDIR_TAG.encode("ascii"))
            _write_atomically(os.path.join(self.root, ".gitignore"), GITIGNORE.encode("ascii"))


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
    """memlint's version and source files (size, mtime), LibCST's package, the Python version."""
    parts: List[Tuple[str, int, int]] = []
    package = os.path.dirname(os.path.abspath(__file__))
    for directory, subdirectories, files in os.walk(package):
        subdirectories[:] = sorted(d for d in subdirectories if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                status = os.stat(os.path.join(directory, name))
                parts.append((os.path.relpath(os.path.join(directory, name), package), status.st_size, status.st_mtime_ns))
    libcst = _libcst_origin()
    if libcst is not None:
        status = os.stat(libcst)
        parts.append((libcst, status.st_size, status.st_mtime_ns))
    text = json.dumps([__version__, sys.version, sys.implementation.cache_tag, parts])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _libcst_origin() -> Optional[str]:
    """LibCST's __init__.py, found without importing it (an upgrade rewrites the file)."""
    for entry in sys.path:
        candidate = os.path.join(entry or ".", "libcst", "__init__.py")
        if os.path.isfile(candidate):
            return os.path.abspath(candidate)
    return None


def _write_atomically(path: str, data: bytes) -> None:
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
    ]


def _load_finding(path: str, item: List[Any]) -> Finding:
    code, name, message, line, column, end_line, end_column, source_line, fix, estimated_bytes = item
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
    )


def _load_edit(item: List[Any]) -> Edit:
    content, line, column, end_line, end_column = item
    if not isinstance(content, str) or not all(type(n) is int for n in (line, column, end_line, end_column)):
        raise TypeError("malformed cache entry")
    return Edit(content, Location(line, column), Location(end_line, end_column))
