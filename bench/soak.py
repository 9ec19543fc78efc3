"""Soak and scaling benchmark for Dask runs (not in CI): many documents, memory sampled all along.

Usage:
    python bench/soak.py --data ../shared/data --docs 100000 --workers 1 2      # the full soak (hours)
    python bench/soak.py --data ../shared/data --docs 2000 --workers 1 2 --baseline
    python bench/soak.py --data ../shared/data --docs 2000 --workers 2 --baseline --ceiling 2
    python bench/soak.py --summarize trace.jsonl     # the memory trend of a traced run, finished or not

Builds DOCS documents from the CLICK-ID news dump (its 22k articles repeated, each copy with fresh
ids), then for each worker count starts a LocalCluster (one thread per worker process), runs
`pipeline.dask.annotate` into a fresh directory and samples the resident memory of every worker
and of the client every --sample seconds. Prints documents/s, words/s, peak RSS per worker, the
memory growth between the middle and the last third of the samples (a leak shows as growth that
scales with input size), and the speed-up against 1 worker and against the single-process
`warta annotate` (--baseline). Timings include starting the workers' pipelines (model load), as
a user's run does; the cluster itself is started before the clock. CPU seconds of every process
are printed too: on a machine shared with other jobs, words per CPU-second compares the engines
where wall-clock ratios only measure the contention.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from itertools import cycle, islice
from pathlib import Path
from typing import Callable, Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def build_input(data: Path, docs: int, path: Path) -> int:
    """DOCS records from the news dump, repeated with fresh ids; returns the number of words."""
    src = data / "news-corpus-clickid" / "articles.jsonl"
    with open(src, encoding="utf-8") as fh:
        articles = [json.loads(line) for line in fh]
    words = 0
    with open(path, "w", encoding="utf-8") as out:
        for n, art in enumerate(islice(cycle(articles), docs)):
            rec = dict(art, id=f"{art['id']}-r{n // len(articles)}")
            words += len(rec["text"].split())
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return words


def _third_growth(samples: list[float]) -> float:
    """Median of the last third of the samples minus the median of the middle third (the first
    third holds the start: imports and model load). A leak grows through the whole run."""
    k = max(1, len(samples) // 3)
    return statistics.median(samples[-k:]) - statistics.median(samples[k:2 * k] or samples)


def sampled(work: Callable[[], object], take: Callable[[], None], interval: float,
            t0: Optional[float] = None) -> float:
    """Run `work` while a thread calls `take` every `interval` seconds (memory samples); returns
    the seconds from `t0` (default: now) until `work` ends, not until the next sample."""
    t0 = time.perf_counter() if t0 is None else t0
    done = threading.Event()

    def loop() -> None:
        while not done.is_set():
            take()
            done.wait(interval)

    th = threading.Thread(target=loop, daemon=True)
    th.start()
    try:
        work()
        return time.perf_counter() - t0
    finally:
        done.set()
        th.join()


def run_dask(inp: Path, workers: int, sample: float, config: dict, trace: Optional[Path] = None) -> dict:
    import psutil
    from distributed import Client

    from pipeline.dask import annotate, local_cluster

    outdir = Path(tempfile.mkdtemp(prefix=f"soak-{workers}w-"))
    cluster = local_cluster(workers, dashboard=None)
    client = Client(cluster)
    me = psutil.Process()
    series: dict[str, list[float]] = {}
    client_rss: list[float] = []
    result: dict = {}

    def take() -> None:
        try:
            for addr, rss in client.run(lambda: __import__("psutil").Process().memory_info().rss / 2**20).items():
                series.setdefault(addr, []).append(rss)
        except Exception:  # noqa: BLE001 - a worker between restarts
            pass
        client_rss.append(me.memory_info().rss / 2**20)
        if trace is not None:  # every sample as it is taken: a run stopped early still shows its trend
            with open(trace, "a", encoding="utf-8") as fh:
                fh.write(json.dumps({"workers": workers, "t": round(time.perf_counter() - t0, 1),
                                     "parts_done": len(list(outdir.glob("part-*.jsonl.gz"))),
                                     "worker_rss": [round(v[-1]) for v in series.values()],
                                     "client_rss": round(client_rss[-1])}) + "\n")

    client_cpu0 = sum(me.cpu_times()[:2])
    t0 = time.perf_counter()
    seconds = sampled(lambda: result.update(summary=annotate([str(inp)], outdir, client=client, config=config,
                                                             progress=False, say=lambda m: None)), take, sample)
    cpu = client.run(lambda: sum(__import__("psutil").Process().cpu_times()[:2]))
    client.close()
    cluster.close()
    s = result["summary"]
    return {"workers": workers, "seconds": seconds, "documents": s.documents, "words": s.words,
            "partitions": s.partitions, "worker_peak": [max(v) for v in series.values()],
            "worker_growth": [_third_growth(v) for v in series.values()],
            "client_peak": max(client_rss), "client_growth": _third_growth(client_rss),
            "samples": len(client_rss), "worker_cpu": sorted(cpu.values()),
            "client_cpu": sum(me.cpu_times()[:2]) - client_cpu0, "series": {a: [round(x) for x in v] for a, v in series.items()},
            "outdir": str(outdir)}


def run_single(inp: Path, sample: float, no_model: bool, copies: int = 1) -> dict:
    """`warta annotate` in one process (the baseline), its memory sampled the same way. With
    `copies` N > 1: N independent processes at once, each on its own 1/N of the input (no engine,
    nothing shared): the most any engine can get from N cores of this machine."""
    import psutil

    lines = inp.read_bytes().splitlines(keepends=True) if copies > 1 else []
    tmp = Path(tempfile.mkdtemp(prefix=f"soak-{copies}p-"))
    jobs = []
    for k in range(copies):
        part = inp
        if copies > 1:
            part = tmp / f"in-{k}.jsonl"
            part.write_bytes(b"".join(lines[k::copies]))
        jobs.append((part, tmp / f"out-{k}.jsonl"))
    cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-m", "pipeline.cli", "annotate", str(i), "-o", str(o), "-q"]
                              + (["--no-model"] if no_model else []), cwd=ROOT) for i, o in jobs]
    watched, rss = [psutil.Process(p.pid) for p in procs], []

    def take() -> None:
        try:
            rss.append(max(ps.memory_info().rss / 2**20 for ps in watched if ps.is_running()))
        except (psutil.Error, ValueError):
            pass

    seconds = sampled(lambda: [p.wait() for p in procs], take, sample, t0)
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    words = docs = 0
    for _, out in jobs:
        with open(out, encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                docs += 1
                words += len(rec["tokens"]) or len(rec["text"].split())
    return {"seconds": seconds, "documents": docs, "words": words, "peak": max(rss or [0]), "cpu": cpu,
            "growth": _third_growth(rss) if rss else 0.0, "processes": copies}


def summarize_trace(trace: Path, docs_per_part: int, bands: int = 8) -> None:
    """Print the memory trend of a (possibly unfinished) traced run: median and peak RSS per worker
    and of the client for each band of finished partitions."""
    rows = [json.loads(line) for line in trace.read_text(encoding="utf-8").splitlines() if line.strip()]
    for workers in sorted({r["workers"] for r in rows}):
        run = [r for r in rows if r["workers"] == workers and r["worker_rss"]]
        done = max(r["parts_done"] for r in run)
        print(f"{workers} worker(s): {len(run)} samples over {run[-1]['t']:.0f} s, {done} partitions "
              f"({done * docs_per_part:,} documents) finished")
        print(f"{'documents done':>16}  {'median RSS per worker':>24}  {'peak RSS per worker':>22}  client")
        step = max(1, -(-done // bands))
        for lo in range(0, done + 1, step):
            band = [r for r in run if lo <= r["parts_done"] < lo + step]
            if not band:
                continue
            cols = list(zip(*[r["worker_rss"] for r in band if len(r["worker_rss"]) == workers]))
            med = ", ".join(f"{statistics.median(c):.0f}" for c in cols)
            peak = ", ".join(f"{max(c):.0f}" for c in cols)
            print(f"{lo * docs_per_part:>7,}-{(lo + step) * docs_per_part:<8,} {med:>24} MiB {peak:>18} MiB  "
                  f"{max(r['client_rss'] for r in band):.0f} MiB")


def measure(inp: Path, args: argparse.Namespace, config: Optional[dict]) -> dict:
    """One round: the single process (--baseline), N independent processes (--ceiling N) and Dask
    with each --workers count, one after the other on the same input; prints and returns the figures."""
    figures: dict = {"docs": args.docs, "runs": []}
    if args.baseline:
        b = run_single(inp, args.sample, args.no_model)
        figures["single"] = b
        print(f"single process : {b['seconds']:7.1f}s {b['documents'] / b['seconds']:7.1f} docs/s "
              f"{b['words'] / b['seconds']:9,.0f} words/s  peak RSS {b['peak']:.0f} MiB "
              f"(growth {b['growth']:+.0f} MiB); {b['cpu']:.0f} CPU-s, {b['words'] / b['cpu']:,.0f} words/CPU-s")
    if args.ceiling:
        c = run_single(inp, args.sample, args.no_model, copies=args.ceiling)
        figures["ceiling"] = c
        print(f"{args.ceiling} independent processes: {c['seconds']:7.1f}s {c['documents'] / c['seconds']:7.1f} "
              f"docs/s {c['words'] / c['seconds']:9,.0f} words/s  peak RSS {c['peak']:.0f} MiB; {c['cpu']:.0f} "
              f"CPU-s, {c['words'] / c['cpu']:,.0f} words/CPU-s")
    for w in args.workers:
        r = run_dask(inp, w, args.sample, config, args.trace)
        figures["runs"].append(r)
        peaks = ", ".join(f"{p:.0f}" for p in r["worker_peak"])
        growth = ", ".join(f"{g:+.0f}" for g in r["worker_growth"])
        print(f"dask {w} worker(s): {r['seconds']:7.1f}s {r['documents'] / r['seconds']:7.1f} docs/s "
              f"{r['words'] / r['seconds']:9,.0f} words/s  {r['partitions']} partitions; peak RSS per "
              f"worker [{peaks}] MiB (growth middle->last third [{growth}]); client peak "
              f"{r['client_peak']:.0f} MiB ({r['client_growth']:+.0f}); {r['samples']} samples")
        wcpu = sum(r["worker_cpu"])
        print(f"    CPU-s per worker [{', '.join(f'{c:.0f}' for c in r['worker_cpu'])}], "
              f"{r['words'] / wcpu:,.0f} words per worker CPU-s; client + scheduler {r['client_cpu']:.0f} CPU-s")
    rates = {r["workers"]: r["words"] / r["seconds"] for r in figures["runs"]}
    if 1 in rates:
        for w, rate in rates.items():
            if w != 1:
                print(f"scaling 1 -> {w} workers: {rate / rates[1]:.2f}x")
    figures["ratios"] = ratios(figures, args.ceiling)
    for key, value in figures["ratios"].items():
        print(f"{ratio_name(key)} vs single process: {value:.2f}x"
              + (" (the machine's ceiling for any engine)" if key == "ceiling" else ""))
    if args.ceiling and f"dask_{args.ceiling}" in figures["ratios"]:
        share = figures["ratios"][f"dask_{args.ceiling}"] / figures["ratios"]["ceiling"]
        print(f"dask {args.ceiling} workers reach {share:.0%} of that ceiling")
    return figures


def ratios(figures: dict, ceiling: Optional[int]) -> dict:
    """Speed-ups of one round: Dask and the independent processes against the single process."""
    rates = {r["workers"]: r["words"] / r["seconds"] for r in figures["runs"]}
    out: dict = {}
    if "single" in figures:
        single = figures["single"]["words"] / figures["single"]["seconds"]
        out.update({f"dask_{w}": rate / single for w, rate in rates.items()})
        if ceiling:
            c = figures["ceiling"]
            out["ceiling"] = c["words"] / c["seconds"] / single
    return out


def ratio_name(key: str) -> str:
    return "independent processes" if key == "ceiling" else key.replace("dask_", "dask ") + " worker(s)"


def print_rounds(per_round: list[dict]) -> None:
    """Each speed-up per round and its median: rounds interleave the runs, so the machine's drift
    between minutes falls on every engine alike."""
    for key in per_round[0]:
        vals = [r[key] for r in per_round]
        print(f"{ratio_name(key)} vs single process, per round: {', '.join(f'{v:.2f}x' for v in vals)}; "
              f"median {statistics.median(vals):.2f}x")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--sample", type=float, default=5.0, help="seconds between memory samples")
    ap.add_argument("--baseline", action="store_true", help="also time single-process `warta annotate`")
    ap.add_argument("--ceiling", type=int, metavar="N",
                    help="also run N independent `warta annotate` processes at once, each on 1/N of the "
                         "input: the scaling this machine allows without any engine")
    ap.add_argument("--rounds", type=int, default=1,
                    help="repeat the whole measurement K times (interleaved) and print each speed-up per "
                         "round and its median")
    ap.add_argument("--no-model", action="store_true")
    ap.add_argument("--json", type=Path, help="write every figure (and the memory series) here")
    ap.add_argument("--trace", type=Path, help="append every memory sample to this JSONL file as it is taken")
    ap.add_argument("--summarize", type=Path, metavar="TRACE",
                    help="only print the memory trend of a traced run (finished or not) and exit")
    ap.add_argument("--docs-per-partition", type=int, default=1000,
                    help="with --summarize: documents per partition of that run (default: about 1000)")
    args = ap.parse_args()
    if args.summarize:
        summarize_trace(args.summarize, args.docs_per_partition)
        return
    config = {"pipeline": {"model": None}} if args.no_model else None
    inp = Path(tempfile.mkdtemp(prefix="soak-in-")) / "soak.jsonl"
    build_input(args.data, args.docs, inp)
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}, "
          f"Python {platform.python_version()}; {args.docs} CLICK-ID documents ({inp.stat().st_size / 2**20:.0f} MiB)")
    rounds = []
    for k in range(args.rounds):
        if args.rounds > 1:
            print(f"--- round {k + 1} of {args.rounds} (load {os.getloadavg()[0]:.1f})")
        rounds.append(measure(inp, args, config))
    figures = rounds[0] if args.rounds == 1 else {"docs": args.docs, "rounds": rounds}
    if args.rounds > 1:
        print_rounds([r["ratios"] for r in rounds])
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
