"""A rules-only pipeline (no statistical model) and helpers for the entity modules' tests."""
import pytest

import pipeline


@pytest.fixture(scope="session")
def rules_nlp():
    """Warta's spaCy pipeline without a model, cleaning off: tokens, sentences, rules."""
    return pipeline.load({"pipeline": {"model": None}, "clean": {"enabled": False}}).nlp


@pytest.fixture(scope="session")
def entity_rules(rules_nlp):
    return rules_nlp.get_pipe("warta_entities").rules


def parse(nlp, text):
    """A Doc with tokens and sentences only (before any entity component)."""
    with nlp.select_pipes(enable=["warta_sentencizer"]):
        return nlp(text)


def texts(text, found, label=None):
    return [text[f.start:f.end] for f in found if label is None or f.label == label]
