"""Linting many files: the cache, a process pool (or serial), fixes written atomically, diffs.

Workers import memlint once, receive paths (not sources) and send back small results: the
fixed text never crosses the process boundary, the worker writes it (or turns it into a diff).
With a cache, this process first looks every file up; only the misses go to the workers, and
when there is none no pool starts and neither the rules nor LibCST are imported.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Iterator, List, Optional, Sequence

from memlint.filesystem import UnreadableFile, read_source, write_fixed
from memlint.findings import FileResult, InternalError

if TYPE_CHECKING:  # pragma: no cover
    from memlint.cache import Cache
    from memlint.config import Config

# The process pool (multiprocessing, concurrent.futures), the cache and difflib are imported
# where used: one file (pre-commit's usual case) starts no pool, --no-cache opens no cache.


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
    data = _read(path)
    if data is None:  # lint_file reports why it cannot be read
        return RunResult(lint_file(path, config, fix=fix, with_edits=options.with_edits))
    if options.cache is not None:
        # Lint the very bytes whose digest keys the entry, so a file changing meanwhile
        # cannot leave a result under the wrong digest.
        cached = _cached(path, data, config, options)
        if cached is not None:
            return RunResult(cached)
    result = lint_source(data, path, config, fix=fix, with_edits=options.with_edits)
    if options.cache is not None:
        options.cache.store(path, config.selection.cache_key_for(path), data, result)
    if result.fixed_source is None:
        return RunResult(result)
    slim = replace(result, fixed_source=None)
    if options.diff:
        return RunResult(slim, unified_diff(path, result.fixed_source, data))
    error = write_fixed(path, result.fixed_source, data)
    if error is not None:
        # The file is not what the fixes were made for: report its findings as it is now.
        unfixed = lint_file(path, config, with_edits=options.with_edits)
        return RunResult(replace(unfixed, errors=unfixed.errors + (InternalError(path, error),)))
    return RunResult(slim)


def _read(path: str) -> Optional[bytes]:
    try:
        return read_source(path)
    except UnreadableFile:
        return None


def _cached(path: str, data: bytes, config: Config, options: RunOptions) -> Optional[FileResult]:
    """The cached result when it is what this run would produce (with --fix/--diff: nothing to fix)."""
    from memlint.cache import trusted_for_fixes  # loaded already: options.cache is one

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
    if misses:  # entries were (re)written: keep the cache bounded
        options.cache.prune()


def _lint_all(paths: Sequence[str], config: Config, options: RunOptions, jobs: int) -> Iterator[RunResult]:
    jobs = max(1, min(jobs, len(paths)))
    if jobs == 1:  # one file (pre-commit's usual case) or --jobs 1: no pool to start
        for path in paths:
            yield lint_one(path, config, options)
        return
    import multiprocessing  # here: a pool starts only for two files or more
    from concurrent.futures import ProcessPoolExecutor

    fork = "fork" in multiprocessing.get_all_start_methods()
    if fork:
        import memlint.api  # noqa: F401 -- the engine and LibCST, imported once before the workers fork
        from memlint.registry import all_rules

        all_rules()  # and the rules
    context = multiprocessing.get_context("fork" if fork else "spawn")
    chunk = max(1, min(16, len(paths) // (jobs * 8)))
    try:
        pool = ProcessPoolExecutor(
            max_workers=jobs, mp_context=context, initializer=die_with_parent, initargs=(os.getpid(),)
        )
    except (OSError, ImportError, NotImplementedError):  # no working semaphores (some sandboxes)
        yield from _lint_all(paths, config, options, 1)
        return
    with pool:
        yield from pool.map(_worker, ((path, config, options) for path in paths), chunksize=chunk)


PARENT_POLL_SECONDS = 1.0
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent(parent: int) -> None:
    """Run in each worker as it starts: the worker ends when the main process does, even when
    that is killed (`kill -9`), instead of waiting for work for ever. On Linux the kernel sends
    it SIGKILL (prctl PR_SET_PDEATHSIG); everywhere, a daemon thread also polls the parent's pid
    (a parent that is gone leaves the worker with another one) and ends the worker."""
    import signal  # here: only a worker needs them
    import threading

    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # no prctl (another libc): the polling thread below still works
    if os.getppid() != parent:  # the parent died before this worker could watch it
        os._exit(1)
    threading.Thread(target=_poll_parent, args=(parent,), name="memlint-parent-watch", daemon=True).start()


def _poll_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)


def unified_diff(path: str, fixed: str, original: Optional[bytes] = None) -> str:
    from memlint.parsing import decode

    return unified_diff_text(path, decode(read_source(path) if original is None else original).text, fixed)


def unified_diff_text(path: str, original: str, fixed: str) -> str:
    if path.endswith(".ipynb"):  # one diff per changed cell, not of the JSON
        from memlint.notebook import unified_diff as notebook_diff

        return notebook_diff(path, original, fixed)
    import difflib  # here: only --diff shows one

    lines = difflib.unified_diff(
        original.splitlines(keepends=True), fixed.splitlines(keepends=True), path, path
    )
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)
