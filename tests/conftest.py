"""Shared by every layer of tests/ (core, analysis, rules, shells, robustness).

The tests live in one folder per layer; their helpers, data and the shared `project` fixture stay here (`analysis_probe.py`,
`fixtures/`, `fix_corpus/`, `sarif_schema.json`). This folder is put on `sys.path` so that a test
in any layer imports `analysis_probe`, and each test is marked with its layer:
`python -m pytest -m analysis` runs the analysis layer alone.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List

import pytest

TESTS = Path(__file__).resolve().parent
LAYERS = {
    "core": "the engine, traversal, matching, configuration, selection, suppression, cache",
    "analysis": "the analysis helpers of memlint.analysis",
    "rules": "every rule's examples, fixtures, fixes and evidence",
    "shells": "the command line, flake8 plugin, language server, notebooks, reports, docs",
    "robustness": "bad and odd input, fuzzing, adversarial use, corpora, self-lint",
}

if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project root with an empty [tool.memlint], the current directory, so no outer
    pyproject.toml leaks in. Test modules that need more (files, settings) define their own."""
    (tmp_path / "pyproject.toml").write_text("[tool.memlint]\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def pytest_configure(config: pytest.Config) -> None:
    for layer, what in LAYERS.items():
        config.addinivalue_line("markers", f"{layer}: tests/{layer}/, {what}")


def pytest_collection_modifyitems(config: pytest.Config, items: List[pytest.Item]) -> None:
    for item in items:
        path = Path(str(item.fspath)).resolve()
        if path.parent.parent == TESTS and path.parent.name in LAYERS:
            item.add_marker(getattr(pytest.mark, path.parent.name))
