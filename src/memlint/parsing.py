"""Bytes to text (PEP 263) and text to a LibCST module, exactly once per file.

Anything that stops a file from being linted becomes one `SourceError` with a reason and, where
known, the line: the caller turns it into a single MEM000 finding and moves on.
"""

from __future__ import annotations

import ast
import codecs
import io
import re
import tokenize
import warnings
from dataclasses import dataclass
from typing import Tuple

import libcst as cst

# A file above this size is reported, not parsed: LibCST needs roughly 1 KB of memory per source
# line for the tree, and a generated file this large is not something a person fixes by hand.
MAX_FILE_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class SourceError(Exception):
    reason: str
    line: int = 1
    column: int = 1
    recursion: bool = False  # hit Python's recursion limit: worth a retry with a deeper stack

    def __str__(self) -> str:
        return self.reason


@dataclass(frozen=True)
class Source:
    text: str
    encoding: str  # as declared or detected; "utf-8-sig" when the file starts with a BOM


def decode(data: bytes, max_bytes: int = MAX_FILE_BYTES) -> Source:
    """Decode per PEP 263 (BOM, coding cookie, UTF-8 default)."""
    if len(data) > max_bytes:
        raise SourceError(f"file is too large to lint ({len(data):,} bytes; the limit is {max_bytes:,})")
    nul = data.find(b"\x00")
    if nul >= 0:
        line, column = _line_col(data, nul)
        raise SourceError("file contains a NUL byte", line, column)
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        if not _declares_encoding(data):
            # detect_encoding says "invalid or missing encoding declaration" for a first or second
            # line that is not UTF-8 even when nothing is declared: that is a bad byte.
            _raise_undecodable(data, "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8")
        raise SourceError(f"bad encoding declaration: {exc}", getattr(exc, "lineno", None) or 1)
    try:
        text = codecs.decode(data, encoding)
    except UnicodeDecodeError:
        _raise_undecodable(data, encoding)
    return Source(text, encoding)


# PEP 263: a comment on line 1 or 2 matching this declares the encoding.
_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=]", re.MULTILINE)


def _declares_encoding(data: bytes) -> bool:
    first_two = b"\n".join(data.split(b"\n", 2)[:2])
    return _COOKIE.search(first_two) is not None


def _raise_undecodable(data: bytes, encoding: str) -> None:
    # utf-8-sig reports offsets past the BOM it strips: decode the rest as UTF-8 and add it back.
    skip = len(codecs.BOM_UTF8) if encoding == "utf-8-sig" and data.startswith(codecs.BOM_UTF8) else 0
    try:
        codecs.decode(data[skip:], "utf-8" if skip else encoding)
    except UnicodeDecodeError as exc:
        start = exc.start + skip
        line, column = _line_col(data, start)
        column -= skip if line == 1 else 0  # the BOM is not a character of the text
        raise SourceError(
            f"file is not valid {_encoding_label(encoding)}: cannot decode byte 0x{data[start]:02x}",
            line,
            column,
        ) from None
    raise SourceError("bad encoding declaration")  # pragma: no cover - decodes after all


# CPython refuses more than 200 nested brackets ("too many nested parentheses"); LibCST's native
# parser accepts more but overflows the C stack and kills the process somewhere above 1,000.
MAX_BRACKET_DEPTH = 200
_BRACKETS = re.compile(r"[()\[\]{}]")


def parse(text: str, vetted: bool = False) -> cst.Module:
    """The LibCST module; ``vetted``: `vet(text)` has already run."""
    if not vetted:
        vet(text)
    try:
        return cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        raise _syntax_error(text, exc) from None
    except RecursionError:
        raise SourceError("too deeply nested to parse (recursion limit)", recursion=True) from None
    except (MemoryError, OverflowError) as exc:  # the native parser reports stack exhaustion so
        raise SourceError(f"could not be parsed: {type(exc).__name__}")


def vet(text: str) -> bool:
    """Refuse what would crash or hang LibCST (SourceError); True when CPython parses the text.

    When CPython accepts a file and no rule can fire in it (prefilter.py), it needs no LibCST
    parse at all: it has no syntax error to report."""
    depth = bracket_depth(text)
    if depth > MAX_BRACKET_DEPTH:
        raise SourceError(
            f"syntax error: too many nested brackets ({depth} levels; Python allows {MAX_BRACKET_DEPTH})"
        )
    return _refuse_what_python_finds_too_deep(text)


def _refuse_what_python_finds_too_deep(text: str) -> bool:
    """LibCST's native parser crashes the process (or runs for minutes) on expressions nested
    far beyond what CPython accepts (about 3,000 levels of `-x`, `a.b`, `f()()`...). CPython's
    own parser refuses those in milliseconds, so it vets every file first; other syntax errors
    are left to LibCST, which knows syntax newer than this interpreter."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, "<memlint>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except (RecursionError, MemoryError):
        raise SourceError("too deeply nested for Python's parser") from None
    except SyntaxError as error:
        if "too many nested" in error.msg or "too complex" in error.msg:
            raise SourceError(f"syntax error: {error.msg}", error.lineno or 1, error.offset or 1) from None
        return False
    except (ValueError, OverflowError):
        return False  # e.g. a NUL byte: decode() reports those
    return True


def bracket_depth(text: str) -> int:
    """The deepest bracket nesting. A quick count that ignores strings and comments bounds it
    from above in practice; only a file that looks too deep is tokenized for the exact figure."""
    depth = deepest = 0
    for match in _BRACKETS.finditer(text):
        if match.group() in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif depth:
            depth -= 1
    if deepest <= MAX_BRACKET_DEPTH:
        return deepest
    quick, depth, deepest = deepest, 0, 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.OP and token.string in "([{":
                depth += 1
                deepest = max(deepest, depth)
            elif token.type == tokenize.OP and token.string in ")]}":
                depth = max(0, depth - 1)
    except (tokenize.TokenError, SyntaxError) as error:
        # Keep what was counted up to the error. Python 3.12+ tokenizes in C, which stops at
        # CPython's own limit ("too many nested parentheses"): then the quick count is the figure.
        if "too many nested" in str(error):
            return max(deepest, quick)
    return deepest


_LIBCST_POSITION = re.compile(r"error at (\d+):(\d+): ")


def _syntax_error(text: str, exc: cst.ParserSyntaxError) -> SourceError:
    """Python's own compiler words syntax errors better and places them right (LibCST puts an
    indentation error on line 1 and "expected one of ..." everywhere); LibCST's report is the
    fallback for syntax this interpreter does not know."""
    python_accepts = False
    try:
        with warnings.catch_warnings():  # e.g. SyntaxWarning for "\d": the core never prints
            warnings.simplefilter("ignore")
            compile(text, "<memlint>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as error:
        return SourceError(f"syntax error: {error.msg}", error.lineno or 1, error.offset or 1)
    except (ValueError, RecursionError, MemoryError, OverflowError):
        pass
    else:
        python_accepts = True
    message = str(exc.message).strip().splitlines()[0] if exc.message else "invalid syntax"
    line, column = exc.raw_line or 1, (exc.raw_column or 0) + 1
    position = _LIBCST_POSITION.search(message)
    if position is not None:
        line, column = int(position.group(1)), int(position.group(2)) + 1
        message = message[position.end() :]
    if python_accepts:
        # Not the user's fault: e.g. more than ~3,500 implicitly concatenated strings.
        return SourceError(f"LibCST cannot parse this file, which Python accepts: {message}", line, column)
    return SourceError(f"syntax error: {message}", line, column)


def encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding)


def _line_col(data: bytes, offset: int) -> Tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, offset - line_start + 1


def _encoding_label(encoding: str) -> str:
    return "UTF-8" if encoding in ("utf-8", "utf-8-sig") else encoding


def decode_lenient(data: bytes) -> str:
    """Best-effort text for echoing input back (stdin under --fix when nothing changed)."""
    try:
        return decode(data).text
    except SourceError:
        return data.decode("utf-8", "surrogateescape")
