"""memlint.analysis.files: is the receiver of `.readlines()` / `.read()` a file object?"""

from __future__ import annotations

import textwrap

import libcst as cst
import libcst.matchers as m
import pytest
from libcst.metadata import MetadataWrapper

from memlint.analysis.files import FileKind, file_kind, module_defines_method
from memlint.context import LintContext


def _kind_of_receiver(code: str) -> FileKind:
    module = cst.parse_module(textwrap.dedent(code))
    rule = LintContext(MetadataWrapper(module, unsafe_skip_copy=True), "probe.py", {})
    call = list(m.findall(module, m.Call(func=m.Attribute(attr=m.Name("readlines")))))[-1]
    return file_kind(rule, cst.ensure_type(cst.ensure_type(call, cst.Call).func, cst.Attribute).value, "readlines")


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("open(p).readlines()", FileKind.PROVEN),
        ("import io\nio.StringIO(s).readlines()", FileKind.PROVEN),
        ("from gzip import open as gopen\ngopen(p).readlines()", FileKind.PROVEN),
        ("with open(p) as f:\n    f.readlines()", FileKind.PROVEN),
        ("def g(p):\n    f = open(p)\n    h = f\n    h.readlines()", FileKind.PROVEN),
        ("import sys\nsys.stdin.readlines()", FileKind.STREAM),
        ("def g(f):\n    f.readlines()", FileKind.UNKNOWN),
        ("def g(obj):\n    obj.fp.readlines()", FileKind.UNKNOWN),
        ("from urllib.request import urlopen\nurlopen(u).readlines()", FileKind.UNKNOWN),
        ("class C:\n    def g(self):\n        self.readlines()", FileKind.NOT_FILE),
        ("class C(Base):\n    def g(self):\n        super().readlines()", FileKind.NOT_FILE),
        ("class Log:\n    pass\nLog().readlines()", FileKind.NOT_FILE),
        ("def make():\n    pass\nmake().readlines()", FileKind.NOT_FILE),
        ("class Log:\n    def readlines(self):\n        pass\ndef g(f):\n    f.readlines()", FileKind.NOT_FILE),
        ("def g(p):\n    f = open(p)\n    f = other(p)\n    f.readlines()", FileKind.UNKNOWN),
    ],
)
def test_file_kind(code, kind):
    assert _kind_of_receiver(code) is kind


def test_module_defines_method_is_per_class_method_only():
    module = cst.parse_module("def readlines():\n    pass\nclass C:\n    def read(self):\n        pass\n")
    rule = LintContext(MetadataWrapper(module, unsafe_skip_copy=True), "probe.py", {})
    assert module_defines_method(rule, "read")
    assert not module_defines_method(rule, "readlines")  # a module-level function is not a method
