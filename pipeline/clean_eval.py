"""Scoring line cleaners against line-labeled gold (ANNOTATION.md section 1).

Positive class = `title` and `content` lines. A cleaner's output is a set of dropped
character spans over the raw text; a gold line counts as dropped when at least half of
its characters are inside dropped spans. Used by `bench/clean_bench.py`, the tests and
`warta evaluate --task clean`.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional

from .clean import split_lines

# host name endings dropped to name a page's outlet (site-held-out folds group pages by outlet)
SUFFIXES = (".co.id", ".or.id", ".web.id", ".com", ".co", ".id", ".net", ".org", ".info", ".news")


def outlet(host: str) -> str:
    """`news.detik.com` -> `detik`, `zonajakarta.pikiran-rakyat.com` -> `pikiran-rakyat`."""
    host = host.lower().split("/")[0]
    if host.startswith("www."):
        host = host[4:]
    for suf in SUFFIXES:
        if host.endswith(suf):
            host = host[: -len(suf)]
            break
    return host.rsplit(".", 1)[-1]


KEEP_LABELS = {"title", "content"}


@dataclass
class GoldPage:
    id: str
    raw: str
    labels: dict[int, tuple[str, Optional[str]]]  # line n -> (label, kind)
    html: Optional[str] = None


@dataclass
class LineScores:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    kind_total: Counter = field(default_factory=Counter)
    kind_dropped: Counter = field(default_factory=Counter)
    kind_exact: Counter = field(default_factory=Counter)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def kind_recall(self) -> dict[str, float]:
        return {k: self.kind_dropped[k] / n for k, n in sorted(self.kind_total.items())}

    def add(self, other: "LineScores") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.tn += other.tn
        self.kind_total.update(other.kind_total)
        self.kind_dropped.update(other.kind_dropped)
        self.kind_exact.update(other.kind_exact)


def load_gold_page(gold_path: Path, text_dir: Optional[Path] = None) -> GoldPage:
    """A `<id>.gold.json` with `<id>.txt` (and optionally `<id>.html`) next to it or in `text_dir`."""
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    stem = gold_path.name[: -len(".gold.json")]
    txt = (text_dir or gold_path.parent) / (stem + ".txt")
    html_path = gold_path.with_name(stem + ".html")
    raw = txt.read_text(encoding="utf-8") if txt.exists() else ""
    html = html_path.read_text(encoding="utf-8") if html_path.exists() else None
    if html is not None and not raw:
        from .html import html_to_lines

        raw, _ = html_to_lines(html)
    labels = {ln["n"]: (ln["label"], ln.get("kind")) for ln in gold["lines"]}
    return GoldPage(gold.get("id", stem), raw, labels, html)


def load_gold_dir(directory: Path, text_dir: Optional[Path] = None) -> list[GoldPage]:
    return [load_gold_page(p, text_dir) for p in sorted(directory.glob("*.gold.json"))]


def score_page(page: GoldPage, dropped: list[tuple[int, int]],
               kinds: Optional[dict[int, Optional[str]]] = None) -> LineScores:
    """Score one page given dropped (start, end) spans over `page.raw`."""
    scores = LineScores()
    mask = bytearray(len(page.raw) + 1)
    for s, e in dropped:
        for i in range(max(0, s), min(e, len(page.raw))):
            mask[i] = 1
    for line in split_lines(page.raw):
        if line.n not in page.labels:
            continue
        label, kind = page.labels[line.n]
        n_dropped = sum(mask[line.start:line.end])
        is_dropped = n_dropped * 2 >= (line.end - line.start)
        gold_keep = label in KEEP_LABELS
        if gold_keep and not is_dropped:
            scores.tp += 1
        elif gold_keep:
            scores.fn += 1
        elif not is_dropped:
            scores.fp += 1
        else:
            scores.tn += 1
        if not gold_keep and kind:
            scores.kind_total[kind] += 1
            scores.kind_dropped[kind] += is_dropped
            if kinds is not None and kinds.get(line.n) == kind:
                scores.kind_exact[kind] += 1
    return scores


def kept_lines_to_dropped(raw: str, keep: Callable[[str], bool]) -> list[tuple[int, int]]:
    """Dropped spans for a cleaner that decides per line with `keep(line_text)`."""
    return [(ln.start, ln.end) for ln in split_lines(raw) if not keep(ln.text)]


def kept_text_to_dropped(raw: str, kept_paragraphs: Iterable[str]) -> list[tuple[int, int]]:
    """Dropped spans for a cleaner that returns kept paragraphs (jusText, trafilatura):
    a raw line is kept when its normalised text is contained in the kept output."""
    kept = " ".join(" ".join(p.split()) for p in kept_paragraphs)
    out = []
    for ln in split_lines(raw):
        norm = " ".join(ln.text.split())
        if not norm or norm not in kept:
            out.append((ln.start, ln.end))
    return out


SHORT_LINE_WORDS = 5


def kept_from_spans(raw: str, dropped: list[tuple[int, int]]) -> set[int]:
    """Kept raw line numbers: a line is dropped when at least half of its characters are in
    the dropped spans."""
    mask = bytearray(len(raw) + 1)
    for s, e in dropped:
        mask[max(0, s):max(0, min(e, len(raw)))] = b"\x01" * max(0, min(e, len(raw)) - max(0, s))
    kept = set()
    for line in split_lines(raw):
        if sum(mask[line.start:line.end]) * 2 < (line.end - line.start):
            kept.add(line.n)
    return kept


def kept_from_text(raw: str, output: str, short_words: int = SHORT_LINE_WORDS) -> set[int]:
    """Kept raw line numbers for a cleaner that outputs text (HTML input, jusText, trafilatura):
    a line of `short_words`+ words is kept when the normalised output contains it; a shorter
    line only when it equals a whole output line."""
    out_lines = {" ".join(t.split()) for t in output.splitlines() if t.strip()}
    joined = " ".join(" ".join(t.split()) for t in output.splitlines())
    kept = set()
    for line in split_lines(raw):
        norm = " ".join(line.text.split())
        if len(norm.split()) >= short_words:
            if norm in joined:
                kept.add(line.n)
        elif norm in out_lines:
            kept.add(line.n)
    return kept


def score_kept(labels: dict[int, tuple[str, Optional[str]]], kept: set[int],
               kinds: Optional[dict[int, Optional[str]]] = None) -> LineScores:
    """Kept-line scores of one page given its gold labels and the kept line numbers."""
    scores = LineScores()
    for n, (label, kind) in labels.items():
        gold_keep = label in KEEP_LABELS
        is_kept = n in kept
        if gold_keep and is_kept:
            scores.tp += 1
        elif gold_keep:
            scores.fn += 1
        elif is_kept:
            scores.fp += 1
        else:
            scores.tn += 1
        if not gold_keep:
            kind = kind or "other"
            scores.kind_total[kind] += 1
            scores.kind_dropped[kind] += not is_kept
            if kinds is not None and kinds.get(n) == kind:
                scores.kind_exact[kind] += 1
    return scores
