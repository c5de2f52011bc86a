"""Every output format through the real CLI (in process): exact text where the format is ours,
structure (and a SARIF schema) where it is someone else's.

`--select MEM101` is pinned so that rules added later do not change what these tests expect.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any, Dict, List, Tuple

import jsonschema
import pytest

from memlint import REPOSITORY_URL, __version__, rule_url
from memlint.cli import main
from memlint.findings import Applicability, Finding, FixInfo, Location
from memlint.registry import all_rules
from memlint.reporting import RENDERERS, Context, github

SOURCE = """\
def report(data, weigh):
    total = sum([x * x for x in data])
    heaviest = max([weigh(x) for x in data], default=0)
    return total, heaviest
"""
FIXED_SAFE = SOURCE.replace("sum([x * x for x in data])", "sum(x * x for x in data)")
FIXED_ALL = FIXED_SAFE.replace("max([weigh(x) for x in data], default=0)", "max((weigh(x) for x in data), default=0)")
SUM = "`sum()` of a list comprehension builds the whole list first; pass a generator expression"
MAX = "`max()` of a list comprehension builds the whole list first; pass a generator expression"
HELP = "Replace the comprehension with a generator expression"
# A syntax error every supported Python words and places the same way.
BROKEN = "x = )\n"
BROKEN_MESSAGE = "syntax error: unmatched ')'"
FORMATS = ("full", "concise", "json", "json-lines", "sarif", "github", "gitlab", "junit", "pylint")
SCHEMA = json.loads((Path(__file__).parents[1] / "sarif_schema.json").read_text(encoding="utf-8"))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory with its own (empty) [tool.memlint], so no settings leak in from outside."""
    (tmp_path / "pyproject.toml").write_text("[tool.memlint]\n", encoding="utf-8")
    (tmp_path / "app.py").write_text(SOURCE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> Tuple[int, str, str]:
    code = main(["--select", "MEM101", "--jobs", "1", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


# --- full and concise -------------------------------------------------------------------------


def test_full_shows_headline_code_frame_help_and_summary(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "app.py")
    assert out == dedent(
        f"""
        app.py:2:17: MEM101 [*] {SUM}
          |
        2 |     total = sum([x * x for x in data])
          |                 ^^^^^^^^^^^^^^^^^^^^^ MEM101
          = help: {HELP}

        app.py:3:20: MEM101 {MAX}
          |
        3 |     heaviest = max([weigh(x) for x in data], default=0)
          |                    ^^^^^^^^^^^^^^^^^^^^^^^^ MEM101
          = help: {HELP}

        Found 2 errors.
        [*] 1 fixable with the `--fix` option.
        (1 hidden fix can be enabled with the `--unsafe-fixes` option.)
        """
    )
    assert (code, err) == (1, "")


def test_full_is_the_default_format(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "app.py") == run(capsys, "--output-format", "full", "app.py")


def test_full_with_unsafe_fixes_marks_every_fixable_finding(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--unsafe-fixes", "app.py")
    assert f"app.py:3:20: MEM101 [*] {MAX}\n" in out
    assert out.endswith("Found 2 errors.\n[*] 2 fixable with the `--fix --unsafe-fixes` option.\n")
    assert code == 1


def test_full_frame_keeps_carets_under_the_finding_after_a_tab_and_on_a_long_line_number(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = "\n" * 9 + "def f(data):\n\treturn sum([\tx for x in data])\n"
    Path("tabs.py").write_text(source, encoding="utf-8")
    _, out, _ = run(capsys, "tabs.py")
    assert out == dedent(
        f"""
        tabs.py:11:13: MEM101 [*] {SUM}
           |
        11 |  return sum([ x for x in data])
           |             ^^^^^^^^^^^^^^^^^^ MEM101
           = help: {HELP}

        Found 1 error.
        [*] 1 fixable with the `--fix` option.
        """
    )


def test_full_frame_of_a_multi_line_finding_underlines_to_the_end_of_its_first_line(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Path("multi.py").write_text("total = sum([\n    x\n    for x in data\n])\n", encoding="utf-8")
    _, out, _ = run(capsys, "multi.py")
    assert out.startswith(
        dedent(
            f"""
            multi.py:1:13: MEM101 [*] {SUM}
              |
            1 | total = sum([
              |             ^ MEM101
            """
        )
    )


def test_full_summary_after_fix_counts_fixed_and_remaining(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--fix", "app.py")
    assert out.startswith(f"app.py:3:20: MEM101 {MAX}\n")
    assert out.endswith(
        "Found 2 errors (1 fixed, 1 remaining).\n(1 hidden fix can be enabled with the `--unsafe-fixes` option.)\n"
    )
    assert code == 1
    assert Path("app.py").read_text(encoding="utf-8") == FIXED_SAFE


def test_concise_one_line_per_finding_and_summary(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--output-format", "concise", "app.py")
    assert out == (
        f"app.py:2:17: MEM101 [*] {SUM}\n"
        f"app.py:3:20: MEM101 {MAX}\n"
        "Found 2 errors.\n"
        "[*] 1 fixable with the `--fix` option.\n"
        "(1 hidden fix can be enabled with the `--unsafe-fixes` option.)\n"
    )
    assert (code, err) == (1, "")


def test_findings_are_sorted_by_file_then_position(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Path("b.py").write_text("y = sum([v for v in w])\n", encoding="utf-8")
    _, out, _ = run(capsys, "--output-format", "concise", "b.py", "app.py")
    assert [line.split(" ")[0] for line in out.splitlines()[:3]] == ["app.py:2:17:", "app.py:3:20:", "b.py:1:9:"]


@pytest.mark.parametrize(
    ("output_format", "expected"),
    [("full", "All checks passed!\n"), ("concise", "All checks passed!\n"), ("json", "[]\n"), ("github", "")],
)
def test_a_clean_run(project: Path, capsys: pytest.CaptureFixture[str], output_format: str, expected: str) -> None:
    Path("clean.py").write_text("total = sum(x * x for x in data)\n", encoding="utf-8")
    assert run(capsys, "--output-format", output_format, "clean.py") == (0, expected, "")


def test_a_clean_run_in_sarif_has_the_rules_and_no_results(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Path("clean.py").write_text("total = sum(x * x for x in data)\n", encoding="utf-8")
    code, out, _ = run(capsys, "--output-format", "sarif", "clean.py")
    log = json.loads(out)
    jsonschema.validate(log, SCHEMA)
    assert log["runs"][0]["results"] == []
    assert code == 0


def test_output_format_from_pyproject(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Path("pyproject.toml").write_text('[tool.memlint]\noutput-format = "concise"\n', encoding="utf-8")
    _, out, _ = run(capsys, "app.py")
    assert out.startswith(f"app.py:2:17: MEM101 [*] {SUM}\napp.py:3:20")
    _, out, _ = run(capsys, "--output-format", "github", "app.py")
    assert out.startswith("::error ")


# --- json -------------------------------------------------------------------------------------


def json_findings(capsys: pytest.CaptureFixture[str], *args: str) -> List[Dict[str, Any]]:
    code, out, err = run(capsys, "--output-format", "json", *args)
    assert err == ""
    findings = json.loads(out)
    assert code == (1 if findings else 0)
    return findings


def test_json_objects(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    findings = json_findings(capsys, "app.py")
    assert findings == [
        {
            "code": "MEM101",
            "name": "comprehension-in-reducer",
            "message": SUM,
            "filename": "app.py",
            "cell": None,
            "location": {"row": 2, "column": 17},
            "end_location": {"row": 2, "column": 38},
            "fix": {
                "applicability": "safe",
                "message": HELP,
                "edits": [
                    {
                        "content": "x * x for x in data",
                        "location": {"row": 2, "column": 17},
                        "end_location": {"row": 2, "column": 38},
                    }
                ],
            },
            "estimated_bytes": None,
            "measured_bytes": None,
            "measured_by": None,
            "url": None,  # no public repository yet
        },
        {
            "code": "MEM101",
            "name": "comprehension-in-reducer",
            "message": MAX,
            "filename": "app.py",
            "cell": None,
            "location": {"row": 3, "column": 20},
            "end_location": {"row": 3, "column": 44},
            "fix": {
                "applicability": "unsafe",
                "message": HELP,
                "edits": [
                    {
                        "content": "(weigh(x) for x in data)",
                        "location": {"row": 3, "column": 20},
                        "end_location": {"row": 3, "column": 44},
                    }
                ],
            },
            "estimated_bytes": None,
            "measured_bytes": None,
            "measured_by": None,
            "url": None,  # no public repository yet
        },
    ]


def apply_edits(text: str, findings: List[Dict[str, Any]], applicabilities: Tuple[str, ...]) -> str:
    """The JSON consumer's view: 1-based (row, column) ranges, applied from the last to the first."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(position: Dict[str, int]) -> int:
        return starts[position["row"] - 1] + position["column"] - 1

    edits = [
        edit
        for finding in findings
        if finding["fix"] is not None and finding["fix"]["applicability"] in applicabilities
        for edit in finding["fix"]["edits"]
    ]
    edits.sort(key=lambda e: (e["location"]["row"], e["location"]["column"]), reverse=True)
    for edit in edits:
        text = text[: offset(edit["location"])] + edit["content"] + text[offset(edit["end_location"]) :]
    return text


@pytest.mark.parametrize(
    ("options", "applicabilities", "expected"),
    [((), ("safe",), FIXED_SAFE), (("--unsafe-fixes",), ("safe", "unsafe"), FIXED_ALL)],
    ids=["safe", "unsafe"],
)
def test_json_edits_give_exactly_what_fix_writes(
    project: Path,
    capsys: pytest.CaptureFixture[str],
    options: Tuple[str, ...],
    applicabilities: Tuple[str, ...],
    expected: str,
) -> None:
    source = SOURCE + "\n\ndef other(rows):\n    return min([r.size for r in rows]), sum([\n        r.size  # kept\n        for r in rows\n    ])\n"
    Path("app.py").write_text(source, encoding="utf-8")
    findings = json_findings(capsys, *options, "app.py")
    from_edits = apply_edits(source, findings, applicabilities)
    code, _, _ = run(capsys, "--fix", *options, "app.py")
    written = Path("app.py").read_text(encoding="utf-8")
    assert from_edits == written
    assert written.startswith(expected)
    assert "        r.size  # kept\n" in written


def test_json_after_fix_lists_what_remains_with_edits_for_the_fixed_file(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    findings = json_findings(capsys, "--fix", "app.py")
    assert [(f["location"], f["fix"]["applicability"]) for f in findings] == [({"row": 3, "column": 20}, "unsafe")]
    assert Path("app.py").read_text(encoding="utf-8") == FIXED_SAFE
    assert apply_edits(FIXED_SAFE, findings, ("unsafe",)) == FIXED_ALL


def test_json_edit_positions_count_characters_not_bytes(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = "naïve = 'é'; total = sum([x for x in data])\n"
    Path("u.py").write_text(source, encoding="utf-8")
    findings = json_findings(capsys, "u.py")
    assert findings[0]["location"] == {"row": 1, "column": source.index("[") + 1}
    assert apply_edits(source, findings, ("safe",)) == "naïve = 'é'; total = sum(x for x in data)\n"


# --- sarif ------------------------------------------------------------------------------------


def sarif(capsys: pytest.CaptureFixture[str], *args: str) -> Dict[str, Any]:
    _, out, err = run(capsys, "--output-format", "sarif", *args)
    assert err == ""
    log = json.loads(out)
    jsonschema.validate(log, SCHEMA)
    return log


def test_sarif_is_valid_2_1_0(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = sarif(capsys, "app.py")
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-2.1.0.json")
    (run_,) = log["runs"]
    assert run_["tool"]["driver"]["name"] == "memlint"
    assert run_["tool"]["driver"]["version"] == __version__
    assert run_["columnKind"] == "unicodeCodePoints"
    first, second = run_["results"]
    assert first == {
        "ruleId": "MEM101",
        "ruleIndex": first["ruleIndex"],
        "level": "warning",
        "message": {"text": SUM},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": "app.py", "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": 2, "startColumn": 17, "endLine": 2, "endColumn": 38},
                }
            }
        ],
    }
    assert second["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 3,
        "startColumn": 20,
        "endLine": 3,
        "endColumn": 44,
    }


def test_sarif_rule_index_points_at_the_result_rule(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Path("bad.py").write_text(BROKEN, encoding="utf-8")
    log = sarif(capsys, "app.py", "bad.py")
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    results = log["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["MEM101", "MEM101", "MEM000"]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_sarif_lists_every_registered_rule_with_its_documentation(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = sarif(capsys, "app.py")["runs"][0]["tool"]["driver"]["rules"]
    by_id = {rule["id"]: rule for rule in rules}
    assert len(by_id) == len(rules), "rule ids repeat"
    # Every rule, selected or not, so a code-scanning upload can describe any result.
    assert set(by_id) == set(all_rules()) | {"MEM000"}
    for code, rule in all_rules().items():
        entry = by_id[code]
        doc = textwrap.dedent(rule.__doc__ or "").strip()
        assert entry["name"] == rule.name
        assert entry["shortDescription"]["text"] == rule.summary()
        assert entry["help"]["markdown"] == doc
        assert "## Why is this bad?" in entry["help"]["markdown"]
        assert entry["fullDescription"]["text"] == " ".join(doc.split())
        # No public page to link to: the help carries the whole documentation instead.
        assert "helpUri" not in entry
        assert entry["help"]["text"] == doc
        assert entry["properties"] == {"tier": rule.tier.value, "fix": rule.fix_availability.value}
    assert by_id["MEM000"]["defaultConfiguration"] == {"level": "error"}
    assert "no comment silences it" in by_id["MEM000"]["help"]["text"]
    assert "informationUri" not in sarif(capsys, "app.py")["runs"][0]["tool"]["driver"]


def test_no_url_points_at_a_repository_that_does_not_exist() -> None:
    assert REPOSITORY_URL is None
    assert rule_url("MEM101") is None


def test_sarif_uris(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "sub dir").mkdir()
    (project / "sub dir" / "m%.py").write_text(SOURCE, encoding="utf-8")
    log = sarif(capsys, str(project / "app.py"), "sub dir/m%.py")
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]]
    absolute = (project / "app.py").as_uri()
    assert absolute.startswith("file:///")
    assert sorted(set(uris)) == sorted({absolute, "sub%20dir/m%25.py"})
    run_ = log["runs"][0]
    bases = {
        r["locations"][0]["physicalLocation"]["artifactLocation"].get("uriBaseId")
        for r in run_["results"]
    }
    assert bases == {None, "%SRCROOT%"}  # only the relative one has a base
    assert run_["originalUriBaseIds"] == {"%SRCROOT%": {"uri": Path.cwd().as_uri() + "/"}}


def test_the_sarif_schema_rejects_what_it_should() -> None:
    """The schema is only worth something if it fails broken logs."""
    good = {
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "memlint", "rules": [{"id": "MEM101"}]}},
                "results": [
                    {
                        "ruleId": "MEM101",
                        "level": "warning",
                        "message": {"text": "m"},
                        "locations": [
                            {"physicalLocation": {"artifactLocation": {"uri": "a.py"}, "region": {"startLine": 1}}}
                        ],
                    }
                ],
            }
        ],
    }
    jsonschema.validate(good, SCHEMA)
    breakages = [
        lambda log: log.update(version="2.0.0"),
        lambda log: log["runs"][0]["tool"]["driver"].pop("name"),
        lambda log: log["runs"][0]["tool"]["driver"]["rules"][0].pop("id"),
        lambda log: log["runs"][0]["results"][0].update(level="warn"),
        lambda log: log["runs"][0]["results"][0].pop("message"),
        lambda log: log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"].update(startLine=0),
        lambda log: log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"].update(startline=1),
        lambda log: log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"].update(
            uri="C:\\a.py"
        ),
    ]
    for breakage in breakages:
        log = json.loads(json.dumps(good))
        breakage(log)
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(log, SCHEMA)


# --- github -----------------------------------------------------------------------------------


def test_github_annotations(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--output-format", "github", "app.py")
    assert out == (
        f"::error title=memlint (MEM101),file=app.py,line=2,col=17,endLine=2,endColumn=38::app.py:2:17: MEM101 {SUM}\n"
        f"::error title=memlint (MEM101),file=app.py,line=3,col=20,endLine=3,endColumn=44::app.py:3:20: MEM101 {MAX}\n"
    )
    assert (code, err) == (1, "")


def test_github_escapes_properties_in_a_file_name(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Path("odd, name:1%.py").write_text("y = sum([v for v in w])\n", encoding="utf-8")
    _, out, _ = run(capsys, "--output-format", "github", "odd, name:1%.py")
    assert out == (
        "::error title=memlint (MEM101),file=odd%2C name%3A1%25.py,line=1,col=9,endLine=1,endColumn=23"
        f"::odd, name:1%25.py:1:9: MEM101 {SUM}\n"
    )


def test_github_escapes_percent_and_newlines_in_messages() -> None:
    finding = Finding(
        code="MEM999",
        name="made-up",
        message="100% of\r\nthe list, then: more",
        filename="a,b.py",
        location=Location(1, 2),
        end_location=Location(3, 4),
        fix=FixInfo(Applicability.SAFE, "t"),
    )
    assert github.render([finding], Context()) == (
        "::error title=memlint (MEM999),file=a%2Cb.py,line=1,col=2,endLine=3,endColumn=4"
        "::a,b.py:1:2: MEM999 100%25 of%0D%0Athe list, then: more\n"
    )


# --- --statistics -----------------------------------------------------------------------------


def test_statistics(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Path("b.py").write_text("y = max([weigh(v) for v in w])\n", encoding="utf-8")
    Path("bad.py").write_text(BROKEN, encoding="utf-8")
    code, out, err = run(capsys, "--statistics", "app.py", "b.py", "bad.py")
    assert out == "3\tMEM101\t[*] comprehension-in-reducer\n1\tMEM000\t    unparsable-file\n"
    assert (code, err) == (1, "")


def test_statistics_without_a_safe_fix_has_no_marker(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Path("b.py").write_text("y = max([weigh(v) for v in w])\n", encoding="utf-8")
    assert run(capsys, "--statistics", "b.py") == (1, "1\tMEM101\t    comprehension-in-reducer\n", "")
    assert run(capsys, "--statistics", "--unsafe-fixes", "b.py") == (1, "1\tMEM101\t[*] comprehension-in-reducer\n", "")


def test_statistics_of_a_clean_run_is_empty(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Path("clean.py").write_text("x = 1\n", encoding="utf-8")
    assert run(capsys, "--statistics", "clean.py") == (0, "", "")


# --- MEM000 (a file that does not parse) in every format ------------------------------------------


@pytest.fixture
def broken(project: Path) -> Path:
    path = project / "bad.py"
    path.write_text(BROKEN, encoding="utf-8")
    return path


def test_mem000_full(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "bad.py") == (
        1,
        dedent(
            f"""
            bad.py:1:5: MEM000 {BROKEN_MESSAGE}
              |
            1 | x = )
              |     ^ MEM000

            Found 1 error.
            """
        ),
        "",
    )


def test_mem000_concise(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--output-format", "concise", "bad.py") == (
        1,
        f"bad.py:1:5: MEM000 {BROKEN_MESSAGE}\nFound 1 error.\n",
        "",
    )


def test_mem000_json(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert json_findings(capsys, "bad.py") == [
        {
            "code": "MEM000",
            "name": "unparsable-file",
            "message": BROKEN_MESSAGE,
            "filename": "bad.py",
            "cell": None,
            "location": {"row": 1, "column": 5},
            "end_location": {"row": 1, "column": 5},
            "fix": None,
            "estimated_bytes": None,
            "measured_bytes": None,
            "measured_by": None,
            "url": None,
        }
    ]


def test_mem000_sarif(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = sarif(capsys, "bad.py")
    (result,) = log["runs"][0]["results"]
    assert result["ruleId"] == "MEM000"
    assert result["level"] == "error"
    assert result["message"] == {"text": BROKEN_MESSAGE}
    assert log["runs"][0]["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "MEM000"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 1


def test_mem000_github(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--output-format", "github", "bad.py") == (
        1,
        "::error title=memlint (MEM000),file=bad.py,line=1,col=5,endLine=1,endColumn=5"
        f"::bad.py:1:5: MEM000 {BROKEN_MESSAGE}\n",
        "",
    )


def test_mem000_does_not_stop_the_other_files(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "--output-format", "concise", "app.py", "bad.py")
    assert out.splitlines()[:3] == [
        f"app.py:2:17: MEM101 [*] {SUM}",
        f"app.py:3:20: MEM101 {MAX}",
        f"bad.py:1:5: MEM000 {BROKEN_MESSAGE}",
    ]


def test_every_format_has_a_renderer() -> None:
    assert sorted(RENDERERS) == sorted(FORMATS)
