from __future__ import annotations

from typing import Optional

import libcst as cst

from memlint import matchers as m
from memlint.analysis.accumulators import Kind, accumulation, kind_before_loop
from memlint.analysis.loops import dotted_name, enclosing_loop, repeats_often
from memlint.analysis.names import qualified_name
from memlint.matching import matches
from memlint.rule import Invalid, Valid
from memlint.rules._bases import LoopDepthRule
from memlint.screen import LOOP, AllOf, Call, In, Named, Node, Subscript

UPDATE = m.Assign(targets=[m.AssignTarget(target=m.Name() | m.Attribute(value=m.Name()))], value=m.Call())
LOC_AT_LEN = m.Assign(
    targets=[
        m.AssignTarget(
            target=m.Subscript(
                value=m.Attribute(value=m.Name(), attr=m.Name("loc")),
                slice=[m.SubscriptElement(slice=m.Index(value=m.Call(func=m.Name("len"), args=[m.Arg(value=m.Name())])))],
            )
        )
    ]
)
PANDAS_KINDS = (Kind.FRAME, Kind.SERIES)


class DataframeAppendInLoop(LoopDepthRule):
    """
    ## What it does
    Flags a pandas DataFrame (or Series) grown row by row inside a loop:
    `df = pd.concat([df, row])`, `df = df.append(row)` (removed in pandas 2.0) and
    `df.loc[len(df)] = row`.

    ## Why is this bad?
    Every `concat` builds a new frame and copies all the rows so far, so n additions copy n²/2
    rows, with the old and the new frame alive together at each step; `df.loc[len(df)] = row`
    enlarges the frame, reallocating every column. Measured on CPython 3.11 with pandas 3.1,
    adding 2,000 records of 3 fields one `pd.concat` at a time copies 2,001,000 rows in total
    and takes some 500 times the CPU time of one `pd.DataFrame.from_records` (2,000 rows). At
    that size much of the gap is pandas' cost per call; the copying grows with the square of the
    row count (and with the number of columns).

    It does not apply, and memlint stays silent, when the frame is reset inside the same loop,
    when `df.append` is called on something not known to be a pandas object (a list's `append`
    returns None and is not rebound), when the loop runs at most once or over fewer than 100
    items stated in the code, and when `concat` is not pandas'.

    ## Precision policy
    The cost grows with the number of iterations: reported when the loop is *not proven tiny*
    (analysis/values.py).

    ## Example
    ```python
    df = pd.DataFrame(columns=["a", "b"])
    for record in records:
        df = pd.concat([df, pd.DataFrame([record])])
    ```

    Use instead:
    ```python
    df = pd.DataFrame.from_records(records, columns=["a", "b"])
    ```
    or collect the pieces in a list and call `pd.concat(pieces)` once.

    ## Overlaps
    pandas-vet (PD) has no rule for this; Ruff's PERF401 reports list appends, not frames.

    ## References
    - pandas documentation, `pandas.concat`: "It is not recommended to build DataFrames by
      adding single rows in a for loop. Build a list of rows and make a DataFrame in a single
      concat."
    """

    code = "MEM302"
    triggers = ("pandas",)
    screen = (
        In(LOOP, Node("Assign", value=Call("append", "concat"))),
        In(LOOP, Node("Assign", target=Subscript(AllOf(Named("loc"), Node("Attribute"))))),
    )
    name = "dataframe-append-in-loop"
    message = "{what} in a loop copies the whole frame on every iteration; collect the rows or pieces in a list and build the frame once"

    VALID = [
        Valid("import pandas as pd\ndef f(df, parts):\n    for part in parts[:5]:\n        df = pd.concat([df, part])\n    return df", "at most five iterations: tiny"),
        Valid("import pandas as pd\npieces = [load(p) for p in paths]\ndf = pd.concat(pieces)", "concatenated once"),
        Valid("import pandas as pd\nfor p in paths:\n    df = pd.concat([load(p), extra])", "does not read its own value"),
        Valid(
            "import pandas as pd\nfor group in groups:\n    df = pd.DataFrame()\n    df = pd.concat([df, group])\n    use(df)",
            "reset on every iteration",
        ),
        Valid("for item in items:\n    rows = rows.append(item)", "unknown kind: not known to be a pandas object"),
        Valid("rows = []\nfor item in items:\n    rows.append(item)", "a list"),
        Valid(
            "def concat(xs):\n    return xs[0]\nfor x in xs:\n    df = concat([df, x])",
            "a local function, not pandas.concat",
        ),
        Valid("import pandas as pd\nfor i in range(5):\n    df = pd.concat([df, parts[i]])", "five iterations stated in the code"),
        Valid("for row in rows:\n    table.loc[len(table)] = row", "pandas is not imported and the kind is unknown"),
    ]
    INVALID = [
        Invalid("import pandas as pd\ndf = pd.DataFrame()\nfor record in records:\n    df = pd.concat([df, pd.DataFrame([record])])"),
        Invalid("import pandas\nfor p in paths:\n    frame = pandas.concat((frame, pandas.read_csv(p)), ignore_index=True)"),
        Invalid("from pandas import concat\nwhile more():\n    df = concat([df, next_chunk()])"),
        Invalid(
            "import pandas as pd\ndf = None\nfor path in paths:\n    chunk = pd.read_csv(path)\n    if df is None:\n"
            "        df = chunk\n    else:\n        df = pd.concat([df, chunk])",
            note="started on the first pass under `if df is None:`",
        ),
        Invalid("import pandas as pd\ndf = pd.DataFrame(columns=['a'])\nfor r in rows:\n    df = df.append(r, ignore_index=True)"),
        Invalid("import pandas as pd\ndf = pd.DataFrame(columns=['a', 'b'])\nfor r in rows:\n    df.loc[len(df)] = r"),
        Invalid("import pandas as pd\nfor r in rows:\n    table.loc[len(table)] = r", note="pandas is imported and `.loc[len(x)]` is a pandas idiom"),
        Invalid(
            """
            import pandas as pd
            class Log:
                def __init__(self):
                    self.frame = pd.DataFrame()
                def add_all(self, rows):
                    for row in rows:
                        self.frame = self.frame.append(row)
            """,
            note="an attribute whose kind is known from __init__",
        ),
    ]

    def __init__(self, context) -> None:  # type: ignore[no-untyped-def]
        super().__init__(context)
        self._pandas_imported = False

    def visit_Import(self, node: cst.Import) -> None:
        if any((dotted_name(alias.name) or "").split(".")[0] == "pandas" for alias in node.names):
            self._pandas_imported = True

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.module is not None and (dotted_name(node.module) or "").split(".")[0] == "pandas":
            self._pandas_imported = True

    def visit_Assign(self, node: cst.Assign) -> None:
        if not self.maybe_in_loop:
            return
        if matches(node, LOC_AT_LEN):
            self._check_loc(node)
        elif matches(node, UPDATE):
            what = self._growing_call(node)
            if what is None:
                return
            found = accumulation(self.context, node)
            if found is None or found.reset_in_loop or not self._repeats(found.loop):
                return
            if what.endswith(".append(...)`") and found.kind not in PANDAS_KINDS:
                return
            self.report(node, what=what)

    def _growing_call(self, node: cst.Assign) -> Optional[str]:
        target = dotted_name(node.targets[0].target)
        call = cst.ensure_type(node.value, cst.Call)
        func = call.func
        positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
        if m.matches(func, m.Attribute(attr=m.Name("append"))):
            receiver = cst.ensure_type(func, cst.Attribute).value
            return f"`{target} = {target}.append(...)`" if dotted_name(receiver) == target else None
        if not positional or not m.matches(positional[0].value, m.List() | m.Tuple()):
            return None
        if not any(dotted_name(e.value) == target for e in getattr(positional[0].value, "elements")):
            return None
        if m.matches(func, m.Name() | m.Attribute()) and qualified_name(self.context, func) == "pandas.concat":
            return f"`{target} = pd.concat([{target}, ...])`"
        return None

    def _check_loc(self, node: cst.Assign) -> None:
        subscript = cst.ensure_type(node.targets[0].target, cst.Subscript)
        frame = cst.ensure_type(cst.ensure_type(subscript.value, cst.Attribute).value, cst.Name)
        index = cst.ensure_type(cst.ensure_type(subscript.slice[0].slice, cst.Index).value, cst.Call)
        if dotted_name(index.args[0].value) != frame.value or qualified_name(self.context, index.func) != "builtins.len":
            return
        loop = enclosing_loop(self.context, node)
        if loop is None or not self._repeats(loop):
            return
        kind = kind_before_loop(self.context, frame, loop)
        if kind not in PANDAS_KINDS and not (kind is None and self._pandas_imported):
            return
        self.report(node, what=f"`{frame.value}.loc[len({frame.value})] = ...`")

    def _repeats(self, loop) -> bool:  # type: ignore[no-untyped-def]
        return repeats_often(self.context, loop)
