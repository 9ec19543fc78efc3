"""Build tests/gold/relations/relations.gold.jsonl (and tests/gold/seeds.gold.jsonl: the seeds'
cleaning and relation gold in one Warta JSONL) from the hand labels in tests/gold/.

Usage: python scripts/build_relation_gold.py --data ../shared/data

Each fact [label, head, tail] is turned into entity spans by finding the texts in the record
(`text@2` = second occurrence; in the seeds, within the given sentence). A tail `Q` is the unmarked
direct speech of the attribution sentence (its start up to the comma before kata/ujar/...), `Q*`
adds every earlier sentence of the record, one QUOTE each (ANNOTATION.md section 3).
The output records label relations only (`"tasks": ["relations"]`): their entities are the
relation arguments, not a complete NER gold.

The builder uses none of the system's rules: the attribution cue and the sentence splitter below
are written out from ANNOTATION.md here (so the gold does not move when the pipeline's regexes
change); only the CoNLL reader of `pipeline.evaluate` is used, because it defines the text that
`warta evaluate` scores idner sentences on.
"""
from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import yaml

from pipeline.evaluate import read_conll_bio

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "gold" / "relations"
LABEL_OF_TAIL = {"jabatan": "TITLE", "pernyataan": "QUOTE"}
# ANNOTATION.md section 3: unmarked direct speech is `<speech>, kata/ujar/ucap/tegas X`
ATTRIBUTION_RE = re.compile(r",\s*[\"”]?\s*(kata|ujar|ucap|tegas|jelas|tutur|imbuh|tambah|ungkap|papar)\b",
                            re.IGNORECASE)
# no sentence ends after these (title abbreviations and initials)
NO_END = {"dr", "prof", "h", "hj", "ir", "drs", "kh", "jl", "no", "sdr", "st", "mr", "mrs"}


def sentence_spans(text: str) -> list[dict]:
    """Sentences for the gold: a line break always ends one; `.`, `!`, `?` (with closing quotes)
    end one before a space and a capital, a digit or an opening quote, except after a title
    abbreviation or a single initial."""
    out, start = [], 0
    ends = [m.end() for m in re.finditer(r"[.!?][\"”')]*(?=\s+[\"“(]?[A-Z0-9])", text)]
    ends += [m.start() for m in re.finditer(r"\n", text)]
    for e in sorted(set(ends)):
        word = re.search(r"(\w+)[.!?][\"”')]*$", text[start:e])
        if text[e - 1:e] != "\n" and word and (word.group(1).lower() in NO_END or len(word.group(1)) == 1):
            continue
        seg = text[start:e]
        if seg.strip():
            lead = len(seg) - len(seg.lstrip())
            out.append({"start": start + lead, "end": start + len(seg.rstrip())})
        start = e
    if text[start:].strip():
        seg = text[start:]
        out.append({"start": start + len(seg) - len(seg.lstrip()), "end": start + len(seg.rstrip())})
    return out


def find(text: str, needle: str, lo: int = 0, hi: int | None = None) -> tuple[int, int]:
    needle, _, nth = needle.partition("@")
    hi = len(text) if hi is None else hi
    starts = [m.start() for m in re.finditer(re.escape(needle), text[lo:hi])]
    k = int(nth or 1) - 1
    if len(starts) <= k:
        raise ValueError(f"{needle!r} (occurrence {k + 1}) not found in {text[lo:hi]!r}")
    return lo + starts[k], lo + starts[k] + len(needle)


def trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s] in " \"“”'":
        s += 1
    while e > s and text[e - 1] in " ,\"“”'":
        e -= 1
    return s, e


class Builder:
    def __init__(self, doc_id: str, text: str, sentences: list[dict]):
        self.id, self.text, self.sentences = doc_id, text, sentences
        self.entities: list[dict] = []
        self.relations: list[dict] = []

    def entity(self, span: tuple[int, int], label: str) -> str:
        for e in self.entities:
            if (e["start"], e["end"]) == span:
                return e["id"]
        eid = f"e{len(self.entities)}"
        self.entities.append({"id": eid, "start": span[0], "end": span[1], "label": label,
                              "text": self.text[span[0]:span[1]], "source": "gold"})
        return eid

    def fact(self, label: str, head: str, tail: str, sent: dict | None = None) -> None:
        lo, hi = (sent["start"], sent["end"]) if sent else (0, len(self.text))
        if tail in ("Q", "Q*"):
            h = find(self.text, head, lo, hi)
            attr = next(s for s in self.sentences if s["start"] <= h[0] < s["end"])
            m = ATTRIBUTION_RE.search(self.text, attr["start"], attr["end"])
            if m is None or m.start() > h[0]:
                raise ValueError(f"{self.id}: no attribution before {head!r}")
            h = find(self.text, head, m.start(), attr["end"])
            quotes = [trim(self.text, attr["start"], m.start())]
            if tail == "Q*":
                quotes = [trim(self.text, s["start"], s["end"]) for s in self.sentences
                          if s["end"] <= attr["start"]] + quotes
            hid = self.entity(h, "PER")
            for q in quotes:
                self._add(label, hid, self.entity(q, "QUOTE"), sent or attr)
            return
        h, t = find(self.text, head, lo, hi), find(self.text, tail, lo, hi)
        self._add(label, self.entity(h, "PER" if label in ("jabatan", "afiliasi", "pernyataan") else "ENT"),
                  self.entity(t, LABEL_OF_TAIL.get(label, "ENT")), sent)

    def _add(self, label: str, head: str, tail: str, sent: dict | None) -> None:
        ev = sent or {"start": 0, "end": len(self.text)}
        self.relations.append({"head": head, "tail": tail, "label": label, "rule": "gold",
                               "evidence": {"start": ev["start"], "end": ev["end"]}})

    def record(self, source: str) -> dict:
        self.entities.sort(key=lambda e: e["start"])
        return {"id": self.id, "source": source, "tasks": ["relations"], "text": self.text,
                "entities": self.entities, "relations": self.relations}


def kept_text(raw: str, lines: list[dict]) -> str:
    """The gold cleaned text: title and content lines of `raw`, joined by newlines."""
    keep = {ln["n"] for ln in lines if ln["label"] in ("title", "content")}
    return "\n".join(line.strip() for n, line in enumerate(raw.splitlines()) if n in keep)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = ap.parse_args()
    out, seeds = [], []
    for doc_id, by_sentence in yaml.safe_load((GOLD / "seeds.yaml").read_text(encoding="utf-8")).items():
        raw = (ROOT / "seeds" / f"{doc_id}.txt").read_text(encoding="utf-8")
        lines = json.loads((ROOT / "tests" / "gold" / "clean" / f"{doc_id}.gold.json").read_text())["lines"]
        text = kept_text(raw, lines)
        b = Builder(doc_id, text, sentence_spans(text))
        for si, facts in by_sentence.items():
            for label, head, tail in facts:
                b.fact(label, head, tail, b.sentences[int(si)])
        out.append(b.record(f"seeds/{doc_id}.txt"))
        seeds.append(dict(b.record(f"seeds/{doc_id}.txt"), tasks=["clean", "relations"], raw=raw, lines=lines))
    with open(ROOT / "tests" / "gold" / "seeds.gold.jsonl", "w", encoding="utf-8") as fh:
        for rec in seeds:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    texts = {}
    for split in ("train", "dev"):
        for d in read_conll_bio(args.data / "idner-news-2k" / f"{split}.txt"):
            texts[f"idner-{split}-{d.id.rsplit('-', 1)[1]}"] = d.text
    for doc_id, facts in yaml.safe_load((GOLD / "idner_sentences.yaml").read_text(encoding="utf-8")).items():
        text = texts[doc_id]
        b = Builder(doc_id, text, sentence_spans(text))
        for label, head, tail in facts:
            b.fact(label, head, tail)
        out.append(b.record(f"idner-news-2k/{doc_id.split('-')[1]}.txt (MIT)"))
    path = GOLD / "relations.gold.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        for rec in out:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    n = sum(len(r["relations"]) for r in out)
    print(f"{len(out)} documents, {n} relations written to {path}")


if __name__ == "__main__":
    main()
