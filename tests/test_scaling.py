"""Long documents: time linear in length, a per-document time budget, spaCy's limit = max_chars."""
import json
import time
from itertools import islice

import pytest

import pipeline

from .conftest import shared


@pytest.fixture(scope="module")
def long_text():
    path = shared("news-corpus-clickid", "articles.jsonl")
    with open(path, encoding="utf-8") as fh:
        return "\n".join(json.loads(line)["text"] for line in islice(fh, 400))


@pytest.fixture(scope="module")
def rules_only():
    return pipeline.load({"pipeline": {"model": None}, "clean": {"enabled": False}})


def _seconds(annotator, text: str) -> float:
    t = time.perf_counter()
    doc = annotator({"id": "long", "text": text})
    assert doc["tokens"]
    return time.perf_counter() - t


def test_time_is_linear_in_document_length(rules_only, long_text):
    assert len(long_text) > 200_000
    _seconds(rules_only, long_text[-20_000:])  # warm the stemmer's cache on other text
    small = _seconds(rules_only, long_text[:20_000])
    large = _seconds(rules_only, long_text[:200_000])
    # linear: about 10x; the quadratic `doc.text` loops this replaced took 18x (and 120x at 1M chars)
    assert large < 15 * small, f"20k chars {small:.2f}s, 200k chars {large:.2f}s"


def test_a_runaway_document_becomes_an_error_record(long_text):
    annot = pipeline.load({"pipeline": {"model": None, "time_budget": 0.2}, "clean": {"enabled": False}})
    errors: list = []
    docs = list(annot.pipe([{"id": "huge", "text": long_text[:200_000]},
                            {"id": "small", "text": "Presiden Joko Widodo tiba di Bali."}], errors=errors))
    assert [d["id"] for d in docs] == ["small"]
    assert [e.id for e in errors] == ["huge"] and "pipeline.time_budget" in errors[0].reason


def test_spacy_length_limit_follows_max_chars():
    annot = pipeline.load({"pipeline": {"model": None}, "input": {"max_chars": 3_000_000}})
    assert annot.nlp.max_length > 3_000_000
    annot = pipeline.load({"pipeline": {"model": None}, "input": {"max_chars": 50}})
    errors: list = []
    assert list(annot.pipe(["Presiden Joko Widodo tiba di Bali untuk membuka konferensi itu."], errors=errors)) == []
    assert "input.max_chars" in errors[0].reason
