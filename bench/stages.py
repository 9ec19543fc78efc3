"""CPU time of each step of Warta's record path, for this checkout and a reference checkout,
interleaved in one run (the machine's speed drifts: only side-by-side figures compare).

Each measurement is a fresh process (`PYTHONPATH` = the checkout) that annotates the first N
CLICK-ID articles step by step and reports `time.process_time()` per step; the runs alternate
reference / this checkout `--repeat` times and the table shows the minimum of each.

    python bench/stages.py --data ../shared/data --limit 300 --against /tmp/main-checkout --repeat 3
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def measure(data: Path, limit: int, batch: int = 32) -> dict[str, float]:
    """CPU seconds in each step of the record path (this process, the importable `pipeline`)."""
    from pipeline.runner import load
    from record_steps import step_times  # bench/, next to this script

    with open(data / "news-corpus-clickid" / "articles.jsonl", encoding="utf-8") as fh:
        records = [json.loads(line) for line in islice(fh, limit)]
    return step_times(load(), records, time.process_time, batch)[0]


def run_child(code: Path, data: Path, limit: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(code), "PYTHONHASHSEED": "0", "OMP_NUM_THREADS": "1",
           "OPENBLAS_NUM_THREADS": "1"}
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", "--data", str(data), "--limit", str(limit)]
    out = subprocess.run(cmd, env=env, cwd=code, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--limit", type=int, default=300)
    ap.add_argument("--against", type=Path, help="a checkout of the reference code (e.g. main)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    data = args.data.resolve()
    if args.child:
        print(json.dumps(measure(data, args.limit)))
        return
    codes = {"reference": args.against.resolve(), "this": ROOT} if args.against else {"this": ROOT}
    runs: dict[str, list[dict[str, float]]] = {k: [] for k in codes}
    for _ in range(args.repeat):
        for name, code in codes.items():
            runs[name].append(run_child(code, data, args.limit))
    steps = list(runs["this"][0])
    best = {name: {s: min(r.get(s, 0.0) for r in rs) for s in steps} for name, rs in runs.items()}
    print(f"CPU seconds, {args.limit} CLICK-ID articles, minimum of {args.repeat} interleaved runs")
    print(f"{'step':<22}" + "".join(f"{n:>12}" for n in codes) + ("   this/ref" if args.against else ""))
    for s in steps + ["all steps"]:
        vals = [sum(best[n].values()) if s == "all steps" else best[n][s] for n in codes]
        ratio = f"{vals[1] / vals[0]:>10.2f}" if args.against and vals[0] else ""
        print(f"{s:<22}" + "".join(f"{v:>12.2f}" for v in vals) + ratio)


if __name__ == "__main__":
    main()
