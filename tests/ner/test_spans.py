"""The sentence filter (pipeline/ner/spans.py)."""
from pipeline.ner.spans import Found, within_sentences


def test_a_span_crossing_a_sentence_end_is_dropped():
    sentences = [{"start": 0, "end": 20}, {"start": 21, "end": 40}]
    found = [Found(2, 8, "PER", "model"), Found(15, 25, "ORG", "model"), Found(21, 40, "QUOTE", "rule"),
             Found(45, 50, "LOC", "gazetteer")]
    assert [(f.start, f.label) for f in within_sentences(found, sentences)] == [(2, "PER"), (21, "QUOTE")]
