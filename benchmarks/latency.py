"""Editor latency: re-linting a 1,000-line module after a one-line edit, in process and through
`memlint server` over stdio.

    python benchmarks/latency.py                    # 40 rounds each, the generated module
    python benchmarks/latency.py --rounds 100       # more rounds
    python benchmarks/latency.py --file mod.py      # your own module instead
    python benchmarks/latency.py --no-server        # in process only (no pygls needed)

The module is generated (deterministic, 1,000 lines): the kind of analysis code memlint is for,
with data loading, pandas and numpy work, classes, loops, comprehensions and a few findings
(about three in every 100 lines). Each round changes one line in the middle of the module (the
one-line statement nearest the middle gets the comment `# edit N`, N the round's number), so no
round can be served from a cache; memlint re-lints the whole module whatever the edit.

- in process: `api.lint_source(text, path, config)` with the default rules, the work the server
  does per edit (plus the text to diagnostics conversion, which the server figure includes);
- server: a `memlint server --debounce 0` process driven by pygls's client over stdio: the time
  from writing `textDocument/didChange` to reading the `textDocument/publishDiagnostics` for that
  version (JSON-RPC both ways, the workspace update, linting on the worker thread, conversion).
  An editor waits the debounce (100 ms by default, `--debounce`) on top of it; `--debounce-ms`
  measures with another value.

Figures are the median (and 90th percentile) of --rounds rounds after --warmup rounds, in
milliseconds; the load average is printed beside them, since other processes share the CPU.
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

LINES = 1000
COMPOUND = (
    ast.If, ast.For, ast.While, ast.With, ast.Try, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
    ast.AsyncFor, ast.AsyncWith,
)

HEADER = '''"""Nightly sales analysis: load the exports, clean them, aggregate, write the reports."""

from __future__ import annotations

import collections
import csv
import json
import logging
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)
THRESHOLD = 0
'''

BLOCKS = [
    '''

@dataclass
class Order{n}:
    """One order line of the export."""

    order_id: str
    customer: str
    price: float
    quantity: int
    tags: List[str] = field(default_factory=list)

    @property
    def total(self) -> float:
        return self.price * self.quantity

    def is_large(self, limit: float = 1000.0) -> bool:
        return self.total > limit
''',
    '''

def load_orders_{n}(path: Path) -> List[dict]:
    """Read one CSV export into dictionaries, skipping malformed rows."""
    rows = []
    with open(path, newline="", encoding="utf-8") as handle:
        for record in csv.DictReader(handle):
            try:
                record["price"] = float(record["price"])
                record["quantity"] = int(record["quantity"])
            except (KeyError, ValueError):
                log.warning("skipping malformed row %r", record)
                continue
            rows.append(record)
    log.info("loaded %d rows from %s", len(rows), path)
    return rows
''',
    '''

def summarise_{n}(rows: Iterable[dict]) -> Dict[str, float]:
    """Revenue per customer, and the overall figures."""
    per_customer: Dict[str, float] = collections.defaultdict(float)
    for row in rows:
        per_customer[row["customer"]] += row["price"] * row["quantity"]
    ranked = sorted(per_customer.items(), key=lambda item: item[1], reverse=True)
    best = {{name: value for name, value in ranked[:10]}}
    revenue = sum([value for value in per_customer.values()])
    return {{"revenue": revenue, "customers": len(per_customer), **best}}
''',
    '''

def frame_{n}(rows: List[dict]) -> pd.DataFrame:
    """A typed frame with the derived columns the reports use."""
    frame = pd.DataFrame(rows)
    frame["total"] = frame["price"] * frame["quantity"]
    frame["month"] = pd.to_datetime(frame["date"]).dt.to_period("M")
    frame = frame[frame["total"] > THRESHOLD]
    monthly = frame.groupby(["month", "customer"], as_index=False)["total"].sum()
    monthly["share"] = monthly["total"] / monthly.groupby("month")["total"].transform("sum")
    return monthly.sort_values(["month", "share"], ascending=[True, False])
''',
    '''

def smooth_{n}(values: np.ndarray, window: int = 7) -> np.ndarray:
    """A centred moving average; the edges use the available points."""
    if window < 1:
        raise ValueError("window must be positive")
    kernel = np.ones(window) / window
    padded = np.pad(values, (window // 2, window - 1 - window // 2), mode="edge")
    smoothed = np.convolve(padded, kernel, mode="valid")
    trend = np.empty(0)
    for start in range(0, len(smoothed), window):
        trend = np.append(trend, smoothed[start : start + window].mean())
    return smoothed if len(trend) == 0 else smoothed - trend.mean()
''',
    '''

class Report{n}:
    """Collects sections and writes them as JSON."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.sections: List[dict] = []

    def add(self, name: str, data: dict) -> None:
        if not name:
            raise ValueError("a section needs a name")
        self.sections.append({{"name": name, "data": data}})

    def names(self) -> List[str]:
        return [section["name"] for section in self.sections]

    def write(self, path: Path) -> None:
        payload = {{"title": self.title, "sections": self.sections}}
        path.write_text(json.dumps(payload, indent=2), encoding="utf-8")
''',
    '''

def snapshot_{n}(model: dict, path: Path) -> Optional[int]:
    """Keep yesterday's model beside today's."""
    if not model:
        return None
    with open(path, "wb") as handle:
        handle.write(pickle.dumps(model))
    return path.stat().st_size
''',
]


def generate(lines: int = LINES) -> str:
    """The benchmark module: the header, then the blocks in turn until `lines` lines."""
    parts = [HEADER]
    count = HEADER.count("\n")
    index = 0
    while True:
        block = BLOCKS[index % len(BLOCKS)].format(n=index)
        if count + block.count("\n") > lines:
            break
        parts.append(block)
        count += block.count("\n")
        index += 1
    filler = lines - count
    parts.append("".join(f"COLUMN_{i} = 'c{i}'\n" for i in range(filler)))
    return "".join(parts)


def edit_line(text: str) -> int:
    """The 0-based line the edits change: the one-line simple statement nearest the middle."""
    middle = text.count("\n") // 2
    lines = text.split("\n")
    candidates = [
        node.lineno - 1
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.stmt)
        and not isinstance(node, COMPOUND)
        and node.lineno == node.end_lineno
        and not lines[node.lineno - 1].rstrip().endswith("\\")
    ]
    return min(candidates, key=lambda line: abs(line - middle))


def edited_line(line: str, round_number: int) -> str:
    """Round N's version of the edited line (round 0: the original)."""
    return line if round_number == 0 else f"{line}  # edit {round_number}"


def edited(text: str, line: int, round_number: int) -> str:
    lines = text.split("\n")
    lines[line] = edited_line(lines[line], round_number)
    return "\n".join(lines)


def summary(samples: List[float]) -> str:
    ordered = sorted(samples)
    p90 = ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))]
    return f"median {statistics.median(ordered) * 1000:6.1f} ms   p90 {p90 * 1000:6.1f} ms"


def in_process(text: str, path: str, rounds: int, warmup: int) -> Dict[str, Any]:
    import libcst

    from memlint.api import lint_source
    from memlint.config import load_config

    config = load_config([path], None, {})
    line = edit_line(text)
    start = time.perf_counter()
    first = lint_source(text, path, config)
    cold = time.perf_counter() - start
    wall, cpu, parse = [], [], []
    for number in range(1, warmup + rounds + 1):
        source = edited(text, line, number)
        start, start_cpu = time.perf_counter(), time.process_time()
        lint_source(source, path, config)
        end, end_cpu = time.perf_counter(), time.process_time()
        parse_cpu = time.process_time()
        libcst.parse_module(source)
        parse_cpu = time.process_time() - parse_cpu
        if number > warmup:
            wall.append(end - start)
            cpu.append(end_cpu - start_cpu)
            parse.append(parse_cpu)
    return {"first": cold, "wall": wall, "cpu": cpu, "parse": parse, "findings": len(first.findings)}


def _cpu_seconds(pid: int) -> Optional[float]:
    """User + system CPU time of a process so far (Linux /proc; None elsewhere)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def through_server(text: str, path: str, rounds: int, warmup: int, debounce_ms: int) -> Dict[str, Any]:
    from lsprotocol import types
    from pygls.lsp.client import LanguageClient

    uri = Path(path).as_uri()
    client = LanguageClient("latency-benchmark", "1")
    arrived: Dict[int, float] = {}
    counts: Dict[int, int] = {}
    waiters: Dict[int, "asyncio.Future[None]"] = {}

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def published(params: types.PublishDiagnosticsParams) -> None:
        if params.version is None:
            return
        arrived[params.version] = time.perf_counter()
        counts[params.version] = len(params.diagnostics)
        waiter = waiters.pop(params.version, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    await client.start_io(sys.executable, "-m", "memlint", "server", "--debounce", str(debounce_ms))
    await client.initialize_async(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            root_uri=Path(path).parent.as_uri(),
        )
    )
    client.initialized(types.InitializedParams())
    loop = asyncio.get_running_loop()

    pid = client._server.pid if client._server is not None else 0  # pygls keeps the process here
    cpu: List[float] = []

    async def send(version: int, change: Any) -> float:
        waiters[version] = loop.create_future()
        cpu_before = _cpu_seconds(pid)
        start = time.perf_counter()
        change()
        await asyncio.wait_for(waiters[version], 60)
        cpu_after = _cpu_seconds(pid)
        if cpu_before is not None and cpu_after is not None and version > warmup:
            cpu.append(cpu_after - cpu_before)
        return arrived[version] - start

    first = await send(
        0,
        lambda: client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(uri=uri, language_id="python", version=0, text=text)
            )
        ),
    )
    line = edit_line(text)
    original = text.split("\n")[line]
    samples = []
    for number in range(1, warmup + rounds + 1):
        previous = edited_line(original, number - 1)
        change = types.TextDocumentContentChangePartial(
            range=types.Range(
                start=types.Position(line=line, character=0),
                end=types.Position(line=line, character=len(previous.encode("utf-16-le")) // 2),
            ),
            text=edited_line(original, number),
        )
        elapsed = await send(
            number,
            lambda: client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=number),
                    content_changes=[change],
                )
            ),
        )
        if number > warmup:
            samples.append(elapsed)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return {"first": first, "wall": samples, "cpu": cpu, "findings": counts[0]}


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python benchmarks/latency.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--file", type=Path, help="lint this module instead of the generated one")
    parser.add_argument("--no-server", action="store_true", help="measure in process only")
    parser.add_argument("--debounce-ms", type=int, default=0, help="the server's --debounce for the server figure (default: 0)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as scratch:
        text = args.file.read_text(encoding="utf-8") if args.file else generate()
        path = os.path.join(scratch, "analysis.py")
        Path(path).write_text(text, encoding="utf-8")
        print(f"module: {args.file or 'generated'}, {text.count(chr(10))} lines; Python {sys.version.split()[0]}; "
              f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
        local = in_process(text, path, args.rounds, args.warmup)
        print(f"in process  first lint {local['first'] * 1000:.1f} ms, {local['findings']} findings")
        print(f"in process  re-lint after a one-line edit, wall: {summary(local['wall'])}")
        print(f"                                           CPU:  {summary(local['cpu'])}")
        print(f"            of which libcst.parse_module,  CPU:  {summary(local['parse'])}")
        if not args.no_server:
            remote = asyncio.run(through_server(text, path, args.rounds, args.warmup, args.debounce_ms))
            print(f"server      didOpen -> publishDiagnostics {remote['first'] * 1000:.1f} ms, {remote['findings']} diagnostics")
            print(f"server      didChange -> publishDiagnostics (debounce {args.debounce_ms} ms), wall: {summary(remote['wall'])}")
            if remote["cpu"]:
                print(f"            server process CPU per edit (10 ms ticks):    {summary(remote['cpu'])}")
        print(f"({args.rounds} rounds after {args.warmup} warm-up rounds each)")
        print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
