"""A Ruff or flake8 user's habits work: conventions, with exit codes and messages asserted exactly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from memlint.cli import main
from memlint.registry import all_rules
from memlint.suppression import RUFF_EQUIVALENTS

SUM = "total = sum([x * x for x in data])\n"
FIXED = "total = sum(x * x for x in data)\n"
ALL_ = "ok = all([check(x) for x in data])\n"  # MEM101's fix is unsafe here
SUM_MESSAGE = "`sum()` of a list comprehension builds the whole list first; pass a generator expression"
ALL_MESSAGE = "`all()` of a list comprehension builds the whole list first; pass a generator expression"
NO_FILES = "warning: No Python files found under the given path(s)\n"
BROKEN = "def f(:\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.memlint]\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str):
    code = main(["--no-cache", *args])
    out, err = capsys.readouterr()
    return code, out, err


# --- things that looked clean but were not -----------------------------------------------------------


@pytest.mark.parametrize("header", ["# memlint: noqa\n", "# flake8: noqa\n", "# memlint: noqa: MEM101\n"])
def test_no_noqa_hides_a_syntax_error(project, capsys, header):
    (project / "bad.py").write_text(header + "x = sum([y for y in z])  # noqa\n" + BROKEN)
    code, out, _ = run(capsys, "--output-format", "concise", "bad.py")
    assert code == 1
    assert out.startswith("bad.py:3:") and " MEM000 syntax error" in out.splitlines()[0]
    assert out.splitlines()[1] == "Found 1 error."


def test_no_noqa_hides_a_syntax_error_when_no_rule_is_selected(project, capsys):
    (project / "bad.py").write_text(BROKEN)
    code, out, _ = run(capsys, "--output-format", "concise", "--ignore", "MEM", "bad.py")
    assert (code, out.splitlines()[-1]) == (1, "Found 1 error.")


def test_ignore_mem000_is_accepted_and_hides_only_mem000(project, capsys):
    (project / "bad.py").write_text(BROKEN)
    (project / "a.py").write_text(SUM)
    code, out, err = run(capsys, "--output-format", "concise", "--ignore", "MEM000", "bad.py", "a.py")
    assert (code, out, err) == (1, f"a.py:1:13: MEM101 [*] {SUM_MESSAGE}\nFound 1 error.\n[*] 1 fixable with the `--fix` option.\n", "")
    # MEM000 is not a rule: no prefix names it, and `MEM` does not hide it.
    assert run(capsys, "--ignore", "MEM0", "bad.py") == (2, "", "memlint: error: --ignore: unknown rule selector 'MEM0'\n")
    code, out, _ = run(capsys, "--output-format", "concise", "--ignore", "MEM", "bad.py")
    assert code == 1 and out.startswith("bad.py:1:") and " MEM000 syntax error" in out.splitlines()[0]
    # per-file-ignores naming it.
    (project / "pyproject.toml").write_text('[tool.memlint.per-file-ignores]\n"bad.py" = ["MEM000"]\n')
    assert run(capsys, "--output-format", "concise", "bad.py") == (0, "All checks passed!\n", "")


def test_flake8_file_noqa_is_honoured_like_ruff(project, capsys):
    (project / "a.py").write_text("# flake8: noqa\n" + SUM)
    assert run(capsys, "a.py") == (0, "All checks passed!\n", "")
    (project / "b.py").write_text("# flake8: noqa: MEM102\n" + SUM)
    assert run(capsys, "--output-format", "concise", "b.py")[0] == 1
    (project / "c.py").write_text("# flake8: noqa: MEM101\n" + SUM)
    assert run(capsys, "c.py") == (0, "All checks passed!\n", "")
    # On a line with code it is not a file-level directive (flake8 and Ruff agree).
    (project / "d.py").write_text("x = 1  # flake8: noqa\n" + SUM)
    assert run(capsys, "--output-format", "concise", "d.py")[0] == 1


def test_no_python_files_warns_like_ruff(project, capsys):
    (project / "empty").mkdir()
    (project / "docs").mkdir()
    (project / "docs" / "notes.txt").write_text(SUM)
    assert run(capsys, "empty") == (0, "", NO_FILES)
    assert run(capsys, "docs") == (0, "", NO_FILES)
    # Machine formats still write a valid, empty report.
    assert run(capsys, "--output-format", "json", "empty") == (0, "[]\n", NO_FILES)


def test_non_utf8_byte_on_line_1_is_a_bad_byte_not_a_bad_declaration(project, capsys):
    (project / "latin.py").write_bytes(b'name = "caf\xe9"\n')
    code, out, _ = run(capsys, "--output-format", "concise", "latin.py")
    assert code == 1
    assert out.splitlines()[0] == "latin.py:1:12: MEM000 file is not valid UTF-8: cannot decode byte 0xe9"
    (project / "declared.py").write_bytes(b'# -*- coding: latin-1 -*-\nname = "caf\xe9"\n')
    assert run(capsys, "declared.py") == (0, "All checks passed!\n", "")


def _write_to_a_closed_pipe(*args: str) -> subprocess.CompletedProcess:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before memlint writes a byte: every write fails
    try:
        return subprocess.run(
            [sys.executable, "-m", "memlint", *args], stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=120
        )
    finally:
        os.close(write_end)


def test_a_closed_pipe_is_not_a_traceback(project):
    proc = _write_to_a_closed_pipe("rules")
    assert (proc.returncode, proc.stderr) == (0, "")
    (project / "a.py").write_text(SUM)
    proc = _write_to_a_closed_pipe("--no-cache", "a.py")
    assert (proc.returncode, proc.stderr) == (1, "")  # the exit code still says findings remain


def test_rules_piped_into_head(project):
    proc = subprocess.run(
        f"{sys.executable} -m memlint rules | head -1", shell=True, capture_output=True, text=True, timeout=120
    )
    assert (proc.returncode, proc.stdout.split(), proc.stderr) == (0, ["code", "name", "fix", "tier"], "")


# --- repeated flags add up ---------------------------------------------------------------------------


def test_repeated_flags_accumulate(project, capsys):
    (project / "a.py").write_text(SUM + ALL_)
    (project / "skip1.py").write_text(SUM)
    (project / "skip2.py").write_text(SUM)
    code, out, _ = run(capsys, "--output-format", "concise", "--select", "MEM301", "--select", "MEM101", "a.py")
    assert code == 1 and out.count("MEM101") == 2
    assert run(capsys, "--ignore", "MEM101", "--ignore", "MEM102", "a.py") == (0, "All checks passed!\n", "")
    code, out, _ = run(
        capsys, "--output-format", "concise", "--select", "MEM3", "--extend-select", "MEM102", "--extend-select", "MEM101", "a.py"
    )
    assert out.count("MEM101") == 2
    code, out, _ = run(capsys, "--output-format", "concise", "--exclude", "skip1.py", "--exclude", "skip2.py", ".")
    assert sorted({line.split(":")[0] for line in out.splitlines() if ".py:" in line}) == ["a.py"]
    code, out, _ = run(
        capsys, "--output-format", "concise", "--extend-exclude", "skip1.py", "--extend-exclude", "skip2.py", "."
    )
    assert sorted({line.split(":")[0] for line in out.splitlines() if ".py:" in line}) == ["a.py"]


def test_extend_ignore(project, capsys):
    (project / "a.py").write_text(SUM)
    assert run(capsys, "--extend-ignore", "MEM101", "a.py") == (0, "All checks passed!\n", "")
    (project / "pyproject.toml").write_text('[tool.memlint]\nextend-ignore = ["MEM1"]\n')
    assert run(capsys, "a.py") == (0, "All checks passed!\n", "")


# --- check subcommand and the rule listings -------------------------------------------------------------


def test_check_subcommand_makes_a_directory_named_rules_unambiguous(project, capsys):
    (project / "rules").mkdir()
    (project / "rules" / "a.py").write_text(SUM)
    code = main(["check", "--no-cache", "--output-format", "concise", "rules"])
    out = capsys.readouterr().out
    assert code == 1 and out.startswith(f"rules/a.py:1:13: MEM101 [*] {SUM_MESSAGE}\n")
    assert main(["rules"]) == 0
    assert capsys.readouterr().out.startswith("code ")


def test_rules_and_rule_as_json(capsys):
    assert main(["rules", "--output-format", "json"]) == 0
    rules = json.loads(capsys.readouterr().out)
    assert [r["code"] for r in rules] == list(all_rules())
    first = rules[0]
    assert first["code"] == "MEM101" and first["name"] == "comprehension-in-reducer"
    assert set(first) == {"code", "name", "summary", "fix", "tier", "preview", "options"}
    assert main(["rule", "MEM101", "--output-format", "json"]) == 0
    rule = json.loads(capsys.readouterr().out)
    assert rule["code"] == "MEM101" and "## Why is this bad?" in rule["explanation"]


def test_rule_mem000_is_shipped_with_the_package(capsys):
    assert main(["rule", "MEM000"]) == 0
    page = capsys.readouterr().out
    assert page.startswith("# MEM000 `unparsable-file`\n")
    assert page == (Path(__file__).resolve().parents[2] / "docs" / "rules" / "MEM000.md").read_text(encoding="utf-8")
    assert main(["rule", "unparsable-file", "--output-format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["explanation"] == page


# --- output ------------------------------------------------------------------------------------------


def test_output_file(project, capsys):
    (project / "a.py").write_text(SUM)
    code, out, err = run(capsys, "--output-format", "concise", "-o", "reports/memlint.txt", "a.py")
    assert (code, out, err) == (1, "", "")
    assert (project / "reports" / "memlint.txt").read_text() == (
        f"a.py:1:13: MEM101 [*] {SUM_MESSAGE}\nFound 1 error.\n[*] 1 fixable with the `--fix` option.\n"
    )
    assert run(capsys, "--output-format", "json", "--output-file", "r.json", "a.py")[:2] == (1, "")
    assert json.loads((project / "r.json").read_text())[0]["code"] == "MEM101"


def test_json_lines(project, capsys):
    (project / "a.py").write_text(SUM + ALL_)
    _, expected, _ = run(capsys, "--output-format", "json", "a.py")
    code, out, _ = run(capsys, "--output-format", "json-lines", "a.py")
    assert code == 1
    assert [json.loads(line) for line in out.splitlines()] == json.loads(expected)


def test_pylint_format(project, capsys):
    (project / "a.py").write_text(SUM)
    assert run(capsys, "--output-format", "pylint", "a.py") == (1, f"a.py:1: [MEM101] {SUM_MESSAGE}\n", "")


def test_junit_format(project, capsys):
    (project / "a.py").write_text(SUM + ALL_)
    code, out, _ = run(capsys, "--output-format", "junit", "a.py")
    assert code == 1
    root = ET.fromstring(out)
    assert (root.tag, root.get("tests"), root.get("failures")) == ("testsuites", "2", "2")
    (suite,) = root
    assert (suite.get("name"), suite.get("failures")) == ("a.py", "2")
    cases = list(suite)
    assert [(c.get("name"), c.get("classname"), c.get("line")) for c in cases] == [
        ("org.memlint.MEM101", "a", "1"),
        ("org.memlint.MEM101", "a", "2"),
    ]
    failure = cases[0].find("failure")
    assert failure is not None and failure.get("message") == SUM_MESSAGE
    assert failure.text == f"line 1, col 13, {SUM_MESSAGE}"
    (project / "a.py").write_text("x = 1\n")
    code, out, _ = run(capsys, "--output-format", "junit", "a.py")
    assert code == 0 and ET.fromstring(out).find("testsuite/testcase").get("name") == "No errors found"


def test_gitlab_format(project, capsys, monkeypatch):
    (project / "sub").mkdir()
    (project / "sub" / "a.py").write_text(SUM + SUM)
    monkeypatch.setenv("CI_PROJECT_DIR", str(project))
    code, out, _ = run(capsys, "--output-format", "gitlab", str(project / "sub" / "a.py"))
    assert code == 1
    first, second = json.loads(out)
    assert first == {
        "check_name": "MEM101",
        "description": f"MEM101 {SUM_MESSAGE}",
        "severity": "major",
        "fingerprint": first["fingerprint"],
        "location": {"path": "sub/a.py", "positions": {"begin": {"line": 1, "column": 13}, "end": {"line": 1, "column": 34}}},
    }
    assert len(first["fingerprint"]) == 16 and first["fingerprint"] != second["fingerprint"]


def test_statistics_as_json(project, capsys):
    (project / "a.py").write_text(SUM + ALL_ + "for line in open('f').readlines():\n    pass\n")
    code, out, _ = run(capsys, "--statistics", "--output-format", "json", "a.py")
    assert code == 1
    assert json.loads(out) == [
        {"code": "MEM101", "name": "comprehension-in-reducer", "count": 2, "fixable": True},
        {"code": "MEM103", "name": "readlines-iteration", "count": 1, "fixable": True},
    ]


@pytest.mark.parametrize(
    "env, colored",
    [({}, False), ({"FORCE_COLOR": "1"}, True), ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False)],
)
def test_colour(project, capsys, monkeypatch, env, colored):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    (project / "a.py").write_text(SUM)
    _, out, _ = run(capsys, "a.py")
    assert ("\033[31m" in out) is colored
    assert ("\033[" in out) is colored


def test_no_colour_in_an_output_file(project, capsys, monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")
    (project / "a.py").write_text(SUM)
    run(capsys, "-o", "out.txt", "a.py")
    assert "\033[" not in (project / "out.txt").read_text()


# --- fixes -------------------------------------------------------------------------------------------


def test_show_fixes(project, capsys):
    (project / "a.py").write_text(SUM + SUM + ALL_)
    code, out, _ = run(capsys, "--fix", "--show-fixes", "--output-format", "concise", "a.py")
    assert code == 1
    assert out == (
        f"a.py:3:10: MEM101 {ALL_MESSAGE}\n"
        "\n"
        "Fixed 2 errors:\n"
        "- a.py:\n"
        "    2 \u00d7 MEM101 (comprehension-in-reducer)\n"
        "\n"
        "Found 3 errors (2 fixed, 1 remaining).\n"
        "(1 hidden fix can be enabled with the `--unsafe-fixes` option.)\n"
    )


def test_fix_only(project, capsys):
    (project / "a.py").write_text(SUM + ALL_)
    assert run(capsys, "--fix-only", "a.py") == (
        0, "Fixed 1 error (1 additional fix available with `--unsafe-fixes`).\n", ""
    )
    assert (project / "a.py").read_text() == FIXED + ALL_
    assert run(capsys, "--fix-only", "a.py") == (0, "No errors fixed (1 fix available with `--unsafe-fixes`).\n", "")
    (project / "b.py").write_text(SUM)
    assert run(capsys, "--fix-only", "--exit-non-zero-on-fix", "b.py") == (1, "Fixed 1 error.\n", "")
    assert run(capsys, "--fix-only", "--exit-non-zero-on-fix", "b.py") == (0, "", "")


def test_exit_non_zero_on_fix(project, capsys):
    (project / "a.py").write_text(SUM)
    code, out, _ = run(capsys, "--fix", "--exit-non-zero-on-fix", "a.py")
    assert (code, out) == (1, "Found 1 error (1 fixed, 0 remaining).\n")
    assert run(capsys, "--fix", "--exit-non-zero-on-fix", "a.py") == (0, "All checks passed!\n", "")


def test_fix_settings(project, capsys):
    (project / "a.py").write_text(SUM + ALL_)
    (project / "pyproject.toml").write_text('[tool.memlint]\nunfixable = ["MEM101"]\n')
    code, out, _ = run(capsys, "--output-format", "concise", "--fix", "a.py")
    assert code == 1 and "[*]" not in out and (project / "a.py").read_text() == SUM + ALL_
    (project / "pyproject.toml").write_text('[tool.memlint]\nfixable = ["MEM2"]\nextend-fixable = ["MEM101"]\n')
    assert "[*] 1 fixable" in run(capsys, "--output-format", "concise", "a.py")[1]
    # extend-safe-fixes: the unsafe all() fix becomes safe and --fix applies it.
    (project / "pyproject.toml").write_text('[tool.memlint]\nextend-safe-fixes = ["MEM101"]\n')
    assert run(capsys, "--fix", "a.py") == (0, "Found 2 errors (2 fixed, 0 remaining).\n", "")
    assert (project / "a.py").read_text() == FIXED + "ok = all(check(x) for x in data)\n"
    # extend-unsafe-fixes: the safe sum() fix becomes unsafe; the more specific selector wins.
    (project / "a.py").write_text(SUM)
    (project / "pyproject.toml").write_text('[tool.memlint]\nextend-unsafe-fixes = ["MEM101"]\nextend-safe-fixes = ["MEM1"]\n')
    code, out, _ = run(capsys, "--output-format", "concise", "a.py")
    assert out.endswith("(1 hidden fix can be enabled with the `--unsafe-fixes` option.)\n")
    assert run(capsys, "--unfixable", "MEM101", "--output-format", "json", "a.py")[1].count('"fix": null') == 1


def test_add_noqa(project, capsys):
    source = SUM + "values = max(\n    [f(x) for x in data]\n)\nok = all([c(x) for x in data])  # noqa: C419\n"
    # A file that does not parse gets nothing: MEM000 cannot be silenced.
    (project / "a.py").write_text(source + BROKEN)
    assert run(capsys, "--add-noqa", "a.py") == (0, "", "")
    assert (project / "a.py").read_text() == source + BROKEN
    (project / "b.py").write_text(source)
    code, out, err = run(capsys, "--add-noqa", "b.py")
    assert (code, out, err) == (0, "", "Added 3 noqa directives.\n")
    assert (project / "b.py").read_text() == (
        "total = sum([x * x for x in data])  # noqa: MEM101\n"
        "values = max(\n    [f(x) for x in data]\n)  # noqa: MEM101\n"
        "ok = all([c(x) for x in data])  # noqa: C419, MEM101\n"
    )
    assert run(capsys, "b.py") == (0, "All checks passed!\n", "")
    assert run(capsys, "--add-noqa", "b.py") == (0, "", "")
    assert run(capsys, "--add-noqa", "--fix", "b.py")[0] == 2


# --- coexistence with Ruff ---------------------------------------------------------------------------


def test_ruff_compat_silences_the_equivalent_code(project, capsys):
    (project / "a.py").write_text("total = sum([x for x in data])  # noqa: C419\n")
    assert run(capsys, "--output-format", "concise", "a.py")[0] == 1
    assert run(capsys, "--ruff-compat", "a.py") == (0, "All checks passed!\n", "")
    (project / "pyproject.toml").write_text("[tool.memlint]\nruff-compat = true\n")
    assert run(capsys, "a.py") == (0, "All checks passed!\n", "")
    assert run(capsys, "--no-ruff-compat", "--output-format", "concise", "a.py")[0] == 1
    # A code that is not the equivalent does not silence it.
    (project / "b.py").write_text("total = sum([x for x in data])  # noqa: B006\n")
    assert run(capsys, "--output-format", "concise", "b.py")[0] == 1
    # File level, in Ruff's and flake8's spelling.
    (project / "c.py").write_text("# flake8: noqa: B006\ndef f(seen=[]):\n    seen.append(1)\n")
    assert run(capsys, "c.py") == (0, "All checks passed!\n", "")


def test_every_equivalence_names_a_real_rule():
    assert set(RUFF_EQUIVALENTS) <= set(all_rules())


def test_add_noqa_places_the_comment_where_noqa_is_read():
    from memlint.add_noqa import add_noqa
    from memlint.findings import Finding, Location

    def at(line: int, code: str = "MEM101") -> Finding:
        return Finding(code, "n", "m", "x.py", Location(line, 1), Location(line, 2))

    # After a backslash continuation: on the statement's last line, never after the backslash.
    assert add_noqa("x = sum([a for a in b]) + \\\n    1\n", [at(1)]) == (
        "x = sum([a for a in b]) + \\\n    1  # noqa: MEM101\n", 1
    )
    # Line endings kept; codes merged and sorted; a bare `# noqa` left alone; MEM000 never.
    assert add_noqa("a = 1\r\nb = 2  # noqa\r\n", [at(1, "MEM107"), at(1), at(2), at(1, "MEM000")]) == (
        "a = 1  # noqa: MEM101, MEM107\r\nb = 2  # noqa\r\n", 1
    )
