from __future__ import annotations

import libcst as cst

from memlint import matchers as m
from memlint.analysis.estimates import allocation_estimate
from memlint.analysis.accumulators import reads_target
from memlint.analysis.values import ARRAY_KINDS, in_test_code, value_of
from memlint.analysis.escapes import value_escapes
from memlint.analysis.lifetime import definitely_bound, deletes, name_reads
from memlint.analysis.loops import enclosing_loop, parent, runs_at_most_once
from memlint.analysis.values import known_length
from memlint.findings import Applicability
from memlint.matching import matches
from memlint.rule import FixAvailability, Invalid, Valid
from memlint.rules._bases import LoopDepthRule
from memlint.screen import LOOP, Both, In, Node, OutsideTestFiles

REBINDING = m.Assign(targets=[m.AssignTarget(target=m.Name())], value=m.Call() | m.BinaryOperation())


class ReassignWithoutDel(LoopDepthRule):
    """
    ## What it does
    Flags a name that holds a data-sized numpy array or pandas frame and is rebound, inside a
    loop, to a new data-sized value that does not read the old one: `frame = pd.read_csv(path)`,
    `b = a.copy()`, `c = x * y` on data-sized arrays, `a = np.random.rand(1000, 1000)`.

    ## Why is this bad?
    Python evaluates the right-hand side before it rebinds the name, so the new array is built
    while the old one is still referenced: each iteration holds two arrays at once where one
    would do.
    Measured on CPython 3.11 with tracemalloc, a loop rebinding `a = np.random.rand(4_000_000)`
    (32 MB) peaks at +65 MB; with `del a` before the assignment it peaks at +33 MB.

    It does not apply, and memlint stays silent, when the new value reads the old one
    (`a = a * 2`: the old array is needed to compute the new one; see MEM402), when the value is
    not proven data-sized (`np.zeros(3)`, `np.zeros(n)` for a parameter `n`, a call memlint
    cannot see into, a view such as `np.asarray(x)`), when the loop runs at most once, when the loop already deletes the name,
    when the array is also kept elsewhere (stored, appended, aliased: `del` would free nothing),
    and in test code (files `test_*.py`, functions `test*`, classes `Test*`: small data by design).

    ## Precision policy
    Reported only on *data-sized* evidence (analysis/values.py), which the message shows: the
    array is read from a file (`np.load`, `pd.read_csv` without `chunksize=`), has a constant
    size of 10,000 elements or more (the product of the dimensions: `np.random.rand(1000, 1000)`
    is 10**6), or is computed from such an array (a copy, arithmetic, `np.zeros(len(frame))`).
    An array of unknown size is not reported: too often it is small. An array parsed by
    `np.fromstring` is as big as the string it parses: data-sized only when that string is
    (read from a file, say), not because it is parsed.

    The message says what `del` does, freeing the old array before the new one is built, and
    not by how much it lowers the peak: other values alive at that moment (the text an array is
    parsed from, the arrays it is computed from) may dominate it. The bytes freed are appended
    when the code states the size (`np.zeros((2000, 2000))`: ~32 MB), and measured ones with
    `--profile`.

    ## Example
    ```python
    for path in paths:
        frame = np.load(path)
        total += frame.sum()
    ```

    Use instead:
    ```python
    frame = None
    for path in paths:
        del frame
        frame = np.load(path)
        total += frame.sum()
    ```

    ## Fix safety
    The fix inserts `del name` before the assignment, and only where the name is definitely bound
    there on every path (bound unconditionally before the loop, or a parameter, and never deleted
    in the function). It is unsafe: if building the new value raises, the name is now unbound
    instead of keeping the old array, which an `except` or `finally` block may read.

    ## Overlaps
    MEM402 covers `a = a * 2 + 1`, where the new value reads the old one.

    ## References
    - seed `001`: `del` before reassigning a large array in a loop keeps the pool flat
    - Python reference, "Assignment statements": the right-hand side is evaluated first
    """

    code = "MEM401"
    triggers = ("numpy|pandas",)
    # Whether the value is a data-sized array needs the kinds of values; test modules are skipped.
    screen = (Both(In(LOOP, Node("Assign", value=Node("Call", "BinOp"))), OutsideTestFiles()),)
    name = "reassign-without-del"
    message = "`{name}` is rebound to a new {kind} while the old one is still alive ({evidence}); `del {name}` before the assignment frees the old one before the new one is built"
    fix_title = "Insert `del` before the assignment"
    fix_availability = FixAvailability.SOMETIMES

    VALID = [
        Valid("import numpy as np\nfor i in range(n):\n    a = a * 2", "the new value reads the old one (MEM402)"),
        Valid("import numpy as np\nfor p in paths:\n    a = np.zeros(3)", "a small constant shape"),
        Valid("import numpy as np\nfor x in xs:\n    a = np.asarray(x)", "a view: nothing allocated"),
        Valid("import numpy as np\nfor p in paths:\n    del a\n    a = np.load(p)", "already deleted in the loop"),
        Valid("import numpy as np\nfor p in paths:\n    a = np.load(p)\n    break", "the loop runs once"),
        Valid("import numpy as np\na = np.zeros(n)\nb = np.ones(n)", "not in a loop"),
        Valid("def zeros(n):\n    return [0] * n\nfor p in ps:\n    a = zeros(n)", "not numpy's zeros"),
        Valid("import numpy as np\nfor x in xs:\n    a = np.array([1, 2, 3])", "a literal display: small"),
        Valid(
            "import numpy as np\nfor n in sizes:\n    new = np.repeat(np.arange(n), k)\n    coords = (new,) + coords",
            "kept in a tuple: `del` frees nothing (scipy sparse/_coo.py)",
        ),
        Valid("import numpy as np\ndef test_sizes():\n    for n in [16, 64]:\n        x = np.arange(n) * 2\n        check(x)", "test code (scipy fftpack tests)"),
        Valid("import numpy as np\nfor k in ks:\n    m = np.full(20, k)\n    use(m)", "20 elements: `full`'s size is its first argument"),
        Valid(
            "import numpy as np\ndef run(n, steps):\n    for _ in range(steps):\n        a = np.random.rand(n)\n        use(a)",
            "the size `n` is unknown: not data-sized evidence",
        ),
        Valid("import numpy as np\ndef f(im):\n    for ax in axes:\n        pad = np.array(im.shape) + 2\n        use(pad)", "built from a shape: tiny"),
        Valid(
            "import pandas as pd\nfor p in paths:\n    reader = pd.read_csv(p, chunksize=1000)\n    consume(reader)",
            "a reader of chunks, not a frame",
        ),
        Valid(
            "import numpy as np\nwhile chunks:\n    lines = chunks.pop()\n    array = np.fromstring(' '.join(lines), sep=' ')\n    use(array)",
            "parsed from a string of unknown size: no data-sized evidence (trimesh exchange/obj.py)",
        ),
    ]
    INVALID = [
        Invalid(
            """
            import numpy as np
            def run(paths):
                a = np.zeros(3)
                for path in paths:
                    a = np.load(path)
                    use(a)
            """,
            fixed="""
            import numpy as np
            def run(paths):
                a = np.zeros(3)
                for path in paths:
                    del a
                    a = np.load(path)
                    use(a)
            """,
            applicability=Applicability.UNSAFE,
        ),
        Invalid(
            "import numpy as np\nfor p in paths:\n    frame = np.load(p)\n    total += frame.sum()",
            note="not bound before the loop: no fix",
        ),
        Invalid(
            "import pandas as pd\ndef load(paths, df):\n    for p in paths:\n        df = pd.read_csv(p)\n        report(df)",
            fixed="import pandas as pd\ndef load(paths, df):\n    for p in paths:\n        del df\n        df = pd.read_csv(p)\n        report(df)",
            applicability=Applicability.UNSAFE,
            note="a parameter is bound on every path",
        ),
        Invalid(
            "import numpy as np\nbase = np.load(path)\nout = np.empty(n)\nwhile running():\n    out = base * 2.0 + 1.0\n    show(out)",
            fixed="import numpy as np\nbase = np.load(path)\nout = np.empty(n)\nwhile running():\n    del out\n    out = base * 2.0 + 1.0\n    show(out)",
            applicability=Applicability.UNSAFE,
            note="arithmetic on a large array",
        ),
        Invalid(
            "import numpy as np\nsrc = np.ones((1000, 1000))\nfor i in range(k):\n    if i:\n        work = None\n    work = src.copy()",
            note="not bound unconditionally before the assignment: no fix",
        ),
        Invalid("from numpy import empty as alloc\nfor i in items:\n    buf = alloc((2000, 2000))", note="4,000,000 elements: the product of the dimensions"),
        Invalid(
            """
            import numpy as np

            a_current = np.random.rand(1000, 1000)
            for n in range(10):
                a_next = a_current.copy()
                np.random.shuffle(a_next)
                a_diff = a_next - a_current
            """,
            count=2,
            note="seed 001: a 1000 x 1000 array is 10**6 elements",
        ),
        Invalid(
            "import numpy as np\nfor path in paths:\n    with open(path) as f:\n        text = f.read()\n    values = np.fromstring(text, sep=' ')\n    use(values)",
            note="parsed from a whole file's text: data-sized",
        ),
        Invalid(
            "import numpy\nimg = numpy.zeros((h, w))\nfor f in frames:\n    img = numpy.fromfile(f)  # raw frame\n    show(img)",
            fixed="import numpy\nimg = numpy.zeros((h, w))\nfor f in frames:\n    del img\n    img = numpy.fromfile(f)  # raw frame\n    show(img)",
            applicability=Applicability.UNSAFE,
        ),
    ]

    def visit_Assign(self, node: cst.Assign) -> None:
        if not (self.maybe_in_loop and matches(node, REBINDING)):
            return
        target = cst.ensure_type(node.targets[0].target, cst.Name)
        if reads_target(node.value, target):
            return
        value = value_of(self.context, node.value)
        if not (value.data and value.allocates and value.kind in ARRAY_KINDS):
            return
        loop = enclosing_loop(self.context, node)
        if loop is None or not loop.is_statement or runs_at_most_once(loop, lambda e: known_length(self.context, e)):
            return
        if deletes(getattr(loop.node, "body"), target.value) or in_test_code(self.context, node):
            return
        if any(self._kept(read) for read in name_reads(loop.node, target.value)):
            return  # the array is also kept elsewhere: `del` would free nothing
        line = parent(self.context, node)
        fix = None
        if m.matches(line, m.SimpleStatementLine(body=[m.Assign()])) and definitely_bound(self.context, target.value, line):
            fix = self._fix(cst.ensure_type(line, cst.SimpleStatementLine), target.value)
        # The old value freed by `del` is, from the second iteration on, what this line allocates.
        self.report(node, fix=fix, estimate=allocation_estimate(self.context, node.value), name=target.value, kind=value.kind.value, evidence=value.reason)

    def _kept(self, read: cst.Name) -> bool:
        """Is the array kept by something other than the name (stored, aliased, put in a display
        that outlives the expression, as in `(new,) + coords`)?"""
        return value_escapes(self.context, read) or m.matches(parent(self.context, read), m.Element() | m.DictElement())

    def _fix(self, line: cst.SimpleStatementLine, name: str):  # type: ignore[no-untyped-def]
        delete = cst.SimpleStatementLine(body=[cst.Del(target=cst.Name(name))], leading_lines=line.leading_lines)
        moved = line.with_changes(leading_lines=())
        fix = self.make_fix(Applicability.UNSAFE, (line, cst.FlattenSentinel([delete, moved])))
        return fix
