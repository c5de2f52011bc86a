"""Measured evidence: every rule has a measured pair, the page and the package data agree, the
programs measure what the rule flags, and the harness measures what it claims to."""

from __future__ import annotations

import ast
import importlib.util
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from memlint.api import lint_source
from memlint.cli import main
from memlint.evidence import format_bytes, load, measured_section
from memlint.registry import all_rules
from memlint.rule_docs import render_rule
from memlint.testing import config_for

ROOT = Path(__file__).resolve().parents[2]
EVIDENCE = ROOT / "benchmarks" / "evidence"
CASES = EVIDENCE / "cases"


def _run_module():
    spec = importlib.util.spec_from_file_location("evidence_run", EVIDENCE / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_rule_has_a_case_and_an_evidence_entry():
    evidence = load()
    cases = {path.stem.upper() for path in CASES.glob("mem*.py")}
    for code in all_rules():
        assert code in cases, f"{code}: no benchmarks/evidence/cases/{code.lower()}.py"
        assert code in evidence, f"{code}: no entry in src/memlint/evidence.json (run benchmarks/evidence/run.py)"
    assert set(evidence) <= set(all_rules())


def test_evidence_page_agrees_with_the_package_data():
    data = json.loads((ROOT / "src" / "memlint" / "evidence.json").read_text(encoding="utf-8"))
    page = (ROOT / "docs" / "evidence.md").read_text(encoding="utf-8")
    assert page == _run_module().render_markdown(data), "regenerate with python benchmarks/evidence/run.py"
    for code, entry in data["rules"].items():
        row = next(line for line in page.splitlines() if line.startswith(f"| [{code}]("))
        assert f"| {format_bytes(entry['before']['traced_peak'])} | {format_bytes(entry['after']['traced_peak'])} |" in row


def test_entries_state_a_measure_that_matches_their_figures():
    run = _run_module()
    for code, entry in load().items():
        assert entry["measure"] in ("peak", "time"), code
        assert entry["after_beats_before"] == run.beats(entry), code
        assert entry["runs"] >= 1 and entry["python"], code


QUOTED_SIZE = re.compile(r"(\d[\d,]*(?:\.\d+)?) ?(MB|GB)\b")
QUOTED_SECONDS = re.compile(r"\b\d[\d,]*(?:\.\d+)? ?(?:s|ms)\b")
UNITS = {"MB": 10**6, "GB": 10**9}


def _entry_figures(entry):
    """Every byte count an entry states: peaks and RSS on both sides, the saving, bytes copied, and
    the sizes written into its pattern and size (`(24 MB)`)."""
    figures = [entry[side][key] for side in ("before", "after") for key in ("traced_peak", "rss_peak")]
    figures.append(entry["before"]["traced_peak"] - entry["after"]["traced_peak"])
    if entry.get("copied_unit", "bytes") == "bytes":
        figures += [entry[side]["copied"] for side in ("before", "after") if "copied" in entry[side]]
    for number, unit in QUOTED_SIZE.findall(entry["pattern"] + " " + entry["size"]):
        figures.append(float(number.replace(",", "")) * UNITS[unit])
    return figures


def _unmeasured_sizes(doc, entry):
    """The "NN MB"/"NN GB" figures in `doc` that no figure of `entry` rounds to, at the precision
    quoted (`+32 MB` stands for 31.5 to 32.5 MB, `+0.02 MB` for 0.015 to 0.025 MB)."""
    figures = _entry_figures(entry)
    wrong = []
    for number, unit in QUOTED_SIZE.findall(doc):
        value = float(number.replace(",", ""))
        half_step = 0.5 * 10 ** -len(number.partition(".")[2])
        if not any(abs(figure / UNITS[unit] - value) <= half_step + 1e-9 for figure in figures):
            wrong.append(f"{number} {unit}")
    return wrong


@pytest.mark.parametrize("code", sorted(all_rules()))
def test_docstring_figures_are_the_measured_ones(code):
    """A size quoted in a rule's prose is one `run.py` measures (or states as the case's size), so
    the prose cannot drift from evidence.json; times are not quoted at all (CPU time on a shared
    machine is noisy: the prose states ratios and the bytes copied)."""
    doc = all_rules()[code].__doc__ or ""
    wrong = _unmeasured_sizes(doc, load()[code])
    assert not wrong, (
        f"{code}'s docstring quotes {', '.join(wrong)}, which is in none of its evidence figures: "
        "quote the Measured figures (docs/evidence.md), or add the variant to its evidence case"
    )
    assert not QUOTED_SECONDS.findall(doc), f"{code}'s docstring quotes a time: state it as a ratio"


def test_unmeasured_sizes_finds_a_stale_figure():
    entry = {
        "pattern": "`p`", "size": "1,000,000-line file (24 MB)", "copied_unit": "bytes",
        "before": {"traced_peak": 32_448_984, "rss_peak": 40_062_976, "copied": 1_600_080_000},
        "after": {"traced_peak": 22_500, "rss_peak": 0, "copied": 160_000},
    }
    quoted = "peaks at +32 MB, +32.4 MB, +40.1 MB; +0.02 MB after; the 24 MB file; 1.6 GB copied; saves 32.43 MB"
    assert _unmeasured_sizes(quoted, entry) == []
    assert _unmeasured_sizes("over 2,000,000 floats peaks at +65 MB; 32.5 MB; 1.7 GB", entry) == [
        "65 MB", "32.5 MB", "1.7 GB"
    ]


def _named_ranges(tree: ast.Module, word: str):
    for node in tree.body:
        names = [node.name] if isinstance(node, (ast.FunctionDef, ast.ClassDef)) else []
        if isinstance(node, ast.Assign):
            names = [t.id for t in node.targets if isinstance(t, ast.Name)]
        if any(word in name.lower() for name in names):
            decorators = getattr(node, "decorator_list", [])
            yield range(min([node.lineno] + [d.lineno for d in decorators]), node.end_lineno + 1)


@pytest.mark.parametrize("code", sorted(all_rules()))
def test_case_before_is_flagged_and_after_is_not(code):
    """The measured programs are the pattern the rule reports, and the fix it accepts."""
    path = CASES / f"{code.lower()}.py"
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    rule = all_rules()[code]
    result = lint_source(source, f"benchmarks/{path.name}", config_for(rule, {}))
    lines = [finding.location.line for finding in result.findings if finding.code == code]
    before = [line for span in _named_ranges(tree, "before") for line in span]
    after = [line for span in _named_ranges(tree, "after") for line in span]
    assert any(line in before for line in lines), f"{code}: the 'before' program is not flagged: {lines}"
    assert not any(line in after for line in lines), f"{code}: the 'after' program is flagged: {lines}"


SYNTHETIC_CASE = '''
def setup():
    return 10_000_000

def before(n):
    data = b"x" * n
    return len(data)

def after(n):
    return n
'''


def test_harness_measures_an_allocation_and_its_absence(tmp_path):
    case = tmp_path / "case.py"
    case.write_text(SYNTHETIC_CASE, encoding="utf-8")

    def measure(side, mode):
        proc = subprocess.run(
            [sys.executable, str(EVIDENCE / "measure.py"), str(case), side, mode],
            capture_output=True, text=True, check=True, cwd=str(EVIDENCE),
        )
        return json.loads(proc.stdout)

    assert 10_000_000 <= measure("before", "traced")["traced_peak"] < 10_100_000
    assert measure("after", "traced")["traced_peak"] < 10_000
    rss = measure("before", "rss")
    if rss["rss_scope"] == "function":  # the high-water mark could be reset (Linux)
        assert 9_000_000 <= rss["rss_peak"] < 12_000_000
        assert measure("after", "rss")["rss_peak"] < 1_000_000
    assert rss["cpu_seconds"] >= 0


def test_rule_doc_and_memlint_rule_show_the_measured_figure(capsys):
    entry = load()["MEM101"]
    figure = f"tracemalloc peak {format_bytes(entry['before']['traced_peak'])} before"
    assert figure in render_rule(all_rules()["MEM101"])
    assert main(["rule", "MEM101"]) == 0
    out = capsys.readouterr().out
    assert "\n## Measured\n" in out and figure in out
    assert "\n".join(measured_section("MEM101")) in out


def test_measured_section_formats_an_entry_and_a_missing_one():
    entry = {
        "pattern": "`p`", "size": "n", "measure": "time", "runs": 3, "python": "3.11.7", "numpy": "2.0",
        "date": "2025-01-01", "copied_unit": "bytes",
        "before": {"traced_peak": 2_000_000, "rss_peak": 3_500_000, "cpu_seconds": 2.0, "copied": 10**10},
        "after": {"traced_peak": 1_000, "rss_peak": 0, "cpu_seconds": 0.5, "copied": 10**6},
    }
    text = "\n".join(measured_section("MEM999", {"MEM999": entry}))
    assert "tracemalloc peak 2.0 MB before, 1.0 kB after; peak RSS 3.5 MB before, 0 B after." in text
    assert "CPU 2.000 s before, 0.500 s after; 10.0 GB copied before, 1.0 MB after." in text
    assert "Saving: 4x less CPU time." in text and "numpy 2.0" in text
    assert "Not measured yet" in "\n".join(measured_section("MEM999", {}))


@pytest.mark.slow
def test_installed_wheel_carries_the_evidence_and_memlint_rule_reads_it(tmp_path):
    # Built from a clean copy of the project's files: a build directory or egg-info left by an
    # editable install would list evidence.json whatever pyproject.toml says.
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if files.returncode != 0:
        pytest.skip("not a git checkout")
    source, wheels, target = tmp_path / "project", tmp_path / "wheels", tmp_path / "site"
    for name in files.stdout.splitlines():
        if name.startswith(("src/", "pyproject.toml", "README.md")) and (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(ROOT / name, source / name)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(source)],
        check=True, capture_output=True,
    )
    (wheel,) = wheels.glob("*.whl")
    assert "memlint/evidence.json" in zipfile.ZipFile(wheel).namelist()
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True, capture_output=True,
    )
    proc = subprocess.run(
        [sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv[1]); import memlint.cli as c; "
         "assert c.__file__.startswith(sys.argv[1]), c.__file__; sys.exit(c.main(['rule', 'MEM402']))", str(target)],
        capture_output=True, text=True, check=True, cwd=str(tmp_path),
    )
    assert "\n".join(measured_section("MEM402")) in proc.stdout
