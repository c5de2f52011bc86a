"""Recall in the wild: a deliberately naive `ast` scanner for each rule's pattern, against memlint.

    python benchmarks/precision/recall.py                    # candidates vs findings-baseline.json
    python benchmarks/precision/recall.py --label after      # vs findings-after.json
    python benchmarks/precision/recall.py --label after --write   # also the recall block of docs/precision.md

The scanner ignores types and sizes on purpose: it finds every place that *looks like* a rule's
pattern (`sum([...])`, `np.append` in a loop, `.pop(0)` in a loop, `copy.deepcopy` in a loop,
`lru_cache` on a method, ...). A candidate counts as reported when memlint has a finding with one
of the pattern's codes in the same file on a line the candidate's node spans. Of the non-test
candidates memlint does not report, up to PER_PATTERN per pattern (PER_BIG_PATTERN when BIG or
more are not reported) are drawn (seed `SEED:PATTERN`)
and written to `recall-sample-LABEL.jsonl` / `.md`; their verdicts go in `recall-verdicts.jsonl`
(keyed by project, path, line, pattern): **missed** (a real antipattern memlint did not report,
with why) or **skipped** (correctly not reported, with why).
"""

from __future__ import annotations

import argparse
import ast
import json
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Set, Tuple

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from sample import SEED, context, is_test, projects  # noqa: E402

PER_PATTERN = 4
PER_BIG_PATTERN = 8   # for patterns with at least BIG unreported candidates
BIG = 30

REDUCERS = {"sum", "min", "max", "any", "all", "sorted", "fsum", "prod", "nlargest", "nsmallest", "Counter"}
LAZY = {"range", "zip", "map", "filter", "enumerate", "reversed", "iter"}
ITERTOOLS = {"combinations", "permutations", "product", "chain", "islice", "groupby", "count",
             "accumulate", "zip_longest", "starmap", "repeat", "cycle", "compress", "pairwise",
             "combinations_with_replacement", "takewhile", "dropwhile", "tee", "filterfalse"}
NP_ALLOC = {"zeros", "ones", "empty", "full"}
NP_CONSTRUCT = NP_ALLOC | {"array", "asarray", "arange", "linspace", "load", "loadtxt", "genfromtxt",
                           "concatenate", "vstack", "hstack", "stack", "copy", "zeros_like", "ones_like",
                           "empty_like", "full_like", "eye", "identity", "fromfile", "frombuffer"}
NP_GROW = {"append", "concatenate", "vstack", "hstack", "dstack", "column_stack", "insert", "row_stack"}

# pattern -> (memlint codes that cover it, description)
PATTERNS = {
    "reducer-of-listcomp": (("MEM101",), "`sum/min/max/any/all/sorted/...([comprehension])`"),
    "for-over-list-of-lazy": (("MEM102",), "`for x in list(range/zip/map/itertools...)`"),
    "readlines-iteration": (("MEM103",), "`for line in f.readlines()`"),
    "read-splitlines": (("MEM104",), "`f.read().splitlines()` / `.split('\\n')` iterated"),
    "len-of-listcomp": (("MEM105",), "`len([comprehension])` / `len(list(lazy))`"),
    "first-of-list": (("MEM106", "MEM110"), "`list(x)[0]` / `[comprehension][0]` / `tuple(x)[0]` / `sorted(x)[0]`"),
    "redundant-copy": (("MEM107",), "`sorted(list(x))`, `list(sorted(x))`, `set(list(x))`..."),
    "array-of-listcomp": (("MEM108",), "`np.array/asarray([comprehension])` / `np.array(list(gen))`"),
    "for-over-slice": (("MEM109",), "`for x in xs[a:b]`"),
    "def-in-loop": (("MEM201",), "`def`/`class` inside a loop"),
    "nested-def-in-recursive": (("MEM202",), "nested `def` in a function that calls itself"),
    "np-alloc-in-loop": (("MEM203",), "`np.zeros/ones/empty/full(...)` inside a loop"),
    "deepcopy-in-loop": (("MEM204",), "`copy.deepcopy(...)` inside a loop, `pickle.loads(pickle.dumps(x))`"),
    "np-grow-in-loop": (("MEM301",), "`a = np.append/concatenate/vstack(... a ...)` inside a loop"),
    "df-grow-in-loop": (("MEM302",), "`df = pd.concat([df, ...])` / `df.append` inside a loop"),
    "concat-in-loop": (("MEM303",), "`x = x + [..]` / `x += (..)` / `b += bytes` inside a loop"),
    "pop0-insert0-in-loop": (("MEM304",), "`.pop(0)` / `.insert(0, x)` inside a loop"),
    "append-then-array": (("MEM305",), "a list appended in a loop, then `np.array(list)`"),
    "sum-of-lists": (("MEM306",), "`sum(xs, [])`"),
    "np-rebind-in-loop": (("MEM401",), "`name = np.<constructor>(...)` / `x.copy()` inside a loop"),
    "array-selfupdate-in-loop": (("MEM402",), "`a = a * k + ...` inside a loop"),
    "dumps-then-write": (("MEM501",), "`f.write(pickle.dumps/json.dumps(...))`"),
    "loads-of-read": (("MEM502",), "`pickle.loads(f.read())`"),
    "cache-on-method": (("MEM601",), "`lru_cache`/`cache` on a function whose first parameter is `self`"),
    "module-cache": (("MEM602",), "`lru_cache(None)`/`cache` on a module function; a module-level container filled by functions"),
    "mutable-default": (("MEM603",), "a `[]`/`{}`/`set()` default"),
    "stored-exception": (("MEM604",), "an `except ... as e` name stored on `self`/a global/returned"),
    "current-frame": (("MEM605",), "`inspect.currentframe()` / `sys._getframe()` / `inspect.stack()`"),
}


def dotted(node: ast.AST) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return ""


def call_name(node: ast.AST) -> str:
    return dotted(node.func) if isinstance(node, ast.Call) else ""


def last(name: str) -> str:
    return name.rsplit(".", 1)[-1]


def is_np(name: str, attrs: Set[str]) -> bool:
    return "." in name and name.split(".")[0] in ("np", "numpy") and last(name) in attrs


COMPS = (ast.ListComp, ast.SetComp)


class Scanner(ast.NodeVisitor):
    def __init__(self) -> None:
        self.found: List[Tuple[str, ast.AST]] = []
        self.loop_depth = 0
        self.functions: List[ast.AST] = []
        self.module_containers: Dict[str, ast.AST] = {}

    def add(self, pattern: str, node: ast.AST) -> None:
        self.found.append((pattern, node))

    # -- scopes and loops
    def visit_Module(self, node: ast.Module) -> None:
        for stmt in node.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                value = stmt.value
                if isinstance(value, (ast.Dict, ast.List, ast.Set)) or call_name(value) in (
                        "dict", "list", "set", "defaultdict", "collections.defaultdict", "OrderedDict"):
                    self.module_containers[stmt.targets[0].id] = stmt
        self.generic_visit(node)
        if self.module_containers:
            filled = set()
            for fn in ast.walk(node):
                if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    continue
                for sub in ast.walk(fn):
                    target = None
                    if isinstance(sub, (ast.Assign, ast.AugAssign)):
                        for t in (sub.targets if isinstance(sub, ast.Assign) else [sub.target]):
                            if isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name):
                                target = t.value.id
                    elif isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) and \
                            sub.func.attr in ("append", "add", "update", "setdefault", "extend", "insert") and \
                            isinstance(sub.func.value, ast.Name):
                        target = sub.func.value.id
                    if target in self.module_containers:
                        filled.add(target)
            for name in sorted(filled):
                self.add("module-cache", self.module_containers[name])

    def _loop(self, node: ast.AST) -> None:
        self.loop_depth += 1
        self.generic_visit(node)
        self.loop_depth -= 1

    def visit_For(self, node: ast.For) -> None:
        self._iter_checks(node.iter, node)
        self._loop(node)

    visit_AsyncFor = visit_For

    def visit_While(self, node: ast.While) -> None:
        self._loop(node)

    def visit_comprehension_iters(self, node) -> None:
        for gen in node.generators:
            self._iter_checks(gen.iter, node)

    def visit_ListComp(self, node):
        self.visit_comprehension_iters(node)
        self._loop(node)

    visit_SetComp = visit_GeneratorExp = visit_DictComp = visit_ListComp

    def _iter_checks(self, it: ast.AST, owner: ast.AST) -> None:
        name = call_name(it)
        if name in ("list", "tuple") and it.args:
            inner = it.args[0]
            iname = call_name(inner)
            if last(iname) in LAZY | ITERTOOLS or isinstance(inner, (ast.GeneratorExp, ast.ListComp)):
                self.add("for-over-list-of-lazy", it)
        if isinstance(it, ast.Call) and isinstance(it.func, ast.Attribute) and it.func.attr == "readlines":
            self.add("readlines-iteration", it)
        if isinstance(it, ast.Call) and isinstance(it.func, ast.Attribute) and it.func.attr in ("splitlines", "split"):
            base = it.func.value
            if isinstance(base, ast.Call) and isinstance(base.func, ast.Attribute) and base.func.attr in ("read", "read_text"):
                self.add("read-splitlines", it)
        if isinstance(it, ast.Subscript) and isinstance(it.slice, ast.Slice):
            self.add("for-over-slice", it)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        if self.loop_depth:
            self.add("def-in-loop", node)
        # cache on a method (first parameter self)
        params = node.args.posonlyargs + node.args.args
        for dec in node.decorator_list:
            dname = dotted(dec.func if isinstance(dec, ast.Call) else dec)
            if last(dname) in ("lru_cache", "cache", "cached"):
                if params and params[0].arg == "self":
                    self.add("cache-on-method", node)
                elif not self.functions and params and (
                        last(dname) == "cache" or (isinstance(dec, ast.Call) and (
                            (dec.args and isinstance(dec.args[0], ast.Constant) and dec.args[0].value is None) or
                            any(k.arg == "maxsize" and isinstance(k.value, ast.Constant) and k.value.value is None
                                for k in dec.keywords)))):
                    self.add("module-cache", node)
        # mutable defaults
        for default in node.args.defaults + [d for d in node.args.kw_defaults if d is not None]:
            if isinstance(default, (ast.List, ast.Dict, ast.Set)) or call_name(default) in ("list", "dict", "set"):
                self.add("mutable-default", default)
        # nested def in a recursive function
        calls_self = any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == node.name
                         for n in ast.walk(node))
        if calls_self:
            for stmt in node.body:
                if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    self.add("nested-def-in-recursive", stmt)
        self._stored_exceptions(node)
        self._append_then_array(node)
        saved = self.loop_depth
        self.loop_depth = 0
        self.functions.append(node)
        self.generic_visit(node)
        self.functions.pop()
        self.loop_depth = saved

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        if self.loop_depth:
            self.add("def-in-loop", node)
        saved = self.loop_depth
        self.loop_depth = 0
        self.generic_visit(node)
        self.loop_depth = saved

    def _stored_exceptions(self, fn) -> None:
        for handler in ast.walk(fn):
            if not isinstance(handler, ast.ExceptHandler) or not handler.name:
                continue
            for sub in ast.walk(handler):
                stored = False
                if isinstance(sub, ast.Assign) and isinstance(sub.value, ast.Name) and sub.value.id == handler.name:
                    stored = any(isinstance(t, (ast.Attribute, ast.Subscript)) for t in sub.targets)
                elif isinstance(sub, ast.Return) and isinstance(sub.value, ast.Name) and sub.value.id == handler.name:
                    stored = True
                elif isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) and \
                        sub.func.attr in ("append", "add", "put", "put_nowait") and \
                        any(isinstance(a, ast.Name) and a.id == handler.name for a in sub.args):
                    stored = True
                if stored:
                    self.add("stored-exception", sub)

    def _append_then_array(self, fn) -> None:
        appended: Dict[str, int] = {}
        for loop in ast.walk(fn):
            if isinstance(loop, (ast.For, ast.While)):
                for sub in ast.walk(loop):
                    if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) and \
                            sub.func.attr == "append" and isinstance(sub.func.value, ast.Name):
                        appended.setdefault(sub.func.value.id, loop.end_lineno or loop.lineno)
        if not appended:
            return
        for sub in ast.walk(fn):
            name = call_name(sub)
            if is_np(name, {"array", "asarray", "vstack", "stack", "concatenate"}) and sub.args and \
                    isinstance(sub.args[0], ast.Name) and sub.args[0].id in appended and \
                    sub.lineno > appended[sub.args[0].id]:
                self.add("append-then-array", sub)

    # -- expressions
    def visit_Call(self, node: ast.Call) -> None:
        name = call_name(node)
        short = last(name)
        first = node.args[0] if node.args else None
        if short in REDUCERS and isinstance(first, COMPS) and (short == name or name.split(".")[0] in ("math", "heapq", "collections")):
            self.add("reducer-of-listcomp", node)
        if name == "len" and first is not None and (
                isinstance(first, ast.ListComp) or (call_name(first) in ("list", "tuple") and first.args and (
                    last(call_name(first.args[0])) in LAZY | ITERTOOLS | {"filter"} or isinstance(first.args[0], ast.GeneratorExp)))):
            self.add("len-of-listcomp", node)
        if name in ("sorted", "list", "tuple", "set") and first is not None and call_name(first) in ("list", "sorted", "tuple") \
                and not (name == "list" and call_name(first) == "tuple"):
            if not (name == "list" and call_name(first) == "sorted") or True:
                self.add("redundant-copy", node)
        if is_np(name, {"array", "asarray"}) and first is not None and (
                isinstance(first, ast.ListComp) or (call_name(first) == "list" and first.args and
                                                    isinstance(first.args[0], ast.GeneratorExp))):
            self.add("array-of-listcomp", node)
        if self.loop_depth and is_np(name, NP_ALLOC):
            self.add("np-alloc-in-loop", node)
        if self.loop_depth and short == "deepcopy":
            self.add("deepcopy-in-loop", node)
        if short == "loads" and first is not None and last(call_name(first)) == "dumps":
            self.add("deepcopy-in-loop", node)
        if self.loop_depth and isinstance(node.func, ast.Attribute) and node.func.attr in ("pop", "insert") and \
                first is not None and isinstance(first, ast.Constant) and first.value == 0:
            self.add("pop0-insert0-in-loop", node)
        if name == "sum" and len(node.args) == 2 and isinstance(node.args[1], (ast.List, ast.Tuple)):
            self.add("sum-of-lists", node)
        if isinstance(node.func, ast.Attribute) and node.func.attr in ("write", "write_bytes", "write_text") and \
                first is not None and last(call_name(first)) == "dumps":
            self.add("dumps-then-write", node)
        if short == "loads" and name.split(".")[0] in ("pickle", "marshal", "cPickle") and first is not None and \
                last(call_name(first)) in ("read", "read_bytes"):
            self.add("loads-of-read", node)
        if name in ("inspect.currentframe", "sys._getframe", "inspect.stack", "inspect.trace", "currentframe"):
            self.add("current-frame", node)
        self.generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        index = node.slice
        if isinstance(index, ast.Constant) and index.value == 0 and (
                isinstance(node.value, ast.ListComp) or call_name(node.value) in ("list", "tuple", "sorted")):
            self.add("first-of-list", node)
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        if self.loop_depth and len(node.targets) == 1:
            target = node.targets[0]
            tname = dotted(target)
            value = node.value
            vname = call_name(value)
            if tname:
                reads_self = any(dotted(n) == tname for n in ast.walk(value))
                if is_np(vname, NP_GROW) and reads_self:
                    self.add("np-grow-in-loop", node)
                elif last(vname) == "concat" and reads_self:
                    self.add("df-grow-in-loop", node)
                elif isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and \
                        value.func.attr == "append" and dotted(value.func.value) == tname and "." not in vname[:0]:
                    if not is_np(vname, {"append"}):
                        self.add("df-grow-in-loop", node)
                if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add) and (
                        (dotted(value.left) == tname and isinstance(value.right, (ast.List, ast.Tuple))) or
                        (dotted(value.right) == tname and isinstance(value.left, (ast.List, ast.Tuple)))):
                    self.add("concat-in-loop", node)
                if isinstance(target, ast.Name) and (is_np(vname, NP_CONSTRUCT) or (
                        isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "copy"
                        and not value.args)) and not reads_self:
                    self.add("np-rebind-in-loop", node)
                if isinstance(target, ast.Name) and isinstance(value, ast.BinOp) and \
                        isinstance(value.op, (ast.Mult, ast.Add, ast.Sub, ast.Div)) and \
                        any(isinstance(n, ast.Name) and n.id == tname for n in ast.walk(value.left)) and \
                        isinstance(value.left, ast.BinOp):
                    self.add("array-selfupdate-in-loop", node)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        if self.loop_depth and isinstance(node.op, ast.Add) and (
                isinstance(node.value, ast.Tuple) or
                (isinstance(node.value, ast.Constant) and isinstance(node.value.value, bytes))):
            self.add("concat-in-loop", node)
        self.generic_visit(node)


def scan_file(path: Path) -> Iterator[Tuple[str, int, int]]:
    try:
        tree = ast.parse(path.read_bytes())
    except (SyntaxError, ValueError):
        return
    scanner = Scanner()
    scanner.visit(tree)
    seen = set()
    for pattern, node in scanner.found:
        first = node.lineno
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.decorator_list:
            first = min(first, min(d.lineno for d in node.decorator_list))
        span = (pattern, first, getattr(node, "end_lineno", node.lineno) or node.lineno)
        if span not in seen:
            seen.add(span)
            yield span


def candidates(corpus: Path) -> List[dict]:
    out = []
    for project in projects(corpus):
        root = corpus / project
        for path in sorted(root.rglob("*.py")):
            rel = path.relative_to(root).as_posix()
            for pattern, line, end in scan_file(path):
                out.append({"project": project, "path": rel, "line": line, "end_line": end,
                            "pattern": pattern, "test": is_test(rel)})
    return out


def mark_reported(cands: List[dict], findings: List[dict]) -> None:
    by_file: Dict[Tuple[str, str], List[dict]] = defaultdict(list)
    for f in findings:
        by_file[(f["project"], f["path"])].append(f)
    for c in cands:
        codes = PATTERNS[c["pattern"]][0]
        c["reported"] = any(f["code"] in codes and c["line"] <= f["line"] <= c["end_line"]
                            for f in by_file.get((c["project"], c["path"]), ()))


def draw(cands: List[dict], per: int = PER_PATTERN) -> List[dict]:
    groups: Dict[str, List[dict]] = defaultdict(list)
    for c in cands:
        if not c["test"] and not c["reported"]:
            groups[c["pattern"]].append(c)
    out = []
    for pattern in sorted(groups):
        size = PER_BIG_PATTERN if len(groups[pattern]) >= BIG else per
        items = sorted(groups[pattern], key=lambda c: (c["project"], c["path"], c["line"]))
        rng = random.Random(f"{SEED}:{pattern}")
        rng.shuffle(items)
        # spread across projects: one per project per round
        by_project: Dict[str, List[dict]] = defaultdict(list)
        for c in items:
            by_project[c["project"]].append(c)
        order = list(by_project)
        picked: List[dict] = []
        while len(picked) < size and any(by_project.values()):
            for p in order:
                if by_project[p] and len(picked) < size:
                    picked.append(by_project[p].pop(0))
        out.extend(sorted(picked, key=lambda c: (c["project"], c["path"], c["line"])))
    return out


def rkey(item: dict) -> Tuple[str, str, int, str]:
    return (item["project"], item["path"], int(item["line"]), item["pattern"])


def load_verdicts() -> Dict[Tuple[str, str, int, str], dict]:
    path = HERE / "recall-verdicts.jsonl"
    table = {}
    if path.is_file():
        for line in path.read_text().splitlines():
            if line.strip():
                v = json.loads(line)
                table[rkey(v)] = v
    return table


def derive_from_rule_verdicts(drawn: List[dict], verdicts) -> List[dict]:
    """A candidate memlint reported on the baseline, whose finding was judged, no longer reported:
    a TP is a missed antipattern (recall lost), an FP a correct skip."""
    sys.path.insert(0, str(HERE))
    from report import key_of, load_verdicts as load_rule_verdicts
    base_path = HERE / "findings-baseline.json"
    if not base_path.is_file():
        return []
    rule_verdicts = load_rule_verdicts()
    by_file: Dict[Tuple[str, str], List[dict]] = defaultdict(list)
    for f in json.loads(base_path.read_text()):
        by_file[(f["project"], f["path"])].append(f)
    out = []
    for c in drawn:
        if rkey(c) in verdicts:
            continue
        codes = PATTERNS[c["pattern"]][0]
        for f in by_file.get((c["project"], c["path"]), ()):
            if f["code"] in codes and c["line"] <= f["line"] <= c["end_line"]:
                rv = rule_verdicts.get(key_of(f), {}).get(f["message"])
                if rv is None or rv["verdict"] == "DEB":
                    continue
                lost = rv["verdict"].startswith("TP")
                out.append({"project": c["project"], "path": c["path"], "line": c["line"], "pattern": c["pattern"],
                            "verdict": "missed" if lost else "skipped",
                            "reason": ("reported on the baseline and judged " + rv["verdict"] +
                                       (" " + rv["class"] if rv.get("class") else "") + ", no longer reported: " + rv["reason"]),
                            "judged_on": "from-rule-verdict"})
                break
    return out


def summary(cands: List[dict], drawn: List[dict], verdicts) -> Tuple[str, List[Tuple[dict, dict]]]:
    total = Counter(c["pattern"] for c in cands if not c["test"])
    reported = Counter(c["pattern"] for c in cands if not c["test"] and c["reported"])
    drawn_by = Counter(c["pattern"] for c in drawn)
    missed = Counter()
    skipped = Counter()
    judged = []
    for c in drawn:
        v = verdicts.get(rkey(c))
        if v:
            judged.append((c, v))
            (missed if v["verdict"] == "missed" else skipped)[c["pattern"]] += 1
    lines = ["| pattern (naive) | memlint rule | candidates (non-test) | reported | not reported | drawn | missed | correctly skipped |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for pattern, (codes, _desc) in PATTERNS.items():
        if not total[pattern]:
            continue
        lines.append(f"| {pattern} | {', '.join(codes)} | {total[pattern]} | {reported[pattern]} | "
                     f"{total[pattern] - reported[pattern]} | {drawn_by[pattern]} | {missed[pattern]} | {skipped[pattern]} |")
    lines.append(f"| **all** | | {sum(total.values())} | {sum(reported.values())} | "
                 f"{sum(total.values()) - sum(reported.values())} | {len(drawn)} | {sum(missed.values())} | "
                 f"{sum(skipped.values())} |")
    return "\n".join(lines), judged


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("/work/corpus"))
    parser.add_argument("--label", default="baseline")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args(argv)
    corpus = args.corpus.resolve()
    findings = json.loads((HERE / f"findings-{args.label}.json").read_text())
    cands = candidates(corpus)
    mark_reported(cands, findings)
    drawn = draw(cands)
    for c in drawn:
        c["context"] = context(corpus, c, width=5)
    with open(HERE / f"recall-sample-{args.label}.jsonl", "w") as handle:
        for c in drawn:
            handle.write(json.dumps(c) + "\n")
    verdicts = load_verdicts()
    derived = derive_from_rule_verdicts(drawn, verdicts)
    if derived:
        with open(HERE / "recall-verdicts.jsonl", "a") as handle:
            for v in derived:
                handle.write(json.dumps(v) + "\n")
                verdicts[rkey(v)] = v
        print(f"{len(derived)} drawn candidates judged from the rule verdicts of the baseline findings they carried")
    table, judged = summary(cands, drawn, verdicts)
    md = [f"# Recall probe `{args.label}`: non-test candidates memlint does not report (seed {SEED}, "
          f"up to {PER_PATTERN} per pattern, {PER_BIG_PATTERN} when {BIG}+ are not reported)\n"]
    for c in drawn:
        v = verdicts.get(rkey(c))
        head = f"{v['verdict']}: {v['reason']}" if v else "NOT JUDGED"
        md.append(f"\n## {c['pattern']} {c['project']}/{c['path']}:{c['line']}\n\n{head}\n\n```python\n"
                  + "\n".join(c["context"]) + "\n```\n")
    (HERE / f"recall-sample-{args.label}.md").write_text("".join(md))
    print(table)
    unjudged = [c for c in drawn if rkey(c) not in verdicts]
    print(f"\n{len(cands)} candidates, {len(drawn)} drawn, {len(unjudged)} not judged")
    if args.write:
        missed_lines = []
        for c, v in judged:
            if v["verdict"] == "missed":
                missed_lines.append(f"- **{c['pattern']}** ({', '.join(PATTERNS[c['pattern']][0])}) "
                                    f"`{c['project']}/{c['path']}:{c['line']}`: {v['reason']}")
        body = (f"Run against `findings-{args.label}.json`. Candidates are what the naive scanner in "
                f"`recall.py` finds; \"reported\" means memlint has a finding of the pattern's rule on a line "
                f"the candidate spans.\n\n" + table + "\n\nMissed antipatterns among the drawn candidates:\n\n"
                + ("\n".join(missed_lines) or "(none)") +
                f"\n\nEvery drawn candidate with its verdict: "
                f"[`benchmarks/precision/recall-sample-{args.label}.md`](../benchmarks/precision/recall-sample-{args.label}.md).")
        sys.path.insert(0, str(HERE))
        from report import DOC, replace_block
        DOC.write_text(replace_block(DOC.read_text(), f"recall-{args.label}" if args.label != "baseline" else "recall", body))
    return 0


if __name__ == "__main__":
    sys.exit(main())
