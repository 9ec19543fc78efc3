"""Stem accuracy against the UD lemma pairs, split by source.

Usage: python scripts/stem_accuracy.py --data ../shared/data [--json FILE]

Rows are (form, lemma, upos) triples; a row is "tuning" when any of its sources is
csui-train or gsd-dev (the only pairs the rules and exceptions were tuned on) and
"test-only" otherwise. "(tokens)" rows weight each pair by its treebank count. Scored three ways: plain Sastrawi, Warta without POS, and
Warta with the treebank's UPOS (what the pipeline has when its tagger runs).
"""
from __future__ import annotations

import argparse
import csv
import json
from collections import defaultdict
from pathlib import Path

from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

from pipeline.config import load_config
from pipeline.stem import Stemmer

TUNING_SOURCES = {"csui-train", "gsd-dev"}


def score(data_dir: Path) -> dict[str, dict[str, float]]:
    path = data_dir / "stemming-gold-ud-lemmas" / "ud_form_lemma_pairs.tsv"
    rows = list(csv.DictReader(path.open(encoding="utf-8"), delimiter="\t"))
    cfg = load_config()
    warta = Stemmer(cfg["stem"]["exceptions"])
    plain = StemmerFactory().create_stemmer()
    systems = {
        "sastrawi": lambda r: plain.stem(r["form_lower"]),
        "warta (no POS)": lambda r: warta.stem(r["form_lower"]),
        "warta (UPOS)": lambda r: warta.stem(r["form_lower"], pos=r["upos"]),
    }
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        sources = set(row["sources"].split(","))
        split = "tuning" if sources & TUNING_SOURCES else "test-only"
        groups = ["all", split] + [f"src:{s}" for s in sorted(sources)]
        weighted = [f"{split} (tokens)"]
        for name, fn in systems.items():
            ok = fn(row) == row["lemma"]
            for g in groups:
                c = counts[(name, g)]
                c[0] += ok
                c[1] += 1
            for g in weighted:  # each pair counted as often as it occurs in the treebanks
                c = counts[(name, g)]
                c[0] += ok * int(row["count"])
                c[1] += int(row["count"])
    table: dict[str, dict[str, float]] = defaultdict(dict)
    for (name, group), (ok, n) in counts.items():
        table[group][name] = round(ok / n, 4)
        table[group]["n"] = n
    return dict(table)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    table = score(args.data)
    order = ["all", "tuning", "test-only", "tuning (tokens)", "test-only (tokens)"]
    order += sorted(g for g in table if g.startswith("src:"))
    names = ["sastrawi", "warta (no POS)", "warta (UPOS)"]
    print(f"{'pairs':<20}{'n':>7}" + "".join(f"{n:>17}" for n in names))
    for g in order:
        print(f"{g:<20}{table[g]['n']:>7}" + "".join(f"{table[g][n]:>17.3f}" for n in names))
    if args.json:
        args.json.write_text(json.dumps(table, indent=2))


if __name__ == "__main__":
    main()
