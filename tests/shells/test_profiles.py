"""--profile and `memlint profile`: real profiles of small programs, joined to the findings.

The programs hold known amounts: a 20 MB temporary list fed to `sum`, a few bytes in another
finding's loop. The right finding must gain bytes of the right order of magnitude, the tiny one
is "not significant", `--min-bytes` hides it, and paths match when the program ran elsewhere.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from memlint.findings import Finding, Location
from memlint.profiles import PathMatcher, ProfileError, measure, read_profile

PROGRAM = textwrap.dedent(
    """\
    import pickle


    def squares(n):
        return sum([x * x for x in range(n)])


    def small():
        with open(__file__) as handle:
            for line in handle.readlines():
                pass
        return line


    def main():
        total = squares(400_000)
        print(total, small())


    main()
    """
)
TRACE = textwrap.dedent(
    """\
    import runpy, sys, tracemalloc
    tracemalloc.start(25)
    best, best_size = None, 0
    def probe(frame, event, arg):
        global best, best_size
        current = tracemalloc.get_traced_memory()[0]
        if event in ("return", "c_call") and current > best_size:  # c_call: sum() gets the list (3.12+ inlines comprehensions)
            best, best_size = tracemalloc.take_snapshot(), current
    sys.setprofile(probe)
    runpy.run_path(sys.argv[2], run_name="__main__")
    sys.setprofile(None)
    best.dump(sys.argv[1])
    """
)
MB = 10**6


def _memlint(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "memlint", "--no-cache", "--select", "MEM101,MEM103", *args],
        cwd=cwd, capture_output=True, text=True, timeout=120,
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("project")
    (root / "pyproject.toml").write_text("[tool.memlint]\n")
    (root / "job.py").write_text(PROGRAM)
    return root


@pytest.fixture(scope="module")
def snapshot(project: Path, tmp_path_factory) -> Path:
    """A tracemalloc snapshot taken at the program's peak, by a run from another directory."""
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (elsewhere / "trace.py").write_text(TRACE)
    out = elsewhere / "job.snapshot"
    relative = os.path.relpath(project / "job.py", elsewhere)
    subprocess.run([sys.executable, "trace.py", str(out), relative], cwd=elsewhere, check=True, capture_output=True)
    return out


def _json(proc: subprocess.CompletedProcess) -> list:
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


def test_the_finding_that_held_memory_gains_its_bytes(project, snapshot):
    findings = _json(_memlint("--profile", str(snapshot), "--output-format", "json", "job.py", cwd=project))
    by_code = {f["code"]: f for f in findings}
    assert set(by_code) == {"MEM101", "MEM103"}
    big, tiny = by_code["MEM101"], by_code["MEM103"]
    # 400,000 ints (28-32 bytes each) and a list of as many pointers: 14-20 MB.
    assert 10 * MB < big["measured_bytes"] < 30 * MB
    assert big["measured_by"] == "tracemalloc"
    assert tiny["measured_bytes"] < 10_000
    assert [f["code"] for f in findings] == ["MEM101", "MEM103"]  # ranked by bytes


def test_text_output_says_measured_and_not_significant(project, snapshot):
    proc = _memlint("--profile", str(snapshot), "--output-format", "concise", "job.py", cwd=project)
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("job.py:5:16: MEM101 ")
    assert "[measured: " in lines[0] and " MB at peak (tracemalloc)]" in lines[0]
    assert lines[1].startswith("job.py:10:21: MEM103 ") and "[not significant in this profile (tracemalloc)]" in lines[1]
    assert lines[-1].startswith("Measured (tracemalloc): the reported findings account for ")


def test_min_bytes_filters_on_measured_bytes(project, snapshot):
    findings = _json(
        _memlint("--profile", str(snapshot), "--min-bytes", "1MB", "--output-format", "json", "job.py", cwd=project)
    )
    assert [f["code"] for f in findings] == ["MEM101"]


def test_without_a_profile_nothing_is_measured(project):
    findings = _json(_memlint("--output-format", "json", "job.py", cwd=project))
    assert {f["measured_bytes"] for f in findings} == {None}


def test_statistics_rank_rules_by_measured_bytes(project, snapshot):
    proc = _memlint("--profile", str(snapshot), "--statistics", "job.py", cwd=project)
    rows = proc.stdout.splitlines()
    assert rows[0].split("\t")[1] == "MEM101" and rows[0].endswith(" measured")
    assert rows[1].split("\t")[1] == "MEM103"


def test_profile_from_pyproject_is_relative_to_it(project, snapshot, tmp_path):
    (tmp_path / "job.py").write_text(PROGRAM)
    (tmp_path / "prof").mkdir()
    (tmp_path / "prof" / "run.snapshot").write_bytes(snapshot.read_bytes())
    (tmp_path / "pyproject.toml").write_text('[tool.memlint]\nprofile = ["prof/run.snapshot"]\n')
    findings = _json(_memlint("--output-format", "json", "job.py", cwd=tmp_path))
    assert {f["code"]: f["measured_bytes"] > MB for f in findings} == {"MEM101": True, "MEM103": False}


def test_an_unreadable_profile_is_one_line_exit_2(project, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    proc = _memlint("--profile", str(bad), "job.py", cwd=project)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"memlint: error: {bad}: not a Scalene JSON profile (scalene run -o FILE.json): "
        + repr(json.JSONDecodeError("Expecting property name enclosed in double quotes", "{not json", 1))
    ]
    missing = _memlint("--profile", str(tmp_path / "nope.bin"), "job.py", cwd=project)
    assert missing.returncode == 2
    assert missing.stderr.startswith(f"memlint: error: {tmp_path / 'nope.bin'}: cannot read the profile: ")


class _Boom:
    def __reduce__(self):
        return (os.system, ("echo pwned > pwned.txt",))


def test_a_pickle_that_is_not_a_snapshot_runs_no_code(project, tmp_path):
    evil = tmp_path / "evil.snapshot"
    evil.write_bytes(pickle.dumps(_Boom(), protocol=pickle.HIGHEST_PROTOCOL))
    proc = _memlint("--profile", str(evil), "job.py", cwd=project)
    assert proc.returncode == 2
    assert "not a tracemalloc snapshot" in proc.stderr
    assert not (project / "pwned.txt").exists()


def test_memlint_profile_runs_the_program_and_ranks(project):
    proc = subprocess.run(
        [sys.executable, "-m", "memlint", "profile", "--no-cache", "--select", "MEM101,MEM103",
         "--output-format", "concise", "--", sys.executable, "job.py"],
        cwd=project, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()  # the program's own output went to standard error
    assert lines[0].startswith("job.py:5:16: MEM101 ") and " MB at peak (tracemalloc)]" in lines[0]
    assert "snapshot written to " in proc.stderr and "21333253333400000 " in proc.stderr
    snapshots = list((project / ".memlint_cache" / "profiles").glob("tracemalloc-*.snapshot"))
    assert len(snapshots) == 1


def test_memlint_profile_needs_a_python_program(project):
    proc = subprocess.run(
        [sys.executable, "-m", "memlint", "profile", "--", "ls", "-l"],
        cwd=project, capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stderr == "memlint: error: memlint profile runs Python programs: `memlint profile -- python ls ...`, not 'ls'\n"


class _FakeTracemalloc:
    """tracemalloc for the watcher: the traced sizes come from a script, a snapshot is named
    after the last size read."""

    def __init__(self, readings):
        self.readings = list(readings)
        self.held = None

    def get_traced_memory(self):
        self.held = self.readings.pop(0)
        return self.held, self.held

    def take_snapshot(self):
        return f"snapshot of {self.held // MB} MB"


@pytest.mark.parametrize(
    "readings, kept",
    [
        # the peak ends while the new snapshot is being taken: the 15 MB one is kept
        ([15 * MB, 15 * MB, 17 * MB, 0], ("snapshot of 15 MB", 15 * MB)),
        # growth between the readings: the snapshot holds at least the smaller one
        ([15 * MB, 15 * MB, 17 * MB, 18 * MB], ("snapshot of 17 MB", 17 * MB)),
    ],
)
def test_the_watcher_keeps_its_snapshot_until_a_larger_one_is_taken(monkeypatch, readings, kept):
    from memlint.profiles import _bootstrap

    fake = _FakeTracemalloc(readings)
    monkeypatch.setattr(_bootstrap, "tracemalloc", fake)
    watcher = _bootstrap._Watcher()
    watcher.sample()
    assert (watcher.best, watcher.best_size) == ("snapshot of 15 MB", 15 * MB)
    watcher.sample()
    assert (watcher.best, watcher.best_size) == kept
    assert fake.readings == []


def test_memray_capture(project, tmp_path):
    pytest.importorskip("memray")
    capture = tmp_path / "job.bin"
    subprocess.run(
        [sys.executable, "-m", "memray", "run", "-q", "-o", str(capture), "job.py"],
        cwd=project, check=True, capture_output=True, timeout=120,
    )
    findings = _json(_memlint("--profile", str(capture), "--output-format", "json", "job.py", cwd=project))
    by_code = {f["code"]: f for f in findings}
    assert by_code["MEM101"]["measured_by"] == "memray"
    assert 10 * MB < by_code["MEM101"]["measured_bytes"] < 30 * MB
    assert by_code["MEM103"]["measured_bytes"] < 10_000


def test_scalene_json(tmp_path):
    """Scalene's per-line peak (`n_peak_mb`, mebibytes) charged to the finding's statement."""
    profile = {
        "max_footprint_mb": 40.0,
        "files": {"/elsewhere/checkout/job.py": {"lines": [
            {"lineno": 5, "n_peak_mb": 19.5}, {"lineno": 11, "n_peak_mb": 0.0},
        ]}},
    }
    path = tmp_path / "scalene.json"
    path.write_text(json.dumps(profile))
    loaded = read_profile(str(path), PathMatcher(["src/job.py"], cwd=str(tmp_path)))
    assert loaded.kind == "scalene"
    assert loaded.lines == {"src/job.py": {5: int(19.5 * 2**20)}}
    assert loaded.peak_bytes == 40 * 2**20
    finding = _finding("src/job.py", "MEM101", 5)
    result = measure([finding], [loaded], lambda path: PROGRAM)
    assert result.findings[0].measured_bytes == int(19.5 * 2**20)
    assert result.accounted_bytes == int(19.5 * 2**20)


def _finding(filename: str, code: str, line: int) -> Finding:
    return Finding(code, "x", "m", filename, Location(line, 1), Location(line, 5))


def test_a_loop_rule_owns_its_loop_and_a_header_finding_only_its_header():
    per_line = {10: 100, 11: 1_000, 12: 10_000, 20: 7}
    source = "\n" * 9 + "out = ()\nfor i in range(3):\n    out = out + (i,)\n"  # MEM303 on line 12
    lines = {"a.py": per_line}
    profile = type("P", (), {"kind": "tracemalloc", "lines": lines, "peak_bytes": 20_000})()
    loop = measure([_finding("a.py", "MEM303", 12)], [profile], lambda path: source).findings[0]
    assert loop.measured_bytes == 11_000  # lines 11-12: the loop
    header = measure([_finding("a.py", "MEM102", 11)], [profile], lambda path: source).findings[0]
    assert header.measured_bytes == 1_000  # the `for` header alone, not its body
    unseen = measure([_finding("b.py", "MEM101", 1)], [profile], lambda path: source).findings[0]
    assert unseen.measured_bytes is None


@pytest.mark.parametrize(
    ("recorded", "expected"),
    [
        ("/venv/lib/python3.11/site-packages/pkg/mod.py", "src/pkg/mod.py"),
        ("pkg/util.py", None),  # two linted util.py end in pkg/util.py? no: only one does
        ("other/util.py", None),  # ends only in util.py, which two linted files share
        ("<frozen importlib._bootstrap>", None),
        ("/nowhere/job.py", "job.py"),
    ],
)
def test_profile_paths_match_by_file_then_longest_common_tail(tmp_path, recorded, expected):
    matcher = PathMatcher(["src/pkg/mod.py", "src/pkg/util.py", "tools/util.py", "job.py"], cwd=str(tmp_path))
    if recorded == "pkg/util.py":
        expected = "src/pkg/util.py"
    assert matcher(recorded) == expected


def test_an_exact_path_wins_over_a_longer_tail(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "job.py").write_text("")
    matcher = PathMatcher(["a/job.py", "b/a/job.py"], cwd=str(tmp_path))
    assert matcher(str(tmp_path / "a" / "job.py")) == "a/job.py"


def test_read_profile_errors_name_the_file(tmp_path):
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00garbage" * 10)
    with pytest.raises(ProfileError, match=r"junk\.bin: "):
        read_profile(str(junk), PathMatcher([]))


DOCS = Path(__file__).resolve().parents[2] / "docs"
NUMBER = r"[0-9][0-9.,]*"


def _shape(text: str) -> str:
    """The output with its figures blanked: the order, codes, messages and notes must match."""
    import re

    text = re.sub(NUMBER + r" (bytes|kB|MB|GB)", "N UNIT", text)
    return re.sub(r"\(" + NUMBER + "%\\)", "(N%)", text)


def _documented(after: str) -> str:
    doc = (DOCS / "profile.md").read_text(encoding="utf-8")
    start = doc.index("```text\n", doc.index(after)) + len("```text\n")
    return doc[start:doc.index("```", start)]


@pytest.mark.slow
def test_the_tutorial_shows_a_real_memlint_profile_run():
    pytest.importorskip("pandas")
    root = DOCS.parent
    proc = subprocess.run(
        [sys.executable, "-m", "memlint", "profile", "--no-cache", "--", sys.executable, "docs/examples/pipeline.py"],
        cwd=root, capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 1, proc.stderr
    assert _shape(proc.stdout) == _shape(_documented("memlint profile -- python docs/examples/pipeline.py"))
    assert proc.stdout.splitlines()[0].endswith(" MB at peak (tracemalloc)]")


@pytest.mark.slow
def test_the_tutorial_shows_a_real_memray_run(tmp_path):
    pytest.importorskip("pandas")
    pytest.importorskip("memray")
    root = DOCS.parent
    capture = tmp_path / "pipeline.bin"
    subprocess.run(
        [sys.executable, "-m", "memray", "run", "-q", "-o", str(capture), "docs/examples/pipeline.py"],
        cwd=root, check=True, capture_output=True, timeout=900,
    )
    proc = subprocess.run(
        [sys.executable, "-m", "memlint", "--no-cache", "--profile", str(capture), "--output-format", "concise",
         "docs/examples/pipeline.py"],
        cwd=root, capture_output=True, text=True, timeout=300,
    )
    assert _shape(proc.stdout) == _shape(_documented("memlint --profile pipeline.bin --output-format concise"))


def test_a_frame_without_a_line_is_charged_to_its_caller(tmp_path):
    """memray on Python 3.9 records line 0 for a comprehension's own frame: the allocation then
    belongs to the line that ran the comprehension, not to no line at all."""
    from memlint.profiles.readers import _Fold

    fold = _Fold(PathMatcher(["job.py"], cwd=str(tmp_path)))
    fold.add([("job.py", 0), ("job.py", 5), ("job.py", 9)], 1000)
    fold.add([("<frozen runpy>", 80), ("job.py", 13)], 10)
    assert fold.lines == {"job.py": {5: 1000, 13: 10}}
    assert fold.unattributed == 0
