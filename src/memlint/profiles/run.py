"""`memlint profile -- python script.py ARGS`: the one memlint command that runs the user's code.

The program runs in the interpreter the user named, under tracemalloc (see `_bootstrap.py`); the
snapshot nearest its peak is written under the cache directory, where `--profile` can read it again.
"""

from __future__ import annotations

import os
import time
from typing import List, Optional, Sequence

from memlint.profiles.attribution import RecordedPaths

BOOTSTRAP = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "_bootstrap.py"))
PACKAGE_DIRS = frozenset({"site-packages", "dist-packages"})


def profiling_command(command: Sequence[str], snapshot_path: str) -> List[str]:
    """The argv that runs `command` (`python script.py ...`, `python -m mod ...`) under the bootstrap."""
    if not command:
        raise ValueError("nothing to run: give the program after `--`, e.g. `memlint profile -- python job.py`")
    interpreter = os.path.basename(command[0]).lower()
    if not (interpreter.startswith("python") or interpreter.startswith("pypy")):
        raise ValueError(
            f"memlint profile runs Python programs: `memlint profile -- python {command[0]} ...`, not {command[0]!r}"
        )
    options = list(command[1:])
    if not options:
        raise ValueError("give the script or `-m module` after the interpreter: `memlint profile -- python job.py`")
    return [command[0], BOOTSTRAP, snapshot_path, *options]


def snapshot_path(directory: str) -> str:
    """A new snapshot file under `directory` (created), named by the time of the run."""
    os.makedirs(directory, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    return os.path.join(directory, f"tracemalloc-{stamp}-{os.getpid()}.snapshot")


def recorded_peak(snapshot: str) -> Optional[int]:
    """The run's true peak (tracemalloc's own counter), written beside the snapshot by the bootstrap."""
    try:
        with open(snapshot + ".peak", encoding="ascii") as handle:
            return int(handle.read().strip())
    except (OSError, ValueError):
        return None


class ProjectFiles(RecordedPaths):
    """Maps a recorded path to the project file under `root` it names (relative to the working
    directory), or None for anything else: the standard library, installed packages, `<string>`."""

    def __init__(self, root: str) -> None:
        super().__init__()
        self.root = os.path.realpath(root)

    def _match(self, recorded: str) -> Optional[str]:
        if recorded.startswith("<") or not recorded.endswith((".py", ".pyw")):
            return None
        real = os.path.realpath(recorded)
        if real == BOOTSTRAP or not os.path.isfile(real) or os.path.commonpath([self.root, real]) != self.root:
            return None
        if PACKAGE_DIRS.intersection(real.split(os.sep)):
            return None
        return os.path.relpath(real)


def allocating_files(snapshot: str, root: str) -> List[str]:
    """The project's files (under `root`) in which the snapshot's memory was allocated."""
    from memlint.profiles.readers import read_profile

    return sorted(read_profile(snapshot, ProjectFiles(root)).lines)
