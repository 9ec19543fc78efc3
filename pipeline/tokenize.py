"""Tokens and sentences: spaCy's Indonesian tokenizer extended for news text.

Language data (abbreviations) lives in `lang/id/`; this module only turns it into
tokenizer rules and a sentence splitter component.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Optional

import numpy
import spacy
from spacy.language import Language
from spacy.attrs import SENT_START
from spacy.symbols import ORTH
from spacy.tokens import Doc
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

from .lang import read_pairs

SENTENCE_END = {".", "!", "?", "…", "...", "?!", "!?"}
CLOSING = {'"', "”", "’", "'", ")", "]", "»", "‚Äù", "‚Äô"}  # the last two: mis-decoded ” ’ (see below)
SENTENCES = "sentences"  # the span group holding Warta's sentences
TEXT_KEY = "warta_text"  # doc.user_data key of the cached text
OPENING_QUOTES = {'"', "“", "‘", "'", "(", "[", "«", "‚Äú", "‚Äò"}
# A no-break space read with the wrong code page (UTF-8 bytes C2 A0 shown as Mac Roman): thousands of
# CLICK-ID's tempo and kompas texts glue words with it (`Menkumham¬†Yasonna`). It is split off as a
# token of its own, which the sentencizer and the relation patterns treat like whitespace.
MOJIBAKE_SPACES = ("¬†", "Â\u00a0")
MOJIBAKE_SPACE_RE = "(?:" + "|".join(MOJIBAKE_SPACES) + ")"
# curly quotation marks decoded the same way (“ ” ‘ ’): split off like the marks they stand for
MOJIBAKE_QUOTES = ("‚Äú", "‚Äù", "‚Äò", "‚Äô")
MOJIBAKE_QUOTE_RE = "(?:" + "|".join(MOJIBAKE_QUOTES) + ")"

# Infixes of spacy/lang/id that split what news text keeps whole.
_DATE_SLASH_INFIX = r"(?<=[0-9])[\\/](?=[0-9%-])"  # (28/10) must stay 28/10
_WORD_HYPHEN_SAMPLES = ("al-Assad", "buku-bukunya", "Jean-Yves")  # must stay one token


def read_abbreviations(path: str | Path) -> dict[str, bool]:
    """Abbreviation -> may it end a sentence (TSV: form, end|mid)."""
    return {form: kind == "end" for form, kind in read_pairs(path)}


def news_tokenizer(nlp: Language, abbreviations: Iterable[str]) -> Tokenizer:
    """spaCy's Indonesian tokenizer with news rules, built in one construction (assigning rules
    to an existing tokenizer reloads its thousands of special cases each time)."""
    infixes = [
        p for p in nlp.Defaults.infixes
        if p != _DATE_SLASH_INFIX
        and not any(re.search(p, sample) for sample in _WORD_HYPHEN_SAMPLES)
    ]
    # letters/letters still splits on a slash (REUTERS/Ahmad), not on a hyphen
    infixes.append(r"(?<=[A-Za-z\u00C0-\u024F])/(?=[A-Za-z\u00C0-\u024F])")
    infixes.append(r"-{2,}|—|–")  # dash runs inside a word: DAMASKUS---Presiden
    # CLICK-ID joins paragraphs with commas: `KPK.,Dalam`, `itu.,"Kami` -> KPK . , Dalam
    infixes.append(r"(?<=[A-Za-z0-9\u00C0-\u024F])\.(?=,)|(?<=[.!?\"\u201d]),+(?=[\"\u201cA-Za-z0-9])|(?<=[.!?\"\u201d],)[\"\u201c](?=[A-Za-z0-9])")
    infixes.append(r"(?<=[A-Za-z0-9\u00C0-\u024F]),{2,}(?=[A-Za-z\u00C0-\u024F])")  # `Febri,,,loading`: a scrape's comma run
    infixes.append(MOJIBAKE_SPACE_RE)
    infixes.append(MOJIBAKE_QUOTE_RE)
    infixes.append(r"(?<=[A-Za-z0-9\u00C0-\u024F])[.!?,;:](?=" + MOJIBAKE_SPACE_RE + "|" + MOJIBAKE_QUOTE_RE + ")")  # `hadir.¬†Dengan`
    suffixes = [r"-{2,}", MOJIBAKE_SPACE_RE, MOJIBAKE_QUOTE_RE] + list(nlp.Defaults.suffixes)
    # `, ,-Wakil Ketua ...`: CLICK-ID's dateline dash glued to the first word
    prefixes = [r",+", MOJIBAKE_SPACE_RE, MOJIBAKE_QUOTE_RE, r"-(?=[A-Z])"] + list(nlp.Defaults.prefixes)
    rules = dict(nlp.Defaults.tokenizer_exceptions)
    for abbr in abbreviations:  # spaCy splits trailing punctuation first, so "dll.," works too
        rules[abbr] = [{ORTH: abbr}]
    return Tokenizer(
        nlp.vocab, rules=rules,
        prefix_search=compile_prefix_regex(prefixes).search,
        suffix_search=compile_suffix_regex(suffixes).search,
        infix_finditer=compile_infix_regex(infixes).finditer,
        token_match=nlp.Defaults.token_match,
        url_match=nlp.Defaults.url_match,
    )


# a line that ends like a sentence (or a paragraph): final punctuation, maybe a closing quote or bracket
WRAPPED_LINE_END = re.compile(r"[.!?…:]['\"”’)\]]*\s*$")


def hard_wrapped(text: str) -> bool:
    """A text whose lines are cut mid-sentence at a fixed width (`...banyak beredar informasi yang
    menyebut lele sebagai\nikan paling jorok.`): at least 3 line breaks and most lines (the last
    excepted) ending without sentence punctuation. There a line break is no sentence end."""
    lines = [ln for ln in text.split("\n")[:-1] if ln.strip()]
    if len(lines) < 3:
        return False
    open_lines = sum(1 for ln in lines if not WRAPPED_LINE_END.search(ln))
    return open_lines * 2 > len(lines)


def is_space_like(token) -> bool:
    """Whitespace, or a mis-decoded no-break space (MOJIBAKE_SPACES)."""
    return token.is_space or token.text in MOJIBAKE_SPACES


def _line_ends_sentence(text: str, end: int) -> bool:
    """Does the line ending at `end` end like a sentence (looks only at its last characters)?"""
    tail = text[max(0, end - 16):end].rstrip()
    return bool(WRAPPED_LINE_END.search(tail)) or not tail


def _starts_sentence_like(text: str) -> bool:
    first = text[:1]
    return first.isupper() or first.isdigit() or text in OPENING_QUOTES


@Language.factory(
    "warta_sentencizer",
    assigns=["token.is_sent_start", "doc.spans"],
    default_config={"abbreviations_path": None},
)
def make_sentencizer(nlp: Language, name: str, abbreviations_path: Optional[str]) -> "WartaSentencizer":
    """Warta's sentence splitter; `abbreviations_path` None = the shipped list (config.yaml)."""
    from .config import setting

    return WartaSentencizer(read_abbreviations(setting(abbreviations_path, "tokenize.abbreviations")))


class WartaSentencizer:
    """Rule-based sentence boundaries for Indonesian news.

    A sentence ends at `. ! ? …` (plus any closing quotes/brackets) when the next
    word starts with a capital, a digit or an opening quote; never after a title
    abbreviation (`Dr.`, `Jl.`, `No.`); a line break ends a sentence, except in a
    hard-wrapped text (see `hard_wrapped`), where only a line break after a sentence end does.
    """

    def __init__(self, abbreviations: dict[str, bool]):
        self.abbreviations = dict(abbreviations)

    def _is_final(self, token_text: str) -> bool:
        if token_text in SENTENCE_END:
            return True
        if token_text in self.abbreviations:
            return self.abbreviations[token_text]
        return False

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0:
            return doc
        starts = [False] * n
        starts[0] = True
        wrapped = hard_wrapped(doc_text(doc))
        i = 0
        while i < n:
            tok = doc[i]
            if ("\n" in tok.text or "\n" in tok.whitespace_) \
                    and not (wrapped and not _line_ends_sentence(doc_text(doc), tok.idx + len(tok.text))):
                j = i + 1
                while j < n and is_space_like(doc[j]):
                    j += 1
                if j < n:
                    starts[j] = True
                i = j
                continue
            if self._is_final(tok.text):
                j = i + 1
                # closing quotes/brackets belong to the sentence that ends here
                while j < n and doc[j].text in CLOSING and not (
                    doc[j - 1].whitespace_ and doc[j].text in {'"', "'"} and j + 1 < n
                    and not doc[j].whitespace_
                ):
                    j += 1
                while j < n and is_space_like(doc[j]):
                    j += 1
                if j < n and _starts_sentence_like(doc[j].text):
                    starts[j] = True
                i = j if j > i else i + 1
                continue
            i += 1
        doc.from_array([SENT_START], _sent_start_array(starts))
        doc.spans[SENTENCES] = sentence_spans(doc)
        return doc


@spacy.registry.tokenizers("warta.news_tokenizer.v1")
def create_news_tokenizer(abbreviations_path: Optional[str] = None):
    """spaCy registry entry, so a pipeline builds Warta's tokenizer directly (once);
    `abbreviations_path` None = the shipped list (config.yaml `tokenize.abbreviations`)."""
    def make(nlp: Language) -> Tokenizer:
        from .config import setting

        return news_tokenizer(nlp, read_abbreviations(setting(abbreviations_path, "tokenize.abbreviations")))
    return make


def doc_text(doc: Doc) -> str:
    """`doc.text`, built once per Doc (spaCy rebuilds the string on every access, which made
    loops over entities quadratic in document length)."""
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.user_data[TEXT_KEY] = doc.text
    return text


def tokenizer_config(abbreviations_path: str) -> dict:
    """The `[nlp.tokenizer]` override that builds Warta's tokenizer from its rules."""
    return {"nlp": {"tokenizer": {"@tokenizers": "warta.news_tokenizer.v1",
                                  "abbreviations_path": str(abbreviations_path)}}}


def _sent_start_array(starts: list[bool]):
    """SENT_START column for `Doc.from_array`: 1 starts a sentence, -1 does not."""
    return numpy.array([1 if st else -1 for st in starts], dtype="int64").astype("uint64").reshape(-1, 1)


def sentence_spans(doc: Doc) -> list:
    """The sentences as spans, trimmed of surrounding whitespace tokens."""
    spans = []
    for sent in doc.sents:
        toks = [t for t in sent if not t.is_space]
        if toks:
            spans.append(doc[toks[0].i:toks[-1].i + 1])
    return spans


def sentence_offsets(doc: Doc) -> list[dict[str, int]]:
    """Warta's sentences (the splitter's, stored in `doc.spans["sentences"]`) as offsets."""
    if SENTENCES in doc.spans:
        group = doc.spans[SENTENCES]
    else:
        group = sentence_spans(doc) if doc.has_annotation("SENT_START") else []
    return [{"start": s.start_char, "end": s.end_char} for s in group]


