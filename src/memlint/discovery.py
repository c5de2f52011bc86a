"""Paths to files: walk directories for *.py / *.pyi / *.ipynb, honouring exclude and .gitignore.

Symlinked directories are not followed (no loops), nor symlinked files whose target is outside
the walked directory; explicitly named files are always linted unless `force_exclude` is on
(pre-commit names every staged file explicitly).
"""

from __future__ import annotations

import fnmatch
import os
import re
import stat
from dataclasses import dataclass
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

from memlint.selection import relative_posix

PYTHON_SUFFIXES = (".py", ".pyi", ".ipynb")  # notebooks too, as Ruff (`extend-exclude = ["*.ipynb"]` drops them)


class DiscoveryError(Exception):
    pass


@dataclass(frozen=True)
class _IgnoreRule:
    regex: "re.Pattern[str]"
    negate: bool
    dir_only: bool


class GitIgnore:
    """Enough of gitignore(5) for linting: `!`, leading and inner `/`, trailing `/`, `*`, `?`, `**`, `[...]`."""

    def __init__(self) -> None:
        self._rules: Dict[str, Tuple[_IgnoreRule, ...]] = {}  # directory -> its .gitignore rules
        self._roots: Dict[str, Optional[str]] = {}

    def ignored(self, path: str, is_dir: bool) -> bool:
        directory = os.path.dirname(path)
        root = self._git_root(directory)
        if root is None:
            return False
        verdict = False
        # Outer .gitignore files first; deeper ones override.
        chain: List[str] = []
        current = directory
        while True:
            chain.append(current)
            if current == root:
                break
            parent = os.path.dirname(current)
            if parent == current:
                break
            current = parent
        for base in reversed(chain):
            relative = os.path.relpath(path, base).replace(os.sep, "/")
            for rule in self._load(base):
                if rule.dir_only and not is_dir:
                    continue
                if rule.regex.match(relative):
                    verdict = not rule.negate
        return verdict

    def ignored_or_inside_ignored(self, path: str) -> bool:
        """For an explicitly named file: it, or a directory it is in, is ignored."""
        if self.ignored(path, False):
            return True
        root = self._git_root(os.path.dirname(path))
        current = os.path.dirname(path)
        while root is not None and current != root and len(current) > len(root):
            if self.ignored(current, True):
                return True
            current = os.path.dirname(current)
        return False

    def _git_root(self, directory: str) -> Optional[str]:
        if directory not in self._roots:
            if os.path.exists(os.path.join(directory, ".git")):
                self._roots[directory] = directory
            else:
                parent = os.path.dirname(directory)
                self._roots[directory] = None if parent == directory else self._git_root(parent)
        return self._roots[directory]

    def _load(self, directory: str) -> Tuple[_IgnoreRule, ...]:
        rules = self._rules.get(directory)
        if rules is None:
            rules = tuple(_read_gitignore(os.path.join(directory, ".gitignore")))
            self._rules[directory] = rules
        return rules


def _read_gitignore(path: str) -> Iterator[_IgnoreRule]:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return
    for raw in lines:
        line = raw.rstrip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        if negate:
            line = line[1:]
        dir_only = line.endswith("/")
        line = line.rstrip("/")
        anchored = "/" in line
        line = line.lstrip("/")
        if not line:
            continue
        body = _glob_to_regex(line)
        prefix = "" if anchored else "(?:.*/)?"
        # No "and everything below" suffix: walking prunes an ignored directory, and an
        # explicitly named directory is linted even when an outer .gitignore ignores it.
        yield _IgnoreRule(re.compile(f"^{prefix}{body}$"), negate, dir_only)


def _glob_to_regex(pattern: str) -> str:
    out = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = pattern.find("]", i + 1)
            if end < 0:
                out.append(re.escape(char))
            else:
                body = pattern[i + 1 : end].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = end
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out)


def is_excluded(path: str, patterns: Sequence[str], root: str) -> bool:
    """Ruff's rules: a pattern without `/` matches a file or directory name anywhere; one with
    `/` matches the path relative to the project root."""
    relative = relative_posix(path, root)
    name = os.path.basename(path.rstrip(os.sep)) or path
    for pattern in patterns:
        if "/" in pattern:
            # The path itself, not what is below it: walking prunes an excluded directory, and a
            # directory named on the command line is linted (like Ruff) unless --force-exclude.
            if _matches(relative, pattern.strip("/")):
                return True
        elif _matches(name, pattern):
            return True
    return False


def _matches(text: str, pattern: str) -> bool:
    """`fnmatch.fnmatchcase`; a pattern without wildcards (every default exclude) is compared
    as it is, without compiling it into a regular expression (2 ms of a one-file run)."""
    if "*" in pattern or "?" in pattern or "[" in pattern:
        return fnmatch.fnmatchcase(text, pattern)
    return text == pattern


def _excluded_anywhere(path: str, patterns: Sequence[str], root: str) -> bool:
    """For explicitly named files under --force-exclude: the file or any parent below the root."""
    absolute = os.path.abspath(path)
    root_abs = os.path.abspath(root)
    current = absolute
    while True:
        if is_excluded(current, patterns, root):
            return True
        parent = os.path.dirname(current)
        if parent == current or current == root_abs:
            return False
        current = parent


def find_files(
    paths: Sequence[str],
    excludes: Sequence[str],
    root: str,
    *,
    respect_gitignore: bool = True,
    force_exclude: bool = False,
) -> List[str]:
    """The files to lint, sorted and without duplicates. A missing path raises DiscoveryError."""
    for path in paths:
        if not os.path.lexists(path):
            raise DiscoveryError(f"{path}: no such file or directory")
    gitignore = GitIgnore() if respect_gitignore else None
    found: Dict[str, None] = {}
    for path in paths:
        if os.path.isdir(path):
            if force_exclude and _excluded_anywhere(path, excludes, root):
                continue
            for file in _walk(path, excludes, root, gitignore):
                found.setdefault(file, None)
        else:
            if force_exclude and (
                _excluded_anywhere(path, excludes, root)
                or (gitignore is not None and gitignore.ignored_or_inside_ignored(os.path.abspath(path)))
            ):
                continue
            found.setdefault(os.path.normpath(path), None)
    return sorted(found)


def _special(path: str) -> bool:
    """A named pipe, socket or device: reading one could block forever. (A dangling symlink is
    kept: it is reported as a file that cannot be read.)"""
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def _escapes(path: str, tree: str) -> bool:
    """A symbolic link whose target lies outside `tree` (the real path of the walked directory):
    walking does not follow it (`repo/creds.py -> ~/.git-credentials` would be read and echoed
    in a syntax error). A link inside the tree is linted like the file it points to."""
    if not os.path.islink(path):
        return False
    target = os.path.realpath(path)
    try:
        return os.path.commonpath([target, tree]) != tree
    except ValueError:  # another drive (Windows)
        return True


def _walk(top: str, excludes: Sequence[str], root: str, gitignore: Optional[GitIgnore]) -> Iterator[str]:
    tree = os.path.realpath(top)
    for directory, dirnames, filenames in os.walk(top):
        absolute_dir = os.path.abspath(directory)
        kept = []
        for name in sorted(dirnames):
            full = os.path.join(absolute_dir, name)
            if os.path.islink(full) or is_excluded(full, excludes, root):
                continue
            if gitignore is not None and gitignore.ignored(full, True):
                continue
            kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            if not name.endswith(PYTHON_SUFFIXES):
                continue
            full = os.path.join(absolute_dir, name)
            if is_excluded(full, excludes, root) or _special(full) or _escapes(full, tree):
                continue
            if gitignore is not None and gitignore.ignored(full, False):
                continue
            yield os.path.normpath(os.path.join(directory, name))
