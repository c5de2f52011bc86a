"""Configuration and command-line abuse: each is one line naming the problem, exit 2, no
traceback. Complements test_config.py (every key's wrong type) and test_cli.py (unknown codes,
bad --jobs, --fix with --diff)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from memlint.cli import main

SUM = "total = sum([x * x for x in data])\n"


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "a.py").write_text(SUM)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'[tool.memlint]\nselect = ["\xff"]\n', "invalid TOML: not valid UTF-8 (byte 0xff at offset 26)"),
        (b"\xff\xfe[\x00t\x00o\x00o\x00l\x00]\x00", "invalid TOML: not valid UTF-8 (byte 0xff at offset 0)"),
        (b'[tool.memlint]\nselect = ["MEM101"]\nselect = ["MEM1"]\n', "invalid TOML: Cannot overwrite a value (at line 3, column 18)"),
        (b"[tool.memlint]\n[tool.memlint]\n", "invalid TOML: Cannot declare ('tool', 'memlint') twice (at line 2, column 14)"),
        (b'[tool.memlint]\nselect = ["MEM101"\n', "invalid TOML: "),
        (b"[tool.memlint]\nselect = [\x00]\n", "invalid TOML: "),
    ],
    ids=["invalid-utf8", "utf16", "duplicate-key", "duplicate-table", "unclosed-array", "nul"],
)
def test_unreadable_toml_is_one_line(project, capsys, data, message):
    (project / "pyproject.toml").write_bytes(data)
    code, out, err = run(capsys, "a.py")
    assert (code, out) == (2, "")
    expected = f"memlint: error: {project / 'pyproject.toml'}: {message}"
    assert err.count("\n") == 1
    if message.endswith(": "):  # tomllib's wording for these varies between its versions
        assert err.startswith(expected)
    else:
        assert err == expected + "\n"


def test_explicit_config_without_memlint_table_uses_the_defaults(project, capsys):
    (project / "other.toml").write_text('[project]\nname = "x"\n')
    code, out, err = run(capsys, "--config", "other.toml", "--output-format", "concise", "a.py")
    assert (code, err) == (1, "")
    assert out.splitlines()[0].startswith("a.py:1:13: MEM101 [*] ")


def test_config_that_is_a_directory(project, capsys):
    (project / "conf").mkdir()
    assert run(capsys, "--config", "conf", "a.py") == (2, "", "memlint: error: conf: config file not found\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--select", "ALL,-MEM1"], "memlint: error: --select: unknown rule selector '-MEM1'"),
        (["--select", "MEM 101"], "memlint: error: --select: unknown rule selector 'MEM 101'"),
        (["--select", "M"], "memlint: error: --select: unknown rule selector 'M'"),
        (["--ignore", "ALLX"], "memlint: error: --ignore: unknown rule selector 'ALLX'"),
        (["--show-settings", "--select", "NOPE"], "memlint: error: --select: unknown rule selector 'NOPE'"),
        (["--fix", "--diff", "-"], "memlint: error: --fix and --diff cannot be used together (--diff shows what --fix would do)"),
        (["--stdin-filename", "a.py", "--fix", "--diff"], "memlint: error: --fix and --diff cannot be used together (--diff shows what --fix would do)"),
        (["missing.py"], "memlint: error: missing.py: no such file or directory"),
        ([""], "memlint: error: : no such file or directory"),
        (["rule", "MEM1"], "memlint: error: unknown rule 'MEM1' (`memlint rules` lists them)"),
    ],
    ids=["dash-prefix", "space", "too-short", "ignore-allx", "show-settings", "fix-diff-stdin",
         "fix-diff-stdin-filename", "missing", "empty-path", "rule-prefix"],
)
def test_one_line_errors(project, capsys, args, message):
    assert run(capsys, *args) == (2, "", message + "\n")


@pytest.mark.parametrize(
    ("args", "last_line"),
    [
        (["--output-format", "xml", "a.py"], "memlint: error: argument --output-format: invalid choice: 'xml' (choose from 'full', 'concise', 'json', 'json-lines', 'sarif', 'github', 'gitlab', 'junit', 'pylint')"),
        (["--select"], "memlint: error: argument --select: expected one argument"),
        (["rule"], "memlint rule: error: the following arguments are required: code"),
        (["rules", "extra"], "memlint rules: error: unrecognized arguments: extra"),
    ],
    ids=["bad-format", "select-without-value", "rule-without-code", "rules-extra"],
)
def test_usage_errors_end_with_one_line_naming_the_problem(project, capsys, args, last_line):
    """argparse's usage errors: the usage, then the problem on the last line; exit 2."""
    code, out, err = run(capsys, *args)
    assert (code, out) == (2, "")
    assert err.splitlines()[-1] == last_line
    assert "Traceback" not in err


def test_broken_config_through_the_real_entry_point(project):
    (project / "pyproject.toml").write_bytes(b"[tool.memlint]\nselect = ['\xe9']\n")
    done = subprocess.run([sys.executable, "-m", "memlint", "a.py"], cwd=project, capture_output=True, timeout=60)
    assert (done.returncode, done.stdout) == (2, b"")
    assert done.stderr.decode() == (
        f"memlint: error: {project / 'pyproject.toml'}: invalid TOML: not valid UTF-8 (byte 0xe9 at offset 26)\n"
    )
