"""Throughput of Warta on the CLICK-ID dump, side by side with its anchors, in one run.

Prints, for the first N articles: the bare `spacy.blank("id")` tokenizer and PySastrawi alone
(the anchors), the time of every step of Warta's record path (cleaning, each spaCy component,
serializing), model start-up, and the whole `warta annotate` run with 1 and 2 worker
processes, for the default pipeline and the `fast` profile without the parser (words/s, ratio to
the bare tokenizer, scaling, peak RSS of the main process and of the largest worker). The machine's speed drifts,
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
    from record_steps import step_times  # bench/, next to this script

    t = time.perf_counter()
    annot = load()
    startup = time.perf_counter() - t
    timings, words = step_times(annot, records, time.perf_counter, batch)
    return timings, words, startup


PROFILES = {"default": {}, "fast": {"pipeline": {"exclude": ["parser"]}}}  # fast: no parser

# the run in a fresh process that reports its own peak (VmHWM: ru_maxrss would carry over this
# process's peak across exec) and its largest worker's (forked children: RUSAGE_CHILDREN)
_RUN = ("import json, re, resource, sys; from pipeline.cli import main; code = main(sys.argv[1:]); "
        "hwm = int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)) / 1024; "
        "kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024; "
        "print(json.dumps({'parent': hwm, 'worker': kids}), file=sys.stderr); sys.exit(code)")


def whole_run(records_path: Path, workers: int, profile: str = "default") -> tuple[float, float, float]:
    """(seconds, peak RSS MiB of the main process, of its largest worker) of `warta annotate`
    as a user runs it, in a fresh process."""
    tmp = Path(tempfile.mkdtemp())
    cmd = [sys.executable, "-c", _RUN, "annotate", str(records_path), "-o", str(tmp / "out.jsonl"),
           "-q", "--workers", str(workers)]
    if PROFILES[profile]:
        (tmp / "profile.yaml").write_text(json.dumps(PROFILES[profile]))  # JSON is YAML
        cmd += ["--config", str(tmp / "profile.yaml")]
    t = time.perf_counter()
    proc = subprocess.run(cmd, check=False, capture_output=True, text=True)
    seconds = time.perf_counter() - t
    peaks = json.loads(proc.stderr.strip().splitlines()[-1])
    return seconds, peaks["parent"], peaks["worker"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--limit", type=int, default=2000)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--profiles", nargs="+", default=["default", "fast"], choices=sorted(PROFILES),
                    help="fast = the model without its parser (pipeline.exclude: [parser])")
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
          f"{'scaling':>9}{'peak RSS main/worker':>22}")
    for profile in args.profiles:
        base = None
        for w in args.workers:
            sec, main_peak, worker_peak = whole_run(tmp, w, profile)
            rate = words / sec
            base = base or rate
            label = f"{profile}, --workers {w}"
            print(f"{label:<34}{sec:>9.1f}{rate:>12,.0f}{rate / tok_rate:>12.1%}{rate / base:>8.2f}x"
                  f"{main_peak:>11.0f} / {worker_peak:.0f} MiB" if w > 1 else
                  f"{label:<34}{sec:>9.1f}{rate:>12,.0f}{rate / tok_rate:>12.1%}{rate / base:>8.2f}x"
                  f"{main_peak:>11.0f} MiB")


if __name__ == "__main__":
    main()
