"""Person cues, honorifics and name propagation (pipeline/ner/persons.py)."""
import pytest

from pipeline.ner.persons import find_person_cues, join_adjacent_persons, propagate_names, strip_honorifics
from pipeline.ner.spans import Found

from .conftest import parse


@pytest.mark.parametrize("text, spans, name", [
    # a capitalised name after a title chain (title + country)
    ("Menteri Pertahanan Rusia Sergei Shoigu tiba di Damaskus.",
     [Found(0, 18, "TITLE", "rule"), Found(19, 24, "LOC", "gazetteer"), Found(47, 55, "LOC", "gazetteer")],
     "Sergei Shoigu"),
    # the office's field after the body (`Bidang Properti`) is no part of the name
    ("Wakil Ketua Umum Kadin Indonesia Bidang Properti Hendro S. Gondokusumo mengatakan, industri itu sulit.",
     [Found(0, 16, "TITLE", "rule"), Found(17, 22, "ORG", "gazetteer"), Found(23, 32, "LOC", "gazetteer")],
     "Hendro S. Gondokusumo"),
    # dotted initials start a name
    ("Menurut Wakil Menteri Luar Negeri A.M. Fachir, pertemuan ini juga membahas investasi.",
     [Found(8, 33, "TITLE", "rule")], "A.M. Fachir"),
], ids=["title_chain", "office_field_after_body", "dotted_initials"])
def test_a_name_after_a_title_is_a_person(rules_nlp, entity_rules, text, spans, name):
    doc = parse(rules_nlp, text)
    assert [text[f.start:f.end] for f in find_person_cues(doc, spans, entity_rules)] == [name]


def test_a_name_after_a_speech_verb_is_a_person(rules_nlp, entity_rules):
    text = "Kami tidak akan mundur, kata Konashenkov kepada wartawan."
    doc = parse(rules_nlp, text)
    assert [text[f.start:f.end] for f in find_person_cues(doc, [], entity_rules)] == ["Konashenkov"]


def test_a_surname_seen_with_the_full_name_is_the_same_person(rules_nlp):
    text = "Sergei Shoigu tiba di Damaskus. Shoigu lalu bertemu Assad."
    doc = parse(rules_nlp, text)
    out = propagate_names(doc, [Found(0, 13, "PER", "model")])
    assert [(text[f.start:f.end], f.rule) for f in out] == [("Sergei Shoigu", ""), ("Shoigu", "name_propagation")]


def test_propagation_does_not_depend_on_set_order(rules_nlp):
    text = "Hendra Wijaya dan Wijaya Hendra hadir. Hendra Wijaya pulang."
    doc = parse(rules_nlp, text)
    spans = [Found(0, 13, "PER", "model"), Found(18, 31, "PER", "model")]
    first = propagate_names(doc, spans)
    assert all(propagate_names(doc, list(reversed(spans))) == first for _ in range(3))


def test_honorifics_are_not_part_of_the_name(entity_rules):
    text = "Sheikh Sabah al-Ahmed menerima H. Anda Suhanda."
    spans = [Found(0, 21, "PER", "model"), Found(text.index("H."), text.index("."  , 40), "PER", "model")]
    out = strip_honorifics(text, spans, entity_rules.honorific_lower)
    assert [text[f.start:f.end] for f in out] == ["Sabah al-Ahmed", "Anda Suhanda"]


def test_adjacent_person_pieces_are_joined():
    text = "Mohammad Javad Zarif tiba."
    out = join_adjacent_persons(text, [Found(0, 14, "PER", "rule"), Found(15, 20, "PER", "model")])
    assert [text[f.start:f.end] for f in out] == ["Mohammad Javad Zarif"]


def test_person_pieces_across_a_no_break_space_read_as_mac_roman_are_joined():
    text = "Presiden Joko\u00ac\u2020Widodo tiba."  # CLICK-ID's `Joko¬†Widodo`
    out = join_adjacent_persons(text, [Found(9, 13, "PER", "model"), Found(15, 21, "PER", "model")])
    assert [text[f.start:f.end] for f in out] == ["Joko\u00ac\u2020Widodo"]
    # two persons with a comma between stay two
    text = "Joko, Widodo tiba."
    out = join_adjacent_persons(text, [Found(0, 4, "PER", "model"), Found(6, 12, "PER", "model")])
    assert len(out) == 2


def test_dotted_initials_before_a_model_name_join_it_but_an_acronym_does_not(entity_rules):
    from pipeline.ner.persons import initials_before_person

    text = "Menurut Wakil Menteri A.M. Fachir dan Ketua KPK Agus hadir."
    f1, f2 = text.index("Fachir"), text.index("Agus")
    out = initials_before_person(text, [Found(f1, f1 + 6, "PER", "model"), Found(f2, f2 + 4, "PER", "model")],
                                 entity_rules.listed_names)
    assert [text[f.start:f.end] for f in out] == ["A.M. Fachir", "Agus"]
