"""`memlint server`: a language server over stdio (pygls 2 / lsprotocol, the `server` extra).

The package splits the server in two: `documents.py` and `actions.py` are plain Python (what
to lint with which configuration, the content-keyed result cache, `# noqa` edits, hover text),
and `app.py` is the pygls shell, the only module that talks to the editor. Linting itself is
`api.lint_source`, as for every other shell.
"""

from __future__ import annotations

import argparse
import sys
from typing import Optional, Sequence

EXIT_ERROR = 2
DEFAULT_DEBOUNCE_MS = 100

INSTALL_HINT = (
    "memlint: error: `memlint server` needs pygls 2 and lsprotocol, which the `server` extra installs:\n"
    '  pip install ".[server]"      (in a checkout of memlint)\n'
    '  pip install "pygls>=2,<3"    (into the environment memlint is installed in)\n'
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="memlint server",
        description="Run the memlint language server on standard input and output.",
    )
    parser.add_argument(
        "--debounce",
        type=int,
        default=DEFAULT_DEBOUNCE_MS,
        metavar="MS",
        help=f"wait this long after the last edit before linting (default: {DEFAULT_DEBOUNCE_MS})",
    )
    parser.add_argument("--stdio", action="store_true", help="accepted for clients that pass it; stdio is the only transport")
    return parser


def server_available() -> bool:
    """True when pygls 2 (with lsprotocol) can be imported."""
    try:
        import lsprotocol.types  # noqa: F401
        import pygls.lsp.server  # noqa: F401  (pygls 1 has no `pygls.lsp.server`)
    except ImportError:
        return False
    return True


def main(argv: Optional[Sequence[str]] = None) -> int:
    try:
        args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:  # --help (0) and usage errors (2), returned like the CLI does
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR
    if args.debounce < 0:
        print("memlint: error: --debounce must be 0 or more milliseconds", file=sys.stderr)
        return EXIT_ERROR
    if not server_available():
        sys.stderr.write(INSTALL_HINT)
        return EXIT_ERROR
    from memlint.server.app import serve

    serve(debounce=args.debounce / 1000)
    return 0
