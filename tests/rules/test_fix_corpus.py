"""The executable differential fix corpus (issue 17 item 1, issue 12 item 4).

Each program in tests/fix_corpus/ is written to tempt a fix (mutation through calls, aliases,
globals, closures, attributes, lazily read names and element state, exceptions, evaluation
order) and prints its results. The corpus is copied twice; `memlint --fix` runs on one copy and
`memlint --fix --unsafe-fixes` on the other, in subprocesses, as a user would. Then every program
runs (one subprocess per copy, each program in a fresh namespace):
- after `--fix`, every program prints exactly what it printed before;
- after `--unsafe-fixes`, exactly the programs whose header says `# unsafe-fix changes: CODE
  "phrase"` print something else, and each phrase is quoted from that rule's "Fix safety"
  section (so the change is one the rule documents).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict

import pytest

from memlint.registry import find_rule

CORPUS = Path(__file__).parents[1] / "fix_corpus"
RULES = "MEM101,MEM102,MEM103,MEM105,MEM106,MEM107,MEM109,MEM110,MEM201,MEM202"
EXPECTED_CHANGE = re.compile(r'^# unsafe-fix changes: (MEM\d{3}) "([^"]+)"$', re.MULTILINE)
# Runs every program of a directory in a fresh namespace and prints {name: output} as JSON.
RUNNER = r"""
import contextlib, io, json, pathlib, runpy, sys, traceback
results = {}
for path in sorted(pathlib.Path(sys.argv[1]).glob("*.py")):
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        try:
            runpy.run_path(str(path), run_name="__main__")
        except BaseException as error:
            print("uncaught", type(error).__name__, error)
    results[path.name] = buffer.getvalue()
print(json.dumps(results))
"""


def _run_all(directory: Path) -> Dict[str, str]:
    environment = dict(os.environ, PYTHONHASHSEED="0")
    done = subprocess.run([sys.executable, "-c", RUNNER, str(directory)], capture_output=True, text=True, timeout=120, env=environment)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _fixed_copy(tmp_path: Path, name: str, *flags: str) -> Path:
    target = tmp_path / name
    shutil.copytree(CORPUS, target)
    command = [sys.executable, "-m", "memlint", "--no-cache", "--preview", "--select", RULES, "--fix", *flags, str(target)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode in (0, 1), done.stdout + done.stderr
    return target


def _expected_changes() -> Dict[str, tuple]:
    expected = {}
    for path in sorted(CORPUS.glob("*.py")):
        found = EXPECTED_CHANGE.search(path.read_text())
        if found:
            expected[path.name] = (found.group(1), found.group(2))
    return expected


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("fix_corpus")
    original = _run_all(CORPUS)
    safe = _fixed_copy(tmp_path, "safe")
    unsafe = _fixed_copy(tmp_path, "unsafe", "--unsafe-fixes")
    return {
        "original": original,
        "safe": _run_all(safe),
        "unsafe": _run_all(unsafe),
        "safe_changed": sorted(p.name for p in safe.glob("*.py") if p.read_text() != (CORPUS / p.name).read_text()),
        "unsafe_changed": sorted(p.name for p in unsafe.glob("*.py") if p.read_text() != (CORPUS / p.name).read_text()),
    }


def test_the_corpus_runs_cleanly():
    original = _run_all(CORPUS)
    assert len(original) == len(list(CORPUS.glob("*.py"))) >= 20
    assert not [name for name, out in original.items() if "uncaught" in out or not out.strip()]


def test_safe_fixes_never_change_what_a_program_prints(outputs):
    assert outputs["safe"] == outputs["original"]
    # the safe fixes did apply somewhere: the comparison is not vacuous
    assert {"mem101_pure.py", "mem102_private_local.py", "mem103_private_file.py", "mem105_count.py", "mem107_copies.py"} <= set(
        outputs["safe_changed"]
    )


def test_unsafe_fixes_change_exactly_the_documented_programs(outputs):
    changed = sorted(name for name, out in outputs["unsafe"].items() if out != outputs["original"][name])
    assert changed == sorted(_expected_changes())
    assert changed == [
        "mem101_any_short_circuit.py",
        "mem101_key.py",
        "mem102_alias_pop.py",
        "mem102_closure.py",
        "mem102_drop_through_call.py",
        "mem102_element_state.py",
        "mem102_generator_rebind.py",
        "mem102_map_exception.py",
        "mem102_registry_global.py",
        "mem103_global_file.py",
        "mem106_first_empty.py",
        "mem110_empty.py",
        "mem201_zero_iterations.py",
    ]


@pytest.mark.parametrize("name", sorted(_expected_changes()))
def test_each_change_is_explained_by_the_rules_fix_safety(name):
    code, phrase = _expected_changes()[name]
    doc = find_rule(code).__doc__ or ""
    section = doc.split("## Fix safety", 1)[1].split("\n    ## ", 1)[0]
    assert phrase in " ".join(section.split()), f"{name}: {phrase!r} is not in {code}'s Fix safety"


def test_programs_that_must_not_change_are_not_rewritten_wrongly(outputs):
    # MEM201 must stay silent where the loop sorts what the class body reads (issue 12)
    assert "mem201_sort_in_loop.py" not in outputs["unsafe_changed"]
    assert "mem102_used_twice.py" not in outputs["unsafe_changed"]
    assert "mem102_attribute.py" not in outputs["unsafe_changed"]
    # MEM202 offers no fix where the hoisted default would read a name bound further down
    assert "mem202_default_below.py" not in outputs["unsafe_changed"]
    assert "mem202_hot_nested.py" in outputs["unsafe_changed"]
