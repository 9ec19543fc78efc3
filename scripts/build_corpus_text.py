"""Plain text for word vectors from the CLICK-ID dump: mojibake repaired, the ',' paragraph joins
split into lines (see its SOURCE.txt), tokenized with Warta's tokenizer, one paragraph per line.

Usage: python scripts/build_corpus_text.py --data ../shared/data --out .training/clickid.txt
"""
from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from pipeline.config import load_config
from pipeline.tokenize import make_nlp

PARA_JOIN = re.compile(r"(?<=[.!?\"”])\s*,(?=\S)|(?<=[a-z)]),(?=[A-Z\"“])")


def repair(text: str) -> str:
    if "‚Ä" in text or "¬†" in text:
        try:
            text = text.encode("mac_roman").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return text.replace("_x000D_", " ")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--out", type=Path, default=Path(".training/clickid.txt"))
    args = ap.parse_args()
    nlp = make_nlp(load_config()["tokenize"]["abbreviations"])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with open(args.data / "news-corpus-clickid" / "articles.jsonl", encoding="utf-8") as src, \
            open(args.out, "w", encoding="utf-8") as out:
        paras = (p.strip() for line in src for p in PARA_JOIN.split(repair(json.loads(line)["text"])))
        for doc in nlp.tokenizer.pipe((p for p in paras if len(p) > 20), batch_size=256):
            words = [t.text for t in doc if not t.is_space]
            out.write(" ".join(words) + "\n")
            n += len(words)
    print(f"{n} tokens written to {args.out}")


if __name__ == "__main__":
    main()
