"""Features of every line of a page, for the cleaner's line classifier (a linear-chain CRF).

A page is a list of `Line`s (plain text or HTML block lines) and, for HTML, one hints dict per
raw line (`html.html_to_lines`). Each line gets a dict `{feature: value}` (crfsuite attribute
form) built from
- the line itself: length, words, stop-word density (`lang/id/stopwords.txt`), punctuation and
  sentence shape, digits, capitals, cue hits from `boilerplate_cues.yaml` (kind, date line,
  dateline, byline, caption credit), its first words and, when short, its whole text;
- its page: relative position, where it lies against the main body (the best-scoring run of
  prose lines), repeats within the page, likeness to the page title and to the body's words;
- its neighbours: a compact view of the lines two before and two after;
- for HTML, the DOM: block tag, the last tags of its path, landmark ancestors (nav, header,
  footer, aside, article, main, form), class/id words (with the cue file's HTML hints), link
  density, text density, depth, and whether it lies inside the element holding most prose.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

from .clean_rules import (RuleOptions, _norm, cue_kind, dateline_match, is_date_line, word_count)
from .document import Line

STOPWORDS_PATH = Path(__file__).resolve().parent / "lang" / "id" / "stopwords.txt"
WORD_RE = re.compile(r"[^\W\d_][\w'-]*")
SENT_END_RE = re.compile(r"[.!?]['\"”’)]*$")
LANDMARKS = ("nav", "header", "footer", "aside", "article", "main", "form", "figure", "figcaption",
             "ul", "ol", "li", "table", "h1", "h2", "h3", "h4", "blockquote", "a", "time", "strong")
CLASS_TOKEN_RE = re.compile(r"^[a-z]{3,20}$")
PLACE_DASH_RE = re.compile(r"^[A-Z][A-Za-z .]{1,30}(,\s*\(?[A-Za-z0-9.]+\)?)?\s*[-–—]+$")
PAREN_CREDIT_RE = re.compile(r"[(\[](?:[^()\[\]]*\b(?:foto|photo|dok|doc|ist|istimewa|getty|reuters|afp|ap|antara|ilustrasi)\b[^()\[\]]*|[^()\[\]\s]+/[^()\[\]]*)[)\]]\s*$", re.I)
TIME_RE = re.compile(r"\b\d{1,2}[:.]\d{2}\b\s*(WIB|WITA|WIT)?|\b(WIB|WITA|WIT)\b|\b\d+ (menit|jam|hari) (yang )?lalu\b", re.I)
DATE_RE = re.compile(r"\b\d{1,2}[/-]\d{1,2}[/-]\d{2,4}\b|\b\d{1,2} (jan|feb|mar|apr|mei|may|jun|jul|agu|aug|agt|sep|okt|oct|nov|nop|des|dec)[a-z]*\.? \d{4}\b", re.I)
SENT_BREAK_RE = re.compile(r"[.!?]['\"”’)]*\s+[A-Z\"“]")
NUMBERED_RE = re.compile(r"^\d{1,2}[.)]\s")
URL_RE = re.compile(r"https?://|www\.|@\w|\.com\b|\.co\.id\b", re.I)
Features = dict[str, float]


@lru_cache(maxsize=4)
def load_stopwords(path: str = str(STOPWORDS_PATH)) -> frozenset[str]:
    """The Indonesian stop list (one word a line, `#` comments)."""
    words = set()
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip().lower()
        if line and not line.startswith("#"):
            words.add(line)
    return frozenset(words)


def _bucket(value: float, edges: tuple[float, ...]) -> int:
    for k, edge in enumerate(edges):
        if value < edge:
            return k
    return len(edges)


WORD_EDGES = (1, 2, 3, 4, 6, 8, 10, 15, 25, 50)
RATIO_EDGES = (0.05, 0.15, 0.25, 0.35, 0.5)


def line_base(line: Line, options: RuleOptions, stop: frozenset[str]) -> dict[str, Any]:
    """Facts about one line on its own (shared by its own and its neighbours' features)."""
    text = line.text
    words = WORD_RE.findall(text)
    lower = [w.lower() for w in words]
    n_words = word_count(text)
    norm = _norm(text)
    n_stop = sum(w in stop for w in lower)
    n_letters = sum(map(str.isalpha, text))
    upper = sum(map(str.isupper, text))
    digits = sum(map(str.isdigit, text))
    caps_words = [w for w in words if w[0].isupper()]
    cue = cue_kind(text, options, norm, n_words)
    content = [w for w in words if w.lower() not in stop]
    date_line = is_date_line(text, options)
    dateline = bool(dateline_match(text, options))
    return {
        "words": n_words,
        "wb": _bucket(n_words, WORD_EDGES),
        "chars": len(text),
        "stop": n_stop / max(len(words), 1),
        "n_stop": n_stop,
        "end": "sent" if SENT_END_RE.search(text) else ("colon" if text.endswith(":") else
                                                         ("comma" if text.endswith(",") else "none")),
        "sents": len(SENT_BREAK_RE.findall(text)),
        "digits": digits / max(len(text), 1),
        "upper": upper / max(n_letters, 1),
        "caps": len(caps_words) / max(len(words), 1),
        # title case: the share of capitalised words among the non-stop words
        "tcase": sum(w[0].isupper() for w in content) / len(content) if content else 0.0,
        "all_upper": upper >= 0.9 * max(n_letters, 1) and n_letters >= 6,
        "content_words": {w.lower() for w in content if len(w) >= 3},
        "cue": cue,
        "date_line": date_line,
        "dateline": dateline,
        "author": bool(options.cues.author.search(text)) and n_words <= 12,
        "credit": bool(options.cues.caption_credit.search(text)),
        "quote": '"' in text or "“" in text,
        "bullet": text[:1] in "-•*·»>" or bool(NUMBERED_RE.match(text)),
        "pipe": "|" in text,
        "has_time": bool(TIME_RE.search(text)),
        "place_dash": bool(PLACE_DASH_RE.match(text)),
        "paren_credit": bool(PAREN_CREDIT_RE.search(text)),
        "has_date": bool(DATE_RE.search(text)),
        "url": bool(URL_RE.search(text)),
        "copyright": "©" in text or "copyright" in text.lower(),
        "first": lower[0] if lower else "",
        "first2": " ".join(lower[:2]),
        "last": lower[-1] if lower else "",
        "norm": norm,
        "prose": n_words >= 10 and n_stop / max(len(words), 1) >= 0.15
        and (bool(SENT_END_RE.search(text)) or text.endswith(("\"", "”")) or n_words >= 25),
        "lower": set(lower),
    }


def _body_run(base: list[dict[str, Any]]) -> tuple[int, int]:
    """The page's main body: the run of lines with the best score (prose words count for it,
    other lines against it; maximum-sum subarray). (start, end) inclusive, or (-1, -1)."""
    best, best_span = 0.0, (-1, -1)
    cur, start = 0.0, 0
    for i, b in enumerate(base):
        if b["prose"] and not b["cue"]:
            gain = b["words"] * (0.5 + b["stop"])
        elif b["cue"]:
            gain = -3.0
        else:
            gain = -2.0 - 0.3 * b["words"]
        if cur <= 0:
            cur, start = gain, i
        else:
            cur += gain
        if cur > best:
            best, best_span = cur, (start, i)
    return best_span


def _main_element(base: list[dict[str, Any]], hints: list[Optional[dict[str, Any]]]) -> Optional[int]:
    """HTML: the deepest element holding at least 70% of the page's prose words."""
    weight: dict[int, float] = {}
    order: dict[int, int] = {}
    total = 0.0
    for b, h in zip(base, hints):
        if not h or not b["prose"]:
            continue
        total += b["words"]
        for depth, el in enumerate(h.get("anc", ())):
            weight[el] = weight.get(el, 0.0) + b["words"]
            order[el] = depth
    if not total:
        return None
    cands = [el for el, w in weight.items() if w >= 0.7 * total]
    return max(cands, key=lambda el: order[el]) if cands else None


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def page_features(lines: list[Line], options: RuleOptions,
                  hints: Optional[list[dict[str, Any]]] = None) -> list[Features]:
    """One crfsuite feature dict per line of the page."""
    stop = load_stopwords()
    base = [line_base(ln, options, stop) for ln in lines]
    line_hints: list[Optional[dict[str, Any]]] = [
        (hints[ln.n] if hints and ln.n < len(hints) else None) for ln in lines]
    is_html = any(h is not None for h in line_hints)
    page_title = ""
    if hints:
        page_title = hints[0].get("page_title") or ""
    title_words = {w.lower() for w in WORD_RE.findall(page_title)}
    n = len(lines)
    run_start, run_end = _body_run(base)
    main_el = _main_element(base, line_hints) if is_html else None
    counts: dict[str, int] = {}
    for b in base:
        counts[b["norm"]] = counts.get(b["norm"], 0) + 1
    body_words: set[str] = set()
    if run_start >= 0:
        for b in base[run_start:run_end + 1]:
            if b["prose"]:
                body_words |= b["lower"]
    # nearest headline-like line above the body
    title_cand = -1
    if run_start >= 0:
        for j in range(run_start, max(-1, run_start - 15), -1):
            b = base[j]
            if 3 <= b["words"] <= 25 and b["end"] in ("none",) and not b["cue"] and not b["date_line"] \
                    and b["caps"] >= 0.3 and not b["paren_credit"] and "foto" not in b["lower"]:
                title_cand = j
                break
    prose_idx = [i for i, b in enumerate(base) if b["prose"]]
    # lines that state a date, time or author (a headline sits next to them)
    meta_idx = [i for i, b in enumerate(base)
                if b["date_line"] or b["author"] or b["cue"] in ("byline", "dateline_meta")
                or ((b["has_time"] or b["has_date"]) and b["words"] <= 10)]
    # the body's first sentences (a headline's words come back in them)
    lead_words: set[str] = set()
    if run_start >= 0:
        for b in [x for x in base[run_start:run_end + 1] if x["prose"]][:3]:
            lead_words |= b["content_words"]
    # the rule cleaner's verdicts, on short crawl-text pages only (on full pages its
    # "short line between body lines" rules misfire)
    rule = _rule_labels(lines, options, hints) \
        if RULE_FEATURES and not is_html and n <= RULE_MAX_LINES else None
    out: list[Features] = []
    for i, (ln, b) in enumerate(zip(lines, base)):
        f: Features = {"bias": 1.0}
        _own(f, b, "")
        f["pos=%d" % min(9, int(10 * i / max(n, 1)))] = 1.0
        if i == 0:
            f["first_line"] = 1.0
        if i == n - 1:
            f["last_line"] = 1.0
        if run_start < 0:
            f["body=none"] = 1.0
        elif i < run_start:
            f["body=before"] = 1.0
            f["body_dist=%d" % _bucket(run_start - i, (2, 3, 5, 10, 20, 40))] = 1.0
        elif i > run_end:
            f["body=after"] = 1.0
            f["body_dist=%d" % _bucket(i - run_end, (2, 3, 5, 10, 20, 40))] = 1.0
        else:
            f["body=in"] = 1.0
        if i == title_cand:
            f["title_cand"] = 1.0
        f[f"tcase={_bucket(b['tcase'], (0.5, 0.75, 0.95))}"] = 1.0
        if b["all_upper"]:
            f["all_upper"] = 1.0
        if b["content_words"] and lead_words:
            f["lead_overlap=%d" % _bucket(len(b["content_words"] & lead_words) / len(b["content_words"]),
                                          (0.2, 0.4, 0.6))] = 1.0
        if not b["date_line"]:
            near = [j - i for j in meta_idx if 0 < abs(j - i) <= 4]
            if near:
                d = min(near, key=abs)
                f[f"meta_near={d}"] = 1.0
        rep = counts[b["norm"]]
        if rep > 1:
            f["repeated"] = 1.0
            f["repeated_n=%d" % min(rep, 4)] = 1.0
        if b["lower"]:
            f["body_overlap=%d" % _bucket(len(b["lower"] & body_words) / len(b["lower"]), (0.2, 0.4, 0.6, 0.8))] = 1.0
        if title_words:
            sim = _jaccard(b["lower"], title_words)
            contained = bool(b["lower"]) and len(b["lower"] & title_words) / len(b["lower"]) >= 0.9
            f["title_sim=%d" % _bucket(sim, (0.2, 0.4, 0.6, 0.8))] = 1.0
            if contained and b["words"] >= 3:
                f["in_title"] = 1.0
        for w in (3, 8):
            window = base[max(0, i - w):i + w + 1]
            f[f"prose_density{w}"] = sum(x["prose"] for x in window) / len(window)
            same_first = sum(x["first"] == b["first"] for x in window) - 1 if b["first"] else 0
            f[f"same_first{w}={min(same_first, 4)}"] = 1.0
            same_shape = sum(x["wb"] == b["wb"] and x["end"] == b["end"] for x in window) - 1
            f[f"same_shape{w}={min(same_shape, 6)}"] = 1.0
        up = next((i - j for j in range(i - 1, max(-1, i - 30), -1) if base[j]["prose"]), 99)
        down = next((j - i for j in range(i + 1, min(n, i + 30)) if base[j]["prose"]), 99)
        f[f"prose_up={_bucket(up, (2, 3, 5, 10, 30))}"] = 1.0
        f[f"prose_down={_bucket(down, (2, 3, 5, 10, 30))}"] = 1.0
        if prose_idx:
            f[f"prose_rank={_bucket((i - prose_idx[0]) / max(1, prose_idx[-1] - prose_idx[0] + 1), (-0.5, -0.1, 0, 0.25, 0.5, 0.75, 1, 1.1, 1.5))}"] = 1.0
        if rule is not None:
            for off in (-1, 0, 1):
                if 0 <= i + off < n:
                    f[f"rule{off}={rule[i + off][0]}"] = 1.0
            f[f"rule_reason={rule[i][1]}"] = 1.0
        h = line_hints[i]
        if is_html:
            _dom(f, h, options, main_el)
        for off in (-2, -1, 1, 2):
            j = i + off
            key = "p%d" % off if off < 0 else "n%d" % off
            if 0 <= j < n:
                nb = base[j]
                f[f"{key}:wb={nb['wb']}"] = 1.0
                f[f"{key}:end={nb['end']}"] = 1.0
                if nb["cue"]:
                    f[f"{key}:cue={nb['cue']}"] = 1.0
                if nb["prose"]:
                    f[f"{key}:prose"] = 1.0
                if nb["date_line"]:
                    f[f"{key}:date_line"] = 1.0
                if abs(off) == 1:
                    f[f"{key}:stop={_bucket(nb['stop'], RATIO_EDGES)}"] = 1.0
                    if nb["words"] <= 3:
                        f[f"{key}:txt={nb['norm'][:40]}"] = 1.0
                    if counts[nb["norm"]] > 1:
                        f[f"{key}:repeated"] = 1.0
                    if nb["norm"] == b["norm"]:
                        f[f"{key}:same"] = 1.0
                    nh = line_hints[j]
                    if nh is not None:
                        f[f"{key}:tag={nh.get('tag')}"] = 1.0
                        f[f"{key}:ld={_bucket(nh.get('link_density', 0.0), (0.01, 0.3, 0.7))}"] = 1.0
                        if h is not None and nh.get("anc") and h.get("anc"):
                            f[f"{key}:same_parent"] = float(nh["anc"][:-1] == h["anc"][:-1])
            else:
                f[f"{key}:none"] = 1.0
        out.append(f)
    if DOMAIN_COPIES:
        # every feature once more under the page's domain (crawl-text top, full-page text, HTML),
        # so that the CRF learns weights shared by all domains and per domain
        domain = "H" if is_html else ("S" if n <= RULE_MAX_LINES else "F")
        out = [{**f, **{f"{domain}|{k}": v for k, v in f.items()}} for f in out]
    return out


DOMAIN_COPIES = True


# the rule cleaner's verdicts as features of short crawl-text pages: off (those rules were
# hand-developed on boilerplate-dev, so they would flatter the cross-validated crawl score)
RULE_FEATURES = False
RULE_MAX_LINES = 60


def _rule_labels(lines: list[Line], options: RuleOptions,
                 hints: Optional[list[dict[str, Any]]]) -> list[tuple[str, str]]:
    """The rule cleaner's verdict per line ((label or kind), reason), as features."""
    from .clean_rules import classify_lines

    copies = [Line(ln.n, ln.start, ln.end, ln.text) for ln in lines]
    classify_lines(copies, options, hints)
    return [(ln.kind or ln.label or "none", ln.reason or "none") for ln in copies]


def _own(f: Features, b: dict[str, Any], prefix: str) -> None:
    f[f"{prefix}wb={b['wb']}"] = 1.0
    f[f"{prefix}log_words"] = math.log1p(b["words"])
    f[f"{prefix}log_chars"] = math.log1p(b["chars"]) / 5
    f[f"{prefix}stop"] = b["stop"]
    f[f"{prefix}stop_b={_bucket(b['stop'], RATIO_EDGES)}"] = 1.0
    f[f"{prefix}end={b['end']}"] = 1.0
    f[f"{prefix}sents={min(b['sents'], 3)}"] = 1.0
    f[f"{prefix}digits"] = b["digits"]
    f[f"{prefix}upper"] = b["upper"]
    f[f"{prefix}caps"] = b["caps"]
    f[f"{prefix}caps_b={_bucket(b['caps'], (0.3, 0.6, 0.9))}"] = 1.0
    for key in ("date_line", "dateline", "author", "credit", "quote", "bullet", "pipe", "url",
                "copyright", "prose", "has_time", "has_date", "place_dash", "paren_credit"):
        if b[key]:
            f[f"{prefix}{key}"] = 1.0
    if b["cue"]:
        f[f"{prefix}cue={b['cue']}"] = 1.0
    if b["first"]:
        f[f"{prefix}w0={b['first']}"] = 1.0
    if b["words"] >= 2:
        f[f"{prefix}w01={b['first2']}"] = 1.0
    if b["last"] and b["words"] <= 12:
        f[f"{prefix}wl={b['last']}"] = 1.0
    if b["words"] <= 4:
        f[f"{prefix}txt={b['norm'][:40]}"] = 1.0


def _dom(f: Features, h: Optional[dict[str, Any]], options: RuleOptions, main_el: Optional[int]) -> None:
    if h is None:
        f["dom=none"] = 1.0
        return
    tag = h.get("tag", "body")
    path = h.get("path", [])
    f[f"tag={tag}"] = 1.0
    if path:
        f["path2=" + ">".join(path[-2:])] = 1.0
        f["path3=" + ">".join(path[-3:])] = 1.0
    for t in sorted(set(path)):
        if t in LANDMARKS:
            f[f"anc={t}"] = 1.0
    ld = h.get("link_density", 0.0)
    f["link_density"] = ld
    f[f"ld={_bucket(ld, (0.01, 0.2, 0.5, 0.8, 0.99))}"] = 1.0
    depth = h.get("depth", 0)
    f[f"depth={_bucket(depth, (4, 6, 8, 10, 13, 16, 20, 30))}"] = 1.0
    tags = h.get("tags", 0)
    f[f"tags={_bucket(tags, (1, 2, 3, 5, 10))}"] = 1.0
    words = set(h.get("words", ()))
    for kind, markers in options.cues.html_hints:
        if words & markers:
            f[f"hint={kind}"] = 1.0
    for w in sorted(words):
        if CLASS_TOKEN_RE.match(w):
            f[f"cw={w}"] = 1.0
    if main_el is not None:
        anc = h.get("anc", ())
        if main_el in anc:
            f["in_main"] = 1.0
            f[f"main_depth={_bucket(len(anc) - 1 - list(anc).index(main_el), (1, 2, 3, 4, 6))}"] = 1.0
        else:
            f["out_main"] = 1.0
