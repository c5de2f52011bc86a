"""The single entry point of every shell: `lint_source` (no I/O) and `lint_file` (reads one file)."""

from __future__ import annotations

import dataclasses
import threading
from typing import TYPE_CHECKING, Callable, List, Optional, Sequence, Tuple, Union

from memlint.config import Config
from memlint.deep import call_with_deep_stack
from memlint.filesystem import UnreadableFile, read_source
from memlint.findings import (
    PARSE_ERROR_CODE,
    PARSE_ERROR_NAME,
    FileResult,
    Finding,
    FixInfo,
    InternalError,
    Location,
)
from memlint.parsing import (
    SourceError,
    decode,
    drops_only_form_feed_indentation,
    parse,
    restore_form_feeds,
    too_many_tokens,
    vet,
    vet_tree,
)
from memlint.prefilter import applicable
from memlint.screen import screened
from memlint.selection import load_rules
from memlint.suppression import ALL, NoqaMap, file_suppression, is_suppressed

if TYPE_CHECKING:  # pragma: no cover
    import libcst as cst
    from libcst.metadata import CodeRange

    from memlint.context import LintContext
    from memlint.rule import Fix, Report, Rule

# LibCST, the engine, the rules and the fixer are imported when a file needs them (some rule's
# screen matched): a one-file run on a file where no rule can fire imports none of them. The
# notebook adapter is imported for a notebook only.

MAX_FIX_PASSES = 10
NOTEBOOK_SUFFIX = ".ipynb"  # a path with this ending is linted by memlint.notebook
DEFAULT_CONFIG = Config()

# Given the text being linted (it changes from one fix pass to the next) and the ranges of the
# nodes a fix changes (LibCST's: 1-based lines, 0-based columns), says whether the fix may be
# offered and applied; a refused fix is dropped from its finding.
FixGuard = Callable[[str, Sequence["CodeRange"]], bool]


def lint_source(
    source: Union[str, bytes],
    path: str = "<stdin>",
    config: Optional[Config] = None,
    *,
    fix: bool = False,
    unsafe_fixes: Optional[bool] = None,
    with_edits: bool = False,
    inline_noqa: bool = True,
    prefilter: bool = True,
    fix_guard: Optional[FixGuard] = None,
    notebook: Optional[bool] = None,
) -> FileResult:
    """Lint one module's source; with ``fix`` also return the fixed text (never unparsable).

    A path ending in `.ipynb` (or ``notebook=True``) is a Jupyter notebook's JSON text: it is
    linted by `memlint.notebook.lint_notebook`, and ``fixed_source`` is then the new JSON text.
    ``fix_guard`` (used by the notebook adapter) vetoes fixes by the ranges they change.

    ``inline_noqa=False`` leaves `# noqa` comments to the caller (the flake8 plugin: flake8
    applies them itself); the file-level `# memlint: noqa` is always honoured.
    ``prefilter=False`` runs every selected rule on every file, without asking prefilter.py
    which ones can fire (the findings are the same; tests prove it).

    A file in which no selected rule can fire is vetted by CPython's parser but not parsed by
    LibCST: syntax errors and too-deep nesting are still reported (MEM000), only "LibCST
    cannot parse this file, which Python accepts" is not, since nothing was lost.
    """
    config = config or DEFAULT_CONFIG
    if notebook or (notebook is None and path.endswith(NOTEBOOK_SUFFIX)):
        from memlint.notebook import lint_notebook

        return lint_notebook(
            source, path, config, fix=fix, unsafe_fixes=unsafe_fixes, with_edits=with_edits,
            inline_noqa=inline_noqa, prefilter=prefilter,
        )
    rules = config.selection.candidates_for(path)  # rule classes are imported when one can fire
    if isinstance(source, bytes):
        try:
            text = decode(source).text
        except SourceError as exc:
            return _source_error(path, exc, config=config)
    else:
        text = source
    file_codes = file_suppression(text)
    if file_codes is ALL:
        rules = ()
    elif file_codes:
        rules = tuple(rule for rule in rules if not is_suppressed(rule.code, file_codes, ruff_compat=config.ruff_compat))
    try:
        if too_many_tokens(text):  # pure data too large to parse: no rule can fire in it
            return FileResult(path)
    except SourceError as exc:
        return _source_error(path, exc, text, config)
    if not rules:  # no rule to run, but a file that does not parse is still reported
        return _parse_check(text, path, config)
    allow_unsafe = config.unsafe_fixes if unsafe_fixes is None else unsafe_fixes

    current = text
    errors: List[InternalError] = []
    applied = 0
    fixed_codes: List[str] = []
    checked: Optional[cst.Module] = None  # `current` as parsed when a fix pass checked it
    for fix_pass in range(MAX_FIX_PASSES + 1):
        active = applicable(rules, current) if prefilter else rules
        try:
            tree = vet_tree(current)
            python_accepts = tree is not None
            if prefilter and active and tree is not None:
                active = screened(active, tree, current, config.rule_options, path)  # CPython's tree: screen.py
            # Where statements start, for positions (positions.py); the tree is not kept alive
            # while LibCST parses.
            lines = None
            if tree is not None and active:
                from memlint.positions import statement_lines

                lines = statement_lines(tree)
            del tree
            if not active and python_accepts:
                visible = []  # nothing can fire and nothing to report: no LibCST parse
                break
            from memlint.engine import run_rules

            module = checked if checked is not None else parse(current, vetted=True)
            checked = None
            context, crashed = run_rules(
                module, load_rules(active), path, config.rule_options, current, statement_lines=lines
            )
        except SourceError as exc:
            if exc.recursion and not threading.current_thread().name == "memlint-deep":
                # Retry this file only, with room to recurse (see deep.py).
                return call_with_deep_stack(
                    lambda: lint_source(
                        source, path, config, fix=fix, unsafe_fixes=unsafe_fixes,
                        with_edits=with_edits, inline_noqa=inline_noqa, prefilter=prefilter,
                        fix_guard=fix_guard, notebook=False,
                    )
                )
            if fix_pass == 0:
                return _source_error(path, exc, current, config)
            failure = f"fixed code could not be analysed again ({exc}); file left unchanged"
            return _unfixed(text, path, config, failure, with_edits, inline_noqa, prefilter, fix_guard)
        errors.extend(crashed)
        visible = _visible(context, current, inline_noqa, config.min_bytes, config.ruff_compat)
        if fix_guard is not None:
            visible = [(_guarded(context, report, fix_guard, current), where) for report, where in visible]
        if not fix or fix_pass == MAX_FIX_PASSES:
            break
        candidates = [
            (report.fix, _ranges(context, report))
            for report, _ in visible
            if _fix_allowed(report, config, allow_unsafe)
        ]
        if not candidates:
            break
        if module.code != current and not drops_only_form_feed_indentation(current, module.code):
            # LibCST does not give back every file byte for byte (it drops the last line ending
            # of a file with bare carriage returns): fixing would change more than the fixes.
            if fix_pass == 0:
                errors.append(InternalError(path, "LibCST does not reproduce this file exactly; fixes not applied"))
            break
        from memlint.fixing import non_overlapping

        chosen = non_overlapping(candidates)
        try:
            fixed = _apply(module, chosen, current)
            checked = parse(fixed)  # the next pass lints this module: no second LibCST parse
        except Exception as exc:  # a fix that breaks the file is a memlint bug: keep the file
            codes = ", ".join(sorted({_code_of(visible, f) for f in chosen}))
            failure = f"fix for {codes} produced invalid code ({type(exc).__name__}); file left unchanged"
            return _unfixed(text, path, config, failure, with_edits, inline_noqa, prefilter, fix_guard)
        if fixed == current:
            break
        current = fixed
        applied += len(chosen)
        fixed_codes.extend(_code_of(visible, f) for f in chosen)

    findings = tuple(
        _finding(report, where, path, current, module, with_edits, config) for report, where in visible
    )
    return FileResult(
        path,
        findings=tuple(sorted(findings, key=lambda f: f.sort_key)),
        errors=tuple(errors),
        fixed_source=current if applied else None,
        fixes_applied=applied,
        fixed_codes=tuple(fixed_codes),
    )


def _parse_check(text: str, path: str, config: Config) -> FileResult:
    """MEM000 for a file no rule runs on (all deselected, or `# memlint: noqa`): never hidden."""
    try:
        if not vet(text):
            parse(text, vetted=True)
    except SourceError as exc:
        if exc.recursion and not threading.current_thread().name == "memlint-deep":
            return call_with_deep_stack(lambda: _parse_check(text, path, config))
        return _source_error(path, exc, text, config)
    return FileResult(path)


def _unfixed(
    text: str,
    path: str,
    config: Config,
    failure: str,
    with_edits: bool,
    inline_noqa: bool,
    prefilter: bool,
    fix_guard: Optional[FixGuard] = None,
) -> FileResult:
    """The original file's findings, unfixed, with the fix failure reported as a memlint bug."""
    result = lint_source(
        text, path, config, with_edits=with_edits, inline_noqa=inline_noqa, prefilter=prefilter,
        fix_guard=fix_guard, notebook=False,
    )
    return FileResult(path, result.findings, result.errors + (InternalError(path, failure),))


def lint_file(path: str, config: Optional[Config] = None, **options: bool) -> FileResult:
    """Read a file (the one place the core touches the disk) and lint it."""
    try:
        data = read_source(path)
    except UnreadableFile as exc:
        return _source_error(path, SourceError(exc.reason), config=config)
    return lint_source(data, path, config, **options)


def _visible(
    context: LintContext, text: str, inline_noqa: bool, min_bytes: int = 0, ruff_compat: bool = False
) -> List[Tuple[Report, CodeRange]]:
    """The reports not silenced by `# noqa` nor below `min-bytes` (only a known estimate can be
    below it), with their positions (resolved only if any). Fixes come from these alone."""
    reports = [
        report
        for report in context.reports
        if report.estimated_bytes is None or report.estimated_bytes >= min_bytes
    ]
    if not reports:
        return []
    from libcst.metadata import PositionProvider

    positions = context.metadata_table(PositionProvider)
    noqa = NoqaMap(text) if inline_noqa and "noqa" in text.lower() else None
    visible = []
    for report in reports:
        where = positions[report.node]
        if noqa is not None and is_suppressed(
            report.rule.code, noqa.codes_for(where.start.line), ruff_compat=ruff_compat
        ):
            continue
        visible.append((report, where))
    return visible


def _guarded(context: LintContext, report: Report, guard: FixGuard, text: str) -> Report:
    """The report, without its fix when the guard refuses the ranges the fix changes."""
    if report.fix is None or guard(text, _ranges(context, report)):
        return report
    return dataclasses.replace(report, fix=None)


def _ranges(context: LintContext, report: Report) -> Sequence[CodeRange]:
    from libcst.metadata import PositionProvider

    positions = context.metadata_table(PositionProvider)
    assert report.fix is not None
    return [positions[node] for node, _ in report.fix.changes]


def _code_of(visible: Sequence[Tuple[Report, CodeRange]], fix: object) -> str:
    return next(report.rule.code for report, _ in visible if report.fix is fix)


def _fix_allowed(report: Report, config: Config, allow_unsafe: bool) -> bool:
    """The report's fix may be applied: `fixable`/`unfixable` and the safety overrides first."""
    if report.fix is None:
        return False
    applicability = config.fix_policy.applicability(report.rule.code, report.fix.applicability)
    return applicability is not None and applicability.allowed(allow_unsafe)


def _finding(
    report: Report,
    where: CodeRange,
    path: str,
    text: str,
    module: cst.Module,
    with_edits: bool,
    config: Config,
) -> Finding:
    rule: Rule = report.rule
    fix_info = None
    applicability = None if report.fix is None else config.fix_policy.applicability(rule.code, report.fix.applicability)
    if report.fix is not None and applicability is not None:
        from memlint.fixing import edits_between

        edits = edits_between(text, _apply(module, [report.fix], text)) if with_edits else ()
        fix_info = FixInfo(applicability, report.fix.title, edits)
    return Finding(
        code=rule.code,
        name=rule.name,
        message=report.message,
        filename=path,
        location=Location(where.start.line, where.start.column + 1),
        end_location=Location(where.end.line, where.end.column + 1),
        fix=fix_info,
        source_line=_line(text, where.start.line),
        estimated_bytes=report.estimated_bytes,
    )


def _apply(module: cst.Module, fixes: Sequence[Fix], text: str) -> str:
    """The fixed text; where LibCST dropped form feeds from `text`, the lines the fixes did not
    touch are taken back from `text` (parsing.restore_form_feeds)."""
    from memlint.fixing import apply_fixes

    fixed = apply_fixes(module, fixes)
    return fixed if module.code == text else restore_form_feeds(text, module.code, fixed)


def _line(text: str, number: int) -> str:
    start = 0
    for _ in range(number - 1):
        start = text.find("\n", start) + 1
        if start == 0:
            return ""
    end = text.find("\n", start)
    return text[start : end if end >= 0 else len(text)].rstrip("\r")


def _source_error(path: str, exc: SourceError, text: str = "", config: Optional[Config] = None) -> FileResult:
    """One MEM000 finding; with the text (it decoded but did not parse) `full` shows the line.
    Hidden only when the configuration ignores exactly `MEM000` for this path."""
    if config is not None and not config.selection.reports_parse_errors(path):
        return FileResult(path)
    location = Location(exc.line, exc.column)
    finding = Finding(
        PARSE_ERROR_CODE, PARSE_ERROR_NAME, exc.reason, path, location, location, source_line=_line(text, exc.line)
    )
    return FileResult(path, findings=(finding,))
