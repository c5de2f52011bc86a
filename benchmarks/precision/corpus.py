"""Download and unpack the precision-study corpus: real packages from PyPI, sources as shipped.

    python benchmarks/precision/corpus.py /work/corpus        # download, check, unpack; writes MANIFEST.json
    python benchmarks/precision/corpus.py /work/corpus --check   # only verify what is there

Each package is an sdist pinned by version and by sha256 (`pip download --no-deps --no-binary
:all: NAME==VERSION`), unpacked as shipped into `DEST/NAME-VERSION/` (tests, docs and example
galleries included). None of these projects was named in issue 12 or in the earlier studies.

    networkx 3.6.1   graphs, numeric; includes its example gallery (examples/, 88 scripts)
    lmfit 1.3.4      curve fitting on numpy/scipy; includes its example gallery (examples/, 49 scripts)
    trimesh 5.2.0    meshes, numpy-heavy geometry
    petl 1.7.30      table ETL pipelines (general, data handling)
    openpyxl 3.1.5   .xlsx reader/writer (general, file parser)

The directory is left writable; nothing is built or installed. Exits 1 on a hash mismatch.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

# name, version, sha256 of the sdist as PyPI serves it
PACKAGES = [
    ("networkx", "3.6.1", "26b7c357accc0c8cde558ad486283728b65b6a95d85ee1cd66bafab4c8168509"),
    ("lmfit", "1.3.4", "3c22c28c43f717f6c5b4a3bd81e893a2149739c26a592c046f2e33c23cfbe497"),
    ("trimesh", "5.2.0", "d0a845d058e5a4ff145d0f0082d80c58d761687ce389c79d422dbe774966957b"),
    ("petl", "1.7.30", "9621fe7f9d81dafec3bf440496118ec1b288215400810a90f683a02c6d120792"),
    ("openpyxl", "3.1.5", "cf0e3cf56142039133628b5acffe8ef0c12bc902d2aadd3e0fe5878dc08d1050"),
]


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def download(name: str, version: str, into: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
         f"{name}=={version}", "-d", str(into)],
        check=True,
    )
    found = [p for p in into.iterdir() if p.name.lower().startswith(f"{name.lower()}-{version}")
             and p.name.endswith((".tar.gz", ".zip"))]
    if len(found) != 1:
        raise SystemExit(f"expected one sdist for {name}=={version}, found {found}")
    return found[0]


def unpack(archive: Path, dest: Path) -> Path:
    with tarfile.open(archive) as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(dest, filter="data")
        else:  # Python < 3.12 without the backported filter
            tar.extractall(dest)  # pinned by sha256 above
    return dest


def count_lines(root: Path) -> dict:
    files = lines = 0
    for path in root.rglob("*.py"):
        files += 1
        with open(path, "rb") as handle:
            lines += sum(1 for _ in handle)
    return {"files": files, "lines": lines}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("--check", action="store_true", help="only verify the unpacked directories")
    args = parser.parse_args(argv)
    dest: Path = args.dest
    dest.mkdir(parents=True, exist_ok=True)
    manifest = []
    for name, version, digest in PACKAGES:
        target = dest / f"{name}-{version}"
        if args.check:
            if not target.is_dir():
                print(f"missing: {target}")
                return 1
        elif not target.is_dir():
            with tempfile.TemporaryDirectory() as tmp:
                archive = download(name, version, Path(tmp))
                got = sha256(archive)
                if got != digest:
                    print(f"{archive.name}: sha256 {got}, expected {digest}", file=sys.stderr)
                    return 1
                staging = Path(tmp) / "unpacked"
                unpack(archive, staging)
                (only,) = list(staging.iterdir())
                shutil.move(str(only), str(target))
        counts = count_lines(target)
        manifest.append({"name": name, "version": version, "sha256": digest,
                         "dir": target.name, **counts})
        print(f"{target.name:20} {counts['files']:5} files {counts['lines']:7} lines")
    total = sum(m["lines"] for m in manifest)
    print(f"{'total':20} {sum(m['files'] for m in manifest):5} files {total:7} lines")
    if not args.check:
        with open(dest / "MANIFEST.json", "w") as handle:
            json.dump(manifest, handle, indent=1)
            handle.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
