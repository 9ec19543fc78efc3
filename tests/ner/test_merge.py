"""Merge precedence and span adjustments (pipeline/ner/merge.py)."""
from pipeline.ner.merge import bracketed_abbreviations, merge_entities, state_names
from pipeline.ner.spans import Found

from .conftest import parse


def test_rules_win_and_a_model_span_loses_only_the_overlap(rules_nlp, entity_rules):
    text = "Menteri Luar Negeri Rusia Sergei Lavrov tiba di Damaskus."
    doc = parse(rules_nlp, text)
    model = [Found(0, 39, "PER", "model")]  # the model's span swallowed the title and the country
    rules = [Found(0, 19, "TITLE", "rule", "title")]
    gazetteer = [Found(20, 25, "LOC", "gazetteer"), Found(48, 56, "LOC", "gazetteer")]
    out = merge_entities(doc, model, rules, gazetteer, entity_rules.place_names, entity_rules.known_word)
    assert [(text[f.start:f.end], f.label) for f in out] == [
        ("Menteri Luar Negeri", "TITLE"), ("Rusia", "LOC"), ("Sergei Lavrov", "PER"), ("Damaskus", "LOC")]


def test_a_model_span_equal_to_a_listed_name_takes_its_label(rules_nlp, entity_rules):
    text = "Dewan Keamanan PBB bersidang di Mosul."
    doc = parse(rules_nlp, text)
    out = merge_entities(doc, [Found(32, 37, "PER", "model")], [], [Found(32, 37, "LOC", "gazetteer")],
                         entity_rules.place_names, entity_rules.known_word)
    assert [(text[f.start:f.end], f.label) for f in out] == [("Mosul", "LOC")]


def test_a_name_and_its_bracketed_abbreviation_are_one_span():
    text = "Komisi Pemberantasan Korupsi (KPK) memeriksa saksi."
    spans = [Found(0, 28, "ORG", "rule"), Found(30, 33, "ORG", "model")]
    assert [(text[f.start:f.end], f.label) for f in bracketed_abbreviations(text, spans)] == [
        ("Komisi Pemberantasan Korupsi (KPK)", "ORG")]


def test_state_names_keep_their_title_word():
    text = "Kerajaan Arab Saudi menolak usul itu."
    out = state_names(text, [Found(9, 19, "LOC", "gazetteer")])
    assert [text[f.start:f.end] for f in out] == ["Kerajaan Arab Saudi"]


def test_a_two_word_bracketed_abbreviation_belongs_to_the_name():
    text = "Ketua Dewan Perwakilan Rakyat (DPR RI) Bambang Soesatyo menyatakan itu."
    spans = [Found(0, 5, "TITLE", "rule"), Found(6, 29, "ORG", "model"), Found(31, 37, "ORG", "model")]
    assert [(text[f.start:f.end], f.label) for f in bracketed_abbreviations(text, spans)][1] == (
        "Dewan Perwakilan Rakyat (DPR RI)", "ORG")


def test_two_adjacent_organizations_that_together_are_a_listed_name_are_one(entity_rules):
    from pipeline.ner.merge import join_listed_names

    text = "Kepala Biro Penerangan Masyarakat Mabes Polri Dedi Prasetyo hadir."
    i = text.index("Mabes")
    spans = [Found(i, i + 5, "ORG", "model"), Found(i + 6, i + 11, "ORG", "model")]
    assert [text[f.start:f.end] for f in join_listed_names(text, spans, entity_rules.listed_names)] == ["Mabes Polri"]
    text = "Polri KPK hadir."  # not listed together: two organizations
    spans = [Found(0, 5, "ORG", "model"), Found(6, 9, "ORG", "model")]
    assert len(join_listed_names(text, spans, entity_rules.listed_names)) == 2


def test_a_model_person_made_of_a_listed_body_and_a_place_is_split(annotator):
    doc = annotator("Washington menuduh Iran, meski pemberontak Houthi Yaman mengklaim serangan terhadap Arab Saudi.")
    ents = [(e["label"], e["text"]) for e in doc["entities"] if e["label"] != "QUOTE"]
    assert ("ORG", "Houthi") in ents and ("LOC", "Yaman") in ents, ents
    assert not any(label == "PER" for label, _ in ents), ents


def test_a_person_tagged_org_after_a_title_and_a_regional_body_with_its_region(annotator):
    # a name that holds dictionary words (`Agung`, `Ilmu`) after `Bupati Lampung Utara,` is a person
    doc = annotator("Berita tertangkapnya Bupati Lampung Utara, Agung Ilmu Mangkunegara disambut lega oleh masyarakat.")
    ents = [(e["label"], e["text"]) for e in doc["entities"] if e["label"] != "QUOTE"]
    assert ("PER", "Agung Ilmu Mangkunegara") in ents, ents
    # ... but a party's name with its acronym stays the organization (`PDI Perjuangan`)
    doc = annotator("Sekretaris Jenderal PDI Perjuangan Hasto Kristiyanto menolak usul itu.")
    ents = [(e["label"], e["text"]) for e in doc["entities"] if e["label"] != "QUOTE"]
    assert ("PER", "Hasto Kristiyanto") in ents and not any(t.startswith("PDI") and lab == "PER" for lab, t in ents), ents
    # the regional body and a two-word region are one ORG, also where the model found two spans
    doc = annotator("Ia merespons anggota DPRD Jawa Barat dari Fraksi Partai Gerindra Daddy Rohanandi kemarin.")
    ents = [(e["label"], e["text"]) for e in doc["entities"] if e["label"] != "QUOTE"]
    assert ("ORG", "DPRD Jawa Barat") in ents, ents
