"""The command line: the only place that prints or decides the exit code.

Exit codes: 0 no findings (or all fixed), 1 findings remain, 2 usage, config or internal error.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import fields, replace
from typing import Any, Dict, List, Optional, Sequence, TextIO

from memlint import __version__
from memlint.cache import open_cache
from memlint.config import OUTPUT_FORMATS, Config, ConfigError, load_config, parse_cli_codes
from memlint.discovery import DiscoveryError, find_files, is_excluded
from memlint.filesystem import read_stream
from memlint.findings import FileResult, Finding, InternalError
from memlint.reporting import RENDERERS, Context
from memlint.reporting.text import statistics
from memlint.runner import RunOptions, lint_paths, unified_diff_text

# The rules, LibCST and the modules that need them (api, parsing, registry, rule_docs) are
# imported where used: a run served from the cache, `--version` and `--help` never load them.

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
CACHE_DIR_ENV = "MEMLINT_CACHE_DIR"
SUBCOMMANDS = ("check", "rule", "rules", "profile")


class UsageError(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="memlint",
        description="Find memory antipatterns in Python code, and fix them.",
        epilog="Other commands: `memlint rule CODE` shows a rule's documentation, `memlint rules` lists them.",
    )
    parser.add_argument("--version", action="version", version=f"memlint {__version__}")
    parser.add_argument("paths", nargs="*", help="files or directories to lint (default: .); `-` reads standard input")
    sel = parser.add_argument_group("rule selection")
    sel.add_argument("--select", metavar="CODES", help="comma-separated codes or prefixes to enable (ALL for every rule)")
    sel.add_argument("--extend-select", metavar="CODES", help="codes or prefixes to enable on top of the selection")
    sel.add_argument("--ignore", metavar="CODES", help="codes or prefixes to disable")
    sel.add_argument("--preview", action="store_true", default=None, help="enable preview rules matched by prefix")
    sel.add_argument("--no-preview", dest="preview", action="store_false")
    sel.add_argument(
        "--min-bytes", metavar="SIZE",
        help="hide findings whose estimated (or, with --profile, measured) bytes are known and below SIZE (1000000, 500kB, 1MB, 1MiB)",
    )
    sel.add_argument(
        "--profile", action="append", metavar="FILE",
        help="a memory profile (tracemalloc snapshot, memray capture, Scalene JSON) whose measured bytes rank the findings; repeatable",
    )
    fix = parser.add_argument_group("fixes")
    fix.add_argument("--fix", action="store_true", help="apply safe fixes")
    fix.add_argument("--unsafe-fixes", action="store_true", default=None, help="also apply (with --fix) and show unsafe fixes")
    fix.add_argument("--no-unsafe-fixes", dest="unsafe_fixes", action="store_false")
    fix.add_argument("--diff", action="store_true", help="print the fixes as a unified diff; write nothing")
    out = parser.add_argument_group("output")
    out.add_argument("--output-format", choices=OUTPUT_FORMATS, help="how findings are printed (default: full)")
    out.add_argument("--statistics", action="store_true", help="print the number of findings per rule")
    out.add_argument("--exit-zero", action="store_true", help="exit 0 even when findings remain")
    out.add_argument("--show-settings", action="store_true", help="print the effective settings and exit")
    files = parser.add_argument_group("files")
    files.add_argument("--config", metavar="PYPROJECT", help="read settings from this pyproject.toml")
    files.add_argument("--exclude", metavar="GLOBS", help="comma-separated patterns to skip (replaces the defaults)")
    files.add_argument("--extend-exclude", metavar="GLOBS", help="patterns to skip on top of the configured ones")
    files.add_argument("--force-exclude", action="store_true", help="apply excludes to files named on the command line too")
    files.add_argument("--no-respect-gitignore", dest="respect_gitignore", action="store_false", default=None)
    files.add_argument("--stdin-filename", metavar="PATH", help="the path standard input stands for")
    files.add_argument("--jobs", "-j", type=_positive, default=os.cpu_count() or 1, metavar="N", help="worker processes (default: the number of CPUs)")
    cache = parser.add_argument_group("cache")
    cache.add_argument("--no-cache", action="store_true", help="neither read nor write the result cache")
    cache.add_argument("--cache-dir", metavar="DIR", help=f"the cache directory (default: .memlint_cache beside pyproject.toml; env: {CACHE_DIR_ENV})")
    return parser


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _cli_settings(args: argparse.Namespace) -> Dict[str, Any]:
    settings: Dict[str, Any] = {}
    for key in ("select", "extend_select", "ignore"):
        value = getattr(args, key)
        if value is not None:
            settings[key.replace("_", "-")] = parse_cli_codes(value)
    for key in ("exclude", "extend_exclude"):
        value = getattr(args, key)
        if value is not None:
            settings[key.replace("_", "-")] = [part.strip() for part in value.split(",") if part.strip()]
    for key in ("preview", "unsafe_fixes", "output_format", "respect_gitignore", "min_bytes"):
        value = getattr(args, key)
        if value is not None:
            settings[key.replace("_", "-")] = value
    if getattr(args, "profile", None):
        settings["profile"] = [os.path.abspath(os.path.expanduser(path)) for path in args.profile]
    cache_dir = args.cache_dir if args.cache_dir is not None else os.environ.get(CACHE_DIR_ENV) or None
    if cache_dir is not None:  # relative to the working directory, unlike the file's `cache-dir`
        settings["cache-dir"] = os.path.abspath(os.path.expanduser(cache_dir)) if cache_dir.strip() else cache_dir
    return settings


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "server":  # the language server (the `server` extra); its own parser
        from memlint.server import main as server_main

        return server_main(argv[1:])
    _print_any_file_name()
    try:
        if argv and argv[0] == "rules":
            return _list_rules(argv[1:], sys.stdout)
        if argv and argv[0] == "rule":
            return _show_rule(argv[1:], sys.stdout)
        if argv and argv[0] == "profile":
            return _profile_run(argv[1:])
        if argv and argv[0] == "check":
            argv = argv[1:]
        return _check(_parser().parse_args(argv))
    except (ConfigError, DiscoveryError, UsageError) as exc:
        print(f"memlint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except SystemExit as exc:  # argparse: --help, --version (0) and usage errors (2)
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR
    except KeyboardInterrupt:
        print("memlint: interrupted", file=sys.stderr)
        return 130


def _print_any_file_name() -> None:
    """A file name that is not valid in the file system's encoding reaches Python with
    surrogate escapes; print its original bytes rather than crash on it (issue 17)."""
    for stream in (sys.stdout, sys.stderr):
        if getattr(stream, "errors", None) == "strict" and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="surrogateescape")
            except (ValueError, OSError, AttributeError):  # pragma: no cover - an unusual stream
                pass


def _list_rules(argv: List[str], out: TextIO) -> int:
    from memlint.registry import all_rules

    parser = argparse.ArgumentParser(prog="memlint rules", description="List every rule.")
    parser.parse_args(argv)
    rules = all_rules()
    width = max(len(rule.name) for rule in rules.values())
    out.write(f"{'code':<7} {'name':<{width}} {'fix':<9} tier\n")
    for code, rule in rules.items():
        out.write(f"{code:<7} {rule.name:<{width}} {rule.fix_availability.value:<9} {rule.tier.value}\n")
    return EXIT_CLEAN


def _show_rule(argv: List[str], out: TextIO) -> int:
    parser = argparse.ArgumentParser(prog="memlint rule", description="Show a rule's documentation.")
    parser.add_argument("code", help="a rule code (MEM101) or name (comprehension-in-reducer)")
    args = parser.parse_args(argv)
    from memlint.registry import find_rule
    from memlint.rule_docs import render_rule

    rule = find_rule(args.code)
    if rule is None:
        raise UsageError(f"unknown rule {args.code!r} (`memlint rules` lists them)")
    out.write(render_rule(rule))
    return EXIT_CLEAN


def _check(args: argparse.Namespace) -> int:
    if args.fix and args.diff:
        raise UsageError("--fix and --diff cannot be used together (--diff shows what --fix would do)")
    paths: List[str] = args.paths or ([] if args.stdin_filename else ["."])
    use_stdin = paths == ["-"] or (not args.paths and args.stdin_filename is not None)
    if "-" in paths and len(paths) > 1:
        raise UsageError("`-` (standard input) cannot be combined with other paths")
    config = load_config(
        [args.stdin_filename] if use_stdin and args.stdin_filename else paths,
        args.config,
        _cli_settings(args),
    )
    if args.show_settings:
        _show_settings(config, sys.stdout)
        return EXIT_CLEAN
    if use_stdin:
        return _check_stdin(args, config)
    files = find_files(
        paths,
        config.all_excludes,
        config.root,
        respect_gitignore=config.respect_gitignore,
        force_exclude=args.force_exclude,
    )
    return _lint_files(files, args, config)


def _lint_files(files: Sequence[str], args: argparse.Namespace, config: Config) -> int:
    measuring = bool(config.profiles)
    if measuring:  # min-bytes then applies to measured bytes, after the profile is joined
        lint_config, config = replace(config, min_bytes=0), config
    else:
        lint_config = config
    with_edits = config.output_format == "json"
    cache = None if args.no_cache else open_cache(
        config.cache_directory, config.rule_options, with_edits=with_edits, min_bytes=lint_config.min_bytes
    )
    options = RunOptions(fix=args.fix, diff=args.diff, with_edits=with_edits, cache=cache)
    findings: List[Finding] = []
    errors: List[InternalError] = []
    fixed = 0
    for run in lint_paths(files, lint_config, options, args.jobs):
        findings.extend(run.result.findings)
        errors.extend(run.result.errors)
        fixed += run.result.fixes_applied
        if run.diff:
            sys.stdout.write(run.diff)
    if args.diff:
        return _finish_diff(fixed, errors)
    context = Context(unsafe_fixes=config.unsafe_fixes, fixes_applied=fixed, fix_mode=args.fix)
    if not measuring:
        return _finish(findings, errors, args, config, context, sys.stdout)
    measured = _measure(findings, files, config)
    status = _finish(measured.findings, errors, args, config, context, sys.stdout, ranked=True)
    if config.output_format in ("full", "concise") and not args.statistics:
        print(_measured_summary(measured))
    return status


def _measure(findings: List[Finding], files: Sequence[str], config: Config) -> Any:
    """The findings joined to the profiles' bytes (memlint.profiles), ranked by measured bytes."""
    from memlint.profiles import PathMatcher, ProfileError, measure, read_profile

    matcher = PathMatcher(files)
    try:
        profiles = [read_profile(path, matcher) for path in config.profiles]
    except ProfileError as exc:
        raise UsageError(str(exc)) from None
    return measure(findings, profiles, _read_text, config.min_bytes)


def _read_text(path: str) -> Optional[str]:
    from memlint.parsing import SourceError, decode

    try:
        with open(path, "rb") as handle:
            return decode(handle.read()).text
    except (OSError, SourceError):
        return None


def _measured_summary(measured: Any) -> str:
    from memlint.units import human_bytes

    if not measured.peak_bytes:
        return f"Measured ({measured.kind}): the profile recorded no memory."
    share = 100 * measured.accounted_bytes / measured.peak_bytes
    return (
        f"Measured ({measured.kind}): the reported findings account for {human_bytes(measured.accounted_bytes)} "
        f"of the profile's {human_bytes(measured.peak_bytes)} peak ({share:.0f}%)."
    )


def _profile_run(argv: List[str]) -> int:
    """`memlint profile [OPTIONS] -- python script.py ARGS`: run it under tracemalloc, rank the findings."""
    import subprocess

    from memlint.profiles import run
    from memlint.units import human_bytes

    if "--" not in argv:
        raise UsageError("usage: memlint profile [OPTIONS] -- python script.py [ARGS] (the program comes after `--`)")
    split = argv.index("--")
    args = _parser().parse_args(argv[:split])
    if args.paths or args.fix or args.diff or args.profile:
        raise UsageError("memlint profile lints the files the program allocated in: give only options before `--`")
    config = load_config([os.getcwd()], args.config, _cli_settings(args))
    snapshot = run.snapshot_path(os.path.join(config.cache_directory, "profiles"))
    try:
        command = run.profiling_command(argv[split + 1:], snapshot)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    print(f"memlint: running `{' '.join(argv[split + 1:])}` under tracemalloc", file=sys.stderr, flush=True)
    try:
        status = subprocess.call(command, stdout=sys.stderr)  # standard output is for the findings
    except OSError as exc:
        raise UsageError(f"cannot run {argv[split + 1]!r}: {exc.strerror or exc}") from None
    if not os.path.isfile(snapshot):
        raise UsageError(f"the program exited with status {status} before a snapshot was written")
    if status:
        print(f"memlint: the program exited with status {status}; ranking what it allocated", file=sys.stderr)
    peak = run.recorded_peak(snapshot)
    held = f"; the run peaked at {human_bytes(peak)}" if peak else ""
    print(f"memlint: snapshot written to {snapshot} (read it again with --profile{held})", file=sys.stderr)
    files = [  # like files named on the command line: excludes apply with --force-exclude
        path for path in run.allocating_files(snapshot, config.root)
        if not (args.force_exclude and is_excluded(path, config.all_excludes, config.root))
    ]
    if not files:
        print("memlint: no file of this project allocated memory in the run", file=sys.stderr)
        return EXIT_ERROR if status else EXIT_CLEAN
    outcome = _lint_files(files, args, replace(config, profiles=(snapshot,)))
    return EXIT_ERROR if status else outcome  # a failed program is not a clean run


def _check_stdin(args: argparse.Namespace, config: Config) -> int:
    """Standard input is never cached."""
    from memlint.api import lint_source
    from memlint.parsing import decode, decode_lenient, encode

    filename = args.stdin_filename or "-"
    data = read_stream(sys.stdin.buffer)  # bounded: `memlint - < /dev/zero` ends
    if args.force_exclude and args.stdin_filename and is_excluded(filename, config.all_excludes, config.root):
        if args.fix:
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        return EXIT_CLEAN
    result: FileResult = lint_source(
        data, filename, config, fix=args.fix or args.diff, with_edits=config.output_format == "json"
    )
    if args.diff:
        if result.fixed_source is not None:
            sys.stdout.write(unified_diff_text(filename, decode_lenient(data), result.fixed_source))
        return _finish_diff(result.fixes_applied, list(result.errors))
    if args.fix:
        # Like Ruff: the fixed code goes to standard output, the findings to standard error.
        sys.stdout.flush()
        if result.fixed_source is None:
            sys.stdout.buffer.write(data)
        else:
            sys.stdout.buffer.write(encode(result.fixed_source, decode(data).encoding))
        sys.stdout.buffer.flush()
    context = Context(unsafe_fixes=config.unsafe_fixes, fixes_applied=result.fixes_applied, fix_mode=args.fix)
    stream = sys.stderr if args.fix else sys.stdout
    return _finish(list(result.findings), list(result.errors), args, config, context, stream)


def _finish(
    findings: List[Finding],
    errors: List[InternalError],
    args: argparse.Namespace,
    config: Config,
    context: Context,
    out: TextIO,
    ranked: bool = False,
) -> int:
    if not ranked:  # ranked: already in order of measured bytes
        findings.sort(key=lambda f: f.sort_key)
    if args.statistics:
        out.write(statistics(findings, config.unsafe_fixes))
    else:
        out.write(RENDERERS[config.output_format](findings, context))
    out.flush()
    _report_errors(errors)
    if errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if findings and not args.exit_zero else EXIT_CLEAN


def _finish_diff(fixed: int, errors: Sequence[InternalError]) -> int:
    """--diff exits 1 when there is something to fix (like Ruff), 0 when there is not."""
    sys.stdout.flush()
    noun = "fix" if fixed == 1 else "fixes"
    print(f"Would apply {fixed} {noun}." if fixed else "No fixes available.", file=sys.stderr)
    _report_errors(errors)
    if errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if fixed else EXIT_CLEAN


def _report_errors(errors: Sequence[InternalError]) -> None:
    for error in errors:
        print(f"memlint: error: {error.filename}: {error.message}", file=sys.stderr)


def _show_settings(config: Config, out: TextIO) -> None:
    out.write(f"config file: {config.path or '(none)'}\n")
    out.write(f"enabled rules: {', '.join(config.selection.codes) or '(none)'}\n")
    for item in fields(config):
        if item.name in ("layers", "path"):
            continue
        value = config.cache_directory if item.name == "cache_dir" else getattr(config, item.name)
        out.write(f"{item.name}: {value!r}\n")
