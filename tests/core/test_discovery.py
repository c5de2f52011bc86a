"""Walking paths: *.py and *.pyi, exclude / extend-exclude, .gitignore, --force-exclude, loops."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from memlint.cli import main
from memlint.config import DEFAULT_EXCLUDE
from memlint.discovery import DiscoveryError, find_files

SUM = "total = sum([x * x for x in data])\n"


def touch(root, *names, text=SUM):
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def files(*paths, excludes=DEFAULT_EXCLUDE, root=".", **options):
    return find_files(list(paths), list(excludes), root, **options)


def linted(capsys, *args):
    """The files with findings (every test file holds one MEM101), via the CLI."""
    code = main(["--select", "MEM101", "--output-format", "concise", "--jobs", "1", *args])
    out, err = capsys.readouterr()
    found = sorted({line.split(":")[0] for line in out.splitlines() if " MEM101 " in line})
    # Nothing to lint at all: Ruff's warning, and no "All checks passed!".
    nothing = out == ""
    assert err == ("warning: No Python files found under the given path(s)\n" if nothing else "")
    assert code == (1 if found else 0)
    return found


def test_python_files_and_stubs_only(project):
    touch(project, "a.py", "b.pyi", "c.txt", "d.pyc", "e.py.bak", "f", "pkg/g.py", "pkg/h.pyw", "pkg/sub/i.pyi")
    assert files(".") == ["a.py", "b.pyi", "pkg/g.py", "pkg/sub/i.pyi"]


def test_default_excludes(project):
    touch(project, "a.py", ".venv/lib/v.py", "venv/v.py", "build/b.py", "dist/d.py", ".git/hooks/h.py",
          ".tox/t.py", "node_modules/n.py", "pkg/build/nested.py", "pkg/__pycache__/m.cpython-311.pyc",
          "pkg/m.py")
    assert files(".") == ["a.py", "pkg/m.py"]


def test_exclude_without_slash_matches_names_anywhere(project, capsys):
    touch(project, "a.py", "gen/x.py", "pkg/gen/y.py", "pkg/gen.py", "pkg/api_pb2.py", "pkg/m.py")
    assert files(".", excludes=("gen", "*_pb2.py")) == ["a.py", "pkg/gen.py", "pkg/m.py"]
    assert linted(capsys, "--extend-exclude", "gen,*_pb2.py", ".") == ["a.py", "pkg/gen.py", "pkg/m.py"]


def test_exclude_with_slash_matches_from_the_root(project, capsys):
    touch(project, "gen/x.py", "pkg/gen/y.py", "pkg/m.py", "pkg/legacy_old.py")
    assert files(".", excludes=("pkg/gen", "pkg/legacy_*.py"), root=str(project)) == ["gen/x.py", "pkg/m.py"]
    assert linted(capsys, "--extend-exclude", "pkg/gen/,pkg/legacy_*.py", ".") == ["gen/x.py", "pkg/m.py"]
    # Relative to the project root (the pyproject.toml's directory), not to the working directory.
    os.chdir(project / "pkg")
    assert linted(capsys, "--extend-exclude", "pkg/gen,pkg/legacy_*.py", ".") == ["m.py"]


def test_exclude_replaces_defaults_extend_exclude_does_not(project, capsys):
    touch(project, "build/b.py", "gen/g.py", "a.py")
    assert linted(capsys, "--exclude", "gen", ".") == ["a.py", "build/b.py"]
    assert linted(capsys, "--extend-exclude", "gen", ".") == ["a.py"]


def test_gitignore_inside_a_git_repository(project, capsys):
    (project / ".git").mkdir()
    (project / ".gitignore").write_text(
        "# comment\n"
        "ignored.py\n"
        "gen_*.py\n"
        "!gen_keep.py\n"
        "out/\n"
        "legacy.py/\n"
        "/rooted.py\n"
    )
    touch(project, "a.py", "ignored.py", "pkg/ignored.py", "gen_a.py", "gen_keep.py", "out/o.py", "pkg/out/o.py",
          "legacy.py", "rooted.py", "pkg/rooted.py")
    expected = ["a.py", "gen_keep.py", "legacy.py", "pkg/rooted.py"]
    assert files(".") == expected
    assert linted(capsys, ".") == expected
    assert linted(capsys, "--no-respect-gitignore", ".") == sorted(
        ["a.py", "ignored.py", "pkg/ignored.py", "gen_a.py", "gen_keep.py", "out/o.py", "pkg/out/o.py",
         "legacy.py", "rooted.py", "pkg/rooted.py"]
    )


def test_nested_gitignore_overrides_outer(project):
    (project / ".git").mkdir()
    (project / ".gitignore").write_text("*_gen.py\n")
    touch(project, "a_gen.py", "pkg/b_gen.py", "pkg/c.py", "other/d_gen.py")
    (project / "pkg" / ".gitignore").write_text("!b_gen.py\nc.py\n")
    assert files(".") == ["pkg/b_gen.py"]


def test_gitignore_outside_a_git_repository_is_not_read(project):
    # Like git and Ruff: without a repository, .gitignore means nothing.
    if any(os.path.exists(os.path.join(parent, ".git")) for parent in [str(project), *map(str, project.parents)]):
        pytest.skip("the temporary directory is inside a git repository")
    (project / ".gitignore").write_text("ignored.py\n")
    touch(project, "ignored.py")
    assert files(".") == ["ignored.py"]


def test_explicit_excluded_files_are_linted_unless_force_exclude(project, capsys):
    (project / ".git").mkdir()
    (project / ".gitignore").write_text("ignored.py\nignored_dir/\n")
    (project / "pyproject.toml").write_text('[tool.memlint]\nextend-exclude = ["skip_*.py"]\n')
    touch(project, "build/b.py", "ignored.py", "skip_me.py", "ignored_dir/x.py", "a.py")
    named = ["build/b.py", "ignored.py", "skip_me.py", "ignored_dir/x.py", "a.py"]
    assert linted(capsys, *named) == sorted(named)
    # pre-commit names every staged file: --force-exclude applies the excludes to them too.
    assert linted(capsys, "--force-exclude", *named) == ["a.py"]
    assert linted(capsys, "--force-exclude", "build") == []


def test_explicit_directory_inside_excluded_directory(project, capsys):
    touch(project, "build/lib/x.py")
    assert linted(capsys, "build/lib") == ["build/lib/x.py"]
    assert linted(capsys, "--force-exclude", "build/lib") == []


def test_explicit_directory_excluded_by_a_rooted_pattern(project, capsys):
    """`memlint docs/examples/` lints the examples even though the project excludes them."""
    (project / "pyproject.toml").write_text('[tool.memlint]\nextend-exclude = ["docs/examples"]\n')
    touch(project, "docs/examples/a.py", "docs/other.py")
    assert linted(capsys, ".") == ["docs/other.py"]
    assert linted(capsys, "docs/examples") == ["docs/examples/a.py"]
    assert linted(capsys, "--force-exclude", "docs/examples") == []


def test_duplicates_are_linted_once(project, capsys):
    touch(project, "a.py")
    assert files("a.py", "./a.py", ".") == ["a.py"]
    main(["--select", "MEM101", "--output-format", "concise", "a.py", "./a.py", "."])
    assert capsys.readouterr().out.count(" MEM101 ") == 1


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_symlink_loop_does_not_hang(project):
    touch(project, "pkg/a.py")
    os.symlink("..", project / "pkg" / "up")
    os.symlink(".", project / "pkg" / "self")
    os.symlink("missing.py", project / "pkg" / "dangling.py")
    done = subprocess.run(
        [sys.executable, "-m", "memlint", "--select", "MEM101", "--output-format", "concise", "pkg"],
        cwd=project, capture_output=True, timeout=60,
    )
    lines = done.stdout.decode().splitlines()
    assert done.stderr == b""
    assert lines[0].startswith("pkg/a.py:1:13: MEM101 ")
    # A dangling symlink is a file that cannot be read: one MEM000, the run goes on.
    assert lines[1] == "pkg/dangling.py:1:1: MEM000 cannot read file: No such file or directory"
    assert lines[2] == "Found 2 errors."
    assert done.returncode == 1


def test_directory_without_python_files(project, capsys):
    touch(project, "docs/readme.txt", "docs/conf.yaml")
    code = main(["--select", "MEM101", "docs"])
    # Ruff's warning and exit code: "All checks passed!" would claim a check that never ran.
    assert (code, *capsys.readouterr()) == (0, "", "warning: No Python files found under the given path(s)\n")


def test_missing_path_raises():
    with pytest.raises(DiscoveryError) as info:
        find_files(["surely/not/here.py"], [], ".")
    assert str(info.value) == "surely/not/here.py: no such file or directory"


@pytest.mark.parametrize(
    "pattern",
    [*DEFAULT_EXCLUDE, "build", "a\\b", "*.py", "test_?.py", "[!x]y", "[ab]", "gen/*.py", "name.with.dots", ""],
)
@pytest.mark.parametrize("name", ["build", "builds", "Build", "a\\b", "test_1.py", "zy", "a", "gen/x.py", "name.with.dots", ""])
def test_an_exclude_pattern_matches_as_fnmatchcase_does(pattern, name):
    """Patterns without wildcards are compared without fnmatch: the same answers."""
    import fnmatch

    from memlint.discovery import _matches

    assert _matches(name, pattern) == fnmatch.fnmatchcase(name, pattern)
