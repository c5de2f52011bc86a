"""Peak RSS of memlint on generated data that used to exhaust memory (issue 17).

    python benchmarks/memory_bounds.py                 # 10 MB each, --preview, --no-cache
    python benchmarks/memory_bounds.py --megabytes 3   # smaller files

Two files are generated in a scratch directory:
- `table.py`: one list of small tuples, `    (123, 4),` per line (a dense table: about five
  tokens per 14 bytes), which took LibCST past 8 GB in 55 s before the token limit;
- `strings.py`: one triple-quoted string constant of words (few tokens, many bytes);
and also `table_code.py`, the same table followed by a call, so that it is not pure data and
trips the token limit (MEM000), and `below_limit.py`, such a table just under the token limit:
the most a file can make memlint parse, so its peak is the bound.

Each is linted by a fresh `python -m memlint --preview --no-cache --jobs 1 FILE` (preview: MEM602
declares no trigger words, so every file used to get a full parse); the peak RSS is that child's
`ru_maxrss` (`resource.getrusage(RUSAGE_CHILDREN)`, measured around each run in its own process),
with the wall time, the exit code and the first line of output.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor".split()


def table(megabytes: float, rows: float = float("inf")) -> str:
    lines = ["TABLE = ["]
    size = 0
    index = 0
    while size < megabytes * 1_000_000 and index < rows:
        line = f"    ({index % 997}, {index % 13}),"
        lines.append(line)
        size += len(line) + 1
        index += 1
    return "\n".join(lines) + "\n]\n"


def strings(megabytes: float) -> str:
    rng = random.Random(1)
    words = []
    size = 0
    while size < megabytes * 1_000_000:
        word = rng.choice(WORDS)
        words.append(word)
        size += len(word) + 1
    body = " ".join(words)
    return 'TEXT = """\n' + "\n".join(body[i : i + 79] for i in range(0, len(body), 79)) + '\n"""\n'


MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(done.returncode, round(elapsed, 2), peak, (done.stdout.splitlines() or [""])[0][:100], sep="\\t")
"""


def measure(path: Path) -> str:
    command = [sys.executable, "-m", "memlint", "--preview", "--no-cache", "--jobs", "1", path.name]
    done = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, cwd=path.parent)
    code, elapsed, peak_kb, first = done.stdout.rstrip("\n").split("\t")
    peak_mb = int(peak_kb) / 1e6 if sys.platform == "darwin" else int(peak_kb) * 1024 / 1e6  # macOS: bytes
    size = path.stat().st_size / 1e6
    return f"{path.name:<15} {size:6.1f} MB  peak RSS {peak_mb:7.1f} MB  {float(elapsed):6.2f} s  exit {code}  {first}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=10.0, help="size of each generated file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        (root / "pyproject.toml").write_text("[tool.memlint]\n")
        data = table(args.megabytes)
        (root / "table.py").write_text(data)
        (root / "strings.py").write_text(strings(args.megabytes))
        (root / "table_code.py").write_text("import numpy as np\n" + data + "ARRAY = np.array(TABLE)\n")
        (root / "tiny.py").write_text("x = 1\n")
        from memlint.parsing import MAX_TOKENS, estimate_tokens

        rows = MAX_TOKENS * 0.97 / 7  # `    (1, 2),` is 7 tokens with its line
        below = "import numpy as np\n" + table(1000, rows) + "ARRAY = np.array(TABLE)\n"
        assert estimate_tokens(below) <= MAX_TOKENS
        (root / "below_limit.py").write_text(below)
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs; memlint --preview --no-cache --jobs 1")
        for name in ("tiny.py", "table.py", "strings.py", "table_code.py", "below_limit.py"):
            print(measure(root / name), flush=True)


if __name__ == "__main__":
    main()
