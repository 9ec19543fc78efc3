"""The model adjudicates names (pipeline/ner/merge.py, model_spans.py, persons.py; issue 13).

Each test runs the shipped pipeline up to its `ner` component on a real Indonesian sentence,
then fixes the model's opinion (`doc.ents`) to the spans given, so that the test checks Warta's
decisions and not the weights of one model version; then it runs `warta_entities` (and, where
said, `warta_relations`).
"""
import pytest

import pipeline


@pytest.fixture(scope="module")
def model_nlp():
    return pipeline.load({"clean": {"enabled": False}}).nlp


def annotate(nlp, text, model_spans, relations=False):
    """The Doc after Warta's entity component (and the relation stage), the model having found
    exactly `model_spans` [(text, label), ...] (each the first occurrence)."""
    names = nlp.pipe_names
    with nlp.select_pipes(enable=names[: names.index("ner") + 1]):
        doc = nlp(text)
    ents = []
    for words, label in model_spans:
        start = text.index(words)
        ents.append(doc.char_span(start, start + len(words), label=label))
    doc.set_ents(ents, default="outside")
    doc = nlp.get_pipe("warta_entities")(doc)
    if relations:
        doc = nlp.get_pipe("warta_relations")(doc)
    return doc


def ents(doc):
    return [(e.text, e.label_) for e in doc.ents]


def candidates(doc):
    return [(c.text, c.label_) for c in doc.spans["warta_candidates"]]


def test_a_country_the_model_left_out_is_a_candidate_not_an_entity(model_nlp):
    doc = annotate(model_nlp, "Korban jiwa terus berjatuhan akibat serangan udara yang dilancarkan Israel di "
                              "wilayah Jalur Gaza.", [("Jalur Gaza", "LOC")])
    assert ents(doc) == [("Jalur Gaza", "LOC")]
    assert candidates(doc) == [("Israel", "LOC")]


def test_a_candidate_that_a_relation_needs_becomes_an_entity(model_nlp):
    text = "Menteri Luar Negeri Rusia Sergei Lavrov bertemu Presiden Suriah Bashar al-Assad di Damaskus."
    doc = annotate(model_nlp, text, [("Sergei Lavrov", "PER"), ("Bashar al-Assad", "PER"), ("Damaskus", "LOC")],
                   relations=True)
    assert ("Rusia", "LOC") in ents(doc) and ("Suriah", "LOC") in ents(doc)  # v2: title + country + name
    assert ("afiliasi", "Sergei Lavrov", "Rusia") in [(r.label, r.head.text, r.tail.text) for r in doc._.relations]
    assert candidates(doc) == []
    record = pipeline.annotate([{"id": "x", "text": text}], {"clean": {"enabled": False}})
    out = next(iter(record))
    ids = {e["id"]: e["text"] for e in out["entities"]}
    assert all(r["head"] in ids and r["tail"] in ids for r in out["relations"])  # promoted ids resolve


def test_without_a_model_listed_places_are_entities():
    nlp = pipeline.load({"pipeline": {"model": None}, "clean": {"enabled": False}}).nlp
    doc = nlp("Korban jiwa terus berjatuhan akibat serangan udara yang dilancarkan Israel.")
    assert ("Israel", "LOC") in ents(doc)


def test_an_organization_from_the_list_fills_where_the_model_found_nothing(model_nlp):
    doc = annotate(model_nlp, "Angkatan Udara Rusia mulai menggelar serangan udara terhadap fasilitas ISIS di "
                              "Suriah.", [("Angkatan Udara", "ORG")])
    assert ("ISIS", "ORG") in ents(doc)  # a body's name is no modifier
    assert ("Suriah", "LOC") not in ents(doc) and ("Suriah", "LOC") in candidates(doc)
    # a rule name may extend the model's name over the words after it that the model left O (v2)
    assert ("Angkatan Udara Rusia", "ORG") in ents(doc)


def test_the_model_keeps_its_extent_against_lists_and_rules(model_nlp):
    doc = annotate(model_nlp, "Dutabesar itu mengadakan pembicaraan, seperti dilaporkan The New York Times.",
                   [("The New York Times", "ORG")])
    assert ("The New York Times", "ORG") in ents(doc)  # the listed `New York` does not cut it
    doc = annotate(model_nlp, "Pihaknya telah berkoordinasi dengan Kementerian Komunikasi dan Informatika.",
                   [("Kementerian Komunikasi dan Informatika", "ORG")])
    assert ents(doc) == [("Kementerian Komunikasi dan Informatika", "ORG")]  # `dan` inside a body stays
    doc = annotate(model_nlp, "Sekolah itu bertempat di Kantor Kementerian Sosial (Kemensos), di Salemba.",
                   [("Kantor Kementerian Sosial", "LOC"), ("Kemensos", "ORG"), ("Salemba", "LOC")])
    assert ("Kantor Kementerian Sosial (Kemensos)", "LOC") in ents(doc)  # the model's label, v2 brackets


def test_lower_case_nouns_the_model_put_in_a_place_stay_and_verbs_are_cut(model_nlp):
    doc = annotate(model_nlp, "Kapal karam di pulau Bangka.", [("pulau Bangka", "LOC")])
    assert ents(doc) == [("pulau Bangka", "LOC")]
    doc = annotate(model_nlp, "Sabtu malam, tembakan roket dari Libanon menghantam Israel utara.",
                   [("Libanon", "LOC"), ("Israel utara", "LOC")])
    assert ("Israel utara", "LOC") in ents(doc)
    doc = annotate(model_nlp, "Sebuah surat dikirim Putin kepada Assad pekan lalu.", [("Putin kepada Assad", "PER")])
    assert [t for t, lab in ents(doc) if lab == "PER"] == ["Putin", "Assad"]


def test_a_title_stops_where_the_models_name_begins(model_nlp):
    doc = annotate(model_nlp, "Ia pernah menjadi Kepala Kejaksaan Tinggi Sulawesi Selatan.",
                   [("Kejaksaan Tinggi Sulawesi Selatan", "ORG")])
    assert ("Kejaksaan Tinggi Sulawesi Selatan", "ORG") in ents(doc)
    assert [t for t, lab in ents(doc) if lab == "TITLE"] == ["Kepala"]
    # ... unless an internal unit of the office begins there (title_grammar.yaml `units`)
    doc = annotate(model_nlp, "Protes itu disampaikan kepada Ketua Majelis Hakim Pengadilan Tindak Pidana Korupsi "
                              "Jakarta Haswandi.", [("Majelis Hakim Pengadilan Tindak Pidana Korupsi", "ORG"),
                                                    ("Jakarta", "LOC"), ("Haswandi", "PER")])
    assert [t for t, lab in ents(doc) if lab == "TITLE"] == ["Ketua Majelis Hakim"]


def test_a_title_word_inside_a_models_name_is_part_of_the_name(model_nlp):
    doc = annotate(model_nlp, "Pemerintah terus mempromosikan potensi wisata bahari Raja Ampat sebagai kawasan "
                              "konservasi.", [("Raja Ampat", "LOC")])
    assert ents(doc) == [("Raja Ampat", "LOC")]
    doc = annotate(model_nlp, "Pasangan itu melawan Irianto Syarifuddin dan Tatang Farhanul Hakim dalam pemilihan.",
                   [("Irianto Syarifuddin", "PER"), ("Tatang Farhanul Hakim", "PER")])
    assert ("Tatang Farhanul Hakim", "PER") in ents(doc)


def test_a_person_cue_the_model_did_not_confirm_is_only_a_candidate(model_nlp):
    doc = annotate(model_nlp, "Pileg, kata Nurul lagi, tak bisa disamakan dengan Pilgub.", [("Nurul", "PER")])
    assert ents(doc) == [("Nurul", "PER")]
    assert ("Pilgub", "PER") in candidates(doc)


def test_a_lone_capitalised_word_is_dropped_only_before_a_noun(model_nlp):
    doc = annotate(model_nlp, "Akbar menyebutkan pertumbuhan ekonomi mencapai lima persen.", [("Akbar", "PER")])
    assert ents(doc) == [("Akbar", "PER")]  # a name followed by its verb
    doc = annotate(model_nlp, "Gencatan senjata berlaku di seluruh wilayah.", [("Gencatan", "ORG")])
    assert ents(doc) == []  # sentence case of a common noun phrase
