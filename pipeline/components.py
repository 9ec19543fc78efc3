"""Warta's spaCy components, registered as factories (`nlp.add_pipe("warta_entities")`).

| factory | assigns | requires |
|---|---|---|
| `warta_sentencizer` (tokenize.py) | `token.is_sent_start`, `doc.spans["sentences"]` | |
| `warta_lemmas` | `token.lemma` (lower-cased; lookup table where no lemmatizer ran) | |
| `warta_entities` | `doc.ents` (final PER/ORG/LOC/DATE/TIME/TITLE), `doc.spans["quotes"]`, `doc.spans["warta_candidates"]`, `span._.warta_source` | `token.is_sent_start` |
| `warta_stemmer` | `token._.stem` | `doc.ents` (names are protected) |
| `warta_relations` | `doc._.relations`, `doc.ents` (candidates that are relation arguments join it) | `doc.ents`, `token.is_sent_start` |

Each component only wires the pure functions of its concern module (`ner`, `stem`,
`relations`) to the `Doc`; data paths left `None` mean the shipped files named in config.yaml.
The entity merge precedence is a registered, swappable function (`merge: {"@misc": ...}`),
like the filter of spaCy's `SpanRuler`.
"""
from __future__ import annotations

from typing import Callable, NamedTuple, Optional, Sequence

from spacy.language import Language
from spacy.tokens import Doc, Span, Token
from spacy.util import registry

from .config import setting
from .tokenize import doc_text, sentence_offsets

QUOTES = "quotes"  # span group of QUOTE entities (they may contain other entities)
CANDIDATES = "warta_candidates"  # names only rules/gazetteers propose where the model found none

for _obj, _name, _default in ((Token, "stem", None), (Doc, "relations", None),
                              (Span, "warta_source", None), (Span, "char_offsets", None)):
    if not _obj.has_extension(_name):
        _obj.set_extension(_name, default=_default)


class Relation(NamedTuple):
    """One relation of `doc._.relations`: head and tail are entity spans."""

    label: str
    head: Span
    tail: Span
    rule: str
    evidence: tuple[int, int]  # character offsets into doc.text


# ----------------------------------------------------------------------------- entities
def entity_offsets(span: Span) -> tuple[int, int]:
    """An entity's character offsets (exact even where they fall inside a token)."""
    return span._.char_offsets or (span.start_char, span.end_char)


def ordered_entities(doc: Doc, extra: Sequence[Span] = ()) -> list[Span]:
    """`doc.ents` and the QUOTE spans (and `extra` spans) in output order (by start, longer
    first): entity ids `e0, e1, ...` are positions in this list."""
    spans = list(doc.ents) + (list(doc.spans[QUOTES]) if QUOTES in doc.spans else []) + list(extra)
    return sorted(spans, key=lambda s: (entity_offsets(s)[0], -entity_offsets(s)[1], s.label_ == "QUOTE"))


def entity_dicts(doc: Doc, spans: Optional[Sequence[Span]] = None) -> list[dict]:
    """The entities as plain dicts (id, start, end, label, text, source)."""
    text = doc_text(doc)
    out = []
    for k, span in enumerate(ordered_entities(doc) if spans is None else spans):
        s, e = entity_offsets(span)
        out.append({"id": f"e{k}", "start": s, "end": e, "label": span.label_, "text": text[s:e],
                    "source": span._.warta_source or "model"})
    return out


def _as_span(doc: Doc, start: int, end: int, label: str, source: str) -> Optional[Span]:
    span = doc.char_span(start, end, label=label)
    if span is None:  # a quote edge inside a token (`.,"Hari`): expand, keep the exact offsets
        span = doc.char_span(start, end, label=label, alignment_mode="expand")
        if span is None:
            return None
        span._.char_offsets = (start, end)
    span._.warta_source = source
    return span


@registry.misc("warta.merge_entities.v1")
def make_merge_entities() -> Callable:
    """The default precedence: rules, multi-word gazetteer names, model, single-word names."""
    from .ner import merge_entities

    return merge_entities


@Language.factory(
    "warta_entities",
    assigns=["doc.ents", "doc.spans", "span._.warta_source"],  # spans: quotes, warta_candidates
    requires=["token.is_sent_start"],
    default_config={"patterns_path": None, "titles_path": None, "gazetteer_paths": None,
                    "model_labels": ["PER", "ORG", "LOC"], "stem_exceptions_path": None,
                    "merge": {"@misc": "warta.merge_entities.v1"}},
)
def make_entities(nlp: Language, name: str, patterns_path: Optional[str], titles_path: Optional[str],
                  gazetteer_paths: Optional[list[str]], model_labels: list[str],
                  stem_exceptions_path: Optional[str], merge: Callable) -> "EntityComponent":
    from .ner import EntityRules
    from .stem import shared_stemmer

    stemmer = shared_stemmer(setting(stem_exceptions_path, "stem.exceptions"))
    rules = EntityRules(nlp, setting(patterns_path, "ner.rules"), setting(titles_path, "ner.titles"),
                        setting(gazetteer_paths, "ner.gazetteers"), known_word=stemmer.is_known_word)
    return EntityComponent(rules, set(model_labels), merge)


class EntityComponent:
    """Reads the model's spans (`doc.ents` set by `ner`, if any), adds rules, gazetteers, person
    cues and quotes, and writes the final `doc.ents` and `doc.spans["quotes"]`."""

    def __init__(self, rules, labels: set[str], merge: Callable):
        self.rules = rules
        self.model_labels = labels
        self.merge = merge

    def __call__(self, doc: Doc) -> Doc:
        from .ner import find_entities, is_candidate

        found = find_entities(doc, sentence_offsets(doc), self.rules, self.model_labels, self.merge)
        ents, quotes, candidates = [], [], []
        for f in found:
            span = _as_span(doc, f.start, f.end, f.label, f.source)
            if span is not None:
                (quotes if f.label == "QUOTE" else candidates if is_candidate(f) else ents).append(span)
        doc.set_ents(ents, default="outside")
        doc.spans[QUOTES] = quotes
        doc.spans[CANDIDATES] = candidates
        return doc


# ----------------------------------------------------------------------------- lemmas
@Language.factory("warta_lemmas", assigns=["token.lemma"], default_config={})
def make_lemmas(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    """Lower-cased lemmas: the trained lemmatizer's where it set one, else spaCy's lookup table."""
    from .tag import lemma_lookup, lookup_lemma

    table = lemma_lookup()

    def set_lemmas(doc: Doc) -> Doc:
        for tok in doc:
            tok.lemma_ = tok.lemma_.lower() if tok.lemma_ else lookup_lemma(tok.text, table)
        return doc

    return set_lemmas


# ----------------------------------------------------------------------------- stems
@Language.factory(
    "warta_stemmer",
    assigns=["token._.stem"],
    requires=["doc.ents"],
    default_config={"exceptions_path": None, "protect_names": True, "cache_size": 200_000},
)
def make_stemmer(nlp: Language, name: str, exceptions_path: Optional[str], protect_names: bool,
                 cache_size: int) -> Callable[[Doc], Doc]:
    """Sastrawi stems in `token._.stem`; names (PER/ORG/LOC, capitalised unknown words) keep their form."""
    from .stem import NAME_LABELS, is_capitalised_unknown, shared_stemmer

    stemmer = shared_stemmer(setting(exceptions_path, "stem.exceptions"), cache_size)

    def set_stems(doc: Doc) -> Doc:
        protected = bytearray(len(doc))
        if protect_names:
            for ent in doc.ents:
                if ent.label_ in NAME_LABELS:
                    protected[ent.start:ent.end] = b"\x01" * len(ent)
        for tok in doc:
            if tok.is_space:
                continue
            is_name = protect_names and (protected[tok.i] or is_capitalised_unknown(tok, stemmer))
            tok._.stem = stemmer.stem(tok.text, pos=tok.pos_ or None, is_name=bool(is_name))
        return doc

    return set_stems


# ----------------------------------------------------------------------------- relations
@Language.factory(
    "warta_relations",
    assigns=["doc._.relations", "doc.ents"],
    requires=["doc.ents", "token.is_sent_start"],
    default_config={"patterns_path": None},
)
def make_relations(nlp: Language, name: str, patterns_path: Optional[str]) -> "RelationComponent":
    from .relations import RelationMatchers, load_patterns, symmetric_labels

    path = setting(patterns_path, "relations.patterns")
    return RelationComponent(RelationMatchers(nlp.vocab, load_patterns(path)), symmetric_labels(path))


class RelationComponent:
    """Pattern-based relations between the final entities, in `doc._.relations`."""

    def __init__(self, matchers, symmetric: frozenset[str] = frozenset()):
        self.matchers = matchers
        self.symmetric = symmetric

    def __call__(self, doc: Doc) -> Doc:
        from .relations import find_relations, merge_relations

        ents, quotes = list(doc.ents), list(doc.spans[QUOTES]) if QUOTES in doc.spans else []
        candidates = list(doc.spans[CANDIDATES]) if CANDIDATES in doc.spans else []
        spans = ordered_entities(doc, candidates)
        entities = entity_dicts(doc, spans)
        found = merge_relations(list(find_relations(doc, entities, sentence_offsets(doc), self.matchers)),
                                self.symmetric)
        # a candidate that is a relation's argument becomes an entity (`Menteri Luar Negeri Rusia
        # Sergei Lavrov`: LOC Rusia for afiliasi where the model left it O); the others stay out
        used = {id(spans[k]) for r in found for k in (r.head, r.tail)}
        taken = {i for e in ents for i in range(e.start, e.end)}
        promoted = [c for c in candidates if id(c) in used and not taken & set(range(c.start, c.end))]
        doc.set_ents(sorted(ents + promoted, key=lambda s: s.start), default="outside")  # matching wrote the flat entities
        promoted_ids = {id(c) for c in promoted}
        doc.spans[CANDIDATES] = [c for c in candidates if id(c) not in promoted_ids]
        doc.spans[QUOTES] = quotes
        doc._.relations = [Relation(r.label, spans[r.head], spans[r.tail], r.rule, (r.start, r.end))
                           for r in sorted(found, key=lambda r: (r.start, r.label))]
        return doc
