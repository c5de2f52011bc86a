from __future__ import annotations

from typing import Sequence, Set

import libcst as cst

from memlint import matchers as m
from memlint.analysis.files import FileKind, file_kind
from memlint.analysis.iteration import Comprehension, IterationSite, iterated_parts
from memlint.analysis.names import qualified_name
from memlint.analysis.rewrite import drops_comments, replacing
from memlint.analysis.usage import may_mutate, names_read, unseen_code_may_change
from memlint.findings import Applicability
from memlint.matching import matches
from memlint.rule import FixAvailability, Invalid, Valid
from memlint.rules._bases import IterationSiteRule
from memlint.traversal import findall
from memlint.screen import AllOf, Call, Named, Node

READLINES = m.Call(func=m.Attribute(attr=m.Name("readlines")), args=[])
READLINES_CALL = Node("Call", func=AllOf(Named("readlines"), Node("Attribute")))
ITERATES_READLINES = READLINES | m.Call(args=[m.Arg(value=READLINES), m.ZeroOrMore()])
COLLECTOR_CALL = m.Call(args=[m.Arg(value=READLINES, keyword=None, star=""), m.ZeroOrMore(m.Arg(keyword=m.Name()))])
COLLECTORS = frozenset({"builtins.list", "builtins.tuple", "builtins.set", "builtins.frozenset", "builtins.sorted"})
KEYWORD_FREE = frozenset({"builtins.list", "builtins.tuple", "builtins.set", "builtins.frozenset"})
# Calls in the loop body that may write, move or delete files: reading lazily could see them.
FILE_TOUCHING = frozenset(
    {"open", "write_text", "write_bytes", "unlink", "remove", "rename", "replace", "truncate", "move", "copyfile", "copy"}
)
LEAVES_EARLY = m.Break() | m.Return() | m.Yield() | m.Await()  # stops, or hands control to other code


class ReadlinesIteration(IterationSiteRule):
    """
    ## What it does
    Flags `f.readlines()` (without a size hint) whose list is only iterated: the iterable of a
    `for` loop or a comprehension (also inside `enumerate()`/`zip()`), or the argument of
    `list()`, `tuple()`, `set()`, `frozenset()` or `sorted()`.

    ## Why is this bad?
    `readlines()` reads the whole file and keeps every line in a list before the first one is
    used; a file object is already an iterator over its lines, reading a buffer at a time.
    Measured with tracemalloc on CPython 3.11, looping over `f.readlines()` for a 1,000,000-line
    (24 MB) file peaks at +81 MB; looping over `f` at +0.02 MB. `list(f.readlines())` and
    `sorted(f.readlines())` build the list twice.

    It does not apply, and memlint stays silent, when:
    - the receiver is not a file: `self.readlines()`, `super().readlines()`, an instance of a
      class or the result of a function defined in the same module, or any receiver of unknown
      type when the module itself defines a `readlines` method;
    - the loop body uses the file itself (`f.readline()`, `f.seek()`, `f.write()`, `next(f)`,
      passing `f` on): iterating it while reading from it would interleave the two;
    - `readlines(hint)` is called with a size hint.

    ## Example
    ```python
    with open(path) as f:
        for line in f.readlines():
            handle(line)
    ```

    Use instead:
    ```python
    with open(path) as f:
        for line in f:
            handle(line)
    ```

    ## Fix safety
    The fix is safe when the receiver is provably a file opened in the code (`open()`,
    `io.open`, `io.StringIO`, `codecs.open`, `gzip.open`, `tempfile.TemporaryFile`, ... directly
    or through the one binding of the name, including `with open(p) as f`), the loop cannot
    leave early (`break`, `return`) or hand control to other code (`yield`, `await`) and the body calls nothing that writes, moves or deletes
    files. It is unsafe otherwise: an object of unknown type may have `readlines()` without
    being iterable; `sys.stdin` is then read line by line as the loop runs (interactive
    behaviour changes); a loop that stops early leaves the file positioned after the last line
    read instead of at its end; and a body that rewrites the file now does so while it is
    still being read. It is unsafe too when the file is *exposed* (a global, a parameter, an
    attribute, a name passed to other code) and the body calls code memlint cannot see, which
    may read from the same file while the loop iterates it.

    ## Overlaps
    Ruff's FURB129 (`readlines-in-for`) flags `for` loops and comprehensions over
    `f.readlines()`. If you run both, ignore one of them: `ignore = ["FURB129"]` in Ruff's
    settings, or ignore `MEM103` here.

    ## References
    - Python docs, `io.IOBase.readlines` and "Methods of File Objects"
    - Ruff FURB129 `readlines-in-for`
    """

    code = "MEM103"
    triggers = ("readlines",)
    screen = (  # `x.readlines()` iterated (also inside enumerate()/zip()), or given to list(), sorted(), ...
        Node("For", "comprehension", iter=READLINES_CALL | Node("Call", arg=READLINES_CALL)),
        Call("list", "tuple", "set", "frozenset", "sorted", first=READLINES_CALL),
    )
    ITERABLE = ITERATES_READLINES
    name = "readlines-iteration"
    message = "`.readlines()` reads every line into a list only to iterate it; iterate the file object itself"
    fix_title = "Iterate the file object instead of `.readlines()`"
    fix_availability = FixAvailability.ALWAYS

    VALID = [
        Valid("with open(p) as f:\n    for line in f:\n        print(line)", "already iterates the file"),
        Valid("with open(p) as f:\n    lines = f.readlines()\nprint(len(lines))", "the list is kept and measured"),
        Valid(
            """
            class Log:
                def readlines(self):
                    return self.entries

                def show(self):
                    for line in self.readlines():
                        print(line)
            """,
            "`self.readlines()` is this class's own method",
        ),
        Valid(
            """
            class Log:
                def readlines(self):
                    return []

            def show(log):
                for line in log.readlines():
                    print(line)
            """,
            "this module defines its own `readlines`: a receiver of unknown type may be one",
        ),
        Valid(
            """
            class Report:
                pass

            def show(path):
                for line in Report(path).readlines():
                    print(line)
            """,
            "an instance of a class defined here is not a file",
        ),
        Valid(
            "with open(p) as f:\n    for line in f.readlines():\n        if line == 'more\\n':\n            print(f.readline())",
            "the loop body reads from the same file",
        ),
        Valid("with open(p) as f:\n    for line in f.readlines(4096):\n        print(line)", "a size hint bounds the list"),
        Valid(
            "def list(x):\n    return x\nwith open(p) as f:\n    lines = list(f.readlines())",
            "`list` is not the builtin, and the result is not only iterated",
        ),
    ]
    INVALID = [
        Invalid(
            "with open(p) as f:\n    for line in f.readlines():\n        print(line)",
            "with open(p) as f:\n    for line in f:\n        print(line)",
            Applicability.SAFE,
        ),
        Invalid(
            "f = open(p)\nwords = [line.split() for line in f.readlines()]",
            "f = open(p)\nwords = [line.split() for line in f]",
            Applicability.SAFE,
        ),
        Invalid(
            "import io as i\nwith i.open(p, encoding='utf-8') as fh:\n    for n, line in enumerate(fh.readlines(), 1):\n        print(n, line)",
            "import io as i\nwith i.open(p, encoding='utf-8') as fh:\n    for n, line in enumerate(fh, 1):\n        print(n, line)",
            Applicability.SAFE,
        ),
        Invalid(
            "def count(stream):\n    for line in stream.readlines():\n        print(line)",
            "def count(stream):\n    for line in stream:\n        print(line)",
            Applicability.UNSAFE,
            note="a parameter of unknown type: it may have `readlines()` without being iterable",
        ),
        Invalid(
            "import sys\nfor line in sys.stdin.readlines():\n    sys.stdout.write(line)",
            "import sys\nfor line in sys.stdin:\n    sys.stdout.write(line)",
            Applicability.UNSAFE,
            note="stdin is then read as the loop runs",
        ),
        Invalid(
            "with open(p) as f:\n    ordered = sorted(f.readlines(), key=len)",
            "with open(p) as f:\n    ordered = sorted(f, key=len)",
            Applicability.SAFE,
        ),
        Invalid(
            "from codecs import open as copen\nfor line in copen(p).readlines():\n    print(line)",
            "from codecs import open as copen\nfor line in copen(p):\n    print(line)",
            Applicability.SAFE,
        ),
        Invalid(
            "with open(p) as f:\n    for line in f.readlines():\n        if not line.strip():\n            break\n    rest = f.read()",
            "with open(p) as f:\n    for line in f:\n        if not line.strip():\n            break\n    rest = f.read()",
            Applicability.UNSAFE,
            note="a loop that breaks leaves the file positioned elsewhere",
        ),
        Invalid(
            "with open(p) as f:\n    for line in f.readlines():\n        open(q, 'a').write(line)",
            "with open(p) as f:\n    for line in f:\n        open(q, 'a').write(line)",
            Applicability.UNSAFE,
            note="the loop body opens files: it could be rewriting the one being read",
        ),
    ]


    def visit_Call(self, node: cst.Call) -> None:
        if not matches(node, COLLECTOR_CALL):
            return
        callee = qualified_name(self.context, node.func)
        if callee not in COLLECTORS or (callee in KEYWORD_FREE and len(node.args) != 1):
            return
        self._check(cst.ensure_type(node.args[0].value, cst.Call), body=())

    def comprehension_is_candidate(self, node: Comprehension) -> bool:
        return bool(findall(node, READLINES))  # anywhere in it: also inside enumerate()/zip()

    def check_site(self, site: IterationSite) -> None:
        for part in iterated_parts(self.context, site.iterable, READLINES):
            self._check(cst.ensure_type(part, cst.Call), site.body)

    def _check(self, call: cst.Call, body: Sequence[cst.CSTNode]) -> None:
        receiver = cst.ensure_type(call.func, cst.Attribute).value
        kind = file_kind(self.context, receiver, "readlines")
        if kind is FileKind.NOT_FILE:
            return
        roots: Set[str] = set() if kind is FileKind.STREAM else names_read(receiver)
        if may_mutate(body, roots):
            return
        replacement = replacing(call, receiver)
        safe = (
            kind is FileKind.PROVEN
            and not _leaves_early(body)
            and not _touches_files(body)
            and not drops_comments(call, replacement)
            and not unseen_code_may_change(self.context, body, roots, receiver)
        )
        applicability = Applicability.SAFE if safe else Applicability.UNSAFE
        self.report(call, fix=self.make_fix(applicability, (call, replacement)))


def _leaves_early(body: Sequence[cst.CSTNode]) -> bool:
    return any(findall(node, LEAVES_EARLY) for node in body)


def _touches_files(body: Sequence[cst.CSTNode]) -> bool:
    for node in body:
        for call in findall(node, m.Call()):
            func = cst.ensure_type(call, cst.Call).func
            if m.matches(func, m.Attribute()):
                func = cst.ensure_type(func, cst.Attribute).attr
            if m.matches(func, m.Name(m.MatchIfTrue(lambda name: name in FILE_TOUCHING))):
                return True
    return False
