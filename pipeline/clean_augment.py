"""Compositional training pages for the cleaner's line model (crawl-text page tops).

A synthetic page takes a labeled *training* page as its template (its line order, boilerplate
positions and proportions) and puts a real article of the CLICK-ID news corpus
(`news-corpus-clickid/articles.jsonl`) in place of its title and body: the article's headline
where the template has its title (and its copies), the article's paragraphs where it has content
lines, in order. The template's boilerplate stays where it was; each run of boilerplate lines may
be swapped for a run from another training page found in the same place (before the title,
between title and body, inside the body, after it), and items of related-article lists for other
articles' headlines or first sentences. Labels come by construction (the template's gold kinds,
`title` and `content` for the article's lines); no cleaner code decides any of them. Like the
crawl pages, a synthetic page is a page top: it ends before 2,000 characters.

Built inside each cross-validation fold from that fold's training pages only, and from articles
of other publishers than the held-out outlet; deterministic for a seed.
"""
from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional, Sequence

ARTICLES = Path("news-corpus-clickid") / "articles.jsonl"
# CLICK-ID's scraper joined paragraphs with "," and removed the text of links, leaving " , "
PARA_SPLIT_RE = re.compile(r"(?<=[.!?\"”)])\s*,(?=[A-Z\"“])")
ORPHAN_COMMA_RE = re.compile(r"\s+,(?=[\s,.)]|$)|\(\s*,?\s*\)")
LEAD_JUNK_RE = re.compile(r"^[\s,\-–]+")
MOJIBAKE = ("â€", "‚Äú", "Ã", "\ufffd")
PUBLISHERS = ("okezone.com", "tempo.co", "sindonews.com", "Kompas.com", "tribunnews.com",
              "kapanlagi.com", "fimela.com")  # the cleaner ones of the nine (posmetro, wowkeren: broken text)
PAGE_TOP_CHARS = 2000


@dataclass(frozen=True)
class Article:
    outlet: str
    title: str
    paragraphs: tuple[str, ...]


def _repair(text: str) -> str:
    text = ORPHAN_COMMA_RE.sub("", text)
    return " ".join(LEAD_JUNK_RE.sub("", text).split())


def load_articles(data_dir: Path, limit: int = 1500, seed: int = 0) -> list[Article]:
    """A fixed sample of CLICK-ID articles with a headline and 3+ paragraphs of clean text."""
    from .clean_eval import outlet

    path = data_dir / ARTICLES
    if not path.exists():
        return []
    out = []
    with path.open(encoding="utf-8") as fh:
        for raw in fh:
            d = json.loads(raw)
            title, text = (d.get("title") or "").strip(), d.get("text") or ""
            if d.get("source") not in PUBLISHERS or not title or any(m in text + title for m in MOJIBAKE):
                continue
            paras = tuple(p for p in (_repair(x) for x in PARA_SPLIT_RE.split(text)) if len(p.split()) >= 8)
            if len(paras) >= 3:
                out.append(Article(outlet(d["source"]), " ".join(title.split()), paras))
    rng = random.Random(seed)
    rng.shuffle(out)
    return out[:limit]


Run = list[tuple[str, str]]  # (text, y) lines; y = title / content / a boilerplate kind


def _where(i: int, title_i: Optional[int], body: tuple[int, int]) -> str:
    if title_i is not None and i < title_i:
        return "top"
    if i < body[0]:
        return "head"
    if i <= body[1]:
        return "body"
    return "tail"


def _runs(seq: Sequence[tuple[str, str]]) -> list[tuple[str, Run]]:
    """The page's maximal runs of boilerplate lines, with where they lie."""
    title_i = next((i for i, (_, y) in enumerate(seq) if y == "title"), None)
    content = [i for i, (_, y) in enumerate(seq) if y == "content"]
    body = (content[0], content[-1]) if content else (len(seq), len(seq))
    runs: list[tuple[str, Run]] = []
    cur: Run = []
    start = 0
    for i, (t, y) in enumerate(seq + [("", "content")]):
        if y in ("title", "content"):
            if cur:
                runs.append((_where(start, title_i, body), cur))
            cur = []
        else:
            if not cur:
                start = i
            cur.append((t, y))
    return runs


def synth_pages(templates: Sequence[Sequence[tuple[str, str]]], articles: Sequence[Article],
                per_template: int = 3, seed: int = 0, swap_p: float = 0.4) -> list[list[tuple[str, str]]]:
    """Synthetic labeled pages: `templates` are gold pages as (line text, y) lists."""
    rng = random.Random(seed)
    pool: dict[str, list[Run]] = {}
    for seq in templates:
        for where, run in _runs(list(seq)):
            pool.setdefault(where, []).append(run)
    out = []
    arts = list(articles)
    if not arts:
        return out
    k = 0
    for seq in templates:
        seq = list(seq)
        if not any(y == "content" for _, y in seq):
            continue
        for _ in range(per_template):
            art = arts[k % len(arts)]
            k += 1
            out.append(_one_page(seq, art, arts, pool, rng, swap_p))
    return out


def _one_page(seq: list[tuple[str, str]], art: Article, arts: Sequence[Article],
              pool: dict[str, list[Run]], rng: random.Random, swap_p: float) -> list[tuple[str, str]]:
    title_i = next((i for i, (_, y) in enumerate(seq) if y == "title"), None)
    content = [i for i, (_, y) in enumerate(seq) if y == "content"]
    body = (content[0], content[-1])
    title_norm = " ".join(seq[title_i][0].lower().split()) if title_i is not None else None
    paras = list(art.paragraphs)
    page: list[tuple[str, str]] = []
    i = 0
    while i < len(seq):
        text, y = seq[i]
        if y == "title":
            page.append((art.title, "title"))
            i += 1
        elif y == "content":
            if paras:
                page.append((paras.pop(0), "content"))
            i += 1
        else:
            j = i
            while j < len(seq) and seq[j][1] not in ("title", "content"):
                j += 1
            run = seq[i:j]
            where = _where(i, title_i, body)
            if rng.random() < swap_p and pool.get(where):
                run = rng.choice(pool[where])
            for t, kind in run:
                if kind == "repeated_title" or (title_norm and " ".join(t.lower().split()) == title_norm):
                    page.append((art.title, "repeated_title"))
                elif kind == "related" and len(t.split()) >= 4 and rng.random() < 0.7:
                    other = arts[rng.randrange(len(arts))]
                    prefix = re.match(r"^\s*(baca juga\s*:?\s*|[-•*»]\s*)", t, re.I)
                    body_like = len(t.split()) >= 12
                    new = other.paragraphs[0].split(". ")[0].rstrip(".") + "." if body_like else other.title
                    page.append(((prefix.group(0) if prefix else "") + new, "related"))
                else:
                    page.append((t, kind))
            i = j
    # no longer than the template (CLICK-ID paragraphs run longer than page-top ones), so that
    # the share of boilerplate and the tail widgets stay as on the real page: drop the body's last
    # paragraphs
    budget = min(PAGE_TOP_CHARS, max(sum(len(t) + 1 for t, _ in seq), 600))
    if sum(len(t) + 1 for t, _ in page) > budget:
        while sum(len(t) + 1 for t, _ in page) > budget and sum(y == "content" for _, y in page) > 2:
            last = max(n for n, (_, y) in enumerate(page) if y == "content")
            del page[last]
    # a page top: cut before the line that passes the character cap
    total, cut = 0, len(page)
    for n, (t, _) in enumerate(page):
        total += len(t) + 1
        if total > PAGE_TOP_CHARS and n > 0:
            cut = n
            break
    return page[:cut]


def page_tops(full_pages: Sequence[Sequence[tuple[str, str]]], per_page: int = 1, seed: int = 0,
              keep_p: float = 0.5) -> list[list[tuple[str, str]]]:
    """Crawl-like page tops cut from labeled full pages (`f_*.txt` as (line text, gold y) lists).

    A crawl-text page top holds a little chrome, the headline, the body's first paragraphs with
    their captions and in-body links, and, for short articles, the widgets after the body
    (teasers, related lists). Cut from a full page: the last few lines above the title (none,
    sometimes: a page that starts with the body), the title, the body, then the lines after it,
    until 2,000 characters. With probability `keep_p` the body keeps all its lines (the top ends
    inside a long body); otherwise some of its last paragraphs go so that the tail widgets fit, as
    on a short article. Every line keeps the full page's gold label: nothing is relabeled."""
    rng = random.Random(seed)
    out = []
    for seq in full_pages:
        seq = list(seq)
        content = [i for i, (_, y) in enumerate(seq) if y == "content"]
        if len(content) < 2:
            continue
        title_i = next((i for i, (_, y) in enumerate(seq) if y == "title"), None)
        head = title_i if title_i is not None and title_i < content[0] else content[0]
        for _ in range(per_page):
            if rng.random() < 0.15:  # a top cut, an AMP page: it starts at the body
                start = content[0]
            else:
                start = max(0, head - rng.choice((0, 1, 2, 3, 5, 8)))
            body = seq[start:content[-1] + 1]
            tail = seq[content[-1] + 1:]
            if rng.random() >= keep_p:
                # drop body paragraphs from the end (at least 2 stay) to leave room for the tail
                budget = PAGE_TOP_CHARS - rng.choice((300, 600, 900))
                while sum(len(t) + 1 for t, _ in body) > budget and sum(y == "content" for _, y in body) > 2:
                    last = max(n for n, (_, y) in enumerate(body) if y == "content")
                    body = body[:last] + [ln for ln in body[last + 1:] if ln[1] != "content"]
            page, total = [], 0
            for t, y in body + tail:
                total += len(t) + 1
                if total > PAGE_TOP_CHARS and page:
                    break
                page.append((t, y))
            if sum(y == "content" for _, y in page) >= 1:
                out.append(page)
    return out


def tops_items(full_seqs: Iterable[Sequence[tuple[str, str]]], options, per_page: int = 1,
               seed: int = 0) -> list[tuple[list[dict], list[str]]]:
    """Training items (features, labels) of the page tops cut from `full_seqs` (`page_tops`)."""
    return _items(page_tops(list(full_seqs), per_page, seed), options)


def _items(pages: Iterable[list[tuple[str, str]]], options) -> list[tuple[list[dict], list[str]]]:
    from .clean_features import page_features
    from .clean_rules import split_lines

    items = []
    for page in pages:
        if not any(y == "content" for _, y in page):
            continue
        raw = "\n".join(t for t, _ in page)
        lines = split_lines(raw)
        ys = [y for t, y in page if t.strip()]
        if len(lines) != len(ys):
            continue
        items.append((page_features(lines, options, None), ys))
    return items


def augment_items(template_seqs: Iterable[Sequence[tuple[str, str]]], articles: Sequence[Article],
                  options, per_template: int = 3, seed: int = 0) -> list[tuple[list[dict], list[str]]]:
    """Training items (features, labels) of the synthetic pages built on `template_seqs`."""
    return _items(synth_pages(list(template_seqs), articles, per_template, seed), options)
