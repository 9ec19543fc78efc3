"""A body's one-word name between a title and a person (`Ketua Umum Hanura Oesman Sapta Odang`) is split
off the person only when the document shows both halves apart (pipeline/ner/persons.py)."""
import pytest

from pipeline.ner.persons import split_body_before_name
from pipeline.ner.spans import Found


def spans_of(text, *items):
    out = []
    for label, s in items:
        i = text.index(s)
        out.append(Found(i, i + len(s), label, "rule"))
    return out


def texts(text, spans):
    return [(f.label, text[f.start:f.end]) for f in spans]


def test_body_name_is_split_when_the_document_uses_both_halves_apart():
    text = "Ketua Umum Hanura Oesman Sapta Odang hadir. Kader Partai Hanura menyambutnya, kata Oesman."
    found = split_body_before_name(text, spans_of(text, ("TITLE", "Ketua Umum"), ("PER", "Hanura Oesman Sapta Odang")))
    assert texts(text, found) == [("TITLE", "Ketua Umum"), ("ORG", "Hanura"), ("PER", "Oesman Sapta Odang")]


@pytest.mark.parametrize("text,person", [
    # no evidence: the first word never stands alone
    ("Ketua Umum Hanura Oesman Sapta Odang hadir di Jakarta.", "Hanura Oesman Sapta Odang"),
    # the first name alone is a short mention of the same person, the rest never stands alone
    ("Ketua Umum Prabowo Subianto Djojohadikusumo hadir. Prabowo tersenyum.", "Prabowo Subianto Djojohadikusumo"),
])
def test_a_person_run_stays_whole_without_evidence(text, person):
    found = split_body_before_name(text, spans_of(text, ("TITLE", "Ketua Umum"), ("PER", person)))
    assert texts(text, found) == [("TITLE", "Ketua Umum"), ("PER", person)]


def test_only_runs_right_after_a_title_are_split():
    text = "Warga Hanura Oesman Sapta Odang hadir. Kader Partai Hanura menyambutnya, kata Oesman."
    found = split_body_before_name(text, spans_of(text, ("PER", "Hanura Oesman Sapta Odang")))
    assert texts(text, found) == [("PER", "Hanura Oesman Sapta Odang")]
