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
| `syntax error: a decimal integer literal of N digits (Python's limit is 4,300)` | an integer literal longer than Python accepts |
| `file is not valid UTF-8: cannot decode byte 0x..` | bytes that are not valid in the declared encoding (PEP 263; UTF-8 by default), with or without a declaration |
| `bad encoding declaration: …` | a coding cookie naming an unknown encoding, or one other than utf-8 after a UTF-8 byte order mark |
| `file is UTF-16 encoded (…); Python source must be UTF-8 or …` | a UTF-16 or UTF-32 file (by its byte order mark, or every other byte NUL) |
| `file contains a NUL byte` | a binary file with a `.py` name |
| `file is too large to lint (N bytes; the limit is 16,777,216)` | a generated file over 16 MiB (checked before it is read) |
| `too large to analyse: more than 300,000 tokens (…)` | a file too big to parse in bounded memory (about 30,000 lines of code); a module of pure data (literal assignments only) that large is not parsed and not reported: no rule can fire in it |
| `not a regular file (a named pipe): only regular files are linted` | a FIFO, device or socket named on the command line (walking skips them) |
| `too deeply nested to parse (recursion limit)` / `… to analyse …` | nesting that even a retry with a deeper stack cannot follow |
| `cannot read file: …` | permission denied, a symbolic link loop, or another operating-system error |
| `not a valid notebook: invalid JSON: …` | a `.ipynb` file that is not JSON (the position of the JSON error) |
| `not a valid notebook: nbformat N is not supported …` | a notebook older than nbformat 4 (convert it with `jupyter nbconvert --to notebook --nbformat 4`) |
| `not a valid notebook: …` | JSON that is not shaped like a notebook (no `cells` list, a cell without `cell_type` or `source`) |

In a notebook, a syntax error in a code cell is reported once for the notebook, placed in its
cell (`analysis.ipynb:cell 3:1:5: MEM000 syntax error: …`); see [notebooks](../notebooks.md).

Under flake8 the same cases are reported with the same message. A file whose syntax Python
itself rejects is reported by flake8 as E999 before the plugin runs.
"""
