"""Bytes to text (PEP 263) and text to a LibCST module, exactly once per file.

Anything that stops a file from being linted becomes one `SourceError` with a reason and, where
known, the line: the caller turns it into a single MEM000 finding and moves on.
"""

from __future__ import annotations

import ast
import codecs
import io
import itertools
import re
import sys
import tokenize
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional, Tuple

from memlint.filesystem import MAX_FILE_BYTES

if TYPE_CHECKING:  # pragma: no cover
    import libcst as cst


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
    if len(data) > max_bytes:  # max_bytes + 1: a bounded read stopped there (filesystem.read_stream)
        amount = f"more than {max_bytes:,}" if len(data) == max_bytes + 1 else f"{len(data):,}"
        raise SourceError(f"file is too large to lint ({amount} bytes; the limit is {max_bytes:,})")
    wide = _wide_encoding(data)
    if wide is not None:
        raise SourceError(f"file is {wide}; Python source must be UTF-8 or declare an ASCII-compatible encoding")
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
        reason = str(exc)
        if data.startswith(codecs.BOM_UTF8) and reason.startswith("encoding problem"):
            # tokenize's "encoding problem: utf-8" for a cookie that contradicts the BOM.
            reason = "a file starting with a UTF-8 byte order mark may only declare utf-8"
        raise SourceError(f"bad encoding declaration: {reason}", getattr(exc, "lineno", None) or 1)
    try:
        text = codecs.decode(data, encoding)
    except UnicodeDecodeError:
        _raise_undecodable(data, encoding)
    return Source(text, encoding)


# PEP 263: a comment on line 1 or 2 matching this declares the encoding.
_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=]", re.MULTILINE)


def _declares_encoding(data: bytes) -> bool:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
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
    # Not reached: callers pass an encoding the data does not decode in.
    raise SourceError(f"file is not valid {_encoding_label(encoding)}")  # pragma: no cover


_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32 encoded (it starts with a UTF-32 byte order mark)"),
    (codecs.BOM_UTF32_BE, "UTF-32 encoded (it starts with a UTF-32 byte order mark)"),
    (codecs.BOM_UTF16_LE, "UTF-16 encoded (it starts with a UTF-16 byte order mark)"),
    (codecs.BOM_UTF16_BE, "UTF-16 encoded (it starts with a UTF-16 byte order mark)"),
)
def _wide_encoding(data: bytes) -> Optional[str]:
    """"UTF-16 encoded (...)" when the bytes are UTF-16 or UTF-32 (by their byte order mark, or
    ASCII text with every other byte NUL), which Python never reads as source; else None."""
    for bom, label in _WIDE_BOMS:
        if data.startswith(bom):
            return label
    head = data[:64] if len(data) % 2 == 0 else data[:63]
    if len(head) >= 4 and b"\x00" not in head[0::2] and head[1::2].count(0) == len(head) // 2:
        return "UTF-16 encoded (little-endian, without a byte order mark: every other byte is NUL)"
    if len(head) >= 4 and b"\x00" not in head[1::2] and head[0::2].count(0) == len(head) // 2:
        return "UTF-16 encoded (big-endian, without a byte order mark: every other byte is NUL)"
    return None


# LibCST's tree takes about 2.2 KB per token (180,000 tokens: 400 MB, 5 s), CPython's AST (which
# `vet` builds first) about 0.5 KB: a 10 MB table of small tuples, 5 million tokens, would take
# 11 GB. memlint with every rule peaks at 400 MB on 140,000 tokens of such a table. Above this
# many tokens (about 30,000 lines of ordinary code, five times memlint's largest module) a file
# is not parsed: that bounds memory near 1 GB whatever the input.
MAX_TOKENS = 300_000
# A file this short cannot hold MAX_TOKENS tokens (each token takes a character, and a line
# adds at most a NEWLINE and an INDENT): no need to count.
_SHORT = MAX_TOKENS // 3
_STRING = "[rRbBuUfF]{0,2}(?:%s)" % "|".join(
    (  # each: a run of plain characters, then escapes or lone quotes each followed by a run
        r"'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*'''",
        r'"""[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*"""',
        r"'[^'\\\n]*(?:\\.[^'\\\n]*)*'",
        r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"',
    )
)
# Roughly Python's tokens, a string or a comment counted as one: a cheap estimate, in C.
_TOKENISH = re.compile(_STRING + r"|#[^\n]*|\w+|[^\s\w]")
# What a module of pure data may not contain, found by a search that skips digits, brackets,
# commas, colons, `=`, signs and whitespace in C: strings and comments are matched (to skip
# their contents), names (not the letters inside a number: `1e5`, `0xff`) must be True, False,
# None or an assignment target, and any other symbol is not data.
_NOT_DATA = re.compile(_STRING + r"|#[^\n]*|(?P<name>(?<![\w.])[^\W\d]\w*)|(?P<other>[^\s\w()\[\]{},:;=+\-.\\])")
_DATA_WORDS = frozenset(("True", "False", "None"))


def estimate_tokens(text: str, limit: int = MAX_TOKENS) -> int:
    """About how many tokens LibCST would make of `text`, counted up to `limit + 1` (0 for a
    text too short to reach the limit): a search in C that builds no token. Each line counts one
    more (NEWLINE, INDENT/DEDENT)."""
    if len(text) < _SHORT:
        return 0
    lines = text.count("\n")
    if lines > limit:
        return limit + 1
    return lines + sum(1 for _ in itertools.islice(_TOKENISH.finditer(text), limit + 1 - lines))


def too_many_tokens(text: str) -> bool:
    """True for a module of pure data (assignments of literals) above MAX_TOKENS: no rule can
    fire in it, so it needs no parse (and is not checked for syntax errors). Raises a
    SourceError for any other file above MAX_TOKENS; False when the file is small enough."""
    if estimate_tokens(text) <= MAX_TOKENS:
        return False
    if is_pure_data(text):
        return True
    raise SourceError(
        f"too large to analyse: more than {MAX_TOKENS:,} tokens (a limit that bounds memlint's "
        "memory); exclude generated files"
    )


def is_pure_data(text: str) -> bool:
    """A module made only of `NAME = <literal>` statements: strings, numbers, True/False/None,
    brackets, commas, colons and signs; no call, no operator, no other name. Linear time, and
    constant memory: nothing is built per token."""
    for match in _NOT_DATA.finditer(text):
        if match.lastgroup == "other":
            return False
        if match.lastgroup == "name" and match.group() not in _DATA_WORDS and not _is_target(text, match):
            return False
    return True


def _is_target(text: str, match: "re.Match[str]") -> bool:
    """The name begins its line and is followed by `=` (not `==`)."""
    line_start = text.rfind("\n", 0, match.start()) + 1
    rest = text[match.end() : match.end() + 80].lstrip(" \t")
    return not text[line_start : match.start()].strip(" \t") and rest.startswith("=") and not rest.startswith("==")


# CPython refuses more than 200 nested brackets ("too many nested parentheses"); LibCST's native
# parser accepts more but overflows the C stack and kills the process somewhere above 1,000.
MAX_BRACKET_DEPTH = 200
_BRACKETS = re.compile(r"[()\[\]{}]")


def parse(text: str, vetted: bool = False) -> cst.Module:
    """The LibCST module; ``vetted``: `vet(text)` has already run."""
    import libcst as cst  # here: a file no rule can fire in is vetted without LibCST

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

    When CPython accepts a file and no rule can fire in it (prefilter.py, screen.py), it needs
    no LibCST parse at all: it has no syntax error to report."""
    return vet_tree(text) is not None


def vet_tree(text: str) -> Optional[ast.Module]:
    """`vet`, keeping CPython's tree: None when CPython does not parse the text (the rules'
    screens, screen.py, are evaluated on this tree)."""
    depth = bracket_depth(text)
    if depth > MAX_BRACKET_DEPTH:
        raise SourceError(
            f"syntax error: too many nested brackets ({depth} levels; Python allows {MAX_BRACKET_DEPTH})"
        )
    return _refuse_what_python_finds_too_deep(text)


def _refuse_what_python_finds_too_deep(text: str) -> Optional[ast.Module]:
    """LibCST's native parser crashes the process (or runs for minutes) on expressions nested
    far beyond what CPython accepts (about 3,000 levels of `-x`, `a.b`, `f()()`...). CPython's
    own parser refuses those in milliseconds, so it vets every file first; other syntax errors
    are left to LibCST, which knows syntax newer than this interpreter."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = compile(text, "<memlint>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
        if _PARSER_DEPTH_UNBOUNDED and len(text) > MAX_AST_DEPTH and _deeper_than(tree, MAX_AST_DEPTH):
            raise RecursionError
    except (RecursionError, MemoryError):
        raise SourceError("too deeply nested for Python's parser") from None
    except SyntaxError as error:
        if "too many nested" in error.msg or "too complex" in error.msg:
            raise SourceError(f"syntax error: {error.msg}", error.lineno or 1, error.offset or 1) from None
        digits = _INT_DIGITS_LIMIT.search(error.msg)
        if digits is not None:
            # A decimal literal above Python's int-string limit (4,300 digits): Python refuses
            # the file, and LibCST (which accepts it) would make every rule that evaluates the
            # literal crash. One finding instead (Python's wording varies between versions).
            limit, length = int(digits.group(1)), int(digits.group(2))
            reason = f"syntax error: a decimal integer literal of {length:,} digits (Python's limit is {limit:,})"
            raise SourceError(reason, error.lineno or 1, error.offset or 1) from None
        return None
    except (ValueError, OverflowError):
        return None  # e.g. a NUL byte: decode() reports those
    return tree  # type: ignore[no-any-return]


# Python 3.10 to 3.12 refuse an expression nested about 3,000 levels deep ("maximum recursion
# depth exceeded during ast construction": 2,992 terms of `1 + 1 + ...`, 2,991 levels of `-x`,
# `a.b`, `f()`). 3.9 compiles 50,000 terms and 3.13 about 10,000, and LibCST's native parser then
# overflows the C stack (SIGSEGV) from about 7,000 (measured with LibCST 1.9 on 3.9 and 3.13). On
# those versions memlint measures the tree's depth itself and refuses at 3.10's limit, so a file
# gets the same finding on every version. A chain that deep takes more characters than levels.
_PARSER_DEPTH_UNBOUNDED = not (3, 10) <= sys.version_info[:2] <= (3, 12)
MAX_AST_DEPTH = 3_000


def _deeper_than(tree: ast.AST, limit: int) -> bool:
    """Whether the tree nests more than `limit` nodes deep (an iterative walk: no recursion)."""
    stack = [(tree, 1)]
    pop, push, is_node = stack.pop, stack.append, ast.AST
    while stack:
        node, depth = pop()
        if depth > limit:
            return True
        depth += 1
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, is_node):
                        push((item, depth))
            elif isinstance(value, is_node):
                push((value, depth))
    return False


_INT_DIGITS_LIMIT = re.compile(r"limit \((\d+)(?: digits)?\) for integer string conversion: value has (\d+) digits")


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


def drops_only_form_feed_indentation(original: str, reproduced: str) -> bool:
    """True when LibCST's `Module.code` differs from the text it parsed only by what it drops
    before a statement: leading whitespace that holds a form feed (`\\x0c`, which resets Python's
    indentation count, so dropping it with what precedes it changes nothing)."""
    before, after = _physical_lines(original), _physical_lines(reproduced)
    if len(before) != len(after):
        return False
    for line, kept in zip(before, after):
        if line != kept:
            dropped = line[: len(line) - len(kept)]
            if not line.endswith(kept) or "\f" not in dropped or dropped.strip(" \t\f"):
                return False
    return True


def restore_form_feeds(original: str, reproduced: str, fixed: str) -> str:
    """`fixed` (LibCST's output, made from a module whose code is `reproduced`) with every line
    the fixes left alone taken back from `original`, and a changed line given back the form
    feeds that began it: all the form feeds LibCST dropped come back. (What LibCST drops ends
    with a form feed, which resets the indentation count, so the line means the same with it.)"""
    import difflib

    before, after = _physical_lines(original), _physical_lines(reproduced)
    result = _physical_lines(fixed)
    out = []
    matcher = difflib.SequenceMatcher(None, after, result, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.extend(before[i1:i2])
        elif tag == "replace" and i2 - i1 == j2 - j1:  # the same lines, changed in place
            for old, kept, new in zip(before[i1:i2], after[i1:i2], result[j1:j2]):
                dropped = old[: len(old) - len(kept)] if old != kept else ""
                same_indent = _indent(kept) == _indent(new)
                out.append(dropped + new if dropped and same_indent else new)
        else:
            out.extend(result[j1:j2])
    return "".join(out)


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


_LINE_END = re.compile(r"(?<=\n)|(?<=\r)(?!\n)")


def _physical_lines(text: str) -> "list[str]":
    """Lines with their endings, split at \n, \r\n and \r only (`str.splitlines` also
    splits at form feeds)."""
    return [line for line in _LINE_END.split(text) if line]
