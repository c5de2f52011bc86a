"""The language server's plain-Python parts, in process (no pygls needed): the command without
the `server` extra, `# noqa` edits, positions in the client's encoding, hover text, rule pages
and the content-keyed result cache. tests/shells/test_server.py drives the real server over stdio."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from memlint.api import lint_source
from memlint.cli import main
from memlint.findings import Edit, Location
from memlint.fixing import apply_edits
from memlint.server import INSTALL_HINT
from memlint.server.actions import (
    UTF8,
    UTF16,
    UTF32,
    from_client,
    hover_text,
    noqa_code_at,
    noqa_edit,
    rule_page_uri,
    split_lines,
    to_client,
)
from memlint.server.documents import Session

ROOT = Path(__file__).resolve().parents[2]
SUM_LIST = "total = sum([x * 2 for x in data])\n"


def test_without_pygls_the_command_says_how_to_install_it(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "pygls.lsp.server", None)  # what `import` sees when it is missing
    assert main(["server"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == INSTALL_HINT
    assert '  pip install ".[server]"      (in a checkout of memlint)\n' in captured.err


def test_server_usage_errors_and_help(capsys):
    assert main(["server", "--tcp"]) == 2
    assert capsys.readouterr().err.endswith("memlint server: error: unrecognized arguments: --tcp\n")
    assert main(["server", "--help"]) == 0
    assert "--debounce MS" in capsys.readouterr().out


def test_negative_debounce_is_a_usage_error(capsys):
    assert main(["server", "--debounce", "-1"]) == 2
    assert capsys.readouterr().err == "memlint: error: --debounce must be 0 or more milliseconds\n"


def silenced(text: str, line: int, code: str) -> str:
    edit = noqa_edit(text, line, code)
    assert edit is not None
    return apply_edits(text, [edit])


def test_noqa_is_added_at_the_end_of_the_line():
    assert silenced(SUM_LIST, 1, "MEM101") == "total = sum([x * 2 for x in data])  # noqa: MEM101\n"
    assert silenced("x = 1\r\ny = 2\r\n", 2, "MEM101") == "x = 1\r\ny = 2  # noqa: MEM101\r\n"
    assert silenced("y = 2", 1, "MEM101") == "y = 2  # noqa: MEM101"


def test_noqa_goes_on_the_last_line_of_a_multi_line_statement():
    text = 'rows = sum([\n    x for x in data  # all of them\n], [])\nquery = """\nselect\n"""\n'
    assert silenced(text, 1, "MEM101") == text.replace("], [])\n", "], [])  # noqa: MEM101\n")
    assert silenced(text, 4, "MEM501") == text.replace('"""\n', '"""  # noqa: MEM501\n').replace(
        'query = """  # noqa: MEM501\n', 'query = """\n'
    )


def test_noqa_extends_an_existing_list_and_respects_a_bare_one():
    assert silenced("x = f()  # noqa: E501\n", 1, "MEM101") == "x = f()  # noqa: E501, MEM101\n"
    assert silenced("x = f()  # type: int  # noqa:E501\n", 1, "MEM101") == "x = f()  # type: int  # noqa:E501, MEM101\n"
    assert noqa_edit("x = f()  # noqa\n", 1, "MEM101") is None
    assert noqa_edit("x = f()  # noqa: MEM101\n", 1, "MEM101") is None
    assert noqa_edit("x = f()  # noqa: MEM1\n", 1, "MEM101") is None  # a prefix silences the family


def test_noqa_edit_silences_the_finding():
    text = "data = load()\n" + SUM_LIST
    (finding,) = lint_source(text).findings
    fixed = silenced(text, finding.location.line, finding.code)
    assert lint_source(fixed).findings == ()


def test_noqa_code_under_the_cursor():
    line = "x = f()  # noqa: MEM101, mem102"
    start = line.index("MEM101") + 1  # 1-based
    assert [noqa_code_at(line, column) for column in (start - 1, start, start + 5, start + 6)] == [
        None,
        "MEM101",
        "MEM101",
        "MEM101",
    ]
    assert noqa_code_at(line, line.index("mem102") + 3) == "MEM102"
    assert noqa_code_at("x = f()  # noqa", 12) is None
    assert noqa_code_at("x = f()", 3) is None


def test_positions_in_each_encoding():
    text = "s = '\U0001f600é' + sum([x for x in y])\n"
    lines = split_lines(text)
    column = text.index("[") + 1  # 1-based code points
    assert to_client(lines, Location(1, column), UTF32) == (0, column - 1)
    assert to_client(lines, Location(1, column), UTF16) == (0, column)  # the emoji is two UTF-16 units
    assert to_client(lines, Location(1, column), UTF8) == (0, column - 1 + 3 + 1)  # 4 bytes + 2 bytes
    for encoding in (UTF8, UTF16, UTF32):
        line, character = to_client(lines, Location(1, column), encoding)
        assert from_client(lines, line, character, encoding) == Location(1, column)
    assert split_lines("a\r\nb\rc\n") == ["a", "b", "c", ""]


def test_hover_text_shows_summary_and_measured_cost():
    text = hover_text("MEM101")
    assert text is not None
    assert text.startswith("**MEM101** `comprehension-in-reducer`\n\nFlags a list (or set) comprehension")
    assert "**Measured:** " in text and "tracemalloc peak" in text
    assert text.endswith(f"[MEM101 documentation]({(ROOT / 'docs' / 'rules' / 'MEM101.md').as_uri()})")
    assert hover_text("MEM999") is None
    assert hover_text("comprehension-in-reducer") is None  # codes only


def test_rule_page_is_the_checkout_page():
    assert rule_page_uri("MEM101") == (ROOT / "docs" / "rules" / "MEM101.md").as_uri()
    assert rule_page_uri("MEM999") is None


def test_session_caches_by_content(tmp_path: Path):
    session = Session()
    path = str(tmp_path / "mod.py")
    first = session.lint(SUM_LIST, path)
    assert [f.code for f in first.findings] == ["MEM101"]
    assert session.lint_runs == 1
    assert session.lint("".join([SUM_LIST]), path) is first  # equal text, another object: a hit
    assert session.lint_runs == 1
    edited = session.lint(SUM_LIST + "x = 1\n", path)
    assert session.lint_runs == 2 and edited is not first
    assert session.lint(SUM_LIST, path) is first  # back to the first text: still cached
    with_edits = session.lint(SUM_LIST, path, with_edits=True)
    assert with_edits.findings[0].fix.edits == (
        Edit("x * 2 for x in data", Location(1, 13), Location(1, 34)),  # `[x * 2 for x in data]`
    )
    assert session.fix_all(SUM_LIST, path) == "total = sum(x * 2 for x in data)\n"
    assert session.lint_runs == 4
    session.reload()
    assert session.lint(SUM_LIST, path) is not first
    assert session.lint_runs == 5


def test_session_reads_the_nearest_pyproject_and_reports_a_broken_one(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text('[tool.memlint]\nextend-exclude = ["generated"]\n', encoding="utf-8")
    (tmp_path / "generated").mkdir()
    session = Session()
    assert session.lint(SUM_LIST, str(tmp_path / "generated" / "mod.py")).findings == ()
    assert len(session.lint(SUM_LIST, str(tmp_path / "mod.py")).findings) == 1
    assert session.lint_runs == 1  # the excluded file was never linted
    (tmp_path / "pyproject.toml").write_text("[tool.memlint]\npreview = 1\n", encoding="utf-8")
    session.reload()
    assert len(session.lint(SUM_LIST, str(tmp_path / "generated" / "mod.py")).findings) == 1
    assert session.config_errors == [
        f"{tmp_path / 'pyproject.toml'}: [tool.memlint]: 'preview' must be true or false, not int 1;"
        " using the default settings"
    ]


@pytest.mark.parametrize("code", ["MEM101", "MEM000"])
def test_every_documented_code_has_a_page(code):
    uri = rule_page_uri(code)
    assert uri is not None and Path(uri[len("file://") :]).is_file()


def test_outside_a_checkout_the_page_is_rendered_once(monkeypatch, tmp_path: Path):
    from memlint.rule_docs import render_rule
    from memlint.registry import find_rule
    from memlint.server import actions

    monkeypatch.setattr(actions.tempfile, "gettempdir", lambda: str(tmp_path))
    page = actions._rendered_page("MEM102")
    assert page is not None and page.parent.parent == tmp_path
    assert page.read_text(encoding="utf-8") == render_rule(find_rule("MEM102"))
