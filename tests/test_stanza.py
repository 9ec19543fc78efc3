"""The Stanza backend end to end: tiny Stanza models trained here in seconds (hand-made
sentences below, a few steps) loaded through the real path (`pipeline.backend: stanza`,
local files, `download_method=None`), the record schema, the multi-word-token representation
and the CoNLL-U written for the official scorer. Skipped when the `stanza` extra is absent."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

stanza = pytest.importorskip("stanza")

from pipeline.nlp import ModelError  # noqa: E402
from pipeline.runner import load  # noqa: E402
from pipeline.stanza_backend import StanzaTokenizer, doc_to_conllu  # noqa: E402
from pipeline.train_stanza import stanza_config, train_stanza  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

# Hand-made UD-style analyses (not from any treebank): (text, [(form, lemma, upos, head, deprel)]);
# a form "A+B" is a multi-word token whose words are A and B.
SENTENCES = [
    ("Menurutnya, rencana itu akan dibahas besok.",
     [("Menurut+nya", "menurut+nya", "ADP+PRON", "2+7", "case+obl"), (",", ",", "PUNCT", 7, "punct"),
      ("rencana", "rencana", "NOUN", 7, "nsubj:pass"), ("itu", "itu", "DET", 4, "det"),
      ("akan", "akan", "AUX", 7, "aux"), ("dibahas", "bahas", "VERB", 0, "root"),
      ("besok", "besok", "ADV", 7, "advmod"), (".", ".", "PUNCT", 7, "punct")]),
    ("Presiden Joko Widodo mengunjungi rumahnya di Solo.",
     [("Presiden", "presiden", "NOUN", 4, "nsubj"), ("Joko", "Joko", "PROPN", 1, "appos"),
      ("Widodo", "Widodo", "PROPN", 2, "flat:name"), ("mengunjungi", "kunjung", "VERB", 0, "root"),
      ("rumah+nya", "rumah+nya", "NOUN+PRON", "4+5", "obj+nmod:poss"), ("di", "di", "ADP", 8, "case"),
      ("Solo", "Solo", "PROPN", 4, "obl"), (".", ".", "PUNCT", 4, "punct")]),
    ("Mereka tidak datang karena hujan deras.",
     [("Mereka", "mereka", "PRON", 3, "nsubj"), ("tidak", "tidak", "PART", 3, "advmod"),
      ("datang", "datang", "VERB", 0, "root"), ("karena", "karena", "ADP", 5, "case"),
      ("hujan", "hujan", "NOUN", 3, "obl"), ("deras", "deras", "ADJ", 5, "amod"), (".", ".", "PUNCT", 3, "punct")]),
    ("Harganya naik menjadi Rp 10.000 per kilogram.",
     [("Harga+nya", "harga+nya", "NOUN+PRON", "3+1", "nsubj+nmod:poss"), ("naik", "naik", "VERB", 0, "root"),
      ("menjadi", "jadi", "VERB", 3, "xcomp"), ("Rp", "Rp", "NOUN", 4, "obj"), ("10.000", "10.000", "NUM", 5, "nummod"),
      ("per", "per", "ADP", 8, "case"), ("kilogram", "kilogram", "NOUN", 5, "nmod"), (".", ".", "PUNCT", 3, "punct")]),
    ("Warga desa itu membangun jembatan baru.",
     [("Warga", "warga", "NOUN", 4, "nsubj"), ("desa", "desa", "NOUN", 1, "compound"), ("itu", "itu", "DET", 1, "det"),
      ("membangun", "bangun", "VERB", 0, "root"), ("jembatan", "jembatan", "NOUN", 4, "obj"),
      ("baru", "baru", "ADJ", 5, "amod"), (".", ".", "PUNCT", 4, "punct")]),
    ("Ia mengatakan bahwa bukunya sudah terbit.",
     [("Ia", "ia", "PRON", 2, "nsubj"), ("mengatakan", "kata", "VERB", 0, "root"), ("bahwa", "bahwa", "SCONJ", 7, "mark"),
      ("buku+nya", "buku+nya", "NOUN+PRON", "7+4", "nsubj+nmod:poss"), ("sudah", "sudah", "ADV", 7, "advmod"),
      ("terbit", "terbit", "VERB", 2, "ccomp"), (".", ".", "PUNCT", 2, "punct")]),
]
NER = [("Presiden Joko Widodo tiba di Jakarta .", "O B-PER I-PER O O B-LOC O"),
       ("Bank Indonesia menaikkan suku bunga .", "B-ORG I-ORG O O O O"),
       ("Warga Surabaya menyambut Ahmad Dhani .", "O B-LOC O B-PER I-PER O"),
       ("KPK memeriksa pejabat Kementerian Agama .", "B-ORG O O B-ORG I-ORG O")]


def conllu(sentences=SENTENCES, offsets: bool = False) -> str:
    """The hand-made sentences as CoNLL-U (`offsets`: Stanza's start_char/end_char in MISC)."""
    out, base = [], 0
    for k, (text, tokens) in enumerate(sentences):
        lines = [f"# sent_id = t{k}", f"# text = {text}"]
        cursor, n = 0, 0
        for form, lemma, upos, head, rel in tokens:
            parts = form.split("+")
            surface = "".join(parts)
            start = text.index(surface, cursor)
            cursor = start + len(surface)
            misc = ("SpaceAfter=No" if cursor < len(text) and text[cursor] != " " else "")
            if offsets:
                misc = "|".join(x for x in (f"start_char={base + start}|end_char={base + cursor}", misc) if x)
            if len(parts) > 1:
                lines.append(f"{n + 1}-{n + len(parts)}\t{surface}\t_\t_\t_\t_\t_\t_\t_\t{misc or '_'}")
                for w, lem, pos, h, r in zip(parts, lemma.split("+"), upos.split("+"), str(head).split("+"),
                                              rel.split("+")):
                    n += 1
                    lines.append(f"{n}\t{w}\t{lem}\t{pos}\t_\t_\t{h}\t{r}\t_\t_")
            else:
                n += 1
                lines.append(f"{n}\t{form}\t{lemma}\t{upos}\t_\t_\t{head}\t{rel}\t_\t{misc or '_'}")
        out.append("\n".join(lines) + "\n")
        base += len(text) + 1
    return "\n".join(out) + "\n"


@pytest.fixture(scope="module")
def tiny_models(tmp_path_factory) -> Path:
    """Stanza models trained on the hand-made sentences (the recipe's own steps, scale 0.001)."""
    data = tmp_path_factory.mktemp("data")
    for folder, name in (("ud-indonesian-csui", "id_csui-ud-train.conllu"), ("ud-indonesian-gsd", "id_gsd-ud-dev.conllu")):
        (data / folder).mkdir()
        (data / folder / name).write_text(conllu(), encoding="utf-8")
    (data / "idner-news-2k").mkdir()
    for split in ("train", "dev"):
        (data / "idner-news-2k" / f"{split}.txt").write_text(
            "\n\n".join("\n".join(f"{w} {t}" for w, t in zip(s.split(), tags.split())) for s, tags in NER) + "\n",
            encoding="utf-8")
    out = tmp_path_factory.mktemp("stanza_models")
    train_stanza(data, out, out / "work", steps=["data", "tokenize", "mwt", "pos", "lemma", "depparse", "ner",
                                                 "ner_seeds", "score"],
                 scale=0.001, seed=1, settings=["ner.seeds=2"])
    return out


def test_ner_is_trained_and_scored_over_seeds(tiny_models):
    from pipeline.train_stanza import SETTINGS, ner_seed_files

    assert ner_seed_files(tiny_models) == {1: tiny_models / "ner.pt", 2: tiny_models / "ner-seed2.pt"}
    scores = json.loads((tiny_models / "training.json").read_text(encoding="utf-8"))["scores"]
    assert set(scores["idner_dev_seeds"]) == {"1", "2"}
    assert all(0.0 <= s["f"] <= 1.0 for s in scores["idner_dev_seeds"].values())
    assert "Mean strict F1 over 2 seeds" in (tiny_models / "CARD.md").read_text(encoding="utf-8")
    assert SETTINGS["ner"]["seeds"] == 3  # the override held for that call only


def stanza_doc(text: str):
    from stanza.utils.conll import CoNLL

    return CoNLL.conll2doc(input_str=conllu(offsets=True))


def test_mwt_tokens_are_surface_tokens_with_the_root_words_analysis():
    import spacy

    text = " ".join(t for t, _ in SENTENCES)
    doc = StanzaTokenizer(spacy.blank("id").vocab, None).to_doc(text, stanza_doc(text))
    assert doc.text == text
    tok = next(t for t in doc if t.text == "Menurutnya")
    # `Menurut` + `nya`: `nya` (obl of dibahas) is the word whose head lies outside the token
    assert (tok.pos_, tok.dep_, tok.head.text, tok.lemma_) == ("PRON", "obl", "dibahas", "nya")
    assert [w.text for w in tok._.words] == ["Menurut", "nya"]
    rumah = next(t for t in doc if t.text == "rumahnya")
    assert (rumah.pos_, rumah.dep_, rumah.head.text, rumah.lemma_) == ("NOUN", "obj", "mengunjungi", "rumah")
    assert [w.upos for w in rumah._.words] == ["NOUN", "PRON"]
    assert [s.text for s in doc.spans["sentences"]] == [t for t, _ in SENTENCES]
    assert all(text[t.idx:t.idx + len(t)] == t.text for t in doc)


def test_conllu_of_the_doc_scores_perfectly_with_the_official_scorer(tmp_path):
    from pipeline.train_stanza import official_ud_scores

    text = " ".join(t for t, _ in SENTENCES)
    doc = StanzaTokenizer(__import__("spacy").blank("id").vocab, None).to_doc(text, stanza_doc(text))
    (tmp_path / "gold.conllu").write_text(conllu(), encoding="utf-8")
    (tmp_path / "sys.conllu").write_text(doc_to_conllu(doc), encoding="utf-8")
    res = official_ud_scores(tmp_path / "gold.conllu", tmp_path / "sys.conllu")
    assert res["Words"].f1 == 1.0 and res["Tokens"].f1 == 1.0
    assert res["UPOS"].f1 == 1.0 and res["LAS"].f1 == 1.0 and res["Lemmas"].f1 == 1.0


def test_missing_models_are_a_clear_error(tmp_path):
    with pytest.raises(ModelError, match=r"tokenize: .*tokenize\.pt"):
        load(stanza_config(tmp_path))


def test_stanza_backend_end_to_end(tiny_models):
    import jsonschema

    annotator = load(stanza_config(tiny_models, ("clean", "tokenize", "tag", "ner", "stem", "relations"), ner="stanza"))
    assert annotator.nlp.meta["warta_backend"] == "stanza"
    text = "Menurutnya, Presiden Joko Widodo akan datang ke Solo besok.\n\nHarganya naik menjadi Rp 10.000."
    rec = annotator({"id": "d1", "text": text})
    schema = json.loads((ROOT / "pipeline" / "schema" / "document.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(rec, schema)
    assert rec["tokens"] and rec["sentences"]
    for tok in rec["tokens"]:
        assert rec["text"][tok["start"]:tok["end"]] == tok["text"]
        assert "pos" in tok and "head" in tok and "dep" in tok and tok["stem"]
    ends = [t["end"] for t in rec["tokens"]]
    assert all(t["start"] >= e for t, e in zip(rec["tokens"][1:], ends))  # ordered, disjoint
    covered = "".join(rec["text"][t["start"]:t["end"]] for t in rec["tokens"])
    assert "".join(covered.split()) == "".join(rec["text"].split())  # every non-space character is in a token
    spacy_rec = load({"pipeline": {"model": None}})({"id": "d1", "text": text})
    assert set(rec) == set(spacy_rec)
    assert {k for t in rec["tokens"] for k in t} >= {k for t in spacy_rec["tokens"] for k in t}


def test_cli_annotate_seeds_with_the_stanza_backend(tiny_models, tmp_path):
    cfg = tmp_path / "stanza.yaml"
    cfg.write_text(f"stanza:\n  dir: {tiny_models}\n", encoding="utf-8")
    out = tmp_path / "seeds.jsonl"
    proc = subprocess.run([sys.executable, "-m", "pipeline.cli", "annotate", str(ROOT / "seeds"), "-o", str(out),
                           "--backend", "stanza", "--config", str(cfg), "-q"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == len(list((ROOT / "seeds").glob("*.txt")))
    assert all(r["tokens"] and r["text"][r["tokens"][0]["start"]:r["tokens"][0]["end"]] == r["tokens"][0]["text"]
               for r in records)
