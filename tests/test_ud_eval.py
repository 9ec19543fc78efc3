"""Raw-text UD evaluation: gold spans from `# text`, multiword tokens, and hand-computed F1."""
from pathlib import Path

import pytest

from pipeline.ud_eval import read_ud_documents, score_document, f1_table, score_raw_text, METRICS

CONLLU = """# sent_id = s1
# text = Dia membeli rumahnya di Jakarta.
1\tDia\tdia\tPRON\t_\tNumber=Sing\t2\tnsubj\t_\t_
2\tmembeli\tbeli\tVERB\t_\tVoice=Act\t0\troot\t_\t_
3-4\trumahnya\t_\t_\t_\t_\t_\t_\t_\t_
3\trumah\trumah\tNOUN\t_\t_\t2\tobj\t_\t_
4\tnya\tnya\tPRON\t_\t_\t3\tnmod:poss\t_\t_
5\tdi\tdi\tADP\t_\t_\t6\tcase\t_\t_
6\tJakarta\tJakarta\tPROPN\t_\t_\t2\tobl\t_\tSpaceAfter=No
7\t.\t.\tPUNCT\t_\t_\t2\tpunct\t_\t_

# sent_id = s2
# text = Ia tiba kemarin.
1\tIa\tia\tPRON\t_\t_\t2\tnsubj\t_\t_
2\ttiba\ttiba\tVERB\t_\t_\t0\troot\t_\t_
3\tkemarin\tkemarin\tADV\t_\t_\t2\tadvmod\t_\tSpaceAfter=No
4\t.\t.\tPUNCT\t_\t_\t2\tpunct\t_\t_

"""


@pytest.fixture
def conllu(tmp_path) -> Path:
    path = tmp_path / "mini.conllu"
    path.write_text(CONLLU, encoding="utf-8")
    return path


def test_gold_spans_come_from_the_text(conllu):
    (doc,) = read_ud_documents(conllu)
    assert doc.text == "Dia membeli rumahnya di Jakarta. Ia tiba kemarin."
    assert [doc.text[s:e] for s, e in doc.tokens] == ["Dia", "membeli", "rumahnya", "di", "Jakarta", ".",
                                                       "Ia", "tiba", "kemarin", "."]
    assert doc.sentences == [(0, 32), (33, 49)]
    words = doc.words
    assert [w.in_mwt for w in words[2:4]] == [True, True] and doc.text[words[3].start:words[3].end] == "rumahnya"
    assert words[0].head == 1 and words[1].head == -1 and words[7].head == 8  # offset by the first sentence


def test_hand_computed_scores(conllu):
    (doc,) = read_ud_documents(conllu)
    text = doc.text

    def tok(form, start, pos, head, dep, lemma):
        return {"start": start, "end": start + len(form), "pos": pos, "head": head, "dep": dep, "lemma": lemma}

    # Prediction: `rumahnya` unsplit, `Jakarta.` wrongly one token, one sentence only.
    pred = {"tokens": [tok("Dia", 0, "PRON", 1, "nsubj", "dia"), tok("membeli", 4, "VERB", 1, "ROOT", "beli"),
                       tok("rumahnya", 12, "NOUN", 1, "obj", "rumah"), tok("di", 21, "ADP", 4, "case", "di"),
                       tok("Jakarta.", 24, "PROPN", 1, "obl", "jakarta."), tok("Ia", 33, "PRON", 6, "nsubj", "ia"),
                       tok("tiba", 36, "VERB", 6, "ROOT", "tiba"), tok("kemarin", 41, "ADV", 6, "obl", "kemarin"),
                       tok(".", 48, "PUNCT", 6, "punct", ".")],
            "sentences": [{"start": 0, "end": len(text)}]}
    counts = {m: [0, 0, 0] for m in METRICS}
    score_document(doc, pred, counts)
    # tokens: 9 predicted, 10 gold, 8 match (all but `Jakarta.` vs `Jakarta` + `.`)
    assert counts["tokens"] == [8, 9, 10]
    assert counts["sentences"] == [0, 1, 2]
    # words: 11 gold; aligned: Dia, membeli, di, Ia, tiba, kemarin, . (MWT words never align)
    assert counts["words"] == [7, 9, 11]
    assert counts["upos"][0] == 7
    # `di`'s gold head is Jakarta, which is not aligned, so its attachment is wrong
    assert counts["uas"][0] == 6
    assert counts["las"][0] == 5  # kemarin: obl vs advmod
    assert f1_table(counts)["tokens"] == pytest.approx(2 * 8 / 19, abs=1e-4)


def test_warta_tokenizer_on_raw_text(conllu, blank_annotator):
    scores = score_raw_text(conllu, blank_annotator.pipe)
    assert scores["tokens"] == 1.0  # every surface token, `rumahnya` included
    assert scores["sentences"] == 1.0
    assert scores["words"] == pytest.approx(2 * 9 / (10 + 11), abs=1e-4)  # rumah + nya missed
