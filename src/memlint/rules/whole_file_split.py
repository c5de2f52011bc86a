from __future__ import annotations

from typing import Sequence

import libcst as cst

from memlint import matchers as m
from memlint.analysis.files import FileKind, file_kind
from memlint.analysis.iteration import Comprehension, IterationSite, iterated_parts
from memlint.analysis.rewrite import replacing
from memlint.analysis.usage import may_mutate, names_read
from memlint.findings import Applicability
from memlint.matching import matches
from memlint.rule import FixAvailability, Invalid, Valid
from memlint.rules._bases import IterationSiteRule
from memlint.traversal import findall
from memlint.screen import AllOf, Call, Named, Node

NEWLINE = m.SimpleString(m.MatchIfTrue(lambda code: code in ('"\\n"', "'\\n'", 'b"\\n"', "b'\\n'")))
KEYWORDS_ONLY = [m.ZeroOrMore(m.Arg(keyword=m.Name()))]
READ = m.Call(func=m.Attribute(attr=m.Name("read")), args=[])
READ_TEXT = m.Call(func=m.Attribute(attr=m.Name("read_text")), args=KEYWORDS_ONLY)
WHOLE_TEXT = READ | READ_TEXT
SPLIT_LINES = m.Call(
    func=m.Attribute(value=WHOLE_TEXT, attr=m.Name("splitlines")),
    args=[m.ZeroOrOne(m.Arg(star=""))],
) | m.Call(func=m.Attribute(value=WHOLE_TEXT, attr=m.Name("split")), args=[m.Arg(value=NEWLINE, keyword=None)])
ITERATES_SPLIT = SPLIT_LINES | m.Call(args=[m.Arg(value=SPLIT_LINES), m.ZeroOrMore()])


class WholeFileSplit(IterationSiteRule):
    """
    ## What it does
    Flags `f.read().splitlines()`, `f.read().split("\\n")` and `path.read_text().splitlines()`
    used only to iterate the lines: as the iterable of a `for` loop or a comprehension (also
    inside `enumerate()`/`zip()`).

    ## Why is this bad?
    The whole file is held twice before the first line is used: once as one string, then again
    as a list of line strings (about 50 bytes of overhead per line on top of the text). A file
    object yields one line at a time. Measured with tracemalloc on CPython 3.11, looping over
    `f.read().splitlines()` for a 1,000,000-line (24 MB) file peaks at +104 MB; looping over `f`
    at +0.02 MB.

    It does not apply, and memlint stays silent, when:
    - the split result is kept (assigned, indexed, measured) rather than only iterated;
    - the receiver is not a file (`self.read()`, an instance of a class defined here, any
      receiver when the module defines its own `read`/`read_text` method);
    - the loop body uses the file (or path) itself: reading, seeking, writing it.

    ## Example
    ```python
    with open(path) as f:
        for line in f.read().splitlines():
            handle(line)
    ```

    Use instead:
    ```python
    with open(path) as f:
        for line in f:
            handle(line.rstrip("\\n"))
    ```

    ## Fix safety
    The fix is shown, never applied: iterating a file keeps each line's ending (`"\\n"`),
    which `splitlines()` removes, `split("\\n")` yields a last empty string for a file ending
    in a newline, and `splitlines()` also splits on `\\r`, `\\x0b`, `\\x0c`, `\\u2028`, ...; the
    loop body usually needs a `.rstrip("\\n")`. For `path.read_text()` the suggestion is
    `path.open()`, which you should put in a `with` block so the file gets closed.

    ## Overlaps
    No Ruff or flake8 rule flags this pattern.

    ## References
    - Python docs, "Methods of File Objects" and `str.splitlines`
    """

    code = "MEM104"
    triggers = ("read|read_text", "split|splitlines")
    screen = (Node("Call", func=AllOf(Named("split", "splitlines"), Node("Attribute", value=Call("read", "read_text")))),)
    ITERABLE = ITERATES_SPLIT
    name = "whole-file-split"
    message = "`{call}` holds the whole file twice, as text and as a list of lines, only to iterate them; iterate the file object"
    fix_title = "Iterate the file object (lines keep their endings)"
    fix_availability = FixAvailability.ALWAYS

    VALID = [
        Valid("with open(p) as f:\n    for line in f:\n        print(line)", "already iterates the file"),
        Valid("with open(p) as f:\n    lines = f.read().splitlines()\nprint(lines[0])", "the lines are kept and indexed"),
        Valid(
            "with open(p) as f:\n    for part in f.read().split(','):\n        print(part)",
            "split on something else than a newline: not lines",
        ),
        Valid(
            "with open(p) as f:\n    for line in f.read(100).splitlines():\n        print(line)",
            "a bounded read",
        ),
        Valid(
            """
            class Buffer:
                def read(self):
                    return self.text

                def show(self):
                    for line in self.read().splitlines():
                        print(line)
            """,
            "`self.read()` is this class's own method",
        ),
        Valid(
            """
            class Source:
                def read_text(self):
                    return ""

            def show(src):
                for line in src.read_text().splitlines():
                    print(line)
            """,
            "this module defines its own `read_text`: a receiver of unknown type may be one",
        ),
        Valid(
            "with open(p, 'r+') as f:\n    for line in f.read().splitlines():\n        f.write(line.upper())",
            "the loop body writes to the same file",
        ),
    ]
    INVALID = [
        Invalid(
            "with open(p) as f:\n    for line in f.read().splitlines():\n        print(line)",
            "with open(p) as f:\n    for line in f:\n        print(line)",
            Applicability.DISPLAY,
        ),
        Invalid(
            "with open(p) as f:\n    for line in f.read().split('\\n'):\n        print(line)",
            "with open(p) as f:\n    for line in f:\n        print(line)",
            Applicability.DISPLAY,
        ),
        Invalid(
            "from pathlib import Path\nfor line in Path(p).read_text().splitlines():\n    print(line)",
            "from pathlib import Path\nfor line in Path(p).open():\n    print(line)",
            Applicability.DISPLAY,
        ),
        Invalid(
            "def scan(path):\n    return [l for l in path.read_text(encoding='utf-8').splitlines() if l]",
            "def scan(path):\n    return [l for l in path.open(encoding='utf-8') if l]",
            Applicability.DISPLAY,
        ),
        Invalid(
            "import io as i\nwith i.open(p) as fh:\n    for n, line in enumerate(fh.read().splitlines(), 1):\n        print(n, line)",
            "import io as i\nwith i.open(p) as fh:\n    for n, line in enumerate(fh, 1):\n        print(n, line)",
            Applicability.DISPLAY,
        ),
        Invalid(
            "for line in open(p).read().splitlines(True):\n    print(line)",
            "for line in open(p):\n    print(line)",
            Applicability.DISPLAY,
        ),
        Invalid(
            "import sys\ncounts = {line: 1 for line in sys.stdin.read().splitlines()}",
            "import sys\ncounts = {line: 1 for line in sys.stdin}",
            Applicability.DISPLAY,
        ),
    ]


    def comprehension_is_candidate(self, node: Comprehension) -> bool:
        return bool(findall(node, SPLIT_LINES))  # anywhere in it: also inside enumerate()/zip()

    def check_site(self, site: IterationSite) -> None:
        for part in iterated_parts(self.context, site.iterable, SPLIT_LINES):
            self._check(cst.ensure_type(part, cst.Call), site.body)

    def _check(self, split: cst.Call, body: Sequence[cst.CSTNode]) -> None:
        read = cst.ensure_type(cst.ensure_type(split.func, cst.Attribute).value, cst.Call)
        read_func = cst.ensure_type(read.func, cst.Attribute)
        receiver = read_func.value
        if file_kind(self.context, receiver, read_func.attr.value) is FileKind.NOT_FILE:
            return
        if may_mutate(body, names_read(receiver)):
            return
        if matches(read, READ):
            lines: cst.BaseExpression = receiver
        else:  # path.read_text(**options) -> path.open(**options)
            lines = read.with_changes(func=read_func.with_changes(attr=cst.Name("open")))
        replacement = replacing(split, lines)
        shown = f"{read_func.attr.value}().{cst.ensure_type(split.func, cst.Attribute).attr.value}()"
        self.report(split, fix=self.make_fix(Applicability.DISPLAY, (split, replacement)), call=f".{shown}")
