from __future__ import annotations

from typing import Optional

import libcst as cst

from memlint import matchers as m
from memlint.analysis.accumulators import scope_of
from memlint.analysis.values import bound_values, is_tiny
from memlint.analysis.loops import enclosing_loop, runs_at_most_once
from memlint.analysis.serialization import PICKLE_MODULES, serializer
from memlint.analysis.values import comprehension_length, known_length
from memlint.matching import matches
from memlint.rule import Invalid, Rule, Valid
from memlint.traversal import findall
from memlint.screen import OFTEN, AllOf, Call, In, Name, Named, Node, Of, Same, Subscript

DUMP = m.Call(args=[m.Arg(keyword=None, star="", value=m.Name()), m.ZeroOrMore()])
COMPREHENSION = m.ListComp() | m.DictComp() | m.SetComp()
EMPTY = m.List(elements=[]) | m.Dict(elements=[]) | m.Call(func=m.Name("list") | m.Name("dict"), args=[])
FILLING = frozenset({"append", "extend", "add", "update", "insert", "setdefault"})
SMALL = 1000
PICKLED = Node(
    "Call", func=AllOf(Named("dump", "dumps"), Node("Name") | Node("Attribute", value=Named(*PICKLE_MODULES))), first=Name()
)


class PickleLargeContainer(Rule):
    """
    ## What it does
    Flags `pickle.dump(x, f)` / `pickle.dumps(x)` where `x` is a list, dict or set built in the
    same scope by a comprehension or filled by a loop (`append`, `x[k] = v`, ...).

    ## Why is this bad?
    The pickler's memo table records every object it writes, to preserve sharing: for a
    container of a million small objects it holds a dict entry per object on top of the data.
    Measured on CPython 3.11 with tracemalloc, building a list of 1,000,000 short strings and
    `pickle.dump`-ing it to a file peaks at +59 MB; with a `Pickler` set to `fast = True` (no memo)
    at +8.5 MB, mostly the list itself: the memo costs about 50 MB.

    It does not apply, and memlint stays silent, for containers of a size stated in the code
    below 1000 items, for containers that come from elsewhere (a parameter, a call), and for
    `json`/`marshal`, which keep no memo.

    ## Precision policy
    The cost grows with the container: reported when it is *not proven tiny*
    (analysis/values.py: a comprehension over a shape, a loop over a few literals are tiny).

    ## Example
    ```python
    rows = [parse(line) for line in lines]
    with open(path, "wb") as f:
        pickle.dump(rows, f)
    ```

    Use instead (for data without shared or recursive references):
    ```python
    with open(path, "wb") as f:
        pickler = pickle.Pickler(f)
        pickler.fast = True
        pickler.dump(rows)
    ```
    or write the items one by one (`pickle.dump(row, f)` in a loop), or use `np.save` or a flat
    format for numeric data.

    ## Overlaps
    None known in Ruff or Pylint.

    ## References
    - Python documentation, `pickle.Pickler.fast` ("disables the use of memo")
    - seed `004`: pickling a 1M-item list doubled the memory in use
    """

    code = "MEM503"
    triggers = ("dump|dumps",)
    screen = (  # `pickle.dump(x, ...)` and `x = <comprehension>`, or `x = []` filled in a loop
        Same(Of("first", PICKLED), Of("target", Node("Assign", "AnnAssign", value=Node("ListComp", "DictComp", "SetComp")))),
        Same(
            Of("first", PICKLED),
            Of("target", Node("Assign", "AnnAssign", value=Node("List", "Dict") | Call("list", "dict"))),
            In(OFTEN, Of("func.value", Node("Call", func=AllOf(Named(*FILLING), Node("Attribute", value=Name()))))
                | Of("target", Node("Assign", target=Subscript(Name())))),
        ),
    )
    name = "pickle-large-container"
    message = "pickling `{name}`, a container built {how}, makes the pickler memoize every item; stream the items or use `Pickler.fast`"

    VALID = [
        Valid("import pickle\ndef f(a, f):\n    dims = [n for n in a.shape]\n    pickle.dump(dims, f)", "one item per dimension: tiny"),
        Valid("import pickle\ndef save(rows, f):\n    pickle.dump(rows, f)", "a parameter: built elsewhere"),
        Valid("import pickle\nrows = [i for i in range(10)]\npickle.dumps(rows)", "ten items stated in the code"),
        Valid("import json\nrows = [parse(l) for l in lines]\njson.dump(rows, f)", "json keeps no memo"),
        Valid("import pickle\nrows = load()\npickle.dump(rows, f)", "built by a call"),
        Valid("import pickle\nrows = []\nrows.append(1)\npickle.dump(rows, f)", "not filled in a loop"),
        Valid("import pickle\nfor row in rows:\n    pickle.dump(row, f)", "items one by one"),
        Valid("def dump(x, f):\n    pass\nrows = [p(l) for l in lines]\ndump(rows, f)", "not pickle"),
    ]
    INVALID = [
        Invalid("import pickle\nrows = [parse(line) for line in lines]\nwith open(path, 'wb') as f:\n    pickle.dump(rows, f)"),
        Invalid("import pickle\ndef index(words):\n    table = {}\n    for w in words:\n        table[w] = len(w)\n    return pickle.dumps(table)"),
        Invalid("import pickle as pkl\ndef collect(src, f):\n    out = []\n    while src.more():\n        out.append(src.next())\n    pkl.dump(out, f, protocol=4)"),
        Invalid("from pickle import dump\nseen = {s.key for s in samples}\ndump(seen, fh)"),
        Invalid("import pickle\nd = {k: v for k, v in pairs}\nblob = pickle.dumps(d)"),
        Invalid("import _pickle\nacc = list()\nfor x in xs:\n    acc.extend(x)\n_pickle.dump(acc, f)"),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        if not matches(node, DUMP):
            return
        found = serializer(self.context, node.func)
        if found is None or found[0] != "pickle" or found[1] not in ("dump", "dumps"):
            return
        name = cst.ensure_type(node.args[0].value, cst.Name)
        values = bound_values(self.context, name)
        if not values or len(values) != 1 or values[0] is None:
            return
        how = self._built(values[0], name)
        if how is not None and not is_tiny(self.context, name):
            self.report(node, name=name.value, how=how)

    def _built(self, value: cst.BaseExpression, name: cst.Name) -> Optional[str]:
        if matches(value, COMPREHENSION):
            length = comprehension_length(self.context, getattr(value, "for_in"))
            return "by a comprehension" if length is None or length >= SMALL else None
        if not matches(value, EMPTY):
            return None
        scope = scope_of(self.context, name)
        fills = findall(
            scope,
            m.Call(func=m.Attribute(value=m.Name(name.value), attr=m.Name(m.MatchIfTrue(lambda a: a in FILLING))))
            | m.AssignTarget(target=m.Subscript(value=m.Name(name.value))),
        )
        for fill in fills:
            loop = enclosing_loop(self.context, fill)
            if loop is None:
                continue
            if runs_at_most_once(loop, lambda e: known_length(self.context, e)):
                continue
            if m.matches(loop.node, m.For()):
                count = known_length(self.context, cst.ensure_type(loop.node, cst.For).iter)
                if count is not None and count < SMALL:
                    continue
            return "in a loop"
        return None
