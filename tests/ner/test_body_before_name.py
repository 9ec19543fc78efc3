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



def model_span(text, label, s, last=False):
    """A model span over `s` (its first occurrence, or its last with `last`)."""
    i = text.rindex(s) if last else text.index(s)
    return Found(i, i + len(s), label, "model")


def test_a_body_that_runs_into_the_name_after_a_title_is_cut_where_the_document_knows_it(entity_rules):
    from pipeline.ner.persons import split_name_after_body

    text = ("Anggota Badan Legislasi dari Partai Keadilan Sejahtera Ledia Hanifa Amaliah menolak. "
            "Sikap Partai Keadilan Sejahtera sudah jelas.")
    found = split_name_after_body(text, [
        model_span(text, "TITLE", "Anggota Badan Legislasi"), model_span(text, "ORG", "Partai Keadilan Sejahtera Ledia"),
        model_span(text, "PER", "Hanifa Amaliah"), model_span(text, "ORG", "Partai Keadilan Sejahtera", last=True)],
        entity_rules)
    assert texts(text, found)[:3] == [("TITLE", "Anggota Badan Legislasi"), ("ORG", "Partai Keadilan Sejahtera"),
                                      ("PER", "Ledia Hanifa Amaliah")]
    text = "Direktur Universitas Andalas Feri Amsari menilai Universitas Andalas siap."
    found = split_name_after_body(text, [
        model_span(text, "TITLE", "Direktur"), model_span(text, "ORG", "Universitas Andalas Feri Amsari"),
        model_span(text, "ORG", "Universitas Andalas", last=True)], entity_rules)
    assert texts(text, found)[:3] == [("TITLE", "Direktur"), ("ORG", "Universitas Andalas"), ("PER", "Feri Amsari")]


@pytest.mark.parametrize("text,title,org,elsewhere", [
    # the body is not known apart from this mention: it stays one span
    ("Ketua Umum Universitas Gadjah Mada Ahmad Dahlan hadir.", "Ketua Umum", "Universitas Gadjah Mada Ahmad Dahlan",
     None),
    # a country at the end belongs to the body (`Kementerian Luar Negeri Rusia`), though the body is known
    ("Direktur Kementerian Luar Negeri Rusia hadir. Kementerian Luar Negeri menolak.", "Direktur",
     "Kementerian Luar Negeri Rusia", "Kementerian Luar Negeri"),
])
def test_a_body_stays_whole_without_evidence_or_with_a_place_at_its_end(entity_rules, text, title, org, elsewhere):
    from pipeline.ner.persons import split_name_after_body

    spans = [model_span(text, "TITLE", title), model_span(text, "ORG", org)]
    if elsewhere:
        spans.append(model_span(text, "ORG", elsewhere, last=True))
    assert ("ORG", org) in texts(text, split_name_after_body(text, spans, entity_rules))
