"""Before and after: memlint from two source trees, cold and on one file, in alternating rounds.

    git worktree add --detach /tmp/before <commit>
    python benchmarks/before_after.py /tmp/before/src src

Both trees run with this interpreter (its LibCST) on the same copies of speed.py's corpora (every
4th standard-library file, every 3rd of the numeric corpus) and on one file of each where memlint
reports (test_pydoc.py, cycles.py); medians of 3 rounds, wall time, start-up included.
"""
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import speed  # noqa: E402

if len(sys.argv) != 3 or not all(Path(tree, "memlint").is_dir() for tree in sys.argv[1:]):
    raise SystemExit("usage: before_after.py BEFORE_SRC AFTER_SRC (two folders that hold memlint/)")
before, after = (str(Path(tree).resolve()) for tree in sys.argv[1:3])
trees = {"before": before, "after": after}
env0 = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")}
py = sys.executable
for name, roots, every in (("stdlib", [Path(sysconfig.get_paths()["stdlib"])], 4), ("numeric", list(speed.NUMERIC_ROOTS), 3)):
    scratch = Path(tempfile.mkdtemp(prefix="ba-"))
    files = speed.copy_corpus(speed.corpus(roots, every), scratch / "c")
    (scratch / "pyproject.toml").write_text("[tool.memlint]\n")
    one = [f for f in files if f.endswith(("test_pydoc.py", "cycles.py"))][:1]
    cases = {}
    for label, src in trees.items():
        env = dict(env0, PYTHONPATH=src)
        cases[f"cold {label}"] = ([py, "-m", "memlint", "--no-cache", "--jobs", "2", "--exit-zero", "--output-format", "concise", *files], env)
        cases[f"one file with a finding {label}"] = ([py, "-m", "memlint", "--no-cache", "--force-exclude", "--exit-zero", *one], env)
        subprocess.run(cases[f"one file with a finding {label}"][0], cwd=scratch, env=env, capture_output=True)  # compile
    times = {c: [] for c in cases}
    for r in range(3):
        for c, (cmd, env) in cases.items():
            t = time.perf_counter(); subprocess.run(cmd, cwd=scratch, env=env, capture_output=True, check=True); times[c].append(time.perf_counter() - t)
    shutil.rmtree(scratch, ignore_errors=True)
    print(f"{name} ({len(files)} files; one file: {os.path.basename(one[0])})")
    for c, t in times.items():
        print(f"  {c}: median {statistics.median(t):.2f} s  ({', '.join(f'{x:.2f}' for x in t)})")
