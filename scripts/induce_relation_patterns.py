"""Induce dependency patterns from gold relations: the parse path between head and tail of each
training fact, generalized, scored by its precision on the training part, written out as
`DependencyMatcher` entries for `lang/id/relation_patterns.yaml`.

Usage: python scripts/induce_relation_patterns.py --pred PRED.jsonl [--data ../shared/data]
       [--min-support 2] [--min-precision 0.8] [--out induced.yaml]

PRED.jsonl is Warta's output on relations-dev (`bench/relations_report.py --save PRED.jsonl`): its
tokens carry the parse and its entities the spans. Only the tuning publishers of
`bench/relations_report.py` are read, so the untouched part stays untouched. A path is the chain
of dependency relations from the lowest common ancestor of the two entities' root tokens down to
each of them; the ancestor keeps its word when it is neither of the entities (the cue: `bertemu`,
`merupakan`). Precision = the share of same-sentence entity pairs with the right labels joined by
that path that are gold facts; `new` counts only the pairs the current patterns do not already
state (what the entry would add), and an entry is kept on its `new` precision and support.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from relations_report import fact, load_handlabeled, part_of  # noqa: E402

ARG_LABELS = {"jabatan": (["PER"], ["TITLE"]), "afiliasi": (["PER"], ["ORG", "LOC"]),
              "bertemu": (["PER", "ORG", "LOC"], ["PER", "ORG", "LOC"]),
              "menyerang": (["PER", "ORG", "LOC"], ["ORG", "LOC"])}


def entity_roots(doc: dict) -> dict[str, int]:
    """entity id -> index of its root token (the token whose head lies outside the entity)."""
    starts = {t["start"]: i for i, t in enumerate(doc["tokens"])}
    out = {}
    for e in doc["entities"]:
        if e["label"] == "QUOTE" or e["start"] not in starts:
            continue
        i = starts[e["start"]]
        idx = [k for k in range(i, len(doc["tokens"])) if doc["tokens"][k]["end"] <= e["end"]]
        roots = [k for k in idx if not (idx[0] <= doc["tokens"][k]["head"] <= idx[-1]) or doc["tokens"][k]["head"] == k]
        out[e["id"]] = roots[0] if roots else i
    return out


def ancestors(doc: dict, i: int) -> list[int]:
    chain = [i]
    while doc["tokens"][chain[-1]]["head"] != chain[-1] and len(chain) < 40:
        chain.append(doc["tokens"][chain[-1]]["head"])
    return chain


def path(doc: dict, h: int, t: int) -> tuple | None:
    """(cue word or '*', deps from the ancestor down to h, deps down to t); None if too long."""
    ah, at = ancestors(doc, h), ancestors(doc, t)
    common = next((a for a in ah if a in at), None)
    if common is None:
        return None
    down_h = [doc["tokens"][k]["dep"] for k in reversed(ah[:ah.index(common)])]
    down_t = [doc["tokens"][k]["dep"] for k in reversed(at[:at.index(common)])]
    if len(down_h) + len(down_t) > 3 or (not down_h and not down_t):
        return None
    cue = "*" if common in (h, t) else doc["tokens"][common]["text"].lower()
    return cue, tuple(down_h), tuple(down_t)


def to_entry(label: str, sig: tuple, hl: str, tl: str, support: int, precision: float, example: str) -> dict:
    """A DependencyMatcher entry for one path (anchor = the common ancestor)."""
    cue, dh, dt = sig
    specs = [{"RIGHT_ID": "anchor", "RIGHT_ATTRS": {} if cue == "*" else {"LOWER": cue}}]
    ids = {}
    for role, deps, lab in (("head", dh, hl), ("tail", dt, tl)):
        prev = "anchor"
        for n, dep in enumerate(deps):
            node = f"{role}{n}"
            attrs: dict = {"DEP": dep}
            if n == len(deps) - 1:
                attrs["_"] = {"ent": lab}
            specs.append({"LEFT_ID": prev, "REL_OP": ">", "RIGHT_ID": node, "RIGHT_ATTRS": attrs})
            prev = node
        ids[role] = prev
    if not dh:
        specs[0]["RIGHT_ATTRS"]["_"] = {"ent": hl}
    if not dt:
        specs[0]["RIGHT_ATTRS"]["_"] = {"ent": tl}
    name = "induced_" + label + "_" + "_".join([cue if cue != "*" else "x", *dh, "to", *dt]).replace(":", "-")
    return {"name": name, "label": label, "type": "dependency", "pattern": specs,
            "head": {"node": ids["head"]}, "tail": {"node": ids["tail"]},
            "induced": {"support": support, "precision": round(precision, 2)}, "example": example}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default="../shared/data")
    ap.add_argument("--pred", required=True)
    ap.add_argument("--min-support", type=int, default=2)
    ap.add_argument("--min-precision", type=float, default=0.8)
    ap.add_argument("--out")
    ap.add_argument("--extra", action="store_true", help="also learn from tests/gold/relations/handlabeled.yaml")
    a = ap.parse_args(argv)
    gold = [json.loads(ln) for ln in open(Path(a.data) / "relations-dev" / "relations-dev.jsonl", encoding="utf-8")]
    pred = {d["id"]: d for d in map(json.loads, open(a.pred, encoding="utf-8"))}
    support: Counter = Counter()
    fires: Counter = Counter()
    correct: Counter = Counter()
    new_fires: Counter = Counter()
    new_correct: Counter = Counter()
    example: dict = {}
    train = [g for g in gold if part_of(g) == "tune"] + (load_handlabeled(Path(a.data)) if a.extra else [])
    for g in train:
        p = pred.get(g["id"])
        if not p or not p.get("tokens") or "head" not in p["tokens"][0]:
            continue
        gents = {e["id"]: e for e in g["entities"]}
        gold_facts = {fact(r["label"], gents[r["head"]]["text"], gents[r["tail"]]["text"]) for r in g["relations"]}
        pents = {e["id"]: e for e in p["entities"]}
        found = {fact(r["label"], pents[r["head"]]["text"], pents[r["tail"]]["text"]) for r in p.get("relations", [])}
        roots = entity_roots(p)
        ents = [e for e in p["entities"] if e["id"] in roots]
        sent_of = {}
        for e in ents:
            sent_of[e["id"]] = next((k for k, s in enumerate(p["sentences"])
                                     if s["start"] <= e["start"] < s["end"]), -1)
        for label, (hls, tls) in ARG_LABELS.items():
            for h in ents:
                for t in ents:
                    if h is t or h["label"] not in hls or t["label"] not in tls or sent_of[h["id"]] != sent_of[t["id"]]:
                        continue
                    sig = path(p, roots[h["id"]], roots[t["id"]])
                    if sig is None:
                        continue
                    key = (label, h["label"], t["label"], sig)
                    fires[key] += 1
                    f = fact(label, h["text"], t["text"])
                    ok = f in gold_facts
                    correct[key] += ok
                    if f not in found:
                        new_fires[key] += 1
                        new_correct[key] += ok
                    if ok:
                        support[key] += 1
                        s = p["sentences"][sent_of[h["id"]]]
                        example.setdefault(key, p["text"][s["start"]:s["end"]])
    entries = []
    for key, n in support.most_common():
        prec = correct[key] / fires[key]
        new_prec = new_correct[key] / new_fires[key] if new_fires[key] else 0.0
        print(f"{key[0]:<10} {key[1]}->{key[2]:<4} {str(key[3]):<60} support {n:>3} fires {fires[key]:>4} "
              f"precision {prec:.2f}  new {new_correct[key]}/{new_fires[key]}", file=sys.stderr)
        if new_correct[key] >= a.min_support and new_prec >= a.min_precision:
            entries.append(to_entry(key[0], key[3], key[1], key[2], new_correct[key], new_prec, example[key]))
    text = yaml.safe_dump(entries, allow_unicode=True, sort_keys=False, width=120)
    if a.out:
        Path(a.out).write_text(text, encoding="utf-8")
    else:
        print(text)
    print(f"{len(entries)} patterns kept (new facts: support >= {a.min_support}, precision >= {a.min_precision})",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
