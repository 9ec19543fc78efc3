"""Relations on relations-dev: fact-level scores (whole set, tuning part, untouched part) and a
per-pattern report (how often each pattern fires, its precision, examples).

Usage: python bench/relations_report.py [--data ../shared/data] [--pred PRED.jsonl] [--errors N]
       [--part tune|held|all] [--patterns] [--json FILE]

Without --pred the pipeline annotates the texts of relations-dev.jsonl with cleaning off (the
same as `warta annotate --no-clean` on them). The split is by publisher: patterns and lexicons
were tuned on the TUNE publishers only; the other publishers (and the idhoax texts, whose site
is not recorded) were not looked at while tuning, and their score is the one to quote.
Facts are scored as the reference scorer does: label + normalised head text + tail text per
document (`bertemu` unordered), each fact once per document.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterable

TUNE_PUBLISHERS = {"sindonews.com", "okezone.com"}
LABELS = ["jabatan", "afiliasi", "pernyataan", "bertemu", "menyerang"]
SYMMETRIC = {"bertemu"}


def part_of(record: dict) -> str:
    """`tune` for the publishers the patterns were developed on, `held` for the rest."""
    publisher = (record.get("meta") or {}).get("publisher")
    if publisher == "handlabeled":
        return "extra"
    return "tune" if publisher in TUNE_PUBLISHERS else "held"


def _strip_char(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch)[0] in ("P", "S") and ch not in "%$"


def norm(s: str) -> str:
    """Lower case, whitespace collapsed, surrounding punctuation stripped (as the reference scorer)."""
    s = re.sub(r"\s+", " ", (s or "").lower()).strip()
    i, j = 0, len(s)
    while i < j and _strip_char(s[i]):
        i += 1
    while j > i and _strip_char(s[j - 1]):
        j -= 1
    return s[i:j]


def fact(label: str, head: str, tail: str) -> tuple[str, str, str]:
    h, t = norm(head), norm(tail)
    if label in SYMMETRIC:
        h, t = sorted((h, t))
    return label, h, t


def facts_of(doc: dict) -> dict[tuple, list[dict]]:
    """fact -> the relations (with their entities resolved) that state it."""
    ents = {e["id"]: e for e in doc.get("entities", [])}
    out: dict[tuple, list[dict]] = defaultdict(list)
    for r in doc.get("relations", []):
        h, t = ents.get(r["head"]), ents.get(r["tail"])
        if h is None or t is None:
            continue
        out[fact(r["label"], h["text"], t["text"])].append(dict(r, head_ent=h, tail_ent=t))
    return out


def prf(tp: int, npred: int, ngold: int) -> tuple[float, float, float]:
    p = tp / npred if npred else 0.0
    r = tp / ngold if ngold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(gold: Iterable[dict], pred: dict[str, dict]) -> dict[str, dict]:
    """Per label and micro: gold, P, R, F1 at fact level."""
    c: Counter = Counter()
    for g in gold:
        gf, pf = set(facts_of(g)), set(facts_of(pred.get(g["id"], {})))
        for f in gf | pf:
            c[(f[0], "tp")] += f in gf and f in pf
            c[(f[0], "gold")] += f in gf
            c[(f[0], "pred")] += f in pf
    out = {}
    for lab in LABELS:
        p, r, f1 = prf(c[(lab, "tp")], c[(lab, "pred")], c[(lab, "gold")])
        out[lab] = {"gold": c[(lab, "gold")], "p": p, "r": r, "f1": f1}
    tot = [sum(c[(lab, k)] for lab in LABELS) for k in ("tp", "pred", "gold")]
    p, r, f1 = prf(*tot)
    out["micro"] = {"gold": tot[2], "p": p, "r": r, "f1": f1}
    return out


def sentence_of(doc: dict, char: int) -> str:
    for s in doc.get("sentences", []):
        if s["start"] <= char < s["end"]:
            return doc["text"][s["start"]:s["end"]].replace("\n", " ")
    return ""


def pattern_report(gold: Iterable[dict], pred: dict[str, dict]) -> list[dict]:
    """For each pattern and label: facts it states (once per document), how many are in the gold,
    examples of each kind. A fact found by several patterns counts for each of them."""
    rows: dict[tuple[str, str], dict] = {}
    for g in gold:
        gf = set(facts_of(g))
        p = pred.get(g["id"], {})
        for f, rels in facts_of(p).items():
            for rule in {r["rule"] for r in rels}:
                row = rows.setdefault((rule, f[0]), {"pattern": rule, "label": f[0], "fires": 0, "correct": 0,
                                                     "right": [], "wrong": []})
                row["fires"] += 1
                ok = f in gf
                row["correct"] += ok
                r = next(r for r in rels if r["rule"] == rule)
                context = sentence_of(p, r["head_ent"]["start"])[:160]
                ex = f"{r['head_ent']['text']} -> {r['tail_ent']['text']}  | {context}"
                (row["right"] if ok else row["wrong"]).append(ex)
    for row in rows.values():
        row["precision"] = row["correct"] / row["fires"] if row["fires"] else 0.0
    return sorted(rows.values(), key=lambda r: (r["label"], -r["fires"]))


def errors(gold: Iterable[dict], pred: dict[str, dict], n: int) -> list[str]:
    out = []
    for g in gold:
        gf, p = facts_of(g), pred.get(g["id"], {})
        pf = facts_of(p)
        for f in sorted(set(gf) - set(pf)):
            r = gf[f][0]
            where = p if part_of(g) == "extra" and p else g  # hand-labeled articles: the predicted sentences
            out.append(f"MISS {g['id']} {f[0]}: {r['head_ent']['text']} -> {r['tail_ent']['text']}\n    "
                       f"{sentence_of(where, r['head_ent']['start'])[:300]}")
        for f in sorted(set(pf) - set(gf)):
            r = pf[f][0]
            out.append(f"FP   {g['id']} {f[0]} [{r['rule']}]: {r['head_ent']['text']} -> {r['tail_ent']['text']}\n    "
                       f"{sentence_of(p, r['head_ent']['start'])[:300]}")
    return out[:n]


def _span_cause(ent: dict, pred_ents: list[dict], any_offset: bool) -> str:
    """How the predicted entities treat one gold span: `ok` (same text there), `extent` (a predicted
    span overlaps it with other bounds), `type` (none overlaps, but the text is predicted elsewhere
    with this doc's same text... not applicable) or `missing`. A hand-labeled tail has no offset
    (`any_offset`): it is `ok` when some predicted span of the article has its text."""
    want = norm(ent["text"])
    if any_offset:
        if any(norm(e["text"]) == want for e in pred_ents):
            return "ok"
        return "extent" if any(want and (want in norm(e["text"]) or norm(e["text"]) in want) and norm(e["text"])
                               for e in pred_ents) else "missing"
    start, end = ent["start"], ent["end"]
    over = [e for e in pred_ents if e["start"] < end and start < e["end"] and e["label"] != "QUOTE"
            or e["label"] == "QUOTE" and e["start"] < end and start < e["end"]]
    if any(norm(e["text"]) == want for e in over):
        return "ok"
    return "extent" if over else "missing"


def causes(gold: Iterable[dict], pred: dict[str, dict]) -> Counter:
    """Count misses and false positives by cause: for a miss, whether its head and tail spans were
    predicted as such (`ok`), with other bounds (`extent`) or not at all (`missing`), both `ok`
    meaning the patterns (or the contract reading) missed it; for a false positive, whether the gold
    has the same label and head with a tail the prediction overlaps or contains (`extent`), the same
    label and tail with another head (`extent`), or nothing near it (`precision`)."""
    c: Counter = Counter()
    for g in gold:
        gf, p = facts_of(g), pred.get(g["id"], {})
        pf, pents = facts_of(p), p.get("entities", [])
        extra = part_of(g) == "extra"
        for f in set(gf) - set(pf):
            r = gf[f][0]
            h = _span_cause(r["head_ent"], pents, False)
            t = _span_cause(r["tail_ent"], pents, extra)
            kind = "pattern" if h == t == "ok" else f"head {h}" if h != "ok" else f"tail {t}"
            c[("miss", f[0], kind)] += 1
        for f in set(pf) - set(gf):
            near = any(g2[0] == f[0] and (g2[1] == f[1] and (g2[2] in f[2] or f[2] in g2[2])
                                           or g2[2] == f[2] and (g2[1] in f[1] or f[1] in g2[1])) for g2 in gf)
            c[("fp", f[0], "extent" if near else "precision")] += 1
    return c


HANDLABELED = Path(__file__).resolve().parent.parent / "tests" / "gold" / "relations" / "handlabeled.yaml"


def load_handlabeled(data: Path, path: Path = HANDLABELED) -> list[dict]:
    """The extra hand-labeled tuning articles as gold records: the text read from the shared corpus by
    id, one PER/ORG entity at each head offset (checked) and the tail as an entity of its own text."""
    import yaml

    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    wanted: dict[str, list[dict]] = defaultdict(list)
    for art in spec["articles"]:
        wanted[art["corpus"]].append(art)
    texts: dict[str, str] = {}
    for corpus, arts in wanted.items():
        ids = {a["id"] for a in arts}
        with open(data / corpus, encoding="utf-8") as f:
            for line in f:
                d = json.loads(line)
                if d["id"] in ids:
                    texts[d["id"]] = d["text"]
    out = []
    for corpus, arts in wanted.items():
        for art in arts:
            text = texts.get(art["id"])
            if text is None:
                raise SystemExit(f"relations_report: {path.name}: {art['id']} not in {corpus}")
            ents, rels = [], []
            for n, (label, head, tail, at) in enumerate(art["relations"]):
                if text[at:at + len(head)] != head:
                    raise SystemExit(f"relations_report: {path.name}: {art['id']} relation {n + 1}: "
                                     f"{head!r} is not at offset {at}")
                ents += [{"id": f"h{n}", "start": at, "end": at + len(head), "text": head},
                         {"id": f"t{n}", "start": at, "end": at, "text": tail}]
                rels.append({"head": f"h{n}", "tail": f"t{n}", "label": label})
            out.append({"id": art["id"], "text": text,
                        "meta": {"publisher": "handlabeled", "batch": str(art.get("batch", ""))},
                        "entities": ents, "relations": rels,
                        "sentences": [{"start": 0, "end": len(text)}]})
    return out


def annotate_dev(gold: list[dict], config: dict | None = None) -> dict[str, dict]:
    """Annotate the gold texts with cleaning off (as `warta annotate --no-clean`)."""
    import pipeline

    nlp = pipeline.load({"clean": {"enabled": False}, **(config or {})})
    return {d["id"]: d for d in nlp.pipe([{"id": g["id"], "text": g["text"]} for g in gold])}


def table(name: str, sc: dict[str, dict]) -> str:
    lines = [f"{name}", "| label | gold | P | R | F1 |", "|---|---|---|---|---|"]
    for lab in LABELS + ["micro"]:
        s = sc[lab]
        lines.append(f"| {lab} | {s['gold']} | {s['p']:.3f} | {s['r']:.3f} | {s['f1']:.3f} |")
    return "\n".join(lines)


def first_look(extra: list[dict], batch: str) -> int:
    """Score one batch of hand-labeled articles on its own (no errors printed): the first-look figure."""
    arts = [g for g in extra if g["meta"]["batch"] == batch]
    if not arts:
        print(f"relations_report: no hand-labeled articles in batch {batch!r}", file=sys.stderr)
        return 2
    print(table(f"## first look: hand-labeled batch {batch} ({len(arts)} articles)", score(arts, annotate_dev(arts))))
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=os.environ.get("WARTA_DATA", "../shared/data"))
    ap.add_argument("--pred", help="predictions JSONL (default: annotate now)")
    ap.add_argument("--save", help="write the predictions to this JSONL")
    ap.add_argument("--errors", type=int, default=0, help="print N misses and false positives")
    ap.add_argument("--part", choices=["tune", "held", "all", "extra"], default="tune",
                    help="part for --errors/--patterns (extra: the hand-labeled tuning articles)")
    ap.add_argument("--patterns", action="store_true", help="per-pattern report")
    ap.add_argument("--json", help="write scores and the pattern report as JSON")
    ap.add_argument("--causes", action="store_true", help="count misses and false positives on --part by cause "
                                                          "(entity extent, missing entity, pattern)")
    ap.add_argument("--batch", help="first look: annotate and score only the hand-labeled articles of this "
                                    "batch (their `batch:` in handlabeled.yaml), before reading their errors")
    a = ap.parse_args(argv)
    path = Path(a.data) / "relations-dev" / "relations-dev.jsonl"
    if not path.exists():
        print(f"relations_report: no {path}", file=sys.stderr)
        return 2
    gold = [json.loads(ln) for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    extra = load_handlabeled(Path(a.data))
    if a.batch:
        return first_look(extra, a.batch)
    if a.pred:
        pred = {d["id"]: d for d in map(json.loads, Path(a.pred).read_text(encoding="utf-8").splitlines()) if d}
    else:
        pred = annotate_dev(gold + extra)
    if a.save:
        Path(a.save).write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in pred.values()),
                                encoding="utf-8")
    parts = {"all": gold, "tune": [g for g in gold if part_of(g) == "tune"],
             "held": [g for g in gold if part_of(g) == "held"], "extra": extra}
    scores = {k: score(v, pred) for k, v in parts.items()}
    pubs = sorted(TUNE_PUBLISHERS)
    print(table(f"## untouched part (publishers other than {', '.join(pubs)}; {len(parts['held'])} articles)",
                scores["held"]))
    print()
    print(table(f"## whole relations-dev ({len(gold)} articles)", scores["all"]))
    print()
    print(table(f"## tuning part ({', '.join(pubs)}; {len(parts['tune'])} articles)", scores["tune"]))
    print()
    print(table(f"## extra hand-labeled tuning articles ({HANDLABELED.name}; {len(extra)} articles)", scores["extra"]))
    report = pattern_report(parts[a.part], pred)
    if a.patterns:
        print(f"\n## patterns on the {a.part} part: fires (facts stated), precision, examples")
        for row in report:
            print(f"{row['label']:<11} {row['pattern']:<34} fires {row['fires']:>4}  precision {row['precision']:.2f}")
            for ex in row["right"][:2]:
                print(f"    + {ex}")
            for ex in row["wrong"][:2]:
                print(f"    - {ex}")
    if a.causes:
        print(f"\n## misses and false positives on the {a.part} part by cause")
        for (kind, lab, why), n in sorted(causes(parts[a.part], pred).items(), key=lambda kv: (kv[0][0], -kv[1])):
            print(f"{kind:<5} {lab:<11} {why:<15} {n:>4}")
    if a.errors:
        print(f"\n## errors on the {a.part} part")
        print("\n".join(errors(parts[a.part], pred, a.errors)))
    if a.json:
        Path(a.json).write_text(json.dumps({"scores": scores, "patterns": report}, ensure_ascii=False, indent=1),
                                encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
