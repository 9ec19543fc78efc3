"""Build pipeline/lang/id/root_freq.tsv: how often each Sastrawi dictionary root occurs as a
word in a news corpus (CLICK-ID by default). The stemmer uses it to choose between roots
that the same affixes allow (gera/gerak, perban/bank, paja/pajak).

Usage: python scripts/build_root_freq.py --data ../shared/data [--out pipeline/lang/id/root_freq.tsv]
"""
from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

WORD_RE = re.compile(r"[a-z]+(?:-[a-z]+)*")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--out", type=Path, default=Path("pipeline/lang/id/root_freq.tsv"))
    args = ap.parse_args()
    roots = {w for w in StemmerFactory().get_words() if w}
    counts: Counter = Counter()
    with open(args.data / "news-corpus-clickid" / "articles.jsonl", encoding="utf-8") as fh:
        for line in fh:
            text = json.loads(line)["text"].lower()
            counts.update(w for w in WORD_RE.findall(text) if w in roots)
    with open(args.out, "w", encoding="utf-8") as out:
        out.write("# root<TAB>count in CLICK-ID news (22k articles, CC BY 4.0); built by scripts/build_root_freq.py\n")
        for root, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            out.write(f"{root}\t{n}\n")
    print(f"{len(counts)} roots written to {args.out}")


if __name__ == "__main__":
    main()
