"""Read a memory profile into bytes per (linted file, line).

Three formats, told apart by their first bytes:
- a **tracemalloc** snapshot written by `Snapshot.dump()` (a pickle; only `tracemalloc.Snapshot`
  and its trace table may be unpickled, so a profile cannot run code);
- a **memray** capture (`memray run -o out.bin`), through memray's `FileReader`: the allocations
  alive at the high-water mark, with their stacks (memray is an optional extra: `.[profile]`);
- **Scalene**'s JSON profile (`scalene run -o profile.json`): each line's peak (`n_peak_mb`).

Each allocation is charged to the innermost frame of its stack that lies in a linted file (the
`PathMatcher` decides which profile paths are linted files); what matches no linted file counts
as unattributed. Records are folded as they are read: a capture is never held in memory whole.
"""

from __future__ import annotations

import json
import pickle
import tracemalloc
from dataclasses import dataclass
from typing import Callable, Dict, Iterable, Optional, Sequence, Tuple

PROFILE_KINDS = ("tracemalloc", "memray", "scalene")
SCALENE_MB = 1024 * 1024  # Scalene's "MB" are mebibytes

# A stack, innermost frame first: (filename, line) pairs.
Stack = Sequence[Tuple[str, int]]


class ProfileError(Exception):
    """A profile that cannot be read: the message names the file and the reason."""


@dataclass(frozen=True)
class Profile:
    kind: str  # one of PROFILE_KINDS
    path: str  # the profile file
    lines: Dict[str, Dict[int, int]]  # linted file -> line -> bytes held at the peak
    peak_bytes: int  # the profile's peak (all memory, attributed or not)
    unattributed_bytes: int  # bytes whose stack has no frame in a linted file


def read_profile(path: str, match: Callable[[str], Optional[str]]) -> Profile:
    """The profile at `path`, its bytes charged to the linted files `match` maps profile paths to."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(64)
    except OSError as exc:
        raise ProfileError(f"{path}: cannot read the profile: {exc.strerror or exc}") from None
    if head.lstrip()[:1] == b"{":
        return _scalene(path, match)
    if head[:1] == b"\x80":
        return _tracemalloc(path, match)
    return _memray(path, match)


class _Fold:
    """Bytes per (linted file, line), added up stack by stack."""

    def __init__(self, match: Callable[[str], Optional[str]]) -> None:
        self.match = match
        self.lines: Dict[str, Dict[int, int]] = {}
        self.total = 0
        self.unattributed = 0

    def add(self, stack: Iterable[Tuple[str, int]], size: int) -> None:
        self.total += size
        for filename, line in stack:
            if line <= 0:  # no line known (memray on 3.9 inside comprehensions): the caller's frame says where
                continue
            target = self.match(filename)
            if target is not None:
                per_line = self.lines.setdefault(target, {})
                per_line[line] = per_line.get(line, 0) + size
                return
        self.unattributed += size

    def profile(self, kind: str, path: str, peak: Optional[int] = None) -> Profile:
        return Profile(kind, path, self.lines, peak if peak else self.total, self.unattributed)


class _SnapshotUnpickler(pickle.Unpickler):
    ALLOWED = {("tracemalloc", "Snapshot"): tracemalloc.Snapshot, ("tracemalloc", "_Traces"): tracemalloc._Traces}

    def find_class(self, module: str, name: str) -> object:
        try:
            return self.ALLOWED[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(f"{module}.{name} is not part of a tracemalloc snapshot") from None


def _tracemalloc(path: str, match: Callable[[str], Optional[str]]) -> Profile:
    try:
        with open(path, "rb") as handle:
            snapshot = _SnapshotUnpickler(handle).load()
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, TypeError, ValueError) as exc:
        raise ProfileError(f"{path}: not a tracemalloc snapshot (Snapshot.dump()): {exc}") from None
    if not isinstance(snapshot, tracemalloc.Snapshot):
        raise ProfileError(f"{path}: not a tracemalloc snapshot (Snapshot.dump())")
    fold = _Fold(match)
    for trace in snapshot.traces:  # a Traceback lists frames oldest first
        fold.add(((frame.filename, frame.lineno) for frame in reversed(trace.traceback)), trace.size)
    return fold.profile("tracemalloc", path)


def _memray(path: str, match: Callable[[str], Optional[str]]) -> Profile:
    try:
        from memray import FileReader
    except ImportError:
        raise ProfileError(
            f"{path}: not a tracemalloc snapshot or Scalene JSON; reading a memray capture needs memray "
            '(pip install ".[profile]", Linux and macOS)'
        ) from None
    fold = _Fold(match)
    try:
        reader = FileReader(path)
        try:
            peak = reader.metadata.peak_memory
            for record in reader.get_high_watermark_allocation_records(merge_threads=True):
                fold.add(((filename, line) for _function, filename, line in record.stack_trace()), record.size)
        finally:
            reader.close()
    except (OSError, RuntimeError, ValueError) as exc:
        raise ProfileError(f"{path}: not a tracemalloc snapshot, memray capture or Scalene JSON: {exc}") from None
    return fold.profile("memray", path, peak)


def _scalene(path: str, match: Callable[[str], Optional[str]]) -> Profile:
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        files = data["files"]
        fold = _Fold(match)
        for filename, entry in files.items():
            for line in entry.get("lines", ()):
                size = int(float(line.get("n_peak_mb", 0) or 0) * SCALENE_MB)
                if size > 0:
                    fold.add(((filename, int(line["lineno"])),), size)
        peak = int(float(data.get("max_footprint_mb", 0) or 0) * SCALENE_MB)
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ProfileError(f"{path}: not a Scalene JSON profile (scalene run -o FILE.json): {exc!r}") from None
    return fold.profile("scalene", path, peak)
