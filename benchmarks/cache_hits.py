"""The cache's hit rate for a fresh install of the same memlint version (issue 17).

    python benchmarks/cache_hits.py                     # the project's own checkout
    python benchmarks/cache_hits.py --every 5           # every 5th standard library file as corpus
    python benchmarks/cache_hits.py --source /tmp/old   # another checkout (e.g. before issue 17)

What CI does on every run: install memlint afresh (new paths, new modification times), restore
the cache directory, lint. This script builds one wheel of the checkout, installs it into two new
virtual environments A and B (so the two installs differ in path and file times, not in content),
lints a corpus with A (filling a cache directory), then counts, in B, how many of the corpus's
files are found in that cache (`Cache.lookup` with the settings B's `memlint` would use), and
times B's `memlint` run against A's cold one.

The corpus is every Nth `.py` file of the standard library, copied into a scratch project.
"""

from __future__ import annotations

import argparse
import ast
import itertools
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

COUNT_HITS = """
import sys
from memlint.cache import open_cache
from memlint.config import load_config
from memlint.discovery import find_files
config = load_config(["."], None, {"cache-dir": sys.argv[1]})
files = find_files(["."], config.all_excludes, config.root, respect_gitignore=config.respect_gitignore)
cache = open_cache(config.cache_directory, config.rule_options, with_edits=False, min_bytes=config.min_bytes)
hits = 0
for path in files:
    with open(path, "rb") as handle:
        hits += cache.lookup(path, config.selection.codes_for(path), handle.read()) is not None
import memlint
print(hits, len(files), memlint.__file__)
"""


def corpus(directory: Path, every: int) -> int:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    files = sorted(p for p in stdlib.rglob("*.py") if "site-packages" not in p.parts and "test" not in p.parts)
    count = 0
    for index, path in enumerate(itertools.islice(files, 0, None, every)):
        try:
            ast.parse(path.read_bytes())
        except (SyntaxError, ValueError):
            continue
        (directory / f"f{index:04d}_{path.name}").write_bytes(path.read_bytes())
        count += 1
    (directory / "pyproject.toml").write_text("[tool.memlint]\n")
    return count


def venv(path: Path, wheel: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    python = path / ("Scripts" if os.name == "nt" else "bin") / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)], check=True)
    return python


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=int, default=10, help="take every Nth standard library file")
    parser.add_argument("--source", type=Path, default=ROOT, help="the checkout to install (default: this one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        base = Path(scratch)
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(base / "wheel"), str(args.source)], check=True
        )
        (wheel,) = (base / "wheel").glob("*.whl")
        first = venv(base / "A", wheel)
        time.sleep(1.1)  # B's files get other modification times
        second = venv(base / "B", wheel)
        project = base / "project"
        project.mkdir()
        count = corpus(project, args.every)
        cache = str(base / "cache")
        start = time.perf_counter()
        subprocess.run([str(first), "-m", "memlint", "--cache-dir", cache, "--exit-zero", "."], cwd=project, capture_output=True, check=True)
        cold = time.perf_counter() - start
        counted = subprocess.run([str(second), "-c", COUNT_HITS, cache], cwd=project, capture_output=True, text=True, check=True)
        hits, total, where = counted.stdout.split()
        start = time.perf_counter()
        subprocess.run([str(second), "-m", "memlint", "--cache-dir", cache, "--exit-zero", "."], cwd=project, capture_output=True, check=True)
        warm = time.perf_counter() - start
        print(f"corpus: {count} standard library files (every {args.every}th), Python {sys.version.split()[0]}")
        print(f"install B ({Path(where).parent}) finds {hits} of {total} files in install A's cache: {int(hits) / int(total):.1%}")
        print(f"memlint run: A cold {cold:.1f} s, B on A's cache {warm:.1f} s")


if __name__ == "__main__":
    main()
