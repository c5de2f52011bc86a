"""A digest of everything memlint reports over a corpus, to compare two source trees.

    python benchmarks/findings_digest.py SRC stdlib [--preview]
    python benchmarks/findings_digest.py SRC numeric [--preview]

SRC is a folder holding `memlint/` (a checkout's `src`). `stdlib` is every 4th parsable file of
the standard library (speed.py's corpus), `numeric` every 2nd of /work/corpus (all five packages
of the precision corpus). With --preview every rule runs, preview ones included; without, the
default selection. Prints the number of findings and an MD5 of their paths, codes, positions,
messages and fix applicabilities: two trees that report the same things print the same line.
"""

from __future__ import annotations

import hashlib
import sys
import sysconfig
import time
from pathlib import Path

if len(sys.argv) < 3 or sys.argv[2] not in ("stdlib", "numeric") or not Path(sys.argv[1], "memlint").is_dir():
    raise SystemExit("usage: findings_digest.py SRC {stdlib,numeric} [--preview]")
sys.path.insert(0, str(Path(sys.argv[1]).resolve()))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import speed  # noqa: E402
from memlint import api  # noqa: E402
from memlint.config import build_config  # noqa: E402
from memlint.registry import all_rules  # noqa: E402

which = sys.argv[2]
roots = [Path(sysconfig.get_paths()["stdlib"])] if which == "stdlib" else [Path("/work/corpus")]
files = speed.corpus(roots, 4 if which == "stdlib" else 2)
if "--preview" in sys.argv:
    config = build_config({}, {"select": sorted(all_rules()), "preview": True}, root=".")
else:
    config = build_config({}, {}, root=".")
digest = hashlib.md5()
count = 0
start = time.process_time()
for _root, path in files:
    for finding in api.lint_source(path.read_bytes(), str(path), config).findings:
        count += 1
        fix = finding.fix.applicability if finding.fix else None
        digest.update(repr((str(path), finding.code, finding.location, finding.end_location, finding.message, fix)).encode())
print(f"{which}: {len(files)} files, {count} findings, {digest.hexdigest()} ({time.process_time() - start:.1f} s CPU)")
