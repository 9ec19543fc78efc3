"""Memory and time of `warta annotate` on hostile inputs, and the reader's throughput.

    python bench/hostile_inputs.py [--gib 1.5] [--data ../shared/data]

1. A small .jsonl.gz holding one line of GIB GiB between two good records (issue 17's memory
   bomb), annotated with --no-model in a subprocess: prints compressed size, seconds, peak RSS
   and what happened to each record.
2. With --data: records/s of `iter_inputs` over the CLICK-ID dump (reading and checks only).
"""
from __future__ import annotations

import argparse
import gzip
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOOD = "Presiden Joko Widodo meninjau pusat media di Nusa Dua, Bali, pada Senin (8/10)."


def memory_bomb(gib: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "bomb.jsonl.gz", Path(tmp) / "out.jsonl"
        block = b"a" * 2**20
        with gzip.open(src, "wb", compresslevel=9) as fh:
            fh.write(json.dumps({"id": "g1", "text": GOOD}).encode() + b"\n" + b'{"id": "bomb", "text": "')
            for _ in range(int(gib * 1024)):
                fh.write(block)
            fh.write(b'"}\n' + json.dumps({"id": "g2", "text": GOOD}).encode() + b"\n")
        start = time.perf_counter()
        res = subprocess.run([sys.executable, "-m", "pipeline.cli", "annotate", str(src), "-o", str(out),
                              "--no-model", "-q"], cwd=ROOT, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        docs = [json.loads(x)["id"] for x in out.read_text().splitlines()]
        errors = [json.loads(x)["reason"] for x in (Path(tmp) / "out.errors.jsonl").read_text().splitlines()]
        print(f"memory bomb: {src.stat().st_size / 2**20:.1f} MiB .jsonl.gz, one line of {gib} GiB")
        print(f"  exit {res.returncode}, {seconds:.1f} s, peak RSS {peak_mib:.0f} MiB")
        print(f"  documents {docs}; errors {errors}")


def reader_throughput(data: Path) -> None:
    from pipeline.io import ReadOptions, iter_inputs

    path = data / "news-corpus-clickid" / "articles.jsonl"
    if not path.exists():
        print(f"reader: {path} not found, skipped")
        return
    best, n = float("inf"), 0
    for _ in range(3):
        start = time.perf_counter()
        n = sum(1 for _ in iter_inputs([path], ReadOptions()))
        best = min(best, time.perf_counter() - start)
    print(f"reader: {n} CLICK-ID records ({path.stat().st_size / 2**20:.0f} MiB) in {best:.2f} s "
          f"(best of 3), {n / best:,.0f} records/s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gib", type=float, default=1.5, help="length of the bomb line in GiB")
    ap.add_argument("--data", type=Path, help="the shared data directory (for the reader figure)")
    args = ap.parse_args()
    memory_bomb(args.gib)
    if args.data:
        reader_throughput(args.data)


if __name__ == "__main__":
    main()
