"""Whole pipeline vs the statistical model alone on a CoNLL NER gold file (idner-news-2k dev),
scored the same way (strict spans over the same detokenized text and Warta's own tokens).

    python bench/ner_vs_model.py --gold ../shared/data/idner-news-2k/dev.txt [--errors N]

Prints strict P/R/F1 per label and micro for the model on the gold file's own tokens (how the
model card scores it), for the model's own `doc.ents` on Warta's tokens (the `ner` component)
and for the final entities (`warta_entities`: model + rules + gazetteers), on the whole file and
on its two halves (A = first half of the sentences, B = second half): changes to the rules were
made looking only at the errors of half A (and of idner train), so half B is the untouched figure.
The model's output is cached (`out/ner_cache/`), so a rerun only repeats the Warta components
after `ner` (entities, stems, relations: candidates a relation uses become entities).
"""
from __future__ import annotations

import argparse
import hashlib
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

LABELS = ("LOC", "ORG", "PER")


def strict_counts(gold: list[tuple[int, int, str]], pred: list[tuple[int, int, str]]) -> Counter:
    """tp / gold / pred per label for exact (start, end, label) matches."""
    c: Counter = Counter()
    gs, ps = set(gold), set(pred)
    for s, e, lab in gs:
        c[(lab, "gold")] += 1
        c[(lab, "tp")] += (s, e, lab) in ps
    for s, e, lab in ps:
        c[(lab, "pred")] += 1
    return c


def prf(c: Counter, labels=LABELS) -> tuple[float, float, float]:
    tp = sum(c[(lab, "tp")] for lab in labels)
    g = sum(c[(lab, "gold")] for lab in labels)
    p = sum(c[(lab, "pred")] for lab in labels)
    pr = tp / p if p else 0.0
    rc = tp / g if g else 0.0
    return pr, rc, (2 * pr * rc / (pr + rc) if pr + rc else 0.0)


def model_docs(texts: list[str], annotator, cache: Path):
    """The documents after the `ner` component (cached as a DocBin keyed by the texts and the
    weights of the components up to `ner`)."""
    from spacy.tokens import DocBin

    nlp = annotator.nlp
    h = hashlib.sha256("\n\0".join(texts).encode())
    for name in nlp.pipe_names[: nlp.pipe_names.index("ner") + 1]:  # the weights the cache depends on
        if not name.startswith("warta_"):
            h.update(nlp.get_pipe(name).to_bytes(exclude=["vocab"]))
    key = h.hexdigest()[:16]
    path = cache / f"{key}.spacy"
    if path.exists():
        return list(DocBin().from_disk(path).get_docs(nlp.vocab))
    upto = nlp.pipe_names[: nlp.pipe_names.index("ner") + 1]
    with nlp.select_pipes(enable=upto):
        docs = list(nlp.pipe(texts, batch_size=64))
    cache.mkdir(parents=True, exist_ok=True)
    DocBin(store_user_data=True, docs=docs).to_disk(path)
    return docs


def gold_token_docs(path: Path, annotator) -> list:
    """The model run on the gold file's own tokens (as the model card scores it)."""
    from spacy.tokens import Doc

    from pipeline.formats import detokenize, read_bio

    nlp = annotator.nlp
    docs = []
    for words, _ in read_bio(path):
        _, offs = detokenize(words)
        spaces = [offs[i][1] < offs[i + 1][0] for i in range(len(offs) - 1)] + [False]
        docs.append(Doc(nlp.vocab, words=words, spaces=spaces))
    names = nlp.pipe_names
    for name in names[names.index("warta_sentencizer") + 1: names.index("ner") + 1]:
        if not name.startswith("warta_"):
            docs = list(nlp.get_pipe(name).pipe(docs))
    return docs


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold", default=str(ROOT.parent / "shared/data/idner-news-2k/dev.txt"))
    ap.add_argument("--errors", type=int, default=0, help="print N pipeline errors that the model got right")
    ap.add_argument("--half", choices=["A", "B", "all"], default="A", help="which half the errors come from")
    ap.add_argument("--cache", default=str(ROOT / "out/ner_cache"))
    args = ap.parse_args(argv)

    from pipeline.evaluate import read_gold
    from pipeline.runner import load

    gold = read_gold(args.gold)
    annotator = load({"clean": {"enabled": False}})
    docs = model_docs([g.text for g in gold], annotator, Path(args.cache))
    names = annotator.nlp.pipe_names
    after = [annotator.nlp.get_pipe(n) for n in names[names.index("ner") + 1:]]  # entities, stems, relations
    half = len(gold) // 2
    parts = {"all": range(len(gold)), "A": range(half), "B": range(half, len(gold))}
    conll = not Path(args.gold).name.endswith((".jsonl", ".json", ".conllu"))  # token files only
    systems = ("model (gold tokens)", "model", "pipeline") if conll else ("model", "pipeline")
    gdocs = gold_token_docs(Path(args.gold), annotator) if conll else []
    counts = {(sys_, part): Counter() for sys_ in systems for part in parts}
    errors = []
    for i, (g, doc) in enumerate(zip(gold, docs)):
        gspans = [(e["start"], e["end"], e["label"]) for e in g.entities]
        mspans = [(e.start_char, e.end_char, e.label_) for e in doc.ents if e.label_ in LABELS]
        for component in after:
            doc = component(doc)
        pspans = [(e.start_char, e.end_char, e.label_) for e in doc.ents if e.label_ in LABELS]
        for part, idx in parts.items():
            if i in idx:
                counts[("model", part)] += strict_counts(gspans, mspans)
                if conll:
                    counts[("model (gold tokens)", part)] += strict_counts(
                        gspans, [(e.start_char, e.end_char, e.label_) for e in gdocs[i].ents if e.label_ in LABELS])
                counts[("pipeline", part)] += strict_counts(gspans, pspans)
        if args.half == "all" or i in parts[args.half]:
            for sp in sorted(set(pspans) ^ set(gspans)):
                kind = "FP" if sp in pspans else "FN"
                model_right = (sp in mspans) == (sp in gspans)
                if model_right:
                    src = next((e._.warta_source for e in doc.ents if (e.start_char, e.end_char) == sp[:2]), "")
                    errors.append((kind, sp[2], g.text[sp[0]:sp[1]], src, g.id, g.text))
    print(f"{'part':<5} {'system':<19} " + " ".join(f"{lab + ' P/R/F1':<20}" for lab in LABELS + ("micro",)))
    for part, idx in parts.items():
        for sys_ in systems:
            c = counts[(sys_, part)]
            cells = [prf(c, (lab,)) for lab in LABELS] + [prf(c)]
            print(f"{part:<5} {sys_:<19} " + " ".join(f"{p:.3f}/{r:.3f}/{f:.3f}    " for p, r, f in cells)
                  + f" (n={len(idx)})")
    if args.errors:
        tally = Counter((k, lab, src) for k, lab, _, src, _, _ in errors)
        print(f"\n{len(errors)} pipeline errors where the model was right (half {args.half}):", dict(tally))
        for kind, lab, span, src, doc_id, text in errors[: args.errors]:
            print(f"{kind} {lab:<4} {src:<10} {span!r:<35} | {text[:200]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
