"""MEM000, the diagnostic for a file memlint cannot lint: its documentation, shipped in the
package (`memlint rule MEM000`, SARIF's `help`) and written to docs/rules/MEM000.md by
`python -m memlint.rule_docs docs/rules`."""

PAGE = """# MEM000 `unparsable-file`

Not a rule: the one diagnostic memlint gives for a file it cannot lint. No prefix selects or
ignores it and no comment silences it (not `# noqa`, not `# memlint: noqa`: a file that does not
parse has not been checked); only `ignore` or a `per-file-ignores` entry naming exactly `MEM000`
hides it. It makes the exit code 1. Linting goes on with the other files.

The message says why, and the location points at the problem when it is known:

| message | cause |
| --- | --- |
| `syntax error: …` | the file is not valid Python (Python's own message and position where it has one) |
| `LibCST cannot parse this file, which Python accepts: …` | a LibCST limitation, e.g. more than ~3,500 implicitly concatenated strings |
| `syntax error: too many nested brackets (N levels; Python allows 200)` | brackets nested deeper than Python accepts |
| `too deeply nested for Python's parser` | an expression nested deeper than Python accepts (about 3,000 levels) |
| `file is not valid UTF-8: cannot decode byte 0x..` | bytes that are not valid in the declared encoding (PEP 263; UTF-8 by default) |
| `bad encoding declaration: …` | a coding cookie naming an unknown encoding |
| `file contains a NUL byte` | a binary file with a `.py` name |
| `file is too large to lint (N bytes; the limit is 16,777,216)` | a generated file over 16 MiB |
| `too deeply nested to parse (recursion limit)` / `… to analyse …` | nesting that even a retry with a deeper stack cannot follow |
| `cannot read file: …` | permission denied or another operating-system error |

Under flake8 the same cases are reported with the same message. A file whose syntax Python
itself rejects is reported by flake8 as E999 before the plugin runs.
"""
