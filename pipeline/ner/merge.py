"""Merging candidates into the final, non-overlapping entities (the default precedence; see
`pipeline.ner`), and span adjustments after it: bracketed abbreviations and state names."""
from __future__ import annotations

import re
from typing import Callable, Iterable

from spacy.tokens import Doc

from ..tokenize import doc_text
from .spans import Found

import os
ADJ = set(os.environ.get("WARTA_ADJ", "model_over_orgrules,model_over_gaz,candidates").split(","))
CANDIDATE = "candidate"  # Found.rule of a gazetteer name the model did not tag: a relation argument only


def merge_entities(doc: Doc, model: list[Found], rules: list[Found], gazetteer: list[Found],
                   place_names: set[str], known_word: Callable[[str], bool] = lambda w: False) -> list[Found]:
    """Non-overlapping PER/ORG/LOC/DATE/TIME/TITLE spans (precedence in the module docstring)."""
    text = doc_text(doc)
    taken = bytearray(len(text) + 1)
    out: list[Found] = []

    def free(s: int, e: int) -> bool:
        return not any(taken[s:e])

    def take(f: Found) -> None:
        out.append(f)
        for k in range(f.start, f.end):
            taken[k] = 1

    def on_model(f: Found) -> bool:
        return any(m.start < f.end and f.start < m.end for m in model)

    name_rules = [f for f in rules if f.label in ("PER", "ORG", "LOC")]
    for f in rules:
        if f in name_rules and "model_over_orgrules" in ADJ and on_model(f):
            continue
        take(f)
    gaz_at = {(g.start, g.end): g for g in gazetteer}
    for g in gazetteer:  # a multi-word place or body from a list beats a partial model span
        if " " in text[g.start:g.end] and free(g.start, g.end) and "model_over_gaz" not in ADJ:
            take(g)
    # a model span that is exactly a listed name takes the list's label (Mosul: LOC, PBB: ORG)
    model = [gaz_at.get((f.start, f.end), f) for f in model]
    for f in model:
        for piece in _pieces_outside(doc, f, taken):
            rest = text[piece.start:piece.end]
            if (piece.start, piece.end) != (f.start, f.end) and " " not in rest and known_word(rest):
                continue  # `Kota` left over from `Kota Deir` once `Deir Az Zor` was taken
            for part in _split_leading_place(doc, piece, place_names):
                if free(part.start, part.end):
                    take(part)
    for f in gazetteer:
        if free(f.start, f.end):
            if "candidates" in ADJ and not (f.label == "ORG" and "orgfill" in ADJ):
                f = Found(f.start, f.end, f.label, f.source, CANDIDATE)
            take(f)
    return sorted(out, key=lambda f: (f.start, f.end))


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


def _split_leading_place(doc: Doc, f: Found, place_names: set[str]) -> list[Found]:
    """`Rusia Sergei Lavrov` (one model span) -> LOC `Rusia` + the rest, when the span starts
    with a known place followed by more capitalised words."""
    span = doc.char_span(f.start, f.end)
    if span is None or len(span) < 2 or f.label == "LOC":
        return [f]
    for k in range(min(3, len(span) - 1), 0, -1):
        head = span[:k]
        if head.text in place_names and span[k].text[:1].isupper() and f.label == "PER":
            rest = span[k:]
            return [Found(head.start_char, head.end_char, "LOC", "gazetteer", "gazetteer"),
                    Found(rest.start_char, rest.end_char, f.label, f.source, f.rule)]
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
        m = re.match(r"\s*\(([A-Z][A-Za-z]{1,9})\)", text[f.end:f.end + 16])
        if f.label in ("ORG", "LOC") and m:
            inner = (f.end + m.start(1), f.end + m.end(1))
            inside = [g for g in spans[k + 1:] if g.start < f.end + m.end()]
            if all(text[g.start:g.end].strip(" ()") in ("", text[inner[0]:inner[1]]) and g.label != "TITLE"
                   for g in inside):  # a model span over the double space before `(BIN)` is no name
                out.append(Found(f.start, f.end + m.end(), f.label, f.source, f.rule))
                k += 1 + len(inside)
                continue
        out.append(f)
        k += 1
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
