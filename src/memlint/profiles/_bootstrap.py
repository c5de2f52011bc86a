"""Run a Python program under tracemalloc and dump the snapshot taken nearest its peak.

Started by `memlint profile` as `PYTHON _bootstrap.py SNAPSHOT_PATH [-m module | -c code | script] ARGS...`,
in the interpreter the user named, which need not have memlint installed: standard library only.
A watcher thread polls the traced memory every few milliseconds and takes a snapshot whenever it
passes the largest snapshot so far by 5 %; at exit the largest snapshot is dumped. A snapshot
costs time in proportion to the live allocations, so after each one the watcher waits twice as
long as it took (its own thread time: waiting for the interpreter lock costs the program nothing).
The dumped snapshot can therefore hold less than the run's true peak (a peak shorter than a poll,
or within 5 % of the last snapshot): `memlint profile` prints both figures. A new snapshot is
taken while the previous one is still held (tracemalloc does not trace its own snapshots, so one
does not hold the other) and replaces it only if it holds more: for a moment both are in memory.

Tracing costs time in proportion to the stack depth of every allocation, and importing a large
library (pandas: ~10x slower traced) is allocation after allocation under deep import stacks.
The installed packages the script imports at its top level are therefore imported before tracing
starts (their import is not the script's memory); the script's own modules are not.
"""

import ast
import importlib
import importlib.util
import os
import runpy
import sys
import threading
import time
import tracemalloc

FRAMES = 16
POLL_SECONDS = 0.005
GROWTH = 1.05


class _Watcher(threading.Thread):
    def __init__(self):
        super().__init__(name="memlint-profile", daemon=True)
        self.best = None
        self.best_size = 0
        self.stopping = threading.Event()

    def run(self):
        pause = POLL_SECONDS
        while not self.stopping.wait(pause):
            pause = max(POLL_SECONDS, 2 * self.sample())

    def sample(self):
        """Snapshot if memory grew enough; the seconds of this thread's time it took."""
        current, _peak = tracemalloc.get_traced_memory()
        if current <= self.best_size * GROWTH:
            return 0.0
        start = time.thread_time()
        snapshot = tracemalloc.take_snapshot()
        after, _peak = tracemalloc.get_traced_memory()
        # The program may have run between the two readings (and freed what it had grown by):
        # the snapshot holds at least the smaller size. The old snapshot is kept until a larger
        # one replaces it (freeing it first could lose the peak while it is being freed).
        size = min(current, after)
        if size > self.best_size:
            self.best, self.best_size = snapshot, size
        return time.thread_time() - start


def _installed(name, root):
    """Whether the top-level module `name` is installed (stdlib or a package), not the project's."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return False
    origin = spec.origin if spec is not None else None
    if not origin or origin in ("built-in", "frozen"):
        return spec is not None
    real = os.path.realpath(origin)
    parts = real.split(os.sep)
    return "site-packages" in parts or "dist-packages" in parts or os.path.commonpath([root, real]) != root


def _preimport(script):
    """Import the installed packages `script` imports at its top level, before tracing starts."""
    try:
        with open(script, "rb") as handle:
            tree = ast.parse(handle.read())
    except (OSError, SyntaxError, ValueError):
        return
    root = os.path.realpath(os.getcwd())
    for node in tree.body:
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            if _installed(name.partition(".")[0], root):
                try:
                    importlib.import_module(name)
                except Exception:  # the script's own import will raise it where it belongs
                    pass


def _script(target):
    """The file the target runs: the script, or the module of `-m module`; None for `-c`."""
    if target[:1] == ["-c"]:
        return None
    if target[:1] == ["-m"] and len(target) > 1:
        try:
            spec = importlib.util.find_spec(target[1])
        except (ImportError, ValueError):
            return None
        return spec.origin if spec is not None else None
    return target[0] if target else None


def _run(target):
    if target[:1] == ["-m"] and len(target) > 1:
        sys.argv = [target[1]] + target[2:]
        runpy.run_module(target[1], run_name="__main__", alter_sys=True)
    elif target[:1] == ["-c"] and len(target) > 1:
        sys.argv = ["-c"] + target[2:]
        exec(compile(target[1], "<string>", "exec"), {"__name__": "__main__"})
    else:
        sys.argv = list(target)
        sys.path.insert(0, os.path.dirname(os.path.abspath(target[0])))
        runpy.run_path(target[0], run_name="__main__")


def main():
    out, target = sys.argv[1], sys.argv[2:]
    script = _script(target)
    if script is not None:
        sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
        _preimport(script)
        sys.path.pop(0)
    tracemalloc.start(FRAMES)
    watcher = _Watcher()
    watcher.start()
    try:
        _run(target)
    finally:
        watcher.stopping.set()
        watcher.join()
        _current, peak = tracemalloc.get_traced_memory()
        watcher.sample()
        snapshot = watcher.best or tracemalloc.take_snapshot()
        tracemalloc.stop()
        partial = out + ".partial"
        snapshot.dump(partial)
        os.replace(partial, out)
        with open(out + ".peak", "w") as handle:
            handle.write(str(peak))


if __name__ == "__main__":
    main()
