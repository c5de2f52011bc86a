"""Running a call with room to recurse: a big thread stack and a raised recursion limit.

LibCST parses and visits recursively, so a long implicit string concatenation or deeply nested
brackets (generated code, data modules like pydoc_data/topics.py) exceed Python's default limit
of 1,000 frames. Rather than raising the limit for every file, the engine retries only a file that
hit it, in a thread whose stack is large enough for the higher limit on every supported Python.
"""

from __future__ import annotations

import sys
import threading
from typing import Any, Callable, Dict, TypeVar

T = TypeVar("T")

DEEP_RECURSION_LIMIT = 60_000
DEEP_STACK_BYTES = 1024 * 1024 * 1024  # virtual: only the pages used are committed


def call_with_deep_stack(function: Callable[[], T]) -> T:
    outcome: Dict[str, Any] = {}

    def target() -> None:
        previous = sys.getrecursionlimit()
        sys.setrecursionlimit(max(previous, DEEP_RECURSION_LIMIT))
        try:
            outcome["value"] = function()
        except BaseException as exc:  # re-raised in the caller's thread
            outcome["error"] = exc
        finally:
            sys.setrecursionlimit(previous)

    previous_size = threading.stack_size()
    try:
        threading.stack_size(DEEP_STACK_BYTES)
        worker = threading.Thread(target=target, name="memlint-deep")
        worker.start()
    finally:
        threading.stack_size(previous_size)
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
