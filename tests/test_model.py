"""The shipped model: the seeds' entities (a test per seed document) and an evaluation gate
on public dev data (skipped when ../shared/data is absent)."""
import json

import pytest

from .conftest import ROOT, shared

FLOORS = json.loads((ROOT / "tests" / "model_floors.json").read_text())
MODEL = ROOT / "models" / "id_warta_news"

# What each seed must contain (ANNOTATION.md section 2), checked as (label, text) pairs.
SEED_ENTITIES = {
    "000_904f4fb33666df78": {
        ("PER", "Sergei Lavrov"), ("PER", "Lavrov"), ("LOC", "Rusia"), ("LOC", "Mosul"), ("LOC", "Suriah"),
        ("LOC", "Moskow"), ("ORG", "ISIS"), ("ORG", "AFP"), ("DATE", "Jumat (28/10)"), ("DATE", "Kamis (27/10)"),
        ("TITLE", "Menteri Luar Negeri"), ("TITLE", "Menteri Pertahanan"),
    },
    "001_8422f640debfe730": {
        ("PER", "Vladimir Putin"), ("PER", "Bashar al-Assad"), ("PER", "Francois Hollande"), ("LOC", "Rusia"),
        ("LOC", "Suriah"), ("LOC", "Moskow"), ("ORG", "ISIS"), ("DATE", "21 Desember"),
        ("TITLE", "Menteri Pertahanan"), ("TITLE", "Presiden"),
        ("TITLE", "Juru Bicara"), ("ORG", "Kementerian Pertahanan"),  # v2: the title stops at the body
    },
    "002_f1bf446077a8f2d3": {
        ("PER", "Sergey Lavrov"), ("PER", "John Kerry"), ("PER", "Kerry"), ("PER", "Vladimir Putin"),
        ("ORG", "ISIS"), ("ORG", "Jabhat al-Nusra"), ("ORG", "PBB"), ("LOC", "Rusia"), ("LOC", "Suriah"),
        ("DATE", "27 Februari"), ("DATE", "30 September 2015"), ("TITLE", "Menteri Luar Negeri"),
        ("TITLE", "Wakil Menteri Luar Negeri"), ("TITLE", "Presiden"),
    },
    "003_6a12103b9041fd84": {
        ("PER", "Igor Konashenkov"), ("PER", "Konashenkov"), ("PER", "Sergey Lavrov"), ("PER", "Bashar al-Assad"),
        ("ORG", "ISIS"), ("ORG", "PBB"), ("LOC", "Rusia"), ("LOC", "Suriah"), ("LOC", "Damaskus"),
        ("DATE", "Senin, 9 November 2015"), ("DATE", "Maret 2011"), ("TITLE", "Menteri Luar Negeri"),
        ("TITLE", "Presiden"),
    },
    "004_861e2fd0c5004fd0": {
        ("PER", "Bashar al-Assad"), ("PER", "Sergei Shoigu"), ("PER", "Shoigu"), ("PER", "Assad"),
        ("PER", "Vladimir Putin"), ("LOC", "Deir Az Zor"), ("LOC", "Rusia"), ("LOC", "Suriah"),
        ("LOC", "Damaskus"), ("ORG", "ISIS"), ("DATE", "Kamis (14/9)"), ("DATE", "Selasa (12/9)"),
        ("DATE", "Juni 2016"), ("TITLE", "Presiden"), ("TITLE", "Menteri Pertahanan"),
    },
}


def test_the_model_is_shipped_small_and_loaded_by_default(annotator):
    assert (MODEL / "meta.json").exists() and (MODEL / "MODEL_CARD.md").exists()
    size = sum(p.stat().st_size for p in MODEL.rglob("*") if p.is_file())
    assert size < 30 * 2 ** 20
    names = annotator.nlp.pipe_names
    assert {"ner", "parser", "morphologizer"} <= set(names)


@pytest.mark.parametrize("seed_id", sorted(SEED_ENTITIES))
def test_seed_entities(seed_docs, seed_id):
    doc = seed_docs[seed_id]
    found = {(e["label"], e["text"]) for e in doc["entities"]}
    missing = SEED_ENTITIES[seed_id] - found
    assert not missing, f"missing {sorted(missing)}"
    flat = [e for e in doc["entities"] if e["label"] != "QUOTE"]
    for a, b in zip(flat, flat[1:]):
        assert a["end"] <= b["start"], f"overlap {a['text']!r} / {b['text']!r}"


def test_seed_lemmas_come_from_the_trained_lemmatizer(seed_docs):
    toks = {t["text"]: t for t in seed_docs["004_861e2fd0c5004fd0"]["tokens"]}
    expected = {"menyambut": "sambut", "dilakukan": "laku", "bertemu": "temu", "pertemuan": "temu",
                "membahas": "bahas", "Menurut": "turut"}
    assert {w: toks[w]["lemma"] for w in expected} == expected  # the lookup table leaves all of these whole


def test_seed_tokens_have_pos_and_dependencies(seed_docs):
    doc = seed_docs["004_861e2fd0c5004fd0"]
    toks = {t["text"]: t for t in doc["tokens"]}
    assert toks["menyambut"]["pos"] == "VERB" and toks["Presiden"]["pos"] in ("NOUN", "PROPN")
    assert all(0 <= t["head"] < len(doc["tokens"]) and t["dep"] for t in doc["tokens"])


def test_gate_ner_dev_f1():
    import spacy

    from pipeline.train import score_ner_dev

    data = shared("idner-news-2k", "dev.txt").parent.parent
    f1 = score_ner_dev(spacy.load(MODEL), data)["f"]
    assert f1 >= FLOORS["ner_idner_dev_f1"], f"NER dev F1 {f1:.3f} below floor"


def test_gate_syntax_gsd_dev():
    import spacy

    from pipeline.train import score_conllu

    path = shared("ud-indonesian-gsd", "id_gsd-ud-dev.conllu")
    scores = score_conllu(spacy.load(MODEL), path)
    for metric in ("upos", "lemma", "las"):
        floor = FLOORS[f"{metric}_gsd_dev"]
        assert scores[metric] >= floor, f"GSD dev {metric} {scores[metric]:.3f} below floor {floor}"
    assert scores["lemma"] > scores["lemma_lookup"], "the shipped lemmatizer must beat the lookup table"
