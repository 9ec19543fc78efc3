"""The statistical model's PER/ORG/LOC spans, cleaned of ordinary words, and headline detection."""
from __future__ import annotations

from typing import Callable, Optional

from spacy.tokens import Doc

from .spans import NAME_LABELS, NAME_PARTICLES, Found

DASHES = {"-", "--", "---", "—", "–"}


def find_model_spans(doc: Doc, known_word: Callable[[str], bool] = lambda w: False,
                     headline: Optional[set[int]] = None) -> list[Found]:
    """The model's PER/ORG/LOC, cleaned: a span is cut at a lower-case word that is not a name
    particle, nor a noun, adjective or `dan` inside a place or body (`Putin kepada Assad`,
    `bersejarah Tadmur` are cut; `gedung DPR`, `Kementerian Komunikasi dan Informatika` stay);
    in a headline-like sentence also at ordinary words (`Assad Bahas Serangan`); a lone
    ordinary word is dropped when it opens a sentence or follows a dateline dash and begins a
    noun phrase (`Gencatan senjata ...`, `— Jet tempur ...`; `Akbar menyebutkan` stays)."""
    found = []
    if headline is None:
        headline = headline_tokens(doc, known_word)
    for e in doc.ents:
        if e.label_ not in NAME_LABELS:
            continue
        in_headline = e.start in headline
        run: list = []
        for tok in list(e) + [None]:
            cut = tok is None or (tok.is_lower and tok.lower_ not in NAME_PARTICLES
                                  and not _name_word(tok, e, run)) \
                or (in_headline and tok.is_alpha and known_word(tok.text))
            if cut:
                lone_word = len(run) == 1 and run[0].is_alpha and known_word(run[0].text) \
                    and (run[0].is_sent_start or (run[0].i > 0 and doc[run[0].i - 1].text in DASHES)) \
                    and _opens_noun_phrase(run[0])
                if run and not lone_word:
                    found.append(Found(run[0].idx, run[-1].idx + len(run[-1].text), e.label_, "model"))
                run = []
            else:
                run.append(tok)
    return found


COMMON_POS = ("NOUN", "PROPN", "ADJ", "NUM")


def _name_word(tok, ent, run) -> bool:
    """A lower-case word the model put inside a place or body keeps its place there when it is a
    noun or adjective of the name (`gedung DPR`, `Israel utara`, `Kementerian luar negeri Mesir`),
    or `dan` between two capitalised parts (`Kementerian Komunikasi dan Informatika`); a person's
    name, a verb or a preposition (`Putin kepada Assad`) is cut."""
    if ent.label_ == "PER":
        return False
    if tok.pos_ in COMMON_POS:
        return tok.pos_ != "ADJ" or bool(run)
    if tok.lower_ == "dan" and run and tok.i + 1 < ent.end and ent.doc[tok.i + 1].is_title:
        return True
    return False


def _opens_noun_phrase(tok) -> bool:
    """`Gencatan senjata`, `Jet tempur`: a capitalised ordinary word followed by a lower-case noun
    is sentence case, not a name (`Akbar menyebutkan`, `Jero optimistis`, `Rani dan Budi` are names)."""
    nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    return nxt is not None and nxt.is_lower and nxt.pos_ == "NOUN"


def headline_tokens(doc: Doc, known_word: Callable[[str], bool]) -> set[int]:
    """Indices of the tokens that sit in a headline-like sentence (computed once per document)."""
    out: set[int] = set()
    sents = doc.sents if doc.has_annotation("SENT_START") else [doc[:]]
    for sent in sents:
        if _headline_like(sent, known_word):
            out.update(range(sent.start, sent.end))
    return out


def _headline_like(sent, known_word: Callable[[str], bool]) -> bool:
    """A headline (`Menteri Rusia Bertemu Assad Bahas Serangan Deir Az Zor`): no final stop and
    every ordinary word capitalised, so capitals there say nothing about names. A body sentence
    has lower-case verbs even when it is full of names and titles."""
    if sent.text.rstrip().endswith((".", "!", "?", '"', "”")):
        return False
    words = [t for t in sent if t.is_alpha and len(t.text) > 3 and known_word(t.text)]
    return len(words) >= 2 and all(t.text[:1].isupper() for t in words)
