"""Jupyter notebooks in every shell: cells joined as one module, findings named by cell in every
output format, fixes written back into the cells and nowhere else, magics masked."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, List, Tuple

import jsonschema
import nbformat
import pytest

from memlint.cli import main
from memlint.config import Config
from memlint.notebook import NotebookError, lint_cells, lint_notebook, parse_notebook

SUM_MESSAGE = "`sum()` of a list comprehension builds the whole list first; pass a generator expression"
DUMPS_MESSAGE = (
    "`pickle.dumps(...)` builds the whole payload in memory before writing it; `pickle.dump(obj, file)` streams it"
)
PICKLE_MESSAGE = (
    "pickling `rows`, a container built by a comprehension, makes the pickler memoize every item; "
    "stream the items or use `Pickler.fast`"
)
READLINES_MESSAGE = (
    "`.readlines()` reads every line into a list only to iterate it; iterate the file object itself"
)
SELECT = ["--select", "MEM101,MEM103,MEM501,MEM503", "--jobs", "1", "--no-cache"]

# Cell numbers count every cell, markdown included (as Jupyter and Ruff do):
#   1 markdown, 2 code (rows built), 3 code (MEM101), 4 markdown, 5 %%time, 6 code (rows pickled:
#   MEM501 and MEM503, whose value flows from cell 2), 7 code (MEM103).
CELLS: List[Tuple[str, str]] = [
    ("markdown", "# Squares\nSum and save them."),
    ("code", "import pickle\n%matplotlib inline\nrows = [i * i for i in range(1000)]"),
    ("code", "!echo start\ntotal = sum([r for r in rows])"),
    ("markdown", "Saving:"),
    ("code", "%%time\nrows = sum([r for r in rows])"),
    ("code", "with open('out.pkl', 'wb') as out:\n    out.write(pickle.dumps(rows))"),
    ("code", "with open('data.txt') as handle:\n    for line in handle.readlines():\n        print(line)"),
]


def make_notebook(cells: List[Tuple[str, str]] = CELLS) -> str:
    """The notebook as Jupyter writes it, with outputs and execution counts to keep intact."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for number, (kind, source) in enumerate(cells, start=1):
        if kind == "markdown":
            nb.cells.append(nbformat.v4.new_markdown_cell(source))
        else:
            cell = nbformat.v4.new_code_cell(source, execution_count=number)
            cell.outputs.append(nbformat.v4.new_output("stream", name="stdout", text=f"out {number}\n"))
            nb.cells.append(cell)
    return nbformat.writes(nb) + "\n"


@pytest.fixture
def notebook(project: Path) -> Path:
    path = project / "analysis.ipynb"
    path.write_bytes(make_notebook().encode("utf-8"))
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> Tuple[int, str, str]:
    code = main([*SELECT, *args])
    out, err = capsys.readouterr()
    return code, out, err


# --- findings in every output format ------------------------------------------------------------


def test_concise_names_cells_and_lines(notebook: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--output-format", "concise", "analysis.ipynb") == (
        1,
        f"analysis.ipynb:cell 3:2:13: MEM101 [*] {SUM_MESSAGE}\n"
        f"analysis.ipynb:cell 6:2:5: MEM501 {DUMPS_MESSAGE}\n"
        f"analysis.ipynb:cell 6:2:15: MEM503 {PICKLE_MESSAGE}\n"
        f"analysis.ipynb:cell 7:2:17: MEM103 [*] {READLINES_MESSAGE}\n"
        "Found 4 errors.\n"
        "[*] 2 fixable with the `--fix` option.\n"
        "(1 hidden fix can be enabled with the `--unsafe-fixes` option.)\n",
        "",
    )


def test_full_shows_the_cell_line(notebook: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "analysis.ipynb")
    assert (code, err) == (1, "")
    assert out.startswith(
        f"analysis.ipynb:cell 3:2:13: MEM101 [*] {SUM_MESSAGE}\n"
        "  |\n"
        "2 | total = sum([r for r in rows])\n"
        "  |             ^^^^^^^^^^^^^^^^^ MEM101\n"
        "  = help: Replace the comprehension with a generator expression\n"
        "\n"
        f"analysis.ipynb:cell 6:2:5: MEM501 {DUMPS_MESSAGE}\n"
        "  |\n"
        "2 |     out.write(pickle.dumps(rows))\n"
    )


def test_json_has_the_cell_and_cell_relative_positions(notebook: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--output-format", "json", "analysis.ipynb")
    assert (code, err) == (1, "")
    findings = json.loads(out)
    assert [(f["code"], f["cell"], f["location"], f["end_location"]) for f in findings] == [
        ("MEM101", 3, {"row": 2, "column": 13}, {"row": 2, "column": 30}),
        ("MEM501", 6, {"row": 2, "column": 5}, {"row": 2, "column": 34}),
        ("MEM503", 6, {"row": 2, "column": 15}, {"row": 2, "column": 33}),
        ("MEM103", 7, {"row": 2, "column": 17}, {"row": 2, "column": 35}),
    ]
    assert findings[0]["fix"]["edits"] == [
        {"content": "r for r in rows", "location": {"row": 2, "column": 13}, "end_location": {"row": 2, "column": 30}}
    ]
    assert {f["filename"] for f in findings} == {"analysis.ipynb"}


def _json_line_at(text: str, line: int, column: int) -> str:
    return text.splitlines()[line - 1][column - 1 :]


def test_sarif_region_is_in_the_json_text(notebook: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--output-format", "sarif", "analysis.ipynb")
    assert (code, err) == (1, "")
    schema = json.loads((Path(__file__).parents[1] / "sarif_schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(out), schema)
    results = json.loads(out)["runs"][0]["results"]
    text = notebook.read_text(encoding="utf-8")
    regions = [r["locations"][0]["physicalLocation"]["region"] for r in results]
    # Each region starts where the finding's code is written in the .ipynb file itself.
    starts = [_json_line_at(text, r["startLine"], r["startColumn"]) for r in regions]
    assert starts == [
        '[r for r in rows])"',
        'out.write(pickle.dumps(rows))"',
        'pickle.dumps(rows))"',
        'handle.readlines():\\n",',
    ]
    assert [_json_line_at(text, r["endLine"], r["endColumn"]) for r in regions] == [')"', '"', ')"', ':\\n",']
    assert [r["properties"]["cell"] for r in results] == [3, 6, 6, 7]
    assert results[0]["properties"]["cellRegion"] == {"startLine": 2, "startColumn": 13, "endLine": 2, "endColumn": 30}


def test_github_annotations_point_into_the_file(notebook: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--output-format", "github", "analysis.ipynb")
    assert (code, err) == (1, "")
    text = notebook.read_text(encoding="utf-8")
    lines = out.splitlines()
    assert len(lines) == 4
    first = lines[0]
    assert first.endswith(f"::analysis.ipynb:cell 3:2:13: MEM101 {SUM_MESSAGE}")
    props = dict(item.split("=", 1) for item in first.split("::")[1][len("error ") :].split(","))
    assert props["file"] == "analysis.ipynb"
    assert _json_line_at(text, int(props["line"]), int(props["col"])).startswith("[r for r in rows]")
    assert [line.split("::", 2)[2].split(" ", 1)[0] for line in lines] == [
        "analysis.ipynb:cell", "analysis.ipynb:cell", "analysis.ipynb:cell", "analysis.ipynb:cell",
    ]
    assert [line.split("::", 2)[2].split(": ", 1)[0] for line in lines] == [
        "analysis.ipynb:cell 3:2:13", "analysis.ipynb:cell 6:2:5", "analysis.ipynb:cell 6:2:15", "analysis.ipynb:cell 7:2:17",
    ]


def test_the_cache_keeps_cells(
    notebook: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["--select", "MEM101,MEM103,MEM501,MEM503", "--jobs", "1", "analysis.ipynb"]
    for output_format in ("json", "sarif"):
        first = main([*args, "--output-format", output_format]), capsys.readouterr()
        assert (notebook.parent / ".memlint_cache").is_dir()
        with monkeypatch.context() as patch:
            patch.setattr("memlint.notebook.lint_notebook", lambda *a, **k: pytest.fail("not served from the cache"))
            second = main([*args, "--output-format", output_format]), capsys.readouterr()
        assert first == second
        assert '"cell": 6' in second[1].out


# --- --fix, --diff, standard input --------------------------------------------------------------


FIXED_TEXT_CHANGES = [
    ('"total = sum([r for r in rows])"', '"total = sum(r for r in rows)"'),
    ('"    for line in handle.readlines():\\n"', '"    for line in handle:\\n"'),
]


def _expected_fixed(original: str) -> str:
    for old, new in FIXED_TEXT_CHANGES:
        assert original.count(old) == 1
        original = original.replace(old, new)
    return original


def test_fix_changes_only_cell_sources(notebook: Path, capsys: pytest.CaptureFixture[str]) -> None:
    original = notebook.read_bytes()
    code, out, err = run(capsys, "--fix", "--output-format", "concise", "analysis.ipynb")
    assert (code, err) == (1, "")
    assert out == (
        f"analysis.ipynb:cell 6:2:5: MEM501 {DUMPS_MESSAGE}\n"
        f"analysis.ipynb:cell 6:2:15: MEM503 {PICKLE_MESSAGE}\n"
        "Found 4 errors (2 fixed, 2 remaining).\n"
        "(1 hidden fix can be enabled with the `--unsafe-fixes` option.)\n"
    )
    fixed = notebook.read_bytes()
    # Every byte but the two fixed lines is as it was: outputs, execution counts, metadata, key
    # order, indentation, the final newline.
    assert fixed == _expected_fixed(original.decode("utf-8")).encode("utf-8")
    before, after = nbformat.reads(original.decode(), as_version=4), nbformat.reads(fixed.decode(), as_version=4)
    for old, new in zip(before.cells, after.cells):
        assert (old.get("outputs"), old.get("execution_count"), old.metadata) == (
            new.get("outputs"), new.get("execution_count"), new.metadata,
        )
    nbformat.validate(after)
    assert run(capsys, "--fix", "analysis.ipynb")[1].count("MEM") == 4  # two remain, nothing else to fix
    assert notebook.read_bytes() == fixed


def test_unsafe_fix_in_a_notebook(notebook: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--fix", "--unsafe-fixes", "--output-format", "concise", "analysis.ipynb")
    assert (code, err) == (1, "")
    cell = parse_notebook(notebook.read_text(encoding="utf-8")).cells[5]
    assert cell.source == "with open('out.pkl', 'wb') as out:\n    pickle.dump(rows, out)"
    assert out == f"analysis.ipynb:cell 6:2:5: MEM503 {PICKLE_MESSAGE}\nFound 4 errors (3 fixed, 1 remaining).\n"


def test_diff_is_per_cell(notebook: Path, capsys: pytest.CaptureFixture[str]) -> None:
    original = notebook.read_bytes()
    assert run(capsys, "--diff", "analysis.ipynb") == (
        1,
        "--- analysis.ipynb:cell 3\n"
        "+++ analysis.ipynb:cell 3\n"
        "@@ -1,2 +1,2 @@\n"
        " !echo start\n"
        "-total = sum([r for r in rows])\n"
        "+total = sum(r for r in rows)\n"
        "--- analysis.ipynb:cell 7\n"
        "+++ analysis.ipynb:cell 7\n"
        "@@ -1,3 +1,3 @@\n"
        " with open('data.txt') as handle:\n"
        "-    for line in handle.readlines():\n"
        "+    for line in handle:\n"
        "         print(line)\n",
        "Would apply 2 fixes (1 hidden fix can be enabled with the `--unsafe-fixes` option).\n",
    )
    assert notebook.read_bytes() == original


def test_stdin_filename(project: Path) -> None:
    text = make_notebook()
    base = [sys.executable, "-m", "memlint", *SELECT]
    checked = subprocess.run(
        [*base, "--output-format", "concise", "-", "--stdin-filename", "nb/x.ipynb"],
        input=text.encode(), capture_output=True, timeout=60,
    )
    assert checked.returncode == 1
    assert checked.stdout.decode().splitlines()[0] == f"nb/x.ipynb:cell 3:2:13: MEM101 [*] {SUM_MESSAGE}"
    fixed = subprocess.run(
        [*base, "--fix", "--output-format", "concise", "-", "--stdin-filename", "x.ipynb"],
        input=text.encode(), capture_output=True, timeout=60,
    )
    assert fixed.returncode == 1
    assert fixed.stdout.decode() == _expected_fixed(text)
    assert fixed.stderr.decode().splitlines()[0] == f"x.ipynb:cell 6:2:5: MEM501 {DUMPS_MESSAGE}"
    diff = subprocess.run(
        [*base, "--diff", "-", "--stdin-filename", "x.ipynb"], input=text.encode(), capture_output=True, timeout=60
    )
    assert diff.returncode == 1
    assert diff.stdout.decode().splitlines()[:2] == ["--- x.ipynb:cell 3", "+++ x.ipynb:cell 3"]
    assert diff.stderr.decode() == "Would apply 2 fixes (1 hidden fix can be enabled with the `--unsafe-fixes` option).\n"


# --- files memlint cannot read, and notebooks with nothing to lint -------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"cells": [', "not a valid notebook: invalid JSON: Expecting value"),
        ("[1, 2]", "not a valid notebook: the JSON is not an object"),
        (
            '{"nbformat": 3, "nbformat_minor": 0, "worksheets": [{"cells": []}], "metadata": {}}',
            "not a valid notebook: nbformat 3 is not supported (memlint reads nbformat 4; "
            "`jupyter nbconvert --to notebook --nbformat 4` converts older ones)",
        ),
        ('{"nbformat": 4, "metadata": {}}', "not a valid notebook: `cells` is missing or not a list"),
        (
            '{"nbformat": 4, "cells": [{"cell_type": "code", "source": 3}]}',
            "not a valid notebook: cell 1 has no valid `cell_type` and `source`",
        ),
        (
            '{"nbformat": 4, "cells": [{"cell_type": "markdown", "source": ""}, {"cell_type": "code"}]}',
            "not a valid notebook: cell 2 has no valid `cell_type` and `source`",
        ),
    ],
)
def test_unreadable_notebook_is_one_mem000(
    project: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    (project / "bad.ipynb").write_text(content)
    code, out, err = run(capsys, "--output-format", "concise", "bad.ipynb")
    assert (code, err) == (1, "")
    lines = out.splitlines()
    assert lines[1:] == ["Found 1 error."]
    assert lines[0].startswith("bad.ipynb:") and f": MEM000 {message}" in lines[0]
    assert "All checks passed" not in out


def test_invalid_json_points_at_the_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "bad.ipynb").write_text('{\n "cells": [\n  {,\n')
    assert run(capsys, "--output-format", "concise", "bad.ipynb")[1] == (
        "bad.ipynb:3:4: MEM000 not a valid notebook: invalid JSON: "
        "Expecting property name enclosed in double quotes\nFound 1 error.\n"
    )


def test_not_utf8(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "bad.ipynb").write_bytes(b'{"cells": ["\xff"]}')
    assert run(capsys, "--output-format", "concise", "bad.ipynb")[1] == (
        "bad.ipynb:1:13: MEM000 file is not valid UTF-8: cannot decode byte 0xff\nFound 1 error.\n"
    )


@pytest.mark.parametrize(
    "cells",
    [[], [("markdown", "# Only prose\n`sum([x for x in y])`")], [("code", "%%bash\nsum([x for x in y])")], [("code", "")]],
    ids=["empty", "markdown-only", "cell-magic-only", "empty-cell"],
)
def test_nothing_to_lint(project: Path, capsys: pytest.CaptureFixture[str], cells: List[Tuple[str, str]]) -> None:
    (project / "n.ipynb").write_text(make_notebook(cells))
    assert run(capsys, "n.ipynb") == (0, "All checks passed!\n", "")


def test_other_language_notebook_is_not_linted(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = make_notebook([("code", "total = sum([r for r in rows])")])
    data = json.loads(text)
    data["metadata"]["kernelspec"]["language"] = "R"
    data["metadata"]["language_info"] = {"name": "R"}
    (project / "r.ipynb").write_text(json.dumps(data))
    assert run(capsys, "r.ipynb") == (0, "All checks passed!\n", "")


def test_syntax_error_names_its_cell(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "s.ipynb").write_text(make_notebook([("code", "x = 1"), ("markdown", "m"), ("code", "y = (1,\nz = 2")]))
    code, out, _ = run(capsys, "--output-format", "concise", "s.ipynb")
    assert code == 1
    # Python 3.10+ places it at the unclosed `(` (1:5), 3.9's parser on the next line: the cell is 3 either way.
    assert out.startswith(("s.ipynb:cell 3:1:5: MEM000 syntax error: ", "s.ipynb:cell 3:2:3: MEM000 syntax error: "))


# --- discovery ------------------------------------------------------------------------------------


def test_walking_finds_notebooks_and_extend_exclude_drops_them(notebook: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (notebook.parent / "mod.py").write_text("total = sum([r for r in rows])\n")
    checkpoints = notebook.parent / ".ipynb_checkpoints"  # Jupyter's autosaves: excluded by default
    checkpoints.mkdir()
    (checkpoints / "analysis-checkpoint.ipynb").write_bytes(notebook.read_bytes())
    code, out, _ = run(capsys, "--output-format", "concise", ".")
    assert code == 1
    assert sorted({line.split(":")[0] for line in out.splitlines() if "MEM" in line}) == ["analysis.ipynb", "mod.py"]
    code, out, _ = run(capsys, "--output-format", "concise", "--extend-exclude", "*.ipynb", ".")
    assert sorted({line.split(":")[0] for line in out.splitlines() if "MEM" in line}) == ["mod.py"]


def test_per_file_ignores_apply_to_notebooks(notebook: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (notebook.parent / "pyproject.toml").write_text('[tool.memlint.per-file-ignores]\n"*.ipynb" = ["MEM5"]\n')
    out = run(capsys, "--output-format", "concise", "analysis.ipynb")[1]
    assert [line.split(": ")[1].split()[0] for line in out.splitlines() if "MEM" in line] == ["MEM101", "MEM103"]


# --- suppression ----------------------------------------------------------------------------------


def test_noqa_per_line_in_a_cell(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cells = [
        ("code", "rows = [1]\na = sum([r for r in rows])  # noqa: MEM101"),
        ("code", "b = sum([r for r in rows])"),
    ]
    (project / "q.ipynb").write_text(make_notebook(cells))
    assert run(capsys, "--output-format", "concise", "q.ipynb")[1].splitlines()[0] == (
        f"q.ipynb:cell 2:1:9: MEM101 [*] {SUM_MESSAGE}"
    )


def test_file_level_noqa_in_any_cell_covers_the_notebook(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cells = [("code", "a = sum([r for r in rows])"), ("markdown", "x"), ("code", "# memlint: noqa\nb = 1")]
    (project / "q.ipynb").write_text(make_notebook(cells))
    assert run(capsys, "q.ipynb") == (0, "All checks passed!\n", "")


# --- magics ---------------------------------------------------------------------------------------


MAGIC_CELL = (
    "%load_ext autoreload\n"
    "!pip install numpy \\\n"
    "    pandas\n"
    "files = !ls -la\n"
    "out = %timeit -o sum(range(3))\n"
    "np.array?\n"
    "??np.zeros\n"
    "%pinfo np\n"
    "pip install requests\n"
    "for f in files:\n"
    "    !echo {f}\n"
    "label = ('%s items'\n"
    "         % len(files))\n"
    "total = sum([f for f in files])\n"
)


def test_magics_are_masked_without_shifting_lines(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "m.ipynb").write_text(make_notebook([("code", MAGIC_CELL), ("code", "%%bash\nls\n")]))
    assert run(capsys, "--output-format", "concise", "m.ipynb")[1] == (
        f"m.ipynb:cell 1:14:13: MEM101 [*] {SUM_MESSAGE}\nFound 1 error.\n[*] 1 fixable with the `--fix` option.\n"
    )
    run(capsys, "--fix", "m.ipynb")
    cells = parse_notebook((project / "m.ipynb").read_text()).cells
    assert cells[0].source == MAGIC_CELL.replace("sum([f for f in files])", "sum(f for f in files)")
    assert cells[1].source == "%%bash\nls\n"


def test_lint_cells_restores_masked_lines_byte_for_byte() -> None:
    sources = ["x = 1\r\n!ls  \r\n", "%%bash\nsum([a for a in b])", MAGIC_CELL]
    result = lint_cells(sources, "cells.ipynb", Config(), fix=True)
    assert result.fixes_applied == 1
    assert result.fixed_sources is not None
    assert result.fixed_sources[0] is sources[0] and result.fixed_sources[1] is sources[1]
    assert result.fixed_sources[2] == MAGIC_CELL.replace("sum([f for f in files])", "sum(f for f in files)")


def test_a_fix_that_would_touch_a_masked_line_is_dropped() -> None:
    # MEM201's fix replaces the whole loop (it hoists the class out of it): the loop holds a
    # masked line, so the fix is neither offered nor applied.
    source = (
        "for record in records:\n"
        "    !echo {record}\n"
        "    class Point:\n"
        '        __slots__ = ("x", "y")\n'
        "    process(record, Point)\n"
    )
    plain = source.replace("    !echo {record}\n", "    print(record)\n")
    unmasked = lint_cells([plain], "h.ipynb", fix=False, unsafe_fixes=True)
    masked = lint_cells([source], "h.ipynb", fix=True, unsafe_fixes=True)
    hoist = [f for f in unmasked.findings if f.fix is not None]
    assert hoist, "the example must have a fix when no line is masked"
    assert [f.code for f in masked.findings] == [f.code for f in unmasked.findings]
    assert all(f.fix is None for f in masked.findings)
    assert masked.fixed_sources is None


def test_lint_cells_maps_to_the_given_sequence() -> None:
    result = lint_cells(["rows = [1]", "", "x = sum([r for r in rows])\ny = max([r for r in rows])"], "a.ipynb")
    assert [(f.cell.number - 1 if f.cell else None, f.location.line, f.location.column) for f in result.findings] == [
        (2, 1, 9),
        (2, 2, 9),
    ]
    assert result.findings[0].source_line == "x = sum([r for r in rows])"
    assert result.fixed_sources is None


def test_lint_cells_fixes_return_every_source() -> None:
    sources = ["rows = [1]", "x = sum([r for r in rows])", "y = 2"]
    result = lint_cells(sources, "a.ipynb", fix=True)
    assert result.fixed_sources == ("rows = [1]", "x = sum(r for r in rows)", "y = 2")
    assert result.findings == ()


# --- the JSON as written by other tools -----------------------------------------------------------


def test_crlf_inside_cell_strings(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(make_notebook([("code", "x = 1")]))
    data["cells"][0]["source"] = ["rows = [1]\r\n", "total = sum([r for r in rows])\r\n", "y = 2\r\n"]
    text = json.dumps(data, indent=1) + "\n"
    (project / "c.ipynb").write_text(text)
    assert run(capsys, "--output-format", "concise", "c.ipynb")[1].splitlines()[0] == (
        f"c.ipynb:cell 1:2:13: MEM101 [*] {SUM_MESSAGE}"
    )
    run(capsys, "--fix", "c.ipynb")
    assert (project / "c.ipynb").read_text() == text.replace("sum([r for r in rows])", "sum(r for r in rows)")


@pytest.mark.parametrize("indent", [None, 2, 4])
def test_other_layouts_keep_every_other_byte(project: Path, capsys: pytest.CaptureFixture[str], indent: Any) -> None:
    """Source as one string, keys in another order, another indentation, escaped non-ASCII and no
    final newline: only the fixed text changes."""
    data = {
        "metadata": {"title": "Größen"},
        "nbformat_minor": 5,
        "nbformat": 4,
        "cells": [
            {"source": "# Größe\ntotal = sum([r for r in rows])", "cell_type": "code", "id": "a1",
             "metadata": {}, "outputs": [], "execution_count": None},
            {"cell_type": "code", "id": "a2", "metadata": {"tags": ["x"]}, "outputs": [], "execution_count": 3,
             "source": ["rows = [1]\n", "big = max([r for r in rows])\n", "s = 'é'"]},
            {"cell_type": "code", "id": "a3", "metadata": {}, "outputs": [], "execution_count": None, "source": []},
        ],
    }
    text = json.dumps(data, indent=indent)
    (project / "o.ipynb").write_text(text)
    code, out, _ = run(capsys, "--fix", "o.ipynb")
    assert code == 0, out
    expected = text.replace("sum([r for r in rows])", "sum(r for r in rows)").replace(
        "max([r for r in rows])", "max(r for r in rows)"
    )
    assert (project / "o.ipynb").read_text() == expected
    assert "\\u00e9" in expected  # json.dumps escaped it: the rewrite kept that style


def test_raw_cells_are_ignored(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_raw_cell("total = sum([r for r in rows])"),
        nbformat.v4.new_code_cell("rows = [1]\nbig = max([r for r in rows])"),
    ]
    (project / "r.ipynb").write_text(nbformat.writes(nb))
    assert run(capsys, "--output-format", "concise", "r.ipynb")[1].splitlines()[0] == (
        "r.ipynb:cell 2:2:11: MEM101 [*] "
        "`max()` of a list comprehension builds the whole list first; pass a generator expression"
    )


def test_parse_notebook_errors_are_notebook_errors() -> None:
    with pytest.raises(NotebookError, match="invalid JSON"):
        parse_notebook("{")
    cells = parse_notebook(make_notebook()).cells
    assert [c.cell_type for c in cells] == ["markdown", "code", "code", "markdown", "code", "code", "code"]
    assert [c.number for c in cells if c.cell_type == "code"] == [2, 3, 5, 6, 7]


def test_lint_notebook_from_bytes_matches_text() -> None:
    text = make_notebook()
    from_bytes = lint_notebook(text.encode("utf-8"), "a.ipynb")
    from_text = lint_notebook(text, "a.ipynb")
    assert from_bytes == from_text
    assert [(f.code, f.cell.number if f.cell else None) for f in from_text.findings] == [
        ("MEM101", 3), ("MEM501", 6), ("MEM503", 6), ("MEM103", 7),
    ]


def test_automagic_only_for_complete_lines_that_are_not_python() -> None:
    sources = ["cd ..\nrun(a,\n    b)\ntime = 3\nls\ntotal = sum([r for r in rows])"]
    result = lint_cells(sources, "a.ipynb")
    assert [(f.code, f.location.line) for f in result.findings] == [("MEM101", 6)]
    fixed = lint_cells(sources, "a.ipynb", fix=True).fixed_sources
    assert fixed == (sources[0].replace("sum([r for r in rows])", "sum(r for r in rows)"),)


def test_byte_order_mark_and_crlf_json_survive_a_fix(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = make_notebook([("code", "rows = [1]\ntotal = sum([r for r in rows])")]).replace("\n", "\r\n")
    (project / "w.ipynb").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert run(capsys, "--output-format", "concise", "w.ipynb")[1].splitlines()[0] == (
        f"w.ipynb:cell 1:2:13: MEM101 [*] {SUM_MESSAGE}"
    )
    assert run(capsys, "--fix", "w.ipynb")[0] == 0
    expected = text.replace("sum([r for r in rows])", "sum(r for r in rows)")
    assert (project / "w.ipynb").read_bytes() == b"\xef\xbb\xbf" + expected.encode("utf-8")


def test_ipython_only_python_parses(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Top-level `await` and a `from __future__` import at the top of a later cell are valid in a
    notebook (IPython compiles each cell on its own)."""
    cells = [
        ("code", "import asyncio\nawait asyncio.sleep(0)"),
        ("code", "from __future__ import annotations\ntotal = sum([r for r in rows])"),
    ]
    (project / "i.ipynb").write_text(make_notebook(cells))
    assert run(capsys, "--output-format", "concise", "i.ipynb")[1].splitlines()[0] == (
        f"i.ipynb:cell 2:2:13: MEM101 [*] {SUM_MESSAGE}"
    )


# --- a module split into cells lints and fixes as the module does --------------------------------


FIXTURES = sorted((Path(__file__).parents[1] / "fixtures").glob("*.py"))
PREFIXES = ["%matplotlib inline\n", "!pip install numpy \\\n    pandas\n", "np.zeros?\n??np\n", "pip install x\n", ""]


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_a_module_split_into_cells_gives_the_same_findings_and_fixes(fixture: Path) -> None:
    """Every top-level statement in a cell of its own, most cells opened by IPython lines: the
    findings are the module's (lines counted within cells), and the fixed cells, without their
    IPython lines, join into the fixed module."""
    import ast

    from memlint.api import lint_source
    from memlint.config import load_config

    text = fixture.read_text(encoding="utf-8")
    empty = str(fixture.parent / "empty_pyproject.toml")
    config = load_config([str(fixture)], empty, {"select": ["ALL"], "preview": True})
    starts = sorted({(n.decorator_list[0] if getattr(n, "decorator_list", None) else n).lineno for n in ast.parse(text).body})
    lines = text.splitlines(keepends=True)
    cuts = [0] + [start - 1 for start in starts[1:]] + [len(lines)]
    cells = ["".join(lines[a:b]) for a, b in zip(cuts, cuts[1:])]
    prefixes = [PREFIXES[i % len(PREFIXES)] for i in range(len(cells))]
    sources = [prefix + cell for prefix, cell in zip(prefixes, cells)]

    module = lint_source(text, "m.py", config, unsafe_fixes=True)
    notebook = lint_cells(sources, "m.ipynb", config, unsafe_fixes=True)
    assert module.findings, "each fixture has findings"

    def in_module(f: Any) -> Tuple[str, int, int, bool]:
        index = f.cell.number - 1
        return (f.code, cuts[index] + f.location.line - prefixes[index].count("\n"), f.location.column, f.fix is None)

    assert sorted(in_module(f) for f in notebook.findings) == sorted(
        (f.code, f.location.line, f.location.column, f.fix is None) for f in module.findings
    )
    fixed_module = lint_source(text, "m.py", config, fix=True, unsafe_fixes=True)
    fixed_cells = lint_cells(sources, "m.ipynb", config, fix=True, unsafe_fixes=True)
    assert fixed_cells.errors == ()
    assert fixed_cells.fixes_applied == fixed_module.fixes_applied
    if fixed_cells.fixed_sources is None:
        assert fixed_module.fixed_source is None
        return
    for prefix, cell in zip(prefixes, fixed_cells.fixed_sources):
        assert cell.startswith(prefix)
    assert "".join(cell[len(prefix) :] for prefix, cell in zip(prefixes, fixed_cells.fixed_sources)) == fixed_module.fixed_source


def test_flake8_places_notebook_findings_in_the_json(notebook: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "--select", "MEM101", "--filename", "*.ipynb", "analysis.ipynb"],
        cwd=notebook.parent, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    line, column = map(int, proc.stdout.split(":")[1:3])
    assert proc.stdout == f"analysis.ipynb:{line}:{column}: MEM101 {SUM_MESSAGE}\n"
    assert _json_line_at(notebook.read_text(encoding="utf-8"), line, column).startswith("[r for r in rows]")


@pytest.mark.parametrize("ensure_ascii", [True, False])
def test_file_positions_count_json_escapes(ensure_ascii: bool) -> None:
    source = 'rows = ["é", "\\t"]\ns = "\\"é😀\\t"; total = sum([r for r in rows])'
    data = {"cells": [{"cell_type": "code", "source": source.splitlines(True), "metadata": {}}], "nbformat": 4,
            "nbformat_minor": 5, "metadata": {}}
    text = json.dumps(data, indent=1, ensure_ascii=ensure_ascii)
    (finding,) = lint_notebook(text, "e.ipynb").findings
    assert (finding.location.line, finding.location.column) == (2, 27)
    assert finding.cell is not None and finding.cell.file_start is not None and finding.cell.file_end is not None
    start, end = finding.cell.file_start, finding.cell.file_end
    assert _json_line_at(text, start.line, start.column).startswith("[r for r in rows]")
    assert _json_line_at(text, end.line, end.column) == ')"'


def test_mangled_json_never_crashes_and_never_passes_silently() -> None:
    """Random edits of a notebook's JSON text: each gives findings or one MEM000, no exception,
    no internal error; a fix never changes anything but code cell sources."""
    import random

    base = make_notebook()
    pieces = list('{}[]",:\\ \n\tab%!?#()') + ["\\u00e9", "\\ud83d\\ude00", "é", "null", "1e5"]
    rng = random.Random(13)
    outcomes = set()
    for _ in range(120):
        text = list(base)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(text))
            choice = rng.random()
            if choice < 0.4:
                del text[at]
            else:
                text.insert(at, rng.choice(pieces))
        mangled = "".join(text)
        result = lint_notebook(mangled, "m.ipynb", fix=True)
        assert result.errors == ()
        assert result.findings, "a notebook with findings (or an error) never passes silently"
        codes = {f.code for f in result.findings}
        outcomes.add("MEM000" in codes)
        if "MEM000" in codes:
            assert codes == {"MEM000"} or all(f.cell is not None for f in result.findings)
        if result.fixed_source is not None:
            before, after = json.loads(mangled), json.loads(result.fixed_source)
            for cell in before["cells"] + after["cells"]:
                cell.pop("source")
            assert before == after
    assert outcomes == {True, False}
