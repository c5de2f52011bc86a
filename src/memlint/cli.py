"""The command line: the only place that prints or decides the exit code.

Exit codes: 0 no findings (or all fixed), 1 findings remain, 2 usage, config or internal error.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import fields, replace
from typing import Any, Dict, List, Optional, Sequence, TextIO, Tuple

from memlint import __version__
from memlint.config import OUTPUT_FORMATS, Config, ConfigError, load_config, parse_cli_codes
from memlint.discovery import DiscoveryError, find_files, is_excluded
from memlint.filesystem import read_stream
from memlint.findings import PARSE_ERROR_CODE, PARSE_ERROR_NAME, FileResult, Finding, InternalError
from memlint.reporting import RENDERERS, Context
from memlint.reporting.fixes import fix_only_summary, fixed_listing, hidden_unsafe_fixes
from memlint.reporting.text import statistics, statistics_json, summary
from memlint.runner import RunOptions, lint_paths, unified_diff_text

# The rules, LibCST and the modules that need them (api, parsing, registry, rule_docs) are
# imported where used: a run served from the cache, `--version` and `--help` never load them.
# So are the cache (not with --no-cache), json (`memlint rules` and `rule`), and every reporter
# but the one selected (reporting.RENDERERS): a one-file run imports what it uses.

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
CACHE_DIR_ENV = "MEMLINT_CACHE_DIR"
SUBCOMMANDS = ("check", "rule", "rules", "profile")


class UsageError(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="memlint",
        description="Find memory antipatterns in Python code, and fix them.",
        epilog=(
            "Other commands: `memlint rule CODE` shows a rule's documentation, `memlint rules` lists them. "
            "`memlint check PATHS` is `memlint PATHS` (say `check` when a path is named rule or rules). "
            "Options that take codes or patterns may be repeated: their values add up."
        ),
    )
    parser.add_argument("--version", action="version", version=f"memlint {__version__}")
    parser.add_argument("paths", nargs="*", help="files or directories to lint (default: .); `-` reads standard input")
    sel = parser.add_argument_group("rule selection")
    sel.add_argument("--select", metavar="CODES", action="append", help="comma-separated codes or prefixes to enable (ALL for every rule)")
    sel.add_argument("--extend-select", metavar="CODES", action="append", help="codes or prefixes to enable on top of the selection")
    sel.add_argument("--ignore", metavar="CODES", action="append", help="codes or prefixes to disable")
    sel.add_argument("--extend-ignore", metavar="CODES", action="append", help="codes or prefixes to disable on top of --ignore")
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
    sel.add_argument(
        "--ruff-compat", action="store_true", default=None,
        help="a `# noqa` for the equivalent Ruff/flake8 code (C419, B006, ...) silences memlint too",
    )
    sel.add_argument("--no-ruff-compat", dest="ruff_compat", action="store_false")
    fix = parser.add_argument_group("fixes")
    fix.add_argument("--fix", action="store_true", help="apply safe fixes")
    fix.add_argument("--unsafe-fixes", action="store_true", default=None, help="also apply (with --fix) and show unsafe fixes")
    fix.add_argument("--no-unsafe-fixes", dest="unsafe_fixes", action="store_false")
    fix.add_argument("--diff", action="store_true", help="print the fixes as a unified diff; write nothing")
    fix.add_argument("--fix-only", action="store_true", help="apply fixes and do not report the findings that remain")
    fix.add_argument("--show-fixes", action="store_true", help="with --fix, list the fixes applied per file and rule")
    fix.add_argument("--exit-non-zero-on-fix", action="store_true", help="exit 1 when a file was fixed, even if nothing remains")
    fix.add_argument("--fixable", metavar="CODES", action="append", help="rules whose fixes may be applied (default: ALL)")
    fix.add_argument("--extend-fixable", metavar="CODES", action="append", help="rules whose fixes may be applied, on top of --fixable")
    fix.add_argument("--unfixable", metavar="CODES", action="append", help="rules whose fixes are never offered nor applied")
    fix.add_argument("--add-noqa", action="store_true", help="add a `# noqa: CODE` comment for every finding; fix nothing")
    out = parser.add_argument_group("output")
    out.add_argument("--output-format", choices=OUTPUT_FORMATS, help="how findings are printed (default: full)")
    out.add_argument("-o", "--output-file", metavar="PATH", help="write the report to this file instead of standard output")
    out.add_argument("--statistics", action="store_true", help="print the number of findings per rule (JSON with --output-format json)")
    out.add_argument("--exit-zero", action="store_true", help="exit 0 even when findings remain")
    out.add_argument("--show-settings", action="store_true", help="print the effective settings and exit")
    files = parser.add_argument_group("files")
    files.add_argument("--config", metavar="PYPROJECT", help="read settings from this pyproject.toml")
    files.add_argument("--exclude", metavar="GLOBS", action="append", help="comma-separated patterns to skip (replaces the defaults)")
    files.add_argument("--extend-exclude", metavar="GLOBS", action="append", help="patterns to skip on top of the configured ones")
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
    # Repeated options add up, as in Ruff: `--select MEM101 --select MEM301` selects both.
    for key in ("select", "extend_select", "ignore", "extend_ignore", "fixable", "extend_fixable", "unfixable"):
        values = getattr(args, key)
        if values is not None:
            settings[key.replace("_", "-")] = [code for value in values for code in parse_cli_codes(value)]
    for key in ("exclude", "extend_exclude"):
        values = getattr(args, key)
        if values is not None:
            settings[key.replace("_", "-")] = [
                part.strip() for value in values for part in value.split(",") if part.strip()
            ]
    for key in ("preview", "unsafe_fixes", "output_format", "respect_gitignore", "min_bytes", "ruff_compat"):
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
    except BrokenPipeError:
        # The reader went away (`memlint rules | head -1`): what it read was all it wanted.
        _discard_stdout()
        return EXIT_CLEAN
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


def _discard_stdout() -> None:
    """Point standard output at /dev/null, so that flushing it at exit cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # not a real file descriptor (tests capture it)
        pass


def _list_rules(argv: List[str], out: TextIO) -> int:
    import json

    from memlint.registry import all_rules

    parser = argparse.ArgumentParser(prog="memlint rules", description="List every rule.")
    parser.add_argument("--output-format", choices=("text", "json"), default="text", help="a table (default) or JSON")
    args = parser.parse_args(argv)
    rules = all_rules()
    if args.output_format == "json":
        out.write(json.dumps([_rule_object(rule) for rule in rules.values()], indent=2) + "\n")
        return EXIT_CLEAN
    width = max(len(rule.name) for rule in rules.values())
    out.write(f"{'code':<7} {'name':<{width}} {'fix':<9} tier\n")
    for code, rule in rules.items():
        out.write(f"{code:<7} {rule.name:<{width}} {rule.fix_availability.value:<9} {rule.tier.value}\n")
    return EXIT_CLEAN


def _rule_object(rule: Any, explanation: bool = False) -> Dict[str, Any]:
    """A rule as `memlint rules --output-format json` and `memlint rule --output-format json` give it."""
    entry: Dict[str, Any] = {
        "code": rule.code,
        "name": rule.name,
        "summary": rule.summary(),
        "fix": rule.fix_availability.value,
        "tier": rule.tier.value,
        "preview": rule.tier.value == "preview",
        "options": {key: option.default for key, option in rule.options.items()},
    }
    if explanation:
        from memlint.rule_docs import render_rule

        entry["explanation"] = render_rule(rule)
    return entry


def _show_rule(argv: List[str], out: TextIO) -> int:
    parser = argparse.ArgumentParser(prog="memlint rule", description="Show a rule's documentation.")
    parser.add_argument("code", help="a rule code (MEM101) or name (comprehension-in-reducer)")
    parser.add_argument("--output-format", choices=("text", "json"), default="text", help="the page (default) or JSON")
    args = parser.parse_args(argv)
    import json

    from memlint.registry import find_rule
    from memlint.rule_docs import render_rule

    if args.code.strip().upper() == PARSE_ERROR_CODE or args.code.strip().lower() == PARSE_ERROR_NAME:
        from memlint.parse_error import PAGE

        if args.output_format == "json":
            out.write(json.dumps({"code": PARSE_ERROR_CODE, "name": PARSE_ERROR_NAME, "explanation": PAGE}, indent=2) + "\n")
        else:
            out.write(PAGE)
        return EXIT_CLEAN
    rule = find_rule(args.code)
    if rule is None:
        raise UsageError(f"unknown rule {args.code!r} (`memlint rules` lists them)")
    if args.output_format == "json":
        out.write(json.dumps(_rule_object(rule, explanation=True), indent=2) + "\n")
    else:
        out.write(render_rule(rule))
    return EXIT_CLEAN


def _check(args: argparse.Namespace) -> int:
    if args.fix_only:
        args.fix = True
    if args.fix and args.diff:
        raise UsageError("--fix and --diff cannot be used together (--diff shows what --fix would do)")
    if args.add_noqa and (args.fix or args.diff):
        raise UsageError("--add-noqa cannot be used with --fix, --fix-only or --diff")
    paths: List[str] = args.paths or ([] if args.stdin_filename else ["."])
    use_stdin = paths == ["-"] or (not args.paths and args.stdin_filename is not None)
    if "-" in paths and len(paths) > 1:
        raise UsageError("`-` (standard input) cannot be combined with other paths")
    if use_stdin and args.add_noqa:
        raise UsageError("--add-noqa needs files: it cannot read standard input")
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
    if not files:
        # Ruff's warning (and exit code 0): "All checks passed!" would claim a check that never ran.
        print(f"warning: {NO_FILES}", file=sys.stderr)
    with_edits = config.output_format in EDIT_FORMATS
    cache = None
    if not args.no_cache:
        from memlint.cache import open_cache  # here: --no-cache (editors, benchmarks) needs no cache

        cache = open_cache(
            config.cache_directory, config.rule_options, with_edits=with_edits, min_bytes=lint_config.min_bytes,
            extra=_cache_settings(config),
        )
    options = RunOptions(fix=args.fix, diff=args.diff, with_edits=with_edits, cache=cache)
    findings: List[Finding] = []
    errors: List[InternalError] = []
    fixed: Dict[str, Tuple[str, ...]] = {}
    for run in lint_paths(files, lint_config, options, args.jobs):
        findings.extend(run.result.findings)
        errors.extend(run.result.errors)
        if run.result.fixes_applied:
            fixed[run.result.filename] = run.result.fixed_codes or ("",) * run.result.fixes_applied
        if run.diff:
            sys.stdout.write(run.diff)
    if args.diff:
        return _finish_diff(sum(len(codes) for codes in fixed.values()), findings, errors, config)
    if args.add_noqa:
        return _add_noqa(findings, errors)
    context = Context(
        unsafe_fixes=config.unsafe_fixes,
        fixes_applied=sum(len(codes) for codes in fixed.values()),
        fix_mode=args.fix,
    )
    if not files and config.output_format in ("full", "concise") and not args.statistics:
        context = replace(context, show_summary=False)
    if not measuring:
        return _finish(findings, errors, args, config, context, sys.stdout, fixed)
    measured = _measure(findings, files, config)
    status = _finish(measured.findings, errors, args, config, context, sys.stdout, fixed, ranked=True)
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
    from memlint.filesystem import UnreadableFile, read_source
    from memlint.parsing import SourceError, decode

    try:
        return decode(read_source(path)).text
    except (UnreadableFile, SourceError):
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


NO_FILES = "No Python files found under the given path(s)"
EDIT_FORMATS = ("json", "json-lines")


def _cache_settings(config: Config) -> Dict[str, Any]:
    """Settings besides the rules and their options that change a file's findings (empty when
    they have their defaults, so that the usual cache key does not depend on them)."""
    extra: Dict[str, Any] = {}
    if not config.fix_policy.is_default:
        extra["fix-selectors"] = repr(config.fix_selectors)
    if config.ruff_compat:
        extra["ruff-compat"] = True
    return extra


def _add_noqa(findings: List[Finding], errors: List[InternalError]) -> int:
    """Ruff's `--add-noqa`: write the comments, say how many, exit 0 (2 on an error)."""
    from memlint.add_noqa import add_noqa
    from memlint.filesystem import UnreadableFile, read_source
    from memlint.parsing import SourceError, decode
    from memlint.runner import write_fixed

    by_file: Dict[str, List[Finding]] = {}
    for finding in findings:
        by_file.setdefault(finding.filename, []).append(finding)
    added = 0
    for filename, items in by_file.items():
        try:
            data = read_source(filename)
            text = decode(data).text
        except (UnreadableFile, SourceError) as exc:
            errors.append(InternalError(filename, f"cannot add noqa comments: {exc}"))
            continue
        new_text, count = add_noqa(text, items)
        if count:
            error = write_fixed(filename, new_text, data)
            if error is not None:
                errors.append(InternalError(filename, error.replace("fixes", "noqa comments")))
                continue
            added += count
    if added:
        print(f"Added {added} noqa directive{'' if added == 1 else 's'}.", file=sys.stderr)
    _report_errors(errors)
    return EXIT_ERROR if errors else EXIT_CLEAN


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
        data, filename, config, fix=args.fix or args.diff, with_edits=config.output_format in EDIT_FORMATS
    )
    if args.diff:
        if result.fixed_source is not None:
            sys.stdout.write(unified_diff_text(filename, decode_lenient(data), result.fixed_source))
        return _finish_diff(result.fixes_applied, list(result.findings), list(result.errors), config)
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
    fixed = {filename: result.fixed_codes} if result.fixes_applied else {}
    return _finish(list(result.findings), list(result.errors), args, config, context, stream, fixed)


def _finish(
    findings: List[Finding],
    errors: List[InternalError],
    args: argparse.Namespace,
    config: Config,
    context: Context,
    out: TextIO,
    fixed: Optional[Dict[str, Tuple[str, ...]]] = None,
    ranked: bool = False,
) -> int:
    fixed = fixed or {}
    if not ranked:  # ranked: already in order of measured bytes
        findings.sort(key=lambda f: f.sort_key)
    report = _open_output(args.output_file) if args.output_file else None
    stream = report or out
    try:
        context = replace(context, color=report is None and use_color(stream))
        try:
            stream.write(_render(findings, args, config, context, fixed))
            stream.flush()
        except BrokenPipeError:  # the reader stopped early; the exit code still tells
            _discard_stdout()
    finally:
        if report is not None:
            report.close()
    _report_errors(errors)
    if errors:
        return EXIT_ERROR
    fixed_any = bool(fixed) and args.exit_non_zero_on_fix
    if args.fix_only:
        return EXIT_FINDINGS if fixed_any else EXIT_CLEAN
    return EXIT_FINDINGS if (findings and not args.exit_zero) or fixed_any else EXIT_CLEAN


def _render(
    findings: List[Finding],
    args: argparse.Namespace,
    config: Config,
    context: Context,
    fixed: Dict[str, Tuple[str, ...]],
) -> str:
    if args.statistics:
        if config.output_format in EDIT_FORMATS:
            return statistics_json(findings, config.unsafe_fixes)
        return statistics(findings, config.unsafe_fixes)
    if args.fix_only:
        return fix_only_summary(findings, context, fixed if args.show_fixes else {})
    show_fixes = args.show_fixes and bool(fixed) and config.output_format in ("full", "concise")
    if not show_fixes:
        return RENDERERS[config.output_format](findings, context)
    body = RENDERERS[config.output_format](findings, replace(context, show_summary=False))
    summary_lines = summary(findings, context) if context.show_summary else []
    return body + "\n" + fixed_listing(fixed, context.color) + "\n" + "".join(line + "\n" for line in summary_lines)


def _open_output(path: str) -> TextIO:
    """`-o PATH`: the report goes there (its directory is created, as Ruff does)."""
    try:
        directory = os.path.dirname(os.path.abspath(path))
        os.makedirs(directory, exist_ok=True)
        return open(path, "w", encoding="utf-8", newline="\n")
    except OSError as exc:
        raise UsageError(f"cannot write the report to {path}: {exc.strerror or exc}") from None


def use_color(stream: TextIO) -> bool:
    """Colours on a terminal, unless NO_COLOR is set; FORCE_COLOR forces them (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _finish_diff(
    fixed: int, findings: Sequence[Finding], errors: Sequence[InternalError], config: Config
) -> int:
    """--diff exits 1 when there is something to fix (like Ruff), 0 when there is not, and says
    how many unsafe fixes it left out."""
    sys.stdout.flush()
    noun = "fix" if fixed == 1 else "fixes"
    message = f"Would apply {fixed} {noun}" if fixed else "No fixes available"
    hidden = hidden_unsafe_fixes(findings, config.unsafe_fixes)
    if hidden:
        message += f" ({hidden} hidden {'fix' if hidden == 1 else 'fixes'} can be enabled with the `--unsafe-fixes` option)"
    print(message + ".", file=sys.stderr)
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
