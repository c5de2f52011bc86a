"""How fast a cold run could be at best, and what parsing part of a module would save.

    python benchmarks/speed_bounds.py                    # the stdlib corpus (speed.py's)
    python benchmarks/speed_bounds.py --corpus numeric   # the numeric corpus
    python benchmarks/speed_bounds.py --limit 20         # a smoke run on 20 files

CPU seconds in this one process (the ratios hold for any number of workers: the floor is the
same work split the same way).

Part 1, a lower bound for `memlint --no-cache`: every file is parsed by CPython (memlint vets
every file with it), and a file where some rule reports must be parsed by LibCST and visited by
at least the rules that report in it. Their sum over the floor's work (LibCST parsing every file)
is what the cold run's ratio to the floor would be with an oracle for a screen, a screen walk that
costs nothing, no start-up and no engine cost beyond those rules: issue 15's "cold <= 0.5x the
floor" is below it on the standard library.

Part 2, partial parsing: LibCST would parse a copy of each file that some screen lets through,
with the top-level `def`s and `class`es nothing needs replaced by one-line stubs that bind the
same names (blank lines keep every position). The share of those files' bytes kept, by what a
sound copy must keep:
- L1: the statements where a screen of a rule that runs matches (each top-level definition
  screened alone with the module's imports: `Same` across two definitions is missed, which only
  lowers the share), and every statement that is not a definition;
- L2: and the definitions kept code names, transitively (analysis/values.py reads the returns
  of a module function a call names), and those with a `global` statement (scopes.py);
- L3: and every definition that mentions a name the module binds outside `def`, `class` and
  imports: values.py decides that `ITEMS = []` stays tiny, and usage.py that a name is read
  once, from every read of a module-level name anywhere in the file.
L3 is what the value model needs; a rule that searches the whole module (MEM604 for where an
exception is raised again, MEM202 for the callers of a function, MEM103/MEM104 for classes that
define `readlines`) needs the whole file however the copy is made. The LibCST parse of the L3
copies against the originals is printed too.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
import sysconfig
import time
from pathlib import Path
from typing import Dict, List, Sequence, Set

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

import libcst  # noqa: E402
import speed  # noqa: E402
from memlint import api, parsing  # noqa: E402
from memlint.config import Config  # noqa: E402
from memlint.engine import run_rules  # noqa: E402
from memlint.prefilter import applicable  # noqa: E402
from memlint.registry import all_rules  # noqa: E402
from memlint.screen import screened  # noqa: E402
from memlint.selection import load_rules  # noqa: E402

DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")


def anchors(rules: Sequence[object], tree: ast.Module, text: str, path: str) -> Set[int]:
    imports = [s for s in tree.body if isinstance(s, (ast.Import, ast.ImportFrom))]
    found = set()
    for index, statement in enumerate(tree.body):
        if isinstance(statement, DEFINITIONS):
            alone = ast.Module(body=imports + [statement], type_ignores=[])
            if screened(rules, alone, text, path=path):
                found.add(index)
    return found


def kept(tree: ast.Module, anchored: Set[int], level: int) -> Set[int]:
    body = tree.body
    keep = set(anchored) | {i for i, s in enumerate(body) if not isinstance(s, DEFINITIONS)}
    if level < 2:
        return keep
    by_name: Dict[str, List[int]] = {}
    variables: Set[str] = set()
    for index, statement in enumerate(body):
        if isinstance(statement, DEFINITIONS):
            by_name.setdefault(statement.name, []).append(index)
            if any(type(node) is ast.Global for node in ast.walk(statement)):
                keep.add(index)
        else:
            variables.update(
                node.id for node in ast.walk(statement) if type(node) is ast.Name and type(node.ctx) is not ast.Load
            )
    if level >= 3:
        for index, statement in enumerate(body):
            if index not in keep and any(type(n) is ast.Name and n.id in variables for n in ast.walk(statement)):
                keep.add(index)
    pending = list(keep)
    while pending:
        for node in ast.walk(body[pending.pop()]):
            if type(node) is ast.Name:
                for index in by_name.get(node.id, ()):
                    if index not in keep:
                        keep.add(index)
                        pending.append(index)
    return keep


def stubbed(text: str, tree: ast.Module, keep: Set[int]) -> str:
    lines = LINE.findall(text)
    for index, statement in enumerate(tree.body):
        if index in keep:
            continue
        first = statement.decorator_list[0].lineno if statement.decorator_list else statement.lineno
        for number in range(first, statement.end_lineno + 1):
            line = lines[number - 1]
            lines[number - 1] = line[len(line.rstrip("\r\n")):]
        keyword = "class" if isinstance(statement, ast.ClassDef) else "async def" if isinstance(statement, ast.AsyncFunctionDef) else "def"
        stub = f"{keyword} {statement.name}" + (": pass" if keyword == "class" else "(): pass")
        lines[statement.lineno - 1] = stub + lines[statement.lineno - 1]
    return "".join(lines)


def timed(function, *args):
    """The CPU seconds `function(*args)` took, and what it returned (None if it raised)."""
    start = time.process_time()
    try:
        result = function(*args)
    except Exception:  # LibCST refuses a few files CPython accepts: the floor counts their time too
        result = None
    return time.process_time() - start, result


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=speed.CORPORA, default="stdlib")
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args(argv)
    if args.corpus == "stdlib":
        files = speed.corpus([Path(sysconfig.get_paths()["stdlib"])], 4)
    else:
        files = speed.corpus(list(speed.NUMERIC_ROOTS), 3)
    if args.limit:
        files = files[: args.limit]
    config = Config()
    rules = all_rules()
    cost = dict.fromkeys(("ast", "floor", "parse_found", "engine_found", "parse_reached", "parse_l3"), 0.0)
    size = dict.fromkeys(("all", "found", "reached", "l1", "l2", "l3"), 0)
    for _, path in files:
        data = path.read_bytes()
        text = parsing.decode(data).text
        size["all"] += len(text)
        seconds, tree = timed(ast.parse, text)
        cost["ast"] += seconds
        parse, module = timed(libcst.parse_module, text)  # each file parsed once: the floor's figure
        cost["floor"] += parse
        codes = sorted({f.code for f in api.lint_source(data, str(path), config).findings if f.code != "MEM000"})
        if codes and module is not None:
            size["found"] += len(text)
            cost["parse_found"] += parse
            cost["engine_found"] += timed(run_rules, module, load_rules([rules[c] for c in codes]), str(path), {}, text)[0]
        active = applicable(config.selection.candidates_for(str(path)), text)
        active = screened(active, tree, text, config.rule_options, str(path)) if active else ()
        if not active:
            continue
        size["reached"] += len(text)
        anchored = anchors(active, tree, text, str(path))
        for level in (1, 2, 3):
            copy = stubbed(text, tree, kept(tree, anchored, level))
            size[f"l{level}"] += len(re.sub(r"\n\s*\n", "\n", copy))  # blank lines cost next to nothing
        cost["parse_reached"] += parse
        cost["parse_l3"] += timed(libcst.parse_module, copy)[0]
    bound = cost["ast"] + cost["parse_found"] + cost["engine_found"]
    print(f"corpus {args.corpus}: {len(files)} files, {size['all']:,} characters")
    print()
    print("| part 1: the oracle's lower bound | CPU s | vs floor |")
    print("| --- | ---: | ---: |")
    print(f"| floor: LibCST parse of every file | {cost['floor']:.2f} | 1.00x |")
    print(f"| CPython's parse of every file | {cost['ast']:.2f} | {cost['ast'] / cost['floor']:.2f}x |")
    share = size["found"] / size["all"]
    print(f"| LibCST parse of the files with findings ({share:.0%} of the bytes) | {cost['parse_found']:.2f} | {cost['parse_found'] / cost['floor']:.2f}x |")
    print(f"| the reporting rules on them | {cost['engine_found']:.2f} | {cost['engine_found'] / cost['floor']:.2f}x |")
    print(f"| **sum: the lower bound** | {bound:.2f} | **{bound / cost['floor']:.2f}x** |")
    print()
    print(f"| part 2: partial parsing of the files a screen lets through ({size['reached'] / size['all']:.0%} of the bytes) | kept |")
    print("| --- | ---: |")
    reached = max(size["reached"], 1)
    for level, what in ((1, "L1: anchors and module-level code"), (2, "L2: and the definitions named, `global`"), (3, "L3: and the readers of module-level names")):
        print(f"| {what} | {size[f'l{level}'] / reached:.0%} |")
    if cost["parse_reached"]:
        print(f"| LibCST parse of the L3 copies vs the files | {cost['parse_l3'] / cost['parse_reached']:.0%} ({cost['parse_l3']:.2f} s of {cost['parse_reached']:.2f} s) |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
