"""Configuration: `[tool.memlint]` of the nearest pyproject.toml, validated, with the CLI on top.

Every problem is a `ConfigError` whose message names the file and the key; the CLI prints it on
one line and exits 2. Nothing here prints.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from memlint.findings import CODE_RE
from memlint.rule_index import RuleInfo
from memlint.selection import (
    FixPolicy,
    FixSelectors,
    Selection,
    SelectionLayer,
    SelectorError,
    enabled_codes,
    known_rules,
    normalize_selector,
    parse_errors_enabled,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python < 3.11 only
    import tomli as tomllib

OUTPUT_FORMATS = ("full", "concise", "json", "json-lines", "sarif", "github", "gitlab", "junit", "pylint")
CACHE_DIR_NAME = ".memlint_cache"

# Ruff's default exclusions, plus our own cache directory.
DEFAULT_EXCLUDE: Tuple[str, ...] = (
    ".bzr", ".direnv", ".eggs", ".git", ".git-rewrite", ".hg", ".ipynb_checkpoints", ".memlint_cache",
    ".mypy_cache", ".nox", ".pants.d", ".pyenv", ".pytest_cache", ".pytype", ".ruff_cache", ".svn",
    ".tox", ".venv", ".vscode", "__pypackages__", "_build", "buck-out", "build", "dist",
    "node_modules", "site-packages", "venv",
)

# key -> (kind, description); kinds: "codes", "globs", "bool", "format", "per-file", "dir", "bytes", "version"
SETTINGS: Mapping[str, Tuple[str, str]] = {
    "select": ("codes", "rule codes or prefixes to enable (replaces the default, `MEM`)"),
    "extend-select": ("codes", "rule codes or prefixes to enable on top of `select`"),
    "ignore": ("codes", "rule codes or prefixes to disable"),
    "extend-ignore": ("codes", "rule codes or prefixes to disable on top of `ignore` (as Ruff's)"),
    "preview": ("bool", "enable preview rules selected by prefix"),
    "exclude": ("globs", "file patterns to skip (replaces the defaults)"),
    "extend-exclude": ("globs", "file patterns to skip on top of `exclude`"),
    "per-file-ignores": ("per-file", "glob -> codes to disable in matching files"),
    "unsafe-fixes": ("bool", "apply unsafe fixes with --fix"),
    "output-format": ("format", "one of " + ", ".join(OUTPUT_FORMATS)),
    "respect-gitignore": ("bool", "skip files ignored by .gitignore when walking directories"),
    "min-bytes": ("bytes", "hide findings whose estimated bytes at stake are known and below this"),
    "cache-dir": ("dir", f"where results of unchanged files are kept (default: {CACHE_DIR_NAME} beside pyproject.toml)"),
    "profile": ("paths", "memory profiles (tracemalloc, memray, Scalene) whose measured bytes rank the findings"),
    "target-version": ("version", "the oldest Python the code supports, as \"py39\" (default: from `[project] requires-python`)"),
    # Fixes, as Ruff's settings of the same names.
    "fixable": ("codes", "rules whose fixes may be applied (default: ALL)"),
    "extend-fixable": ("codes", "rules whose fixes may be applied, on top of `fixable`"),
    "unfixable": ("codes", "rules whose fixes are never offered nor applied"),
    "extend-safe-fixes": ("codes", "rules whose unsafe fixes count as safe"),
    "extend-unsafe-fixes": ("codes", "rules whose safe fixes count as unsafe"),
    # Living next to Ruff (docs/ruff.md).
    "ruff-compat": ("bool", "a `# noqa` for the equivalent Ruff/flake8 code (C419, B006...) silences memlint too"),
}

# `target-version = "py310"`, as in Ruff.
TARGET_VERSION_RE = re.compile(r"^py3(?P<minor>[0-9]{1,2})$")
# One clause of a `requires-python` specifier (PEP 440), or of Poetry's `python = "^3.9"`.
PYTHON_CLAUSE_RE = re.compile(r"^(?P<op>>=|>|==|~=|\^|~|===)?\s*(?P<major>[23])\.(?P<minor>[0-9]{1,2})(?:\.[0-9*]+)*$")
OLDEST_MINOR = 7  # a floor below 3.7 (Python 2 included) reads as "py37", as in Ruff

# `--min-bytes 1MB`: decimal units are powers of 1000, binary ones (KiB, MiB...) of 1024.
SIZE_RE = re.compile(r"^\s*(?P<number>[0-9]+(?:\.[0-9]+)?|\.[0-9]+)\s*(?P<unit>[a-z]*)\s*$", re.IGNORECASE)
SIZE_UNITS: Mapping[str, int] = {
    "": 1, "b": 1,
    "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12,
    "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40,
}
SIZE_EXAMPLES = "such as 1000000, 500kB, 1MB, 1MiB or 2GB"


class ConfigError(Exception):
    pass


CLI = "command line"


@dataclass(frozen=True)
class Config:
    layers: Tuple[SelectionLayer, ...] = ()
    preview: bool = False
    exclude: Tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: Tuple[str, ...] = ()
    per_file_ignores: Tuple[Tuple[str, Tuple[str, ...]], ...] = ()
    rule_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    unsafe_fixes: bool = False
    output_format: str = "full"
    respect_gitignore: bool = True
    min_bytes: int = 0  # findings with a known estimate below this are hidden
    root: str = "."
    path: Optional[str] = None  # the pyproject.toml read, if any
    cache_dir: Optional[str] = None  # absolute; None: `.memlint_cache` in `root`
    profiles: Tuple[str, ...] = ()  # absolute paths of memory profiles (--profile, `profile`)
    target_version: Optional[str] = None  # "py39": `target-version`, else from `requires-python`
    fix_selectors: FixSelectors = FixSelectors()
    ruff_compat: bool = False  # `# noqa: C419` silences MEM101 too (suppression.RUFF_EQUIVALENTS)

    @cached_property
    def selection(self) -> Selection:
        return Selection(
            enabled_codes(self.layers, self.preview),
            self.per_file_ignores,
            self.root,
            parse_errors=parse_errors_enabled(self.layers),
        )

    @cached_property
    def fix_policy(self) -> FixPolicy:
        return FixPolicy(self.fix_selectors)

    @property
    def all_excludes(self) -> Tuple[str, ...]:
        return self.exclude + self.extend_exclude

    @property
    def cache_directory(self) -> str:
        return self.cache_dir or os.path.join(os.path.abspath(self.root), CACHE_DIR_NAME)


# pyproject.toml files already parsed, by path, while one configuration is loaded: load_config
# would otherwise parse the same file up to three times (finding it, its settings, its
# requires-python), a few milliseconds of every one-file run for a long pyproject.toml.
Parsed = Dict[str, Dict[str, Any]]


def find_pyproject(start: Path, *, parsed: Optional[Parsed] = None) -> Optional[Path]:
    """The nearest pyproject.toml with a [tool.memlint] table, from `start` upward."""
    directory = Path(os.path.realpath(start))  # not Path.resolve(): it raises on a symlink loop
    if not directory.is_dir():
        directory = directory.parent
    for candidate_dir in (directory, *directory.parents):
        candidate = candidate_dir / "pyproject.toml"
        if candidate.is_file():
            try:
                data = _read_toml(candidate, parsed)
            except ConfigError:
                return candidate  # let load() report it: a broken file we would have read
            tool = data.get("tool")
            if isinstance(tool, dict) and "memlint" in tool:
                return candidate
    return None


def _read_toml(path: Path, parsed: Optional[Parsed] = None) -> Dict[str, Any]:
    """The file's content (found in `parsed` when that holds it; not to be modified)."""
    if parsed is not None and str(path) in parsed:
        return parsed[str(path)]
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
        if parsed is not None:
            parsed[str(path)] = data
        return data
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except UnicodeDecodeError as exc:  # tomllib decodes the bytes itself and lets this escape
        raise ConfigError(f"{path}: invalid TOML: not valid UTF-8 (byte 0x{exc.object[exc.start]:02x} at offset {exc.start})") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None


def read_settings(path: Path, *, parsed: Optional[Parsed] = None) -> Dict[str, Any]:
    """The raw [tool.memlint] table of a pyproject.toml (empty when absent)."""
    tool = _read_toml(path, parsed).get("tool", {})
    table = tool.get("memlint", {}) if isinstance(tool, dict) else {}
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.memlint] must be a table")
    return table


def build_config(
    file_settings: Mapping[str, Any],
    cli_settings: Mapping[str, Any],
    *,
    root: str,
    path: Optional[str] = None,
    requires_python: Optional[str] = None,
) -> Config:
    """Validate both sources and combine them; the command line wins. `requires_python` (the
    project's `[project] requires-python`) gives `target-version` when neither source sets it."""
    where = f"{path}: [tool.memlint]" if path else "[tool.memlint]"
    file_values, rule_options = _validate(file_settings, where, allow_rule_tables=True)
    cli_values, _ = _validate(cli_settings, CLI, allow_rule_tables=False)

    def pick(key: str, default: Any) -> Any:
        if key in cli_values:
            return cli_values[key]
        return file_values.get(key, default)

    layers = []
    for values in (file_values, cli_values):
        if any(key in values for key in ("select", "extend-select", "ignore", "extend-ignore")):
            layers.append(
                SelectionLayer(
                    select=values.get("select"),
                    extend_select=values.get("extend-select", ()),
                    ignore=tuple(values.get("ignore", ())) + tuple(values.get("extend-ignore", ())),
                )
            )
    cache_dir = pick("cache-dir", None)
    if cache_dir is not None:  # relative to the pyproject.toml (the command line passes it absolute)
        cache_dir = os.path.abspath(os.path.join(root, os.path.expanduser(cache_dir)))
        if "cache-dir" not in cli_values:
            check_project_cache_dir(cache_dir, file_values["cache-dir"], root, where)
    profiles = cli_values.get("profile") or tuple(  # relative to the pyproject.toml, like cache-dir
        os.path.abspath(os.path.join(root, os.path.expanduser(item))) for item in file_values.get("profile", ())
    )
    per_file = dict(file_values.get("per-file-ignores", ()))
    per_file.update(dict(cli_values.get("per-file-ignores", ())))
    target_version = pick("target-version", None)
    if target_version is None and requires_python is not None:
        target_version = target_version_of(requires_python)
    return Config(
        layers=tuple(layers),
        preview=pick("preview", False),
        exclude=pick("exclude", DEFAULT_EXCLUDE),
        extend_exclude=tuple(file_values.get("extend-exclude", ())) + tuple(cli_values.get("extend-exclude", ())),
        per_file_ignores=tuple(per_file.items()),
        rule_options=_with_target_version(rule_options, target_version),
        unsafe_fixes=pick("unsafe-fixes", False),
        output_format=pick("output-format", "full"),
        respect_gitignore=pick("respect-gitignore", True),
        min_bytes=pick("min-bytes", 0),
        root=root,
        path=path,
        cache_dir=cache_dir,
        profiles=tuple(profiles),
        target_version=target_version,
        fix_selectors=FixSelectors(
            fixable=pick("fixable", ("ALL",)),
            extend_fixable=tuple(file_values.get("extend-fixable", ())) + tuple(cli_values.get("extend-fixable", ())),
            unfixable=tuple(file_values.get("unfixable", ())) + tuple(cli_values.get("unfixable", ())),
            extend_safe_fixes=tuple(file_values.get("extend-safe-fixes", ())),
            extend_unsafe_fixes=tuple(file_values.get("extend-unsafe-fixes", ())),
        ),
        ruff_compat=pick("ruff-compat", False),
    )


def user_cache_home() -> str:
    """`$XDG_CACHE_HOME`, or `~/.cache` (the XDG default)."""
    return os.path.abspath(os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"))


def check_project_cache_dir(cache_dir: str, written: str, root: str, where: str) -> None:
    """A linted repository's own `cache-dir` stays inside that repository or the user's cache
    directory (symbolic links resolved): a repository must not make memlint write elsewhere
    (`"~"`, `".."`, `"/etc"`). The user's `--cache-dir` and MEMLINT_CACHE_DIR are not limited."""
    real = os.path.realpath(cache_dir)
    project, user_cache = os.path.realpath(root), os.path.realpath(user_cache_home())
    if _inside(real, project) or (real != user_cache and _inside(real, user_cache)):
        return
    raise ConfigError(
        f"{where}: 'cache-dir' {written!r} is outside the project ({root}) and the user's cache "
        f"directory ({user_cache_home()}); a project's settings cannot move the cache there "
        "(--cache-dir or MEMLINT_CACHE_DIR can)"
    )


def _inside(path: str, directory: str) -> bool:
    try:
        return os.path.commonpath([path, directory]) == directory
    except ValueError:  # different drives (Windows)
        return False


def load_config(targets: Sequence[str], config_path: Optional[str], cli_settings: Mapping[str, Any]) -> Config:
    """Find (or take) the pyproject.toml for these targets and build the config."""
    parsed: Parsed = {}
    if config_path is not None:
        path: Optional[Path] = Path(config_path)
        if not path.is_file():
            raise ConfigError(f"{config_path}: config file not found")
    else:
        path = find_pyproject(_common_start(targets), parsed=parsed)
    if path is None:
        requires_python = nearest_requires_python(_common_start(targets), parsed=parsed)
        return build_config({}, cli_settings, root=os.getcwd(), requires_python=requires_python)
    return build_config(
        read_settings(path, parsed=parsed), cli_settings, root=str(path.resolve().parent), path=str(path),
        requires_python=project_requires_python(path, parsed=parsed),
    )


# -- target-version ---------------------------------------------------------------------------
def nearest_requires_python(start: Path, *, parsed: Optional[Parsed] = None) -> Optional[str]:
    """The `requires-python` of the nearest project around `start`, when no pyproject.toml has a
    [tool.memlint] table (as in Ruff): the nearest directory holding a pyproject.toml, or the
    metadata of a package as shipped (an sdist's `PKG-INFO`, a wheel's `*.dist-info/METADATA`)."""
    directory = start.resolve()
    if not directory.is_dir():
        directory = directory.parent
    for candidate_dir in (directory, *directory.parents):
        pyproject = candidate_dir / "pyproject.toml"
        metadata = [path for path in (candidate_dir / "PKG-INFO", *sorted(candidate_dir.glob("*.dist-info/METADATA"))) if path.is_file()]
        if not pyproject.is_file() and not metadata:
            continue
        found = project_requires_python(pyproject, parsed=parsed) if pyproject.is_file() else None
        for path in metadata:
            found = found or metadata_requires_python(path)
        return found  # the project's root: its metadata, or nothing stated
    return None


def metadata_requires_python(path: Path) -> Optional[str]:
    """The `Requires-Python:` header of core metadata (PKG-INFO, METADATA); None when absent."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if not line.strip():
                    break  # the headers end at the first blank line
                key, _, value = line.partition(":")
                if key.strip().lower() == "requires-python":
                    return value.strip()
    except OSError:
        return None
    return None


def project_requires_python(path: Path, *, parsed: Optional[Parsed] = None) -> Optional[str]:
    """`[project] requires-python`, else Poetry's `[tool.poetry.dependencies] python`; None when
    absent or when the file cannot be read (a file without [tool.memlint] is not ours to judge)."""
    try:
        data = _read_toml(path, parsed)
    except ConfigError:
        return None
    project = data.get("project")
    if isinstance(project, dict) and isinstance(project.get("requires-python"), str):
        return str(project["requires-python"])
    tool = data.get("tool")
    poetry = tool.get("poetry") if isinstance(tool, dict) else None
    dependencies = poetry.get("dependencies") if isinstance(poetry, dict) else None
    python = dependencies.get("python") if isinstance(dependencies, dict) else None
    return python if isinstance(python, str) else None


def target_version_of(requires_python: str) -> Optional[str]:
    """The oldest Python version a specifier allows, as "py39": `>=3.9`, `~=3.9`, `>=3.9,<4`,
    `==3.11.*`, `^3.9` (Poetry) -> the highest lower bound, "py37" at the least; None when it
    states none (`<4`, `*`) or cannot be read."""
    if "|" in requires_python:
        return None  # Poetry's alternatives (`^3.8 || ^3.10`): no single lower bound
    lowest: Optional[int] = None
    for clause in (part.strip() for part in requires_python.split(",")):
        if not clause or clause.startswith(("<", "!=")):
            continue  # upper bounds and exclusions do not raise the floor
        match = PYTHON_CLAUSE_RE.match(clause)
        if match is None:
            return None
        minor = int(match.group("minor")) if match.group("major") == "3" else 0
        minor = max(minor, OLDEST_MINOR)
        lowest = minor if lowest is None else max(lowest, minor)
    return None if lowest is None else f"py3{lowest}"


def _with_target_version(rule_options: Dict[str, Dict[str, Any]], target_version: Optional[str]) -> Dict[str, Dict[str, Any]]:
    """Give every rule with a `target-version` option the project's (as "3.9"), unless the rule's
    own table sets it: `[tool.memlint.MEM606] target-version` stays an override."""
    if target_version is None:
        return rule_options
    dotted = f"3.{target_version[len('py3'):]}"
    combined = {code: dict(options) for code, options in rule_options.items()}
    for code, info in known_rules().items():
        if "target-version" in info.options and "target-version" not in combined.get(code, {}):
            combined.setdefault(code, {})["target-version"] = dotted
    return combined


def _common_start(targets: Sequence[str]) -> Path:
    real = [os.path.abspath(t) for t in targets if t != "-"]
    if not real:
        return Path.cwd()
    try:
        common = os.path.commonpath(real)
    except ValueError:
        return Path.cwd()
    return Path(common)


def _validate(
    settings: Mapping[str, Any], where: str, *, allow_rule_tables: bool
) -> Tuple[Dict[str, Any], Dict[str, Dict[str, Any]]]:
    """`where` names the source: a file's table, or "command line" (keys shown as `--key`)."""
    rules = known_rules()
    values: Dict[str, Any] = {}
    rule_options: Dict[str, Dict[str, Any]] = {}
    for key, value in settings.items():
        if allow_rule_tables and CODE_RE.match(key.upper()):  # `[tool.memlint.MEM101]`: a rule's options
            rule_options[key.upper()] = _validate_rule_options(key.upper(), value, where)
            continue
        if key not in SETTINGS:
            raise ConfigError(f"{where}: unknown key {key!r}")
        label = f"--{key}" if where == CLI else f"{where}: {key!r}"
        values[key] = _check(SETTINGS[key][0], label, value, rules)
    return values, rule_options


def _check(kind: str, label: str, value: Any, rules: Mapping[str, RuleInfo]) -> Any:
    if kind == "dir":
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{label} must be a directory path, not {_show(value)}")
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise ConfigError(f"{label} must be true or false, not {_show(value)}")
        return value
    if kind == "bytes":
        size = parse_size(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else None
        if size is None:
            raise ConfigError(f"{label} must be a size {SIZE_EXAMPLES}, not {_show(value)}")
        return size
    if kind == "version":
        if not isinstance(value, str) or TARGET_VERSION_RE.match(value) is None:
            raise ConfigError(f"{label} must be a Python version such as \"py39\" or \"py312\", not {_show(value)}")
        return value
    if kind == "format":
        if value not in OUTPUT_FORMATS:
            raise ConfigError(f"{label} must be one of {', '.join(OUTPUT_FORMATS)}, not {_show(value)}")
        return value
    if kind in ("codes", "globs", "paths"):
        items = _string_list(label, value)
        if kind in ("globs", "paths"):
            return items
        return tuple(_selector(item, label, rules) for item in items)
    if kind == "per-file":
        if not isinstance(value, dict):
            raise ConfigError(f"{label} must be a table of glob = [codes], not {_show(value)}")
        checked = []
        for pattern, codes in value.items():
            entry = f"{label} entry {pattern!r}"
            checked.append((pattern, tuple(_selector(c, entry, rules) for c in _string_list(entry, codes))))
        return tuple(checked)
    raise AssertionError(kind)  # pragma: no cover


def parse_size(value: Union[str, int]) -> Optional[int]:
    """`"1MB"` -> 1000000, `"1MiB"` -> 1048576, `"500kB"`, `"1.5GB"`, `2000` (case-insensitive);
    None for anything else, negative numbers included."""
    if isinstance(value, int):
        return value if value >= 0 else None
    match = SIZE_RE.match(value)
    if match is None:
        return None
    scale = SIZE_UNITS.get(match.group("unit").lower())
    if scale is None:
        return None
    number = match.group("number")
    if "." in number:
        whole, _, fraction = number.partition(".")
        return (int(whole or "0") * 10 ** len(fraction) + int(fraction)) * scale // 10 ** len(fraction)
    return int(number) * scale


def _string_list(label: str, value: Any) -> Tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{label} must be a list of strings, not {_show(value)}")
    return tuple(value)


def _selector(item: str, label: str, rules: Mapping[str, Any]) -> str:
    try:
        return normalize_selector(item, rules)
    except SelectorError as exc:
        raise ConfigError(f"{label}: {exc}") from None


def _validate_rule_options(code: str, value: Any, where: str) -> Dict[str, Any]:
    rule = known_rules().get(code)
    if rule is None:
        raise ConfigError(f"{where}: options for unknown rule {code}")
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: {code} must be a table of options, not {_show(value)}")
    checked: Dict[str, Any] = {}
    for key, option_value in value.items():
        if key not in rule.options:
            known = ", ".join(sorted(rule.options)) or "none"
            raise ConfigError(f"{where}: {code} has no option {key!r} (its options: {known})")
        expected = type(rule.options[key])
        if type(option_value) is not expected and not (expected is float and type(option_value) is int):
            raise ConfigError(
                f"{where}: {code}.{key} must be of type {expected.__name__}, not {_show(option_value)}"
            )
        checked[key] = option_value
    return checked


def _show(value: Any) -> str:
    return f"{type(value).__name__} {value!r}"


def parse_cli_codes(text: str) -> List[str]:
    """`--select MEM1,MEM201` -> ["MEM1", "MEM201"] (validated later, with the file's values)."""
    return [part.strip() for part in text.split(",") if part.strip()]
