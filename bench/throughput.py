"""Throughput and memory benchmark on the CLICK-ID news dump (22k articles, 5.1M words).

Usage: python bench/throughput.py [--data ../shared/data] [--limit 2000] [--workers 1 2]

The dump's text is already article text (its scraper kept only <p> text nodes, joined with
",": see its SOURCE.txt), so cleaning runs but drops little; mojibake is left as it is.
Prints documents/s and words/s for each stage (1 worker, in-process timing) and for the whole
`warta annotate` run with 1 and 2 worker processes, plus peak resident memory.
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


def per_stage(records: list[dict], batch: int = 32) -> tuple[dict[str, float], int]:
    """Seconds spent in each stage over all records (one process)."""
    import pipeline
    from pipeline.runner import to_document

    annot = pipeline.load()
    timings = {s.name: 0.0 for s in annot.stages}
    words = 0
    for i in range(0, len(records), batch):
        docs = [to_document(r, i + k, annot.config) for k, r in enumerate(records[i:i + batch])]
        for stage in annot.stages:
            t = time.perf_counter()
            stage.process_batch(docs)
            timings[stage.name] += time.perf_counter() - t
        words += sum(len(d.tokens) for d in docs)
    return timings, words


def whole_run(records_path: Path, workers: int) -> tuple[float, float]:
    """(seconds, peak RSS MiB of the run and its workers) for `warta annotate`."""
    out = Path(tempfile.mkdtemp()) / "out.jsonl"
    cmd = [sys.executable, "-m", "pipeline.cli", "annotate", str(records_path), "-o", str(out),
           "-q", "--workers", str(workers)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    subprocess.run(cmd, check=False)
    seconds = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--limit", type=int, default=2000)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = ap.parse_args()
    records = load_records(args.data, args.limit)
    n = len(records)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}; {n} CLICK-ID articles")
    timings, words = per_stage(records)
    print(f"{'stage':<12}{'seconds':>10}{'docs/s':>10}{'words/s':>12}")
    for name, sec in timings.items():
        print(f"{name:<12}{sec:>10.1f}{n / sec:>10.1f}{words / sec:>12,.0f}")
    total = sum(timings.values())
    print(f"{'all stages':<12}{total:>10.1f}{n / total:>10.1f}{words / total:>12,.0f}")
    tmp = Path(tempfile.mkdtemp()) / "in.jsonl"
    with open(tmp, "w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    for w in args.workers:
        sec, peak = whole_run(tmp, w)
        print(f"warta annotate --workers {w}: {sec:.1f}s, {n / sec:.1f} docs/s, {words / sec:,.0f} words/s, "
              f"peak RSS {peak:.0f} MiB")


if __name__ == "__main__":
    main()
