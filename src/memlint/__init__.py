"""memlint: a linter for memory antipatterns in Python code, with fixes."""

from typing import Optional

__version__ = "0.1.0"

# The repository has no public URL yet. When it has one, set it here and in `[project.urls]` of
# pyproject.toml (a test keeps the two in step): JSON `url` and SARIF `helpUri` then point at the
# rule pages. Until then they are absent (`null` in JSON), and SARIF `help` carries each rule's
# documentation itself; `memlint rule CODE` prints it from the installed package.
REPOSITORY_URL: Optional[str] = None


def rule_url(code: str) -> Optional[str]:
    """The public page of a rule's documentation, or None while there is no public repository."""
    if REPOSITORY_URL is None:
        return None
    return f"{REPOSITORY_URL}/blob/main/docs/rules/{code}.md"
