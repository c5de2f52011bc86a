"""The pygls shell: the only module of `memlint server` that talks to the editor.

Documents live in pygls's workspace; `documents.Session` decides the settings and caches the
results of `api.lint_source`; this module turns findings into diagnostics, fixes into code
actions and rules into hovers. Linting runs on one worker thread, so the event loop keeps
reading messages while a file is analysed, and a result for a text that changed meanwhile is
dropped instead of published.
"""

from __future__ import annotations

import asyncio
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict, List, Optional, Sequence, Set, Tuple, TypeVar
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from memlint import __version__
from memlint.findings import PARSE_ERROR_CODE, Applicability, Edit, Finding
from memlint.fixing import edits_between
from memlint.server.actions import (
    UTF16,
    from_client,
    hover_text,
    noqa_code_at,
    noqa_edit,
    rule_page_uri,
    split_lines,
    to_client,
)
from memlint.server.documents import Session

SOURCE = "memlint"
FIX_ALL_KIND = f"{types.CodeActionKind.SourceFixAll.value}.{SOURCE}"  # source.fixAll.memlint
FIX_ALL_TITLE = "memlint: fix all safe fixes"
PYTHON_SUFFIXES = (".py", ".pyi")
NOTEBOOK_SUFFIX = ".ipynb"
CONFIG_FILE = "pyproject.toml"
# Jupyter notebooks' Python cells: the client sends a notebook whole (notebookDocument/*), and
# its code cells are linted as one module. ("jupyter-notebook" is the notebook type of VS Code's
# Jupyter extension. A selector by cell language alone would cover every notebook type, but
# lsprotocol 2025.0.0, which pygls-based clients use, cannot read one.)
NOTEBOOK_SYNC = types.NotebookDocumentSyncOptions(
    notebook_selector=[
        types.NotebookDocumentFilterWithNotebook(
            notebook=types.NotebookDocumentFilterNotebookType(notebook_type="jupyter-notebook"),
            cells=[types.NotebookCellLanguage(language="python")],
        )
    ],
    save=True,
)

T = TypeVar("T")
logger = logging.getLogger("memlint.server")


class MemlintServer(LanguageServer):
    def __init__(self, debounce: float) -> None:
        super().__init__(
            "memlint",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            notebook_document_sync=NOTEBOOK_SYNC,
        )
        self.debounce = debounce
        self.session = Session()
        self._linter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="memlint-lint")
        self._pending: Dict[str, "asyncio.Task[None]"] = {}
        self._published_cells: Dict[str, Set[str]] = {}  # notebook -> cells given diagnostics

    # -- documents -------------------------------------------------------------------------

    @property
    def encoding(self) -> str:
        kind = self.workspace.position_encoding
        return str(getattr(kind, "value", kind) or UTF16)

    def is_python(self, uri: str) -> bool:
        document = self.workspace.text_documents.get(unquote(uri))
        if document is not None and document.language_id == "python":
            return True
        return urlparse(uri).path.endswith(PYTHON_SUFFIXES)

    def path_of(self, uri: str, suffixes: Tuple[str, ...] = PYTHON_SUFFIXES) -> str:
        """The file a document stands for; an unsaved one is placed in the workspace root."""
        path = to_fs_path(uri) if urlparse(uri).scheme == "file" else None
        if path is None:
            root = self.workspace.root_path or os.getcwd()
            name = os.path.basename(urlparse(uri).path) or "untitled"
            path = os.path.join(root, name if name.endswith(suffixes) else name + suffixes[0])
        return path

    def notebook_of(self, cell_uri: str) -> Optional[types.NotebookDocument]:
        return self.workspace.get_notebook_document(cell_uri=cell_uri)

    def cells_of(self, notebook_uri: str) -> List[Tuple[str, str]]:
        """(uri, text) of a notebook's Python code cells, in order (markdown cells left out)."""
        notebook = self.workspace.get_notebook_document(notebook_uri=notebook_uri)
        if notebook is None:
            return []
        cells = []
        for cell in notebook.cells:
            document = self.workspace.text_documents.get(unquote(cell.document))
            if cell.kind == types.NotebookCellKind.Code and document is not None:
                if document.language_id in (None, "python"):
                    cells.append((cell.document, document.source))
        return cells

    async def run(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run linting work on the single worker thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._linter, lambda: function(*args, **kwargs))

    # -- diagnostics -----------------------------------------------------------------------

    def schedule(self, uri: str, delay: float) -> None:
        """(Re)start the countdown to linting `uri`; a newer edit restarts it."""
        previous = self._pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        self._pending[uri] = asyncio.ensure_future(self._lint_later(uri, delay))

    async def _lint_later(self, uri: str, delay: float) -> None:
        try:
            if delay > 0:
                await asyncio.sleep(delay)
            await self.publish(uri)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a memlint bug: say so, keep serving
            logger.exception("linting %s failed", uri)
            self.log_error(f"memlint: error: {uri}: {type(exc).__name__}: {exc}")
        finally:
            if self._pending.get(uri) is asyncio.current_task():
                del self._pending[uri]

    async def publish(self, uri: str) -> None:
        if self.workspace.get_notebook_document(notebook_uri=uri) is not None:
            await self.publish_notebook(uri)
            return
        document = self.workspace.text_documents.get(unquote(uri))
        if document is None:
            return
        text, version = document.source, document.version
        result = await self.run(self.session.lint, text, self.path_of(uri))
        self.show_config_errors()
        self.report(result.errors)
        current = self.workspace.text_documents.get(unquote(uri))
        if current is None or current.source != text:
            return  # edited (or closed) while linting: the newer text has its own turn
        lines = split_lines(text)
        diagnostics = [self.diagnostic(finding, lines) for finding in result.findings]
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version)
        )

    async def publish_notebook(self, uri: str) -> None:
        """Lint the code cells as one module; each cell gets the diagnostics of its findings."""
        cells = self.cells_of(uri)
        result = await self.run(
            self.session.lint_cells, [text for _, text in cells], self.path_of(uri, (NOTEBOOK_SUFFIX,))
        )
        self.show_config_errors()
        self.report(result.errors)
        if self.cells_of(uri) != cells:
            return  # edited (or closed) while linting
        per_cell: Dict[str, List[types.Diagnostic]] = {cell_uri: [] for cell_uri, _ in cells}
        for finding in result.findings:
            cell_uri, text = cells[finding.cell.number - 1]
            per_cell[cell_uri].append(self.diagnostic(finding, split_lines(text)))
        for gone in self._published_cells.get(uri, set()) - set(per_cell):
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=gone, diagnostics=[]))
        for cell_uri, diagnostics in per_cell.items():
            version = self.workspace.text_documents[unquote(cell_uri)].version
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=cell_uri, diagnostics=diagnostics, version=version)
            )
        self._published_cells[uri] = set(per_cell)

    def diagnostic(self, finding: Finding, lines: List[str]) -> types.Diagnostic:
        page = rule_page_uri(finding.code)
        data: Dict[str, Any] = {"name": finding.name}
        if finding.estimated_bytes is not None:
            data["estimated_bytes"] = finding.estimated_bytes
        if finding.fix is not None:
            data["fix"] = finding.fix.applicability.value
        return types.Diagnostic(
            range=self.range(lines, finding.location, finding.end_location),
            message=finding.message,
            severity=types.DiagnosticSeverity.Error
            if finding.code == PARSE_ERROR_CODE
            else types.DiagnosticSeverity.Warning,
            code=finding.code,
            code_description=types.CodeDescription(href=page) if page else None,
            source=SOURCE,
            data=data,
        )

    def range(self, lines: List[str], start: Any, end: Any) -> types.Range:
        start_line, start_char = to_client(lines, start, self.encoding)
        end_line, end_char = to_client(lines, end, self.encoding)
        return types.Range(
            start=types.Position(line=start_line, character=start_char),
            end=types.Position(line=end_line, character=end_char),
        )

    def text_edits(self, lines: List[str], edits: Sequence[Edit]) -> List[types.TextEdit]:
        return [
            types.TextEdit(range=self.range(lines, edit.location, edit.end_location), new_text=edit.content)
            for edit in edits
        ]

    def log_error(self, message: str) -> None:
        self.window_log_message(types.LogMessageParams(type=types.MessageType.Error, message=message))

    def report(self, errors: Sequence[Any]) -> None:
        """memlint bugs found while linting (a rule crashed, a fix did not apply): logged."""
        for error in errors:
            self.log_error(f"memlint: error: {error.filename}: {error.message}")

    def show_config_errors(self) -> None:
        while self.session.config_errors:
            message = self.session.config_errors.pop(0)
            self.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning, message=f"memlint: {message}"))

    async def reload(self) -> None:
        """pyproject.toml changed: read it again and lint every open Python document.

        The session is cleared on the worker thread, after any lint in progress: a result
        computed with the old settings is never stored after the reload."""
        await self.run(self.session.reload)
        for uri in list(self.workspace.text_documents):
            if self.is_python(uri) and self.notebook_of(uri) is None:
                self.schedule(uri, 0)
        for uri in list(self.workspace.notebook_documents):
            self.schedule(uri, 0)

    def forget(self, uri: str, cell_uris: Sequence[str] = ()) -> None:
        """A closed document (or notebook, with its cells): stop any pending lint and clear
        its diagnostics."""
        pending = self._pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        if uri in self._published_cells or cell_uris:
            for cell_uri in sorted(self._published_cells.pop(uri, set()) | set(cell_uris)):
                self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=cell_uri, diagnostics=[]))
        else:
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    # -- code actions and hover ------------------------------------------------------------

    async def findings_in(self, uri: str, *, with_edits: bool = False) -> Tuple[str, List[Finding]]:
        """The text of a document (or notebook cell) and its findings, positioned in it."""
        notebook = self.notebook_of(uri)
        if notebook is None:
            text = self.workspace.get_text_document(uri).source
            result = await self.run(self.session.lint, text, self.path_of(uri), with_edits=with_edits)
            return text, list(result.findings)
        cells = self.cells_of(notebook.uri)
        index = next((i for i, (cell_uri, _) in enumerate(cells) if unquote(cell_uri) == unquote(uri)), None)
        if index is None:
            return "", []
        result = await self.run(
            self.session.lint_cells,
            [text for _, text in cells],
            self.path_of(notebook.uri, (NOTEBOOK_SUFFIX,)),
            with_edits=with_edits,
        )
        return cells[index][1], [f for f in result.findings if f.cell is not None and f.cell.number == index + 1]

    async def fix_all_edit(self, uri: str) -> Optional[types.WorkspaceEdit]:
        """Every safe fix of the document, or of the whole notebook the cell belongs to."""
        notebook = self.notebook_of(uri)
        if notebook is None:
            text = self.workspace.get_text_document(uri).source
            fixed = await self.run(self.session.fix_all, text, self.path_of(uri))
            if fixed is None:
                return None
            return types.WorkspaceEdit(changes={uri: self.text_edits(split_lines(text), edits_between(text, fixed))})
        cells = self.cells_of(notebook.uri)
        sources = [text for _, text in cells]
        fixed_cells = await self.run(self.session.fix_cells, sources, self.path_of(notebook.uri, (NOTEBOOK_SUFFIX,)))
        if fixed_cells is None:
            return None
        changes = {
            cell_uri: self.text_edits(split_lines(text), edits_between(text, new))
            for (cell_uri, text), new in zip(cells, fixed_cells)
            if new != text
        }
        return types.WorkspaceEdit(changes=changes) if changes else None

    async def code_actions(self, params: types.CodeActionParams) -> List[types.CodeAction]:
        """Quick fixes and noqa for the findings in the range, and fix-all.

        Editors ask for code actions whenever the cursor moves, so the work is kept to what is
        shown: fixes' edits are computed only when a finding in the range has a fix, and a
        fix-all that was not asked for by kind (the light bulb's request, `only` unset) is
        offered only when there is a safe fix, its edit left to `codeAction/resolve` when the
        client can resolve edits."""
        uri = params.text_document.uri
        if not self.is_python(uri) and self.notebook_of(uri) is None:
            return []
        only = params.context.only
        actions: List[types.CodeAction] = []
        text, findings = await self.findings_in(uri)
        lines = split_lines(text)
        if _wanted(only, types.CodeActionKind.QuickFix):
            here = [f for f in findings if _overlaps(self.range(lines, f.location, f.end_location), params.range)]
            if any(finding.fix is not None for finding in here):
                text, findings = await self.findings_in(uri, with_edits=True)
                here = [f for f in findings if _overlaps(self.range(lines, f.location, f.end_location), params.range)]
            for finding in here:
                actions += self.finding_actions(uri, text, lines, finding)
        if only is None and not any(f.fix is not None and f.fix.applicability is Applicability.SAFE for f in findings):
            return actions  # nothing for fix-all to do, and it was not asked for
        if _wanted(only, FIX_ALL_KIND):
            if only is None and self.resolves_edits():
                actions.append(
                    types.CodeAction(title=FIX_ALL_TITLE, kind=FIX_ALL_KIND, data={"fixAll": uri})
                )
            else:
                edit = await self.fix_all_edit(uri)
                if edit is not None:
                    actions.append(types.CodeAction(title=FIX_ALL_TITLE, kind=FIX_ALL_KIND, edit=edit))
        return actions

    def resolves_edits(self) -> bool:
        """Can the client ask for a code action's edit later (`codeAction/resolve`)?"""
        text_document = self.client_capabilities.text_document
        code_action = text_document.code_action if text_document else None
        support = code_action.resolve_support if code_action else None
        return support is not None and "edit" in support.properties

    async def resolve(self, action: types.CodeAction) -> types.CodeAction:
        data = action.data if isinstance(action.data, dict) else {}
        uri = data.get("fixAll")
        if isinstance(uri, str) and action.edit is None:
            action.edit = await self.fix_all_edit(uri) or types.WorkspaceEdit(changes={})
        return action

    def finding_actions(self, uri: str, text: str, lines: List[str], finding: Finding) -> List[types.CodeAction]:
        diagnostic = self.diagnostic(finding, lines)
        actions = []
        fix = finding.fix
        if fix is not None and fix.edits and fix.applicability is not Applicability.DISPLAY:
            safe = fix.applicability is Applicability.SAFE
            actions.append(
                types.CodeAction(
                    title=f"{finding.code}: {fix.title}" + ("" if safe else " (unsafe fix: may change behaviour)"),
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic],
                    is_preferred=safe,
                    edit=types.WorkspaceEdit(changes={uri: self.text_edits(lines, fix.edits)}),
                )
            )
        if finding.code != PARSE_ERROR_CODE:
            edit = noqa_edit(text, finding.location.line, finding.code)
            if edit is not None:
                actions.append(
                    types.CodeAction(
                        title=f"Disable {finding.code} for this line",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[diagnostic],
                        edit=types.WorkspaceEdit(changes={uri: self.text_edits(lines, [edit])}),
                    )
                )
        return actions

    async def hover(self, params: types.HoverParams) -> Optional[types.Hover]:
        uri = params.text_document.uri
        if not self.is_python(uri) and self.notebook_of(uri) is None:
            return None
        text = self.workspace.get_text_document(uri).source
        lines = split_lines(text)
        here = from_client(lines, params.position.line, params.position.character, self.encoding)
        codes: List[str] = []
        line_text = lines[here.line - 1] if here.line <= len(lines) else ""
        noqa_code = noqa_code_at(line_text, here.column)
        if noqa_code is not None:
            codes.append(noqa_code)
        else:
            _, findings = await self.findings_in(uri)
            for finding in findings:
                start, end = finding.location, finding.end_location
                if (start.line, start.column) <= (here.line, here.column) <= (end.line, end.column):
                    if finding.code not in codes:
                        codes.append(finding.code)
        texts = [hover for hover in map(hover_text, codes) if hover]
        if not texts:
            return None
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n\n---\n\n".join(texts))
        )


def _wanted(only: Optional[Sequence[str]], kind: str) -> bool:
    """Does a request limited to the kinds `only` ask for `kind`? (`source` covers `source.fixAll`...)"""
    return only is None or any(kind == wanted or kind.startswith(wanted + ".") for wanted in only)


def _key(position: types.Position) -> Tuple[int, int]:
    return (position.line, position.character)


def _overlaps(a: types.Range, b: types.Range) -> bool:
    return _key(a.start) <= _key(b.end) and _key(b.start) <= _key(a.end)


def build_server(debounce: float) -> MemlintServer:
    server = MemlintServer(debounce)

    @server.feature(types.INITIALIZE)
    def initialize(params: types.InitializeParams) -> None:
        server.session.root = server.workspace.root_path

    @server.feature(types.INITIALIZED)
    async def initialized(params: types.InitializedParams) -> None:
        watched = server.client_capabilities.workspace
        if watched and watched.did_change_watched_files and watched.did_change_watched_files.dynamic_registration:
            registration = types.Registration(
                id="memlint-pyproject",
                method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=types.DidChangeWatchedFilesRegistrationOptions(
                    watchers=[types.FileSystemWatcher(glob_pattern=f"**/{CONFIG_FILE}")]
                ),
            )
            try:
                await server.client_register_capability_async(types.RegistrationParams(registrations=[registration]))
            except Exception as exc:  # a client that refuses: settings then reload on save only
                logger.warning("could not watch pyproject.toml files: %s", exc)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(params: types.DidOpenTextDocumentParams) -> None:
        if server.is_python(params.text_document.uri):
            server.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(params: types.DidChangeTextDocumentParams) -> None:
        if server.is_python(params.text_document.uri):
            server.schedule(params.text_document.uri, server.debounce)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
    async def did_save(params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        if urlparse(uri).path.endswith("/" + CONFIG_FILE):
            await server.reload()
        elif server.is_python(uri):
            server.schedule(uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    async def did_close(params: types.DidCloseTextDocumentParams) -> None:
        server.forget(params.text_document.uri)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_OPEN)
    async def notebook_open(params: types.DidOpenNotebookDocumentParams) -> None:
        server.schedule(params.notebook_document.uri, 0)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CHANGE)
    async def notebook_change(params: types.DidChangeNotebookDocumentParams) -> None:
        server.schedule(params.notebook_document.uri, server.debounce)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_SAVE)
    async def notebook_save(params: types.DidSaveNotebookDocumentParams) -> None:
        server.schedule(params.notebook_document.uri, 0)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CLOSE)
    async def notebook_close(params: types.DidCloseNotebookDocumentParams) -> None:
        server.forget(params.notebook_document.uri, [cell.uri for cell in params.cell_text_documents])

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    async def watched_files(params: types.DidChangeWatchedFilesParams) -> None:
        if any(urlparse(change.uri).path.endswith("/" + CONFIG_FILE) for change in params.changes):
            await server.reload()

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND], resolve_provider=True),
    )
    async def code_action(params: types.CodeActionParams) -> List[types.CodeAction]:
        return await server.code_actions(params)

    @server.feature(types.CODE_ACTION_RESOLVE)
    async def code_action_resolve(params: types.CodeAction) -> types.CodeAction:
        return await server.resolve(params)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(params: types.HoverParams) -> Optional[types.Hover]:
        return await server.hover(params)

    return server


def serve(debounce: float) -> None:
    build_server(debounce).start_io()
