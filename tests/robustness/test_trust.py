"""Issue 17: memlint as an adversarial user or repository would try it. Each test is a defect
that was found: it failed before the fix. The project boundary (cache directory, symbolic
links), bounded reads and memory, writes that respect the file, workers that die with their
parent, a cache that is keyed by content, validated and pruned, and the odd inputs that gave a
traceback or the wrong message."""

from __future__ import annotations

import codecs
import errno
import io
import json
import os
import signal
import stat
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

import memlint.api
import memlint.cache
import memlint.runner
from memlint.cache import CACHEDIR_TAG, GITIGNORE, open_cache, prune_cache
from memlint.cli import main
from memlint.filesystem import MAX_FILE_BYTES, UnreadableFile, read_source
from memlint.findings import Applicability, Edit, FileResult, Finding, FixInfo, Location
from memlint.parsing import MAX_TOKENS, estimate_tokens, is_pure_data

SUM = "total = sum([x * x for x in data])\n"
FIXED = "total = sum(x * x for x in data)\n"
MESSAGE = "`sum()` of a list comprehension builds the whole list first; pass a generator expression"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
LINUX = sys.platform.startswith("linux")


@pytest.fixture
def project(tmp_path, monkeypatch):
    root = tmp_path / "repo"
    root.mkdir()
    (root / "pyproject.toml").write_text("[tool.memlint]\n")
    monkeypatch.chdir(root)
    monkeypatch.delenv("MEMLINT_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    return root


def run(capsys, *args):
    code = main(["--select", "MEM101", "--output-format", "concise", "--jobs", "1", *args])
    out, err = capsys.readouterr()
    return code, out, err


def finding(path, line=1, column=13):
    return f"{path}:{line}:{column}: MEM101 [*] {MESSAGE}"


FOUND_ONE = [finding("a.py"), "Found 1 error.", "[*] 1 fixable with the `--fix` option."]


# --- the project boundary: the cache directory -----------------------------------------------------


@pytest.mark.parametrize("value", ["~", "..", "../elsewhere", "{outside}", "~/.cache"])
def test_a_repositorys_cache_dir_cannot_point_outside_it(project, capsys, value):
    """`cache-dir = "~"` made memlint replace ~/.gitignore with `*` and tag the home directory
    as a cache (backup tools then skip it): a repository's settings now cannot do that."""
    outside = project.parent / "outside"
    value = value.format(outside=outside)
    (project / "pyproject.toml").write_text(f"[tool.memlint]\ncache-dir = {json.dumps(value)}\n")
    (project / "a.py").write_text(SUM)
    before = sorted(p.name for p in project.parent.rglob("*"))
    code, out, err = run(capsys, "a.py")
    assert (code, out) == (2, "")
    assert err == (
        f"memlint: error: {project / 'pyproject.toml'}: [tool.memlint]: 'cache-dir' {value!r} is outside the "
        f"project ({project}) and the user's cache directory ({project.parent / 'home' / '.cache'}); a project's "
        "settings cannot move the cache there (--cache-dir or MEMLINT_CACHE_DIR can)\n"
    )
    assert sorted(p.name for p in project.parent.rglob("*")) == before


def test_a_cache_dir_through_a_link_out_of_the_repository_is_refused(project, capsys):
    (project.parent / "outside").mkdir()
    os.symlink(project.parent / "outside", project / "link")
    (project / "pyproject.toml").write_text('[tool.memlint]\ncache-dir = "link/cache"\n')
    (project / "a.py").write_text(SUM)
    assert run(capsys, "a.py")[0] == 2
    assert list((project.parent / "outside").iterdir()) == []


@pytest.mark.parametrize("value", ["build/cache", ".", "~/.cache/memlint"])
def test_a_cache_dir_inside_the_project_or_the_user_cache_is_allowed(project, capsys, value):
    (project / "pyproject.toml").write_text(f"[tool.memlint]\ncache-dir = {json.dumps(value)}\n")
    (project / "a.py").write_text(SUM)
    assert run(capsys, "a.py") == (1, "\n".join(FOUND_ONE) + "\n", "")


def test_the_users_own_cache_dir_may_be_anywhere(project, capsys, monkeypatch):
    (project / "a.py").write_text(SUM)
    elsewhere = project.parent / "elsewhere"
    assert run(capsys, "--cache-dir", str(elsewhere / "flag"), "a.py")[0] == 1
    monkeypatch.setenv("MEMLINT_CACHE_DIR", str(elsewhere / "env"))
    assert run(capsys, "a.py")[0] == 1
    assert (elsewhere / "flag" / "CACHEDIR.TAG").read_text() == CACHEDIR_TAG
    assert (elsewhere / "env" / "CACHEDIR.TAG").read_text() == CACHEDIR_TAG


def test_an_existing_gitignore_is_never_rewritten_nor_a_directory_tagged(project, capsys):
    """Only a directory memlint creates gets its `.gitignore` of `*` and CACHEDIR.TAG."""
    (project / ".gitignore").write_text("*.pyc\n")
    (project / "existing").mkdir()
    (project / "existing" / ".gitignore").write_text("keep me\n")
    (project / "a.py").write_text(SUM)
    (project / "pyproject.toml").write_text('[tool.memlint]\ncache-dir = "."\n')
    assert run(capsys, "a.py")[0] == 1
    assert run(capsys, "--cache-dir", "existing", "a.py")[0] == 1
    assert (project / ".gitignore").read_text() == "*.pyc\n"
    assert (project / "existing" / ".gitignore").read_text() == "keep me\n"
    assert not (project / "CACHEDIR.TAG").exists() and not (project / "existing" / "CACHEDIR.TAG").exists()
    assert run(capsys, "--cache-dir", "fresh", "a.py")[0] == 1
    assert (project / "fresh" / ".gitignore").read_text() == GITIGNORE
    assert (project / "fresh" / "CACHEDIR.TAG").read_text() == CACHEDIR_TAG


# --- the project boundary: symbolic links ----------------------------------------------------------------


def test_walking_does_not_follow_a_symlinked_file_out_of_the_tree(project, capsys):
    """`ln -s ~/.git-credentials repo/creds.py; memlint repo` printed the token as the context
    of a syntax error."""
    secret = project.parent / "home" / ".git-credentials"
    secret.write_text("https://user:ghp_TOKEN123@github.com\n")
    os.symlink(secret, project / "creds.py")
    (project / "a.py").write_text(SUM)
    os.symlink("a.py", project / "inside.py")  # a link within the tree is linted
    code, out, err = run(capsys, ".")
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        finding("a.py"), finding("inside.py"), "Found 2 errors.", "[*] 2 fixable with the `--fix` option."
    ]
    assert "TOKEN" not in out


def test_fix_does_not_write_through_a_walked_link(project, capsys):
    (project / "a.py").write_text(SUM)
    os.symlink("a.py", project / "0link.py")  # linted first: a.py is not fixed yet
    code, out, err = run(capsys, "--fix", ".")
    assert code == 2
    assert (project / "a.py").read_text() == FIXED
    assert os.path.islink(project / "0link.py")
    assert err == (
        "memlint: error: 0link.py: cannot write fixes: it is a symbolic link (to a.py) and memlint does not "
        "write through links; fix a.py itself (file left unchanged)\n"
    )


def test_a_self_referencing_symlink_named_on_the_command_line_is_one_mem000(project, capsys):
    os.symlink("loop.py", project / "loop.py")
    code, out, err = run(capsys, "loop.py")
    assert (code, err) == (1, "")
    assert out.splitlines() == [f"loop.py:1:1: MEM000 cannot read file: {os.strerror(errno.ELOOP)}", "Found 1 error."]
    done = subprocess.run([sys.executable, "-m", "memlint", "loop.py"], capture_output=True, timeout=120)
    assert done.returncode == 1 and b"Traceback" not in done.stderr


# --- bounded reads ----------------------------------------------------------------------------------------


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_a_device_is_refused_before_a_byte_is_read(project, capsys):
    """`memlint /dev/zero` read 6 GB before the size check."""
    code, out, err = run(capsys, "/dev/zero")
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        "/dev/zero:1:1: MEM000 not a regular file (a character device): only regular files are linted",
        "Found 1 error.",
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
@pytest.mark.parametrize("cache", [[], ["--no-cache"]], ids=["cache", "no-cache"])
def test_a_named_pipe_on_the_command_line_is_refused_not_waited_for(project, cache):
    os.mkfifo(project / "pipe.py")
    done = subprocess.run(
        [sys.executable, "-m", "memlint", "--output-format", "concise", *cache, "pipe.py"],
        capture_output=True, timeout=60,
    )
    assert (done.returncode, done.stderr) == (1, b"")
    assert done.stdout.decode().splitlines() == [
        "pipe.py:1:1: MEM000 not a regular file (a named pipe): only regular files are linted",
        "Found 1 error.",
    ]


class _Endless(io.RawIOBase):
    """Standard input that never ends; reading all of it is a bug."""

    def readable(self):
        return True

    def read(self, size=-1):
        if size is None or size < 0:
            raise AssertionError("unbounded read of standard input")
        return b"#" * size


def test_standard_input_is_read_bounded(project, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(_Endless()))
    code, out, err = run(capsys, "-")
    assert (code, err) == (1, "")
    assert out.splitlines()[0] == (
        f"-:1:1: MEM000 file is too large to lint (more than {MAX_FILE_BYTES:,} bytes; the limit is {MAX_FILE_BYTES:,})"
    )


def test_read_source_stops_at_the_limit(tmp_path):
    path = tmp_path / "a.py"
    path.write_bytes(b"x" * 11)
    assert read_source(str(path), max_bytes=11) == b"x" * 11
    with pytest.raises(UnreadableFile) as raised:
        read_source(str(path), max_bytes=10)
    assert raised.value.reason == "file is too large to lint (11 bytes; the limit is 10)"


# --- bounded memory: the token limit and pure data -------------------------------------------------------


def _no_parse(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("parsed")

    monkeypatch.setattr(memlint.api, "parse", refuse)
    monkeypatch.setattr(memlint.api, "vet", refuse)


@pytest.mark.parametrize("preview", [[], ["--preview", "--select", "ALL"]], ids=["default", "preview-all"])
def test_code_above_the_token_limit_is_one_mem000_without_a_parse(project, capsys, monkeypatch, preview):
    """A 10 MB file of small tuples took LibCST past 8 GB; with --preview (MEM602 declares no
    triggers) any file got a full parse. Now neither CPython nor LibCST sees such a file."""
    line = "value = compute(1, 2)\n"  # 8 tokens a line, with its NEWLINE
    (project / "gen.py").write_text("import numpy as np\n" + line * (MAX_TOKENS // 8 + 10) + SUM)
    _no_parse(monkeypatch)
    code = main(["--output-format", "concise", "--jobs", "1", "--no-cache", *preview, "gen.py"])
    out, err = capsys.readouterr()
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        f"gen.py:1:1: MEM000 too large to analyse: more than {MAX_TOKENS:,} tokens (a limit that bounds "
        "memlint's memory); exclude generated files",
        "Found 1 error.",
    ]


def test_pure_data_above_the_token_limit_is_clean_without_a_parse(project, capsys, monkeypatch):
    rows = "".join(f"    ({i}, {i % 7}, 'name{i}', None, -1.5e3),\n" for i in range(MAX_TOKENS // 10))
    (project / "table.py").write_text('"""Generated."""\n# a comment\nTABLE = [\n' + rows + "]\nOTHER = {'a': True}\n")
    _no_parse(monkeypatch)
    code = main(["--output-format", "concise", "--jobs", "1", "--no-cache", "--preview", "--select", "ALL", "table.py"])
    assert (code, capsys.readouterr()) == (0, ("All checks passed!\n", ""))


PURE_DATA = [
    "X = [1, 2.5, -3e5, 0xff, 1j, 1_000, None, True, False]\n",
    "TABLE = {'a': (1, 2), \"b\": [r'x', b'y', '''z\n''']}\nY = 'x'  # comment\n",
    "__all__ = ('X',)\nX = {\n    1: 2,\n    3: 4,\n}\n",
]
NOT_DATA = ["X = f(1)\n", "X = [1] * 3\n", "X = a\n", "X == 1\n", "X = 1\nprint(X)\n", "X = [x for x in y]\n",
            "X = {1: 2}\nX.update(Y)\n", "X = lambda: 1\n", "def f(): pass\n", "X = 1 if Y else 2\n", "X: int = 1\n"]


@pytest.mark.parametrize("text", PURE_DATA + NOT_DATA)
def test_pure_data_is_recognised(text):
    assert is_pure_data(text) is (text in PURE_DATA)


@pytest.mark.parametrize("text", PURE_DATA)
def test_no_rule_fires_in_pure_data(text):
    """Why skipping a large pure-data file loses nothing: every rule, preview ones included,
    is silent on a module of literal assignments."""
    from memlint.config import build_config

    config = build_config({}, {"select": ["ALL"], "preview": True}, root=".")
    result = memlint.api.lint_source(text * 50, "data.py", config, prefilter=False)
    assert (result.findings, result.errors) == ((), ())


PEAK_RSS = textwrap.dedent(
    """
    import resource, subprocess, sys
    done = subprocess.run(sys.argv[1:], capture_output=True)
    print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    """
)


@pytest.mark.slow
@pytest.mark.skipif(not LINUX, reason="ru_maxrss in KiB (Linux)")
@pytest.mark.parametrize("kind", ["table", "strings"])
def test_ten_megabytes_of_generated_data_stay_under_half_a_gigabyte(project, kind):
    """A 10 MB table of small tuples passed 8 GB in 55 s (with --preview: every file got a full
    parse). benchmarks/memory_bounds.py measures the same files: 57 MB and 175 MB."""
    if kind == "table":
        text = "TABLE = [\n" + "".join(f"    ({i % 997}, {i % 13}),\n" for i in range(720_000)) + "]\n"
    else:
        text = 'TEXT = """\n' + "lorem ipsum dolor sit amet consectetur adipiscing elit\n" * 190_000 + '"""\n'
    (project / "gen.py").write_text(text)
    assert len(text) > 10_000_000
    command = [sys.executable, "-m", "memlint", "--preview", "--no-cache", "--jobs", "1", "gen.py"]
    done = subprocess.run([sys.executable, "-c", PEAK_RSS, *command], capture_output=True, text=True, timeout=600)
    code, peak_kib = map(int, done.stdout.split())
    assert code == 0
    assert peak_kib * 1024 < 500_000_000


def test_the_token_estimate_is_close_to_the_real_count():
    import tokenize

    text = Path(memlint.api.__file__).read_text() * 20  # above the length below which it is 0
    real = sum(1 for _ in tokenize.generate_tokens(io.StringIO(text).readline))
    assert 0.9 * real <= estimate_tokens(text, limit=10**9) <= 2 * real


# --- writes that respect the file --------------------------------------------------------------------------


def test_an_edit_made_while_fixing_is_kept(project, capsys, monkeypatch):
    """`--fix` replaced the file without checking it still held what was read: an edit made
    meanwhile was lost."""
    path = project / "a.py"
    path.write_text(SUM)
    edited = "# edited by someone else\n" + SUM
    real = memlint.api.lint_source

    def lint_then_edit(*args, **kwargs):
        result = real(*args, **kwargs)
        path.write_text(edited)
        return result

    monkeypatch.setattr(memlint.api, "lint_source", lint_then_edit)
    code, out, err = run(capsys, "--fix", "--no-cache", "a.py")
    assert code == 2
    assert err == "memlint: error: a.py: fixes not written: the file changed while memlint was fixing it (left as it is now)\n"
    assert path.read_text() == edited
    assert out.splitlines()[0] == finding("a.py", 2)


def test_a_file_with_other_hard_links_is_written_in_place(project, capsys):
    path = project / "a.py"
    path.write_text(SUM)
    os.link(path, project / "alias.txt")
    inode = path.stat().st_ino
    assert run(capsys, "--fix", "a.py")[0] == 0
    assert path.stat().st_ino == inode and path.stat().st_nlink == 2
    assert (project / "alias.txt").read_text() == FIXED == path.read_text()


@pytest.mark.skipif(not IS_ROOT, reason="only root can give a file to another owner")
def test_fix_as_root_keeps_owner_group_and_mode(project, capsys):
    """`--fix` as root made root the owner of each fixed file."""
    path = project / "a.py"
    path.write_text(SUM)
    os.chown(path, 12345, 23456)
    path.chmod(0o640)
    assert run(capsys, "--fix", "a.py")[0] == 0
    status = path.stat()
    assert (status.st_uid, status.st_gid, stat.S_IMODE(status.st_mode)) == (12345, 23456, 0o640)
    assert path.read_text() == FIXED


def test_a_file_in_a_directory_that_refuses_new_files_is_fixed_in_place(project, capsys, monkeypatch):
    """A writable file in a read-only directory could not be fixed (no temporary file there).
    Simulated so that it runs as root too; the next test uses real permissions."""

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    path = project / "a.py"
    path.write_text(SUM)
    inode = path.stat().st_ino
    assert run(capsys, "--fix", "a.py")[:2] == (0, "Found 1 error (1 fixed, 0 remaining).\n")
    assert path.read_text() == FIXED and path.stat().st_ino == inode


@pytest.mark.skipif(IS_ROOT, reason="root may write into a read-only directory")
def test_a_writable_file_in_a_read_only_directory_is_fixed_in_place(project, capsys):
    (project / "ro").mkdir()
    path = project / "ro" / "a.py"
    path.write_text(SUM)
    (project / "ro").chmod(0o555)
    try:
        assert run(capsys, "--fix", "ro/a.py")[:2] == (0, "Found 1 error (1 fixed, 0 remaining).\n")
    finally:
        (project / "ro").chmod(0o755)
    assert path.read_text() == FIXED


# --- workers die with their parent ----------------------------------------------------------------------


def _children(pid):
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _alive(pid):
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _wait_gone(pids, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.05)
    return [p for p in pids if _alive(p)]


@pytest.mark.skipif(not (LINUX and Path("/proc/self/task").is_dir()), reason="reads /proc (Linux)")
def test_workers_die_when_the_main_process_is_killed(project):
    """`kill -9` of the main process left its workers waiting for work for ever."""
    source = Path(memlint.api.__file__).read_text()
    for index in range(60):
        (project / f"f{index}.py").write_text(source)
    process = subprocess.Popen(
        [sys.executable, "-m", "memlint", "--jobs", "2", "--no-cache", "."],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    workers = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(workers) < 2:
            workers = _children(process.pid)
            time.sleep(0.02)
        assert len(workers) == 2, "the pool did not start"
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        assert _wait_gone(workers, 10) == []
    finally:
        for pid in workers:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


POLLING_ONLY = textwrap.dedent(
    """
    import os, sys, time
    import memlint.runner as runner
    runner._PR_SET_PDEATHSIG = 0  # not a prctl option: only the polling thread watches the parent
    runner.PARENT_POLL_SECONDS = 0.05
    parent = os.getpid()
    child = os.fork()
    if child == 0:
        runner.die_with_parent(parent)
        time.sleep(60)
        os._exit(0)
    print(child, flush=True)
    os._exit(0)
    """
)


@pytest.mark.skipif(not (LINUX and hasattr(os, "fork")), reason="reads /proc (Linux)")
def test_a_worker_without_prctl_notices_its_parent_is_gone():
    """The portable fallback: the worker polls its parent's pid."""
    done = subprocess.run([sys.executable, "-c", POLLING_ONLY], capture_output=True, timeout=60, text=True)
    worker = int(done.stdout)
    try:
        assert _wait_gone([worker], 10) == []
    finally:
        try:
            os.kill(worker, signal.SIGKILL)
        except OSError:
            pass


# --- the cache: validated and pruned ------------------------------------------------------------------------


DATA = b"x = 1\ntotal = sum([x * x for x in data])\n"


def _planted(**changes):
    values = dict(
        code="MEM101", name="comprehension-in-reducer", message=MESSAGE, filename="a.py",
        location=Location(2, 13), end_location=Location(2, 35), fix=FixInfo(Applicability.SAFE, "Use a generator"),
        source_line="total = sum([x * x for x in data])", estimated_bytes=None,
    )
    values.update(changes)
    return Finding(**values)


BAD_ENTRIES = {
    "absurd column": dict(location=Location(2, 10**12)),
    "line beyond the file": dict(location=Location(99, 1), end_location=Location(99, 2)),
    "end before start": dict(end_location=Location(1, 1)),
    "zero line": dict(location=Location(0, 1)),
    "unknown code": dict(code="MEM999"),
    "code not enabled": dict(code="MEM102", name="materialized-loop-iterable"),
    "wrong name": dict(name="something-else"),
    "escape in message": dict(message="\x1b[2J\x1b[31mall good\x1b[0m"),
    "escape in title": dict(fix=FixInfo(Applicability.SAFE, "\x1b]0;pwned\x07")),
    "escape in an edit": dict(fix=FixInfo(Applicability.SAFE, "t", (Edit("\x1b[2J", Location(2, 13), Location(2, 14)),))),
    "edit outside the file": dict(fix=FixInfo(Applicability.SAFE, "t", (Edit("x", Location(50, 1), Location(50, 2)),))),
    "another source line": dict(source_line="import os; os.system('rm -rf /')"),
    "negative estimate": dict(estimated_bytes=-1),
}


def test_a_planted_entry_that_could_be_real_is_used(project):
    cache = open_cache(".memlint_cache", {}, with_edits=False)
    result = FileResult("a.py", findings=(_planted(),))
    assert cache.store("a.py", ("MEM101",), DATA, result)
    assert cache.lookup("a.py", ("MEM101",), DATA) == result


@pytest.mark.parametrize("change", list(BAD_ENTRIES.values()), ids=list(BAD_ENTRIES))
def test_an_entry_that_could_not_come_from_the_file_is_a_miss(project, change):
    """Entries were served without validation: a hand-edited one could inject escape
    sequences into the terminal, or crash the output (an absurd column: MemoryError)."""
    cache = open_cache(".memlint_cache", {}, with_edits=False)
    assert cache.store("a.py", ("MEM101",), DATA, FileResult("a.py", findings=(_planted(**change),)))
    assert cache.lookup("a.py", ("MEM101",), DATA) is None


def test_an_absurd_column_in_an_entry_is_relinted_not_a_traceback(project, capsys):
    (project / "a.py").write_bytes(DATA)
    cold = main(["--select", "MEM101", "--jobs", "1", "a.py"]), capsys.readouterr()
    (entry,) = [p for p in (project / ".memlint_cache").rglob("*") if p.is_file() and len(p.name) == 40]
    stored = json.loads(entry.read_text())
    stored["findings"][0][4] = 10**12  # the column
    entry.write_text(json.dumps(stored))
    assert (main(["--select", "MEM101", "--jobs", "1", "a.py"]), capsys.readouterr()) == cold


def _entry(directory: Path, name: str, age_days: float, now: float) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text("{}")
    os.utime(path, (now - age_days * 86400, now - age_days * 86400))
    return path


def test_old_entries_and_unused_settings_are_pruned(tmp_path, monkeypatch):
    """Old entries were never removed."""
    now = time.time()
    root = tmp_path / "cache"
    root.mkdir()
    (root / "CACHEDIR.TAG").write_text(CACHEDIR_TAG)
    current = root / "0.1.0" / ("a" * 24)
    fresh = _entry(current, "1" * 40, 1, now)
    old = _entry(current, "2" * 40, 40, now)
    stale_tmp = _entry(current, ".tmp-x", 1, now)
    other = root / "0.0.9" / ("b" * 24)
    _entry(other, "3" * 40, 1, now)
    os.utime(other, (now - 8 * 86400, now - 8 * 86400))
    recent = root / "0.1.0" / ("c" * 24)
    kept = _entry(recent, "4" * 40, 1, now)
    stranger = _entry(root / "0.1.0" / "notes", "readme.txt", 100, now)  # not memlint's: left alone
    assert prune_cache(str(root), str(current), now) == 2
    assert fresh.exists() and kept.exists() and stranger.exists()
    assert not old.exists() and not stale_tmp.exists() and not (root / "0.0.9").exists()
    monkeypatch.setattr(memlint.cache, "MAX_ENTRIES", 2)
    newest = [_entry(current, f"{i}" * 40, 0.5 - i / 10, now) for i in (5, 6, 7)]
    assert prune_cache(str(root), str(current), now) == 2
    assert sorted(p.name for p in current.iterdir()) == sorted(p.name for p in newest[1:])  # the newest two


def test_other_directories_are_not_pruned_in_a_cache_memlint_did_not_create(tmp_path):
    now = time.time()
    root = tmp_path / "mine"
    current = root / "0.1.0" / ("a" * 24)
    current.mkdir(parents=True)
    other = _entry(root / "x" / ("b" * 24), "3" * 40, 100, now)
    os.utime(other.parent, (now - 100 * 86400, now - 100 * 86400))
    prune_cache(str(root), str(current), now)
    assert other.exists()


def test_a_run_with_misses_prunes(project, capsys):
    (project / "a.py").write_text(SUM)
    assert run(capsys, "a.py")[0] == 1
    (directory,) = [p for p in (project / ".memlint_cache").glob("*/*") if p.is_dir()]
    old = _entry(directory, "f" * 40, 45, time.time())
    (project / "b.py").write_text("x = 1\n")
    assert run(capsys, "a.py", "b.py")[0] == 1
    assert not old.exists()


# --- smaller: tracebacks and messages ------------------------------------------------------------------------


def _non_utf8_name(directory: Path) -> bytes:
    name = os.fsencode(str(directory)) + b"/caf\xe9.py"
    try:
        with open(name, "wb") as handle:
            handle.write(SUM.encode())
    except (OSError, UnicodeError):
        pytest.skip("the file system refuses names that are not UTF-8")
    return name


@pytest.mark.parametrize("output_format", ["sarif", "concise", "full", "json", "github"])
def test_a_file_name_that_is_not_utf8_is_printed_not_a_traceback(project, output_format):
    _non_utf8_name(project)
    done = subprocess.run(
        [sys.executable, "-m", "memlint", "--select", "MEM101", "--output-format", output_format, "."],
        capture_output=True, timeout=120, env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert (done.returncode, done.stderr) == (1, b"")
    if output_format == "sarif":
        (result,) = json.loads(done.stdout)["runs"][0]["results"]
        assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "caf%E9.py"
    elif output_format != "json":
        assert b"caf\xe9.py:1:13" in done.stdout or b"file=caf\xe9.py" in done.stdout


BIG = "9" * 5000


@pytest.mark.parametrize(
    "code",
    [
        f"x = {BIG}\ntotal = sum([v for v in range({BIG})])\n",
        f"for i in list(range({BIG})):\n    pass\n",
        f"import numpy as np\na = np.zeros({BIG})\n",
        f"parts = []\nfor q in range({BIG}):\n    parts = parts + [q]\n",
    ],
    ids=["MEM101", "MEM102", "MEM203", "MEM401"],
)
def test_an_integer_literal_above_pythons_digit_limit_is_one_mem000(project, capsys, code):
    """Four rules crashed ("Exceeds the limit (4300 digits)") after "All checks passed!".
    Python itself refuses such a file (3.9.14+ and 3.10.7+), so it is a syntax error."""
    (project / "big.py").write_text(code)
    if sys.version_info < (3, 11) and not hasattr(sys, "set_int_max_str_digits"):
        pytest.skip("this Python has no int-string digit limit")
    result = main(["--output-format", "concise", "--jobs", "1", "--no-cache", "big.py"])
    out, err = capsys.readouterr()
    assert (result, err) == (1, "")
    line = 1 if code.startswith("x =") or code.startswith("for") else 2
    assert out.splitlines()[0].startswith(f"big.py:{line}:")
    assert out.splitlines()[0].split(": MEM000 ", 1)[1] == (
        "syntax error: a decimal integer literal of 5,000 digits (Python's limit is 4,300)"
    )
    assert out.splitlines()[1:] == ["Found 1 error."]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("\x0cdef f(data):\n    return " + SUM.split("= ")[1], "\x0cdef f(data):\n    return " + FIXED.split("= ")[1]),
        ("x = 1\n\x0c\n\x0c" + SUM + "\x0cclass A:\n    pass\n", "x = 1\n\x0c\n\x0c" + FIXED + "\x0cclass A:\n    pass\n"),
        ("class A:\n    x = 1\n    \x0cdef f(self):\n        " + SUM, "class A:\n    x = 1\n    \x0cdef f(self):\n        " + FIXED),
    ],
    ids=["first-line", "between-statements", "indented"],
)
def test_a_form_feed_before_a_statement_does_not_stop_fixes(project, capsys, before, after):
    """LibCST drops a form feed that starts a statement's line: fixes were refused with
    "LibCST does not reproduce this file exactly". The form feeds are now kept."""
    path = project / "ff.py"
    path.write_bytes(before.encode())
    assert run(capsys, "--fix", "ff.py")[:3] == (0, "Found 1 error (1 fixed, 0 remaining).\n", "")
    assert path.read_bytes() == after.encode()
    assert run(capsys, "--fix", "ff.py")[:2] == (0, "All checks passed!\n")


def test_edits_of_a_file_with_form_feeds_are_placed_in_the_original(project, capsys):
    """JSON edits are positions in the file as it is (LibCST's text lacks the form feeds)."""
    from memlint.fixing import apply_edits

    text = "\x0cx = 1\n\x0c" + SUM
    (project / "ff.py").write_text(text)
    main(["--select", "MEM101", "--output-format", "json", "--jobs", "1", "ff.py"])
    (entry,) = json.loads(capsys.readouterr().out)
    (edit,) = entry["fix"]["edits"]
    assert (edit["content"], edit["location"], edit["end_location"]) == (
        "x * x for x in data", {"row": 2, "column": 14}, {"row": 2, "column": 35}
    )
    edits = [Edit(edit["content"], Location(2, 14), Location(2, 35))]
    assert apply_edits(text, edits) == "\x0cx = 1\n\x0c" + FIXED


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"x = 'caf\xe9'\n", "bad.py:1:9: MEM000 file is not valid UTF-8: cannot decode byte 0xe9"),
        (b"# caf\xe9\nx = 1\n", "bad.py:1:6: MEM000 file is not valid UTF-8: cannot decode byte 0xe9"),
        (b"x = 1\ny = '\xe9'\n", "bad.py:2:6: MEM000 file is not valid UTF-8: cannot decode byte 0xe9"),
        (b"# coding: klingon\nx = '\xe9'\n", "bad.py:1:1: MEM000 bad encoding declaration: unknown encoding: klingon"),
    ],
    ids=["line-1", "comment-line-1", "line-2", "bad-declaration"],
)
def test_a_bad_byte_without_a_declaration_is_named(project, capsys, data, expected):
    """Latin-1 bytes on line 1 or 2 without a coding cookie were blamed on "the encoding
    declaration" (tokenize's message), which the file does not have."""
    (project / "bad.py").write_bytes(data)
    assert run(capsys, "bad.py") == (1, f"{expected}\nFound 1 error.\n", "")


WIDE = "file is {}; Python source must be UTF-8 or declare an ASCII-compatible encoding"


@pytest.mark.parametrize(
    ("encoding", "described"),
    [
        ("utf-16", "UTF-16 encoded (it starts with a UTF-16 byte order mark)"),
        ("utf-16-be", "UTF-16 encoded (big-endian, without a byte order mark: every other byte is NUL)"),
        ("utf-16-le", "UTF-16 encoded (little-endian, without a byte order mark: every other byte is NUL)"),
        ("utf-32", "UTF-32 encoded (it starts with a UTF-32 byte order mark)"),
    ],
)
def test_a_utf16_file_is_reported_as_utf16(project, capsys, encoding, described):
    """It was reported as "file contains a NUL byte"."""
    (project / "wide.py").write_bytes(SUM.encode(encoding))
    assert run(capsys, "wide.py") == (1, f"wide.py:1:1: MEM000 {WIDE.format(described)}\nFound 1 error.\n", "")


def test_a_real_nul_byte_is_still_a_nul_byte(project, capsys):
    (project / "nul.py").write_bytes(b"x = 1\ny = '\x00'\n")
    assert run(capsys, "nul.py")[1].splitlines()[0] == "nul.py:2:6: MEM000 file contains a NUL byte"
    assert codecs.BOM_UTF8 not in (project / "nul.py").read_bytes()
