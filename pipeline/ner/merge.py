"""Merging candidates into the final, non-overlapping entities (the default precedence; see
`pipeline.ner`), and span adjustments after it: bracketed abbreviations and state names."""
from __future__ import annotations

import re
from array import array
from typing import Callable, Iterable

from spacy.tokens import Doc

from ..tokenize import doc_text
from .spans import NAME_LABELS as NAMES, Found, as_candidate, is_candidate, model_ran


def merge_entities(doc: Doc, model: list[Found], rules: list[Found], gazetteer: list[Found],
                   place_names: set[str], known_word: Callable[[str], bool] = lambda w: False) -> list[Found]:
    """Non-overlapping PER/ORG/LOC/DATE/TIME/TITLE spans and candidates (precedence in the
    `pipeline.ner` docstring): the model adjudicates names. TITLE, DATE and TIME rules win; a
    model span keeps its extent against rule and gazetteer names (taking a gazetteer's label when
    it is exactly a listed name); a rule or gazetteer name where the model found nothing is a
    candidate (`is_candidate`), not an entity. Without a model every name is an entity."""
    text = doc_text(doc)
    taken = bytearray(len(text) + 1)
    out: list[Found] = []
    adjudicate = model_ran(doc)

    def free(s: int, e: int) -> bool:
        return not any(taken[s:e])

    def take(f: Found) -> None:
        out.append(f)
        for k in range(f.start, f.end):
            taken[k] = 1

    covering = ModelIndex(model, len(text))

    def on_model(f: Found) -> bool:
        return bool(covering.overlapping(f.start, f.end))

    names = [f for f in rules if f.label in NAMES]  # `Partai ...`, `Kementerian ...` (ner_patterns.jsonl)
    for f in rules:
        if f.label not in NAMES:
            take(f)
    if not adjudicate:  # rules only: multi-word names from rules and lists first, as found
        for g in names + [g for g in gazetteer if " " in text[g.start:g.end]]:
            if free(g.start, g.end):
                take(g)
    else:  # a rule name that extends one model name over words the model left O after it:
        for g in names:  # `Angkatan Udara` + `Rusia`
            inside = covering.overlapping(g.start, g.end)
            if len(inside) == 1 and g.start == inside[0].start and inside[0].end <= g.end \
                    and (g.start, g.end) != (inside[0].start, inside[0].end) and free(g.start, g.end):
                take(Found(g.start, g.end, inside[0].label, g.source, g.rule))  # the model's label
            elif g.rule.startswith("org_regional_body") and len(inside) >= 2 and inside[0].start == g.start \
                    and inside[0].label == "ORG" and all(m.start >= g.start and m.end <= g.end for m in inside) \
                    and free(g.start, g.end):
                take(g)  # `DPRD` + `Jawa Barat` (two model spans): the regional body with its region is one ORG
    gaz_at = {(g.start, g.end): g for g in gazetteer}
    org_names = {text[g.start:g.end] for g in gazetteer if g.label == "ORG"}
    # a model span that is exactly a listed name takes the list's label (Mosul: LOC, PBB: ORG)
    model = [gaz_at.get((f.start, f.end), f) for f in model]
    for f in model:
        for piece in _pieces_outside(doc, f, taken):
            rest = text[piece.start:piece.end]
            if (piece.start, piece.end) != (f.start, f.end) and " " not in rest and known_word(rest):
                continue  # `Kota` left over from `Kota Deir` once `Deir Az Zor` was taken
            for part in _split_leading_place(doc, piece, place_names, org_names):
                part = gaz_at.get((part.start, part.end), part)  # `Rusia` left of a model `Luar Negeri Rusia`
                if free(part.start, part.end):
                    take(part)
    for f in (names + gazetteer if adjudicate else gazetteer):
        if free(f.start, f.end) and not (adjudicate and on_model(f)):
            take(as_candidate(f) if adjudicate and not _listed_body(f, text, known_word) else f)
    return sorted(out, key=lambda f: (f.start, f.end))


def _listed_body(f: Found, text: str, known_word: Callable[[str], bool]) -> bool:
    """A name from the organizations list (`PBB`, `ISIS`, `AFP`) is an entity even where the model
    found none: a body's name is no modifier, unlike a country's (`pasar Tiongkok`, `serangan
    Israel`, which idner-news-2k and the model leave O). Not when it is also an ordinary word
    written as one (`Antara lain`; an acronym such as `ISIS` is a name)."""
    name = text[f.start:f.end]
    ordinary = " " not in name and not name.isupper() and known_word(name)
    return f.source == "gazetteer" and f.label == "ORG" and not ordinary


def titles_before_names(doc: Doc, rules: list[Found], model: list[Found], gazetteer: list[Found],
                        units: dict[str, list[tuple[str, ...]]], heads: frozenset[str] | set[str] = frozenset()
                        ) -> list[Found]:
    """ANNOTATION.md v2: a title stops where a named organization or place begins, and where the
    model ran it says where that is: `anggota Badan Anggaran DPR` with a model ORG `Badan
    Anggaran DPR` ... is TITLE `anggota` + ORG, unless the title grammar's internal unit begins
    there (`units`: `Ketua Majelis Hakim` + `Pengadilan ...`, `anggota Dewan Pimpinan Pusat` +
    `PPP`). A title word that opens a model place which is exactly a listed place is part of its
    name (`Raja Ampat`), and so is one inside a model person's name after its first word
    (`Tatang Farhanul Hakim`): no title then. Where a model ORG cut the title, the title's words
    after that ORG that begin with an office head (`heads`, one-word heads of the grammar) are a
    title of their own (`Menteri Kabinet Kerja Presiden Joko Widodo` -> `Menteri` + ORG + `Presiden`)."""
    if not model_ran(doc):
        return rules
    covering = ModelIndex(model, len(doc_text(doc)))
    listed = {(g.start, g.end) for g in gazetteer if g.label == "LOC"}
    org_starts = {g.start for g in gazetteer if g.label == "ORG"}
    out = []
    for f in rules:
        if f.label == "TITLE":
            over = covering.overlapping(f.start, f.end)
            rest = _title_after_cut(doc, f, over, heads)
            f = _title_before_name(doc, f, over, listed, units, org_starts)
            if rest is not None and f is not None and f.end <= rest.start:
                out.append(f)
                f = rest
        if f is not None:
            out.append(f)
    return out


def _title_after_cut(doc: Doc, title: Found, model: list[Found], heads: frozenset[str] | set[str]) -> Found | None:
    """The part of a title after the last model ORG/LOC inside it, when it begins with a head."""
    inside = [m for m in model if m.label in ("ORG", "LOC") and title.start < m.start and m.end < title.end]
    if not inside or not heads:
        return None
    span = doc.char_span(max(m.end for m in inside), title.end, alignment_mode="contract")
    while span is not None and len(span) and span[0].is_space:
        span = span[1:]
    if span is None or not len(span) or span[0].lower_ not in heads or not span[0].text[:1].isupper():
        return None
    return Found(span.start_char, span.end_char, title.label, title.source, title.rule)


class ModelIndex:
    """The model spans overlapping a character range, in time proportional to the range (a long
    document has thousands of spans: no scan of all of them per candidate)."""

    def __init__(self, model: list[Found], n_chars: int):
        self.model = model
        self.owner = array("i", [-1]) * (n_chars + 1)
        for k, m in enumerate(model):
            for c in range(m.start, min(m.end, n_chars)):
                self.owner[c] = k

    def overlapping(self, start: int, end: int) -> list[Found]:
        seen = dict.fromkeys(k for k in self.owner[start:end] if k >= 0)
        return [self.model[k] for k in seen]


def _starts_unit(doc: Doc, char: int, units: dict[str, list[tuple[str, ...]]]) -> bool:
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    if span is None:
        return False
    i = span.start
    return any(tuple(t.lower_ for t in doc[i:i + len(p)]) == p for p in units.get(doc[i].lower_, []))


def _title_before_name(doc: Doc, title: Found, model: list[Found], listed: set[tuple[int, int]],
                       units: dict[str, list[tuple[str, ...]]], org_starts: frozenset[int] | set[int] = frozenset()
                       ) -> Found | None:
    """One title, cut or dropped as `titles_before_names` says (`model`: the spans overlapping it).
    A model ORG that runs on past the title into a listed organization keeps the grammar's
    internal unit in the title (ANNOTATION.md v2: `Karo Penmas Divisi Humas` + ORG `Polri`)."""
    end = title.end
    after = doc_text(doc)[title.end:]
    nxt = title.end + len(after) - len(after.lstrip())
    for m in model:
        if m.label == "ORG" and title.start < m.start and m.end >= title.end and nxt in org_starts:
            continue  # `Kepala Biro Penerangan Masyarakat Divisi Humas` + `Polri`
        if m.label == "PER" and m.start < title.start < m.end and title.end <= m.end:
            return None  # titles precede names: `Tatang Farhanul Hakim`, `Lukman Hakim Saifuddin`
        if m.label == "PER" and m.start < title.start < m.end:
            continue  # `Benjamin Netanyahu Perdana` + `Menteri Israel`: the title runs on, the name ends before it
        if m.label == "PER" and title.start < m.start < end < m.end:
            end = m.start  # `Menko Bidang Pembangunan Manusia dan Kebudayaan` + `Puan Maharani`: the name begins
        if m.label == "LOC" and m.start <= title.start and title.end <= m.end and (m.start, m.end) in listed \
                and (m.start, m.end) != (title.start, title.end):
            return None
        if m.label in ("ORG", "LOC") and m.end + 1 == title.end and doc_text(doc)[m.start - 1:m.start] == "(" \
                and doc_text(doc)[m.end:m.end + 1] == ")":
            continue  # `Menteri ... Perumahan Rakyat (PUPR)`: the office's abbreviation, no organization
        if m.label in ("ORG", "LOC") and title.start < m.start < end and not _starts_unit(doc, m.start, units):
            end = m.start
    if end == title.end:
        return title
    span = doc.char_span(title.start, end, alignment_mode="contract")
    if span is None or not len(span):
        return None
    while len(span) and (span[-1].is_punct or span[-1].is_space):
        span = span[:-1]
    if not len(span):
        return None
    return Found(span.start_char, span.end_char, title.label, title.source, title.rule)


def _pieces_outside(doc: Doc, f: Found, taken: bytearray) -> Iterable[Found]:
    """The longest run of the span's tokens that no earlier span covers."""
    span = doc.char_span(f.start, f.end, alignment_mode="expand")
    if span is None:
        return []
    runs, cur = [], []
    for tok in span:
        if any(taken[tok.idx:tok.idx + len(tok.text)]) or (not cur and tok.is_punct):
            if cur:
                runs.append(cur)
            cur = []
        else:
            cur.append(tok)
    if cur:
        runs.append(cur)
    if not runs:
        return []
    best = max(runs, key=len)
    while best and best[-1].is_punct:
        best = best[:-1]
    if not best:
        return []
    return [Found(best[0].idx, best[-1].idx + len(best[-1].text), f.label, f.source, f.rule)]


REGION_WORDS = ("Provinsi", "Kabupaten", "Kota")


def _split_leading_place(doc: Doc, f: Found, place_names: set[str], org_names: frozenset[str] | set[str] = frozenset()
                         ) -> list[Found]:
    """`Rusia Sergei Lavrov` (one model span) -> LOC `Rusia` + the rest, when the span starts
    with a known place followed by more capitalised words; a model person that starts with a
    listed organization is that organization and the rest (`Houthi Yaman` -> ORG `Houthi` + `Yaman`),
    and one that is a region word and a listed place is that place (`Provinsi Jawa Barat`)."""
    span = doc.char_span(f.start, f.end)
    if span is None or len(span) < 2 or f.label == "LOC":
        return [f]
    if f.label == "PER" and span[0].text in REGION_WORDS and span[1:].text in place_names:
        return [Found(f.start, f.end, "LOC", f.source, "region_name")]
    for k in range(min(3, len(span) - 1), 0, -1):
        head = span[:k]
        if head.text in place_names and span[k].text[:1].isupper() and f.label == "PER":
            rest = span[k:]
            return [Found(head.start_char, head.end_char, "LOC", "gazetteer", "gazetteer"),
                    Found(rest.start_char, rest.end_char, f.label, f.source, f.rule)]
        if head.text in org_names and f.label == "PER" and span[k:].text in place_names:
            rest = span[k:]
            return [Found(head.start_char, head.end_char, "ORG", "gazetteer", "gazetteer"),
                    Found(rest.start_char, rest.end_char, "LOC", "gazetteer", "gazetteer")]
    return [f]


def bracketed_abbreviations(text: str, spans: list[Found]) -> list[Found]:
    """ANNOTATION.md v2: a name followed by its abbreviation in brackets is one span, brackets
    included (`Komisi Pemberantasan Korupsi (KPK)`, `Amerika Serikat (AS)`, `Sulawesi Selatan
    (Sulsel)`). The name is an ORG or LOC; the bracket holds one capitalised word, found as a
    span or not. A person's bracketed nickname (`Joko Widodo (Jokowi)`) stays its own span."""
    out: list[Found] = []
    k = 0
    spans = sorted(spans, key=lambda f: (f.start, f.end))
    while k < len(spans):
        f = spans[k]
        m = re.match(r"\s*\(([A-Z][A-Za-z]{1,9}(?: [A-Z]{2,4})?)\)", text[f.end:f.end + 20])  # `(DPR RI)`
        if f.label in ("ORG", "LOC") and m:
            inner = (f.end + m.start(1), f.end + m.end(1))
            inside = [g for g in spans[k + 1:] if g.start < f.end + m.end()]
            if all(text[g.start:g.end].strip(" ()") in ("", text[inner[0]:inner[1]]) and g.label != "TITLE"
                   for g in inside):  # a model span over the double space before `(BIN)` is no name
                rule = f.rule if not is_candidate(f) or all(is_candidate(g) for g in inside) else inside[0].rule
                out.append(Found(f.start, f.end + m.end(), f.label, f.source, rule))
                k += 1 + len(inside)
                continue
        out.append(f)
        k += 1
    return out


def join_listed_names(text: str, spans: list[Found], listed: set[str]) -> list[Found]:
    """Two adjacent ORG spans that together are a listed name are one (`Mabes` + `Polri` -> `Mabes Polri`)."""
    out: list[Found] = []
    for f in sorted(spans, key=lambda f: (f.start, f.end)):
        prev = out[-1] if out else None
        if prev and prev.label == f.label == "ORG" and text[prev.end:f.start] == " " \
                and text[prev.start:f.end] in listed:
            out[-1] = Found(prev.start, f.end, "ORG", prev.source, prev.rule)
        else:
            out.append(f)
    return out


STATE_PREFIXES = ("Kerajaan", "Kesultanan", "Keamiran")


def state_names(text: str, spans: list[Found]) -> list[Found]:
    """`Kerajaan Arab Saudi`: a country after its form of state is one LOC (ANNOTATION.md v2 names
    the state as written)."""
    out = []
    for f in spans:
        if f.label == "LOC":
            for prefix in STATE_PREFIXES:
                s = f.start - len(prefix) - 1
                if s >= 0 and text[s:f.start] == prefix + " " and (s == 0 or not text[s - 1].isalnum()) \
                        and not any(g.start < f.start and g.end > s for g in spans if g is not f):
                    f = Found(s, f.end, f.label, f.source, f.rule)
                    break
        out.append(f)
    return out
