"""Check that the relation matcher on candidate ranges finds what it finds on the whole document.

For each article (CLICK-ID by default), runs the pipeline up to `warta_relations`, then
`find_relations` twice: as shipped (token matcher on `candidate_ranges`) and with one range
covering the whole document; prints every article whose matches differ (set or order).

    python bench/relation_ranges.py --skip 2500 --limit 1000
"""
from __future__ import annotations

import argparse
import json
import sys
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    import pipeline.relations as relations
    from pipeline.components import CANDIDATES, entity_dicts, ordered_entities
    from pipeline.runner import load
    from pipeline.tokenize import sentence_offsets

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--input", type=Path,
                    default=ROOT.parent / "shared" / "data" / "news-corpus-clickid" / "articles.jsonl")
    ap.add_argument("--skip", type=int, default=0)
    ap.add_argument("--limit", type=int, default=1000)
    args = ap.parse_args()
    with open(args.input, encoding="utf-8") as fh:
        records = [json.loads(line) for line in islice(fh, args.skip, args.skip + args.limit)]
    annot = load()
    nlp = annot.nlp
    matchers = nlp.get_pipe("warta_relations").matchers
    shipped = relations.candidate_ranges
    checked = differing = 0
    for k, record in enumerate(records):
        item = annot.to_item(record, k)
        if not hasattr(item, "text"):
            continue
        doc = nlp.make_doc(annot.prepare(item)[0])
        for name, proc in nlp.pipeline:
            if name == "warta_relations":
                break
            doc = proc(doc)
        candidates = list(doc.spans[CANDIDATES]) if CANDIDATES in doc.spans else []
        entities, sentences = entity_dicts(doc, ordered_entities(doc, candidates)), sentence_offsets(doc)
        relations.candidate_ranges = shipped
        on_ranges = list(relations.find_relations(doc, entities, sentences, matchers))
        relations.candidate_ranges = lambda sdoc, *rest: [(0, len(sdoc))]
        whole = list(relations.find_relations(doc, entities, sentences, matchers))
        relations.candidate_ranges = shipped
        checked += 1
        if on_ranges != whole:
            differing += 1
            print("differs:", record.get("id"), set(on_ranges) ^ set(whole))
    print(f"articles {checked}, differing {differing}")


if __name__ == "__main__":
    main()
