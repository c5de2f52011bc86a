from __future__ import annotations

from typing import List, Optional

import libcst as cst

from memlint import matchers as m
from memlint.analysis.serialization import serializer
from memlint.findings import Applicability
from memlint.matching import matches
from memlint.rule import Fix, FixAvailability, Invalid, Rule, Valid
from memlint.traversal import findall
from memlint.screen import Call

WRITE = m.Call(func=m.Attribute(attr=m.Name("write") | m.Name("write_bytes") | m.Name("write_text")), args=[m.Arg(keyword=None, star="", value=m.Call())])
BINARY = {"pickle": '"wb"', "json": '"w"'}


class DumpsThenWrite(Rule):
    """
    ## What it does
    Flags `f.write(pickle.dumps(obj))`, the same with `json.dumps`, and
    `path.write_bytes(pickle.dumps(obj))` / `path.write_text(json.dumps(obj))`, however the
    serializer is imported (`import pickle as pkl`, `from pickle import dumps`, `cPickle`).

    ## Why is this bad?
    `dumps` builds the whole serialized payload in memory before a single byte is written;
    `dump(obj, f)` writes it to the file in pieces as it goes. Measured on CPython 3.11 with
    tracemalloc, for a list of 2,000,000 floats (18 MB pickled):
    `f.write(pickle.dumps(model, protocol=5))` peaks at +20.5 MB against +0.1 MB for
    `pickle.dump(model, f, protocol=5)`. `json.dump` likewise writes the text in pieces where
    `json.dumps` builds it whole.

    `marshal.dumps` is not flagged: `marshal.dump` builds the whole payload before writing it
    too.

    ## Example
    ```python
    with open(path, "wb") as f:
        f.write(pickle.dumps(model, protocol=5))
    ```

    Use instead:
    ```python
    with open(path, "wb") as f:
        pickle.dump(model, f, protocol=5)
    ```

    ## Fix safety
    For `f.write(...)` whose value is unused, on a file that is a plain name, and a serializer
    spelled as a module attribute (`pickle.dumps`), the fix is unsafe: if serializing fails
    half-way, the file now holds a partial payload where it held nothing, and the stream sees
    many small writes instead of one. For `path.write_bytes(...)` the suggested
    `with path.open("wb")` block is shown but never applied.

    ## Overlaps
    None known in Ruff or Pylint.

    ## References
    - Python documentation, `pickle.dump`, `json.dump`
    - seed `004`: pickle's memory footprint
    """

    code = "MEM501"
    triggers = ("dumps", "write|write_bytes|write_text")
    screen = (Call("write", "write_bytes", "write_text", first=Call("dumps")),)
    name = "dumps-then-write"
    message = "`{func}` builds the whole payload in memory before writing it; `{module}.dump(obj, file)` streams it"
    fix_title = "Serialize straight into the file with `dump`"
    fix_availability = FixAvailability.SOMETIMES

    VALID = [
        Valid("import json\nwith open(p) as f:\n    f.write(json.dumps(x) + '\\n')", "the payload is changed before writing"),
        Valid("import pickle\nwith open(p, 'wb') as f:\n    pickle.dump(x, f)", "already streaming"),
        Valid("import pickle\nblob = pickle.dumps(x)\nsock.sendall(blob)", "not written to a file"),
        Valid("def dumps(x):\n    return str(x)\nf.write(dumps(x))", "a local function, not a serializer"),
        Valid("import yaml\nf.write(yaml.dumps(x))", "not a known serializer"),
        Valid("import pickle\nf.write(pickle.loads(x))", "not `dumps`"),
        Valid("import json\nf.write(json.dumps(x).encode())", "encoded first"),
        Valid("import marshal\nfp.write(marshal.dumps(code))", "marshal.dump builds the whole payload too: no difference (measured)"),
    ]
    INVALID = [
        Invalid(
            "import pickle\nwith open(path, 'wb') as f:\n    f.write(pickle.dumps(model, protocol=5))",
            fixed="import pickle\nwith open(path, 'wb') as f:\n    pickle.dump(model, f, protocol=5)",
            applicability=Applicability.UNSAFE,
        ),
        Invalid(
            "import json\ndef save(obj, out):\n    out.write(json.dumps(obj, indent=2))  # config",
            fixed="import json\ndef save(obj, out):\n    json.dump(obj, out, indent=2)  # config",
            applicability=Applicability.UNSAFE,
        ),
        Invalid(
            "import pickle as pkl\nn = f.write(pkl.dumps(obj))",
            note="the number of bytes written is used: no fix",
        ),
        Invalid("from pickle import dumps\nf.write(dumps(obj))", note="a bare `dumps`: no fix"),
        Invalid(
            "import json\nimport sys\nsys.stdout.write(json.dumps(report, indent=4))",
            note="not a plain name: no fix",
        ),
        Invalid("import pickle\nself.stream.write(pickle.dumps(obj))", note="not a plain name: no fix"),
        Invalid(
            "try:\n    import cPickle as pickle\nexcept ImportError:\n    import pickle\nf.write(pickle.dumps(obj, 2))",
            fixed="try:\n    import cPickle as pickle\nexcept ImportError:\n    import pickle\npickle.dump(obj, f, 2)",
            applicability=Applicability.UNSAFE,
        ),
        Invalid(
            "import pickle\nfrom pathlib import Path\nPath(p).write_bytes(pickle.dumps(obj))",
            fixed='import pickle\nfrom pathlib import Path\nwith Path(p).open("wb") as stream:\n    pickle.dump(obj, stream)',
            applicability=Applicability.DISPLAY,
        ),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        if not matches(node, WRITE):
            return
        inner = cst.ensure_type(node.args[0].value, cst.Call)
        found = serializer(self.context, inner.func)
        if found is None or found[1] != "dumps" or found[0] == "marshal":
            return
        module = found[0]
        writer = cst.ensure_type(node.func, cst.Attribute)
        if writer.attr.value != "write" and (writer.attr.value == "write_text") != (module == "json"):
            return
        shown = cst.Module([]).code_for_node(inner.func)
        self.report(node, fix=self._fix(node, inner, writer, module), func=f"{shown}(...)", module=module)

    def _fix(self, node: cst.Call, inner: cst.Call, writer: cst.Attribute, module: str) -> Optional[Fix]:
        args = _dump_args(inner)
        if args is None or not m.matches(inner.func, m.Attribute()):
            return None
        dump = cst.ensure_type(inner.func, cst.Attribute).with_changes(attr=cst.Name("dump"))
        if writer.attr.value == "write":
            if not m.matches(writer.value, m.Name()):
                return None
            if not self._value_unused(node):
                return None
            call = inner.with_changes(func=dump, args=_with_file(args, writer.value))
            return self.make_fix(Applicability.UNSAFE, (node, call))
        line = self._statement_line(node)
        if line is None:
            return None
        stream = cst.Name("stream")
        opened = cst.Call(func=cst.Attribute(value=writer.value, attr=cst.Name("open")), args=[cst.Arg(cst.SimpleString(BINARY[module]))])
        body = cst.SimpleStatementLine([cst.Expr(inner.with_changes(func=dump, args=_with_file(args, stream)))])
        block = cst.With(items=[cst.WithItem(opened, asname=cst.AsName(stream))], body=cst.IndentedBlock([body]), leading_lines=line.leading_lines)
        return self.make_fix(Applicability.DISPLAY, (line, block))

    def _value_unused(self, node: cst.Call) -> bool:
        return self._statement_line(node) is not None

    def _statement_line(self, node: cst.Call) -> Optional[cst.SimpleStatementLine]:
        """The line when `node` is the whole of an expression statement alone on it."""
        for line in self._lines():
            if len(line.body) == 1 and m.matches(line.body[0], m.Expr()) and cst.ensure_type(line.body[0], cst.Expr).value is node:
                return line
        return None

    def _lines(self) -> List[cst.SimpleStatementLine]:
        key = "MEM501-lines"
        lines = self.context.cache.get(key)
        if lines is None:
            lines = [cst.ensure_type(n, cst.SimpleStatementLine) for n in findall(self.context.module, m.SimpleStatementLine(body=[m.Expr(m.Call())]))]
            self.context.cache[key] = lines
        return lines


def _dump_args(call: cst.Call) -> Optional[List[cst.Arg]]:
    """`dumps`'s arguments when the object comes first and positionally, with no `*`/`**`."""
    if not call.args or call.args[0].keyword is not None or any(arg.star for arg in call.args):
        return None
    return list(call.args)


def _with_file(args: List[cst.Arg], file: cst.BaseExpression) -> List[cst.Arg]:
    """The object, then the file, then the rest (all separated by `, `)."""
    ordered = [args[0], cst.Arg(file)] + args[1:]
    return [arg.with_changes(comma=cst.MaybeSentinel.DEFAULT) for arg in ordered]
