"""Run one side of one evidence case in this (fresh) interpreter and print its figures as JSON.

    python benchmarks/evidence/measure.py CASE_FILE {before,after} {traced,rss}

`run.py` starts this once per case, side, mode and run. The case file's `setup()` builds the
input (not measured); then the side's function runs on it:

- `traced`: the peak of the memory traced by `tracemalloc` while the function runs, above what
  was traced when it started (bytes).
- `rss`: the peak resident set size while the function runs, above the resident size when it
  started (bytes; Linux resets the high-water mark through /proc/self/clear_refs, elsewhere it
  is the whole process's `ru_maxrss`, which includes start-up and setup), and the CPU time the
  function takes (`time.process_time`, less disturbed than wall time by other processes).

The two modes run in separate processes: tracemalloc's own bookkeeping would inflate the RSS
and slow down the function.
"""

from __future__ import annotations

import gc
import importlib.util
import json
import resource
import sys
import time
import tracemalloc
from typing import Any, Dict, Optional

KB = 1024


def load_case(path: str) -> Any:
    spec = importlib.util.spec_from_file_location("evidence_case", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["evidence_case"] = module
    spec.loader.exec_module(module)
    return module


def _status(field: str) -> Optional[int]:
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * KB
    except OSError:
        pass
    return None


def _reset_high_water_mark() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        return False
    return _status("VmHWM") is not None


def _max_rss() -> int:
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return usage if sys.platform == "darwin" else usage * KB


def traced(func: Any, state: Any) -> Dict[str, Any]:
    gc.collect()
    tracemalloc.start()
    start = tracemalloc.get_traced_memory()[0]
    result = func(state)
    peak = tracemalloc.get_traced_memory()[1] - start
    tracemalloc.stop()
    del result
    return {"traced_peak": peak}


def rss(func: Any, state: Any) -> Dict[str, Any]:
    gc.collect()
    reset = _reset_high_water_mark()
    start = _status("VmRSS") if reset else 0
    cpu = time.process_time()
    result = func(state)
    cpu = time.process_time() - cpu
    peak = _status("VmHWM") if reset else _max_rss()
    del result
    return {"rss_peak": peak - start, "rss_scope": "function" if reset else "process", "cpu_seconds": cpu}


def main(argv: Any = None) -> int:
    path, side, mode = (argv if argv is not None else sys.argv[1:])
    case = load_case(path)
    state = case.setup()
    func = getattr(case, side)
    figures = traced(func, state) if mode == "traced" else rss(func, state)
    if mode == "rss" and hasattr(case, "copied"):
        figures["copied"] = case.copied(side)
    sys.stdout.write(json.dumps(figures) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
