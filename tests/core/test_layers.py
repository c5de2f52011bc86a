"""The layers of memlint import downwards only: context <- analysis <- rule <- rules.

`memlint.context` (the per-file context) is a leaf that neither the rule base nor the analysis
helpers are below; the helpers of `memlint.analysis` take the context, not the rule, so they
import neither `memlint.rule` nor the rules (not even for type checking or inside a function).
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path
from typing import Set

import memlint

PACKAGE = Path(memlint.__file__).parent


def _imported(path: Path) -> Set[str]:
    """Every `memlint...` module a file imports, anywhere in it."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.split(".")[0] == "memlint"}


def _above(name: str, *layers: str) -> bool:
    return any(name == layer or name.startswith(layer + ".") for layer in layers)


def test_analysis_modules_import_neither_the_rule_base_nor_the_rules():
    offending = {
        f"{path.name}: {name}"
        for path in sorted((PACKAGE / "analysis").glob("*.py"))
        for name in _imported(path)
        if _above(name, "memlint.rule", "memlint.rules", "memlint.engine", "memlint.api")
    }
    assert offending == set()


def test_the_context_module_is_a_leaf():
    allowed = {"memlint.traversal", "memlint.traversal.Parents", "memlint.positions", "memlint.positions.PositionTable", "memlint.positions.StatementLines"}
    assert _imported(PACKAGE / "context.py") - {"memlint.rule", "memlint.rule.Report"} <= allowed
    # `Report` is named for type checking only: the module imports nothing of the rule at run time.
    tree = ast.parse((PACKAGE / "context.py").read_text(encoding="utf-8"))
    runtime = [node for node in tree.body if isinstance(node, ast.ImportFrom) and node.module == "memlint.rule"]
    assert runtime == []


def test_importing_every_analysis_module_loads_no_rule():
    code = (
        "import importlib, pkgutil, sys\n"
        "import memlint.analysis as analysis\n"
        "for info in pkgutil.iter_modules(analysis.__path__):\n"
        "    importlib.import_module('memlint.analysis.' + info.name)\n"
        "print(' '.join(sorted(name for name in sys.modules if name.startswith('memlint'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = done.stdout.split()
    assert "memlint.analysis.values" in loaded and "memlint.context" in loaded
    assert [name for name in loaded if _above(name, "memlint.rule", "memlint.rules", "memlint.engine")] == []


def test_rule_base_classes_live_with_the_rules_and_are_not_rules():
    from memlint.registry import all_rules
    from memlint.rules._bases import IterationSiteRule, LoopDepthRule

    rules = set(all_rules().values())
    assert LoopDepthRule not in rules and IterationSiteRule not in rules
    assert {cls.code for cls in rules if issubclass(cls, LoopDepthRule)} >= {"MEM201", "MEM301"}
    assert {cls.code for cls in rules if issubclass(cls, IterationSiteRule)} >= {"MEM102", "MEM103"}


def _context_helpers() -> Set[str]:
    """The functions of memlint.analysis whose first parameter is the file's context."""
    names = set()
    for path in (PACKAGE / "analysis").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.args.args and node.args.args[0].arg == "context":
                names.add(node.name)
    return names


def test_no_analysis_helper_takes_a_rule():
    offending = {
        f"{path.name}:{node.lineno} {node.name}({arg.arg})"
        for path in sorted((PACKAGE / "analysis").glob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, (ast.FunctionDef, ast.Lambda))
        for arg in node.args.args
        if arg.arg == "rule"
    }
    assert offending == set()


def test_rules_pass_their_context_to_analysis_helpers():
    """`parent(self, node)` would hand the rule where the helper reads the context (a crash only
    when the line runs): every call of a helper passes `self.context` (or `rule.context`)."""
    helpers = _context_helpers()
    assert {"parent", "value_of", "known_length", "qualified_name", "scope_index"} <= helpers
    offending = []
    for path in sorted((PACKAGE / "rules").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {
            alias.asname or alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("memlint.analysis")
            for alias in node.names
            if alias.name in helpers
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in imported
                and node.args
                and isinstance(node.args[0], ast.Name)
                and node.args[0].id in ("self", "rule")
            ):
                offending.append(f"rules/{path.name}:{node.lineno} {node.func.id}({node.args[0].id}, ...)")
    assert offending == []


TESTS = Path(__file__).resolve().parents[1]
LAYERS = ("core", "analysis", "rules", "shells", "robustness")


def test_every_test_module_is_in_a_layer_folder():
    strays = sorted(path.name for path in TESTS.glob("test_*.py"))
    assert strays == [], f"move them into a layer folder, tests/{{{','.join(LAYERS)}}}/ (git mv)"
    folders = sorted(path.parent.name for path in TESTS.glob("*/test_*.py"))
    assert set(folders) == set(LAYERS)


def test_a_test_carries_the_marker_of_its_layer(request):
    assert request.node.get_closest_marker("core") is not None
    assert [layer for layer in LAYERS if request.node.get_closest_marker(layer)] == ["core"]


def test_layer_tests_reach_tests_and_the_repository_through_parents():
    """A test one folder down that still takes its own folder's parent for tests/ would glob an
    empty `fixtures` folder and pass having checked nothing: from a layer folder,
    `Path(__file__).parents[1]` is tests/ and `parents[2]` the repository."""
    stale = re.compile(r"Path\(__file__\)(\.resolve\(\))?\.parent\b")
    offending = sorted(
        f"{path.parent.name}/{path.name}:{number}"
        for path in TESTS.glob("*/test_*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if stale.search(line)
    )
    assert offending == []
