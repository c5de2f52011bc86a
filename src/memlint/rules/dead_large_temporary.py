from __future__ import annotations

from typing import List, Optional

import libcst as cst
from libcst.metadata import ParentNodeProvider

from memlint import matchers as m
from memlint.analysis.estimates import allocation_estimate
from memlint.analysis.accumulators import binding_sites
from memlint.analysis.values import in_test_code, large_kind, value_of
from memlint.analysis.escapes import value_escapes
from memlint.analysis.lifetime import deletes, name_reads
from memlint.analysis.loops import SMALL_LOOP
from memlint.analysis.values import known_length
from memlint.findings import Tier
from memlint.matching import matches
from memlint.rule import Invalid, Rule, Valid
from memlint.traversal import findall

BINDING = m.SimpleStatementLine(body=[m.Assign(targets=[m.AssignTarget(target=m.Name())])])
LOOP = m.For() | m.While()
DYNAMIC = frozenset({"locals", "vars", "eval", "exec"})


class DeadLargeTemporary(Rule):
    """
    ## What it does
    Flags a local name bound to a data-sized numpy array or pandas frame whose last use comes
    before a loop in the same function, while the name stays bound through that loop.

    ## Why is this bad?
    A local keeps its value alive until the function returns or the name is rebound, even when
    no later code reads it: the loop runs with the whole dead array still allocated. Measured on
    CPython 3.11 with tracemalloc, a function that loads a 32 MB array, reduces it and then runs a
    loop that allocates 32 MB peaks at +64 MB; with `del` after the last use it peaks at +32 MB.

    It does not apply, and memlint stays silent, when the value is not proven data-sized, when
    the name is bound more than once, read after the loop, captured by a nested function, or its
    value is kept elsewhere (returned, stored, aliased: `del` would free nothing), when the
    function uses `locals()`/`vars()`/`eval`/`exec`, when the loop has fewer than 100 items
    stated in the code, and in test code (files `test_*.py`, functions `test*`, classes `Test*`).

    ## Precision policy
    Reported only on *data-sized* evidence, shown in the message (analysis/values.py): the value
    is read from a file (`np.load`, `pd.read_csv`), has a constant size of 10,000 elements or
    more, or is computed from such a value. `np.zeros(n)` for an unknown `n` is not reported.

    ## Example
    ```python
    def summarize(path, chunks):
        raw = np.load(path)
        mean = raw.mean()
        for chunk in chunks:
            process(chunk, mean)
    ```

    Use instead:
    ```python
    def summarize(path, chunks):
        raw = np.load(path)
        mean = raw.mean()
        del raw
        for chunk in chunks:
            process(chunk, mean)
    ```

    ## Overlaps
    None known in Ruff or Pylint.

    ## References
    - Python reference, "Naming and binding": a local lives until the frame ends
    - seed `001`: `del` what is no longer needed before the next large allocation
    """

    code = "MEM403"
    triggers = ("numpy|pandas",)
    name = "dead-large-temporary"
    message = "`{name}` (a data-sized {kind}: {evidence}) is not used after this point but stays bound while the loop below runs; `del {name}` after its last use"
    tier = Tier.PREVIEW

    VALID = [
        Valid("import numpy as np\ndef f(p, xs):\n    a = np.load(p)\n    m = a.mean()\n    del a\n    for x in xs:\n        g(x, m)", "deleted"),
        Valid("import numpy as np\ndef f(p, xs):\n    a = np.load(p)\n    for x in xs:\n        g(x, a)", "used in the loop"),
        Valid("import numpy as np\ndef f(p, xs):\n    a = np.load(p)\n    m = a.mean()\n    for x in xs:\n        g(x, m)\n    return a", "used after the loop"),
        Valid("import numpy as np\ndef f(p, xs):\n    a = np.load(p)\n    self.a = a\n    for x in xs:\n        g(x)", "kept elsewhere: `del` frees nothing"),
        Valid("def f(p, xs):\n    a = load(p)\n    m = a.mean()\n    for x in xs:\n        g(x, m)", "not known to be large"),
        Valid("import numpy as np\ndef f(p):\n    a = np.load(p)\n    m = a.mean()\n    for x in range(3):\n        g(x, m)", "a short loop"),
        Valid("import numpy as np\ndef f(p, xs):\n    a = np.load(p)\n    m = a.mean()\n    a = None\n    for x in xs:\n        g(x, m)", "rebound: bound more than once"),
        Valid("import numpy as np\ndef f(p, xs):\n    a = np.load(p)\n    h = lambda: a\n    for x in xs:\n        g(x)", "captured"),
        Valid("import numpy as np\ndef f(n, xs):\n    buf = np.zeros(n)\n    g(buf)\n    for x in xs:\n        h(x)", "size unknown: not data-sized evidence"),
        Valid("import numpy as np\ndef f(d, xs):\n    m = np.full(20, d)\n    g(m)\n    for x in xs:\n        h(x)", "20 elements (scipy signal tests)"),
        Valid("import numpy as np\nclass TestLdl:\n    def check(self, a, xs):\n        eye = np.eye(*a.shape)\n        g(eye)\n        for x in xs:\n            h(x)", "test code (scipy linalg tests)"),
    ]
    INVALID = [
        Invalid("import numpy as np\ndef summarize(path, chunks):\n    raw = np.load(path)\n    mean = raw.mean()\n    for chunk in chunks:\n        process(chunk, mean)"),
        Invalid("import pandas as pd\ndef run(path, items):\n    df = pd.read_csv(path)\n    total = df['x'].sum()\n    while items:\n        items.pop()\n    return total"),
        Invalid("import numpy as np\ndef f(xs):\n    buf = np.zeros(10**6)\n    for x in xs:\n        pass", note="never read at all"),
        Invalid("import numpy as np\ndef f(p, xs):\n    a = np.load(p)\n    b = a.sum(axis=0)\n    c = b * 2\n    for x in xs:\n        c += x\n    return c"),
        Invalid("import numpy\nclass A:\n    def m(self):\n        grid = numpy.random.rand(1000, 1000)\n        self.total = float(grid.sum())\n        for i in range(1000):\n            step(i)"),
        Invalid("from numpy import loadtxt\nasync def go(p, q):\n    table = loadtxt(p)\n    print(table.shape)\n    async for row in q:\n        await handle(row)"),
    ]

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if not m.matches(node.body, m.IndentedBlock()):
            return
        statements = list(cst.ensure_type(node.body, cst.IndentedBlock).body)
        loop_indexes = [i for i, s in enumerate(statements) if matches(s, LOOP) and not self._short(s)]
        if not loop_indexes:
            return
        for index, statement in enumerate(statements[: loop_indexes[-1]]):
            if matches(statement, BINDING):
                self._check(node, statements, index, loop_indexes)

    def _check(self, function: cst.FunctionDef, statements: List[cst.BaseStatement], index: int, loops: List[int]) -> None:
        assign = cst.ensure_type(cst.ensure_type(statements[index], cst.SimpleStatementLine).body[0], cst.Assign)
        target = cst.ensure_type(assign.targets[0].target, cst.Name)
        name = target.value
        value = value_of(self.context, assign.value)
        kind = large_kind(self.context, assign.value)
        if kind is None or in_test_code(self.context, assign):
            return
        sites = binding_sites(function, name)
        if sites is None or len(sites) != 1 or deletes(function, name):
            return
        last = index
        for later in range(index + 1, len(statements)):
            reads = name_reads(statements[later], name)
            if not reads:
                continue
            if any(self._kept(read, function) for read in reads):
                return
            last = later
        if any(_dynamic(s) for s in statements):
            return
        loop = next((i for i in loops if i > last), None)
        if loop is None:
            return
        self.report(target, estimate=allocation_estimate(self.context, assign.value), name=name, kind=kind.value, evidence=value.reason)

    def _kept(self, read: cst.Name, function: cst.FunctionDef) -> bool:
        """Does this read keep the value beyond its statement, or sit in a nested scope?"""
        if value_escapes(self.context, read):
            return True
        current = self.get_metadata(ParentNodeProvider, read, None)
        while current is not None and current is not function:
            if m.matches(current, m.FunctionDef() | m.Lambda() | m.ClassDef()):
                return True
            current = self.get_metadata(ParentNodeProvider, current, None)
        return False

    def _short(self, loop: cst.CSTNode) -> bool:
        if not m.matches(loop, m.For()):
            return False
        count: Optional[int] = known_length(self.context, cst.ensure_type(loop, cst.For).iter)
        return count is not None and count < SMALL_LOOP


def _dynamic(statement: cst.CSTNode) -> bool:
    calls = findall(statement, m.Call(func=m.Name()))
    return any(cst.ensure_type(cst.ensure_type(call, cst.Call).func, cst.Name).value in DYNAMIC for call in calls)
