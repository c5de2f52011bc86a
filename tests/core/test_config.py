"""`[tool.memlint]` in the nearest pyproject.toml: discovery, every key, errors, CLI precedence."""

from __future__ import annotations

import os

import pytest

from memlint.cli import main
from memlint.config import DEFAULT_EXCLUDE, find_pyproject, load_config
from memlint.findings import Tier
from memlint.registry import all_rules

SUM = "total = sum([x * x for x in data])\n"
NO_FILES = "warning: No Python files found under the given path(s)\n"  # Ruff's words; exit 0
ALL_ = "ok = all([check(x) for x in data])\n"
SMALL = "total = sum([x for x in range(10)])\n"
MESSAGE = "`sum()` of a list comprehension builds the whole list first; pass a generator expression"
ALL_MESSAGE = "`all()` of a list comprehension builds the whole list first; pass a generator expression"
PIN = '[tool.memlint]\nselect = ["MEM101"]\noutput-format = "concise"\n'


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def flagged(out):
    """(path, line) of each MEM101 finding in concise output."""
    return [tuple(line.split(":")[:2]) for line in out.splitlines() if " MEM101 " in line]


# --- finding the file ---------------------------------------------------------------------------


def test_nearest_pyproject_upward_from_the_linted_path(project, capsys):
    write(project / "pyproject.toml", PIN + 'ignore = ["MEM101"]\n')
    write(project / "sub" / "pyproject.toml", PIN)
    write(project / "sub" / "pkg" / "a.py", SUM)
    # From the project root, linting sub/pkg/a.py uses sub/pyproject.toml (MEM101 on).
    assert flagged(run(capsys, "sub/pkg/a.py")[1]) == [("sub/pkg/a.py", "1")]
    # Linting from inside the directory makes no difference.
    os.chdir(project / "sub" / "pkg")
    assert flagged(run(capsys, "a.py")[1]) == [("a.py", "1")]
    # A file outside sub/ gets the outer file (MEM101 ignored).
    write(project / "b.py", SUM)
    os.chdir(project)
    assert run(capsys, "b.py") == (0, "All checks passed!\n", "")


def test_pyproject_without_memlint_table_is_skipped(project, capsys):
    write(project / "pyproject.toml", PIN + 'ignore = ["MEM101"]\n')
    write(project / "sub" / "pyproject.toml", '[project]\nname = "sub"\n[tool.black]\nline-length = 99\n')
    write(project / "sub" / "a.py", SUM)
    assert run(capsys, "sub/a.py") == (0, "All checks passed!\n", "")
    code, out, _ = run(capsys, "--show-settings", "sub/a.py")
    assert out.splitlines()[0] == f"config file: {project / 'pyproject.toml'}"


def test_no_pyproject_at_all_uses_defaults(project):
    if find_pyproject(project) is not None:
        pytest.skip("a pyproject.toml with [tool.memlint] above the temporary directory")
    write(project / "a.py", SUM)
    config = load_config(["a.py"], None, {})
    assert (config.path, config.root) == (None, str(project))
    assert config.exclude == DEFAULT_EXCLUDE
    assert (config.preview, config.unsafe_fixes, config.output_format, config.respect_gitignore) == (
        False, False, "full", True
    )
    stable = [code for code, rule in all_rules().items() if rule.tier is Tier.STABLE]
    assert [rule.code for rule in config.selection.rules] == stable


def test_explicit_config(project, capsys):
    write(project / "pyproject.toml", PIN + 'ignore = ["MEM101"]\n')
    write(project / "configs" / "strict.toml", PIN)
    write(project / "a.py", SUM)
    assert run(capsys, "a.py") == (0, "All checks passed!\n", "")
    code, out, _ = run(capsys, "--config", "configs/strict.toml", "a.py")
    assert (code, flagged(out)) == (1, [("a.py", "1")])


def test_explicit_config_missing(project, capsys):
    write(project / "a.py", SUM)
    assert run(capsys, "--config", "nope.toml", "a.py") == (
        2, "", "memlint: error: nope.toml: config file not found\n"
    )


# --- every key ----------------------------------------------------------------------------------


def test_select_extend_select_ignore(project, capsys):
    write(project / "a.py", SUM)
    write(project / "pyproject.toml", '[tool.memlint]\nselect = []\nextend-select = ["MEM101"]\noutput-format = "concise"\n')
    assert run(capsys, "a.py")[0] == 1
    write(project / "pyproject.toml", '[tool.memlint]\nselect = ["MEM1"]\nignore = ["MEM101"]\n')
    assert run(capsys, "a.py") == (0, "All checks passed!\n", "")
    write(project / "pyproject.toml", '[tool.memlint]\nselect = []\n')
    assert run(capsys, "a.py") == (0, "All checks passed!\n", "")
    write(project / "pyproject.toml", '[tool.memlint]\nselect = ["mem101"]\n')  # any case
    assert run(capsys, "a.py")[0] == 1


def test_preview(project, capsys):
    write(project / "pyproject.toml", '[tool.memlint]\npreview = true\n')
    write(project / "a.py", "x = 1\n")
    assert load_config(["a.py"], None, {}).preview is True
    assert load_config(["a.py"], None, {"preview": False}).preview is False
    assert "preview: True" in run(capsys, "--show-settings", "a.py")[1].splitlines()


def test_exclude_replaces_the_defaults(project, capsys):
    write(project / "pyproject.toml", PIN + 'exclude = ["generated"]\n')
    write(project / "build" / "a.py", SUM)
    write(project / "generated" / "b.py", SUM)
    assert flagged(run(capsys, ".")[1]) == [("build/a.py", "1")]


def test_extend_exclude_adds_to_the_defaults(project, capsys):
    write(project / "pyproject.toml", PIN + 'extend-exclude = ["generated", "pkg/legacy_*.py"]\n')
    write(project / "build" / "a.py", SUM)
    write(project / "generated" / "b.py", SUM)
    write(project / "pkg" / "legacy_x.py", SUM)
    write(project / "pkg" / "new.py", SUM)
    assert flagged(run(capsys, ".")[1]) == [("pkg/new.py", "1")]
    # The command line's --extend-exclude adds to the file's.
    assert run(capsys, "--extend-exclude", "new.py", ".") == (0, "", NO_FILES)


def test_per_file_ignores(project, capsys):
    write(project / "pyproject.toml", PIN + '[tool.memlint.per-file-ignores]\n"tests/*" = ["MEM101"]\n"conftest.py" = ["MEM1"]\n')
    write(project / "tests" / "t.py", SUM)
    write(project / "pkg" / "conftest.py", SUM)
    write(project / "pkg" / "m.py", SUM)
    assert flagged(run(capsys, ".")[1]) == [("pkg/m.py", "1")]
    # Relative to the config file's directory, wherever memlint runs from.
    os.chdir(project / "tests")
    assert run(capsys, "t.py") == (0, "All checks passed!\n", "")


def test_unsafe_fixes(project, capsys):
    write(project / "pyproject.toml", PIN + "unsafe-fixes = true\n")
    write(project / "a.py", ALL_)
    code, out, _ = run(capsys, "a.py")
    assert (code, out.splitlines()[0]) == (1, f"a.py:1:10: MEM101 [*] {ALL_MESSAGE}")
    assert run(capsys, "--fix", "a.py")[0] == 0
    assert (project / "a.py").read_text() == "ok = all(check(x) for x in data)\n"


def test_unsafe_fixes_overridden_on_command_line(project, capsys):
    write(project / "pyproject.toml", PIN + "unsafe-fixes = true\n")
    write(project / "a.py", ALL_)
    code, out, _ = run(capsys, "--no-unsafe-fixes", "--fix", "a.py")
    assert (code, out.splitlines()[0]) == (1, f"a.py:1:10: MEM101 {ALL_MESSAGE}")
    assert (project / "a.py").read_text() == ALL_


def test_output_format(project, capsys):
    write(project / "pyproject.toml", '[tool.memlint]\nselect = ["MEM101"]\noutput-format = "concise"\n')
    write(project / "a.py", SUM)
    assert run(capsys, "a.py")[1] == f"a.py:1:13: MEM101 [*] {MESSAGE}\nFound 1 error.\n[*] 1 fixable with the `--fix` option.\n"
    assert run(capsys, "--output-format", "full", "a.py")[1].splitlines()[1] == "  |"


def test_respect_gitignore(project, capsys):
    (project / ".git").mkdir()
    write(project / ".gitignore", "ignored.py\n")
    write(project / "ignored.py", SUM)
    write(project / "pyproject.toml", PIN)
    assert run(capsys, ".") == (0, "", NO_FILES)
    write(project / "pyproject.toml", PIN + "respect-gitignore = false\n")
    assert flagged(run(capsys, ".")[1]) == [("ignored.py", "1")]
    write(project / "pyproject.toml", PIN)
    assert flagged(run(capsys, "--no-respect-gitignore", ".")[1]) == [("ignored.py", "1")]


def test_per_rule_options(project, capsys):
    write(project / "a.py", SMALL)
    write(project / "pyproject.toml", PIN)
    assert run(capsys, "a.py") == (0, "All checks passed!\n", "")
    write(project / "pyproject.toml", PIN + "[tool.memlint.MEM101]\nsmall-iterable-size = 5\n")
    assert flagged(run(capsys, "a.py")[1]) == [("a.py", "1")]


# --- errors: one line, naming the file and the key, exit 2 ---------------------------------------


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[tool.memlint]\nfoo = 1\n', "[tool.memlint]: unknown key 'foo'"),
        ('[tool.memlint]\nextend_select = ["MEM101"]\n', "[tool.memlint]: unknown key 'extend_select'"),
        ('[tool.memlint]\nselect = "MEM101"\n', "[tool.memlint]: 'select' must be a list of strings, not str 'MEM101'"),
        ('[tool.memlint]\nignore = ["MEM101", 1]\n', "[tool.memlint]: 'ignore' must be a list of strings, not list ['MEM101', 1]"),
        ('[tool.memlint]\nselect = ["MEM999"]\n', "[tool.memlint]: 'select': unknown rule selector 'MEM999'"),
        ('[tool.memlint]\nextend-select = ["E501"]\n', "[tool.memlint]: 'extend-select': unknown rule selector 'E501'"),
        ('[tool.memlint]\npreview = 1\n', "[tool.memlint]: 'preview' must be true or false, not int 1"),
        ('[tool.memlint]\nunsafe-fixes = "yes"\n', "[tool.memlint]: 'unsafe-fixes' must be true or false, not str 'yes'"),
        ('[tool.memlint]\nrespect-gitignore = "no"\n', "[tool.memlint]: 'respect-gitignore' must be true or false, not str 'no'"),
        ('[tool.memlint]\noutput-format = "xml"\n', "[tool.memlint]: 'output-format' must be one of full, concise, json, json-lines, sarif, github, gitlab, junit, pylint, not str 'xml'"),
        ('[tool.memlint]\nexclude = "build"\n', "[tool.memlint]: 'exclude' must be a list of strings, not str 'build'"),
        ('[tool.memlint]\nper-file-ignores = ["tests/*"]\n', "[tool.memlint]: 'per-file-ignores' must be a table of glob = [codes], not list ['tests/*']"),
        ('[tool.memlint.per-file-ignores]\n"t.py" = "MEM101"\n', "[tool.memlint]: 'per-file-ignores' entry 't.py' must be a list of strings, not str 'MEM101'"),
        ('[tool.memlint.per-file-ignores]\n"t.py" = ["X1"]\n', "[tool.memlint]: 'per-file-ignores' entry 't.py': unknown rule selector 'X1'"),
        ('[tool.memlint.MEM101]\nfoo = 5\n', "[tool.memlint]: MEM101 has no option 'foo' (its options: small-iterable-size)"),
        ('[tool.memlint.MEM101]\nsmall-iterable-size = "5"\n', "[tool.memlint]: MEM101.small-iterable-size must be of type int, not str '5'"),
        ('[tool.memlint.MEM101]\nsmall-iterable-size = true\n', "[tool.memlint]: MEM101.small-iterable-size must be of type int, not bool True"),
        ('[tool.memlint]\nMEM101 = 5\n', "[tool.memlint]: MEM101 must be a table of options, not int 5"),
        ('[tool.memlint.MEM999]\nfoo = 5\n', "[tool.memlint]: options for unknown rule MEM999"),
        ('[tool]\nmemlint = 5\n', "[tool.memlint] must be a table"),
        ('[tool.memlint\nselect = []\n', "invalid TOML: Expected ']' at the end of a table declaration (at line 1, column 14)"),
        ('[tool.memlint]\nselect = [\n', "invalid TOML: "),
    ],
)
def test_config_errors(project, capsys, toml, message):
    write(project / "pyproject.toml", toml)
    write(project / "a.py", SUM)
    code, out, err = run(capsys, "a.py")
    assert (code, out) == (2, "")
    assert "Traceback" not in err
    assert err.count("\n") == 1
    expected = f"memlint: error: {project / 'pyproject.toml'}: {message}"
    if message.endswith(": "):
        assert err.startswith(expected)
    else:
        assert err == expected + "\n"


def test_config_error_with_explicit_config(project, capsys):
    write(project / "other.toml", "[tool.memlint]\nbogus = true\n")
    write(project / "a.py", SUM)
    assert run(capsys, "--config", "other.toml", "a.py") == (
        2, "", "memlint: error: other.toml: [tool.memlint]: unknown key 'bogus'\n"
    )


def test_broken_pyproject_without_memlint_table_is_still_an_error(project, capsys):
    # We cannot tell whether it holds [tool.memlint]; reading past it silently would be worse.
    write(project / "pyproject.toml", "[project\n")
    write(project / "a.py", "x = 1\n")
    code, out, err = run(capsys, "a.py")
    assert (code, out) == (2, "")
    assert err.startswith(f"memlint: error: {project / 'pyproject.toml'}: invalid TOML: ")
    assert err.count("\n") == 1


def test_directory_named_pyproject_is_not_a_config(project, capsys):
    (project / "pyproject.toml").mkdir()
    write(project / "a.py", "x = 1\n")
    assert load_config(["a.py"], None, {}).path != str(project / "pyproject.toml")


# --- the command line beats the file -------------------------------------------------------------


def test_cli_select_beats_file_ignore(project, capsys):
    write(project / "pyproject.toml", '[tool.memlint]\nignore = ["MEM101"]\noutput-format = "concise"\n')
    write(project / "a.py", SUM)
    assert run(capsys, "a.py") == (0, "All checks passed!\n", "")
    assert flagged(run(capsys, "--select", "MEM101", "a.py")[1]) == [("a.py", "1")]


def test_cli_ignore_beats_file_select(project, capsys):
    write(project / "pyproject.toml", PIN)
    write(project / "a.py", SUM)
    assert run(capsys, "--ignore", "MEM101", "a.py") == (0, "All checks passed!\n", "")
    assert run(capsys, "--ignore", "MEM1", "a.py") == (0, "All checks passed!\n", "")


def test_cli_extend_select_adds_to_file_select(project, capsys):
    write(project / "pyproject.toml", '[tool.memlint]\nselect = []\noutput-format = "concise"\n')
    write(project / "a.py", SUM)
    assert run(capsys, "a.py") == (0, "All checks passed!\n", "")
    assert flagged(run(capsys, "--extend-select", "MEM101", "a.py")[1]) == [("a.py", "1")]


def test_cli_output_format_and_exclude_beat_file(project, capsys):
    write(project / "pyproject.toml", PIN + 'exclude = ["a.py"]\n')
    write(project / "a.py", SUM)
    assert run(capsys, ".") == (0, "", NO_FILES)
    code, out, _ = run(capsys, "--exclude", "nothing", "--output-format", "full", ".")
    assert code == 1
    assert out.splitlines()[:2] == [f"a.py:1:13: MEM101 [*] {MESSAGE}", "  |"]


def test_cli_code_errors_are_checked_even_with_a_valid_file(project, capsys):
    write(project / "pyproject.toml", PIN)
    write(project / "a.py", SUM)
    assert run(capsys, "--select", "MEM101,NOPE", "a.py") == (
        2, "", "memlint: error: --select: unknown rule selector 'NOPE'\n"
    )


@pytest.mark.parametrize("table", ['[tool.memlint]\nselect = ["MEM101"]\n', "[tool.other]\nx = 1\n"])
def test_loading_a_configuration_parses_each_pyproject_once(project, monkeypatch, table):
    """Finding the file, its settings and its requires-python used to parse it two or three times."""
    import memlint.config

    write(project / "pyproject.toml", '[project]\nname = "p"\nrequires-python = ">=3.10"\n' + table)
    write(project / "pkg" / "a.py", SUM)
    parsed = []
    real = memlint.config.tomllib.load

    def counting(handle):
        parsed.append(os.path.basename(handle.name))
        return real(handle)

    monkeypatch.setattr(memlint.config.tomllib, "load", counting)
    config = load_config([str(project / "pkg" / "a.py")], None, {})
    assert parsed == ["pyproject.toml"]
    assert config.target_version == "py310"
    assert config.path == (str(project / "pyproject.toml") if "memlint" in table else None)
    parsed.clear()
    load_config([str(project / "pkg" / "a.py")], None, {})  # a new load reads the file again
    assert parsed == ["pyproject.toml"]
