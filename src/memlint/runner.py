"""Linting many files: a process pool (or serial), fixes written atomically, diffs made here.

Workers import memlint once, receive paths (not sources) and send back small results: the
fixed text never crosses the process boundary, the worker writes it (or turns it into a diff).
"""

from __future__ import annotations

import difflib
import multiprocessing
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from typing import Iterator, Optional, Sequence

from memlint.api import lint_file
from memlint.config import Config
from memlint.findings import FileResult, InternalError
from memlint.parsing import decode, encode


@dataclass(frozen=True)
class RunOptions:
    fix: bool = False  # write fixes
    diff: bool = False  # print what --fix would change, write nothing
    with_edits: bool = False  # the output format shows edits


@dataclass(frozen=True)
class RunResult:
    result: FileResult
    diff: Optional[str] = None


def lint_one(path: str, config: Config, options: RunOptions) -> RunResult:
    result = lint_file(
        path, config, fix=options.fix or options.diff, with_edits=options.with_edits
    )
    if result.fixed_source is None:
        return RunResult(result)
    slim = replace(result, fixed_source=None)
    if options.diff:
        return RunResult(slim, unified_diff(path, result.fixed_source))
    error = write_fixed(path, result.fixed_source)
    if error is not None:
        # The file is unchanged on disk: report its findings, not those of the unwritten text.
        unfixed = lint_file(path, config, with_edits=options.with_edits)
        return RunResult(replace(unfixed, errors=unfixed.errors + (InternalError(path, error),)))
    return RunResult(slim)


def _worker(job: "tuple[str, Config, RunOptions]") -> RunResult:
    return lint_one(*job)


def lint_paths(paths: Sequence[str], config: Config, options: RunOptions, jobs: int) -> Iterator[RunResult]:
    """Results in the order of `paths`."""
    jobs = max(1, min(jobs, len(paths)))
    if jobs == 1:
        for path in paths:
            yield lint_one(path, config, options)
        return
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    chunk = max(1, min(16, len(paths) // (jobs * 8)))
    try:
        pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context)
    except (OSError, ImportError, NotImplementedError):  # no working semaphores (some sandboxes)
        yield from lint_paths(paths, config, options, 1)
        return
    with pool:
        yield from pool.map(_worker, ((path, config, options) for path in paths), chunksize=chunk)


def unified_diff(path: str, fixed: str) -> str:
    with open(path, "rb") as handle:
        original = decode(handle.read()).text
    return unified_diff_text(path, original, fixed)


def unified_diff_text(path: str, original: str, fixed: str) -> str:
    lines = difflib.unified_diff(
        original.splitlines(keepends=True), fixed.splitlines(keepends=True), path, path
    )
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def write_fixed(path: str, text: str) -> Optional[str]:
    """Write atomically (temporary file + rename), keeping encoding, line endings and mode.

    Returns an error message instead of raising; on any failure the file is left as it was.
    """
    try:
        with open(path, "rb") as handle:
            encoding = decode(handle.read()).encoding
        status = os.stat(path)
        if not os.access(path, os.W_OK):
            return "cannot write fixes: permission denied (file left unchanged)"
        data = encode(text, encoding)
        target = os.path.realpath(path)
        fd, temporary = tempfile.mkstemp(prefix=".memlint-", suffix=".tmp", dir=os.path.dirname(target))
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temporary, status.st_mode & 0o7777)
            os.replace(temporary, target)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError as exc:
        reason = exc.strerror.lower() if exc.strerror else str(exc)
        return f"cannot write fixes: {reason} (file left unchanged)"
    except (UnicodeError, ValueError) as exc:
        return f"cannot write fixes: {exc} (file left unchanged)"
    return None
