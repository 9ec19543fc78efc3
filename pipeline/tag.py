"""Lemma lookup: spaCy's Indonesian table, the fallback of the `warta_lemmas` component.

Lemmas come from the model's trained lemmatizer when the package has one (`warta train` keeps
it only if it beats the lookup table on GSD dev), lowercased; otherwise, and without a model,
from spaCy's Indonesian lookup table (spacy-lookups-data). Without a model POS and
dependencies stay null.
"""
from __future__ import annotations

from functools import lru_cache

from spacy.lookups import load_lookups


@lru_cache(maxsize=1)
def lemma_lookup() -> dict[str, str]:
    """spaCy's Indonesian lemma lookup table (word -> lemma)."""
    lookups = load_lookups("id", ["lemma_lookup"])
    return dict(lookups.get_table("lemma_lookup").items())


def lookup_lemma(word: str, table: dict[str, str]) -> str:
    return table.get(word) or table.get(word.lower()) or word.lower()
