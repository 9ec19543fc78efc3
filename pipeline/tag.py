"""POS, morphology, lemmas and dependencies from the trained spaCy model.

Lemmas come from the model's trained lemmatizer when the package has one (`warta train` keeps
it only if it beats the lookup table on GSD dev), lowercased; otherwise, and without a model,
from spaCy's Indonesian lookup table (spacy-lookups-data). Without a model POS and
dependencies stay null.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Sequence

from spacy.lookups import load_lookups

from .stage import Stage

SYNTAX_COMPONENTS = ("tok2vec", "tagger", "morphologizer", "parser", "trainable_lemmatizer",
                     "lemmatizer")


@lru_cache(maxsize=1)
def lemma_lookup() -> dict[str, str]:
    """spaCy's Indonesian lemma lookup table (word -> lemma)."""
    lookups = load_lookups("id", ["lemma_lookup"])
    return dict(lookups.get_table("lemma_lookup").items())


def lookup_lemma(word: str, table: dict[str, str]) -> str:
    return table.get(word) or table.get(word.lower()) or word.lower()


class TagStage(Stage):
    """Run the model's syntax components; fill pos, morph, lemma, head and dep of tokens."""

    name = "tag"
    requires = frozenset({"tokens", "sentences"})
    provides = frozenset({"pos", "lemma", "dep"})

    def __init__(self, config, resources):
        super().__init__(config, resources)
        nlp = resources.nlp
        self.components = [(n, p) for n, p in nlp.pipeline if n in SYNTAX_COMPONENTS]
        names = {n for n, _ in self.components}
        self.has_pos = bool(names & {"tagger", "morphologizer"})
        self.has_parser = "parser" in names
        self.has_lemmatizer = bool(names & {"trainable_lemmatizer", "lemmatizer"})
        self.lookup = lemma_lookup()

    def process_batch(self, docs: Sequence) -> None:
        sdocs = [d.spacy_doc for d in docs]
        for _, proc in self.components:
            sdocs = list(proc.pipe(sdocs, batch_size=max(1, len(sdocs))))
        for doc, sdoc in zip(docs, sdocs):
            doc.spacy_doc = sdoc
            self._fill(doc)

    def process(self, doc) -> None:
        self.process_batch([doc])

    def _fill(self, doc) -> None:
        words = [t for t in doc.spacy_doc if not t.is_space]
        index = {t.i: k for k, t in enumerate(words)}
        for tok, out in zip(words, doc.tokens):
            if self.has_pos:
                out["pos"] = tok.pos_ or None
                morph = str(tok.morph)
                if morph:
                    out["morph"] = morph
            if self.has_lemmatizer and tok.lemma_:
                out["lemma"] = tok.lemma_.lower()  # lowercase like the lookup table
            else:
                out["lemma"] = lookup_lemma(tok.text, self.lookup)
            if self.has_parser:
                out["head"] = index.get(tok.head.i, index[tok.i])
                out["dep"] = tok.dep_
