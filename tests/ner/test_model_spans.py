"""Cleaning the model's spans and spotting headlines (pipeline/ner/model_spans.py)."""
from spacy.tokens import Span

from pipeline.ner.model_spans import find_model_spans, headline_tokens

from .conftest import parse


def test_a_model_span_is_cut_at_lower_case_words_but_keeps_name_particles(rules_nlp, entity_rules):
    text = "Kemudian Putin kepada Assad menyerahkan surat dari Bashar al-Assad kemarin."
    doc = parse(rules_nlp, text)
    doc.ents = [Span(doc, 1, 4, "PER"), Span(doc, 7, 9, "PER")]  # `Putin kepada Assad`, `Bashar al-Assad`
    found = find_model_spans(doc, entity_rules.known_word, set())
    assert [text[f.start:f.end] for f in found] == ["Putin", "Assad", "Bashar al-Assad"]


def test_headlines_are_recognised_and_body_sentences_are_not(rules_nlp, entity_rules):
    text = "Menteri Rusia Bertemu Assad Bahas Serangan Deir Az Zor\nMenteri Rusia bertemu Assad untuk membahas serangan."
    doc = parse(rules_nlp, text)
    head = headline_tokens(doc, entity_rules.known_word)
    first_line = [t.i for t in doc if t.idx < text.index("\n")]
    assert set(first_line) <= head and not any(t.i in head for t in doc if t.idx > text.index("\n"))
