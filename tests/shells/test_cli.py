"""The command line: exit codes, messages and output asserted exactly."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from memlint.cli import main
from memlint.registry import all_rules

SUM = "total = sum([x * x for x in data])\n"
FIXED = "total = sum(x * x for x in data)\n"
ALL_ = "ok = all([check(x) for x in data])\n"  # MEM101's fix is unsafe here (all() short-circuits)
MESSAGE = "`sum()` of a list comprehension builds the whole list first; pass a generator expression"
ALL_MESSAGE = "`all()` of a list comprehension builds the whole list first; pass a generator expression"
HIDDEN = "(1 hidden fix can be enabled with the `--unsafe-fixes` option.)"


def run(capsys, *args):
    code = main(["--select", "MEM101", *args])
    out, err = capsys.readouterr()
    return code, out, err


def subprocess_run(cwd, *args, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "memlint", "--select", "MEM101", *args],
        cwd=cwd, input=stdin, capture_output=True, timeout=60,
    )


# --- exit codes -------------------------------------------------------------------------------


def test_clean_file_exits_0(project, capsys):
    (project / "clean.py").write_text("x = 1\n")
    assert run(capsys, "clean.py") == (0, "All checks passed!\n", "")


def test_findings_exit_1_full_output(project, capsys):
    (project / "a.py").write_text("import os\n" + SUM)
    code, out, err = run(capsys, "a.py")
    assert code == 1
    assert err == ""
    assert out == (
        f"a.py:2:13: MEM101 [*] {MESSAGE}\n"
        "  |\n"
        "2 | total = sum([x * x for x in data])\n"
        "  |             ^^^^^^^^^^^^^^^^^^^^^ MEM101\n"
        "  = help: Replace the comprehension with a generator expression\n"
        "\n"
        "Found 1 error.\n"
        "[*] 1 fixable with the `--fix` option.\n"
    )


def test_concise_lines_have_1_based_columns(project, capsys):
    (project / "a.py").write_text(SUM + "def f(data):\n    return max([d for d in data])\n")
    code, out, _ = run(capsys, "--output-format", "concise", "a.py")
    assert code == 1
    assert out.splitlines() == [
        f"a.py:1:13: MEM101 [*] {MESSAGE}",
        "a.py:3:16: MEM101 [*] `max()` of a list comprehension builds the whole list first; pass a generator expression",
        "Found 2 errors.",
        "[*] 2 fixable with the `--fix` option.",
    ]


def test_unsafe_fix_is_not_marked_fixable_without_unsafe_fixes(project, capsys):
    (project / "a.py").write_text(ALL_)
    code, out, _ = run(capsys, "--output-format", "concise", "a.py")
    assert (code, out) == (1, f"a.py:1:10: MEM101 {ALL_MESSAGE}\nFound 1 error.\n{HIDDEN}\n")
    code, out, _ = run(capsys, "--output-format", "concise", "--unsafe-fixes", "a.py")
    assert (code, out) == (
        1, f"a.py:1:10: MEM101 [*] {ALL_MESSAGE}\nFound 1 error.\n[*] 1 fixable with the `--fix --unsafe-fixes` option.\n"
    )


def test_exit_zero(project, capsys):
    (project / "a.py").write_text(SUM)
    code, out, _ = run(capsys, "--exit-zero", "--output-format", "concise", "a.py")
    assert code == 0
    assert out.startswith(f"a.py:1:13: MEM101 [*] {MESSAGE}\n")


def test_nonexistent_path_exits_2(project, capsys):
    (project / "a.py").write_text(SUM)
    assert run(capsys, "a.py", "nope.py") == (2, "", "memlint: error: nope.py: no such file or directory\n")


def test_fix_and_diff_together_exit_2(project, capsys):
    (project / "a.py").write_text(SUM)
    assert run(capsys, "--fix", "--diff", "a.py") == (
        2, "", "memlint: error: --fix and --diff cannot be used together (--diff shows what --fix would do)\n"
    )
    assert (project / "a.py").read_text() == SUM


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--select", "FOO", "memlint: error: --select: unknown rule selector 'FOO'\n"),
        ("--extend-select", "MEM101,MEM999", "memlint: error: --extend-select: unknown rule selector 'MEM999'\n"),
        ("--ignore", "E501", "memlint: error: --ignore: unknown rule selector 'E501'\n"),
    ],
)
def test_unknown_code_on_command_line_exits_2(project, capsys, option, value, message):
    (project / "a.py").write_text(SUM)
    code = main([option, value, "a.py"])
    out, err = capsys.readouterr()
    assert (code, out, err) == (2, "", message)


@pytest.mark.parametrize(
    ("value", "message"), [("0", "must be at least 1"), ("-3", "must be at least 1"), ("many", "invalid number: 'many'")]
)
def test_bad_jobs_exits_2(project, capsys, value, message):
    (project / "a.py").write_text(SUM)
    code, out, err = run(capsys, "--jobs", value, "a.py")
    assert code == 2
    assert out == ""
    assert err.splitlines()[-1] == f"memlint: error: argument --jobs/-j: {message}"
    assert "Traceback" not in err


def test_unknown_option_exits_2(project, capsys):
    code, out, err = run(capsys, "--frobnicate")
    assert code == 2
    assert err.splitlines()[-1] == "memlint: error: unrecognized arguments: --frobnicate"


def test_dash_combined_with_paths_exits_2(project, capsys):
    (project / "a.py").write_text(SUM)
    assert run(capsys, "-", "a.py") == (
        2, "", "memlint: error: `-` (standard input) cannot be combined with other paths\n"
    )


def test_version_and_help_exit_0(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("memlint ")
    assert main(["--help"]) == 0
    assert "usage: memlint" in capsys.readouterr().out


# --- rule documentation -----------------------------------------------------------------------


def test_rule_prints_its_doc(capsys):
    assert main(["rule", "MEM101"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# MEM101 `comprehension-in-reducer`\n")
    for section in ("## What it does", "## Why is this bad?", "## Example", "## Fix safety", "## Options"):
        assert f"\n{section}\n" in out
    assert main(["rule", "comprehension-in-reducer"]) == 0
    assert capsys.readouterr().out == out
    assert main(["rule", "mem101"]) == 0
    assert capsys.readouterr().out == out


def test_unknown_rule_exits_2(capsys):
    assert main(["rule", "nope"]) == 2
    assert capsys.readouterr() == ("", "memlint: error: unknown rule 'nope' (`memlint rules` lists them)\n")


def test_rules_lists_every_rule(capsys):
    assert main(["rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["code", "name", "fix", "tier"]
    assert [line.split()[0] for line in lines[1:]] == list(all_rules())
    mem101 = next(line for line in lines if line.startswith("MEM101 "))
    assert mem101.split() == ["MEM101", "comprehension-in-reducer", "always", "stable"]


# --- statistics and settings ------------------------------------------------------------------


def test_statistics(project, capsys):
    (project / "a.py").write_text(SUM * 2 + ALL_)
    code, out, err = run(capsys, "--statistics", "a.py")
    assert (code, out, err) == (1, "3\tMEM101\t[*] comprehension-in-reducer\n", "")


def test_statistics_clean_prints_nothing(project, capsys):
    (project / "a.py").write_text("x = 1\n")
    assert run(capsys, "--statistics", "a.py") == (0, "", "")


def test_show_settings(project, capsys):
    (project / "pyproject.toml").write_text('[tool.memlint]\nignore = ["MEM1"]\nextend-exclude = ["gen"]\n')
    code, out, err = run(capsys, "--show-settings", "--unsafe-fixes")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"config file: {project / 'pyproject.toml'}"
    assert lines[1] == "enabled rules: MEM101"  # the command line's --select beats the file's ignore
    assert "unsafe_fixes: True" in lines
    assert "extend_exclude: ('gen',)" in lines
    assert "output_format: 'full'" in lines
    assert f"root: {str(project)!r}" in lines


# --- fixes ------------------------------------------------------------------------------------


def test_fix_writes_file_and_exits_0(project, capsys):
    (project / "a.py").write_text("import os\n" + SUM + "m = max([v for v in values], default=0)\n")
    code, out, err = run(capsys, "--fix", "a.py")
    assert (code, out, err) == (0, "Found 2 errors (2 fixed, 0 remaining).\n", "")
    assert (project / "a.py").read_text() == (
        "import os\n" + FIXED + "m = max((v for v in values), default=0)\n"
    )
    # A second run finds nothing and changes nothing.
    assert run(capsys, "--fix", "a.py") == (0, "All checks passed!\n", "")


def test_fix_leaves_unsafe_fixes_alone(project, capsys):
    (project / "a.py").write_text(SUM + ALL_)
    code, out, _ = run(capsys, "--fix", "--output-format", "concise", "a.py")
    assert code == 1
    assert out == (
        f"a.py:2:10: MEM101 {ALL_MESSAGE}\n"
        "Found 2 errors (1 fixed, 1 remaining).\n"
        f"{HIDDEN}\n"
    )
    assert (project / "a.py").read_text() == FIXED + ALL_


def test_fix_with_unsafe_fixes(project, capsys):
    (project / "a.py").write_text(SUM + ALL_)
    code, out, _ = run(capsys, "--fix", "--unsafe-fixes", "a.py")
    assert (code, out) == (0, "Found 2 errors (2 fixed, 0 remaining).\n")
    assert (project / "a.py").read_text() == FIXED + "ok = all(check(x) for x in data)\n"


def test_diff_prints_and_writes_nothing(project, capsys):
    path = project / "a.py"
    path.write_bytes(("import os\n" + SUM).encode())
    before = path.read_bytes()
    stat = path.stat()
    code, out, err = run(capsys, "--diff", "a.py")
    assert code == 1
    assert out == (
        "--- a.py\n"
        "+++ a.py\n"
        "@@ -1,2 +1,2 @@\n"
        " import os\n"
        "-total = sum([x * x for x in data])\n"
        "+total = sum(x * x for x in data)\n"
    )
    assert err == "Would apply 1 fix.\n"
    assert path.read_bytes() == before
    assert path.stat().st_mtime_ns == stat.st_mtime_ns
    assert sorted(p.name for p in project.iterdir()) == ["a.py", "pyproject.toml"]


def test_diff_with_nothing_to_fix_exits_0(project, capsys):
    (project / "a.py").write_text(ALL_)
    # all() of a list comprehension has an unsafe fix only: --diff says it left it out.
    hidden = "No fixes available (1 hidden fix can be enabled with the `--unsafe-fixes` option).\n"
    assert run(capsys, "--diff", "a.py") == (0, "", hidden)
    (project / "b.py").write_text("x = 1\n")
    assert run(capsys, "--diff", "b.py") == (0, "", "No fixes available.\n")


# --- standard input ---------------------------------------------------------------------------


def test_stdin_dash(project, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", _Stdin(SUM.encode()))
    code, out, _ = run(capsys, "--output-format", "concise", "-")
    assert (code, out.splitlines()[0]) == (1, f"-:1:13: MEM101 [*] {MESSAGE}")


def test_stdin_filename_names_the_findings(project, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", _Stdin(SUM.encode()))
    code, out, _ = run(capsys, "--output-format", "concise", "--stdin-filename", "pkg/mod.py", "-")
    assert (code, out.splitlines()[0]) == (1, f"pkg/mod.py:1:13: MEM101 [*] {MESSAGE}")


def test_stdin_filename_applies_per_file_ignores(project, capsys, monkeypatch):
    (project / "pyproject.toml").write_text('[tool.memlint.per-file-ignores]\n"tests/*" = ["MEM101"]\n')
    monkeypatch.setattr(sys, "stdin", _Stdin(SUM.encode()))
    assert run(capsys, "--stdin-filename", "tests/test_x.py") == (0, "All checks passed!\n", "")


def test_stdin_fix_prints_fixed_code(project, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", _Stdin(SUM.encode()))
    code = main(["--select", "MEM101", "--fix", "-"])
    captured = capsys.readouterr()
    assert (code, captured.out, captured.err) == (0, FIXED, "Found 1 error (1 fixed, 0 remaining).\n")


def test_stdin_diff(project, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", _Stdin(SUM.encode()))
    code = main(["--select", "MEM101", "--diff", "--stdin-filename", "s.py"])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.out == f"--- s.py\n+++ s.py\n@@ -1 +1 @@\n-{SUM}+{FIXED}"
    assert captured.err == "Would apply 1 fix.\n"


class _Stdin:
    def __init__(self, data: bytes) -> None:
        import io

        self.buffer = io.BytesIO(data)


def test_real_entry_point_stdin(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.memlint]\n")
    done = subprocess_run(tmp_path, "--output-format", "concise", "--stdin-filename", "x/y.py", "-", stdin=SUM.encode())
    assert done.returncode == 1
    assert done.stdout.decode().splitlines() == [
        f"x/y.py:1:13: MEM101 [*] {MESSAGE}", "Found 1 error.", "[*] 1 fixable with the `--fix` option.",
    ]
    assert done.stderr == b""


def test_real_entry_point_stdin_fix(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.memlint]\n")
    done = subprocess_run(tmp_path, "--fix", "-", stdin=(SUM + ALL_).encode())
    assert done.returncode == 1
    assert done.stdout == (FIXED + ALL_).encode()
    assert done.stderr.decode().splitlines()[0] == f"-:2:10: MEM101 {ALL_MESSAGE}"
    assert "Found 2 errors (1 fixed, 1 remaining)." in done.stderr.decode().splitlines()


def test_real_entry_point_stdin_fix_unchanged_is_echoed(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.memlint]\n")
    source = "x = 1\r\ny = 'caf\u00e9'\r\n".encode()
    done = subprocess_run(tmp_path, "--fix", "-", stdin=source)
    assert (done.returncode, done.stdout, done.stderr) == (0, source, b"All checks passed!\n")


def test_real_entry_point_exit_codes(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.memlint]\n")
    (tmp_path / "a.py").write_text(SUM)
    assert subprocess_run(tmp_path, "a.py").returncode == 1
    missing = subprocess_run(tmp_path, "nope.py")
    assert (missing.returncode, missing.stdout, missing.stderr) == (
        2, b"", b"memlint: error: nope.py: no such file or directory\n"
    )


# --- parallel runs ----------------------------------------------------------------------------


def test_jobs_1_and_jobs_2_give_identical_output(project, capsys):
    package = project / "pkg"
    package.mkdir()
    for i in range(10):
        body = "".join(f"v{j} = sum([x * {j} for x in data])\n" for j in range(i % 3 + 1))
        (package / f"m{i}.py").write_text(("x = (\n" if i == 7 else "") + body)
    serial = run(capsys, "--jobs", "1", "pkg")
    parallel = run(capsys, "--jobs", "2", "pkg")
    assert serial == parallel
    assert serial[0] == 1
    assert "Found 18 errors." in serial[1]
    # CPython's wording and position: "1:5 ... '(' was never closed" (3.10+), "2:4 ... invalid syntax" (3.9).
    (mem000,) = [line for line in serial[1].splitlines() if " MEM000 " in line]
    assert mem000.startswith("pkg/m7.py:") and " MEM000 syntax error: " in mem000
    # Fixing in parallel writes every file but the unparsable one.
    code, out, err = run(capsys, "--jobs", "2", "--fix", "--output-format", "concise", "pkg")
    assert (code, err) == (1, "")
    assert out == f"{mem000}\nFound 18 errors (17 fixed, 1 remaining).\n"
    for i in range(10):
        assert ("sum([" in (package / f"m{i}.py").read_text()) == (i == 7)
