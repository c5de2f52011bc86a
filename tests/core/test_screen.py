"""The syntactic screens (screen.py): the patterns, the contexts, and how the engine uses them.
That they never change a finding is tests/test_prefilter.py's business."""

from __future__ import annotations

import ast

import pytest

import memlint.api
from memlint.api import lint_source
from memlint.config import build_config
from memlint.registry import all_rules
from memlint.rule import Invalid, Rule, RuleDefinitionError, Valid
from memlint.screen import (
    FUNCTION,
    HANDLER,
    LOOP,
    AllOf,
    Both,
    Call,
    CallsItself,
    OFTEN,
    REPEATED,
    SMALL_LOOP,
    CompiledScreens,
    Const,
    Defaulted,
    Imported,
    In,
    InDefNamed,
    Literal,
    Local,
    Name,
    Named,
    Node,
    Not,
    Number,
    Of,
    Owned,
    OutsideTestFiles,
    OwnedByName,
    ReadOnce,
    ReadsLoopTarget,
    Same,
    SelfUpdate,
    StoresName,
    Subscript,
    Text,
    Through,
    UnderStatedLoops,
    is_test_file,
    screened,
)

DOC = "## What it does\nx\n\n## Why is this bad?\nx\n\n## Example\nx\n"


def fires(screen, source: str) -> bool:
    return CompiledScreens([screen]).may_fire(ast.parse(source), source)[0]


@pytest.mark.parametrize(
    ("screen", "source", "expected"),
    [
        ((Call("sum"),), "sum(x)", True),
        ((Call("sum"),), "np.sum(x)", True),  # an attribute's name
        ((Call("sum"),), "summary(x)", False),
        ((Call("sum"),), "from m import sum as s\ns(x)", True),  # an import alias may be the name
        ((Call("sum"),), "from m import sum as \\\n    s\ns(x)", True),
        ((Call("sum"),), "from m import (sum as  # the sum\n    s)\ns(x)", True),  # found in the tree
        ((Call(arg=Node("ListComp")),), "f(1, [x for x in y])", True),
        ((Call(arg=Node("ListComp")),), "f(1, *[x for x in y])", True),
        ((Call(arg=Node("ListComp")),), "f(1, key=[x for x in y])", True),
        ((Call(arg=Node("ListComp")),), "f(1, (x for x in y))", False),
        ((Call(first=Node("ListComp")),), "f(1, [x for x in y])", False),
        ((Call(second=Node("ListComp")),), "f(1, [x for x in y])", True),
        ((Call(keyword=Node("List")),), "f(x, start=[])", True),
        ((Subscript(Name(), index=Const(0)),), "x[0]", True),
        ((Subscript(Name(), index=Const(0)),), "x[False]", False),
        ((Subscript(Call("sorted"), index=Const(0) | Const(-1)),), "sorted(x)[-1]", True),
        ((Subscript(Call("sorted"), index=Const(0) | Const(-1)),), "sorted(x)[1]", False),
        ((Subscript(Call("sorted"), index=Const(0) | Const(-1)),), "sorted(x)[--1]", False),
        ((Subscript(Name(), index=Const(0)),), "x.y[0]", False),
        ((In(LOOP, Call("pop")),), "x.pop()", False),
        ((In(LOOP, Call("pop")),), "for a in b:\n    x.pop()", True),
        ((In(LOOP, Call("pop")),), "while a:\n    x.pop()", True),
        ((In(LOOP, Call("pop")),), "[x.pop() for _ in y]", True),
        ((In(LOOP, Call("pop")),), "for a in b:\n    def f():\n        x.pop()", True),  # looser than the rules
        ((In(FUNCTION, Node("FunctionDef")),), "def f():\n    def g(): pass", True),
        ((In(FUNCTION, Node("FunctionDef")),), "def f():\n    class C:\n        def g(): pass", False),
        ((In(FUNCTION, Node("FunctionDef")),), "class C:\n    def g(): pass", False),
        ((In(HANDLER, Call("f")),), "try:\n    f()\nexcept E:\n    pass", False),
        ((In(HANDLER, Call("f")),), "try:\n    pass\nexcept E:\n    f()", True),
        ((In((LOOP, HANDLER), Call("f")),), "for a in b:\n    f()", False),
        ((Node("Assign", value=Through(Node("Name"))),), "x = (1, [y])", True),
        ((Node("Assign", value=Through(Node("Name"))),), "x = {1: y}", True),
        ((Node("Assign", value=Through(Node("Name"))),), "x = f(y)", False),
        ((Node("AugAssign", value=Not(Number())),), "x += 1", False),
        ((Node("AugAssign", value=Not(Number())),), "x += -1.5", False),
        ((Node("AugAssign", value=Not(Number())),), "x += -1j", True),  # LibCST: not a number
        ((Node("AugAssign", value=Not(Number())),), "x += True", True),
        ((Node("AugAssign", value=Not(Number())),), "x += y", True),
        ((SelfUpdate(),), "F = (P @ F) + B", True),
        ((SelfUpdate(),), "self.a = self.a + [1]", True),
        ((SelfUpdate(),), "a = b + c", False),
        ((Node("Call", func=AllOf(Named("pop"), Node("Attribute"))),), "pop()", False),
        ((Node("Call", func=AllOf(Named("pop"), Node("Attribute"))),), "x.pop()", True),
        ((Node("FunctionDef", decorator=Named("cache")),), "@functools.cache\ndef f(): pass", True),
        ((Node("FunctionDef", decorator=Named("cache")),), "@lru(cache)\ndef f(): pass", False),
        ((Node("FunctionDef", default=Node("List")),), "def f(a, *, b=[]): pass", True),
        ((Node("FunctionDef", default=Node("List")),), "def f(a=()): pass", False),
        ((Text(r"memlint:\s*hot"),), "def f():  # memlint: hot\n    pass", True),
        ((Both(Call("f"), Call("g")),), "f()\ndef h():\n    g()", True),
        ((Both(Call("f"), Call("g")),), "f()", False),
        ((Same(Subscript(Name()), Node("Assign", value=Call("list"))),), "a = list(x)\nb[0]", False),
        ((Same(Subscript(Name()), Node("Assign", value=Call("list"))),), "a = list(x)\na[0]", True),
        ((Same(Node("ExceptHandler"), In(HANDLER, StoresName("append"))),), "try: pass\nexcept E as e:\n    log.append(e)", True),
        ((Same(Node("ExceptHandler"), In(HANDLER, StoresName("append"))),), "try: pass\nexcept E as e:\n    log.append(x)", False),
        ((Same(Node("ExceptHandler"), In(HANDLER, StoresName("append"))),), "try: pass\nexcept E as e:\n    self.x = [e.__traceback__]", True),
        ((Same(Owned(Node("FunctionDef")), CallsItself()),), "def f(n):\n    def g(): pass\n    return f(n - 1)", True),
        ((Same(Owned(Node("FunctionDef")), CallsItself()),), "def f(n):\n    def g(): pass\ndef h():\n    h()", False),
        ((Same(Owned(Node("FunctionDef")), CallsItself()),), "def f(n):\n    def g():\n        f()", False),
        ((UnderStatedLoops(100),), "for a in range(n): f()", False),
        ((UnderStatedLoops(100),), "for a in range(10 ** 6): f()", True),
        ((UnderStatedLoops(100),), "for a in range(50):\n    f()", False),
        ((UnderStatedLoops(100),), "for a in range(5, 200, 2): f()", False),
        ((UnderStatedLoops(100),), "for a in range(-100, 100): f()", True),
        ((UnderStatedLoops(100),), "for a in (1, 2):\n    for b in 'x' * 3: f()", False),
        ((UnderStatedLoops(100),), "for a in range(10): f()\nfor b in range(10): f()", False),  # not nested
        ((UnderStatedLoops(100),), "for a in '0123456789':\n    x = [f(c) for c in '0123456789']", True),
        ((UnderStatedLoops(100),), "for a in range(10):\n    def g():\n        for b in range(10): f()", True),
        ((In(REPEATED, Call("f")),), "for a in b:\n    f()", True),
        ((In(REPEATED, Call("f")),), "while f():\n    pass", True),
        ((In(REPEATED, Call("f")),), "for a in f():\n    pass", False),  # the iterable runs once
        ((In(REPEATED, Call("f")),), "for a in b:\n    pass\nelse:\n    f()", False),
        ((In(REPEATED, Call("f")),), "for a in b:\n    def g():\n        f()", False),  # another frame
        ((In(REPEATED, Call("f")),), "for a in b:\n    g(lambda: f())", False),
        ((In(REPEATED, Call("f")),), "for a in b:\n    def g(x=f()):\n        pass", True),  # a default runs here
        ((In(REPEATED, Call("f")),), "for a in b:\n    class C:\n        x = f()", True),  # a class body runs here
        ((In(REPEATED, Call("f")),), "def g():\n    for a in b:\n        for c in f():\n            pass", True),
        ((In(REPEATED, Call("f")),), "[f() for a in b]", True),
        ((In(OFTEN, Call("f")),), "for a in b:\n    f()", True),
        ((In(OFTEN, Call("f")),), "for a in (1, 2, 3):\n    f()", False),  # stated: three passes
        ((In(OFTEN, Call("f")),), "for a in (1, 2, *c):\n    f()", True),
        ((In(OFTEN, Call("f")),), "for a in 'abc':\n    f()", True),  # not counted here
        ((In(OFTEN, Call("f")),), "for a in range(3):\n    f()", True),  # `range` may be rebound
        ((In(OFTEN, Call("f")),), "for a in [0] * 200:\n    f()", True),
        ((In(OFTEN, Call("f")),), "for a in [" + "0, " * 99 + "0]:\n    f()", True),  # 100 items
        ((In(OFTEN, Call("f")),), "for a in b:\n    for c in (1, 2):\n        f()", False),  # the innermost counts
        ((In(OFTEN, Call("f")),), "for a in (1, 2):\n    for c in b:\n        f()", True),
        ((In(OFTEN, Call("f")),), "for a in (1, 2):\n    while c:\n        f()", True),
        ((In(OFTEN, Call("f")),), "for a in (1, 2):\n    [f() for c in b]", True),
        ((In(OFTEN, Call("f")),), "for a in b:\n    def g():\n        f()", False),
        ((In(REPEATED, Call("f", first=ReadsLoopTarget())),), "for a in b:\n    f(a + 1)", True),
        ((In(REPEATED, Call("f", first=ReadsLoopTarget())),), "for a, (c, d) in b:\n    f(d)", True),
        ((In(REPEATED, Call("f", first=ReadsLoopTarget())),), "for a in b:\n    f(c)", False),
        ((In(REPEATED, Call("f", first=ReadsLoopTarget())),), "for a in b:\n    f(lambda: a)", False),  # a lambda body
        ((In(REPEATED, Call("f", first=ReadsLoopTarget())),), "for a in b:\n    f(lambda c=a: c)", True),  # its default
        ((In(REPEATED, Call("f", first=ReadsLoopTarget())),), "for a in b:\n    for c in d:\n        f(a)", False),  # not the innermost
        ((In(REPEATED, Call("f", first=ReadsLoopTarget())),), "for a in b:\n    while c:\n        f(a)", False),
        ((In(REPEATED, Call("f", first=ReadsLoopTarget())),), "for a in b:\n    pass\nelse:\n    f(a)", False),
        ((In(REPEATED, Call("f", first=ReadsLoopTarget())),), "for a in b:\n    class C:\n        f(a)", True),
        ((Literal("bytes"),), "x = b'a'", True),
        ((Literal("bytes"),), "x = 'a'", False),
        ((Same(Of("first", Call("push")), Node("Assign", value=Node("List"))),), "h = []\npush(h, 1)", True),
        ((Same(Of("first", Call("push")), Node("Assign", value=Node("List"))),), "h = []\npush(g, h)", False),
        ((Same(Of("func.value", Call("append")), Node("Assign", value=Node("List"))),), "h = []\nh.append(1)", True),
        ((Same(Of("func.value", Call("append")), Node("Assign", value=Node("List"))),), "h = []\ng.append(h)", False),
        ((Same(Of("target", Node("Assign", value=Node("List"))), Call("use")),), "h = []\nuse(g)\ndef h(): pass", False),
        ((Same(Of("target", Node("Assign", value=Node("List"))), Call("h")),), "a, b = []\nh()", False),  # binds no name alone
        ((Same(Call("f") | Of("first", Call("g")), Node("Assign")),), "x = 1\ng(x)", True),  # `|`: about what matched
        ((Same(Call("f") | Of("first", Call("g")), Node("Assign")),), "g = 1\ng(x)", False),
        ((Same(Defaulted(Node("List")), Of("func.value", Call("append"))),), "def f(a, b=[]):\n    b.append(a)", True),
        ((Same(Defaulted(Node("List")), Of("func.value", Call("append"))),), "def f(a, b=[]):\n    a.append(b)", False),
        ((Same(Defaulted(Node("List")), Of("func.value", Call("append"))),), "def f(a=(), *, b=[]):\n    a.append(b)", False),
        ((Same(Defaulted(Node("List")), Of("func.value", Call("append"))),), "def f(a, /, b=[]):\n    b.append(a)", True),
        ((Defaulted(Node("List"), used=Of("func.value", Call("append"))),), "def f(a, b=[]):\n    b.append(a)", True),
        ((Defaulted(Node("List"), used=Of("func.value", Call("append"))),), "def f(a, b=[]):\n    def g():\n        b.append(a)", True),
        ((Defaulted(Node("List"), used=Of("func.value", Call("append"))),), "def f(a, b=[]):\n    a.append(b)\nb.append(1)", False),
        ((Defaulted(Node("List"), used=Of("func.value", Call("append"))),), "def f(a, b=()):\n    b.append(a)", False),
        ((Defaulted(Node("List"), used=Of("func.value", Call("append"))),), "f = lambda a, b=[]: b.append(a)", True),
        ((Same(OwnedByName(Node("FunctionDef")), Call("f")),), "def f():\n    def g(): pass\nf()", True),
        ((Same(OwnedByName(Node("FunctionDef")), Call("f")),), "def f():\n    def g(): pass\ng()", False),
        ((Same(Owned(Node("FunctionDef")), AllOf(CallsItself(), Call("f"))),), "def f():\n    def g(): pass\n    f()", True),
        ((AllOf(Call("f"), Not(InDefNamed("test"))),), "def test_x():\n    f()", False),
        ((AllOf(Call("f"), Not(InDefNamed("test"))),), "def helper():\n    f()", True),
        ((AllOf(Call("f"), Not(InDefNamed("test"))),), "f()", True),
    ],
)
def test_patterns(screen, source, expected):
    assert fires(screen, source) is expected


def test_a_rule_without_a_screen_always_runs():
    assert CompiledScreens([None, (Call("nothing"),)]).may_fire(ast.parse("x = 1"), "x = 1") == [True, False]


@pytest.mark.parametrize(
    "build",
    [
        lambda: Node("NoSuchNode"),
        lambda: Node("Call", value="x"),
        lambda: Node("Assign", first=Node("List")),  # `first` is a field of calls only
        lambda: In("nowhere", Call("f")),
        lambda: Both(Call("f")),
    ],
)
def test_malformed_patterns_are_refused(build):
    with pytest.raises(ValueError):
        build()


def _rule(screen):
    return type(
        "Probe",
        (Rule,),
        {"__doc__": DOC, "code": "MEM999", "name": "probe", "message": "found",
         "VALID": [Valid("x = 1")], "INVALID": [Invalid("boom()")], "screen": screen},
    )


@pytest.mark.parametrize("screen", [(), [Call("f")], ("f",), (Same(Call("f"), Text("x")),)])
def test_malformed_screens_are_refused_at_import(screen):
    with pytest.raises(RuleDefinitionError, match="screen"):
        _rule(screen)


def test_screens_print_as_the_code_that_builds_them():
    for rule in all_rules().values():
        for alternative in rule.screen or ():
            assert "object at 0x" not in repr(alternative), rule.code


def test_a_file_no_screen_matches_is_not_parsed_by_libcst(monkeypatch):
    parsed = []
    original = memlint.api.parse
    monkeypatch.setattr(memlint.api, "parse", lambda text, **kw: parsed.append(text) or original(text, **kw))
    config = build_config({}, {"select": ["MEM101"]}, root=".")
    assert lint_source("total = sum(x for x in data)\n", "a.py", config).findings == ()
    assert parsed == []  # `sum` is there (the text filter passes it), but no list comprehension
    assert [f.code for f in lint_source("total = sum([x for x in data])\n", "a.py", config).findings] == ["MEM101"]
    assert len(parsed) == 1


def test_only_the_rules_whose_screen_matches_run():
    rules = [all_rules()["MEM101"], all_rules()["MEM105"]]
    source = "n = len([x for x in data])\n"
    assert screened(rules, ast.parse(source), source) == (all_rules()["MEM105"],)


def test_configured_options_turn_a_rule_screen_off():
    rule = all_rules()["MEM202"]
    source = "def outer():\n    def inner():\n        pass\n    return inner\n"
    tree = ast.parse(source)
    assert screened([rule], tree, source) == ()
    assert screened([rule], tree, source, {"MEM202": {"hot-functions": ["outer"]}}) == (rule,)
    config = build_config({"MEM202": {"hot-functions": ["outer"]}}, {"select": ["MEM202"]}, root=".")
    assert [f.code for f in lint_source(source, "a.py", config).findings] == ["MEM202"]


@pytest.mark.parametrize(
    ("screen", "source", "expected"),
    [
        ((Node("Slice", lower=None, step=None),), "x[:2]", True),  # a field given None must be absent
        ((Node("Slice", lower=None, step=None),), "x[1:]", False),
        ((Call("f", keyword=None),), "f(1)", True),  # a list field: empty
        ((Call("f", keyword=None),), "f(1, k=2)", False),
        ((Node("Call", func=Imported("itertools")),), "from itertools import chain\nchain(a)", True),
        ((Node("Call", func=Imported("itertools")),), "from itertools import chain as c\nc(a)", True),
        ((Node("Call", func=Imported("itertools")),), "import itertools as it\nit.chain.from_iterable(a)", True),
        ((Node("Call", func=Imported("itertools")),), "def f():\n    from itertools import count\ncount()", True),  # any scope
        ((Node("Call", func=Imported("itertools")),), "chain(a)", False),
        ((Node("Call", func=Imported("itertools")),), "import itertools\nitertools(a)", False),  # the module, not a member
        ((Node("Call", func=Imported("itertools")),), "from more_itertools import chain\nchain(a)", False),
        ((Node("Call", func=Imported("itertools")),), "from .itertools import chain\nchain(a)", False),  # relative
        ((ReadOnce(Subscript(Name())),), "def f(a):\n    return a[0]", True),
        ((ReadOnce(Subscript(Name())),), "def f(a):\n    print(a)\n    return a[0]", False),
        ((ReadOnce(Subscript(Name())),), "a = g()\nprint(a[0], a)", False),  # not in a def
        ((ReadOnce(Subscript(Name())),), "def f(a):\n    b = [a for a in c]\n    return a[0]", True),  # another scope's `a`
        ((ReadOnce(Subscript(Name())),), "def f(a):\n    print(a)\n    return lambda: a[0]", True),  # not read directly: passes
        ((ReadOnce(Subscript(Name())),), "def f(a):\n    def g(b=a[0]):\n        return a, a\n    return g", True),
        ((ReadOnce(Node("For", iter=Name())),), "def f(a):\n    for x in a:\n        print(x)", True),
        ((ReadOnce(Node("For", iter=Name())),), "def f(a):\n    for x in a:\n        print(a)", False),
        ((Same(ReadOnce(Subscript(Name())), Node("Assign", value=Call("list"))),), "def f():\n    a = list(x)\n    return a[0]", True),
        ((Same(ReadOnce(Subscript(Name())), Node("Assign", value=Call("list"))),), "def f():\n    a = list(x)\n    return a[0], a", False),
        ((Same(Local(Node("Assign")), Local(Node("For", iter=Name()))),), "def f():\n    a = g()\n    for y in a: pass", True),
        ((Same(Local(Node("Assign")), Local(Node("For", iter=Name()))),), "def f():\n    a = g()\ndef h(a):\n    for y in a: pass", False),
        ((Same(Local(Node("Assign")), Local(Node("For", iter=Name()))),), "a = g()\nfor y in a: pass", False),  # not in a def
        ((Same(Node("Global"), Node("Assign")),), "def f():\n    global E\n    E = 1", True),
        ((Same(Node("Global"), Node("Assign")),), "def f():\n    global E\n    F = 1", False),
        ((Same(Node("ExceptHandler"), In(HANDLER, StoresName("append", target=Node("Attribute")))),), "try: pass\nexcept E as e:\n    self.x = e", True),
        ((Same(Node("ExceptHandler"), In(HANDLER, StoresName("append", target=Node("Attribute")))),), "try: pass\nexcept E as e:\n    x = e", False),
        ((Same(Node("ExceptHandler"), In(HANDLER, StoresName("append", target=Node("Attribute")))),), "try: pass\nexcept E as e:\n    errors.append(e)", True),
    ],
)
def test_patterns_about_absent_fields_imports_and_sole_reads(screen, source, expected):
    assert fires(screen, source) is expected


# Shapes just inside what a tight screen lets through: each rule reports them, with the screens
# as without, and its screen fires (the examples of the rules hold the plainer shapes).
NEAR_MISSES = [
    ("MEM106", "first = list(mapping)[0,]"),  # LibCST reads `[0,]` as one index 0
    ("MEM106", "def f(rows):\n    ok = [r for r in rows]\n    def g():\n        return ok[0]\n    return g"),
    ("MEM106", "def f(rows, z):\n    ok = [r for r in rows]\n    y = [ok for ok in z]\n    return ok[0], y"),
    ("MEM106", "def f(rows):\n    ok: list = list(x * 2 for x in rows)\n    return ok[0]"),
    ("MEM102", "from itertools import chain as ch\nfor x in list(ch(a, b)):\n    print(x)"),
    ("MEM102", "import itertools\nfor x in list(itertools.chain.from_iterable(a)):\n    print(x)"),
    ("MEM102", "def f(ws):\n    up = list(map(str.upper, ws))\n    for w in up:\n        print([up for up in w])"),
    ("MEM102", "def f(ws):\n    up = tuple(x for x in ws)\n    for w in up:\n        print(w)"),
    ("MEM604", "ERR = None\ndef f():\n    global ERR\n    try:\n        g()\n    except Exception as e:\n        ERR = e"),
    ("MEM604", "import sys\nclass C:\n    def f(self):\n        try:\n            g()\n        except Exception:\n            self.info = sys.exc_info()"),
    ("MEM604", "class C:\n    def f(self):\n        try:\n            g()\n        except Exception as e:\n            self.info[0], x = e, 1"),
    ("MEM604", "def f(errors):\n    try:\n        g()\n    except Exception as e:\n        errors.append((e, 1))"),
    ("MEM605", "from inspect import currentframe\nclass C:\n    def f(self):\n        self.frame = currentframe()"),
    ("MEM605", "import sys\nclass C:\n    def f(self):\n        self.frame = sys._getframe().f_back.f_back"),
    ("MEM605", "import inspect as ins\nclass C:\n    def f(self):\n        setattr(self, 'fr', ins.currentframe())"),
    ("MEM605", "import sys\nFRAMES = []\ndef f():\n    caller = sys._getframe(1)\n    FRAMES.append((caller, 1))"),  # a local, then stored
    ("MEM605", "import sys\ndef f():\n    kept = None\n    def g():\n        nonlocal kept\n        kept = sys._getframe().f_back\n    return g"),
    ("MEM605", "import sys\nclass C:\n    def f(self):\n        caller = sys._getframe(2)\n        self.seen = [caller]"),
    ("MEM107", "y = sorted(x[::])"),
    ("MEM107", "y = set(self.items[:])"),
    ("MEM103", "with open(p) as f:\n    for i, line in enumerate(f.readlines()):\n        print(i, line)"),
    ("MEM103", "with open(p) as f:\n    n = sorted(f.readlines(), key=len)"),
    ("MEM503", "import pickle\ndef f(rows, fh):\n    out: list = []\n    for r in rows:\n        out.append(r)\n    pickle.dump(out, fh)"),
    ("MEM503", "import pickle\ntable = {}\nfor k in keys:\n    table[k] = 1\nblob = pickle.dumps(table)"),
    ("MEM503", "import pickle\na = b = [f(x) for x in xs]\npickle.dumps(b)"),
    ("MEM503", "import pickle\nrows = []\nwhile more():\n    rows.insert(0, next_row())\npickle.dump(rows, fh)"),
    ("MEM303", 'buf: bytes = b""\nfor c in open(p, "rb"):\n    buf += c'),
    ("MEM303", 'header = b"P6" + b"\\n"\nfor line in open(p, "rb"):\n    header = header + line'),
    ("MEM303", "class W:\n    def __init__(self):\n        self.text = ''.join([])\n    def feed(self, f):\n        for piece in f:\n            self.text = self.text + piece.read()"),
    ("MEM303", "class W:\n    def __init__(self):\n        self.text = f'{1}'\n    def feed(self, f):\n        for piece in f:\n            self.text += piece.read()"),
    ("MEM303", "rows = sorted(x)\nfor line in open(p):\n    rows = rows + [line]"),
    ("MEM204", "import pickle as pk\ndef clone(x):\n    return pk.loads(pk.dumps(x))"),
    ("MEM204", "import copy\nfor m in moves:\n    b = copy.deepcopy(start.board)\n    b.play(m)\n    show(b.score())"),
    ("MEM601", "from functools import lru_cache\nclass A:\n    @lru_cache\n    def f(self, /, x):\n        return x"),
    ("MEM601", "import functools\nclass A:\n    @functools.cache\n    async def f(self):\n        return 1"),
    ("MEM603", "from heapq import heappush as hp\ndef push(x, heap=[]):\n    hp(heap, x)"),
    ("MEM603", "def count(k, seen={}):\n    seen[k] += 1"),
    ("MEM603", "def outer(x, acc=[]):\n    def inner():\n        acc.extend(x)\n    inner()"),  # grown by a nested function
    ("MEM603", "def add(x, *, s=set()):\n    s |= {x}"),
    ("MEM603", "import collections\nf = lambda: 0\ndef g(x, q=collections.deque()):\n    q.appendleft(x)"),
    ("MEM201", "for r in [" + "0, " * 100 + "]:\n    class C:\n        pass\n    use(r, C)"),
    ("MEM201", "for r in rows:\n    def f(v, key=lambda x: x + r):\n        return v\n    use(f(2))"),  # a lambda body runs later
    ("MEM201", "for a in xs:\n    for b in ys:\n        def f(v=a):\n            return v\n        use(f(), b)"),  # an outer loop's target
    ("MEM201", "for a in xs:\n    for b in ys:\n        @register(a)\n        def f(v):\n            return v\n        use(f(b))"),
    ("MEM201", "for a in xs:\n    class K(Base, meta=M):\n        pass\n    use(a, K())"),
    ("MEM204", "import copy\nfor a in xs:\n    for b in ys:\n        t = copy.deepcopy(a)\n        t.run(b)"),
    ("MEM201", "for r in rows:\n    x = 1\nelse:\n    pass\nwhile go():\n    def step(v):\n        return v + 1\n    use(step(2))"),
    ("MEM202", "class T:\n    def walk(self, n):\n        def helper(x):\n            return x\n        return helper(n) + self.walk(n - 1) if n else 0"),
]


@pytest.mark.parametrize(("code", "source"), NEAR_MISSES)
def test_near_misses_of_tight_screens_still_reach_their_rule(code, source):
    config = build_config({}, {"select": [code]}, root=".")
    screened_findings = [(f.code, f.location.line) for f in lint_source(source, "x.py", config).findings]
    assert code in [found for found, _ in screened_findings]
    assert screened_findings == [(f.code, f.location.line) for f in lint_source(source, "x.py", config, prefilter=False).findings]
    assert fires(all_rules()[code].screen, source)


# Shapes the screens keep from LibCST, where their rules cannot report (the rules' docs say why).
SCREENED_OUT = [
    ("MEM106", "x = list(mapping)[1]"),  # not the first element
    ("MEM106", "def f(rows):\n    ok = [r for r in rows]\n    print(len(ok))\n    return ok[0]"),  # the copy is used again
    ("MEM106", "ok = [r for r in rows]\nfirst = ok[0]"),  # module level: not a function's local
    ("MEM102", "for x in list(rows):\n    print(x)"),  # a copy of a name, not of a lazy iterable
    ("MEM102", "def f(ws):\n    up = list(map(str.upper, ws))\n    for w in up:\n        print(w)\n    return up"),
    ("MEM604", "try:\n    g()\nexcept Exception as e:\n    error = e"),  # a plain local, no `global`
    ("MEM604", "class C:\n    def f(self):\n        try:\n            g()\n        except Exception as e:\n            self.queue.put(e)"),
    ("MEM605", "import inspect\nname = inspect.stack()[1][3]"),  # read, not kept
    ("MEM605", "import sys\ndef f():\n    frame = sys._getframe().f_back\n    return frame.f_code"),  # a caller's frame in a local, not stored
    ("MEM107", "y = sorted(x[1:])"),  # a part, not a whole copy
    ("MEM107", "y = tuple(tuple(x))"),  # the same tuple: no second copy
    ("MEM103", "with open(p) as f:\n    lines = f.readlines()"),  # not iterated
    ("MEM105", "n = len(list(range(k)))"),
    ("MEM304", "for x in y:\n    f().pop(0)"),
]


@pytest.mark.parametrize(("code", "source"), SCREENED_OUT)
def test_tight_screens_keep_shapes_their_rules_skip(code, source):
    rule = all_rules()[code]
    assert not fires(rule.screen, source)
    config = build_config({}, {"select": [code]}, root=".")
    assert not lint_source(source, "x.py", config, prefilter=False).findings


def test_the_small_loop_of_the_screens_is_the_analysis_one():
    from memlint.analysis.loops import SMALL_LOOP as ANALYSIS_SMALL_LOOP

    assert SMALL_LOOP == ANALYSIS_SMALL_LOOP


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("pkg/mod.py", False), ("tests/test_io.py", True), ("io_test.py", True), ("conftest.py", True),
        ("C:\\src\\test_io.py", True), ("testing.py", False), ("pkg/tests/helpers.py", False), ("", False),
    ],
)
def test_test_files_are_known_by_their_name(path, expected):
    assert is_test_file(path) is expected


def _outside_test_files(rule) -> bool:
    parts = [part for alternative in rule.screen or () for part in getattr(alternative, "parts", (alternative,))]
    return any(isinstance(part, OutsideTestFiles) for part in parts)


SKIPPING_TESTS = sorted(code for code, rule in all_rules().items() if _outside_test_files(rule))


def test_rules_that_skip_test_modules_say_so_in_their_screen():
    assert SKIPPING_TESTS == ["MEM105", "MEM401"]


@pytest.mark.parametrize("code", SKIPPING_TESTS)
def test_a_screen_outside_test_files_keeps_its_rule_from_test_modules_only(code):
    rule = all_rules()[code]
    config = build_config({}, {"select": [code]}, root=".")
    for example in rule.INVALID:
        assert lint_source(example.code, "pkg/example.py", config).findings, example.code
        for path in ("pkg/test_example.py", "example_test.py", "conftest.py"):
            assert not lint_source(example.code, path, config, prefilter=False).findings, (path, example.code)
            tree = ast.parse(example.code)
            assert screened([rule], tree, example.code, path=path) == ()
