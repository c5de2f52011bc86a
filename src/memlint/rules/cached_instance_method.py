from __future__ import annotations

from typing import Optional

import libcst as cst

from memlint import matchers as m
from memlint.analysis.names import qualified_name
from memlint.matching import matches
from memlint.rule import Invalid, Rule, Valid
from memlint.screen import Named, Node

CACHES = frozenset({"functools.lru_cache", "functools.cache"})
NOT_INSTANCE = frozenset({"builtins.staticmethod", "builtins.classmethod"})
IMPLICIT_STATIC = frozenset({"__new__", "__init_subclass__", "__class_getitem__"})  # no `self`
ENUMS = frozenset({"enum.Enum", "enum.IntEnum", "enum.StrEnum", "enum.Flag", "enum.IntFlag"})
NAMED_TUPLES = frozenset({"typing.NamedTuple", "collections.namedtuple", "typing_extensions.NamedTuple"})
DATACLASSES = frozenset({"dataclasses.dataclass", "attr.s", "attr.attrs", "attr.frozen", "attrs.frozen", "attr.define", "attrs.define", "pydantic.dataclasses.dataclass"})
FROZEN_DECORATORS = frozenset({"attr.frozen", "attrs.frozen"})
FROZEN = m.Arg(keyword=m.Name("frozen"), value=m.Name("True"))
BOUNDED = m.Integer()
HASH_DEFINED = m.FunctionDef(name=m.Name("__hash__"))


class CachedInstanceMethod(Rule):
    """
    ## What it does
    Flags `functools.lru_cache` and `functools.cache` (also `lru_cache(maxsize=...)`, any import
    spelling) on an instance method: a `def` in a class body whose first parameter is the
    instance.

    ## Why is this bad?
    The cache is stored on the function, shared by the whole class, and its keys include `self`:
    every instance the method was ever called on stays alive as long as the class does (forever,
    with `maxsize=None`), along with everything it references. Measured on CPython 3.11 with
    tracemalloc, 20 throw-away instances holding 1 MB each, each calling a cached method once,
    peak at +20 MB: none of them is freed. With a cache dict on the instance instead, +1 MB (one
    instance at a time).

    It does not apply to `@staticmethod`/`@classmethod` methods, nor to `__new__`,
    `__init_subclass__` and `__class_getitem__` (they receive the class, not an instance), nor to
    methods of `Enum` classes (their members live forever anyway). Nor to a cache bounded by an
    integer `maxsize` on a *value object*: a `NamedTuple`, a frozen dataclass or attrs class, or a
    class that defines `__hash__` (equal instances share one entry). There the cache holds at most
    `maxsize` small immutable values, which is what it is for (rich's `Color`, `Style`).

    ## Example
    ```python
    class Model:
        @functools.lru_cache(maxsize=None)
        def predict(self, x):
            ...
    ```

    Use instead: a cache per instance (`functools.cached_property` for a method without
    arguments, or a dict on `self`), or a module-level cached function that takes what it needs
    instead of `self`.

    ## Overlaps
    Ruff's B019 (`cached-instance-method`, flake8-bugbear) reports the same code. Running both,
    keep one: `ignore = ["MEM601"]` in `[tool.memlint]`, or `lint.ignore = ["B019"]` in Ruff's
    configuration.

    ## References
    - Python documentation, `functools.lru_cache`; FAQ "How do I cache method calls?"
    - flake8-bugbear B019
    """

    code = "MEM601"
    triggers = ("functools", "lru_cache|cache")
    screen = (  # a method: a `def` directly in a class body, with a first parameter
        Node(
            "ClassDef",
            body=Node(
                "FunctionDef", "AsyncFunctionDef", decorator=Named("lru_cache", "cache"),
                args=Node("arguments", args=Node("arg")) | Node("arguments", posonlyargs=Node("arg")),
            ),
        ),
    )
    name = "cached-instance-method"
    message = "`@{decorator}` on the instance method `{method}` keeps {kept} alive for the life of the class"

    VALID = [
        Valid("import functools\nclass A:\n    @staticmethod\n    @functools.lru_cache\n    def f(x):\n        return x", "a static method"),
        Valid("import functools\nclass A:\n    @classmethod\n    @functools.cache\n    def f(cls, x):\n        return x", "a class method"),
        Valid("import enum, functools\nclass Color(enum.Enum):\n    RED = 1\n    @functools.lru_cache\n    def f(self):\n        return 1", "an Enum: members live forever"),
        Valid("import functools\n@functools.lru_cache\ndef f(x):\n    return x", "a module function"),
        Valid("import functools\nclass A:\n    @functools.cached_property\n    def f(self):\n        return 1", "a per-instance cache"),
        Valid("def lru_cache(f):\n    return f\nclass A:\n    @lru_cache\n    def f(self):\n        return 1", "not functools"),
        Valid("import functools\nclass Path:\n    @functools.lru_cache()\n    def __new__(cls, root):\n        return super().__new__(cls)", "`__new__` gets the class (stdlib importlib/metadata)"),
        Valid("from enum import Enum\nfrom functools import cache\nclass E(str, Enum):\n    A = 'a'\n    @cache\n    def f(self):\n        return 1", "a str Enum"),
        Valid(
            "from functools import lru_cache\nfrom typing import NamedTuple\nclass Color(NamedTuple):\n    r: int\n    g: int\n    @lru_cache(maxsize=1024)\n    def downgrade(self, system):\n        return self",
            "bounded, on a NamedTuple: at most 1024 small values (rich's color.py)",
        ),
        Valid(
            "import functools\nclass Style:\n    __slots__ = ('_color',)\n    def __hash__(self):\n        return hash(self._color)\n    @functools.lru_cache(maxsize=1024)\n    def get_html_style(self, theme=None):\n        return ''",
            "bounded, on a class hashed by value (rich's style.py)",
        ),
        Valid(
            "import dataclasses, functools\n@dataclasses.dataclass(frozen=True)\nclass Unit:\n    name: str\n    @functools.lru_cache(maxsize=256)\n    def to_base(self):\n        return self",
            "bounded, on a frozen dataclass",
        ),
    ]
    INVALID = [
        Invalid("import functools\nclass Model:\n    @functools.lru_cache(maxsize=None)\n    def predict(self, x):\n        return x"),
        Invalid("from functools import cache\nclass A:\n    @cache\n    def f(self):\n        return 1"),
        Invalid("from functools import lru_cache as memo\nclass A:\n    @memo\n    def f(self, a):\n        return a"),
        Invalid("import functools as ft\nclass A:\n    @property\n    @ft.lru_cache(128)\n    def f(self):\n        return 1"),
        Invalid("import functools\nclass Outer:\n    class Inner:\n        @functools.cache\n        def f(self):\n            return 1"),
        Invalid("from functools import lru_cache\nclass A(Base):\n    @lru_cache()\n    async def f(self):\n        return 1"),
        Invalid(
            "from functools import lru_cache\nfrom typing import NamedTuple\nclass Color(NamedTuple):\n    r: int\n    @lru_cache(maxsize=None)\n    def name(self):\n        return ''",
            note="a value object, but unbounded: every distinct value ever seen is kept",
        ),
        Invalid(
            "import functools\nclass ProgressBar:\n    def __init__(self, total):\n        self.total = total\n    @functools.lru_cache(maxsize=16)\n    def segments(self, style):\n        return [style] * self.total",
            note="bounded, but on a mutable object: up to 16 bars and all they hold stay alive",
        ),
    ]

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if not node.decorators:
            return
        candidates = list(node.decorators)
        klass = self._enclosing_class(node)
        if klass is None or not (node.params.params or node.params.posonly_params) or node.name.value in IMPLICIT_STATIC:
            return
        names = [qualified_name(self.context, _callee(d.decorator)) for d in node.decorators if m.matches(_callee(d.decorator), m.Name() | m.Attribute())]
        if any(name in NOT_INSTANCE for name in names):
            return
        if any(qualified_name(self.context, base.value) in ENUMS for base in klass.bases if m.matches(base.value, m.Name() | m.Attribute())):
            return
        for decorator in candidates:
            callee = _callee(decorator.decorator)
            if m.matches(callee, m.Name() | m.Attribute()) and qualified_name(self.context, callee) in CACHES:
                bound = _maxsize(decorator.decorator) if qualified_name(self.context, callee) == "functools.lru_cache" else None
                if bound is not None and self._value_object(klass):
                    return  # at most `bound` small immutable values: what the cache is for
                shown = cst.Module([]).code_for_node(decorator.decorator)
                kept = "every `self` it sees" if bound is None else f"up to {bound} instances it was called on (and all they reference)"
                self.report(decorator, decorator=shown, method=node.name.value, kept=kept)
                return

    def _value_object(self, klass: cst.ClassDef) -> bool:
        """A NamedTuple, a frozen dataclass or attrs class, or a class hashed by value."""
        for base in klass.bases:
            callee = _callee(base.value)
            if m.matches(callee, m.Name() | m.Attribute()) and qualified_name(self.context, callee) in NAMED_TUPLES:
                return True
        for decorator in klass.decorators:
            callee = _callee(decorator.decorator)
            name = qualified_name(self.context, callee) if m.matches(callee, m.Name() | m.Attribute()) else None
            if name in FROZEN_DECORATORS:
                return True
            if name in DATACLASSES and m.matches(decorator.decorator, m.Call()):
                if any(matches(arg, FROZEN) for arg in cst.ensure_type(decorator.decorator, cst.Call).args):
                    return True
        body = klass.body.body if isinstance(klass.body, cst.IndentedBlock) else ()
        return any(m.matches(statement, HASH_DEFINED) for statement in body)

    def _enclosing_class(self, node: cst.FunctionDef) -> Optional[cst.ClassDef]:
        """The class whose body directly holds `node` (found via the scope index's parents)."""
        from memlint.analysis.scopes import scope_index

        index = scope_index(self.context)
        block = index.parent(node)
        klass = index.parent(block) if block is not None else None
        return cst.ensure_type(klass, cst.ClassDef) if m.matches(klass, m.ClassDef()) else None


def _maxsize(expr: cst.BaseExpression) -> Optional[int]:
    """The `maxsize` of an `lru_cache` decorator: `lru_cache(64)`, `lru_cache(maxsize=64)`; 128 for
    `lru_cache` and `lru_cache()` (the default); None when unbounded (`maxsize=None`) or unknown."""
    if not isinstance(expr, cst.Call):
        return 128
    for arg in expr.args:
        keyword = arg.keyword.value if arg.keyword is not None else None
        if keyword in (None, "maxsize") and not arg.star and isinstance(arg.value, cst.Integer):
            return int(arg.value.evaluated_value)
        if keyword in (None, "maxsize"):
            return None
    return 128  # `lru_cache()`, or only `typed=` given


def _callee(expr: cst.BaseExpression) -> cst.BaseExpression:
    return cst.ensure_type(expr, cst.Call).func if m.matches(expr, m.Call()) else expr
