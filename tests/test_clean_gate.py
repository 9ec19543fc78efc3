"""Evaluation gate of the cleaner's line model: its site-held-out scores stay above the floors
pinned in `models/cleaner/floors.json` (like trafilatura's evaluation gate).

The card check reads `metrics.json` of the shipped model (and that it belongs to the shipped
file); the full check re-runs the leave-one-site-out cross-validation of `warta train-cleaner`
on the dev sets (a few minutes on 2 cores) and skips without the shared data.
"""
import hashlib
import json
import tempfile
from pathlib import Path

import pytest

from .conftest import ROOT, SHARED_DATA, shared

MODEL_DIR = ROOT / "models" / "cleaner"
FLOORS = json.loads((MODEL_DIR / "floors.json").read_text(encoding="utf-8"))


def _check(scores: dict, where: str) -> None:
    low = [f"{fmt} {key} {scores[fmt][key]:.3f} < {floor}" for fmt, floors in FLOORS["loso_warta"].items()
           for key, floor in floors.items() if scores[fmt][key] < floor]
    assert not low, f"{where}: below the pinned floors: {low}"


def test_shipped_card_meets_the_floors():
    metrics = json.loads((MODEL_DIR / "metrics.json").read_text(encoding="utf-8"))
    sha = hashlib.sha256((MODEL_DIR / "cleaner.crfsuite").read_bytes()).hexdigest()
    assert metrics["model_sha256"] == sha, "metrics.json is not the shipped model's: rerun warta train-cleaner"
    assert metrics["seeds_f1"] == 1.0
    _check(metrics["loso"]["warta"], "metrics.json")


@pytest.mark.slow
def test_site_held_out_scores_meet_the_floors():
    shared("boilerplate-html-dev")
    shared("boilerplate-dev")
    from pipeline.clean import CleanOptions
    from pipeline.config import load_config
    from pipeline.train_cleaner import cross_validate, load_augment_articles, load_pages

    options = CleanOptions.from_config(load_config(), use_model=False)
    pages = load_pages(Path(SHARED_DATA))
    articles = load_augment_articles(Path(SHARED_DATA))  # the synthetic pages, as the shipped model
    with tempfile.TemporaryDirectory() as tmp:
        results = cross_validate(pages, options, Path(tmp), baselines=False, jobs=2, articles=articles)
    _check({fmt: fs.as_dict() for fmt, fs in results["warta"].items()}, "cross-validation")
