"""The training recipe's data preparation: UD v1 -> v2 conversion, IOB -> spaCy entities with
label mapping, the dev-overlap filter for extra NER data, and the generated training config."""
import spacy

from pipeline.train import (bio_doc, convert_v1_sentence, ngrams, overlaps, _config, NER_EXTRA,
                            DEFAULT_NER_EXTRA)

VOCAB = spacy.blank("id").vocab


def _row(i, form, upos, head, rel):
    return [str(i), form, "_", upos, "_", "_", str(head), rel, "_", "_"]


def test_v1_sentence_gets_v2_labels():
    # "Dia akan membeli rumahnya di Jakarta dan Bandung"
    rows = [_row(1, "Dia", "PRON", 3, "nsubj"), _row(2, "akan", "ADV", 3, "advmod"),
            _row(3, "membeli", "VERB", 0, "root"), _row(4, "rumahnya", "NOUN", 3, "dobj"),
            _row(5, "di", "ADP", 6, "case"), _row(6, "Jakarta", "PROPN", 3, "nmod"),
            _row(7, "dan", "CONJ", 8, "cc"), _row(8, "Bandung", "PROPN", 6, "conj")]
    out = convert_v1_sentence(rows)
    assert [r[7] for r in out] == ["nsubj", "aux", "root", "obj", "case", "obl", "cc", "conj"]
    assert out[1][3] == "AUX" and out[6][3] == "CCONJ"
    assert rows[3][7] == "dobj"  # the input is not modified


def test_relative_clause_and_names():
    # "Joko Widodo yang terpilih" : name -> flat:name, acl with `yang` -> acl:relcl
    rows = [_row(1, "Joko", "PROPN", 0, "root"), _row(2, "Widodo", "PROPN", 1, "name"),
            _row(3, "yang", "PRON", 4, "nsubj"), _row(4, "terpilih", "VERB", 1, "acl")]
    assert [r[7] for r in convert_v1_sentence(rows)] == ["root", "flat:name", "nsubj", "acl:relcl"]


def test_bio_labels_are_mapped_and_others_become_o():
    words = ["Joko", "Widodo", "meresmikan", "Festival", "Kuliner", "di", "kota", "Solo", "bersama", "Pertamina"]
    tags = ["B-PPL", "I-PPL", "O", "B-EVT", "I-EVT", "O", "O", "B-PLC", "O", "B-IND"]
    doc = bio_doc(VOCAB, words, tags)
    assert [(e.text, e.label_) for e in doc.ents] == [("Joko Widodo", "PER"), ("Solo", "LOC"), ("Pertamina", "ORG")]


def test_bio_stray_inside_tag_starts_an_entity():
    doc = bio_doc(VOCAB, ["Presiden", "Jokowi", "tiba", "di", "Jakarta"], ["O", "I-PERSON", "O", "O", "B-PLACE"])
    assert [(e.text, e.label_) for e in doc.ents] == [("Jokowi", "PER"), ("Jakarta", "LOC")]
    assert doc[2].ent_iob_ == "O"


def test_dev_overlap_filter():
    dev = "Menteri Luar Negeri Rusia Sergei Lavrov mengatakan bahwa pihaknya siap berunding".split()
    held = ngrams(dev)
    assert overlaps(("menteri luar negeri rusia sergei lavrov mengatakan bahwa pihaknya siap berunding "
                     "dengan amerika serikat").split(), held)
    assert not overlaps("Gubernur Jawa Barat meresmikan jalan tol baru di Bandung pada Senin".split(), held)
    assert overlaps(["Jakarta"], ngrams(["jakarta"]))  # a sentence shorter than 6 tokens is one gram


def test_extra_sets_are_never_test_splits():
    for name in DEFAULT_NER_EXTRA:
        assert all("test" not in rel for rel in NER_EXTRA[name])


def test_fine_tune_config_sources_every_component(tmp_path):
    cfg = _config(["ner"], tmp_path / "t.spacy", tmp_path / "d.spacy", 100, 3, vectors=tmp_path / "vec",
                  source=tmp_path / "stage1")
    assert cfg["components"]["tok2vec"] == {"source": str(tmp_path / "stage1")}
    assert cfg["components"]["ner"] == {"source": str(tmp_path / "stage1")}
    assert cfg["initialize"]["vectors"] == str(tmp_path / "vec")
    assert cfg["training"]["optimizer"]["use_averages"] is True
    assert cfg["system"]["seed"] == 3 and cfg["training"]["max_steps"] == 100
    fresh = _config(["ner"], tmp_path / "t.spacy", tmp_path / "d.spacy", 100, 0, vectors=tmp_path / "vec")
    assert fresh["components"]["tok2vec"]["model"]["embed"]["include_static_vectors"] is True
