"""Files that cannot be linted give one MEM000 finding each, and the run goes on."""

from __future__ import annotations

import os
import stat
import sys

import pytest

from memlint.cli import main
import memlint.runner

SUM = "total = sum([x * x for x in data])\n"
FIXED = "total = sum(x * x for x in data)\n"
MESSAGE = "`sum()` of a list comprehension builds the whole list first; pass a generator expression"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text("[tool.memlint]\n")
    (tmp_path / "z_good.py").write_text(SUM)  # sorts last: linting must reach it
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys, *args):
    code = main(["--select", "MEM101", "--output-format", "concise", "--jobs", "1", *args])
    out, err = capsys.readouterr()
    return code, out, err


GOOD_LINE = f"z_good.py:1:13: MEM101 [*] {MESSAGE}"


def check_one_mem000(capsys, name, data, expected_line, *, exact=True):
    with open(name, "wb") as handle:
        handle.write(data)
    code, out, err = run(capsys, ".")
    assert (code, err) == (1, "")
    lines = out.splitlines()
    if exact:
        assert lines[0] == expected_line
    else:  # the compiler's wording and column vary between Python versions; the line does not
        assert lines[0].startswith(":".join(expected_line.split(":")[:2]) + ":")
        assert " MEM000 syntax error: " in lines[0]
    assert lines[1] == GOOD_LINE
    assert lines[2] == "Found 2 errors."
    return lines


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"x = 1\ny = (\n", "bad.py:2:5: MEM000 syntax error: '(' was never closed"),
        (b"x = 1\ny = = 2\n", "bad.py:2:5: MEM000 syntax error: invalid syntax"),
        (b"def f():\n    x = 1\n   y = 2\n", "bad.py:3:9: MEM000 syntax error: unindent does not match any outer indentation level"),
        (b"x = 1\nprint 'a'\n" + SUM.encode(), "bad.py:2:1: MEM000 syntax error: Missing parentheses in call to 'print'. Did you mean print(...)?"),
    ],
)
def test_syntax_error_names_the_line(project, capsys, data, expected):
    # Messages are Python's own (3.10+ wording); LibCST's are the fallback.
    check_one_mem000(capsys, "bad.py", data, expected, exact=sys.version_info >= (3, 10))


def test_libcst_message_is_the_fallback():
    """Where Python's compiler accepts what LibCST rejects, LibCST's position is used, 1-based."""
    import libcst as cst

    from memlint.parsing import _syntax_error

    with pytest.raises(cst.ParserSyntaxError) as info:
        cst.parse_module("x = 1\ny = = 2\n")
    error = _syntax_error("pass\n", info.value)  # text that compiles: forces the fallback
    assert (error.line, error.column) == (2, 7)
    assert error.reason.startswith("LibCST cannot parse this file, which Python accepts: expected one of ")


def test_syntax_error_does_not_print_compiler_warnings(project, capsys):
    # Python's compiler (used for the message) warns about "\d"; memlint must stay quiet.
    check_one_mem000(capsys, "bad.py", b'x = "\\d"\ny = = 2\n', "bad.py:2:5: MEM000 syntax error: invalid syntax")


def test_invalid_utf8(project, capsys):
    check_one_mem000(
        capsys, "bad.py", b"x = 1\ny = 2\nz = '\xff'\n", "bad.py:3:6: MEM000 file is not valid UTF-8: cannot decode byte 0xff"
    )


def test_invalid_in_declared_encoding(project, capsys):
    data = b"# -*- coding: ascii -*-\nx = 1\ny = '\xe9'\n"
    check_one_mem000(capsys, "bad.py", data, "bad.py:3:6: MEM000 file is not valid ascii: cannot decode byte 0xe9")


def test_unknown_encoding_declaration(project, capsys):
    check_one_mem000(
        capsys, "bad.py", b"# coding: klingon\nx = 1\n", "bad.py:1:1: MEM000 bad encoding declaration: unknown encoding: klingon"
    )


@pytest.mark.parametrize("cookie", [b"utf8", b"latin-1"])
def test_encoding_declaration_contradicting_the_bom(project, capsys, cookie):
    # CPython refuses these ("encoding problem: utf8 with BOM"), as the standard library's
    # test/tokenizedata/bad_coding2.py shows; tokenize's own message names neither the BOM nor the cookie.
    check_one_mem000(
        capsys, "bad.py", b"\xef\xbb\xbf# coding: " + cookie + b"\nx = 1\n",
        "bad.py:1:1: MEM000 bad encoding declaration: a file starting with a UTF-8 byte order mark may only declare utf-8",
    )


def test_nul_byte(project, capsys):
    check_one_mem000(capsys, "bad.py", b"x = 1\ny = 2\x00\n", "bad.py:2:6: MEM000 file contains a NUL byte")


def test_latin1_with_coding_cookie_decodes(project, capsys):
    (project / "lat.py").write_bytes(b"# -*- coding: latin-1 -*-\ns = 'caf\xe9'\n" + SUM.encode())
    code, out, _ = run(capsys, ".")
    assert code == 1
    assert out.splitlines()[:3] == [f"lat.py:3:13: MEM101 [*] {MESSAGE}", GOOD_LINE, "Found 2 errors."]


def test_bom_file(project, capsys):
    (project / "bom.py").write_bytes(b"\xef\xbb\xbf" + SUM.encode())
    code, out, _ = run(capsys, ".")
    assert code == 1
    assert out.splitlines()[:2] == [f"bom.py:1:13: MEM101 [*] {MESSAGE}", GOOD_LINE]


def test_empty_file(project, capsys):
    (project / "empty.py").write_bytes(b"")
    code, out, _ = run(capsys, "empty.py")
    assert (code, out) == (0, "All checks passed!\n")


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ("(" * 1000 + "1" + ")" * 1000, "syntax error: too many nested brackets (1000 levels; Python allows 200)"),
        ("[" * 1000 + "]" * 1000, "syntax error: too many nested brackets (1000 levels; Python allows 200)"),
        ("-" * 20000 + "1", "too deeply nested for Python's parser"),
        ("a." * 20000 + "b", "too deeply nested for Python's parser"),
        ("f" + "()" * 20000, "too deeply nested for Python's parser"),
    ],
    ids=["parens-1000", "lists-1000", "unary-20000", "attributes-20000", "calls-20000"],
)
def test_nesting_beyond_python_is_one_mem000(project, capsys, expression, reason):
    """LibCST's native parser crashes the process on these; CPython's refuses them: so do we."""
    if sys.version_info < (3, 10) and expression.startswith(("a.", "f(")):
        pytest.skip("CPython 3.9 accepts 20,000 chained attributes or calls (and LibCST parses them): nothing to refuse")
    (project / "deep.py").write_text(f"x = {expression}\n")
    code, out, err = run(capsys, ".")
    assert err == ""
    assert out.splitlines()[:3] == [f"deep.py:1:1: MEM000 {reason}", GOOD_LINE, "Found 2 errors."]
    assert code == 1


@pytest.mark.parametrize(
    "expression",
    ["[" * 150 + "]" * 150, "-" * 1500 + "1", " ".join(['"s"'] * 3000)],
    ids=["lists-150", "unary-1500", "concatenated-strings-3000"],
)
def test_deep_but_valid_code_is_linted(project, capsys, expression):
    """Python accepts these; past the default recursion limit memlint retries the file with a
    deeper stack (memlint.deep) instead of giving up."""
    (project / "deep.py").write_text(f"x = {expression}\ntotal = sum([y for y in data])\n")
    code, out, err = run(capsys, "deep.py")
    assert err == ""
    assert out.splitlines()[0] == f"deep.py:2:13: MEM101 [*] {MESSAGE}"
    assert code == 1


def test_valid_python_that_libcst_cannot_parse_says_so(project, capsys):
    (project / "long.py").write_text("x = " + " ".join(['"s"'] * 5000) + "\ny = sum([i for i in x])\n")
    code, out, _ = run(capsys, "long.py")
    # The tail is LibCST's own wording, which varies between its versions.
    assert out.splitlines()[0].startswith("long.py:2:1: MEM000 LibCST cannot parse this file, which Python accepts: ")
    assert code == 1


def test_valid_python_that_libcst_cannot_parse_is_clean_when_no_rule_can_fire(project, capsys):
    # No selected rule's trigger words occur in it (prefilter.py), so LibCST is never asked:
    # CPython accepts the file, there is nothing to report.
    (project / "long.py").write_text("x = " + " ".join(['"s"'] * 5000) + "\ny = 1\n")
    code, out, _ = run(capsys, "long.py")
    assert (code, out) == (0, "All checks passed!\n")


@pytest.mark.skipif(IS_ROOT, reason="root can read a file with mode 000")
def test_unreadable_file(project, capsys):
    path = project / "secret.py"
    path.write_text(SUM)
    path.chmod(0)
    try:
        code, out, _ = run(capsys, ".")
    finally:
        path.chmod(0o644)
    assert code == 1
    assert out.splitlines()[:3] == [
        "secret.py:1:1: MEM000 cannot read file: Permission denied", GOOD_LINE, "Found 2 errors."
    ]


def test_failed_read(project, capsys, monkeypatch):
    """The same, simulated so that it also runs as root."""
    import memlint.filesystem

    real_open = os.open

    def refuse(path, *args, **kwargs):
        if str(path).endswith("secret.py"):
            raise PermissionError(13, "Permission denied", path)
        return real_open(path, *args, **kwargs)

    # filesystem.read_source is where every file to lint is read (the cache's lookups too).
    monkeypatch.setattr(memlint.filesystem.os, "open", refuse)
    (project / "secret.py").write_text(SUM)
    code, out, _ = run(capsys, ".")
    assert code == 1
    assert out.splitlines()[:3] == [
        "secret.py:1:1: MEM000 cannot read file: Permission denied", GOOD_LINE, "Found 2 errors."
    ]


@pytest.mark.skipif(IS_ROOT, reason="root can write a read-only file")
def test_read_only_file_under_fix(project, capsys):
    path = project / "ro.py"
    path.write_text(SUM)
    path.chmod(0o444)
    try:
        code, out, err = run(capsys, "--fix", "ro.py")
    finally:
        path.chmod(0o644)
    assert code == 2
    assert out.splitlines() == [f"ro.py:1:13: MEM101 [*] {MESSAGE}", "Found 1 error.", "[*] 1 fixable with the `--fix` option."]
    assert err == "memlint: error: ro.py: cannot write fixes: permission denied (file left unchanged)\n"
    assert path.read_text() == SUM


def test_failed_write_under_fix(project, capsys, monkeypatch):
    """Whatever stops the write (here, simulated: root ignores permissions), the file is
    untouched, no temporary file is left, its real findings are shown and the exit code is 2."""

    def refuse(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(memlint.runner.os, "replace", refuse)
    path = project / "ro.py"
    path.write_text(SUM)
    code, out, err = run(capsys, "--fix", "ro.py", "z_good.py")
    assert code == 2
    assert out.splitlines() == [
        f"ro.py:1:13: MEM101 [*] {MESSAGE}",
        f"z_good.py:1:13: MEM101 [*] {MESSAGE}",
        "Found 2 errors.",
        "[*] 2 fixable with the `--fix` option.",
    ]
    assert err.splitlines() == [
        "memlint: error: ro.py: cannot write fixes: permission denied (file left unchanged)",
        "memlint: error: z_good.py: cannot write fixes: permission denied (file left unchanged)",
    ]
    assert path.read_text() == SUM
    assert sorted(p.name for p in project.iterdir()) == ["pyproject.toml", "ro.py", "z_good.py"]


def test_crlf_file_keeps_crlf(project, capsys):
    path = project / "crlf.py"
    path.write_bytes(b"import os\r\n" + SUM.replace("\n", "\r\n").encode())
    code, out, _ = run(capsys, "--fix", "crlf.py")
    assert (code, out) == (0, "Found 1 error (1 fixed, 0 remaining).\n")
    assert path.read_bytes() == b"import os\r\n" + FIXED.replace("\n", "\r\n").encode()


def test_latin1_file_keeps_its_encoding(project, capsys):
    path = project / "lat.py"
    path.write_bytes(b"# -*- coding: latin-1 -*-\ns = 'caf\xe9'\n" + SUM.encode())
    assert run(capsys, "--fix", "lat.py")[:2] == (0, "Found 1 error (1 fixed, 0 remaining).\n")
    assert path.read_bytes() == b"# -*- coding: latin-1 -*-\ns = 'caf\xe9'\n" + FIXED.encode()


def test_bom_file_keeps_its_bom(project, capsys):
    path = project / "bom.py"
    path.write_bytes(b"\xef\xbb\xbf" + SUM.encode())
    assert run(capsys, "--fix", "bom.py")[:2] == (0, "Found 1 error (1 fixed, 0 remaining).\n")
    assert path.read_bytes() == b"\xef\xbb\xbf" + FIXED.encode()


def test_fix_keeps_file_mode(project, capsys):
    path = project / "script.py"
    path.write_text("#!/usr/bin/env python\n" + SUM)
    path.chmod(0o751)
    assert run(capsys, "--fix", "script.py")[0] == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o751
    assert path.read_text() == "#!/usr/bin/env python\n" + FIXED


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_fix_never_writes_through_a_symlink(project, capsys):
    """A link named on the command line is linted, but --fix says it does not write through it
    (its target may be anywhere: issue 17); the link and its target are left alone."""
    (project / "real.py").write_text(SUM)
    os.symlink("real.py", project / "link.py")
    code, out, err = run(capsys, "--fix", "link.py")
    assert code == 2
    assert out.splitlines()[0] == f"link.py:1:13: MEM101 [*] {MESSAGE}"
    assert err == (
        "memlint: error: link.py: cannot write fixes: it is a symbolic link (to real.py) and memlint "
        "does not write through links; fix real.py itself (file left unchanged)\n"
    )
    assert os.path.islink(project / "link.py")
    assert (project / "real.py").read_text() == SUM
