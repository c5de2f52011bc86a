"""Is an expression a file object? Decides whether `f.readlines()` / `f.read()` is a file's.

`FileKind.PROVEN`: the value comes from `open()` (however imported), `io.open`, `io.StringIO`,
`codecs.open`, `gzip.open`, `tempfile.TemporaryFile`, ... directly or through the one binding of
a name (`with open(p) as f`, `f = open(p)`). `STREAM`: `sys.stdin` and friends (files, but
reading them lazily changes interactive behaviour). `NOT_FILE`: `self`/`cls`, `super()`, an
instance of a class or a call of a function defined in this module, or any receiver when this
module itself defines a method of that name. `UNKNOWN`: anything else (a parameter, an attribute).

Names are resolved with the cheap per-file scope index (analysis/scopes.py): no LibCST
metadata needs declaring.
"""

from __future__ import annotations

from enum import Enum
from typing import Dict, FrozenSet, Optional, Set

import libcst as cst

from memlint import matchers as m
from memlint.analysis.names import qualified_name
from memlint.analysis.scopes import scope_index
from memlint.analysis.tree import full_name
from memlint.analysis.usage import single_binding
from memlint.matching import matches
from memlint.context import LintContext
from memlint.traversal import findall

FILE_OPENERS: FrozenSet[str] = frozenset(
    {
        "builtins.open", "io.open", "io.open_code", "io.StringIO", "io.BytesIO", "io.FileIO",
        "io.TextIOWrapper", "io.BufferedReader", "codecs.open", "gzip.open", "gzip.GzipFile",
        "bz2.open", "bz2.BZ2File", "lzma.open", "lzma.LZMAFile", "os.fdopen", "tempfile.TemporaryFile",
        "tempfile.NamedTemporaryFile", "tempfile.SpooledTemporaryFile", "tokenize.open",
    }
)
STREAMS: FrozenSet[str] = frozenset(
    {"sys.stdin", "sys.stdout", "sys.stderr", "sys.__stdin__", "sys.__stdout__", "sys.__stderr__"}
)
SELF_NAMES = m.Name("self") | m.Name("cls")
MAX_DEPTH = 4  # f = g; g = open(p): follow a few single bindings, no more


class FileKind(str, Enum):
    PROVEN = "proven"
    STREAM = "stream"
    UNKNOWN = "unknown"
    NOT_FILE = "not-file"


def file_kind(context: LintContext, expr: cst.BaseExpression, method: str) -> FileKind:
    """What `expr` is, as the receiver of `expr.<method>()` (`readlines`, `read`, `read_text`)."""
    kind = _kind(context, expr, MAX_DEPTH)
    if kind is FileKind.UNKNOWN and module_defines_method(context, method):
        return FileKind.NOT_FILE  # some class here has its own `readlines`: can't tell them apart
    return kind


def module_defines_method(context: LintContext, method: str) -> bool:
    """Does any class in the file being linted define a method called `method`?"""
    memo: Dict[str, bool] = context.cache.setdefault("defined_methods", {})
    if method not in memo:
        wanted = m.ClassDef(body=m.IndentedBlock(body=[m.ZeroOrMore(), m.FunctionDef(name=m.Name(method)), m.ZeroOrMore()]))
        memo[method] = bool(findall(context.module, wanted))
    return memo[method]


def _kind(context: LintContext, expr: cst.BaseExpression, depth: int) -> FileKind:
    if matches(expr, SELF_NAMES):
        return FileKind.NOT_FILE
    if m.matches(expr, m.Call()):
        return _call_kind(context, cst.ensure_type(expr, cst.Call))
    if m.matches(expr, m.Name() | m.Attribute()):
        name = qualified_name(context, expr)
        if name in STREAMS:
            return FileKind.STREAM
    if m.matches(expr, m.Name()) and depth > 0:
        binding = single_binding(context, cst.ensure_type(expr, cst.Name))
        if binding is not None and binding.value is not None:
            return _kind(context, binding.value, depth - 1)
    return FileKind.UNKNOWN


def _call_kind(context: LintContext, call: cst.Call) -> FileKind:
    if m.matches(call.func, m.Name("super")):
        return FileKind.NOT_FILE
    names = _callee_names(context, call.func)
    if names is None or len(names) != 1:
        return FileKind.UNKNOWN
    qualified = next(iter(names))
    if qualified in FILE_OPENERS:
        return FileKind.PROVEN
    if qualified == LOCAL:
        return FileKind.NOT_FILE  # a class or function of this module: its own type
    return FileKind.UNKNOWN


LOCAL = "<local>"


def _callee_names(context: LintContext, func: cst.BaseExpression) -> Optional[Set[str]]:
    """What `func` may be, like LibCST's qualified names: import or builtin names, or LOCAL for
    a name bound here; None when nothing (or a star import) binds it."""
    dotted = full_name(func)
    if dotted is None:
        return None
    root, _, rest = dotted.partition(".")
    suffix = f".{rest}" if rest else ""
    index = scope_index(context)
    scope = index.binding_scope(func, root)
    if scope == "builtin":
        return {f"builtins.{dotted}"}
    if isinstance(scope, str):
        return None
    imported = index.bindings(scope).names.get(root, [])
    if not index.assignments(scope, root):
        return None  # declared global or nonlocal but bound nowhere we see
    return {LOCAL if name is None else f"{name}{suffix}" for name in imported}
