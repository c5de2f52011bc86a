"""Run every rule on the precision corpus and draw the sample to judge (see /docs/precision.md).

    python benchmarks/precision/sample.py --label baseline            # corpus in /work/corpus
    python benchmarks/precision/sample.py --label after --corpus DIR --memlint /path/to/memlint

Runs `memlint --select ALL --preview --no-cache --exit-zero --output-format json` on each project
of the corpus (`corpus.py` made it; its MANIFEST.json lists the projects), from the corpus
directory, so every finding's path starts with the project directory. Writes, next to this file:

    findings-LABEL.json   every finding, as {project, path, line, column, code, message, test}
    sample-LABEL.jsonl    the drawn findings, with context lines (the file the verdicts key into)
    sample-LABEL.md       the same, to read

Findings in test code (a path with a `tests/`, `test/` or `testing/` directory, or a file named
`test_*.py`, `*_test.py` or `conftest.py`) are counted but never drawn. Of the others, up to
SAMPLE_SIZE per rule are drawn, spread across projects: a random generator seeded with
`SEED:CODE` (so one rule's draw does not move when another rule's findings change) shuffles the
projects and each project's findings, then takes them round-robin, one project at a time. A rule
with SAMPLE_SIZE findings or fewer is drawn whole. MEM000 (a file memlint could not lint, with
the reason) is not a rule: it is counted and never drawn.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shlex
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Dict, List

HERE = Path(__file__).resolve().parent
SEED = 20261203
SAMPLE_SIZE = 8
CONTEXT = 4  # lines shown before and after a finding
DIAGNOSTIC = "MEM000"  # a file memlint could not lint (with the reason): counted, never drawn

TEST_PATH = re.compile(
    r"(^|/)(tests?|testing)/|(^|/)test_[^/]*\.py$|_test\.py$|(^|/)conftest\.py$"
)


def is_test(path: str) -> bool:
    return bool(TEST_PATH.search(path))


def projects(corpus: Path) -> List[str]:
    manifest = corpus / "MANIFEST.json"
    if manifest.is_file():
        return [entry["dir"] for entry in json.loads(manifest.read_text())]
    return sorted(p.name for p in corpus.iterdir() if p.is_dir())


def memlint_command(given: str) -> List[str]:
    if given:
        return shlex.split(given)
    beside = Path(sys.executable).parent / "memlint"
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("memlint")
    if found:
        return [found]
    return [sys.executable, "-m", "memlint"]


def run_memlint(corpus: Path, names: List[str], command: List[str]) -> List[dict]:
    out = subprocess.run(
        command + ["--select", "ALL", "--preview", "--no-cache", "--exit-zero",
                   "--output-format", "json", *names],
        cwd=corpus, check=True, stdout=subprocess.PIPE,
    ).stdout
    findings = []
    for raw in json.loads(out):
        filename = raw["filename"].replace(os.sep, "/")
        if filename.startswith("./"):
            filename = filename[2:]
        project, _, path = filename.partition("/")
        findings.append({
            "project": project,
            "path": path,
            "line": raw["location"]["row"],
            "column": raw["location"]["column"],
            "end_line": raw["end_location"]["row"],
            "code": raw["code"],
            "message": raw["message"],
            "test": is_test(path),
        })
    findings.sort(key=lambda f: (f["code"], f["project"], f["path"], f["line"], f["column"]))
    return findings


def draw(findings: List[dict], seed: int = SEED, size: int = SAMPLE_SIZE) -> List[dict]:
    by_code: Dict[str, Dict[str, List[dict]]] = defaultdict(lambda: defaultdict(list))
    for finding in findings:
        if not finding["test"] and finding["code"] != DIAGNOSTIC:
            by_code[finding["code"]][finding["project"]].append(finding)
    sample = []
    for code in sorted(by_code):
        groups = by_code[code]
        rng = random.Random(f"{seed}:{code}")
        order = sorted(groups)
        rng.shuffle(order)
        queues = []
        for project in order:
            items = list(groups[project])
            rng.shuffle(items)
            queues.append(items)
        picked: List[dict] = []
        while len(picked) < size and any(queues):
            for queue in queues:
                if queue and len(picked) < size:
                    picked.append(queue.pop(0))
        picked.sort(key=lambda f: (f["project"], f["path"], f["line"], f["column"]))
        sample.extend(picked)
    return sample


def context(corpus: Path, finding: dict, width: int = CONTEXT) -> List[str]:
    path = corpus / finding["project"] / finding["path"]
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    first = max(1, finding["line"] - width)
    last = min(len(lines), finding["end_line"] + width)
    out = []
    for number in range(first, last + 1):
        mark = ">" if finding["line"] <= number <= finding["end_line"] else " "
        out.append(f"{mark}{number:5} {lines[number - 1]}")
    return out


def write_markdown(path: Path, sample: List[dict], label: str) -> None:
    parts = [f"# Sample `{label}` (seed {SEED}, up to {SAMPLE_SIZE} per rule)\n"]
    code = None
    for finding in sample:
        if finding["code"] != code:
            code = finding["code"]
            parts.append(f"\n## {code}\n")
        parts.append(
            f"\n### {finding['project']}/{finding['path']}:{finding['line']}\n\n"
            f"{finding['message']}\n\n```python\n" + "\n".join(finding["context"]) + "\n```\n"
        )
    path.write_text("".join(parts))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("/work/corpus"))
    parser.add_argument("--label", default="baseline")
    parser.add_argument("--memlint", default="", help="the memlint command, split like a shell line (default: the one beside this python)")
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args(argv)
    corpus = args.corpus.resolve()
    args.out.mkdir(parents=True, exist_ok=True)
    findings = run_memlint(corpus, projects(corpus), memlint_command(args.memlint))
    sample = draw(findings)
    for finding in sample:
        finding["context"] = context(corpus, finding)
    (args.out / f"findings-{args.label}.json").write_text(
        json.dumps(findings, indent=0) + "\n")
    with open(args.out / f"sample-{args.label}.jsonl", "w") as handle:
        for finding in sample:
            handle.write(json.dumps(finding) + "\n")
    write_markdown(args.out / f"sample-{args.label}.md", sample, args.label)
    counts: Dict[str, List[int]] = defaultdict(lambda: [0, 0, 0])
    for finding in findings:
        counts[finding["code"]][1 if finding["test"] else 0] += 1
    for finding in sample:
        counts[finding["code"]][2] += 1
    print(f"{'rule':8} {'non-test':>8} {'test':>5} {'sampled':>7}")
    for code in sorted(counts):
        non_test, test, drawn = counts[code]
        print(f"{code:8} {non_test:8} {test:5} {drawn:7}")
    print(f"{len(findings)} findings, {len(sample)} sampled")
    return 0


if __name__ == "__main__":
    sys.exit(main())
