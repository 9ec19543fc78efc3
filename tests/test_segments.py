"""pipeline.segments: the model's batches bounded by a token budget, long documents cut at sentences."""
from __future__ import annotations

import subprocess
import sys

import pytest
from spacy.attrs import DEP, HEAD, LEMMA, POS

from pipeline import segments
from tests.conftest import SEEDS


def seed_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]


def test_sentence_runs_cover_the_document_in_whole_sentences(annotator):
    doc = segments.process(annotator.nlp, [" ".join(seed_texts())], 0)[0]
    runs = segments.sentence_runs(doc, 60)
    assert runs[0][0] == 0 and runs[-1][1] == len(doc)
    assert all(a == b for (_, a), (b, _) in zip(runs, runs[1:]))  # contiguous
    starts = {s.start for s in doc.sents} | {len(doc)}
    for a, b in runs:
        assert b - a <= 60
        # a run ends at a sentence end unless one sentence alone is longer than the budget
        assert b in starts or any(s.start < b < s.end and len(s) > 60 for s in doc.sents)
    assert len(runs) > 3


def test_token_batches_respect_the_budget(annotator):
    docs = [annotator.nlp.make_doc(t) for t in seed_texts()]
    budget = max(len(d) for d in docs)
    batches = list(segments.token_batches(docs, budget))
    assert [d for b in batches for d in b] == docs
    assert all(sum(len(d) for d in b) <= budget for b in batches)
    assert len(batches) > 1


def test_short_documents_are_annotated_exactly_as_by_nlp_pipe(annotator):
    texts = seed_texts()
    bounded = segments.process(annotator.nlp, texts, 8000)
    plain = list(annotator.nlp.pipe(texts))
    for a, b in zip(bounded, plain):
        assert a.to_json() == b.to_json()
        assert [(r.label, r.head.text, r.tail.text) for r in a._.relations] == \
            [(r.label, r.head.text, r.tail.text) for r in b._.relations]


def test_a_document_longer_than_the_budget_is_cut_at_sentences(annotator):
    text = "\n\n".join(seed_texts())
    whole = segments.process(annotator.nlp, [text], 0)[0]
    cut = segments.process(annotator.nlp, [text], 150)[0]
    assert len(whole) > 4 * 150 and cut.text == text
    assert [s.start for s in cut.sents] == [s.start for s in whole.sents]
    a, b = whole.to_array([POS, HEAD, DEP, LEMMA]), cut.to_array([POS, HEAD, DEP, LEMMA])
    # the parse is per sentence; only the CNN's few tokens of context at a cut can differ
    assert (a == b).all(axis=1).mean() > 0.97
    same = {(e.start, e.end, e.label_) for e in whole.ents} & {(e.start, e.end, e.label_) for e in cut.ents}
    assert len(same) >= 0.95 * len(whole.ents) and cut._.relations


def test_batch_tokens_below_100_is_refused():
    import pipeline
    from pipeline.config import ConfigError

    with pytest.raises(ConfigError, match="batch_tokens"):
        pipeline.load({"pipeline": {"batch_tokens": 10}})


def test_importing_warta_keeps_pytorch_out_of_thinc():
    pytest.importorskip("torch")
    probe = ("import pipeline, spacy, thinc.compat as c, sys; "
             "print(c.has_torch, 'torch' in sys.modules); import torch; print(bool(torch.__version__))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False", "True"]  # thinc sees no torch, torch is still importable
    env_out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                             env={**__import__("os").environ, "WARTA_THINC_TORCH": "1"}).stdout.split()
    assert env_out[0] == "True"
