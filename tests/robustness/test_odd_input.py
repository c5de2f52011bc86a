"""Odd input, each a test: it lints (and fixes keep its bytes) or gives one clear MEM000; no
traceback, and no file is ever left half-written. Complements test_bad_input.py, which has the
encodings, NUL bytes, syntax errors, unreadable and read-only files."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from memlint.cli import main
import memlint.runner
from memlint.parsing import MAX_FILE_BYTES

SUM = "total = sum([x * x for x in data])\n"
FIXED = "total = sum(x * x for x in data)\n"
MESSAGE = "`sum()` of a list comprehension builds the whole list first; pass a generator expression"
FIXED_ONE = "Found 1 error (1 fixed, 0 remaining).\n"


def run(capsys, *args):
    code = main(["--select", "MEM101", "--output-format", "concise", "--jobs", "1", *args])
    out, err = capsys.readouterr()
    return code, out, err


def finding(path, line, column):
    return f"{path}:{line}:{column}: MEM101 [*] {MESSAGE}"


# --- line endings, whitespace ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # Each line keeps its own ending: the fixed lines are LF, CRLF and LF again.
        (
            b"import os\r\ntotal = sum([x for x in y])\nz = 1\r\nw = sum([q for q in y])\r\nv = sum([r for r in y])\n",
            b"import os\r\ntotal = sum(x for x in y)\nz = 1\r\nw = sum(q for q in y)\r\nv = sum(r for r in y)\n",
        ),
        # No newline at the end of the file: none is added.
        (b"total = sum([x for x in y])", b"total = sum(x for x in y)"),
        (b"import os\r\ntotal = sum([x for x in y])", b"import os\r\ntotal = sum(x for x in y)"),
    ],
    ids=["mixed-lf-crlf", "no-final-newline", "crlf-no-final-newline"],
)
def test_fixes_keep_every_line_ending(project, capsys, before, after):
    path = project / "mixed.py"
    path.write_bytes(before)
    code, out, err = run(capsys, "--fix", "mixed.py")
    assert (code, err) == (0, "")
    assert path.read_bytes() == after


def test_bare_carriage_returns_are_linted_but_not_fixed(project, capsys):
    """LibCST drops the last line ending of a file that uses bare CRs (old Mac OS): rather than
    change more than the fix, memlint leaves such a file alone and says why."""
    data = b"x = 1\rtotal = sum([x for x in y])\r"
    path = project / "mac.py"
    path.write_bytes(data)
    code, out, err = run(capsys, "--fix", "mac.py")
    assert code == 2
    assert out.splitlines()[0] == finding("mac.py", 2, 13)
    assert err == "memlint: error: mac.py: LibCST does not reproduce this file exactly; fixes not applied\n"
    assert path.read_bytes() == data


def test_tabs_and_form_feeds_are_kept(project, capsys):
    data = "if x:\n\ttotal = sum([x for x in y])\n\f\nclass A:\n\tdef f(self):\n\t\treturn sum([a for a in self])\n"
    path = project / "tabs.py"
    path.write_text(data)
    code, out, _ = run(capsys, "tabs.py")
    # Columns count a tab as one character, like flake8 and Ruff.
    assert (code, out.splitlines()[:2]) == (1, [finding("tabs.py", 2, 14), finding("tabs.py", 6, 14)])
    assert run(capsys, "--fix", "tabs.py")[:2] == (0, "Found 2 errors (2 fixed, 0 remaining).\n")
    assert path.read_text() == data.replace("([x for x in y])", "(x for x in y)").replace("([a for a in self])", "(a for a in self)")


def test_inconsistent_tabs_is_one_mem000(project, capsys):
    (project / "tab.py").write_text("if x:\n\ty = 1\n        z = 2\n")
    assert run(capsys, "tab.py")[:2] == (
        1, "tab.py:3:1: MEM000 syntax error: inconsistent use of tabs and spaces in indentation\nFound 1 error.\n"
    )


@pytest.mark.parametrize(
    "data", [b"# only\n# comments\n\n   # an indented one\n", b"\n\n\n", b" \t\n\f\n", b"#!/usr/bin/env python\n"],
    ids=["comments", "blank-lines", "whitespace", "shebang"],
)
def test_files_without_code_are_clean(project, capsys, data):
    (project / "nothing.py").write_bytes(data)
    assert run(capsys, "nothing.py") == (0, "All checks passed!\n", "")


def test_control_character_is_one_mem000(project, capsys):
    (project / "ctrl.py").write_bytes(b"x = 1\x1a\n" + SUM.encode())
    # CPython's wording: 3.9 says only "invalid syntax".
    detail = "invalid non-printable character U+001A" if sys.version_info >= (3, 10) else "invalid syntax"
    assert run(capsys, "ctrl.py")[:2] == (
        1, f"ctrl.py:1:6: MEM000 syntax error: {detail}\nFound 1 error.\n"
    )


def test_non_ascii_identifiers_and_line_separators_in_strings(project, capsys):
    # U+2028 inside a string is not a line break for Python: positions must not drift.
    data = 's = "a\u2028b"\n\U0001d400 = 1\ntotal = sum([\U0001d400 for x in y])\n'
    path = project / "uni.py"
    path.write_text(data, encoding="utf-8")
    assert run(capsys, "uni.py")[1].splitlines()[0] == finding("uni.py", 3, 13)
    assert run(capsys, "--fix", "uni.py")[:2] == (0, FIXED_ONE)
    assert path.read_text(encoding="utf-8") == data.replace("([\U0001d400 for x in y])", "(\U0001d400 for x in y)")


# --- size --------------------------------------------------------------------------------------------


def test_file_above_the_size_limit_is_one_mem000(project, capsys):
    path = project / "huge.py"
    line = b"x = 1\n"
    path.write_bytes(line * (MAX_FILE_BYTES // len(line) + 1))
    size = path.stat().st_size
    code, out, err = run(capsys, "huge.py")
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        f"huge.py:1:1: MEM000 file is too large to lint ({size:,} bytes; the limit is {MAX_FILE_BYTES:,})",
        "Found 1 error.",
    ]


@pytest.mark.slow
def test_ten_megabyte_generated_file_lints(project, capsys):
    """A generated 10 MB module (long string constants and a function every 500 lines) is linted
    to the end: a finding on its last line proves it. Measured with --select MEM101: 7 s of CPU,
    0.5 GB. It stays under the token limit (parsing.MAX_TOKENS): its tokens are few and long. (A
    10 MB table of small tuples would take LibCST alone 7 GB: test_trust.py has those.)"""
    chunks = []
    size = 0
    index = 0
    while size < 10_000_000:
        if index % 500 == 0:
            chunk = f"def f{index}(data):\n    return len(data)\n\n"
        else:
            chunk = f"NAME_{index:06d} = {'x' * 200!r}  # generated\n"
        chunks.append(chunk)
        size += len(chunk)
        index += 1
    text = "".join(chunks) + SUM
    (project / "big.py").write_text(text)
    last = text.count("\n")
    start = time.perf_counter()
    code, out, err = run(capsys, "big.py")
    elapsed = time.perf_counter() - start
    assert (code, err) == (1, "")
    assert out.splitlines() == [finding("big.py", last, 13), "Found 1 error.", "[*] 1 fixable with the `--fix` option."]
    assert elapsed < 600


# --- nesting -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "expression",
    [
        " + ".join(["1"] * 1000),
        "not " * 1000 + "1",
        "lambda: " * 1000 + "1",
        "a" + "[0]" * 1000,
        "1" + " < 1" * 1000,
        "a if b else (" * 150 + "1" + ")" * 150,
        "[" + "y for y in " * 100 + "z]",
        " and ".join(["x"] * 1000),
    ],
    ids=["binary-1000", "not-1000", "lambda-1000", "subscript-1000", "compare-1000", "ternary-150",
         "comprehension-100", "boolean-1000"],
)
def test_expressions_nested_1000_deep_are_linted(project, capsys, expression):
    """Deep LibCST trees (each of these nests about 1,000 nodes) go past the default recursion
    limit in parsing and visiting; the file is linted to the end, not dropped."""
    (project / "deep.py").write_text(f"x = {expression}\n{SUM}")
    code, out, err = run(capsys, "deep.py")
    assert (code, err) == (1, "")
    assert out.splitlines()[0] == finding("deep.py", 2, 13)


def test_statements_nested_as_deep_as_python_allows(project, capsys):
    # CPython allows 100 indentation levels ("too many levels of indentation" beyond).
    lines = [" " * depth + "if x:\n" for depth in range(99)]
    (project / "ifs.py").write_text("".join(lines) + " " * 99 + SUM)
    assert run(capsys, "ifs.py")[1].splitlines()[0] == finding("ifs.py", 100, 112)


@pytest.mark.parametrize("expression", [
    " + ".join(["1"] * 10000),  # 3.9 compiles it and LibCST's native parser then dies (SIGSEGV)
    "-" * 3500 + "1",
    "a" + ".b" * 3500,
    "a" + ".b" * 7000,  # 3.13 compiles it and LibCST's native parser then dies (SIGSEGV)
])
def test_expression_python_cannot_compile_is_one_mem000(project, capsys, expression):
    # Python 3.10 to 3.12 refuse these; on 3.9 and 3.13, which accept them and whose LibCST then
    # dies (SIGSEGV), memlint measures the depth itself (parsing.MAX_AST_DEPTH).
    (project / "long.py").write_text("x = " + expression + "\n" + SUM)
    assert run(capsys, "long.py")[:2] == (1, "long.py:1:1: MEM000 too deeply nested for Python's parser\nFound 1 error.\n")


def test_expression_as_deep_as_python_allows_is_linted(project, capsys):
    (project / "long.py").write_text("x = " + " + ".join(["1"] * 2500) + "\n" + SUM)
    code, out, _ = run(capsys, "long.py")
    assert (code, out.splitlines()[0]) == (1, finding("long.py", 2, 13))


# --- syntax of other Python versions ---------------------------------------------------------------

PY312 = '''\
type Point = tuple[float, float]
type ListOrSet[T] = list[T] | set[T]


class Box[T: (int, str), *Ts, **P]:
    def get[U](self, x: U) -> U:
        return x


def first[T](items: list[T]) -> T:
    return items[0]


songs = ["a", "b"]
s = f"{'\\n'.join(songs)} {f"{f"{songs[0]}"}"}"
total = sum([x * x for x in data])
'''


def test_python_312_syntax_is_linted_and_fixed(project, capsys):
    """PEP 695 type parameters and aliases, PEP 701 f-strings: LibCST parses them on any Python."""
    path = project / "new.py"
    path.write_text(PY312)
    assert run(capsys, "new.py")[1].splitlines()[0] == finding("new.py", 16, 13)
    assert run(capsys, "--fix", "new.py")[:2] == (0, FIXED_ONE)
    assert path.read_text() == PY312.replace(SUM, FIXED)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        # (`except E, e:` is not here: Python 3.14 accepts it (PEP 758) and so does LibCST;
        # `print >>f, x` is a valid Python 3 expression.)
        ("x = `1`\n", "py2.py:1:5: MEM000 syntax error: invalid syntax"),
        ("print 'hello'\n", "py2.py:1:1: MEM000 syntax error: Missing parentheses in call to 'print'. Did you mean print(...)?"),
        ("exec 'x = 1'\n", "py2.py:1:1: MEM000 syntax error: Missing parentheses in call to 'exec'. Did you mean exec(...)?"),
        ("x = 0777\n", "py2.py:1:5: MEM000 syntax error: leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers"),
    ],
    ids=["backticks", "print-statement", "exec-statement", "octal"],
)
@pytest.mark.skipif(sys.version_info < (3, 10), reason="Python 3.10's error messages")
def test_python_2_file_is_one_mem000(project, capsys, data, expected):
    (project / "py2.py").write_text(data + SUM)
    code, out, err = run(capsys, "py2.py")
    assert (code, err) == (1, "")
    assert out.splitlines() == [expected, "Found 1 error."]


# --- special files -------------------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_named_pipe_in_a_directory_is_skipped(project, capsys):
    """Reading a FIFO nobody writes to blocks forever: walking a directory lints regular files only."""
    (project / "pkg").mkdir()
    os.mkfifo(project / "pkg" / "pipe.py")
    (project / "pkg" / "a.py").write_text(SUM)
    done = subprocess.run(
        [sys.executable, "-m", "memlint", "--select", "MEM101", "--output-format", "concise", "pkg"],
        cwd=project, capture_output=True, timeout=60,
    )
    assert (done.returncode, done.stderr) == (1, b"")
    assert done.stdout.decode().splitlines() == [finding(os.path.join("pkg", "a.py"), 1, 13), "Found 1 error.",
                                                 "[*] 1 fixable with the `--fix` option."]


def test_directory_named_like_a_python_file(project, capsys):
    (project / "pkg.py").mkdir()
    (project / "pkg.py" / "a.py").write_text(SUM)
    assert run(capsys, ".")[1].splitlines()[0] == finding(os.path.join("pkg.py", "a.py"), 1, 13)


# --- never half-written --------------------------------------------------------------------------------


def _leftovers(project):
    return sorted(p.name for p in project.iterdir() if p.name.startswith(".memlint-"))


def test_disk_full_while_writing_leaves_the_file_as_it_was(project, capsys, monkeypatch):
    def full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(memlint.runner.os, "fsync", full)
    path = project / "a.py"
    path.write_text(SUM)
    code, out, err = run(capsys, "--fix", "a.py")
    assert code == 2
    assert out.splitlines()[0] == finding("a.py", 1, 13)
    assert err == "memlint: error: a.py: cannot write fixes: no space left on device (file left unchanged)\n"
    assert path.read_text() == SUM
    assert _leftovers(project) == []


def test_interrupt_while_writing_leaves_the_file_as_it_was(project, capsys, monkeypatch):
    """Ctrl-C between writing the temporary file and renaming it: the temporary file is removed,
    the original is untouched, memlint says it was interrupted (no traceback) and exits 130."""
    def interrupt(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(memlint.runner.os, "fsync", interrupt)
    path = project / "a.py"
    path.write_text(SUM)
    code, out, err = run(capsys, "--fix", "a.py")
    assert (code, out, err) == (130, "", "memlint: interrupted\n")
    assert path.read_text() == SUM
    assert _leftovers(project) == []


def test_exception_while_writing_leaves_the_file_as_it_was(project, monkeypatch):
    """Any exception mid-write (here one raised after the temporary file is written, at the rename)
    propagates only after the temporary file is gone; the original is untouched."""
    renames = []

    def broken(source, target):
        renames.append(source)
        assert os.path.exists(source)  # the temporary file was written
        raise RuntimeError("boom")

    monkeypatch.setattr(memlint.runner.os, "replace", broken)
    path = project / "a.py"
    path.write_text(SUM)
    with pytest.raises(RuntimeError):
        memlint.runner.write_fixed(str(path), FIXED)
    assert len(renames) == 1
    assert path.read_text() == SUM
    assert _leftovers(project) == []


KILLER = """
import os, signal, sys
import memlint.runner
from memlint.cli import main

real_fsync = os.fsync
calls = []

def fsync_then_die(fd):
    calls.append(fd)
    if len(calls) == 3:  # the third fixed file is written to its temporary file, not renamed yet
        os.kill(os.getpid(), signal.SIGKILL)
    real_fsync(fd)

memlint.runner.os.fsync = fsync_then_die
sys.exit(main(["--select", "MEM101", "--fix", "--jobs", "1", "."]))
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="no SIGKILL")
def test_process_killed_mid_run_leaves_no_file_half_written(project):
    originals = {f"m{i}.py": f"import os\n{i}\n" + SUM * (i + 1) for i in range(6)}
    for name, text in originals.items():
        (project / name).write_text(text)
    done = subprocess.run([sys.executable, "-c", KILLER], cwd=project, capture_output=True, timeout=120)
    assert done.returncode == -signal.SIGKILL
    states = {}
    for name, text in originals.items():
        content = (project / name).read_text()
        fixed = text.replace(SUM, FIXED)
        assert content in (text, fixed), name
        states[name] = "fixed" if content == fixed else "original"
    # Files are fixed in sorted order: two were renamed into place, the kill hit the third.
    assert states == {"m0.py": "fixed", "m1.py": "fixed", "m2.py": "original", "m3.py": "original",
                      "m4.py": "original", "m5.py": "original"}
