"""Named entities: the trained model's PER/ORG/LOC, rules (DATE, TIME, TITLE), gazetteers
(countries, Indonesian regions, world places, organizations) and direct speech (QUOTE).

Match-finding (`find_rule_spans`, `find_gazetteer_spans`, `find_quotes`) is kept apart from
`merge_entities`, which writes the final, non-overlapping entity list. Where the model ran, it
adjudicates names (PER/ORG/LOC): its O on a word is an opinion, so a rule or list that only
proposes a name there makes a *candidate* (`is_candidate`, written to
`doc.spans["warta_candidates"]`), not an entity; the relation stage uses candidates as arguments,
and a candidate that a relation uses becomes an entity (`Menteri Luar Negeri Rusia Sergei Lavrov`:
LOC `Rusia` for afiliasi, as ANNOTATION.md v2 labels it, also where the model left it O):

1. TITLE, DATE and TIME rules win; a TITLE stops where a model ORG/LOC begins (`anggota` +
   `Badan Anggaran DPR`) unless a unit of the title grammar begins there (`Ketua Majelis Hakim`),
   and a title word inside a model name is part of it (`Raja Ampat`, `Tatang Farhanul Hakim`;
   `titles_before_names`);
2. model spans, cleaned (`find_model_spans`), keep their extent against rule and list names,
   and a model span that is exactly a listed name takes the list's label (Mosul: LOC, PBB: ORG);
   they lose only the tokens a rule span took (`Menteri Luar Negeri Rusia Sergei Lavrov` ->
   TITLE + `Rusia Sergei Lavrov`, then 3.); an ORG-name rule (`Angkatan Udara Rusia`) may
   extend a model name over the O words after it;
3. a model span that starts with a gazetteer place followed by a name is split
   (`Rusia Sergei Lavrov` -> LOC `Rusia` + PER `Sergei Lavrov`);
4. names from the organizations list (`ISIS`, `PBB`) fill where the model found nothing;
   listed places, ORG-name rules and person cues (capitalised words after a TITLE chain or a
   speech word, `find_person_cues`) there are candidates;
5. a model ORG/LOC of unknown words right after a title chain becomes PER
   (`persons_after_titles`), and a person's full name or surname seen once is PER everywhere in
   the document (`propagate_names`, which also corrects model LOC/ORG there).
Without a model (`--no-model`) there is no opinion to respect: rules and lists make entities
(rule names and multi-word list names first, then single-word list names where free).
QUOTE spans are a layer of their own: they may contain other entities, never cross a
sentence end, and never overlap each other.
"""
from __future__ import annotations

from typing import Callable, Optional

from spacy.tokens import Doc

from ..tokenize import doc_text
from .merge import bracketed_abbreviations, join_listed_names, merge_entities, state_names, titles_before_names
from .model_spans import find_model_spans, headline_tokens
from .persons import (find_person_cues, join_adjacent_persons, persons_after_titles, propagate_names,
                      initials_before_person, split_body_before_name, split_name_after_body,
                      strip_honorifics)
from .quotes import find_quotes
from .rules import EntityRules, find_gazetteer_spans, find_rule_spans
from .spans import Found, is_candidate, within_sentences

__all__ = ["EntityRules", "Found", "find_entities", "is_candidate", "merge_entities"]


def find_entities(sdoc: Doc, sentences: list[dict[str, int]], rules: EntityRules, labels: set[str],
                  merge: Optional[Callable] = None) -> list[Found]:
    """Every final entity of a document (QUOTEs included), sorted by start, longer first, and the
    candidates (`is_candidate`: names only rules or gazetteers propose where the model found
    none; the relation stage may use them as arguments, which makes them entities)."""
    merge = merge or merge_entities
    known_word = rules.known_word
    text = doc_text(sdoc)
    headline = headline_tokens(sdoc, known_word)
    model = [f for f in find_model_spans(sdoc, known_word, headline) if f.label in labels]
    gazetteer = find_gazetteer_spans(sdoc, rules)
    rule_spans = titles_before_names(sdoc, find_rule_spans(sdoc, rules), model, gazetteer, rules.titles.units,
                                     rules.titles.heads.keys() | rules.titles.qualifiers.keys())
    merged = merge(sdoc, model, rule_spans, gazetteer, rules.place_names, known_word)
    cues = find_person_cues(sdoc, merged, rules, headline)
    merged = join_adjacent_persons(text, sorted(merged + cues, key=lambda f: (f.start, f.end)))
    merged = persons_after_titles(sdoc, merged, rules)
    merged = propagate_names(sdoc, bracketed_abbreviations(text, join_listed_names(text, merged, rules.listed_names)))
    merged = strip_honorifics(text, state_names(text, merged), rules.honorific_lower)
    merged = split_body_before_name(text, merged)
    merged = split_name_after_body(text, merged, rules)
    merged = initials_before_person(text, merged, rules.listed_names)
    merged += find_quotes(text, sentences)
    merged = list({(f.start, f.end, f.label): f for f in merged}.values())  # one span twice (two cues) is one
    return within_sentences(sorted(merged, key=lambda f: (f.start, -f.end)), sentences)
