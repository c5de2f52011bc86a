"""What linting a notebook costs on top of linting the same code as a module (in process).

    python benchmarks/notebook_overhead.py               # 200 cells, 3 runs each
    python benchmarks/notebook_overhead.py --cells 50 --runs 5

The notebook is built with nbformat (`pip install nbformat`): each code cell holds
`docs/examples/report_totals.py` behind a `%time` line magic, and a 25 kB PNG output, as a
plotted notebook carries. The module is the same code joined, without the magics and outputs.
Each figure is the best of --runs runs of `memlint.notebook.lint_notebook` and
`memlint.api.lint_source`, with and without fixes; the difference is the adapter: reading the
JSON, joining and masking the cells, mapping findings back and writing fixes into the JSON text.
"""

from __future__ import annotations

import argparse
import base64
import os
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent


def best(function: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    import nbformat

    from memlint.api import lint_source
    from memlint.notebook import lint_notebook

    code = (ROOT / "docs" / "examples" / "report_totals.py").read_text(encoding="utf-8")
    notebook = nbformat.v4.new_notebook()
    for number in range(args.cells):
        cell = nbformat.v4.new_code_cell(f"%time x{number} = {number}\n" + code)
        png = base64.b64encode(os.urandom(25_000)).decode("ascii")
        cell.outputs.append(nbformat.v4.new_output("display_data", data={"image/png": png}))
        notebook.cells.append(cell)
    text = nbformat.writes(notebook)
    module = "\n".join(f"x{number} = {number}\n" + code for number in range(args.cells))
    lines = module.count("\n") + 1
    print(f"{args.cells} cells, {lines:,} lines of code, notebook {len(text) / 1e6:.1f} MB; best of {args.runs}:")
    cases = [
        ("module", lambda: lint_source(module, "big.py")),
        ("notebook", lambda: lint_notebook(text, "big.ipynb")),
        ("module --fix", lambda: lint_source(module, "big.py", fix=True)),
        ("notebook --fix", lambda: lint_notebook(text, "big.ipynb", fix=True)),
    ]
    for label, function in cases:
        print(f"  {label:<15} {best(function, args.runs):6.2f} s")


if __name__ == "__main__":
    main()
