"""The top-level `target-version` setting: read as in Ruff ("py39"), defaulting to the project's
`requires-python`, handed to rules that have a `target-version` option (MEM606) unless the
rule's own table overrides it."""

from __future__ import annotations

import pytest

from memlint.cli import main
from memlint.config import ConfigError, build_config, load_config, target_version_of

SLOTLESS = (
    "from dataclasses import dataclass\n"
    "@dataclass\n"
    "class Point:\n"
    "    x: float\n"
    "points = [Point(v) for v in values]\n"
)
FINDING = "a.py:2:1: MEM606 `Point` is created in a loop and every instance carries a `__dict__`; use `@dataclass(slots=True)`"


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.py").write_text(SLOTLESS)
    return tmp_path


def lint(capsys, *args):
    code = main(["--select", "MEM606", "--preview", "--no-cache", "--output-format", "concise", *args, "a.py"])
    out, err = capsys.readouterr()
    return code, [line for line in out.splitlines() if " MEM606 " in line], err


@pytest.mark.parametrize(
    "spec, expected",
    [
        (">=3.9", "py39"),
        (">= 3.10", "py310"),
        (">=3.11,!=3.14.1", "py311"),
        (">=3.8,<4", "py38"),
        ("~=3.12", "py312"),
        ("==3.11.*", "py311"),
        (">3.9", "py39"),
        ("^3.10", "py310"),  # Poetry
        (">=2.7, !=3.0.*", "py37"),  # below Ruff's oldest: its oldest
        (">=3.8, >=3.10", "py310"),  # the highest floor
        ("<4", None),
        ("*", None),
        ("^3.8 || ^3.10", None),
        ("banana", None),
    ],
)
def test_target_version_of_requires_python(spec, expected):
    assert target_version_of(spec) == expected


def test_requires_python_below_310_silences_mem606(project, capsys):
    (project / "pyproject.toml").write_text('[project]\nname = "p"\nrequires-python = ">=3.9"\n')
    assert lint(capsys) == (0, [], "")
    assert load_config(["a.py"], None, {}).target_version == "py39"


def test_requires_python_310_keeps_mem606(project, capsys):
    (project / "pyproject.toml").write_text('[project]\nname = "p"\nrequires-python = ">=3.10"\n')
    assert lint(capsys) == (1, [FINDING], "")


def test_poetry_python_dependency_is_read(project, capsys):
    (project / "pyproject.toml").write_text('[tool.poetry.dependencies]\npython = ">=3.8.0"\n')
    assert lint(capsys) == (0, [], "")


def test_top_level_target_version_beats_requires_python(project, capsys):
    (project / "pyproject.toml").write_text(
        '[project]\nname = "p"\nrequires-python = ">=3.9"\n[tool.memlint]\ntarget-version = "py311"\n'
    )
    assert lint(capsys) == (1, [FINDING], "")
    (project / "pyproject.toml").write_text(
        '[project]\nname = "p"\nrequires-python = ">=3.12"\n[tool.memlint]\ntarget-version = "py39"\n'
    )
    assert lint(capsys) == (0, [], "")


def test_rule_option_overrides_top_level_target_version(project, capsys):
    (project / "pyproject.toml").write_text(
        '[tool.memlint]\ntarget-version = "py39"\n[tool.memlint.MEM606]\ntarget-version = "3.10"\n'
    )
    assert lint(capsys) == (1, [FINDING], "")
    config = load_config(["a.py"], None, {})
    assert (config.target_version, config.rule_options["MEM606"]) == ("py39", {"target-version": "3.10"})


def test_nothing_declared_keeps_the_rule_default(project, capsys):
    (project / "pyproject.toml").write_text('[project]\nname = "p"\n')
    assert lint(capsys) == (1, [FINDING], "")
    config = load_config(["a.py"], None, {})
    assert (config.target_version, dict(config.rule_options)) == (None, {})


def test_show_settings_prints_the_target_version(project, capsys):
    (project / "pyproject.toml").write_text('[project]\nname = "p"\nrequires-python = ">=3.10"\n')
    assert main(["--show-settings", "a.py"]) == 0
    out = capsys.readouterr().out
    assert "target_version: 'py310'\n" in out


def test_injected_into_rule_options_only_for_rules_with_the_option():
    config = build_config({"target-version": "py312"}, {}, root=".")
    assert dict(config.rule_options) == {"MEM606": {"target-version": "3.12"}}


@pytest.mark.parametrize("value", ["3.9", "py2", "py39.1", 39, "PY39"])
def test_bad_target_version_is_an_error(value):
    with pytest.raises(ConfigError) as error:
        build_config({"target-version": value}, {}, root=".", path="pyproject.toml")
    assert str(error.value) == (
        f"pyproject.toml: [tool.memlint]: 'target-version' must be a Python version such as \"py39\" or \"py312\", "
        f"not {type(value).__name__} {value!r}"
    )


def test_sdist_pkg_info_is_read_when_pyproject_states_nothing(project, capsys):
    (project / "pyproject.toml").write_text('[build-system]\nrequires = ["setuptools"]\n')
    (project / "PKG-INFO").write_text("Metadata-Version: 2.1\nName: p\nRequires-Python: >=3.8\n\nLong description\nRequires-Python: >=3.12\n")
    assert lint(capsys) == (0, [], "")
    assert load_config(["a.py"], None, {}).target_version == "py38"


def test_wheel_metadata_is_read(project, capsys):
    (project / "p-1.0.dist-info").mkdir()
    (project / "p-1.0.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: p\nRequires-Python: >=3.11\n")
    assert lint(capsys) == (1, [FINDING], "")
    assert load_config(["a.py"], None, {}).target_version == "py311"
    (project / "p-1.0.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: p\nRequires-Python: >=3.9\n")
    assert lint(capsys) == (0, [], "")
