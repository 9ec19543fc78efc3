"""spaCy backend vs Stanza backend (vs mixed: Stanza syntax + spaCy NER), one run, same documents.

For each backend, in its own process (so peak memory is its own):
- UD from raw text on GSD test, CSUI test and PUD test (the treebank's `# text`, 10 sentences
  per document), scored by the official CoNLL 2018 scorer shipped with Stanza (`udtools.udeval`),
  and Warta's own `ud_eval` on the same documents as a cross-check (`warta_*` columns);
- idner-news-2k dev strict span F1 of the model entities (PER/ORG/LOC, before Warta's rules),
  text = the gold tokens joined by spaces, spans compared by character offsets;
- relations-dev fact F1 through the whole pipeline (clean .. relations);
- words/s of the whole pipeline on CLICK-ID articles with 1 and 2 worker processes, peak RSS,
  and the size of the models on disk.

    python bench/compare_backends.py --data ../shared/data --stanza models/stanza_id --markdown out/backends.md
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

UD_TESTS = {"gsd_test": ("ud-indonesian-gsd", "id_gsd-ud-test.conllu"),
            "csui_test": ("ud-indonesian-csui", "id_csui-ud-test.conllu"),
            "pud_test": ("ud-indonesian-pud", "id_pud-ud-test.conllu")}
UD_COLUMNS = ("tokens", "sentences", "words", "upos", "ufeats", "lemma", "uas", "las")


def backend_config(name: str, stanza_dir: str, stages: list[str], spacy_model: str) -> dict:
    """Partial settings of a backend: spacy, stanza (Stanza NER when trained) or mixed."""
    if name == "spacy":
        return {"pipeline": {"backend": "spacy", "stages": stages, "model": spacy_model}}
    ner = "stanza" if name == "stanza" and (Path(stanza_dir) / "ner.pt").exists() else "spacy"
    return {"pipeline": {"backend": "stanza", "stages": stages, "model": spacy_model},
            "stanza": {"dir": str(Path(stanza_dir).resolve()), "ner": ner}}


def model_size_mb(name: str, stanza_dir: str, spacy_model: str) -> float:
    def du(p: Path) -> int:
        return sum(f.stat().st_size for f in p.rglob("*") if f.is_file()) if p.is_dir() else p.stat().st_size

    spacy_mb = du(Path(spacy_model)) / 1e6
    if name == "spacy":
        return round(spacy_mb, 1)
    files = ["tokenize", "mwt", "pos", "lemma", "depparse", "pretrain", "forward_charlm", "backward_charlm"]
    if name == "stanza" and (Path(stanza_dir) / "ner.pt").exists():
        files.append("ner")
    from pipeline.stanza_backend import MODEL_FILES

    st = sum(du(Path(stanza_dir) / MODEL_FILES[f]) for f in files if (Path(stanza_dir) / MODEL_FILES[f]).exists())
    ner_mb = du(Path(spacy_model) / "ner") / 1e6 if "ner" not in files else 0.0
    return round(st / 1e6 + ner_mb, 1)


def speed(cfg: dict, texts: list[str], workers: int) -> dict:
    from pipeline.runner import load

    annotator = load(cfg)
    list(annotator.pipe(texts[:5]))  # warm up
    t0 = time.perf_counter()
    words = sum(len(r["tokens"]) for r in annotator.pipe(texts, n_process=workers))
    secs = time.perf_counter() - t0
    return {"words_per_s": round(words / secs), "docs_per_s": round(len(texts) / secs, 2)}


def run_one(args) -> dict:
    """Every measurement of one backend (runs in its own process)."""
    from pipeline.runner import load
    from pipeline.train_stanza import score_ner_dev, score_ud_official
    from pipeline.ud_eval import score_raw_text

    data = Path(args.data)
    name = args.one
    out: dict = {"backend": name}
    t0 = time.perf_counter()
    syntax = load(backend_config(name, args.stanza, ["tokenize", "tag"], args.spacy_model))
    out["load_s"] = round(time.perf_counter() - t0, 1)
    work = Path(tempfile.mkdtemp(prefix=f"compare-{name}-"))
    cfg = backend_config(name, args.stanza, ["clean", "tokenize", "tag", "ner", "stem", "relations"], args.spacy_model)
    if "quality" in args.parts:
        for ud_name, parts in UD_TESTS.items():
            path = data.joinpath(*parts)
            if not path.exists() or args.skip_ud:
                continue
            out[ud_name] = score_ud_official(syntax, path, work / ud_name)
            warta = score_raw_text(path, syntax.pipe)
            out[ud_name].update({f"warta_{k}": v for k, v in warta.items()})
        out["idner_dev"] = score_ner_dev(load(backend_config(name, args.stanza, ["tokenize", "tag", "ner"],
                                                             args.spacy_model)), data)
        from pipeline.evaluate import evaluate

        rel = evaluate(data / "relations-dev" / "relations-dev.jsonl", None, ["relations"], annotator=load(cfg),
                       bootstrap_n=0)
        out["relations_fact_f1"] = round(rel.get("relations", {}).get("fact", {}).get("micro", {}).get("f1", 0.0), 4)
    if "speed" in args.parts:
        with open(data / "news-corpus-clickid" / "articles.jsonl", encoding="utf-8") as fh:
            texts = [json.loads(line)["text"] for line in islice(fh, args.limit)]
        out["speed_1"] = speed(cfg, texts, 1)
        if args.workers > 1:
            out[f"speed_{args.workers}"] = speed(cfg, texts, args.workers)
        out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    out["model_mb"] = model_size_mb(name, args.stanza, args.spacy_model)
    return out


def markdown(results: list[dict], workers: int) -> str:
    lines = []
    for ud_name in UD_TESTS:
        rows = [r for r in results if ud_name in r]
        if not rows:
            continue
        lines += [f"**{ud_name}** from raw text, official CoNLL 2018 scorer, F1 (Warta's `ud_eval` in brackets "
                  "for words/UPOS/LAS):", "",
                  "| backend | " + " | ".join(UD_COLUMNS) + " |", "|---" * (len(UD_COLUMNS) + 1) + "|"]
        for r in rows:
            s = r[ud_name]
            cells = []
            for c in UD_COLUMNS:
                cell = f"{s[c]:.3f}"
                if c in ("words", "upos", "las"):
                    cell += f" ({s['warta_' + c]:.3f})"
                cells.append(cell)
            lines.append(f"| {r['backend']} | " + " | ".join(cells) + " |")
        lines.append("")
    lines += ["| backend | idner dev P | R | F1 | relations-dev fact F1 | words/s (1 proc) | "
              f"words/s ({workers} procs) | peak RSS MB | models MB | load s |", "|---" * 10 + "|"]
    for r in results:
        n = r.get("idner_dev", {})
        cells = [f"{n[k]:.3f}" if k in n else "" for k in ("p", "r", "f")]
        cells.append(f"{r['relations_fact_f1']:.3f}" if "relations_fact_f1" in r else "")
        cells += [str(r.get(key, {}).get("words_per_s", "")) for key in ("speed_1", f"speed_{workers}")]
        cells += [str(r.get(key, "")) for key in ("peak_rss_mb", "model_mb", "load_s")]
        lines.append(f"| {r['backend']} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def merge_row(results: list[dict], row: dict) -> None:
    """Add one backend's figures: into its existing row (its new figures win), else as a new row."""
    for r in results:
        if r["backend"] == row["backend"]:
            r.update(row)
            return
    results.append(dict(row))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("--stanza", default=str(ROOT / "models" / "stanza_id"), help="Stanza model directory")
    ap.add_argument("--spacy-model", default=str(ROOT / "models" / "id_warta_news"))
    ap.add_argument("--backends", default="spacy,stanza,mixed")
    ap.add_argument("--limit", type=int, default=200, help="CLICK-ID articles for the speed figures")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--json", help="write all figures as JSON")
    ap.add_argument("--markdown", help="write the tables as Markdown")
    ap.add_argument("--include", action="append", default=[],
                    help="results JSON of an earlier run (e.g. one backend measured before) to add to the table")
    ap.add_argument("--parts", default="quality,speed",
                    help="quality (UD, idner dev, relations-dev), speed (words/s, peak RSS) or both; "
                         "speed figures of several backends compare only when taken in one run")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    ap.add_argument("--skip-ud", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_one(args)))
        return
    results: list[dict] = []
    for f in args.include:  # earlier runs: one row per backend, a later run's figures win
        for r in json.loads(Path(f).read_text(encoding="utf-8")):
            merge_row(results, r)
    for name in [b for b in args.backends.split(",") if b]:
        cmd = [sys.executable, __file__, "--one", name, "--data", args.data, "--stanza", args.stanza,
               "--spacy-model", args.spacy_model, "--limit", str(args.limit), "--workers", str(args.workers),
               "--parts", args.parts]
        same_syntax = next((r for r in results if name == "mixed" and r["backend"] == "stanza"
                            and any(k in r for k in UD_TESTS)), None)
        if same_syntax:  # mixed = Stanza syntax + spaCy NER: its UD scores are the stanza backend's
            cmd.append("--skip-ud")
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            print(f"{name}: failed\n{proc.stderr[-3000:]}", file=sys.stderr)
            continue
        row = json.loads(proc.stdout.strip().splitlines()[-1])
        if same_syntax and "quality" in args.parts:
            row.update({k: same_syntax[k] for k in UD_TESTS if k in same_syntax})
        merge_row(results, row)
        print(json.dumps(row), file=sys.stderr, flush=True)
    table = markdown(results, args.workers)
    print(table)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")
    if args.markdown:
        Path(args.markdown).parent.mkdir(parents=True, exist_ok=True)
        Path(args.markdown).write_text(table, encoding="utf-8")


if __name__ == "__main__":
    main()
