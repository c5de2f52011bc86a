"""The `Rule` base class: everything about a rule lives on its class, checked at import time.

A rule is a LibCST `BatchableCSTVisitor`. All enabled rules share ONE traversal of the module
(`engine.py`). Metadata is declared LibCST's way (`METADATA_DEPENDENCIES`) but resolved lazily:
a provider runs the first time any rule asks for it in a file, so a file where no rule reaches a
candidate node pays for no scope or qualified-name analysis at all.

Facts worth remembering when writing a rule:
- In a batched traversal returning ``False`` from ``visit_X`` does not prune the subtree, and the
  ``@m.visit``/``@m.call_if_inside`` decorators are ignored: keep your own depth/flag state.
- Positions are resolved by the engine only for reported nodes; a rule never needs them.
- Parents are always available (`analysis.loops.parent`, `ParentNodeProvider`) without a
  declaration: the traversal records them.
- Rule base classes (`LoopDepthRule`, `IterationSiteRule`) live in `memlint.rules._bases`.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from enum import Enum
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    ClassVar,
    Dict,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Type,
    Union,
)

import libcst as cst
from libcst._metadata_dependent import LazyValue
from libcst.metadata import ParentNodeProvider

from memlint.context import LintContext
from memlint.findings import CODE_RE, Applicability, Tier
from memlint.prefilter import entry_problems
from memlint.screen import ScreenSpec, screen_problems

if TYPE_CHECKING:  # pragma: no cover
    from memlint.analysis.estimates import Estimate

NAME_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
REQUIRED_SECTIONS = ("## What it does", "## Why is this bad?", "## Example")

Replacement = Union[cst.CSTNode, cst.RemovalSentinel, cst.FlattenSentinel]


class FixAvailability(str, Enum):
    NONE = "none"
    SOMETIMES = "sometimes"
    ALWAYS = "always"


class RuleDefinitionError(TypeError):
    """A rule class breaks the contract; raised at import time so it never ships."""


@dataclass(frozen=True)
class Option:
    """A rule option: its default fixes its type; ``description`` goes into the docs."""

    default: Any
    description: str

    @property
    def type(self) -> type:
        return type(self.default)


@dataclass(frozen=True)
class Valid:
    """Code the rule must not flag. ``note`` says why, in the docs."""

    code: str
    note: str = ""
    options: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "code", _dedent(self.code))


@dataclass(frozen=True)
class Invalid:
    """Code the rule must flag ``count`` times; ``fixed`` is the exact text after its fix.

    ``fixed`` is None when the finding has no fix for this code; ``applicability`` is then None
    too, and the tests check that no fix is offered.
    """

    code: str
    fixed: Optional[str] = None
    applicability: Optional[Applicability] = None
    count: int = 1
    note: str = ""
    options: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "code", _dedent(self.code))
        if self.fixed is not None:
            object.__setattr__(self, "fixed", _dedent(self.fixed))


@dataclass(frozen=True)
class Fix:
    """A fix as CST changes: each original node maps to its replacement (or removal)."""

    applicability: Applicability
    title: str
    changes: Tuple[Tuple[cst.CSTNode, Replacement], ...]


@dataclass(frozen=True)
class Report:
    """What a rule reports during traversal; the engine turns it into a `Finding`."""

    rule: "Rule"
    node: cst.CSTNode
    message: str
    fix: Optional[Fix]
    estimate: Optional["Estimate"] = None

    @property
    def estimated_bytes(self) -> Optional[int]:
        """The bytes at stake when the code states them in full; None otherwise."""
        return None if self.estimate is None else self.estimate.known_bytes


_MISSING = object()


class Rule(cst.BatchableCSTVisitor):
    """Base class of every memlint rule. Subclasses set the class attributes below."""

    code: ClassVar[str] = ""
    name: ClassVar[str] = ""
    message: ClassVar[str] = ""
    fix_title: ClassVar[Optional[str]] = None
    fix_availability: ClassVar[FixAvailability] = FixAvailability.NONE
    tier: ClassVar[Tier] = Tier.STABLE
    options: ClassVar[Mapping[str, Option]] = {}
    VALID: ClassVar[Sequence[Valid]] = ()
    INVALID: ClassVar[Sequence[Invalid]] = ()
    # Words without which the rule can never report (prefilter.py): every entry must occur in
    # the file, an entry by any of its "|"-separated alternatives, e.g. ("numpy", "array|asarray").
    # A file in which they do not occur is not visited by the rule. Empty: the rule always runs.
    triggers: ClassVar[Tuple[str, ...]] = ()
    # A necessary condition on CPython's `ast` of the module (screen.py): a tuple of alternatives,
    # any of which must be found for the rule to run on the file. None: the rule always runs.
    screen: ClassVar[ScreenSpec] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.code:  # abstract helpers without a code are not rules
            _validate(cls)

    def __init__(self, context: LintContext) -> None:
        super().__init__()
        self.context = context
        overrides = context.rule_options.get(self.code, {})
        self.settings: Dict[str, Any] = {
            key: overrides.get(key, opt.default) for key, opt in self.options.items()
        }

    def get_visitors(self) -> Dict[str, Callable[[cst.CSTNode], None]]:
        """LibCST's version scans every attribute with `inspect.getmembers` for each instance
        (3 ms a rule, for every rule and file: a sixth of the run); the names are a property
        of the class, so they are found once per class."""
        return {name: getattr(self, name) for name in _visitor_names(type(self))}

    # -- reporting ---------------------------------------------------------------------------
    def report(
        self, node: cst.CSTNode, fix: Optional[Fix] = None, estimate: Optional["Estimate"] = None, **fields: Any
    ) -> None:
        """Report `node` with the message template filled from `fields`. An `estimate`
        (analysis/estimates.py) of the bytes at stake is appended in parentheses, the same way
        for every rule: "...; pass a generator expression (a list of 1,000,000 ints, ~36 MB)"."""
        message = self.message.format(**fields)
        if estimate is not None:
            message = f"{message} ({estimate.describe()})"
        self.context.reports.append(Report(self, node, message, fix, estimate))

    def make_fix(self, applicability: Applicability, *changes: Tuple[cst.CSTNode, Replacement]) -> Fix:
        return Fix(applicability, self.fix_title or "", tuple(changes))

    # -- metadata, resolved on first use ------------------------------------------------------
    def get_metadata(self, key: Any, node: cst.CSTNode, default: Any = _MISSING) -> Any:
        """A node's metadata from `key`, which the rule declares in METADATA_DEPENDENCIES.
        Parents need no declaration: the engine's traversal records them for every rule."""
        if key not in self.get_inherited_dependencies() and key is not ParentNodeProvider:
            raise KeyError(f"{self.code} asks for {key.__name__} without declaring it")
        table = self.context.metadata_table(key)
        if default is _MISSING:
            value = table[node]
        else:
            value = table.get(node, default)
        if isinstance(value, LazyValue):
            value = value()
        return value

    @classmethod
    def summary(cls) -> str:
        """The first line of the docstring's "What it does" section."""
        doc = cls.__doc__ or ""
        text = doc.split("## What it does", 1)[-1].strip().split("\n\n", 1)[0]
        return " ".join(text.split())


_VISITOR_NAMES: Dict[type, Tuple[str, ...]] = {}
# LibCST's visitor classes define a no-op visit_/leave_ method for every node type (over a
# thousand names): `dir()` of a rule lists them all, 1.3 ms a rule. Only the rule's own classes
# can define a visitor that does something.
_LIBCST_BASES = frozenset(cst.BatchableCSTVisitor.__mro__)


def _visitor_names(cls: type) -> Tuple[str, ...]:
    names = _VISITOR_NAMES.get(cls)
    if names is None:
        defined = {
            name
            for klass in cls.__mro__
            if klass not in _LIBCST_BASES
            for name in vars(klass)
            if name.startswith(("visit_", "leave_"))
        }
        names = tuple(
            name
            for name in sorted(defined)
            if callable(getattr(cls, name)) and not getattr(getattr(cls, name), "_is_no_op", False)
        )
        _VISITOR_NAMES[cls] = names
    return names


def _dedent(code: str) -> str:
    text = textwrap.dedent(code)
    if text.startswith("\n"):
        text = text[1:]
    return text


def _validate(cls: Type[Rule]) -> None:
    where = f"rule class {cls.__module__}.{cls.__qualname__}"
    problems: List[str] = []
    if not CODE_RE.match(cls.code):
        problems.append(f"code {cls.code!r} is not MEM followed by 3 digits (MEM100-MEM999)")
    if not NAME_RE.match(cls.name):
        problems.append(f"name {cls.name!r} is not kebab-case")
    if not cls.message:
        problems.append("message is empty")
    doc = cls.__doc__ or ""
    for section in REQUIRED_SECTIONS:
        if section not in doc:
            problems.append(f"docstring lacks the section {section!r}")
    if cls.fix_availability is not FixAvailability.NONE:
        if not cls.fix_title:
            problems.append("a fixable rule needs fix_title")
        if "## Fix safety" not in doc:
            problems.append("a fixable rule's docstring needs '## Fix safety'")
        if not any(example.fixed is not None for example in cls.INVALID):
            problems.append("a fixable rule needs an INVALID example with its fixed output")
    if not isinstance(cls.triggers, tuple) or not all(isinstance(entry, str) for entry in cls.triggers):
        problems.append("triggers is not a tuple of strings")
    else:
        for entry in cls.triggers:
            problems.extend(entry_problems(entry))
    problems.extend(screen_problems(cls.screen))
    if cls.options and "## Options" not in doc:
        problems.append("a rule with options needs '## Options' in its docstring")
    if not cls.VALID:
        problems.append("no VALID examples")
    if not cls.INVALID:
        problems.append("no INVALID examples")
    for example in list(cls.VALID) + list(cls.INVALID):
        unknown = set(example.options) - set(cls.options)
        if unknown:
            problems.append(f"an example sets unknown options {sorted(unknown)}")
    for example in cls.INVALID:
        if (example.fixed is None) != (example.applicability is None):
            problems.append("an INVALID example gives `fixed` without `applicability` or the reverse")
        if example.count < 1:
            problems.append("an INVALID example expects fewer than one finding")
    if problems:
        raise RuleDefinitionError(f"{where}: " + "; ".join(problems))
