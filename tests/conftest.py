"""Shared fixtures: one annotator per session, paths to the seeds and the shared data."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLD = ROOT / "tests" / "gold"
SHARED_DATA = Path(os.environ.get("WARTA_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def annotator():
    import pipeline

    return pipeline.load()


@pytest.fixture(scope="session")
def blank_annotator():
    """Tokenizer, rules and lookups only (no statistical model)."""
    import pipeline

    return pipeline.load({"pipeline": {"model": None}})


@pytest.fixture(scope="session")
def seed_docs(annotator):
    return {p.stem: annotator({"id": p.stem, "text": p.read_text(encoding="utf-8")})
            for p in sorted(SEEDS.glob("*.txt"))}


def shared(*parts: str) -> Path:
    """A path under ../shared/data, or skip the test when the data is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data not available: {path}")
    return path


# Warta output of the real pipeline for the notebook-facing tests (frames, show, report)
@pytest.fixture(scope="session")
def seeds_jsonl(annotator):
    from tests.warta_outputs import seeds_output

    return seeds_output(annotator)


@pytest.fixture(scope="session")
def docs(seeds_jsonl):
    from tests.warta_outputs import load_docs

    return load_docs(seeds_jsonl)


@pytest.fixture(scope="session")
def hostile_jsonl(annotator):
    from tests.warta_outputs import hostile_output

    return hostile_output(annotator)
