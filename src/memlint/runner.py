"""Linting many files: the cache, a process pool (or serial), fixes written atomically, diffs.

Workers import memlint once, receive paths (not sources) and send back small results: the
fixed text never crosses the process boundary, the worker writes it (or turns it into a diff).
With a cache, this process first looks every file up; only the misses go to the workers, and
when there is none no pool starts and neither the rules nor LibCST are imported.
"""

from __future__ import annotations

import difflib
import multiprocessing
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from typing import Iterator, List, Optional, Sequence

from memlint.cache import Cache, trusted_for_fixes
from memlint.config import Config
from memlint.findings import FileResult, InternalError


@dataclass(frozen=True)
class RunOptions:
    fix: bool = False  # write fixes
    diff: bool = False  # print what --fix would change, write nothing
    with_edits: bool = False  # the output format shows edits
    cache: Optional[Cache] = None  # None: --no-cache


@dataclass(frozen=True)
class RunResult:
    result: FileResult
    diff: Optional[str] = None


def lint_one(path: str, config: Config, options: RunOptions) -> RunResult:
    from memlint.api import lint_file, lint_source

    fix = options.fix or options.diff
    data = _read(path) if options.cache is not None else None
    if options.cache is None or data is None:  # no cache, or unreadable: lint_file reports why
        result = lint_file(path, config, fix=fix, with_edits=options.with_edits)
    else:
        # Lint the very bytes whose digest keys the entry, so a file changing meanwhile
        # cannot leave a result under the wrong digest.
        cached = _cached(path, data, config, options)
        if cached is not None:
            return RunResult(cached)
        result = lint_source(data, path, config, fix=fix, with_edits=options.with_edits)
        options.cache.store(path, config.selection.cache_key_for(path), data, result)
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


def _read(path: str) -> Optional[bytes]:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None


def _cached(path: str, data: bytes, config: Config, options: RunOptions) -> Optional[FileResult]:
    """The cached result when it is what this run would produce (with --fix/--diff: nothing to fix)."""
    assert options.cache is not None
    result = options.cache.lookup(path, config.selection.cache_key_for(path), data)
    if result is None:
        return None
    if (options.fix or options.diff) and not trusted_for_fixes(result, config.unsafe_fixes):
        return None
    return result


def _worker(job: "tuple[str, Config, RunOptions]") -> RunResult:
    return lint_one(*job)


def lint_paths(paths: Sequence[str], config: Config, options: RunOptions, jobs: int) -> Iterator[RunResult]:
    """Results in the order of `paths`; cache hits are found here, without a pool."""
    if options.cache is None:
        yield from _lint_all(paths, config, options, jobs)
        return
    hits: List[Optional[FileResult]] = []
    misses: List[str] = []
    for path in paths:
        data = _read(path)
        hit = None if data is None else _cached(path, data, config, options)
        hits.append(hit)
        if hit is None:
            misses.append(path)
    linted = _lint_all(misses, config, options, jobs)
    for hit in hits:
        yield RunResult(hit) if hit is not None else next(linted)


def _lint_all(paths: Sequence[str], config: Config, options: RunOptions, jobs: int) -> Iterator[RunResult]:
    jobs = max(1, min(jobs, len(paths)))
    if jobs == 1:  # one file (pre-commit's usual case) or --jobs 1: no pool to start
        for path in paths:
            yield lint_one(path, config, options)
        return
    fork = "fork" in multiprocessing.get_all_start_methods()
    if fork:
        import memlint.api  # noqa: F401 -- the engine and LibCST, imported once before the workers fork
        from memlint.registry import all_rules

        all_rules()  # and the rules
    context = multiprocessing.get_context("fork" if fork else "spawn")
    chunk = max(1, min(16, len(paths) // (jobs * 8)))
    try:
        pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context)
    except (OSError, ImportError, NotImplementedError):  # no working semaphores (some sandboxes)
        yield from _lint_all(paths, config, options, 1)
        return
    with pool:
        yield from pool.map(_worker, ((path, config, options) for path in paths), chunksize=chunk)


def unified_diff(path: str, fixed: str) -> str:
    from memlint.parsing import decode

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
    from memlint.parsing import decode, encode

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
