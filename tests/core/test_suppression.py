"""`# noqa` (flake8's semantics, including multi-line logical lines) and `# memlint: noqa`."""

from __future__ import annotations

import pytest

from memlint.cli import main
from memlint.suppression import ALL, NoqaMap, file_suppression, is_suppressed

SUM = "sum([x * x for x in data])"
MESSAGE = "`sum()` of a list comprehension builds the whole list first; pass a generator expression"


def lint(capsys, source, *extra):
    with open("t.py", "w") as handle:
        handle.write(source)
    code = main(["--select", "MEM101", "--output-format", "concise", *extra, "t.py"])
    out, err = capsys.readouterr()
    assert err == ""
    return code, out


def lines_flagged(out):
    return [int(line.split(":")[1]) for line in out.splitlines() if ": MEM101 " in line]


@pytest.mark.parametrize(
    "comment",
    ["# noqa", "# NOQA", "# NoQA", "#noqa", "# noqa: MEM101", "# noqa:MEM101", "# noqa:MEM101,MEM102",
     "# noqa: MEM102, MEM101", "# noqa: MEM102 MEM101", "# noqa: MEM1", "# noqa: MEM", "# noqa because"],
)
def test_noqa_comment_suppresses(project, capsys, comment):
    code, out = lint(capsys, f"total = {SUM}  {comment}\n")
    assert (code, out) == (0, "All checks passed!\n")


@pytest.mark.parametrize("comment", ["# noqa: MEM102", "# noqa:MEM102,MEM103", "# noqa: MEM2", "# noqa: E501"])
def test_noqa_for_other_codes_does_not_suppress(project, capsys, comment):
    code, out = lint(capsys, f"total = {SUM}  {comment}\n")
    assert code == 1
    assert out.splitlines()[0] == f"t.py:1:13: MEM101 [*] {MESSAGE}"


def test_noqa_only_covers_its_own_line(project, capsys):
    code, out = lint(capsys, f"a = {SUM}  # noqa\nb = {SUM}\n")
    assert code == 1
    assert lines_flagged(out) == [2]


def test_noqa_on_last_line_of_bracketed_expression_covers_first_line(project, capsys):
    source = f"total = sum([x * x\n             for x in data])  # noqa: MEM101\nother = {SUM}\n"
    code, out = lint(capsys, source)
    assert code == 1
    assert lines_flagged(out) == [3]


def test_noqa_on_last_line_of_call_covers_inner_line(project, capsys):
    source = f"result = foo(\n    {SUM},\n    1,\n)  # noqa\n"
    assert lint(capsys, source) == (0, "All checks passed!\n")


def test_noqa_on_last_line_of_multiline_string_statement(project, capsys):
    source = f'value = {SUM} + len("""\nfirst\nsecond\n""")  # noqa: MEM101\n'
    assert lint(capsys, source) == (0, "All checks passed!\n")


def test_noqa_inside_a_multiline_string_is_not_a_comment_for_other_lines(project, capsys):
    source = f'doc = """\n# noqa\n"""\nvalue = {SUM}\n'
    code, out = lint(capsys, source)
    assert lines_flagged(out) == [4]


def test_noqa_on_first_line_of_bracketed_expression_covers_it(project, capsys):
    # flake8 searches the whole logical line, so a comment on any of its lines counts.
    source = "total = sum([  # noqa\n    x * x for x in data\n])\n"
    assert lint(capsys, source) == (0, "All checks passed!\n")


def test_file_level_noqa_on_its_own_line(project, capsys):
    source = f"import os\n# memlint: noqa\na = {SUM}\nb = {SUM}\n"
    assert lint(capsys, source) == (0, "All checks passed!\n")


def test_file_level_noqa_with_codes(project, capsys):
    assert lint(capsys, f"a = {SUM}\n#memlint:noqa: MEM101\n") == (0, "All checks passed!\n")
    assert lint(capsys, f"a = {SUM}\n# memlint: noqa: MEM1\n") == (0, "All checks passed!\n")
    code, out = lint(capsys, f"a = {SUM}\n# memlint: noqa: MEM102\n")
    assert (code, lines_flagged(out)) == (1, [1])


def test_file_level_noqa_after_code_is_not_file_level(project, capsys):
    # Like Ruff's `# ruff: noqa`: it must be on a line of its own.
    code, out = lint(capsys, f"a = {SUM}  # memlint: noqa\n")
    assert (code, lines_flagged(out)) == (1, [1])


def test_file_level_noqa_codes_do_not_spill_onto_the_next_line():
    assert file_suppression("# memlint: noqa: MEM102\nMEM101\n") == frozenset({"MEM102"})


def test_noqa_findings_are_not_fixed(project, capsys):
    source = f"a = {SUM}  # noqa: MEM101\nb = {SUM}\n"
    code, out = lint(capsys, source, "--fix")
    assert code == 0
    assert out == "Found 1 error (1 fixed, 0 remaining).\n"
    assert (project / "t.py").read_text() == f"a = {SUM}  # noqa: MEM101\nb = sum(x * x for x in data)\n"


def test_file_level_noqa_file_is_not_fixed(project, capsys):
    source = f"# memlint: noqa\na = {SUM}\n"
    assert lint(capsys, source, "--fix") == (0, "All checks passed!\n")
    assert (project / "t.py").read_text() == source


def test_noqa_map_and_is_suppressed_units():
    noqa = NoqaMap("a = 1  # noqa: MEM101,MEM2\nb = 2\n")
    assert noqa.codes_for(1) == frozenset({"MEM101", "MEM2"})
    assert noqa.codes_for(2) is None
    assert is_suppressed("MEM205", noqa.codes_for(1))
    assert not is_suppressed("MEM102", noqa.codes_for(1))
    assert is_suppressed("MEM999", ALL)
    assert file_suppression("x = 1\n") is None
    assert file_suppression("# memlint: noqa\n") is ALL
