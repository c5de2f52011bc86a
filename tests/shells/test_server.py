"""`memlint server` end to end: a real LSP client (pytest-lsp) drives the server over stdio.

One server process serves the whole module (starting one costs the import of LibCST and the
rules); every test works on its own files in its own directory.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import pytest

from memlint import __version__
from memlint.api import lint_source

pytest_lsp = pytest.importorskip("pytest_lsp", reason="the server tests need pytest-lsp (Python 3.10+)")
types = pytest.importorskip("lsprotocol.types")
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities  # noqa: E402

pytestmark = pytest.mark.asyncio(loop_scope="module")

TIMEOUT = 30  # seconds; a healthy run takes well under one per step
ROOT = Path(__file__).resolve().parents[2]

SUM_LIST = "total = sum([x * 2 for x in data])\n"
SUM_FIXED = "total = sum(x * 2 for x in data)\n"
UNSAFE_ALL = "ok = all([check(x) for x in data])\n"  # MEM101 with an unsafe fix (check may have effects)
BIG = "big = sum([x for x in range(10**6)])\n"


@pytest_lsp.fixture(
    scope="module",
    config=ClientServerConfig(server_command=[sys.executable, "-m", "memlint", "server", "--debounce", "20"]),
)
async def client(lsp_client: LanguageClient, tmp_path_factory: pytest.TempPathFactory):
    registrations: List[Any] = []
    lsp_client.registrations = registrations  # type: ignore[attr-defined]

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: Any) -> None:
        registrations.extend(params.registrations)

    # Every publishDiagnostics notification, in order (the client itself keeps only the last).
    published: List[Any] = []
    lsp_client.published = published  # type: ignore[attr-defined]
    features = lsp_client.protocol.fm.features
    keep_last = features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]

    def record(params: Any) -> None:
        published.append(params)
        keep_last(params)

    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = record
    root = tmp_path_factory.mktemp("workspace")
    capabilities = client_capabilities("visual-studio-code")  # VS Code 1.65's, from before notebook sync:
    capabilities.notebook_document = types.NotebookDocumentClientCapabilities(  # what later versions add
        synchronization=types.NotebookDocumentSyncClientCapabilities(execution_summary_support=True)
    )
    lsp_client.initialize_result = await lsp_client.initialize_session(  # type: ignore[attr-defined]
        types.InitializeParams(capabilities=capabilities, root_uri=root.as_uri())
    )
    yield
    await lsp_client.shutdown_session()


async def expect_diagnostics(client: LanguageClient, uri: str, action: Any) -> List[Any]:
    """Do `action` (a callable), then wait for the next diagnostics published for `uri`."""
    seen = len(client.published)
    action()
    for _ in range(int(TIMEOUT / 0.01)):
        for params in client.published[seen:]:
            if params.uri == uri:
                return list(params.diagnostics)
        await asyncio.sleep(0.01)
    raise AssertionError(f"no diagnostics published for {uri} within {TIMEOUT} s")


def open_document(client: LanguageClient, path: Path, text: str, version: int = 1) -> None:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=path.as_uri(), language_id="python", version=version, text=text)
        )
    )


def replace_text(client: LanguageClient, path: Path, text: str, version: int) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=path.as_uri(), version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def apply(text: str, edits: Sequence[Any]) -> str:
    """Apply LSP text edits (ASCII text: UTF-16 columns are characters)."""
    lines = text.splitlines(keepends=True)

    def offset(position: Any) -> int:
        return sum(len(line) for line in lines[: position.line]) + position.character

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


async def actions_at(client: LanguageClient, path: Path, diagnostic: Any, only: Optional[List[str]] = None) -> List[Any]:
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
            range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic], only=only),
        )
    )
    return list(result or [])


async def test_capabilities(client: LanguageClient):
    result = client.initialize_result
    assert (result.server_info.name, result.server_info.version) == ("memlint", __version__)
    capabilities = result.capabilities
    assert capabilities.text_document_sync.change == types.TextDocumentSyncKind.Incremental
    assert capabilities.text_document_sync.save == types.SaveOptions(include_text=False)
    assert list(capabilities.code_action_provider.code_action_kinds) == ["quickfix", "source.fixAll.memlint"]
    assert capabilities.hover_provider
    (selector,) = capabilities.notebook_document_sync.notebook_selector
    assert selector.notebook.notebook_type == "jupyter-notebook"
    assert [cell.language for cell in selector.cells] == ["python"]


async def test_open_reports_each_finding_with_code_link_and_size(client: LanguageClient, tmp_path: Path):
    path = tmp_path / "report.py"
    text = "import os\n" + BIG + SUM_LIST
    diagnostics = await expect_diagnostics(client, path.as_uri(), lambda: open_document(client, path, text))
    assert [(d.code, d.range.start.line, d.range.start.character) for d in diagnostics] == [
        ("MEM101", 1, 10),
        ("MEM101", 2, 12),
    ]
    big, unknown = diagnostics
    assert big.source == "memlint"
    assert big.severity == types.DiagnosticSeverity.Warning
    assert big.range.end == types.Position(line=1, character=35)
    assert big.code_description.href == (ROOT / "docs" / "rules" / "MEM101.md").as_uri()
    assert big.data["estimated_bytes"] > 30 * 10**6
    assert big.data["estimated_bytes"] == lint_source(BIG).findings[0].estimated_bytes
    assert "estimated_bytes" not in unknown.data  # the size of `data` is not known
    assert big.message == lint_source(BIG).findings[0].message


async def test_edits_relint_after_the_debounce_and_close_clears(client: LanguageClient, tmp_path: Path):
    path = tmp_path / "edit.py"
    uri = path.as_uri()
    assert await expect_diagnostics(client, uri, lambda: open_document(client, path, "x = 1\n")) == []

    def type_a_line() -> None:  # an incremental edit: insert a line at the end
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=types.Range(start=types.Position(line=1, character=0), end=types.Position(line=1, character=0)),
                        text=SUM_LIST,
                    )
                ],
            )
        )

    diagnostics = await expect_diagnostics(client, uri, type_a_line)
    assert [(d.code, d.range.start.line) for d in diagnostics] == [("MEM101", 1)]

    # Two quick edits: only the text after the second one is reported.
    def two_edits() -> None:
        replace_text(client, path, "x = 1\n" + SUM_LIST + SUM_LIST, 3)
        replace_text(client, path, "x = 1\n", 4)

    assert await expect_diagnostics(client, uri, two_edits) == []
    replace_text(client, path, SUM_LIST, 5)
    closing = lambda: client.text_document_did_close(  # noqa: E731
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert await expect_diagnostics(client, uri, closing) == []


async def test_quick_fix_and_noqa_actions_apply(client: LanguageClient, tmp_path: Path):
    path = tmp_path / "fix.py"
    uri = path.as_uri()
    text = "data = load()\n" + SUM_LIST
    (diagnostic,) = await expect_diagnostics(client, uri, lambda: open_document(client, path, text))
    actions = await actions_at(client, path, diagnostic)
    assert [(a.title, a.kind, a.is_preferred) for a in actions] == [
        ("MEM101: Replace the comprehension with a generator expression", "quickfix", True),
        ("Disable MEM101 for this line", "quickfix", None),
        ("memlint: fix all safe fixes", "source.fixAll.memlint", None),
    ]
    fix, noqa, fix_all = actions
    assert list(fix.diagnostics) == [diagnostic]
    # Not asked for by kind (the light bulb's request): the client resolves fix-all's edit later.
    assert fix_all.edit is None
    resolved = await client.code_action_resolve_async(fix_all)
    assert apply(text, resolved.edit.changes[uri]) == "data = load()\n" + SUM_FIXED
    fixed = apply(text, fix.edit.changes[uri])
    assert fixed == "data = load()\n" + SUM_FIXED
    assert await expect_diagnostics(client, uri, lambda: replace_text(client, path, fixed, 2)) == []

    silenced = apply(text, noqa.edit.changes[uri])
    assert silenced == "data = load()\n" + SUM_LIST.rstrip("\n") + "  # noqa: MEM101\n"
    assert await expect_diagnostics(client, uri, lambda: replace_text(client, path, silenced, 3)) == []

    # A `# noqa` for another code is extended, not duplicated.
    other = "data = load()\n" + SUM_LIST.rstrip("\n") + "  # noqa: E501\n"
    (diagnostic,) = await expect_diagnostics(client, uri, lambda: replace_text(client, path, other, 4))
    noqa = [a for a in await actions_at(client, path, diagnostic) if a.title.startswith("Disable")][0]
    assert apply(other, noqa.edit.changes[uri]).endswith("  # noqa: E501, MEM101\n")


async def test_unsafe_fix_is_titled_as_such_and_not_preferred(client: LanguageClient, tmp_path: Path):
    path = tmp_path / "unsafe.py"
    (diagnostic,) = await expect_diagnostics(client, path.as_uri(), lambda: open_document(client, path, UNSAFE_ALL))
    actions = await actions_at(client, path, diagnostic, only=[types.CodeActionKind.QuickFix])
    fix = actions[0]
    assert fix.title == "MEM101: Replace the comprehension with a generator expression (unsafe fix: may change behaviour)"
    assert fix.is_preferred is False
    assert apply(UNSAFE_ALL, fix.edit.changes[path.as_uri()]) == "ok = all(check(x) for x in data)\n"
    # Nothing safe to fix: no fix-all action, asked for or not.
    assert await actions_at(client, path, diagnostic, only=[types.CodeActionKind.SourceFixAll]) == []
    assert [a.kind for a in await actions_at(client, path, diagnostic)] == ["quickfix", "quickfix"]


async def test_fix_all_applies_safe_fixes_only(client: LanguageClient, tmp_path: Path):
    path = tmp_path / "all.py"
    uri = path.as_uri()
    text = "data = load()\n" + SUM_LIST + UNSAFE_ALL + "low = min([x + 1 for x in data])\n"
    diagnostics = await expect_diagnostics(client, uri, lambda: open_document(client, path, text))
    assert [d.code for d in diagnostics] == ["MEM101", "MEM101", "MEM101"]
    (action,) = await actions_at(client, path, diagnostics[0], only=[types.CodeActionKind.SourceFixAll])
    assert action.kind == "source.fixAll.memlint"
    fixed = apply(text, action.edit.changes[uri])
    assert fixed == "data = load()\n" + SUM_FIXED + UNSAFE_ALL + "low = min(x + 1 for x in data)\n"
    assert fixed == lint_source(text, fix=True).fixed_source
    # No quick fixes when only fix-all is asked for.
    (action,) = await actions_at(client, path, diagnostics[0], only=["source.fixAll.memlint"])
    assert action.kind == "source.fixAll.memlint"


async def test_hover_on_a_finding_and_on_a_noqa_code(client: LanguageClient, tmp_path: Path):
    path = tmp_path / "hover.py"
    uri = path.as_uri()
    text = SUM_LIST + "best = max([len(r) for r in data])  # noqa: MEM101\n"
    await expect_diagnostics(client, uri, lambda: open_document(client, path, text))

    async def hover(line: int, character: int) -> Optional[str]:
        result = await client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                position=types.Position(line=line, character=character),
            )
        )
        return None if result is None else result.contents.value

    on_finding = await hover(0, 15)
    assert on_finding.startswith("**MEM101** `comprehension-in-reducer`\n\nFlags a list (or set) comprehension")
    assert "**Measured:** `sum([x * 2 for x in data])`" in on_finding or "**Measured:** " in on_finding
    assert "tracemalloc peak" in on_finding
    on_noqa = await hover(1, text.splitlines()[1].index("MEM101") + 2)
    assert on_noqa == on_finding
    assert await hover(0, 2) is None  # `total`: no finding there


async def test_unparsable_document_gives_one_diagnostic_and_the_server_lives(client: LanguageClient, tmp_path: Path):
    path = tmp_path / "broken.py"
    uri = path.as_uri()
    (diagnostic,) = await expect_diagnostics(client, uri, lambda: open_document(client, path, "def f(:\n    pass\n"))
    assert diagnostic.code == "MEM000"
    assert diagnostic.severity == types.DiagnosticSeverity.Error
    assert diagnostic.range.start.line == 0
    assert diagnostic.code_description.href == (ROOT / "docs" / "rules" / "MEM000.md").as_uri()
    assert await actions_at(client, path, diagnostic) == []  # no fix, no noqa for a syntax error
    diagnostics = await expect_diagnostics(client, uri, lambda: replace_text(client, path, SUM_LIST, 2))
    assert [d.code for d in diagnostics] == ["MEM101"]


async def test_pyproject_changes_reload_the_settings(client: LanguageClient, tmp_path: Path):
    for _ in range(100):  # the server registers its watcher after `initialized`, asynchronously
        if client.registrations:
            break
        await asyncio.sleep(0.05)
    assert [r.method for r in client.registrations] == ["workspace/didChangeWatchedFiles"]
    assert client.registrations[0].register_options == {"watchers": [{"globPattern": "**/pyproject.toml"}]}
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.memlint]\nignore = ["MEM101"]\n', encoding="utf-8")
    path = tmp_path / "pkg" / "mod.py"
    path.parent.mkdir()
    uri = path.as_uri()
    text = SUM_LIST + "for pair in list(zip(a, b)):\n    use(pair)\n"
    diagnostics = await expect_diagnostics(client, uri, lambda: open_document(client, path, text))
    assert [d.code for d in diagnostics] == ["MEM102"]

    pyproject.write_text('[tool.memlint]\nignore = ["MEM102"]\n', encoding="utf-8")
    changed = lambda: client.workspace_did_change_watched_files(  # noqa: E731
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=pyproject.as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    diagnostics = await expect_diagnostics(client, uri, changed)
    assert [d.code for d in diagnostics] == ["MEM101"]

    # Saving pyproject.toml in the editor reloads too (for clients that do not watch files).
    pyproject.write_text("[tool.memlint]\n", encoding="utf-8")
    saved = lambda: client.text_document_did_save(  # noqa: E731
        types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=pyproject.as_uri()))
    )
    diagnostics = await expect_diagnostics(client, uri, saved)
    assert [d.code for d in diagnostics] == ["MEM101", "MEM102"]


async def test_broken_pyproject_warns_once_and_uses_the_defaults(client: LanguageClient, tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text("[tool.memlint]\nselect = 3\n", encoding="utf-8")
    path = tmp_path / "mod.py"
    before = len(client.messages)
    diagnostics = await expect_diagnostics(client, path.as_uri(), lambda: open_document(client, path, SUM_LIST))
    assert [d.code for d in diagnostics] == ["MEM101"]
    warnings = client.messages[before:]
    assert len(warnings) == 1
    assert warnings[0].type == types.MessageType.Warning
    assert warnings[0].message.startswith(f"memlint: {tmp_path / 'pyproject.toml'}: [tool.memlint]: 'select' must be")
    assert warnings[0].message.endswith("; using the default settings")


CELL_IMPORT = "import pickle\n\nindex = [str(x) for x in range(10)]\n"
CELL_WRITE = "with open('index.pkl', 'wb') as handle:\n    handle.write(pickle.dumps(index))\n"
CELL_SUM = "total = sum([x * 2 for x in index])\n"


async def expect_cells(client: LanguageClient, uris: Sequence[str], action: Any) -> Dict[str, List[Any]]:
    """Do `action`, then wait until each of `uris` has new diagnostics; the last ones of each."""
    seen = len(client.published)
    action()
    for _ in range(int(TIMEOUT / 0.01)):
        latest = {params.uri: list(params.diagnostics) for params in client.published[seen:]}
        if all(uri in latest for uri in uris):
            return latest
        await asyncio.sleep(0.01)
    raise AssertionError(f"no diagnostics published for all of {uris} within {TIMEOUT} s")


async def test_notebook_cells_are_one_module_and_edits_relint(client: LanguageClient, tmp_path: Path):
    notebook_uri = (tmp_path / "analysis.ipynb").as_uri()
    cell = [f"vscode-notebook-cell:{tmp_path / 'analysis.ipynb'}#cell{i}" for i in range(4)]
    code, markup = types.NotebookCellKind.Code, types.NotebookCellKind.Markup
    texts = [CELL_IMPORT, "# Notes\n", CELL_WRITE, CELL_SUM]
    opening = lambda: client.notebook_document_did_open(  # noqa: E731
        types.DidOpenNotebookDocumentParams(
            notebook_document=types.NotebookDocument(
                uri=notebook_uri,
                notebook_type="jupyter-notebook",
                version=1,
                cells=[types.NotebookCell(kind=markup if i == 1 else code, document=cell[i]) for i in range(4)],
            ),
            cell_text_documents=[
                types.TextDocumentItem(uri=cell[i], language_id="markdown" if i == 1 else "python", version=1, text=texts[i])
                for i in range(4)
            ],
        )
    )
    code_cells = [cell[0], cell[2], cell[3]]
    published = await expect_cells(client, code_cells, opening)
    assert cell[1] not in published  # markdown: nothing to say
    assert published[cell[0]] == []
    # `pickle` is imported in the first cell and used in the third: names flow between cells,
    # and each finding is placed in its own cell, in the cell's own lines.
    assert [(d.code, d.range.start.line, d.range.start.character) for d in published[cell[2]]] == [("MEM501", 1, 4)]
    assert [(d.code, d.range.start.line, d.range.start.character) for d in published[cell[3]]] == [("MEM101", 0, 12)]

    # Editing the first cell changes what the third one means: `pickle` is no longer imported.
    editing = lambda: client.notebook_document_did_change(  # noqa: E731
        types.DidChangeNotebookDocumentParams(
            notebook_document=types.VersionedNotebookDocumentIdentifier(uri=notebook_uri, version=2),
            change=types.NotebookDocumentChangeEvent(
                cells=types.NotebookDocumentCellChanges(
                    text_content=[
                        types.NotebookDocumentCellContentChanges(
                            document=types.VersionedTextDocumentIdentifier(uri=cell[0], version=2),
                            changes=[
                                types.TextDocumentContentChangePartial(
                                    range=types.Range(
                                        start=types.Position(line=0, character=7),
                                        end=types.Position(line=0, character=13),
                                    ),
                                    text="json",
                                )
                            ],
                        )
                    ]
                )
            ),
        )
    )
    published = await expect_cells(client, code_cells, editing)
    assert published[cell[2]] == []
    (diagnostic,) = published[cell[3]]

    # A quick fix edits its own cell, in the cell's coordinates.
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=cell[3]),
            range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic]),
        )
    )
    fix, noqa, fix_all = actions
    assert fix.title == "MEM101: Replace the comprehension with a generator expression"
    assert list(fix.edit.changes) == [cell[3]]
    assert apply(CELL_SUM, fix.edit.changes[cell[3]]) == "total = sum(x * 2 for x in index)\n"
    assert apply(CELL_SUM, noqa.edit.changes[cell[3]]) == CELL_SUM.rstrip("\n") + "  # noqa: MEM101\n"
    assert fix_all.kind == "source.fixAll.memlint"
    resolved = await client.code_action_resolve_async(fix_all)
    assert list(resolved.edit.changes) == [cell[3]]  # the other cells have nothing safe to fix

    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=cell[3]), position=diagnostic.range.start)
    )
    assert hover.contents.value.startswith("**MEM101** `comprehension-in-reducer`")

    closing = lambda: client.notebook_document_did_close(  # noqa: E731
        types.DidCloseNotebookDocumentParams(
            notebook_document=types.NotebookDocumentIdentifier(uri=notebook_uri),
            cell_text_documents=[types.TextDocumentIdentifier(uri=uri) for uri in cell],
        )
    )
    published = await expect_cells(client, code_cells, closing)
    assert all(published[uri] == [] for uri in code_cells)


async def test_excluded_files_get_nothing_and_unsaved_documents_are_linted(client: LanguageClient, tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text('[tool.memlint]\nextend-exclude = ["generated"]\n', encoding="utf-8")
    excluded = tmp_path / "generated" / "tables.py"
    assert await expect_diagnostics(client, excluded.as_uri(), lambda: open_document(client, excluded, SUM_LIST)) == []

    untitled = "untitled:Untitled-1"
    opening = lambda: client.text_document_did_open(  # noqa: E731
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=untitled, language_id="python", version=1, text=SUM_LIST)
        )
    )
    assert [d.code for d in await expect_diagnostics(client, untitled, opening)] == ["MEM101"]
