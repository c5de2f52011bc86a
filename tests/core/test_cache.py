"""The result cache: hits, every kind of miss, damaged entries, concurrent runs, and output and
exit codes identical with and without it."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import memlint.api
import memlint.cache
from memlint.cache import CACHEDIR_TAG, GITIGNORE, Cache, open_cache, storable, trusted_for_fixes
from memlint.cli import main
from memlint.findings import Applicability, Edit, FileResult, Finding, FixInfo, InternalError, Location

SUM = "total = sum([x * x for x in data])\n"
ALL_ = "ok = all([check(x) for x in data])\n"  # MEM101 with an unsafe fix
FILES = {
    "a.py": "import os\n" + SUM,
    "b.py": ALL_,
    "clean.py": "x = 1\n",
    "broken.py": "def f(:\n",
    "quiet.py": SUM.rstrip("\n") + "  # noqa: MEM101\n",
    "pkg/c.py": "import json\n\ndef save(d, f):\n    f.write(json.dumps(d))\n" + SUM,
}


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text("[tool.memlint]\n")
    for name, text in FILES.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MEMLINT_CACHE_DIR", raising=False)
    return tmp_path


@pytest.fixture
def lint_calls(monkeypatch):
    """Every file memlint actually lints (in this process: the tests use --jobs 1)."""
    calls = []
    real_source = memlint.api.lint_source

    def spy_source(source, path="<stdin>", *args, **kwargs):  # lint_file calls it too
        calls.append(path)
        return real_source(source, path, *args, **kwargs)

    monkeypatch.setattr(memlint.api, "lint_source", spy_source)
    return calls


def run(capsys, *args):
    code = main(["--jobs", "1", *args])
    out, err = capsys.readouterr()
    return code, out, err


def entries(cache_root: Path):
    return sorted(p for p in cache_root.rglob("*") if p.is_file() and p.parent != cache_root)


# --- hits and misses ------------------------------------------------------------------------------


def test_second_run_is_all_hits_with_the_same_output(project, capsys, lint_calls):
    cold = run(capsys, ".")
    assert cold[0] == 1
    assert sorted(lint_calls) == sorted(os.path.join(*name.split("/")) for name in FILES)
    lint_calls.clear()
    assert run(capsys, ".") == cold
    assert lint_calls == []


def test_cache_dir_holds_gitignore_tag_and_one_entry_per_file(project, capsys):
    run(capsys, ".")
    root = project / ".memlint_cache"
    assert (root / ".gitignore").read_text() == GITIGNORE == "# Automatically created by memlint.\n*\n"
    assert (root / "CACHEDIR.TAG").read_text() == CACHEDIR_TAG
    assert CACHEDIR_TAG.startswith("Signature: 8a477f597d28d172789f06886806bc55\n")
    assert len(entries(root)) == len(FILES)
    assert not [p for p in root.rglob(".tmp-*")]
    # The .gitignore works: git sees nothing of the cache.
    if subprocess.run(["git", "--version"], capture_output=True).returncode == 0:
        subprocess.run(["git", "init", "-q", str(project)], check=True)
        status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=project, capture_output=True, text=True, check=True)
        assert ".memlint_cache" not in status.stdout


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--output-format", "concise"],
        ["--output-format", "json"],
        ["--output-format", "sarif"],
        ["--output-format", "github"],
        ["--statistics"],
        ["--unsafe-fixes"],
        ["--exit-zero"],
        ["--select", "MEM501", "--output-format", "json"],
    ],
)
def test_warm_output_and_exit_code_equal_cold(project, capsys, lint_calls, args):
    uncached = run(capsys, "--no-cache", *args, ".")
    cold = run(capsys, *args, ".")
    lint_calls.clear()
    warm = run(capsys, *args, ".")
    assert lint_calls == []
    assert cold == uncached
    assert warm == uncached
    assert uncached[0] == (0 if "--exit-zero" in args else 1)


def test_content_change_is_a_miss(project, capsys, lint_calls):
    run(capsys, ".")
    lint_calls.clear()
    (project / "clean.py").write_text("x = 1\n" + SUM)
    code, out, _ = run(capsys, "--output-format", "concise", ".")
    assert lint_calls == ["clean.py"]
    assert "clean.py:2:13: MEM101" in out
    lint_calls.clear()
    (project / "clean.py").write_text("x = 1\n")  # back: linted again (one entry per file)
    code, out, _ = run(capsys, "--output-format", "concise", ".")
    assert lint_calls == ["clean.py"]
    assert "clean.py" not in out


@pytest.mark.parametrize(
    "change",
    [
        ["--select", "MEM101"],
        ["--ignore", "MEM501"],
        ["--preview"],
        ["--output-format", "json"],  # findings with fix edits
    ],
)
def test_settings_change_is_a_miss(project, capsys, lint_calls, change):
    run(capsys, ".")
    lint_calls.clear()
    run(capsys, *change, ".")
    assert len(lint_calls) == len(FILES)


def test_rule_option_and_per_file_ignores_changes_are_misses(project, capsys, lint_calls):
    (project / "big.py").write_text("total = sum([x for x in range(500)])\n")
    run(capsys, "big.py")
    lint_calls.clear()
    (project / "pyproject.toml").write_text("[tool.memlint.MEM101]\nsmall-iterable-size = 100\n")
    code, out, _ = run(capsys, "--output-format", "concise", "big.py")
    assert lint_calls == ["big.py"]
    assert (code, out) == (1, "big.py:1:13: MEM101 [*] `sum()` of a list comprehension builds the whole list first; pass a generator expression (a list of 500 ints, ~11 kB)\nFound 1 error.\n[*] 1 fixable with the `--fix` option.\n")
    lint_calls.clear()
    (project / "pyproject.toml").write_text(
        '[tool.memlint.MEM101]\nsmall-iterable-size = 100\n[tool.memlint.per-file-ignores]\n"big.py" = ["MEM101"]\n'
    )
    assert run(capsys, "big.py") == (0, "All checks passed!\n", "")
    assert lint_calls == ["big.py"]


def test_version_or_source_change_is_a_miss(project, monkeypatch):
    data = b"x = 1\n"
    result = FileResult("a.py", findings=(_finding(),))
    first = open_cache(".memlint_cache", {}, with_edits=False)
    assert first.store("a.py", ("MEM101",), data, result)
    assert first.lookup("a.py", ("MEM101",), data) == result
    version = memlint.cache.__version__
    monkeypatch.setattr(memlint.cache, "__version__", "99.0")
    memlint.cache.code_fingerprint.cache_clear()
    assert open_cache(".memlint_cache", {}, with_edits=False).lookup("a.py", ("MEM101",), data) is None
    monkeypatch.setattr(memlint.cache, "__version__", version)
    memlint.cache.code_fingerprint.cache_clear()
    assert open_cache(".memlint_cache", {}, with_edits=False).lookup("a.py", ("MEM101",), data) == result



def test_fresh_install_of_the_same_code_hits_and_an_edited_rule_misses(project, monkeypatch, tmp_path):
    """The key holds the content of memlint's files, not their paths or modification times: a
    copy elsewhere with new mtimes (a fresh install, every CI run) hits; an edited rule misses."""
    data = b"x = 1\n"
    result = FileResult("a.py", findings=(_finding(),))
    memlint.cache.code_fingerprint.cache_clear()
    assert open_cache(".memlint_cache", {}, with_edits=False).store("a.py", ("MEM101",), data, result)
    package = Path(memlint.cache.__file__).parent
    copy = tmp_path / "install" / "memlint"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    for path in copy.rglob("*.py"):
        os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    monkeypatch.setattr(memlint.cache, "__file__", str(copy / "cache.py"))
    memlint.cache.code_fingerprint.cache_clear()
    try:
        assert open_cache(".memlint_cache", {}, with_edits=False).lookup("a.py", ("MEM101",), data) == result
        rule = copy / "rules" / "comprehension_in_reducer.py"
        rule.write_text(rule.read_text() + "\n# edited\n")
        memlint.cache.code_fingerprint.cache_clear()
        assert open_cache(".memlint_cache", {}, with_edits=False).lookup("a.py", ("MEM101",), data) is None
    finally:
        memlint.cache.code_fingerprint.cache_clear()


def test_key_covers_path_rules_and_options(project):
    data = b"x = 1\n"
    result = FileResult("a.py")
    cache = open_cache(".memlint_cache", {}, with_edits=False)
    cache.store("a.py", ("MEM101",), data, result)
    assert cache.lookup("a.py", ("MEM101",), data) == result
    assert cache.lookup("./a.py", ("MEM101",), data) is None
    assert cache.lookup("a.py", ("MEM101", "MEM102"), data) is None
    assert cache.lookup("a.py", ("MEM101",), b"x = 2\n") is None
    other = open_cache(".memlint_cache", {"MEM101": {"small-iterable-size": 5}}, with_edits=False)
    assert other.directory != cache.directory
    assert other.lookup("a.py", ("MEM101",), data) is None
    assert open_cache(".memlint_cache", {}, with_edits=True).lookup("a.py", ("MEM101",), data) is None
    assert open_cache(".memlint_cache", {}, with_edits=False, min_bytes=10**6).lookup("a.py", ("MEM101",), data) is None


def test_min_bytes_change_lints_again(project, capsys, lint_calls):
    """A finding hidden under --min-bytes must come back when the threshold is lowered, and the reverse."""
    Path("big.py").write_text("total = sum([x * x for x in range(1000)])\n")
    hidden = run(capsys, "--min-bytes", "1MB", "big.py")
    assert hidden == (0, "All checks passed!\n", "")
    shown = run(capsys, "--output-format", "concise", "big.py")
    assert shown[0] == 1 and "MEM101" in shown[1]
    assert run(capsys, "--min-bytes", "1MB", "big.py") == hidden
    assert lint_calls == ["big.py", "big.py"]


def test_entry_round_trips_every_field(project):
    finding = _finding(filename="dir/a.py", fix=FixInfo(Applicability.UNSAFE, "Use a generator", ()))
    with_edits = _finding(code="MEM102", filename="dir/a.py", fix=FixInfo(Applicability.SAFE, "Fix \u00e9", (Edit("y\n", Location(1, 2), Location(3, 4)),)))
    estimated = _finding(code="MEM105", filename="dir/a.py", estimated_bytes=36_056_000)
    result = FileResult(
        "dir/a.py", findings=(finding, with_edits, _finding(code="MEM000", filename="dir/a.py"), estimated)
    )
    cache = open_cache(".memlint_cache", {}, with_edits=True)
    codes = ("MEM101", "MEM102", "MEM105")
    data = b"x = 1\ny = 2\nz = 3\n"
    assert cache.store("dir/a.py", codes, data, result)
    assert cache.lookup("dir/a.py", codes, data) == result


def test_only_plain_results_are_stored(project):
    cache = open_cache(".memlint_cache", {}, with_edits=False)
    crashed = FileResult("a.py", errors=(InternalError("a.py", "MEM101 crashed: ValueError"),))
    fixed = FileResult("a.py", fixed_source="y = 1\n", fixes_applied=1)
    assert not storable(crashed) and not storable(fixed) and storable(FileResult("a.py"))
    assert cache.store("a.py", (), b"x", crashed) is False
    assert cache.store("a.py", (), b"x", fixed) is False
    assert cache.lookup("a.py", (), b"x") is None
    assert not (project / ".memlint_cache").exists()


def test_trusted_for_fixes_only_without_applicable_fixes():
    safe = FileResult("a.py", findings=(_finding(fix=FixInfo(Applicability.SAFE, "t")),))
    unsafe = FileResult("a.py", findings=(_finding(fix=FixInfo(Applicability.UNSAFE, "t")),))
    display = FileResult("a.py", findings=(_finding(fix=FixInfo(Applicability.DISPLAY, "t")),))
    unfixable = FileResult("a.py", findings=(_finding(fix=None),))
    assert [trusted_for_fixes(r, False) for r in (safe, unsafe, display, unfixable)] == [False, True, True, True]
    assert [trusted_for_fixes(r, True) for r in (safe, unsafe, display, unfixable)] == [False, False, True, True]


# --- damaged entries and concurrency --------------------------------------------------------------


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"{",
        b'{"digest": "',
        b"\x00\xff\xfe garbage",
        b"[]",
        b'{"digest": 1, "findings": []}',
        b'{"findings": []}',
        b"null",
    ],
)
def test_damaged_entry_is_a_miss_and_is_repaired(project, capsys, lint_calls, damage):
    cold = run(capsys, ".")
    for entry in entries(project / ".memlint_cache"):
        entry.write_bytes(damage if damage else b"")
    lint_calls.clear()
    assert run(capsys, ".") == cold
    assert len(lint_calls) == len(FILES)
    lint_calls.clear()
    assert run(capsys, ".") == cold
    assert lint_calls == []


@pytest.mark.parametrize(
    "findings",
    [
        [["MEM101", "n", "m", "1", 1, 1, 1, "", None]],  # a line that is not a number
        [["MEM101", "n", "m", 1, 1, 1, 1, "", ["bogus", "t", []]]],  # unknown applicability
        [["MEM101", "n", "m", 1, 1, 1, 1, "", ["safe", "t", [["x", 1, 1, 1]]]]],  # short edit
        [["MEM101", "n", "m", 1, 1, 1, 1]],  # short finding
        [None],
    ],
)
def test_well_formed_json_of_the_wrong_shape_is_a_miss(project, findings):
    data = b"x = 1\n"
    cache = open_cache(".memlint_cache", {}, with_edits=False)
    assert cache.store("a.py", (), data, FileResult("a.py"))
    (entry,) = entries(project / ".memlint_cache")
    entry.write_text(json.dumps({"digest": memlint.cache.digest(data), "findings": findings}))
    assert cache.lookup("a.py", (), data) is None


def test_unwritable_cache_dir_is_not_an_error(project, capsys):
    (project / "blocker").write_text("a file where the cache directory should be\n")
    cold = run(capsys, "--no-cache", ".")
    assert run(capsys, "--cache-dir", "blocker/cache", ".") == cold
    assert run(capsys, "--cache-dir", "blocker/cache", ".") == cold


def _store_many(root: str, worker: int, rounds: int) -> int:
    """One of several processes storing and reading the same entries at once."""
    cache = Cache(root, os.path.join(root, "v", "k"))
    bad = 0
    for round_ in range(rounds):
        for index in range(20):
            path = f"f{index}.py"
            data = f"x = {index}\n".encode()
            result = FileResult(path, findings=(_finding(message=f"m{index}", filename=path, source_line=f"x = {index}"),))
            cache.store(path, ("MEM101",), data, result)
            found = cache.lookup(path, ("MEM101",), data)
            if found != result:
                bad += 1
    return bad


def test_concurrent_writers_never_leave_a_bad_entry(tmp_path):
    root = str(tmp_path / "cache")
    context = multiprocessing.get_context("spawn")
    with context.Pool(4) as pool:
        bad = pool.starmap(_store_many, [(root, worker, 15) for worker in range(4)])
    assert bad == [0, 0, 0, 0]
    names = os.listdir(os.path.join(root, "v", "k"))
    assert len(names) == 20 and not [n for n in names if n.startswith(".tmp-")]
    assert _store_many(root, 0, 1) == 0


def test_concurrent_cli_runs_share_a_cache(project):
    expected = subprocess.run(
        [sys.executable, "-m", "memlint", "--no-cache", "--output-format", "concise", "."],
        cwd=project, capture_output=True, text=True, timeout=120,
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "memlint", "--jobs", "2", "--output-format", "concise", "."],
            cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for _ in range(3)
    ]
    results = [(proc.wait(timeout=120), *proc.communicate()) for proc in procs]
    assert expected.returncode == 1
    assert results == [(1, expected.stdout, "")] * 3
    assert len(entries(project / ".memlint_cache")) == len(FILES)


# --- switches ---------------------------------------------------------------------------------------


def test_no_cache_neither_reads_nor_writes(project, capsys, lint_calls):
    code, out, _ = run(capsys, "--no-cache", "--output-format", "concise", "clean.py")
    assert (code, out) == (0, "All checks passed!\n")
    assert not (project / ".memlint_cache").exists()
    # A planted entry for clean.py (a finding it does not have) shows that reading is skipped.
    cache = open_cache(str(project / ".memlint_cache"), {}, with_edits=False)
    codes = _default_codes()
    cache.store("clean.py", codes, b"x = 1\n", FileResult("clean.py", findings=(_finding(filename="clean.py"),)))
    assert run(capsys, "--output-format", "concise", "clean.py")[:2] == (1, "clean.py:1:1: MEM101 planted\nFound 1 error.\n")
    lint_calls.clear()
    assert run(capsys, "--no-cache", "--output-format", "concise", "clean.py")[:2] == (0, "All checks passed!\n")
    assert lint_calls == ["clean.py"]


def test_cache_dir_setting_flag_and_environment(project, capsys, monkeypatch):
    (project / "pyproject.toml").write_text('[tool.memlint]\ncache-dir = "build/lint-cache"\n')
    (project / "sub").mkdir()
    monkeypatch.chdir(project / "sub")
    run(capsys, "../clean.py")  # relative to the pyproject.toml, not to the working directory
    assert (project / "build" / "lint-cache" / "CACHEDIR.TAG").is_file()
    assert not (project / "sub" / "build").exists()
    monkeypatch.setenv("MEMLINT_CACHE_DIR", "from-env")  # relative to the working directory
    run(capsys, "../clean.py")
    assert (project / "sub" / "from-env" / "CACHEDIR.TAG").is_file()
    run(capsys, "--cache-dir", "from-flag", "../clean.py")  # the flag beats the environment
    assert (project / "sub" / "from-flag" / "CACHEDIR.TAG").is_file()
    assert not (project / ".memlint_cache").exists()
    code, out, _ = run(capsys, "--cache-dir", "from-flag", "--show-settings")
    assert f"cache_dir: {str(project / 'sub' / 'from-flag')!r}" in out.splitlines()


def test_default_cache_dir_is_beside_pyproject(project, capsys, monkeypatch):
    monkeypatch.chdir(project / "pkg")
    run(capsys, "c.py")
    assert (project / ".memlint_cache" / "CACHEDIR.TAG").is_file()
    assert not (project / "pkg" / ".memlint_cache").exists()
    code, out, _ = run(capsys, "--show-settings")
    assert f"cache_dir: {str(project / '.memlint_cache')!r}" in out.splitlines()


@pytest.mark.parametrize("value", ["", 3, ["a"]])
def test_bad_cache_dir_setting_is_a_config_error(project, capsys, value):
    (project / "pyproject.toml").write_text(f"[tool.memlint]\ncache-dir = {json.dumps(value)}\n")
    code, out, err = run(capsys, "clean.py")
    assert (code, out) == (2, "")
    assert err == (
        f"memlint: error: {project / 'pyproject.toml'}: [tool.memlint]: 'cache-dir' must be a directory path, "
        f"not {type(value).__name__} {value!r}\n"
    )


def test_stdin_is_never_cached(project, capsys, monkeypatch):
    class Stdin:
        buffer = __import__("io").BytesIO(SUM.encode())

    monkeypatch.setattr(sys, "stdin", Stdin)
    code, out, _ = run(capsys, "--output-format", "concise", "--stdin-filename", "x.py", "-")
    assert code == 1 and out.startswith("x.py:1:13: MEM101")
    assert not (project / ".memlint_cache").exists()


# --- --fix and --diff -----------------------------------------------------------------------------


def test_fix_trusts_a_clean_entry_and_relints_a_fixable_one(project, capsys, lint_calls):
    run(capsys, ".")
    lint_calls.clear()
    cached = run(capsys, "--fix", "--output-format", "concise", ".")
    # Only the files with a safe fix to apply are linted again; the others are served from the cache.
    assert sorted(lint_calls) == sorted(["a.py", os.path.join("pkg", "c.py")])
    assert (project / "a.py").read_text() == "import os\ntotal = sum(x * x for x in data)\n"
    after = {name: (project / name).read_text() for name in FILES}
    for name, text in FILES.items():
        (project / name).write_text(text)
    assert run(capsys, "--no-cache", "--fix", "--output-format", "concise", ".") == cached
    assert {name: (project / name).read_text() for name in FILES} == after
    assert cached[0] == 1  # b.py's unsafe fix and broken.py remain


def test_diff_with_cache_equals_diff_without(project, capsys):
    run(capsys, ".")
    uncached = run(capsys, "--no-cache", "--diff", ".")
    assert run(capsys, "--diff", ".") == uncached
    assert uncached[0] == 1 and "+total = sum(x * x for x in data)" in uncached[1]
    assert (project / "a.py").read_text() == FILES["a.py"]


# --- the warm run loads nothing it does not need ----------------------------------------------------

WARM_PROBE = """
import sys
from memlint.cli import main
code = main(sys.argv[1:])
loaded = sorted(
    m for m in sys.modules
    if m in ("libcst", "multiprocessing", "concurrent.futures")  # no pool is started, nor even imported
    or m.startswith(("libcst.", "memlint.rules", "memlint.api"))
)
print("exit", code, "loaded", loaded, file=sys.stderr)
"""


def test_warm_run_starts_no_pool_and_imports_no_rules_or_libcst(project):
    args = ["--jobs", "2", "--output-format", "concise", "."]
    cold = subprocess.run([sys.executable, "-m", "memlint", *args], cwd=project, capture_output=True, text=True, timeout=120)
    warm = subprocess.run([sys.executable, "-c", WARM_PROBE, *args], cwd=project, capture_output=True, text=True, timeout=120)
    assert warm.stdout == cold.stdout
    assert warm.stderr == "exit 1 loaded []\n"
    (project / "clean.py").write_text("y = 2\n")  # one miss, in this process, where no rule can fire:
    third = subprocess.run([sys.executable, "-c", WARM_PROBE, *args], cwd=project, capture_output=True, text=True, timeout=120)
    assert third.stdout == cold.stdout
    assert third.stderr == "exit 1 loaded ['memlint.api']\n"  # vetted by CPython's parser and the screens alone
    (project / "fires.py").write_text("total = sum([x for x in data])\n")  # one miss where MEM101 can fire
    fourth = subprocess.run([sys.executable, "-c", WARM_PROBE, *args], cwd=project, capture_output=True, text=True, timeout=120)
    assert [line.split()[1] for line in fourth.stdout.splitlines() if line.startswith("fires.py:")] == ["MEM101"]
    loaded = fourth.stderr
    assert "'libcst'" in loaded and "'memlint.rules.comprehension_in_reducer'" in loaded
    assert "'memlint.rules.list_as_queue'" not in loaded  # only the rule whose screen matched


# --- helpers ----------------------------------------------------------------------------------------


def _finding(code="MEM101", message="planted", filename="a.py", line=1, fix=None, estimated_bytes=None, source_line="x = 1"):
    """A finding an entry may hold for a file whose line `line` is `source_line`."""
    from memlint.rule_index import RULES

    name = "unparsable-file" if code == "MEM000" else RULES[code].name
    return Finding(
        code, name, message, filename, Location(line, 1), Location(line, 5), fix, source_line, estimated_bytes
    )


def _default_codes():
    from memlint.config import build_config

    return build_config({}, {}, root=".").selection.codes
