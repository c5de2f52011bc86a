"""Per-rule precision from the judged sample; writes the generated parts of docs/precision.md.

    python benchmarks/precision/report.py                  # print the table for every labelled sample
    python benchmarks/precision/report.py --label baseline # one sample
    python benchmarks/precision/report.py --write          # also BASELINE-FPS.md and docs/precision.md's tables
    python benchmarks/precision/report.py --unjudged after # list the drawn findings without a verdict
    python benchmarks/precision/report.py --unjudged after --all   # ... every non-test finding without one

To check a rule branch against the verdicts (every baseline non-test finding is judged):

    python benchmarks/precision/sample.py --label mine --memlint /work/venvs/NAME/bin/memlint --out /tmp/p
    python benchmarks/precision/report.py --label mine --dir /tmp/p

prints the per-rule table (the "every finding" column counts the findings that already have a
verdict), which baseline TPs the branch no longer reports, and how many findings are new.

Reads, next to this file, `findings-LABEL.json` and `sample-LABEL.jsonl` (written by sample.py) and
`verdicts.jsonl`: one judged finding a line, keyed by project, path, line and code, with the
message it was judged on. A verdict applies to a drawn finding with the same key and the same
message; a later line for the same key and message overrides an earlier one. A finding whose key
matches but whose message differs is listed as needing a new look (`--unjudged`) — its meaning
may have changed (new advice, new evidence) — and is left out until judged.

Verdicts: TP-mem, TP-free, FP (with class a/b/c/d), DEB. Precision = TP / (TP + FP); DEB is
reported apart. "weighted" scales each rule's precision by its non-test findings.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Dict, List, Optional, Tuple

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
DOC = REPO / "docs" / "precision.md"
VERDICTS = HERE / "verdicts.jsonl"
LABELS = ("baseline", "after")
FIRES_ENOUGH = 5      # rules with at least this many non-test findings must reach RULE_TARGET
RULE_TARGET = 0.80
WHOLE_TARGET = 0.90

Key = Tuple[str, str, int, str]


def key_of(item: dict) -> Key:
    return (item["project"], item["path"], int(item["line"]), item["code"])


def load_verdicts(path: Path = VERDICTS) -> Dict[Key, Dict[str, dict]]:
    table: Dict[Key, Dict[str, dict]] = defaultdict(dict)
    if path.is_file():
        for line in path.read_text().splitlines():
            if line.strip():
                verdict = json.loads(line)
                table[key_of(verdict)][verdict["message"]] = verdict
    return table


def load_label(label: str, directory: Path = HERE):
    findings_path = directory / f"findings-{label}.json"
    sample_path = directory / f"sample-{label}.jsonl"
    if not findings_path.is_file() or not sample_path.is_file():
        return None
    findings = json.loads(findings_path.read_text())
    sample = [json.loads(line) for line in sample_path.read_text().splitlines() if line.strip()]
    return findings, sample


def match(sample: List[dict], verdicts) -> Tuple[List[Tuple[dict, dict]], List[dict], List[dict]]:
    judged, changed, missing = [], [], []
    for finding in sample:
        by_message = verdicts.get(key_of(finding), {})
        if finding["message"] in by_message:
            judged.append((finding, by_message[finding["message"]]))
        elif by_message:
            changed.append(finding)
        else:
            missing.append(finding)
    return judged, changed, missing


def precision(tp: int, fp: int) -> Optional[float]:
    return tp / (tp + fp) if tp + fp else None


def pct(value: Optional[float]) -> str:
    return "–" if value is None else f"{100 * value:.0f} %"


def rule_rows(findings: List[dict], judged: List[Tuple[dict, dict]], verdicts=None) -> Dict[str, dict]:
    rows: Dict[str, dict] = defaultdict(lambda: {"findings": 0, "tests": 0, "sampled": 0, "TP-mem": 0,
                                                  "TP-free": 0, "FP": 0, "DEB": 0, "classes": Counter(),
                                                  "pop_judged": 0, "pop_TP": 0, "pop_FP": 0})
    for finding in findings:
        if finding["code"] == "MEM000":  # a file memlint could not lint: not a rule (printed apart)
            continue
        row = rows[finding["code"]]
        row["tests" if finding["test"] else "findings"] += 1
        if verdicts is not None and not finding["test"]:
            verdict = verdicts.get(key_of(finding), {}).get(finding["message"])
            if verdict is not None:
                row["pop_judged"] += 1
                if verdict["verdict"].startswith("TP"):
                    row["pop_TP"] += 1
                elif verdict["verdict"] == "FP":
                    row["pop_FP"] += 1
    for finding, verdict in judged:
        row = rows[finding["code"]]
        row["sampled"] += 1
        row[verdict["verdict"]] += 1
        if verdict["verdict"] == "FP":
            row["classes"][verdict["class"] or "?"] += 1
    for row in rows.values():
        row["TP"] = row["TP-mem"] + row["TP-free"]
        row["precision"] = precision(row["TP"], row["FP"])
        row["pop_precision"] = precision(row["pop_TP"], row["pop_FP"])
    return rows


def totals(rows: Dict[str, dict]) -> dict:
    tp = sum(r["TP"] for r in rows.values())
    fp = sum(r["FP"] for r in rows.values())
    weighted_num = weighted_den = 0.0
    for row in rows.values():
        if row["precision"] is not None:
            weighted_num += row["precision"] * row["findings"]
            weighted_den += row["findings"]
    return {
        "findings": sum(r["findings"] for r in rows.values()),
        "tests": sum(r["tests"] for r in rows.values()),
        "sampled": sum(r["sampled"] for r in rows.values()),
        "TP": tp, "TP-free": sum(r["TP-free"] for r in rows.values()), "FP": fp,
        "DEB": sum(r["DEB"] for r in rows.values()),
        "precision": precision(tp, fp),
        "weighted": weighted_num / weighted_den if weighted_den else None,
        "pop_judged": sum(r["pop_judged"] for r in rows.values()),
        "pop_TP": sum(r["pop_TP"] for r in rows.values()),
        "pop_FP": sum(r["pop_FP"] for r in rows.values()),
        "pop_precision": precision(sum(r["pop_TP"] for r in rows.values()), sum(r["pop_FP"] for r in rows.values())),
    }


def classes_text(counter: Counter) -> str:
    return " ".join(f"{k}:{v}" for k, v in sorted(counter.items())) or ""


def table_markdown(rows: Dict[str, dict]) -> str:
    lines = [
        "| rule | findings | in tests | sampled | TP | of which free | FP | FP classes | DEB | precision | every finding judged: TP/FP (precision) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- |",
    ]
    for code in sorted(rows):
        r = rows[code]
        lines.append(
            f"| {code} | {r['findings']} | {r['tests']} | {r['sampled']} | {r['TP']} | {r['TP-free']} | "
            f"{r['FP']} | {classes_text(r['classes'])} | {r['DEB']} | {pct(r['precision'])} | {population(r)} |"
        )
    t = totals(rows)
    lines.append(
        f"| **all** | {t['findings']} | {t['tests']} | {t['sampled']} | {t['TP']} | {t['TP-free']} | "
        f"{t['FP']} | {classes_text(sum((r['classes'] for r in rows.values()), Counter()))} | {t['DEB']} | "
        f"**{pct(t['precision'])}** (weighted by findings: {pct(t['weighted'])}) | {population(t)} |"
    )
    return "\n".join(lines)


def population(r: dict) -> str:
    if not r["pop_judged"]:
        return "–"
    missing = r["findings"] - r["pop_judged"]
    text = f"{r['pop_TP']}/{r['pop_FP']} ({pct(r['pop_precision'])})"
    return text + (f", {missing} not judged" if missing else "")


def table_text(rows: Dict[str, dict]) -> str:
    out = [f"{'rule':8} {'found':>5} {'tests':>5} {'drawn':>5} {'TP':>3} {'free':>4} {'FP':>3} {'DEB':>3} "
           f"{'prec':>6} {'every finding':>18}  FP classes"]
    for code in sorted(rows):
        r = rows[code]
        out.append(f"{code:8} {r['findings']:5} {r['tests']:5} {r['sampled']:5} {r['TP']:3} {r['TP-free']:4} "
                   f"{r['FP']:3} {r['DEB']:3} {pct(r['precision']):>6} {population(r):>18}  {classes_text(r['classes'])}")
    t = totals(rows)
    out.append(f"{'all':8} {t['findings']:5} {t['tests']:5} {t['sampled']:5} {t['TP']:3} {t['TP-free']:4} "
               f"{t['FP']:3} {t['DEB']:3} {pct(t['precision']):>6} {population(t):>18}  (weighted by findings {pct(t['weighted'])})")
    return "\n".join(out)


def compare_markdown(before: Dict[str, dict], after: Dict[str, dict]) -> str:
    lines = [
        "| rule | findings before | after | precision before | after | meets the bar |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for code in sorted(set(before) | set(after)):
        b, a = before.get(code), after.get(code)
        fb = b["findings"] if b else 0
        fa = a["findings"] if a else 0
        pb = pct(b["precision"]) if b else "–"
        pa = pct(a["precision"]) if a else "–"
        if fa == 0:
            verdict = "no longer fires here"
        elif fa < FIRES_ENOUGH:
            verdict = f"fires < {FIRES_ENOUGH} times"
        elif a and a["precision"] is not None and a["precision"] >= RULE_TARGET:
            verdict = "yes"
        else:
            verdict = f"**no** (< {RULE_TARGET:.0%})"
        lines.append(f"| {code} | {fb} | {fa} | {pb} | {pa} | {verdict} |")
    tb, ta = totals(before), totals(after)
    whole = "yes" if ta["precision"] is not None and ta["precision"] >= WHOLE_TARGET else f"**no** (< {WHOLE_TARGET:.0%})"
    lines.append(f"| **all** | {tb['findings']} | {ta['findings']} | {pct(tb['precision'])} | "
                 f"{pct(ta['precision'])} | {whole} |")
    return "\n".join(lines)


def retained_markdown(before: List[dict], after: List[dict], verdicts) -> str:
    """The baseline's non-test findings judged TP: how many the after code still reports (same key)."""
    after_keys = {key_of(f) for f in after}
    per_rule: Dict[str, List[int]] = defaultdict(lambda: [0, 0])
    lost = []
    for finding in before:
        if finding["test"]:
            continue
        verdict = verdicts.get(key_of(finding), {}).get(finding["message"])
        if verdict is None or not verdict["verdict"].startswith("TP"):
            continue
        per_rule[finding["code"]][0] += 1
        if key_of(finding) in after_keys:
            per_rule[finding["code"]][1] += 1
        else:
            lost.append((finding, verdict))
    total = sum(v[0] for v in per_rule.values())
    kept = sum(v[1] for v in per_rule.values())
    lines = ["| rule | TPs before (every finding judged) | still reported after |", "| --- | ---: | ---: |"]
    for code in sorted(per_rule):
        lines.append(f"| {code} | {per_rule[code][0]} | {per_rule[code][1]} |")
    lines.append(f"| **all** | {total} | {kept} ({pct(kept / total if total else None)}) |")
    if lost:
        lines.append("\nTrue findings the after code no longer reports:\n")
        for finding, verdict in lost:
            lines.append(f"- {finding['code']} `{finding['project']}/{finding['path']}:{finding['line']}` "
                         f"({verdict['verdict']}): {verdict['reason']}")
    return "\n".join(lines)


def fp_markdown(judged: List[Tuple[dict, dict]], label: str, title: str) -> str:
    parts = [title]
    notes = HERE / f"notes-{label}.md"
    if notes.is_file():
        parts.append("\n" + notes.read_text())
    parts.append("\n# Every false positive and debatable finding, per rule\n")
    by_code: Dict[str, List[Tuple[dict, dict]]] = defaultdict(list)
    for finding, verdict in judged:
        if verdict["verdict"] in ("FP", "DEB"):
            by_code[finding["code"]].append((finding, verdict))
    for code in sorted(by_code):
        parts.append(f"\n## {code}\n")
        for finding, verdict in by_code[code]:
            tag = f"FP ({verdict['class']})" if verdict["verdict"] == "FP" else "DEB"
            parts.append(
                f"\n### {tag} {finding['project']}/{finding['path']}:{finding['line']}\n\n"
                f"> {finding['message']}\n\n**{tag}**: {verdict['reason']}\n\n"
                "```python\n" + "\n".join(finding.get("context", [])) + "\n```\n"
            )
    return "".join(parts)


def write_all_fps(findings: List[dict], verdicts, corpus: Path, out: Path) -> None:
    sys.path.insert(0, str(HERE))
    from sample import context
    judged = []
    for finding in findings:
        if finding["test"]:
            continue
        verdict = verdicts.get(key_of(finding), {}).get(finding["message"])
        if verdict is not None:
            finding = dict(finding, context=context(corpus, finding, 3))
            judged.append((finding, verdict))
    out.write_text(fp_markdown(
        judged, "none",
        "# Every false positive (and debatable finding) of the baseline, not only the sample\n\n"
        "All non-test findings of main at the start of issue 12 were judged; this lists the FP and DEB "
        "ones per rule. Generated by `report.py --write`. Classes as in BASELINE-FPS.md.\n"))


def replace_block(text: str, name: str, body: str) -> str:
    begin, end = f"<!-- BEGIN generated:{name} -->", f"<!-- END generated:{name} -->"
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
    block = f"{begin}\n{body}\n{end}"
    if not pattern.search(text):
        raise SystemExit(f"docs/precision.md has no block {name!r}")
    return pattern.sub(lambda _m: block, text)


def corpus_markdown(corpus: Path) -> str:
    manifest = corpus / "MANIFEST.json"
    if not manifest.is_file():
        return "(run corpus.py first)"
    entries = json.loads(manifest.read_text())
    lines = ["| project | version | .py files | lines |", "| --- | --- | ---: | ---: |"]
    for e in entries:
        lines.append(f"| {e['name']} | {e['version']} | {e['files']} | {e['lines']} |")
    lines.append(f"| **all** | | {sum(e['files'] for e in entries)} | {sum(e['lines'] for e in entries)} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", action="append", help="baseline, after (default: all present)")
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--unjudged", metavar="LABEL")
    parser.add_argument("--all", action="store_true", help="with --unjudged: every non-test finding")
    parser.add_argument("--carry", nargs="+", metavar=("LABEL", "CODE"),
                        help="LABEL CODE...: for these rules' findings whose key has a verdict under another "
                             "message, append that verdict under the new message (after reading --unjudged: "
                             "the wording changed, the meaning did not)")
    parser.add_argument("--dir", type=Path, default=HERE, help="where findings-LABEL.json and sample-LABEL.jsonl are")
    parser.add_argument("--corpus", type=Path, default=Path("/work/corpus"))
    args = parser.parse_args(argv)
    verdicts = load_verdicts()
    if args.carry:
        label, codes = args.carry[0], set(args.carry[1:])
        loaded = load_label(label, args.dir)
        if loaded is None:
            raise SystemExit(f"no findings for {label}")
        pool = [f for f in loaded[0] if not f["test"] and f["code"] in codes]
        _judged, changed, _missing = match(pool, verdicts)
        with open(VERDICTS, "a") as handle:
            for finding in changed:
                old = list(verdicts[key_of(finding)].values())[-1]
                new = dict(old, message=finding["message"], judged_on=f"{label}-carried")
                handle.write(json.dumps(new) + "\n")
                print(f"carried {old['verdict']:7} {finding['code']} {finding['project']}/{finding['path']}:{finding['line']}")
        return 0
    if args.unjudged:
        loaded = load_label(args.unjudged, args.dir)
        if loaded is None:
            raise SystemExit(f"no sample {args.unjudged}")
        pool = [f for f in loaded[0] if not f["test"] and f["code"] != "MEM000"] if args.all else loaded[1]
        _judged, changed, missing = match(pool, verdicts)
        for finding in changed:
            old = list(verdicts[key_of(finding)].values())[-1]
            print(f"CHANGED {finding['code']} {finding['project']}/{finding['path']}:{finding['line']}\n"
                  f"    was ({old['verdict']}{' ' + old['class'] if old.get('class') else ''}): {old['message']}\n"
                  f"    now: {finding['message']}\n    reason: {old['reason']}")
        for finding in missing:
            print(f"NEW     {finding['code']} {finding['project']}/{finding['path']}:{finding['line']}  {finding['message']}")
        return 0
    results = {}
    for label in args.label or LABELS:
        loaded = load_label(label, args.dir)
        if loaded is None:
            continue
        findings, sample = loaded
        judged, changed, missing = match(sample, verdicts)
        rows = rule_rows(findings, judged, verdicts)
        results[label] = (rows, judged)
        print(f"== {label}: {len(findings)} findings, {len(sample)} drawn, {len(judged)} judged"
              + (f", {len(changed) + len(missing)} NOT JUDGED (see --unjudged {label})" if changed or missing else ""))
        print(table_text(rows))
        diagnostics = Counter(f["message"].split(":")[0] for f in findings if f["code"] == "MEM000")
        for reason, count in sorted(diagnostics.items()):
            print(f"MEM000 (not linted, not counted above): {count} x {reason}")
        non_test = [f for f in findings if not f["test"] and f["code"] != "MEM000"]
        _j, changed_all, missing_all = match(non_test, verdicts)
        print(f"non-test findings without a verdict: {len(changed_all) + len(missing_all)} of {len(non_test)}"
              f" (list them with --unjudged {label} --all)")
        if label != "baseline" and load_label("baseline") is not None:
            print()
            print(retained_markdown(load_label("baseline")[0], findings, verdicts))
        print()
    if args.write:
        if "baseline" in results:
            (HERE / "BASELINE-FPS.md").write_text(fp_markdown(
                results["baseline"][1], "baseline",
                "# False positives (and debatable findings) in the baseline sample\n\n"
                "main's code before issue 12's rule work; generated by `report.py --write` from "
                "`verdicts.jsonl` and `sample-baseline.jsonl`. Classes: **a** analysis bug, **b** data "
                "tiny here (size only knowable at run time), **c** rule drawn too broadly, **d** other.\n\n"
                "**How the rule branches fare against these verdicts (and which true findings they lose): "
                "[BRANCH-CHECKS.md](BRANCH-CHECKS.md).**\n\n"
                "Every non-test finding (not only this sample) has a verdict; all the FPs are in "
                "[BASELINE-ALL-FPS.md](BASELINE-ALL-FPS.md). To check a rule branch against them (about "
                "80 s of CPU):\n\n```sh\ncd /work/wt-precision\n"
                "/work/venvs/NAME/bin/python benchmarks/precision/sample.py --label mine "
                "--memlint /work/venvs/NAME/bin/memlint --out /tmp/NAME-precision\n"
                "/work/venvs/NAME/bin/python benchmarks/precision/report.py --label mine --dir /tmp/NAME-precision\n"
                "/work/venvs/NAME/bin/python benchmarks/precision/report.py --unjudged mine --all --dir /tmp/NAME-precision\n```\n\n"
                "The first table's \"every finding\" column is TP/FP over the findings that already have a "
                "verdict; then the baseline TPs your branch no longer reports; `--unjudged` lists the "
                "findings nobody has judged yet.\n"))
        if "baseline" in results:
            write_all_fps(load_label("baseline")[0], verdicts, args.corpus, HERE / "BASELINE-ALL-FPS.md")
        if "after" in results:
            (HERE / "AFTER-FPS.md").write_text(fp_markdown(
                results["after"][1], "after",
                "# False positives (and debatable findings) in the after sample\n\n"
                "Generated by `report.py --write`. Classes as in BASELINE-FPS.md.\n"))
        if DOC.is_file():
            text = DOC.read_text()
            text = replace_block(text, "corpus", corpus_markdown(args.corpus))
            for label, (rows, _judged) in results.items():
                text = replace_block(text, f"table-{label}", table_markdown(rows))
            if "baseline" in results and "after" in results:
                text = replace_block(text, "compare", compare_markdown(results["baseline"][0], results["after"][0])
                                     + "\n\n" + retained_markdown(load_label("baseline")[0], load_label("after")[0], verdicts))
            DOC.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
