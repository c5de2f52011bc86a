"""memlint: a linter for memory antipatterns in Python code, with fixes."""

__version__ = "0.1.0"

# Where each rule's documentation lives; `url` in JSON and SARIF output points here.
DOCS_URL = "https://github.com/memlint/memlint/blob/main/docs/rules/{code}.md"
