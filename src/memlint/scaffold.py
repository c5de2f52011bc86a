"""Start a new rule: its module, its fixture and its evidence case, with everything to fill in.

    python -m memlint.scaffold MEM111 sorted-copy-for-membership

writes `src/memlint/rules/sorted_copy_for_membership.py` (a preview rule whose docstring has
every section and whose examples are placeholders), `tests/fixtures/MEM111.py` and
`benchmarks/evidence/cases/mem111.py`. Nothing else lists rules: the registry finds the module.
The placeholders make the rule's own tests fail (its INVALID example is not reported, the fixture
expects a finding, the evidence case raises) until the rule is written; then
`python -m memlint.rule_docs docs/rules` generates its page, the README table and the index.

A code that a rule has, or that a page in `docs/rules/` documents, is refused: codes are never
reused. Nothing is overwritten.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from memlint.findings import CODE_RE
from memlint.rule import NAME_RE

RULE = '''from __future__ import annotations

import libcst as cst

from memlint.findings import Tier
from memlint.rule import Invalid, Rule, Valid


class {klass}(Rule):
    """
    ## What it does
    TODO: the pattern, in one or two sentences, as the code shows it.

    ## Why is this bad?
    TODO: the memory cost, with a figure measured by benchmarks/evidence/cases/{module_code}.py,
    and when it does *not* apply (memlint then stays silent).

    ## Precision policy
    TODO: what evidence the rule needs (analysis/values.py: tiny, data-sized, unknown), and what
    it does when the size is unknown.

    ## Example
    ```python
    TODO
    ```

    Use instead:
    ```python
    TODO
    ```

    ## References
    - TODO
    """

    code = "{code}"
    name = "{name}"
    message = "TODO: what is wrong here and the cure that fits this code"
    tier = Tier.PREVIEW  # stable once its precision on real code is measured (docs/precision.md)
    triggers = ()  # words without which it can never report (prefilter.py); empty: always runs
    # screen = ...: a condition on CPython's ast without which it can never report (screen.py);
    # none: the rule runs on every file. Add one once the rule works; the differential test
    # (tests/core/test_prefilter.py) proves it loses nothing.

    VALID = [
        Valid("x = 1", "TODO: code that looks alike and must not be reported, with why"),
    ]
    INVALID = [
        Invalid("TODO = 'code the rule reports'"),
    ]

    def visit_Module(self, node: cst.Module) -> None:
        """TODO: the visitors; `self.report(node)` for each finding."""
'''

FIXTURE = '''"""Fixture for {code} {name}."""


def reported():
    todo = "the pattern, as real code writes it"  # expect: {code}


def not_reported():
    todo = "code that looks alike and is fine"
'''

EVIDENCE = '''"""{code}: TODO the pattern measured."""

PATTERN = "TODO: `before` vs `after`"
SIZE = "TODO: the size the figure is measured at"


def setup():
    raise NotImplementedError("{code}: build the data both sides share")


def before(data):
    raise NotImplementedError("{code}: the pattern as the rule reports it")


def after(data):
    raise NotImplementedError("{code}: the cure the message gives")
'''


def class_name(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-"))


def taken_codes(rules_dir: Path, docs_dir: Path) -> Dict[str, str]:
    """Every code a rule module defines or a rule page documents, with where."""
    taken: Dict[str, str] = {}
    for module in sorted(rules_dir.glob("*.py")):
        for code in re.findall(r'^\s*code = "(MEM\d{3})"', module.read_text(encoding="utf-8"), re.MULTILINE):
            taken[code] = str(module)
    for page in sorted(docs_dir.glob("MEM*.md")):
        taken.setdefault(page.stem, str(page))
    return taken


def scaffold(root: Path, code: str, name: str) -> List[Path]:
    """Write the three files under `root` (the repository) and return them; ValueError when the
    code or name is malformed or taken, or a file exists."""
    if not CODE_RE.match(code):
        raise ValueError(f"{code!r} is not MEM followed by three digits (MEM100-MEM999)")
    if not NAME_RE.match(name):
        raise ValueError(f"{name!r} is not a kebab-case name such as `sorted-copy-for-membership`")
    rules_dir = root / "src" / "memlint" / "rules"
    if not rules_dir.is_dir():
        raise ValueError(f"{rules_dir} does not exist: run this from the repository root or pass --root")
    taken = taken_codes(rules_dir, root / "docs" / "rules")
    if code in taken:
        raise ValueError(f"{code} is taken ({taken[code]}); codes are never reused")
    module = name.replace("-", "_")
    files = {
        rules_dir / f"{module}.py": RULE.format(klass=class_name(name), code=code, name=name, module_code=code.lower()),
        root / "tests" / "fixtures" / f"{code}.py": FIXTURE.format(code=code, name=name),
        root / "benchmarks" / "evidence" / "cases" / f"{code.lower()}.py": EVIDENCE.format(code=code),
    }
    existing = [str(path) for path in files if path.exists()]
    if existing:
        raise ValueError(f"already exists: {', '.join(existing)}")
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8") as handle:
            handle.write(text)
    return list(files)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m memlint.scaffold", description=__doc__.splitlines()[0])
    parser.add_argument("code", help="the new rule's code, e.g. MEM111 (never one used before)")
    parser.add_argument("name", help="the pattern's kebab-case name, e.g. sorted-copy-for-membership")
    parser.add_argument("--root", type=Path, default=Path("."), help="the repository (default: the current directory)")
    args = parser.parse_args(argv)
    try:
        written = scaffold(args.root, args.code, args.name)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for path in written:
        print(f"wrote {path}")
    print("next: write the rule and its examples, then `python -m memlint.rule_docs docs/rules`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
