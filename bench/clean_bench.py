"""Cleaner benchmark: Warta vs jusText vs trafilatura vs "keep lines of 10+ words", and speed.

Usage: python bench/clean_bench.py [--data ../shared/data] [--json FILE] [--cv] [--speed-only]
                                   [--compare REV]

`--cv` prints the leave-one-site-out table of `warta train-cleaner` (the headline scores);
without it the sets below are scored with the shipped model, which was trained on them.
Speed: documents per second of the cleaner alone (model and rules), plain text and HTML.
`--compare REV` also measures the cleaner of git revision REV (exported to a temporary folder
and run by this interpreter) in the same run and prints both side by side.

Sets: the five seeds (gold in tests/gold/clean), boilerplate-dev (29 real pages, plain text,
from ../shared/data, skipped when absent) and Warta's hand-built HTML pages (tests/gold/html).
Kept-line precision / recall / F1 (positive = title + content; a line is dropped when at
least half of its characters are in dropped spans) and per-kind recall of boilerplate.
jusText gets each line as a <p> with its Indonesian stoplist; trafilatura needs HTML and
runs only on the .html pages.
"""
from __future__ import annotations

import argparse
import json
import sys
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.clean import CleanOptions, clean_text, split_lines  # noqa: E402
from pipeline.clean_eval import (GoldPage, LineScores, kept_from_text, kept_lines_to_dropped,  # noqa: E402
                                 kept_text_to_dropped, load_gold_dir, score_page)
from pipeline.config import load_config  # noqa: E402
from pipeline.html import html_to_lines  # noqa: E402


def warta(page: GoldPage, options: CleanOptions):
    if page.html is not None:  # the cleaned text mapped back to the gold lines
        raw, hints = html_to_lines(page.html)
        kept = kept_from_text(page.raw, clean_text(raw, options, hints).text)
        return [(ln.start, ln.end) for ln in split_lines(page.raw) if ln.n not in kept], None
    result = clean_text(page.raw, options)
    kinds = {ln.n: ln.kind for ln in result.lines}
    return [(b["start"], b["end"]) for b in result.boilerplate], kinds


def keep10(page: GoldPage):
    return kept_lines_to_dropped(page.raw, lambda t: len(t.split()) >= 10), None


def justext_run(page: GoldPage):
    import justext

    html = "<html><body>" + "".join(f"<p>{escape(line)}</p>" for line in page.raw.splitlines()
                                    if line.strip()) + "</body></html>"
    paragraphs = justext.justext(html.encode("utf-8"), justext.get_stoplist("Indonesian"))
    kept = [p.text for p in paragraphs if not p.is_boilerplate]
    return kept_text_to_dropped(page.raw, kept), None


def trafilatura_run(page: GoldPage):
    import trafilatura

    if page.html is None:
        return None
    text = trafilatura.extract(page.html, include_comments=False, include_tables=False,
                               favor_recall=False) or ""
    return kept_text_to_dropped(page.raw, text.splitlines()), None


def evaluate_set(pages: list[GoldPage], options: CleanOptions) -> dict[str, LineScores]:
    systems = {
        "warta": lambda p: warta(p, options),
        "jusText": justext_run,
        "trafilatura": trafilatura_run,
        "keep 10+ words": keep10,
    }
    totals: dict[str, LineScores] = {}
    for name, fn in systems.items():
        total = LineScores()
        ran = False
        for page in pages:
            out = fn(page)
            if out is None:
                continue
            dropped, kinds = out
            total.add(score_page(page, dropped, kinds))
            ran = True
        if ran:
            totals[name] = total
    return totals


def speed(data: Path, options: CleanOptions, repeats: int = 3) -> dict[str, float]:
    """Documents per second of the cleaner alone (best of `repeats`), model and rules,
    on the seeds + boilerplate-dev texts and on the full HTML pages (HTML parsing included)."""
    import time

    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted((data / "boilerplate-dev").glob("*.txt"))]
    htmls = [p.read_text(encoding="utf-8") for p in sorted((data / "boilerplate-html-dev").glob("*.html"))]
    out = {}
    for name, opts in (("model", options), ("rules", options.rules_only())):
        for kind, docs in (("text", texts), ("html", htmls)):
            if not docs:
                continue
            best = float("inf")
            for _ in range(repeats):
                t0 = time.perf_counter()
                for doc in docs:
                    if kind == "html":
                        raw, hints = html_to_lines(doc)
                        clean_text(raw, opts, hints)
                    else:
                        clean_text(doc, opts)
                best = min(best, time.perf_counter() - t0)
            out[f"{name} {kind}"] = round(len(docs) / best, 1)
    return out


def speed_of_revision(rev: str, data: Path) -> dict[str, float]:
    """`speed` of the cleaner at git revision `rev` (its own bench script, run in a copy)."""
    import ast
    import subprocess
    import tarfile
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], check=True,
                                 capture_output=True).stdout
        import io

        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp)
        out = subprocess.run([sys.executable, str(Path(tmp) / "bench" / "clean_bench.py"), "--speed-only",
                              "--data", str(data.resolve())], check=True, capture_output=True, text=True,
                             cwd=tmp).stdout
    line = next(ln for ln in out.splitlines() if ln.startswith("cleaner speed"))
    return ast.literal_eval(line.split(":", 1)[1].strip())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--cv", action="store_true", help="print the leave-one-site-out table (minutes)")
    ap.add_argument("--speed-only", action="store_true")
    ap.add_argument("--compare", metavar="REV", help="also time the cleaner of this git revision")
    args = ap.parse_args()
    options = CleanOptions.from_config(load_config())
    now = speed(args.data, options)
    print("cleaner speed, docs/s (best of 3):", now)
    if args.compare:
        then = speed_of_revision(args.compare, args.data)
        print(f"{'docs/s':<14}{args.compare:>12}{'this tree':>12}")
        for key in now:
            print(f"{key:<14}{then.get(key, float('nan')):>12.1f}{now[key]:>12.1f}")
    if args.speed_only:
        return
    if args.cv:
        import tempfile

        from pipeline.train_cleaner import FORMATS, cross_validate, format_table, kind_table, load_pages

        pages = load_pages(args.data if args.data.exists() else None)
        with tempfile.TemporaryDirectory() as tmp:
            results = cross_validate(pages, options.rules_only(), Path(tmp))
        print(format_table(results, (*FORMATS, "own_html")))
        print(kind_table(results))
        return
    sets = {"seeds (5 docs)": load_gold_dir(ROOT / "tests" / "gold" / "clean", ROOT / "seeds")}
    dev = args.data / "boilerplate-dev"
    if dev.exists():
        sets["boilerplate-dev (29 pages)"] = load_gold_dir(dev)
    html_dir = ROOT / "tests" / "gold" / "html"
    if html_dir.exists():
        sets[f"html ({len(list(html_dir.glob('*.html')))} pages)"] = load_gold_dir(html_dir)
    report = {}
    print(f"{'set':<28}{'system':<16}{'P':>7}{'R':>7}{'F1':>7}   boilerplate recall by kind")
    for set_name, pages in sets.items():
        for system, s in evaluate_set(pages, options).items():
            kinds = " ".join(f"{k}={v:.2f}" for k, v in s.kind_recall().items())
            print(f"{set_name:<28}{system:<16}{s.precision:>7.3f}{s.recall:>7.3f}{s.f1:>7.3f}   {kinds}")
            report.setdefault(set_name, {})[system] = {
                "precision": round(s.precision, 4), "recall": round(s.recall, 4), "f1": round(s.f1, 4),
                "kind_recall": s.kind_recall(),
                "kind_exact": {k: s.kind_exact[k] / n for k, n in s.kind_total.items()},
            }
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
