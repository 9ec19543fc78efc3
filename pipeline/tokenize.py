"""Tokens and sentences: spaCy's Indonesian tokenizer extended for news text.

Language data (abbreviations) lives in `lang/id/`; this module only turns it into
tokenizer rules and a sentence splitter component.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional

import spacy
from spacy.language import Language
from spacy.symbols import ORTH
from spacy.tokens import Doc
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

from .lang import read_pairs

SENTENCE_END = {".", "!", "?", "…", "...", "?!", "!?"}
CLOSING = {'"', "”", "’", "'", ")", "]", "»"}
OPENING_QUOTES = {'"', "“", "‘", "'", "(", "[", "«"}

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
    suffixes = [r"-{2,}"] + list(nlp.Defaults.suffixes)
    prefixes = [r",+"] + list(nlp.Defaults.prefixes)
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


def _starts_sentence_like(text: str) -> bool:
    first = text[:1]
    return first.isupper() or first.isdigit() or text in OPENING_QUOTES


@Language.factory(
    "warta_sentencizer",
    assigns=["token.is_sent_start"],
    default_config={"abbreviations": {}},
)
def make_sentencizer(nlp: Language, name: str, abbreviations: dict) -> "WartaSentencizer":
    return WartaSentencizer(abbreviations)


class WartaSentencizer:
    """Rule-based sentence boundaries for Indonesian news.

    A sentence ends at `. ! ? …` (plus any closing quotes/brackets) when the next
    word starts with a capital, a digit or an opening quote; never after a title
    abbreviation (`Dr.`, `Jl.`, `No.`); a line break always ends a sentence.
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
        i = 0
        while i < n:
            tok = doc[i]
            if "\n" in tok.text or "\n" in tok.whitespace_:
                j = i + 1
                while j < n and doc[j].is_space:
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
                while j < n and doc[j].is_space:
                    j += 1
                if j < n and _starts_sentence_like(doc[j].text):
                    starts[j] = True
                i = j if j > i else i + 1
                continue
            i += 1
        for k, tok in enumerate(doc):
            tok.is_sent_start = starts[k]
        return doc


@spacy.registry.tokenizers("warta.news_tokenizer.v1")
def create_news_tokenizer(abbreviations_path: str):
    """spaCy registry entry, so a pipeline builds Warta's tokenizer directly (once)."""
    def make(nlp: Language) -> Tokenizer:
        return news_tokenizer(nlp, read_abbreviations(abbreviations_path))
    return make


def _tokenizer_config(abbrev_path: str) -> dict:
    return {"nlp": {"tokenizer": {"@tokenizers": "warta.news_tokenizer.v1",
                                  "abbreviations_path": str(abbrev_path)}}}


@lru_cache(maxsize=8)
def _blank(abbrev_path: str) -> Language:
    abbreviations = read_abbreviations(abbrev_path)
    nlp = spacy.blank("id", config=_tokenizer_config(abbrev_path))
    nlp.add_pipe("warta_sentencizer", config={"abbreviations": abbreviations})
    return nlp


def make_nlp(abbrev_path: str, model_path: Optional[str] = None) -> Language:
    """The spaCy pipeline: a trained model when given, else blank Indonesian; news tokenizer
    rules and the Warta sentencizer first in either case."""
    if model_path is None:
        return _blank(str(abbrev_path))
    abbreviations = read_abbreviations(abbrev_path)
    # the model's own tokenizer is neither built nor read: Warta's is built from its rules
    nlp = spacy.load(model_path, exclude=["tokenizer"], config=_tokenizer_config(abbrev_path))
    if "warta_sentencizer" not in nlp.pipe_names:
        nlp.add_pipe("warta_sentencizer", first=True, config={"abbreviations": abbreviations})
    return nlp


def sentence_spans(doc: Doc) -> list[dict[str, int]]:
    """Sentence offsets, trimmed of surrounding whitespace."""
    spans = []
    for sent in doc.sents:
        toks = [t for t in sent if not t.is_space]
        if toks:
            spans.append({"start": toks[0].idx, "end": toks[-1].idx + len(toks[-1].text)})
    return spans



from .stage import Stage  # noqa: E402


class TokenizeStage(Stage):
    """spaCy tokens and Warta sentences over the cleaned text."""

    name = "tokenize"
    requires = frozenset({"text"})
    provides = frozenset({"tokens", "sentences"})

    def process(self, doc) -> None:
        nlp = self.resources.nlp
        sdoc = nlp.make_doc(doc.text)
        sdoc = nlp.get_pipe("warta_sentencizer")(sdoc)
        doc.spacy_doc = sdoc
        doc.sentences = sentence_spans(sdoc)
        doc.tokens = [
            {"start": t.idx, "end": t.idx + len(t.text), "text": t.text,
             "stem": None, "lemma": None, "pos": None, "is_stop": t.is_stop}
            for t in sdoc if not t.is_space
        ]
