from __future__ import annotations

from typing import Optional, Union

import libcst as cst

from memlint import matchers as m
from memlint.analysis.accumulators import Accumulation, Kind, accumulation
from memlint.analysis.loops import dotted_name, repeats_often
from memlint.analysis.values import data_evidence, loop_trips
from memlint.matching import matches
from memlint.rule import Invalid, Valid
from memlint.rules._bases import LoopDepthRule
from memlint.screen import OFTEN, AllOf, Call, In, Literal, Name, Named, Node, Not, Number, Of, Pattern, Reads, Same, SelfUpdate

TARGET = m.Name() | m.Attribute(value=m.Name())
NUMBER = m.Integer() | m.Float() | m.Imaginary() | m.UnaryOperation(expression=m.Integer() | m.Float())
AUGMENTED = m.AugAssign(target=TARGET, operator=m.AddAssign(), value=~NUMBER)
REBOUND_SUM = m.Assign(targets=[m.AssignTarget(target=TARGET)], value=m.BinaryOperation(operator=m.Add()))
# For the screen: expressions accumulators.kind_of gives each reported kind (a literal, a
# display, `bytes()`/`str()`/`tuple()`/`list()`/`sorted()`, `"".join()`, `+` of two of them).
_STR_TEXT = Literal("str") | Node("JoinedStr")
STR_NODE = _STR_TEXT | Call("str") | Node("Call", func=AllOf(Named("join"), Node("Attribute", value=_STR_TEXT)))
BYTES_NODE = Literal("bytes") | Call("bytes") | Node("Call", func=AllOf(Named("join"), Node("Attribute", value=Literal("bytes"))))
TUPLE_NODE = Node("Tuple") | Call("tuple")
LIST_NODE = Node("List", "ListComp") | Call("list", "sorted")
ATTRIBUTE_NODE = Node("Attribute", value=Name())
TARGET_NODE = Name() | ATTRIBUTE_NODE


def _kind(leaf: Pattern) -> Pattern:
    return leaf | Node("BinOp", op=Node("Add"), left=Reads(leaf), right=Reads(leaf))


def _augmented(target: Pattern) -> Pattern:
    return Node("AugAssign", op=Node("Add"), target=target, value=Not(Number()))


def _rebound(target: Pattern) -> Pattern:
    return AllOf(Node("Assign", target=target, value=Node("BinOp", op=Node("Add"))), SelfUpdate())


def _bound_to(value: Pattern) -> Pattern:
    return Of("target", Node("Assign", "AnnAssign", value=value))


ADVICE = {
    Kind.BYTES: "collect the pieces in a list and `b\"\".join()` them, or grow a `bytearray`/`io.BytesIO`",
    Kind.TUPLE: "append to a list and convert it with `tuple()` once",
    Kind.LIST: "use `.append()`/`.extend()` (or `+=`), which grow the list in place",
    Kind.STR: "collect the pieces in a list and `\"\".join()` them once",
}
# Prepending (`x = new + x`): appending would reverse the order, so the cure differs.
PREPEND_ADVICE = {
    Kind.BYTES: "collect the pieces in a list and `b\"\".join(reversed(pieces))` once",
    Kind.TUPLE: "append to a list and build the tuple once with `tuple(reversed(items))`",
    Kind.LIST: "use `collections.deque` and `.appendleft()`, or append and reverse once after the loop",
    Kind.STR: "collect the pieces in a list and `\"\".join(reversed(pieces))` once",
}


class QuadraticConcatInLoop(LoopDepthRule):
    """
    ## What it does
    Flags an immutable sequence (or a list) rebuilt by concatenation on every iteration of a
    loop: `b += chunk` on bytes, `t = t + (x,)` / `t += (x,)` on tuples, `lst = lst + [x]` on
    lists, and `self.s += piece` on str attributes. The kind must be known from how the name
    is bound before the loop (a literal, or `bytes()`, `tuple()`, `list()`, `str()` …).

    ## Why is this bad?
    Concatenation builds a new object and copies both operands, so n additions copy n²/2
    items; and the old value stays alive while the new one is built. Measured on CPython 3.11,
    20,000 `payload += chunk` steps with 50-byte chunks copy 10 GB in total and take over 2,000
    times the CPU time of the same loop on a `bytearray`, which copies the 1 MB result about once;
    the peaks are close (2.0 MB against 1.1 MB), the cost is time.

    It does not apply, and memlint stays silent, when:
    - the kind is unknown (a parameter, a call result memlint cannot type): `+=` on a list or
      a numpy array works in place;
    - `lst += [x]`: a list's `+=` extends in place;
    - a plain local `s += piece` on str: CPython resizes the string in place when nothing else
      refers to it (only attributes such as `self.s` are reported);
    - the name is reset inside the same loop, or the loop runs at most once or over fewer than
      100 items stated in the code, or over a tiny iterable (`a.shape`, `range(a.ndim)`);
    - there is no data-sized evidence (see below).

    ## Precision policy
    Reported only on *data-sized* evidence, shown in the message (analysis/values.py): the loop
    runs over data-sized input (the lines of a file, `os.listdir()`, `f.read().split()`, an array
    read by `np.load`...), or it is a `while` loop that reads a stream until it ends
    (`chunk = sock.recv(4096)`), or each piece is itself data-sized. A loop over a parameter of
    unknown length is not reported: on real code it was most often a handful of items.
    The advice fits the statement: a prepend `x = new + x` is not cured by `.append()`.

    ## Example
    ```python
    payload = b""
    for chunk in stream:
        payload += chunk
    ```

    Use instead:
    ```python
    payload = b"".join(stream)
    ```
    or `buffer = bytearray()` / `io.BytesIO()` and `buffer += chunk` / `buffer.write(chunk)`.

    ## Overlaps
    Pylint's `consider-using-join` (R1713) flags str `+=` in a for loop over the iterable itself;
    Ruff has no equivalent. This rule leaves local str to CPython's in-place optimization.

    ## References
    - Python FAQ, "What is the most efficient way to concatenate many strings together?"
    - seed `001`: growing a container beyond its allocation moves everything
    """

    code = "MEM303"
    triggers = ("for|while",)
    screen = (  # an update in a loop, and a binding of its name to a value of a kind it reports
        Same(In(OFTEN, _augmented(TARGET_NODE) | _rebound(TARGET_NODE)), _bound_to(_kind(BYTES_NODE | TUPLE_NODE))),
        Same(In(OFTEN, _rebound(TARGET_NODE)), _bound_to(_kind(LIST_NODE))),  # a list's `+=` extends it in place
        Same(In(OFTEN, _augmented(ATTRIBUTE_NODE) | _rebound(ATTRIBUTE_NODE)), _bound_to(_kind(STR_NODE))),  # local str: resized in place
    )
    name = "quadratic-concat-in-loop"
    message = "`{statement}` on a {kind} in a loop copies the whole {kind} on every iteration ({evidence}); {advice}"

    VALID = [
        Valid('payload = b"".join(stream)', "joined once"),
        Valid("def f(data, chunks):\n    for c in chunks:\n        data += c", "unknown kind: a parameter"),
        Valid("items = []\nfor x in xs:\n    items += [x]", "a list's += extends in place"),
        Valid('text = ""\nfor piece in pieces:\n    text += piece', "local str: CPython resizes in place"),
        Valid("buf = bytearray()\nfor c in chunks:\n    buf += c", "a bytearray grows in place"),
        Valid('for row in rows:\n    line = b""\n    line += row\n    out.write(line)', "reset on every iteration"),
        Valid('key = ()\nfor part in ("a", "b", "c"):\n    key = key + (part,)', "three iterations stated in the code"),
        Valid("total = 0\nfor x in xs:\n    total = total + x", "not a sequence"),
        Valid("import numpy as np\nacc = np.zeros(3)\nfor x in xs:\n    acc += x", "a numpy array adds in place"),
        Valid("path = ()\nfor node in nodes:\n    path = path + (node,)", "the number of nodes is unknown: no data-sized evidence"),
        Valid("def f(a):\n    shape = ()\n    for n in a.shape:\n        shape = shape + (n * 2,)", "one item per dimension: tiny"),
    ]
    INVALID = [
        Invalid('payload = b""\nwith open(path, "rb") as stream:\n    for chunk in stream:\n        payload += chunk'),
        Invalid("path = ()\nfor line in open(name):\n    path = path + (line,)"),
        Invalid("import os\nseen = tuple()\nfor entry in os.listdir(root):\n    seen += (entry,)"),
        Invalid("order = []\nfor x in open(p).read().split():\n    order = order + [x]"),
        Invalid("order = list()\nfor x in open(p):\n    order = [x] + order", note="prepending rebuilds the list too; the cure must keep the order"),
        Invalid(
            """
            class Writer:
                def __init__(self):
                    self.text = ""
                def feed(self, f):
                    for piece in f:
                        self.text += piece.read()
            """,
            note="str attribute: no in-place resize",
        ),
        Invalid(
            'def read_all(sock):\n    data = bytes()\n    while True:\n        chunk = sock.recv(4096)\n        if not chunk:\n            break\n        data += chunk\n    return data'
        ),
    ]

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if self.maybe_in_loop and matches(node, AUGMENTED):
            self._check(node)

    def visit_Assign(self, node: cst.Assign) -> None:
        if self.maybe_in_loop and matches(node, REBOUND_SUM):
            binary = cst.ensure_type(node.value, cst.BinaryOperation)
            wanted = dotted_name(node.targets[0].target)
            if wanted is not None and wanted in (dotted_name(binary.left), dotted_name(binary.right)):
                self._check(node)

    def _check(self, node: Union[cst.Assign, cst.AugAssign]) -> None:
        found = accumulation(self.context, node)
        if found is None or found.kind is None or found.reset_in_loop or not self._repeats(found):
            return
        kind = found.kind
        if kind not in ADVICE:
            return
        if kind is Kind.LIST and found.augmented:
            return
        if kind is Kind.STR and not m.matches(found.target, m.Attribute()):
            return
        evidence = self._evidence(found)
        if evidence is None:
            return
        advice = PREPEND_ADVICE[kind] if _prepends(found) else ADVICE[kind]
        self.report(node, statement=_statement_text(node), kind=kind.value, advice=advice, evidence=evidence)

    def _evidence(self, found: Accumulation) -> Optional[str]:
        """Why the result grows with the data: the loop runs over data-sized input (or reads a
        stream until it ends), or each piece is itself data-sized."""
        trips = loop_trips(self.context, found.loop.node)
        if trips.data:
            return trips.reason
        return data_evidence(self.context, found.value)

    def _repeats(self, found: Accumulation) -> bool:
        return repeats_often(self.context, found.loop)


def _prepends(found: Accumulation) -> bool:
    """`x = new + x`: the old value is the right operand."""
    value = found.statement.value
    if found.augmented or not isinstance(value, cst.BinaryOperation):
        return False
    return dotted_name(value.right) == found.name and dotted_name(value.left) != found.name


def _statement_text(node: Union[cst.Assign, cst.AugAssign]) -> str:
    text = cst.Module([]).code_for_node(node).strip()
    return text if len(text) <= 40 else text[:37] + "..."


