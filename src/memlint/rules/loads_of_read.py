from __future__ import annotations

from typing import Optional

import libcst as cst

from memlint import matchers as m
from memlint.analysis.serialization import serializer
from memlint.findings import Applicability
from memlint.matching import matches
from memlint.rule import Fix, FixAvailability, Invalid, Rule, Valid
from memlint.screen import Call

READ = m.Call(func=m.Attribute(attr=m.Name("read") | m.Name("read_bytes")), args=[])
LOADS = m.Call(args=[m.Arg(keyword=None, star="", value=READ), m.ZeroOrMore(m.Arg(keyword=m.Name()))])
STREAMING = frozenset({"pickle", "marshal"})


class LoadsOfRead(Rule):
    """
    ## What it does
    Flags `pickle.loads(f.read())`, `marshal.loads(f.read())` and
    `pickle.loads(path.read_bytes())`, however the module is imported.

    ## Why is this bad?
    `f.read()` holds the whole serialized payload as one `bytes` object while the objects are
    rebuilt from it; `pickle.load(f)` reads the file in frames. Measured on CPython 3.11 with
    tracemalloc, unpickling 2,000,000 floats: +82.9 MB peak through `loads(f.read())` against
    +64.9 MB through `load(f)` (the 18 MB payload never exists at once). `marshal.load(f)` saves
    the payload the same way.

    `json.loads(f.read())` is not flagged: `json.load(f)` reads the whole file into a string
    too, so there is no memory difference.

    ## Example
    ```python
    with open(path, "rb") as f:
        state = pickle.loads(f.read())
    ```

    Use instead:
    ```python
    with open(path, "rb") as f:
        state = pickle.load(f)
    ```

    ## Fix safety
    Offered for `.read()` and a module attribute (`pickle.loads`); unsafe because the file
    position afterwards differs (`load` stops at the end of the pickle, `read()` consumed the
    whole file) and a file object that has `read` but not `readline` fails with `load`. No fix is
    offered for `read_bytes()`.

    ## Overlaps
    None known in Ruff or Pylint.

    ## References
    - Python documentation, `pickle.load`, `marshal.load`
    - seed `004`: pickle's memory footprint
    """

    code = "MEM502"
    triggers = ("loads", "read|read_bytes")
    screen = (Call("loads", first=Call("read", "read_bytes")),)
    name = "loads-of-read"
    message = "`{func}(....{read}())` holds the whole payload in memory; `{module}.load(file)` reads it in pieces"
    fix_title = "Load straight from the file with `load`"
    fix_availability = FixAvailability.SOMETIMES

    VALID = [
        Valid("import json\nwith open(p) as f:\n    data = json.loads(f.read())", "json.load reads it all anyway"),
        Valid("import pickle\nwith open(p, 'rb') as f:\n    data = pickle.load(f)", "already streaming"),
        Valid("import pickle\ndata = pickle.loads(sock.recv(4096))", "not a file read"),
        Valid("import pickle\ndata = pickle.loads(f.read(16))", "a bounded read"),
        Valid("def loads(b):\n    return b\ndata = loads(f.read())", "not pickle"),
        Valid("import pickle\nblob = f.read()\ncheck(blob)\ndata = pickle.loads(blob)", "the bytes are used for more"),
    ]
    INVALID = [
        Invalid(
            "import pickle\nwith open(path, 'rb') as f:\n    state = pickle.loads(f.read())",
            fixed="import pickle\nwith open(path, 'rb') as f:\n    state = pickle.load(f)",
            applicability=Applicability.UNSAFE,
        ),
        Invalid(
            "import pickle as pkl\nobj = pkl.loads(fh.read(), encoding='latin1')",
            fixed="import pickle as pkl\nobj = pkl.load(fh, encoding='latin1')",
            applicability=Applicability.UNSAFE,
        ),
        Invalid("from pickle import loads\ndata = loads(f.read())", note="a bare `loads`: no fix"),
        Invalid("import pickle\nfrom pathlib import Path\ncache = pickle.loads(Path(p).read_bytes())", note="read_bytes: no fix"),
        Invalid(
            "import marshal\ncode = marshal.loads(open(pyc, 'rb').read())",
            fixed="import marshal\ncode = marshal.load(open(pyc, 'rb'))",
            applicability=Applicability.UNSAFE,
        ),
        Invalid(
            "import _pickle\ndef restore(self):\n    return _pickle.loads(self.file.read())",
            fixed="import _pickle\ndef restore(self):\n    return _pickle.load(self.file)",
            applicability=Applicability.UNSAFE,
        ),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        if not matches(node, LOADS):
            return
        found = serializer(self.context, node.func)
        if found is None or found[1] != "loads" or found[0] not in STREAMING:
            return
        read = cst.ensure_type(node.args[0].value, cst.Call)
        reader = cst.ensure_type(read.func, cst.Attribute)
        shown = cst.Module([]).code_for_node(node.func)
        self.report(node, fix=self._fix(node, reader), func=shown, read=reader.attr.value, module=found[0])

    def _fix(self, node: cst.Call, reader: cst.Attribute) -> Optional[Fix]:
        if reader.attr.value != "read" or not m.matches(node.func, m.Attribute()):
            return None
        load = cst.ensure_type(node.func, cst.Attribute).with_changes(attr=cst.Name("load"))
        first = node.args[0].with_changes(value=reader.value)
        return self.make_fix(Applicability.UNSAFE, (node, node.with_changes(func=load, args=[first] + list(node.args[1:]))))
