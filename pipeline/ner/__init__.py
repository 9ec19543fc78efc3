"""Named entities: the trained model's PER/ORG/LOC, rules (DATE, TIME, TITLE), gazetteers
(countries, Indonesian regions, world places, organizations) and direct speech (QUOTE).

Match-finding (`find_rule_spans`, `find_gazetteer_spans`, `find_quotes`) is kept apart from
`merge_entities`, which writes the final, non-overlapping entity list:

1. rules win: DATE, TIME, TITLE and ORG-name spans are kept as found (longest match first);
   multi-word gazetteer names come next, and a model span that is exactly a gazetteer name
   takes the gazetteer's label;
2. model spans that overlap a rule span lose the overlapping tokens and keep the rest
   (`Menteri Luar Negeri Rusia Sergei Lavrov` -> TITLE + `Rusia Sergei Lavrov`, then 3.);
3. a model span that starts with a gazetteer place followed by a name is split
   (`Rusia Sergei Lavrov` -> LOC `Rusia` + PER `Sergei Lavrov`);
4. gazetteer LOC/ORG spans fill only places no other span touches;
5. capitalised words after a TITLE chain or a speech word become PER where nothing else is
   (`find_person_cues`), a model ORG/LOC of unknown words right after a title chain becomes
   PER (`persons_after_titles`), and a person's full name or surname seen once is PER
   everywhere in the document (`propagate_names`, which also corrects model LOC/ORG there).
QUOTE spans are a layer of their own: they may contain other entities, never cross a
sentence end, and never overlap each other.
"""
from __future__ import annotations

from typing import Callable, Optional

from spacy.tokens import Doc

from ..tokenize import doc_text
from .merge import bracketed_abbreviations, merge_entities, state_names
from .model_spans import find_model_spans, headline_tokens
from .persons import (find_person_cues, join_adjacent_persons, persons_after_titles, propagate_names,
                      split_body_before_name, strip_honorifics)
from .quotes import find_quotes
from .rules import EntityRules, find_gazetteer_spans, find_rule_spans
from .spans import Found, within_sentences

__all__ = ["EntityRules", "Found", "find_entities", "merge_entities"]


def find_entities(sdoc: Doc, sentences: list[dict[str, int]], rules: EntityRules, labels: set[str],
                  merge: Optional[Callable] = None) -> list[Found]:
    """Every final entity of a document (QUOTEs included), sorted by start, longer first."""
    merge = merge or merge_entities
    known_word = rules.known_word
    text = doc_text(sdoc)
    headline = headline_tokens(sdoc, known_word)
    model = [f for f in find_model_spans(sdoc, known_word, headline) if f.label in labels]
    merged = merge(sdoc, model, find_rule_spans(sdoc, rules), find_gazetteer_spans(sdoc, rules),
                   rules.place_names, known_word)
    cues = find_person_cues(sdoc, merged, rules, headline)
    merged = join_adjacent_persons(text, sorted(merged + cues, key=lambda f: (f.start, f.end)))
    merged = persons_after_titles(sdoc, merged, rules)
    merged = propagate_names(sdoc, bracketed_abbreviations(text, merged))
    merged = strip_honorifics(text, state_names(text, merged), rules.honorific_lower)
    merged = split_body_before_name(text, merged)
    merged += find_quotes(text, sentences)
    return within_sentences(sorted(merged, key=lambda f: (f.start, -f.end)), sentences)
