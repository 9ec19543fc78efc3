"""`warta evaluate`: metrics on hand-computed cases, every gold format, label mapping,
bootstrap, and cross-checks against seqeval and nervaluate on a real file."""
import json
import subprocess
import sys

import pytest

from pipeline.clean_eval import GoldPage, score_page
from pipeline.evaluate import (
    DocScore, aggregate, bio_to_spans, bootstrap, conlleval_counts, detokenize, evaluate,
    evaluate_frames, fact_key, ner_counts, paired_bootstrap, read_gold, score_document,
)

from .conftest import GOLD, shared


def S(start, end, label):
    return {"start": start, "end": end, "label": label}


def test_detokenize_offsets():
    words = ["Presiden", "(", "SBY", ")", "datang", ",", '"', "Kami", "siap", '"', ",", "katanya", "."]
    text, offsets = detokenize(words)
    assert text == 'Presiden (SBY) datang, "Kami siap", katanya.'
    assert all(text[s:e] == w for w, (s, e) in zip(words, offsets))


def test_bio_to_spans_iob2_and_iob1():
    offsets = [(0, 1), (2, 3), (4, 5), (6, 7)]
    assert bio_to_spans(["B-PER", "I-PER", "O", "B-LOC"], offsets) == [S(0, 3, "PER"), S(6, 7, "LOC")]
    assert bio_to_spans(["I-ORG", "I-ORG", "I-PER", "O"], offsets) == [S(0, 3, "ORG"), S(4, 5, "PER")]


def test_nervaluate_schemes_by_hand():
    gold = [S(0, 10, "PER"), S(20, 25, "LOC"), S(30, 40, "ORG"), S(50, 55, "PER")]
    pred = [S(0, 10, "PER"),   # correct
            S(20, 25, "ORG"),  # right boundary, wrong type
            S(30, 35, "ORG"),  # overlap, right type
            S(60, 65, "LOC")]  # spurious; gold PER 50-55 missed
    c = ner_counts(gold, pred)
    assert (c["strict"].cor, c["strict"].inc, c["strict"].mis, c["strict"].spu) == (1, 2, 1, 1)
    assert (c["exact"].cor, c["exact"].inc) == (2, 1)
    assert (c["partial"].cor, c["partial"].par) == (2, 1)
    assert (c["type"].cor, c["type"].inc) == (2, 1)
    assert c["strict"].prf(False) == pytest.approx((0.25, 0.25, 0.25))
    p, r, f = c["partial"].prf(True)
    assert p == pytest.approx(2.5 / 4) and r == pytest.approx(2.5 / 4)


def test_conlleval_micro_by_hand():
    gold = [S(0, 5, "PER"), S(10, 15, "LOC"), S(20, 25, "ORG")]
    pred = [S(0, 5, "PER"), S(10, 16, "LOC"), S(30, 35, "ORG")]
    ds = DocScore("d", conll=conlleval_counts(gold, pred))
    res = aggregate([ds])["ner"]["conlleval"]
    assert res["micro"]["p"] == pytest.approx(1 / 3) and res["micro"]["r"] == pytest.approx(1 / 3)
    assert res["per_label"]["PER"]["f1"] == 1.0 and res["per_label"]["LOC"]["f1"] == 0.0


def test_relation_facts_are_symmetric_for_bertemu():
    a = {"label": "bertemu", "head": {"text": "Assad", "start": 0, "end": 5},
         "tail": {"text": "Shoigu", "start": 10, "end": 16}}
    b = {"label": "bertemu", "head": a["tail"], "tail": a["head"]}
    assert fact_key(a, "d") == fact_key(b, "d")
    j = dict(a, label="jabatan")
    assert fact_key(j, "d") != fact_key(dict(b, label="jabatan"), "d")


def test_relation_scores_fact_and_span_level():
    from pipeline.evaluate import GoldDoc

    text = "Presiden Suriah Bashar al-Assad menyambut Sergei Shoigu."
    ents = {"e0": {"id": "e0", **S(0, 8, "TITLE"), "text": "Presiden"},
            "e1": {"id": "e1", **S(16, 31, "PER"), "text": "Bashar al-Assad"},
            "e2": {"id": "e2", **S(42, 55, "PER"), "text": "Sergei Shoigu"}}
    gold = GoldDoc("d", text, relations=[{"label": "jabatan", "head": ents["e1"], "tail": ents["e0"]},
                                          {"label": "bertemu", "head": ents["e1"], "tail": ents["e2"]}])
    pred = {"text": text, "entities": list(ents.values()),
            "relations": [{"head": "e2", "tail": "e1", "label": "bertemu"},
                          {"head": "e2", "tail": "e0", "label": "jabatan"}]}
    res = aggregate([score_document(gold, pred, {"relations"}, {}, set())])["relations"]
    assert res["fact"]["per_label"]["bertemu"]["f1"] == 1.0
    assert res["fact"]["per_label"]["jabatan"]["f1"] == 0.0
    assert res["fact"]["micro"]["p"] == 0.5 and res["span"]["micro"]["r"] == 0.5


def test_cleaning_scores_by_hand():
    raw = "Judul berita\nIsi berita panjang sekali di sini.\nBaca juga: lain\nIklan"
    page = GoldPage("p", raw, {0: ("title", None), 1: ("content", None), 2: ("boilerplate", "related"),
                               3: ("boilerplate", "ad")})
    dropped = [(raw.index("Baca"), raw.index("Baca") + 15), (0, 5)]  # line 0 only 5/12 dropped: kept
    s = score_page(page, dropped)
    assert (s.tp, s.fp, s.fn, s.tn) == (2, 1, 0, 1)
    assert s.kind_recall() == {"ad": 0.0, "related": 1.0}


def test_stems_and_syntax_against_conllu(tmp_path):
    conllu = tmp_path / "g.conllu"
    conllu.write_text(
        "1\tMenteri\tmenteri\tNOUN\t_\t_\t2\tnsubj\t_\t_\n"
        "2\tmenyerukan\tseru\tVERB\t_\t_\t0\troot\t_\t_\n"
        "3\tperdamaian\tdamai\tNOUN\t_\t_\t2\tobj\t_\tSpaceAfter=No\n"
        "4\t.\t.\tPUNCT\t_\t_\t2\tpunct\t_\t_\n\n", encoding="utf-8")
    (gold,) = read_gold(conllu)
    assert gold.text == "Menteri menyerukan perdamaian."
    toks = [{"start": t["start"], "end": t["end"], "text": t["text"]} for t in gold.tokens]
    preds = [dict(toks[0], stem="menteri", lemma="menteri", pos="NOUN", head=1, dep="nsubj"),
             dict(toks[1], stem="seru", lemma="menyerukan", pos="VERB", head=1, dep="ROOT"),
             dict(toks[2], stem="damai", lemma="damai", pos="ADJ", head=0, dep="obj"),
             dict(toks[3], stem=".", lemma=".", pos="PUNCT", head=1, dep="punct")]
    res = aggregate([score_document(gold, {"text": gold.text, "tokens": preds}, {"stems", "syntax"}, {}, set())])
    assert res["stems"]["stem_accuracy"] == 1.0 and res["stems"]["lemma_accuracy"] == pytest.approx(2 / 3)
    assert res["syntax"]["upos"] == 0.75 and res["syntax"]["uas"] == 0.75 and res["syntax"]["las"] == 0.75


def test_gold_formats(tmp_path):
    bio = tmp_path / "a.txt"
    bio.write_text("Sergei B-PER\nLavrov I-PER\ndatang O\nke O\nMoskow B-LOC\n\nPBB\tB-ORG\n", encoding="utf-8")
    d1, d2 = read_gold(bio)
    assert d1.text == "Sergei Lavrov datang ke Moskow" and d1.entities == [S(0, 13, "PER"), S(24, 30, "LOC")]
    assert d2.entities == [S(0, 3, "ORG")]
    prodigy = tmp_path / "p.jsonl"
    prodigy.write_text(json.dumps({"text": "Putin di Moskow", "spans": [S(0, 5, "PERSON")]}) + "\n"
                       + json.dumps({"id": "x", "text": "Assad", "label": [[0, 5, "PERSON"]]}) + "\n")
    p1, p2 = read_gold(prodigy)
    assert p1.entities == [S(0, 5, "PERSON")] and p2.id == "x" and p2.entities == [S(0, 5, "PERSON")]
    warta = read_gold(GOLD / "relations" / "relations.gold.jsonl")
    assert len(warta) >= 180 and warta[0].relations and warta[0].entities is None  # relations-only gold


def test_label_mapping_scores_other_datasets(tmp_path, blank_annotator):
    gold = tmp_path / "g.jsonl"
    gold.write_text(json.dumps({"id": "g1", "text": "Presiden datang ke Jakarta kemarin.",
                                "spans": [S(19, 26, "PLACE")]}) + "\n")
    unmapped = evaluate(gold, tasks=["ner"], annotator=blank_annotator, bootstrap_n=0)
    mapped = evaluate(gold, tasks=["ner"], annotator=blank_annotator, bootstrap_n=0, label_map={"PLACE": "LOC"})
    assert unmapped["ner"]["conlleval"]["micro"]["f1"] == 0.0
    assert mapped["ner"]["conlleval"]["micro"]["f1"] == 1.0


def _docscores(f1s):
    out = []
    for i, ok in enumerate(f1s):
        out.append(DocScore(str(i), conll=conlleval_counts([S(0, 1, "PER")], [S(0, 1, "PER")] if ok else [S(2, 3, "PER")])))
    return out


def test_bootstrap_interval_and_paired_test():
    a = _docscores([1] * 18 + [0] * 2)
    b = _docscores([1] * 8 + [0] * 12)
    lo, hi = bootstrap(a, 300)["ner_f1"]
    assert lo <= 0.9 <= hi and hi - lo < 0.4
    cmp = paired_bootstrap(a, b, 300)["ner_f1"]
    assert cmp["delta"] == pytest.approx(0.5) and cmp["p_value"] < 0.01
    same = paired_bootstrap(a, a, 300)["ner_f1"]
    assert same["p_value"] == 1.0


def _real_bio(path, annotator, limit=150):
    """Gold and predicted IOB2 tags on the gold tokens of a real NER file."""
    from pipeline.evaluate import read_conll_bio

    docs = read_conll_bio(path)[:limit]
    preds = list(annotator.pipe([d.text for d in docs]))
    y_true, y_pred = [], []
    for d, p in zip(docs, preds):
        words = d.text.split(" ")
        offsets, pos = [], 0
        for w in words:
            offsets.append((pos, pos + len(w)))
            pos += len(w) + 1
        true = ["O"] * len(offsets)
        predt = ["O"] * len(offsets)
        for spans, tags in ((d.entities, true), ([e for e in p["entities"] if e["label"] in ("PER", "ORG", "LOC")], predt)):
            for e in spans:
                inside = [k for k, (s, t) in enumerate(offsets) if s >= e["start"] and t <= e["end"]]
                for j, k in enumerate(inside):
                    tags[k] = ("B-" if j == 0 else "I-") + e["label"]
        y_true.append(true)
        y_pred.append(predt)
    return y_true, y_pred


def _spans_by_token(tags):
    return bio_to_spans(tags, [(i, i + 1) for i in range(len(tags))])


def test_conlleval_matches_seqeval_on_real_file(annotator):
    seqeval = pytest.importorskip("seqeval.metrics")
    y_true, y_pred = _real_bio(shared("idner-news-2k", "dev.txt"), annotator)
    scores = [DocScore(str(i), conll=conlleval_counts(_spans_by_token(t), _spans_by_token(p)))
              for i, (t, p) in enumerate(zip(y_true, y_pred))]
    ours = aggregate(scores)["ner"]["conlleval"]["micro"]
    assert ours["f1"] == pytest.approx(seqeval.f1_score(y_true, y_pred), abs=1e-9)
    assert ours["p"] == pytest.approx(seqeval.precision_score(y_true, y_pred), abs=1e-9)
    assert ours["f1"] > 0.5


def test_schemes_match_nervaluate_on_real_file(annotator):
    nervaluate = pytest.importorskip("nervaluate")
    y_true, y_pred = _real_bio(shared("idner-news-2k", "dev.txt"), annotator)
    scores = []
    for i, (t, p) in enumerate(zip(y_true, y_pred)):
        counts = ner_counts(_spans_by_token(t), _spans_by_token(p))
        scores.append(DocScore(str(i), ner={"*": counts}))
    ours = aggregate(scores)["ner"]["schemes"]
    theirs = nervaluate.Evaluator(y_true, y_pred, tags=["PER", "ORG", "LOC"], loader="list").evaluate()["overall"]
    for ours_name, their_name in (("strict", "strict"), ("exact", "exact"), ("partial", "partial"), ("type", "ent_type")):
        assert ours[ours_name]["micro"]["f1"] == pytest.approx(theirs[their_name].f1, abs=1e-9), ours_name


def test_frames_and_cli_outputs(tmp_path):
    import pandas as pd

    gold = GOLD / "relations" / "relations.gold.jsonl"
    preds = tmp_path / "pred.jsonl"
    run = subprocess.run([sys.executable, "-m", "pipeline.cli", "annotate", str(gold), "-o", str(preds), "--no-clean", "-q"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    scores, per_label, errors = evaluate_frames(gold, preds, ["relations"], bootstrap_n=50)
    assert isinstance(scores, pd.DataFrame) and "relations_fact_f1" in set(scores.metric)
    assert {"jabatan", "afiliasi", "pernyataan"} <= set(per_label.label)
    out_json, out_md = tmp_path / "r.json", tmp_path / "r.md"
    cli = subprocess.run([sys.executable, "-m", "pipeline.cli", "evaluate", "--gold", str(gold), "--pred", str(preds),
                          "--task", "relations", "--bootstrap", "50", "--errors", "3",
                          "--json", str(out_json), "--markdown", str(out_md)], capture_output=True, text=True)
    assert cli.returncode == 0, cli.stderr
    assert "relations_fact_f1" in cli.stdout
    tables = markdown_tables(out_md.read_text())
    assert [t[0][:2] for t in tables[:2]] == [["metric", "value"], ["relation", "fact P/R/F1"]]
    assert {row[0] for row in tables[1][1:]} >= {"jabatan", "afiliasi", "pernyataan"}
    assert len(json.loads(out_json.read_text())["errors"]) == 3


def markdown_tables(text: str) -> list[list[list[str]]]:
    """Parse GitHub-style Markdown tables; fails on a malformed one (ragged rows, no separator)."""
    import re

    tables = []
    for block in text.split("\n\n"):
        lines = block.strip().splitlines()
        if not lines or not lines[0].startswith("|"):
            continue
        rows = []
        for line in lines:
            assert line.startswith("|") and line.endswith("|"), line
            rows.append([c.strip() for c in line[1:-1].split("|")])
        assert len({len(r) for r in rows}) == 1, f"ragged table: {block}"
        assert all(re.fullmatch(r":?-{3,}:?", c) for c in rows[1]), f"no separator row: {block}"
        tables.append([rows[0]] + rows[2:])
    return tables
