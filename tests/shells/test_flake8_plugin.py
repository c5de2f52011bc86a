"""The flake8 plugin under REAL flake8 (a subprocess, as users run it): the same findings as
`memlint`, `# noqa` handled by flake8, preview rules off unless asked, parallel jobs, and a file
that Python parses but LibCST does not reported as MEM000 rather than a crash.
"""

from __future__ import annotations

import argparse
import ast
import inspect
import json
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Set, Tuple

import libcst as cst
import pytest

from memlint.cli import main
from memlint.findings import Tier
from memlint.flake8_plugin import MemlintChecker
from memlint.registry import all_rules

SUM = "`sum()` of a list comprehension builds the whole list first; pass a generator expression"
Key = Tuple[str, int, int, str]  # (file, line, 1-based column, code)

FILES: Dict[str, str] = {
    "app.py": (
        "def report(data, weigh):\n"
        "    total = sum([x * x for x in data])\n"
        "    heaviest = max([weigh(x) for x in data], default=0)\n"
        "    return total, heaviest\n"
    ),
    "multi_line.py": (
        "def f(rows):\n"
        "    return sorted(\n"
        "        [\n"
        "            r.size  # a comment\n"
        "            for r in rows\n"
        "        ],\n"
        "        reverse=True,\n"
        "    ), any([r for r in rows])\n"
    ),
    "noqa.py": (
        "a = sum([x for x in d])  # noqa\n"
        "b = sum([x for x in d])  # noqa: MEM101\n"
        "c = sum([x for x in d])  # noqa: E501\n"
        "d = sum([x for x in d])  # NOQA:MEM101,E501\n"
        "e = sum([x for x in d])  # noqa: MEM1\n"
        "f = sum([x for x in d])  # noqa: MEM102\n"
        'g = """\n'
        '%s""" % sum([x for x in d])  # noqa: MEM101\n'
        "h = 1 + \\\n"
        "    sum([x for x in d])  # noqa: MEM101\n"
    ),
    "file_noqa.py": "# memlint: noqa\nt = sum([x for x in d])\n",
    "unicode.py": "naïve = 'é'; total = sum([x for x in data])  # ünïcode\n",
    "tabs.py": "def f(data):\n\treturn sum([\tx for x in data])\n",
    "clean.py": "total = sum(x * x for x in data)\n",
}
BINARY_FILES: Dict[str, bytes] = {
    "bom_crlf.py": b"\xef\xbb\xbfx = sum([v for v in w])\r\ny = max([v for v in w])\r\n",
    "latin1.py": b"# -*- coding: latin-1 -*-\ns = '\xe9'; t = min([v for v in w])\n",
}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.memlint]\n", encoding="utf-8")
    for name, text in FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    for name, data in BINARY_FILES.items():
        (tmp_path / name).write_bytes(data)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def flake8(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def flake8_keys(files: Sequence[str], cwd: Path, *options: str, select: str = "MEM101") -> Set[Key]:
    proc = flake8("--select", select, "--format", "%(path)s\t%(row)d\t%(col)d\t%(code)s", *options, *files, cwd=cwd)
    assert proc.returncode in (0, 1), proc.stderr
    assert proc.stderr == ""
    keys = set()
    for line in proc.stdout.splitlines():
        path, row, col, code = line.split("\t")
        keys.add((path, int(row), int(col), code))
    assert (proc.returncode == 1) == bool(keys)
    return keys


def memlint_keys(files: Sequence[str], capsys: pytest.CaptureFixture[str], select: Optional[str] = "MEM101") -> Set[Key]:
    """`select=None`: memlint's default selection, which is what the plugin runs under flake8."""
    capsys.readouterr()
    main([*(["--select", select] if select else []), "--output-format", "json", "--jobs", "1", *files])
    findings = json.loads(capsys.readouterr().out)
    return {(f["filename"], f["location"]["row"], f["location"]["column"], f["code"]) for f in findings}


ALL_FILES = sorted([*FILES, *BINARY_FILES])


def test_the_plugin_is_registered_for_flake8() -> None:
    every = entry_points()
    group = every.select(group="flake8.extension") if hasattr(every, "select") else every.get("flake8.extension", ())  # 3.9: a dict
    found = [ep for ep in group if ep.name == "MEM"]
    # 3.9's dict lists an editable install's entry point once per path entry: compare as a set.
    assert {ep.value for ep in found} == {"memlint.flake8_plugin:MemlintChecker"}
    assert found[0].load() is MemlintChecker


def test_flake8_lists_the_plugin(project: Path) -> None:
    proc = flake8("--version", cwd=project)
    assert proc.returncode == 0
    assert "memlint-cst: " in proc.stdout  # flake8 names plugins by distribution


def test_plugin_contract() -> None:
    """flake8 7 picks the plugin type from __init__'s parameter names (`tree` = an AST plugin) and
    passes the others by name; results are (line, 0-based column, "CODE message", type)."""
    parameters = inspect.signature(MemlintChecker.__init__).parameters
    assert list(parameters) == ["self", "tree", "lines", "filename"]
    source = "x = 1\ntotal = sum([v for v in data])\n"
    checker = MemlintChecker(tree=ast.parse(source), lines=source.splitlines(keepends=True), filename="t.py")
    assert list(checker.run()) == [(2, 12, f"MEM101 {SUM}", MemlintChecker)]
    assert isinstance(MemlintChecker.name, str) and isinstance(MemlintChecker.version, str)


def test_same_findings_as_memlint(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`flake8 --select MEM` against `memlint` with its default selection: every stable rule, so
    this holds as rules are added."""
    assert flake8_keys(ALL_FILES, project, select="MEM") == memlint_keys(ALL_FILES, capsys, select=None)


def test_same_mem101_findings_as_memlint(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from_flake8 = flake8_keys(ALL_FILES, project)
    assert from_flake8 == memlint_keys(ALL_FILES, capsys)
    # Not vacuous: every kind of file above contributes.
    assert {key[0] for key in from_flake8} == set(ALL_FILES) - {"clean.py", "file_noqa.py"}


def test_flake8_output_line(project: Path) -> None:
    proc = flake8("--select", "MEM101", "app.py", cwd=project)
    assert proc.stdout.splitlines()[0] == f"app.py:2:17: MEM101 {SUM}"
    assert proc.returncode == 1


def test_noqa_under_flake8(project: Path) -> None:
    assert flake8_keys(["noqa.py"], project) == {("noqa.py", 3, 9, "MEM101"), ("noqa.py", 6, 9, "MEM101")}


def test_flake8_owns_noqa(project: Path) -> None:
    """The plugin reports everything and lets flake8 filter: `--disable-noqa` shows it all (the
    file-level `# memlint: noqa` is memlint's own and still holds)."""
    keys = flake8_keys(["noqa.py", "file_noqa.py"], project, "--disable-noqa")
    assert sorted(line for _, line, _, _ in keys) == [1, 2, 3, 4, 5, 6, 8, 10]


@pytest.mark.xfail(
    strict=True,
    reason="memlint's own `# noqa` also covers the lines of a bracketed expression; flake8 7 joins "
    "only multi-line strings and backslash continuations (NL tokens inside brackets end its range)",
)
def test_noqa_on_the_closing_line_of_a_bracketed_expression(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Path("bracket.py").write_text("e = sum([\n    x\n    for x in d\n])  # noqa: MEM101\n", encoding="utf-8")
    assert flake8_keys(["bracket.py"], project) == memlint_keys(["bracket.py"], capsys)


def test_parallel_flake8_gives_the_same_findings(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    serial = flake8_keys(ALL_FILES, project, "-j", "1")
    assert flake8_keys(ALL_FILES, project, "-j", "2") == serial
    assert serial == memlint_keys(ALL_FILES, capsys)


def test_a_syntax_error_is_flake8s_e999_not_a_plugin_crash(project: Path) -> None:
    Path("bad.py").write_text("x = )\n", encoding="utf-8")
    proc = flake8("--select", "MEM101,E999", "bad.py", "app.py", cwd=project)
    assert proc.stderr == ""
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("app.py:2:17: MEM101 ")
    (bad,) = [line for line in lines if line.startswith("bad.py")]
    assert bad.startswith("bad.py:1:") and bad.endswith(": E999 SyntaxError: unmatched ')'")


def libcst_only_source() -> str:
    """Valid Python that LibCST's parser rejects: a very long implicit string concatenation."""
    return "x = (" + " ".join(['"a"'] * 5000) + ")\ntotal = sum([v for v in data])\n"


def test_a_file_only_python_can_parse_is_mem000(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = libcst_only_source()
    ast.parse(source)
    try:
        cst.parse_module(source)
    except cst.ParserSyntaxError:
        pass
    else:
        pytest.skip("this LibCST parses the long concatenation; the test needs another LibCST-only failure")
    Path("long.py").write_text(source, encoding="utf-8")
    proc = flake8("--select", "MEM000,MEM101", "long.py", "app.py", cwd=project)
    assert proc.stderr == "", proc.stderr
    assert "Traceback" not in proc.stdout
    long_lines = [line for line in proc.stdout.splitlines() if line.startswith("long.py:")]
    assert len(long_lines) == 1
    assert long_lines[0].startswith("long.py:1:")
    assert " MEM000 LibCST cannot parse this file, which Python accepts: " in long_lines[0]
    assert any(line.startswith("app.py:2:17: MEM101 ") for line in proc.stdout.splitlines())
    assert flake8_keys(["long.py"], project, select="MEM000") == memlint_keys(["long.py"], capsys)


# --- preview ----------------------------------------------------------------------------------


@pytest.fixture
def restore_preview() -> Iterator[None]:
    saved = MemlintChecker.preview
    yield
    MemlintChecker.preview = saved


def enabled_codes(checker: MemlintChecker, path: str = "x.py") -> List[str]:
    return [rule.code for rule in checker.config.selection.rules_for(path)]


def test_preview_rules_are_off_by_default_and_on_with_memlint_preview(restore_preview: None, tmp_path: Path) -> None:
    # A file outside any project: memlint's own pyproject.toml (preview = true) must not apply.
    checker = MemlintChecker(tree=ast.parse(""), lines=[], filename=str(tmp_path / "x.py"))
    preview_codes = {code for code, rule in all_rules().items() if rule.tier is Tier.PREVIEW}
    stable_codes = {code for code, rule in all_rules().items() if rule.tier is Tier.STABLE}

    MemlintChecker.parse_options(argparse.Namespace(memlint_preview=False))
    assert checker.config.preview is False
    assert set(enabled_codes(checker)) == stable_codes

    MemlintChecker.parse_options(argparse.Namespace(memlint_preview=True))
    assert checker.config.preview is True
    assert set(enabled_codes(checker)) == stable_codes | preview_codes

    MemlintChecker.parse_options(argparse.Namespace())  # an older flake8 without the option parsed
    assert checker.config.preview is False


def test_memlint_preview_option_under_real_flake8(project: Path) -> None:
    default = flake8_keys(["app.py"], project)
    assert flake8_keys(["app.py"], project, "--memlint-preview") >= default
    Path("setup.cfg").write_text("[flake8]\nmemlint-preview = true\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "MEM101", "app.py"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.stderr == ""
    assert proc.stdout.startswith(f"app.py:2:17: MEM101 {SUM}\n")
    help_text = flake8("--help", cwd=project).stdout
    assert "--memlint-preview" in help_text


def test_standard_input_under_flake8(project: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "--select", "MEM101", "--stdin-display-name", "piped.py", "-"],
        input=FILES["app.py"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.stdout.splitlines()[0] == f"piped.py:2:17: MEM101 {SUM}"
    assert (proc.returncode, proc.stderr) == (1, "")


# --- [tool.memlint] under flake8 ----------------------------------------------------------------------


def test_plugin_reads_tool_memlint_but_flake8_owns_selection(project: Path) -> None:
    """Rule options, min-bytes, preview and ruff-compat come from [tool.memlint]; its selection
    does not (flake8's --select decides)."""
    (project / "opts.py").write_text(
        "small = sum([x for x in range(10**4)])\n"
        "big = sum([x for x in range(10**6)])\n"
        "flagged = sum([x for x in data])  # noqa: C419\n"
    )
    assert {(k[1], k[3]) for k in flake8_keys(["opts.py"], project, select="MEM101")} == {(1, "MEM101"), (2, "MEM101"), (3, "MEM101")}
    (project / "pyproject.toml").write_text(
        "[tool.memlint]\n"
        'ignore = ["MEM101"]\n'  # flake8 owns selection: this is not applied under flake8
        'min-bytes = "1MB"\n'
        "ruff-compat = true\n"
    )
    assert {(k[1], k[3]) for k in flake8_keys(["opts.py"], project, select="MEM101")} == {(2, "MEM101")}
    # A rule option: MEM201's include-lambdas.
    (project / "loop.py").write_text("for i in items:\n    key = lambda x: x\n    use(key)\n")
    assert flake8_keys(["loop.py"], project, select="MEM201") == set()
    (project / "pyproject.toml").write_text("[tool.memlint.MEM201]\ninclude-lambdas = true\n")
    assert {(k[1], k[3]) for k in flake8_keys(["loop.py"], project, select="MEM201")} == {(2, "MEM201")}


def test_plugin_preview_from_tool_memlint(project: Path) -> None:
    preview = sorted(code for code, rule in all_rules().items() if rule.tier is Tier.PREVIEW)[0]
    checker = MemlintChecker(tree=ast.parse(""), lines=[], filename=str(project / "x.py"))
    assert preview not in {rule.code for rule in checker.config.selection.rules_for("x.py")}
    (project / "other").mkdir()
    (project / "other" / "pyproject.toml").write_text("[tool.memlint]\npreview = true\n")
    fresh = MemlintChecker(tree=ast.parse(""), lines=[], filename=str(project / "other" / "y.py"))
    assert preview in {rule.code for rule in fresh.config.selection.rules_for("y.py")}


def test_plugin_reports_a_broken_config_as_mem000(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.memlint]\nmin-bytes = \"lots\"\n")
    (project / "a.py").write_text("x = 1\n")
    proc = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "--select", "MEM", "a.py"],
        cwd=project, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 1
    assert proc.stdout.startswith("a.py:1:1: MEM000 memlint configuration error: ")
    assert "'min-bytes' must be a size" in proc.stdout
