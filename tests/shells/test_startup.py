"""A one-file run (pre-commit, an editor) imports only what linting that file needs.

Each run is a fresh interpreter, so that nothing the test process already imported can hide an
import; the probe runs the CLI as `python -m memlint` does and lists the modules loaded at exit.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import List, Set, Tuple

PROBE = """
import json, sys
from memlint.cli import main
code = main(sys.argv[1:])
sys.stdout.flush()
print("\\nMODULES " + json.dumps([code, sorted(sys.modules)]), file=sys.stderr)
"""

# Never loaded by a one-file check with --no-cache: the process pool, the cache, the notebook
# adapter, the reporters of other formats (junit's xml.sax.saxutils alone pulls in
# urllib.request, http.client and email), what only writing fixes or diffs needs, the registry of
# every rule and the documentation renderer.
NEVER = (
    "concurrent.futures",
    "multiprocessing",
    "urllib.request",
    "http.client",
    "email",
    "xml.sax",
    "tempfile",
    "difflib",
    "hashlib",
    "memlint.cache",
    "memlint.notebook",
    "memlint.registry",
    "memlint.rule_docs",
    "memlint.reporting.github",
    "memlint.reporting.gitlab",
    "memlint.reporting.json_format",
    "memlint.reporting.json_lines",
    "memlint.reporting.junit",
    "memlint.reporting.pylint",
    "memlint.reporting.sarif",
)

# Everything of memlint a file in which no rule can fire needs: CPython's parser and the rules'
# screens decide it, so neither LibCST, the engine, a rule nor an analysis helper is imported.
# (A module added here is an import every pre-commit run pays for: make it lazy if you can.)
QUIET_MEMLINT = [
    "memlint",
    "memlint.api",
    "memlint.cli",
    "memlint.config",
    "memlint.deep",
    "memlint.discovery",
    "memlint.filesystem",
    "memlint.findings",
    "memlint.parsing",
    "memlint.prefilter",
    "memlint.reporting",
    "memlint.reporting.fixes",
    "memlint.reporting.text",
    "memlint.rule_index",
    "memlint.runner",
    "memlint.screen",
    "memlint.selection",
    "memlint.suppression",
    "memlint.units",
]

QUIET = "def total(data):\n    return len(data)\n"
FIRES = "def total(data):\n    return sum([x * x for x in data])\n"


def probe(project: Path, *args: str) -> Tuple[int, str, Set[str]]:
    run = subprocess.run(
        [sys.executable, "-c", PROBE, *args], cwd=project, capture_output=True, text=True, timeout=120
    )
    before, _, listing = run.stderr.rpartition("\nMODULES ")
    assert run.returncode == 0 and listing, run.stderr
    code, modules = json.loads(listing)
    return code, run.stdout + before, set(modules)


def loaded(modules: Set[str], names: Tuple[str, ...]) -> List[str]:
    """The names of `names` loaded, each as itself or through one of its submodules."""
    return sorted(name for name in names if any(m == name or m.startswith(name + ".") for m in modules))


def test_a_file_where_no_rule_can_fire_imports_no_libcst_rule_pool_or_other_reporter(project):
    (project / "quiet.py").write_text(QUIET)
    code, output, modules = probe(project, "--no-cache", "quiet.py")
    assert (code, output) == (0, "All checks passed!\n")
    assert sorted(m for m in modules if m.split(".")[0] == "memlint") == QUIET_MEMLINT
    assert loaded(modules, NEVER + ("libcst",)) == []


def test_a_file_where_a_rule_fires_imports_that_rule_alone_and_no_pool_or_other_reporter(project):
    (project / "fires.py").write_text(FIRES)
    code, output, modules = probe(project, "--no-cache", "--output-format", "concise", "fires.py")
    assert code == 1
    assert output.splitlines()[0] == (
        "fires.py:2:16: MEM101 [*] `sum()` of a list comprehension builds the whole list first; "
        "pass a generator expression"
    )
    rules = sorted(m for m in modules if m.startswith("memlint.rules.") and not m.startswith("memlint.rules._"))
    assert rules == ["memlint.rules.comprehension_in_reducer"]
    assert "libcst" in modules and "memlint.engine" in modules  # the probe saw the real run
    assert loaded(modules, NEVER) == []


def test_the_selected_reporter_alone_is_imported(project):
    (project / "fires.py").write_text(FIRES)
    code, output, modules = probe(project, "--no-cache", "--output-format", "junit", "fires.py")
    assert code == 1 and output.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')
    reporters = sorted(m for m in modules if m.startswith("memlint.reporting."))
    assert reporters == ["memlint.reporting.fixes", "memlint.reporting.junit", "memlint.reporting.text"]
    assert loaded(modules, ("multiprocessing", "concurrent.futures", "memlint.cache")) == []


def test_two_files_still_lint_in_a_pool(project):
    """The lazy pool import still gives a pool: two files with --jobs 2 load multiprocessing."""
    (project / "a.py").write_text(FIRES)
    (project / "b.py").write_text(QUIET)
    code, output, modules = probe(project, "--no-cache", "--jobs", "2", "--output-format", "concise", "a.py", "b.py")
    assert code == 1 and output.splitlines()[0].startswith("a.py:2:16: MEM101 ")
    assert loaded(modules, ("multiprocessing", "concurrent.futures")) == ["concurrent.futures", "multiprocessing"]
