"""The rule side of cleaning (ANNOTATION.md section 1): small pure functions over one options
object: `split_lines` -> `cue_kind` / `is_date_line` / `dateline_match` per line ->
`classify_lines` (context: title, repeats, body region, captions) -> `extract_meta`.
Cue words and patterns live in `lang/id/boilerplate_cues.yaml`. The trained line model
(`clean_model`) reads these as features; `clean.clean_text` is the entry point.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

import yaml

from .document import PARAGRAPH_JOIN, Line

TITLE = "title"
CONTENT = "content"
BOILERPLATE = "boilerplate"
# cue kinds that may hit long lines too (the others are trusted on short lines only)
ANY_LENGTH_KINDS = {"related", "caption", "source_credit", "cookie", "ad"}
SENTENCE_END_RE = re.compile(r"[.!?]['\"”’)]*$|[\"”]$")
LIST_HEADER_RE = re.compile(r"(?i)terkait|terpopuler|lainnya|populer|rekomendasi|pilihan|terkini|baca juga")


@dataclass(frozen=True)
class Cues:
    """Compiled cue data from the YAML file."""

    exact: dict[str, str]
    prefix: tuple[tuple[str, str], ...]
    regex: tuple[tuple[re.Pattern, str], ...]
    caption_credit: re.Pattern
    dateline: re.Pattern
    days: frozenset[str]
    months: dict[str, int]
    time_zones: frozenset[str]
    date_fillers: frozenset[str]
    author: re.Pattern
    editor: re.Pattern
    end_marker: Optional[re.Pattern] = None
    html_hints: tuple[tuple[str, frozenset[str]], ...] = ()


@lru_cache(maxsize=8)
def load_cues(path: str) -> Cues:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    exact, prefix, regex = {}, [], []
    for kind, spec in data["kinds"].items():
        for phrase in spec.get("exact", []):
            exact[_norm(str(phrase))] = kind
        for phrase in spec.get("prefix", []):
            prefix.append((str(phrase).lower(), kind))
        for pattern in spec.get("regex", []):
            regex.append((re.compile(pattern), kind))
    return Cues(
        exact=exact,
        prefix=tuple(prefix),
        regex=tuple(regex),
        caption_credit=re.compile(data["caption_credit_regex"]),
        dateline=re.compile(data["dateline_regex"]),
        days=frozenset(data["days"]),
        months={k: int(v) for k, v in data["months"].items()},
        time_zones=frozenset(data["time_zones"]),
        date_fillers=frozenset(data["date_line_fillers"]),
        author=re.compile(data["author_regex"]),
        editor=re.compile(data["editor_regex"]),
        end_marker=re.compile(data["end_marker_regex"]) if data.get("end_marker_regex") else None,
        html_hints=tuple((kind, frozenset(w.lower() for w in words))
                         for kind, words in (data.get("html_class_hints") or {}).items()),
    )


@dataclass(frozen=True)
class RuleOptions:
    """What the rule functions read: the cue lexicon and the thresholds of `config.yaml` `clean:`."""

    cues: Cues
    long_line_words: int = 12
    min_sentence_words: int = 6
    link_density_max: float = 0.5
    warn_min_visible_chars: int = 1000


def _norm(text: str) -> str:
    """Lower-case, NFKC, collapse spaces, strip surrounding punctuation except '*', '-', '...'."""
    text = unicodedata.normalize("NFKC", text).lower().strip()
    text = re.sub(r"\s+", " ", text)
    stripped = text.strip(" :|•>»·")
    return stripped or text


def split_lines(raw: str) -> list[Line]:
    """Non-empty lines with their offsets into `raw` (n = index in raw.splitlines()). A line of
    comma-joined paragraphs (PARAGRAPH_JOIN, CLICK-ID's format) gives one Line per paragraph, all
    with the same n; the joining commas belong to none."""
    lines, pos = [], 0
    for n, chunk in enumerate(raw.splitlines(keepends=True)):
        body = chunk.rstrip("\r\n")
        cut = 0
        for piece_end, next_start in [(m.start(2), m.end(2)) for m in PARAGRAPH_JOIN.finditer(body)] + [(len(body), 0)]:
            piece = body[cut:piece_end]
            stripped = piece.strip()
            if stripped:
                start = pos + cut + piece.index(stripped[0])
                lines.append(Line(n=n, start=start, end=start + len(stripped), text=stripped))
            cut = next_start
        pos += len(chunk)
    return lines


def word_count(text: str) -> int:
    return sum(1 for w in text.split() if any(ch.isalnum() for ch in w))


def cue_kind(text: str, options: RuleOptions, norm: Optional[str] = None,
             words: Optional[int] = None) -> Optional[str]:
    """The boilerplate kind a cue assigns to this line, or None (`norm`, `words`: the line's
    `_norm` and `word_count` when the caller has them)."""
    cues = options.cues
    norm = _norm(text) if norm is None else norm
    words = word_count(text) if words is None else words
    if norm in cues.exact:
        return cues.exact[norm]
    found = None
    for phrase, kind in cues.prefix:
        if norm.startswith(phrase):
            found = kind
            break
    if found is None:
        for pattern, kind in cues.regex:
            if pattern.search(text):
                found = kind
                break
    if found and (found in ANY_LENGTH_KINDS or words <= options.long_line_words + 3):
        return found
    if cues.caption_credit.search(text):
        return "caption"
    return None


_NUM_RE = re.compile(r"^\d{1,4}([:./-]\d{1,4}){0,2}$")


def is_date_line(text: str, options: RuleOptions) -> bool:
    """A bare publication date/time line: only days, months, numbers, time zones and fillers,
    optionally behind a site name (`Kompas.com - 09/04/2018, 21:33 WIB`)."""
    cues = options.cues
    tokens = re.findall(r"[\w'.:/]+|[|•,-]", text.lower())
    if not tokens:
        return False
    dated = other = 0
    for tok in tokens:
        t = tok.strip(".,")
        if t in cues.days or t in cues.months or t in cues.time_zones or _NUM_RE.match(t):
            dated += 1
        elif t in cues.date_fillers or not t:
            continue
        elif "." in t and re.match(r"^[\w-]+\.(com|co\.id|id|net|org)$", t):
            continue  # site name
        else:
            other += 1
    return dated >= 2 and other <= 1 and any(
        ch.isdigit() for ch in text
    )


def parse_date(text: str, options: RuleOptions) -> Optional[str]:
    """The first calendar date in `text` as ISO (`YYYY-MM-DD`), or None."""
    months = options.cues.months
    for m in re.finditer(r"\b(\d{1,2})\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b", text):
        mon = months.get(m.group(2).lower())
        if mon:
            return _iso(int(m.group(3)), mon, int(m.group(1)))
    for m in re.finditer(r"\b([A-Za-z]{3,9})\s+(\d{1,2}),?\s+(\d{4})\b", text):
        mon = months.get(m.group(1).lower())
        if mon:
            return _iso(int(m.group(3)), mon, int(m.group(2)))
    for m in re.finditer(r"\b(\d{1,2})[/-](\d{1,2})[/-](\d{4})\b", text):
        return _iso(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    for m in re.finditer(r"\b(\d{4})-(\d{2})-(\d{2})\b", text):
        return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return None


def _iso(y: int, m: int, d: int) -> Optional[str]:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def dateline_match(text: str, options: RuleOptions) -> Optional[re.Match]:
    """`MOSKOW, SATUHARAPAN.COM - ...`, `Paris (CB) - ...`: the article's own dateline."""
    return options.cues.dateline.match(text)


def is_prose(line: Line, options: RuleOptions) -> bool:
    words = word_count(line.text)
    if words >= options.long_line_words:
        return True
    return words >= options.min_sentence_words and bool(SENTENCE_END_RE.search(line.text))


def _title_case_ratio(text: str) -> float:
    words = [w for w in re.findall(r"[^\W\d_][\w'-]*", text)]
    if not words:
        return 0.0
    small = {"dan", "di", "ke", "dari", "yang", "untuk", "atau", "dengan", "pada", "of", "the", "and"}
    counted = [w for w in words if w.lower() not in small]
    if not counted:
        return 0.0
    return sum(w[0].isupper() for w in counted) / len(counted)


def _same(a: str, b: str) -> bool:
    return _norm(a) == _norm(b)


def _is_title_candidate(line: Line) -> bool:
    words = word_count(line.text)
    text = line.text
    return 3 <= words <= 25 and not text.endswith((".", ":", ",")) and not text.islower()


def html_kind(hint: Optional[dict[str, Any]], text: str, options: RuleOptions) -> Optional[str]:
    """The boilerplate kind an HTML block's tag, class/id words or link density point to."""
    if not hint:
        return None
    if hint["tag"] == "figcaption":
        return "caption"
    words = set(hint["words"])
    for kind, markers in options.cues.html_hints:
        if words & markers:
            return kind
    if hint["link_density"] > options.link_density_max and word_count(text) < options.long_line_words * 2:
        return "related" if word_count(text) >= 4 else "nav"
    return None


def classify_lines(lines: list[Line], options: RuleOptions,
                   hints: Optional[list[dict[str, Any]]] = None) -> None:
    """Label every line title / content / boilerplate (with kind), in place.
    `hints` (HTML input) has one dict per raw line number."""
    cue = [cue_kind(ln.text, options) for ln in lines]
    if hints:
        cue = [c or html_kind(hints[ln.n] if ln.n < len(hints) else None, ln.text, options)
               for c, ln in zip(cue, lines)]
    for i, ln in enumerate(lines):
        if cue[i] is None and is_date_line(ln.text, options):
            cue[i] = "dateline_meta"
    prose = [cue[i] is None and (is_prose(ln, options) or bool(dateline_match(ln.text, options)))
             for i, ln in enumerate(lines)]
    if not any(prose):  # a short document: its sentences are the body
        prose = [cue[i] is None and bool(SENTENCE_END_RE.search(ln.text)) for i, ln in enumerate(lines)]
    _demote_list_items(lines, cue, prose)
    _demote_between_widgets(lines, cue, prose, options)

    title_i = _choose_title(lines, cue, prose, hints, options)
    if title_i is not None:
        prose[title_i] = False
        for i in range(title_i):  # above the headline only long paragraphs are body
            if prose[i] and word_count(lines[i].text) < options.long_line_words \
                    and not dateline_match(lines[i].text, options):
                prose[i] = False
    _demote_after_end_marker(lines, cue, prose, options)

    for i, ln in enumerate(lines):
        if i == title_i:
            ln.label, ln.reason = TITLE, "headline"
        elif title_i is not None and i > title_i and _same(ln.text, lines[title_i].text):
            ln.label, ln.kind, ln.reason = BOILERPLATE, "repeated_title", "headline repeated"
        elif cue[i] is not None:
            ln.label, ln.kind, ln.reason = BOILERPLATE, cue[i], "cue"
        elif prose[i] and _next_to_photo_credit(lines, cue, i) and not dateline_match(ln.text, options):
            ln.label, ln.kind, ln.reason = BOILERPLATE, "caption", "next to a photo credit"
        elif prose[i]:
            ln.label, ln.reason = CONTENT, "prose"
        else:
            ln.label, ln.reason = None, None  # decided by context below

    prose_idx = [i for i, ln in enumerate(lines) if ln.label == CONTENT]
    first_body = prose_idx[0] if prose_idx else len(lines)
    last_body = prose_idx[-1] if prose_idx else -1
    list_mode = False
    for i, ln in enumerate(lines):
        if ln.kind in ("nav", "related") and LIST_HEADER_RE.search(ln.text) and word_count(ln.text) <= 4:
            list_mode = True
        elif ln.label == CONTENT and SENTENCE_END_RE.search(ln.text):
            list_mode = False
        if list_mode and ln.label == CONTENT and not SENTENCE_END_RE.search(ln.text.rstrip()):
            ln.label, ln.kind, ln.reason = BOILERPLATE, "related", "item of a related-stories list"
            continue
        if ln.label is not None:
            continue
        ln.label = BOILERPLATE
        prev_kind = lines[i - 1].kind if i > 0 else None
        next_kind = lines[i + 1].kind if i + 1 < len(lines) else None
        words = word_count(ln.text)
        if "photo_credit" in (prev_kind, next_kind) or prev_kind == "repeated_title":
            ln.kind, ln.reason = "caption", "next to a photo credit or repeated headline"
        elif _is_name_line(ln.text) and ({prev_kind, next_kind} & {"dateline_meta", "byline"}):
            ln.kind, ln.reason = "byline", "a name next to the byline or date"
        elif list_mode and words >= 3:
            ln.kind, ln.reason = "related", "item of a related-stories list"
        elif ln.text.startswith(("- ", "• ")) and _in_item_run(lines, i) and not _after_colon(lines, i):
            ln.kind, ln.reason = "related", "item of an unheaded list"
        elif re.match(r"^\d{1,2}\.\s+\S", ln.text) and words >= 3 and i > first_body:
            ln.label, ln.reason = CONTENT, "numbered sub-heading"
        elif first_body < i < last_body:
            ln.label, ln.reason = CONTENT, "short line between body paragraphs"
        elif i < first_body:
            if title_i is not None and i > title_i and words >= options.min_sentence_words:
                ln.label, ln.reason = CONTENT, "deck under the headline"
            elif SENTENCE_END_RE.search(ln.text) and words >= 3:
                ln.kind, ln.reason = "related", "teaser before the article"
            elif words <= 1 and ln.text.islower():
                ln.kind, ln.reason = "caption", "image alt text"
            else:
                ln.kind, ln.reason = "nav", "short line before the article"
        elif (i > 0 and lines[i - 1].label == CONTENT and words >= 3
              and (_title_case_ratio(ln.text) >= 0.6 or ln.text.endswith(("?", "."))) and not list_mode):
            ln.label, ln.reason = CONTENT, "sub-heading right after the body"
        else:
            ln.kind, ln.reason = "other", "short line after the article"


def _choose_title(lines: list[Line], cue: list[Optional[str]], prose: list[bool],
                  hints: Optional[list[dict[str, Any]]], options: RuleOptions) -> Optional[int]:
    """The headline: the page's first uncued <h1>, else the best headline-like line before the
    second body paragraph (repeated later > shares words with the body > earlier)."""
    if hints:
        for i, ln in enumerate(lines):
            if cue[i] is None and ln.n < len(hints) and hints[ln.n]["tag"] == "h1":
                return i
    prose_idx = [i for i, p in enumerate(prose) if p]
    limit = prose_idx[1] if len(prose_idx) > 1 else len(lines)
    best, best_score = None, -1.0
    for i in range(min(limit, len(lines))):
        ln = lines[i]
        headline_like = _title_case_ratio(ln.text) >= 0.6 and word_count(ln.text) <= 20
        if cue[i] is not None or (prose[i] and not headline_like) or not _is_title_candidate(ln) \
                or ln.text.startswith(("-", "•", "*")) or dateline_match(ln.text, options):
            continue
        words = [w.lower() for w in re.findall(r"\w+", ln.text)]
        body_words = {w.lower() for j in [k for k in prose_idx if k > i][:3]
                      for w in re.findall(r"\w+", lines[j].text)}
        repeated = any(_same(ln.text, lines[j].text) for j in range(i + 1, len(lines)))
        overlap = sum(w in body_words for w in words) / max(len(words), 1)
        score = 3.0 * repeated + overlap + (0.5 if 5 <= len(words) <= 20 else 0.0)
        if score > best_score:
            best, best_score = i, score
    return best


def _demote_between_widgets(lines: list[Line], cue: list[Optional[str]], prose: list[bool],
                            options: RuleOptions) -> None:
    """A single short sentence between two widget lines is a teaser, not the article."""
    for i in range(1, len(lines) - 1):
        if prose[i] and cue[i - 1] and cue[i + 1] and word_count(lines[i].text) < options.long_line_words:
            prose[i] = False


def _demote_list_items(lines: list[Line], cue: list[Optional[str]], prose: list[bool]) -> None:
    """Bulleted items are never body paragraphs on their own (the context decides)."""
    for i, ln in enumerate(lines):
        if prose[i] and ln.text.startswith(("- ", "• ")) and _in_item_run(lines, i):
            prose[i] = False


def _demote_after_end_marker(lines: list[Line], cue: list[Optional[str]], prose: list[bool],
                             options: RuleOptions) -> None:
    """Single sentences after the editor's closing code `(OL-14)` are teasers of other stories."""
    marker = options.cues.end_marker
    if marker is None:
        return
    ends = [i for i, ln in enumerate(lines) if prose[i] and marker.search(ln.text)]
    if not ends:
        return
    for i in range(ends[-1] + 1, len(lines)):
        if prose[i] and word_count(lines[i].text) < 25 and not dateline_match(lines[i].text, options):
            prose[i] = False
            cue[i] = "related"


def _next_to_photo_credit(lines: list[Line], cue: list[Optional[str]], i: int) -> bool:
    near = [cue[j] for j in (i - 1, i + 1) if 0 <= j < len(lines)]
    return "photo_credit" in near or (i > 0 and _norm(lines[i - 1].text).startswith("keterangan gambar"))


def _is_name_line(text: str) -> bool:
    words = text.split()
    return 2 <= len(words) <= 4 and all(w[:1].isupper() for w in words) and not text.endswith((".", "?"))


def _in_item_run(lines: list[Line], i: int) -> bool:
    def item(j: int) -> bool:
        return 0 <= j < len(lines) and lines[j].text.startswith(("- ", "• ", "-", "•"))
    return item(i - 1) or item(i + 1)


def _after_colon(lines: list[Line], i: int) -> bool:
    """A list introduced by a line ending with ':' (the story's own list)."""
    j = i - 1
    while j >= 0 and lines[j].text.startswith(("- ", "• ")):
        j -= 1
    return j >= 0 and lines[j].text.endswith(":") and lines[j].label == CONTENT


def extract_meta(lines: list[Line], options: RuleOptions) -> dict[str, Any]:
    """Title, publication date, author, editor, publisher and dateline place, when stated."""
    meta: dict[str, Any] = {"title": None, "date": None, "author": None, "editor": None}
    cues = options.cues
    for ln in lines:
        if ln.label == TITLE and meta["title"] is None:
            meta["title"] = ln.text
    for ln in lines:
        if ln.label == BOILERPLATE and ln.kind in ("dateline_meta", "byline") and meta["date"] is None:
            meta["date"] = parse_date(ln.text, options)
        if ln.label == BOILERPLATE and ln.kind == "byline":
            if meta["author"] is None:
                m = cues.author.search(ln.text)
                if m:
                    meta["author"] = _clean_name(m.group("v"))
            if meta["editor"] is None:
                m = cues.editor.search(ln.text)
                if m:
                    meta["editor"] = _clean_name(m.group("v"))
        if ln.label == BOILERPLATE and ln.kind == "source_credit" and "publisher" not in meta:
            m = re.match(r"(?i)^(?:credit|pertama kali dipublikasikan oleh|hak cipta milik|sumber\s*:)\s*(.+?)\.?$",
                         ln.text)
            if m:
                meta["publisher"] = m.group(1).strip()
    for ln in lines:
        if ln.label == CONTENT:
            m = dateline_match(ln.text, options)
            if m:
                place = m.group("place") or m.group("place2")
                pub = m.group("pub") or m.group("pub2")
                if place:
                    meta["place"] = place.strip().title()
                if pub:
                    meta.setdefault("publisher", pub.strip())
            break
    if meta["date"] is None:
        for ln in lines:
            if ln.label == CONTENT or ln.label == TITLE:
                continue
            found = parse_date(ln.text, options)
            if found:
                meta["date"] = found
                break
    return meta


def _clean_name(value: str) -> Optional[str]:
    value = re.sub(r"<[^>]+>", "", value).strip(" ,.-|")
    return value or None


