"""Throughput of Warta on the CLICK-ID dump, side by side with its anchors, in one run.

Prints, for the first N articles: the bare `spacy.blank("id")` tokenizer and PySastrawi alone
(the anchors), the time of every step of Warta's record path (cleaning, each spaCy component,
serializing), model start-up, and the whole `warta annotate` run with 1 and 2 worker
processes (words/s, ratio to the bare tokenizer, scaling, peak RSS). The machine's speed drifts,
so only ratios of figures from the same run are meaningful.

    python bench/throughput.py --data ../shared/data --limit 1000
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def load_records(data: Path, limit: int) -> list[dict]:
    with open(data / "news-corpus-clickid" / "articles.jsonl", encoding="utf-8") as fh:
        return [json.loads(line) for line in islice(fh, limit)]


def bare_tokenizer(texts: list[str]) -> tuple[float, int]:
    """(seconds, words) of spaCy's stock Indonesian tokenizer alone."""
    import spacy

    nlp = spacy.blank("id")
    t = time.perf_counter()
    words = sum(sum(1 for tok in doc if not tok.is_space) for doc in nlp.tokenizer.pipe(texts))
    return time.perf_counter() - t, words


def sastrawi_alone(texts: list[str]) -> tuple[float, int]:
    """(seconds, words) of PySastrawi's cached stemmer on whitespace-split words."""
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    stemmer = StemmerFactory().create_stemmer()
    words = [w for text in texts for w in text.split()]
    t = time.perf_counter()
    for w in words:
        stemmer.stem(w)
    return time.perf_counter() - t, len(words)


def per_step(records: list[dict], batch: int = 32) -> tuple[dict[str, float], int, float]:
    """Seconds in each step of the record path (one process), words, and start-up seconds."""
    from pipeline.runner import load
    from pipeline.serialize import to_record

    t = time.perf_counter()
    annot = load()
    startup = time.perf_counter() - t
    nlp = annot.nlp
    timings = {"clean": 0.0, "tokenizer": 0.0, **{name: 0.0 for name in nlp.pipe_names}, "serialize": 0.0}
    words = 0
    for i in range(0, len(records), batch):
        items = [annot.to_item(r, i + k) for k, r in enumerate(records[i:i + batch])]
        t = time.perf_counter()
        prepared = [annot.prepare(r) for r in items if hasattr(r, "text")]
        timings["clean"] += time.perf_counter() - t
        t = time.perf_counter()
        docs = [nlp.make_doc(text) for text, _ in prepared]
        timings["tokenizer"] += time.perf_counter() - t
        for name, proc in nlp.pipeline:
            t = time.perf_counter()
            docs = list(proc.pipe(docs, batch_size=batch)) if hasattr(proc, "pipe") else [proc(d) for d in docs]
            timings[name] += time.perf_counter() - t
        t = time.perf_counter()
        for doc, (_, ctx) in zip(docs, prepared):
            words += len(to_record(doc, ctx, annot.info, annot.output)["tokens"])
        timings["serialize"] += time.perf_counter() - t
    return timings, words, startup


def whole_run(records_path: Path, workers: int) -> tuple[float, float]:
    """(seconds, peak RSS MiB of the largest process) of `warta annotate` as a user runs it."""
    out = Path(tempfile.mkdtemp()) / "out.jsonl"
    cmd = [sys.executable, "-m", "pipeline.cli", "annotate", str(records_path), "-o", str(out),
           "-q", "--workers", str(workers)]
    t = time.perf_counter()
    subprocess.run(cmd, check=False)
    seconds = time.perf_counter() - t
    return seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--limit", type=int, default=2000)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = ap.parse_args()
    records = load_records(args.data, args.limit)
    texts = [r["text"] for r in records]
    n = len(records)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}; {n} CLICK-ID articles")
    tok_s, tok_words = bare_tokenizer(texts)
    stem_s, stem_words = sastrawi_alone(texts)
    print(f"\n{'anchor':<34}{'seconds':>9}{'words/s':>12}")
    print(f"{'spacy.blank(id) tokenizer':<34}{tok_s:>9.1f}{tok_words / tok_s:>12,.0f}")
    print(f"{'PySastrawi stemmer (cached)':<34}{stem_s:>9.1f}{stem_words / stem_s:>12,.0f}")
    timings, words, startup = per_step(records)
    total = sum(timings.values())
    print(f"\nmodel start-up (pipeline.load): {startup:.1f} s")
    print(f"{'step (1 process)':<34}{'seconds':>9}{'share':>8}{'words/s':>12}")
    for name, sec in timings.items():
        print(f"{name:<34}{sec:>9.1f}{sec / total:>8.0%}{words / max(sec, 1e-9):>12,.0f}")
    print(f"{'all steps':<34}{total:>9.1f}{1:>8.0%}{words / total:>12,.0f}")
    tmp = Path(tempfile.mkdtemp()) / "in.jsonl"
    with open(tmp, "w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    tok_rate = tok_words / tok_s
    print(f"\n{'whole warta annotate run':<34}{'seconds':>9}{'words/s':>12}{'x bare tok.':>12}"
          f"{'scaling':>9}{'peak RSS':>10}")
    base = None
    for w in args.workers:
        sec, peak = whole_run(tmp, w)
        rate = words / sec
        base = base or rate
        print(f"{'--workers ' + str(w):<34}{sec:>9.1f}{rate:>12,.0f}{rate / tok_rate:>12.1%}"
              f"{rate / base:>8.2f}x{peak:>7.0f} MiB")


if __name__ == "__main__":
    main()
