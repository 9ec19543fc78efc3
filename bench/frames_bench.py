"""Time and peak memory of reading Warta output into DataFrames (pipeline.frames).

Usage:
  python bench/frames_bench.py OUT.jsonl              # a Warta output file
  python bench/frames_bench.py --annotate 1000        # first N CLICK-ID articles, annotated once
                                                      # into out/clickid<N>.jsonl (--workers 1)

Each measurement runs in a fresh process (best of 3 by time); peak RSS is that process's
high-water resident set, "imports" the same before reading (pandas, pyarrow and
pipeline.frames loaded). Compares `read()` (all tables, and documents+entities+relations only),
`iter_read()` in chunks, `pd.read_json(lines=True)` on the nested file, and the Parquet export.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _rss_mib() -> float:
    """Peak resident memory of this process (VmHWM: unlike ru_maxrss it is not inherited
    from the parent across fork + exec)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _import_frames():
    """pipeline.frames without pipeline/__init__.py (which loads spaCy and the runner), as a
    notebook gets it once the package imports lazily."""
    import types

    if "pipeline" not in sys.modules:
        pkg = types.ModuleType("pipeline")
        pkg.__path__ = [str(ROOT / "pipeline")]  # type: ignore[attr-defined]
        sys.modules["pipeline"] = pkg
    import pipeline.frames as frames

    return frames


def measure(kind: str, path: str) -> dict:
    """One measurement (run in a child process)."""
    import pandas as pd
    import pyarrow  # noqa: F401  (imported by every reader; counted in the baseline)

    frames = _import_frames()

    base = _rss_mib()
    t = time.perf_counter()
    rows = 0
    if kind == "read":
        ann = frames.read(path)
        rows = len(ann.tokens)
        held = int(ann.memory_usage().sum())
    elif kind == "read_small":
        ann = frames.read(path, tables=["documents", "entities", "relations"])
        rows = len(ann.entities)
        held = int(ann.memory_usage().sum())
    elif kind == "iter_read":
        held = 0
        for part in frames.iter_read(path, chunk_size=100, columns={"tokens": ["doc_id", "text", "pos"]}):
            rows += len(part.tokens)
            held = max(held, int(part.memory_usage().sum()))
    elif kind == "read_json":
        df = pd.read_json(path, lines=True)
        rows = len(df)
        held = int(df.memory_usage(deep=True).sum())
    elif kind == "read_parquet":
        ann = frames.read(path)
        rows = len(ann.tokens)
        held = int(ann.memory_usage().sum())
    else:
        raise ValueError(kind)
    return {"kind": kind, "seconds": time.perf_counter() - t, "rows": rows,
            "rss_after_imports_mib": base, "peak_rss_mib": _rss_mib(), "frames_mib": held / 2 ** 20}


def child(kind: str, path: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--measure", kind, str(path)], check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def annotate(n: int, data: Path) -> Path:
    src = ROOT / "out" / f"clickid{n}.in.jsonl"
    out = ROOT / "out" / f"clickid{n}.jsonl"
    if out.exists():
        return out
    src.parent.mkdir(exist_ok=True)
    with open(data / "news-corpus-clickid" / "articles.jsonl", encoding="utf-8") as fh, \
            open(src, "w", encoding="utf-8") as dst:
        dst.writelines(islice(fh, n))
    subprocess.run([sys.executable, "-m", "pipeline.cli", "annotate", str(src), "-o", str(out),
                    "--workers", "1", "-q"], check=False)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("output", nargs="?", type=Path, help="Warta JSONL output")
    ap.add_argument("--annotate", type=int, metavar="N", help="annotate the first N CLICK-ID articles")
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--measure", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        print(json.dumps(measure(*args.measure)))
        return
    path = args.output or annotate(args.annotate or 1000, args.data)
    n_docs = sum(1 for line in open(path, encoding="utf-8") if line.strip())
    size = os.path.getsize(path)
    pq = Path(tempfile.mkdtemp()) / "pq"
    export = _import_frames().export
    t = time.perf_counter()
    manifest = export(path, pq)
    export_s = time.perf_counter() - t
    pq_size = sum(p.stat().st_size for p in pq.rglob("*.parquet"))
    print(f"{path}: {n_docs} documents, {manifest['rows']['tokens']:,} tokens, "
          f"JSONL {size / 2 ** 20:.1f} MiB, Parquet (zstd) {pq_size / 2 ** 20:.1f} MiB "
          f"(export {export_s:.1f}s)")
    print(f"{'how':<48}{'seconds':>8}{'peak RSS':>10}{'imports':>9}{'frames':>8}  (MiB)")
    for kind, label, src in [
        ("read", "read(OUT.jsonl), all six tables", path),
        ("read_small", "read(..., tables=documents/entities/relations)", path),
        ("iter_read", "iter_read(chunk_size=100, 3 token columns)", path),
        ("read_parquet", "read(PARQUET_DIR), all six tables", pq),
        ("read_json", "pd.read_json(OUT.jsonl, lines=True)", path),
    ]:
        best = min((child(kind, src) for _ in range(3)), key=lambda r: r["seconds"])
        print(f"{label:<48}{best['seconds']:>8.2f}{best['peak_rss_mib']:>10.0f}"
              f"{best['rss_after_imports_mib']:>9.0f}{best['frames_mib']:>8.1f}")


if __name__ == "__main__":
    main()
