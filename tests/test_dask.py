"""Dask integration: a bag of real seed records annotated partition by partition."""
import pytest

from .conftest import SEEDS


def test_annotate_bag_matches_the_plain_pipeline(blank_annotator):
    db = pytest.importorskip("dask.bag")
    from pipeline.dask import annotate_bag

    records = [{"id": p.stem, "text": p.read_text(encoding="utf-8")} for p in sorted(SEEDS.glob("*.txt"))]
    bag = db.from_sequence(records, npartitions=2)
    out = annotate_bag(bag, {"pipeline": {"model": None}}).compute(scheduler="synchronous")
    assert [d["id"] for d in out] == [r["id"] for r in records]
    expected = list(blank_annotator.pipe(records))
    assert [d["tokens"] for d in out] == [d["tokens"] for d in expected]
