"""Annotating with Dask when one machine or process is not enough.

    import dask.bag as db
    from pipeline.dask import annotate_bag
    bag = db.read_text("dump/*.jsonl").map(json.loads)
    annotate_bag(bag).map(json.dumps).to_textfiles("out/*.jsonl")

Each worker process loads the pipeline once (cached per configuration) and annotates whole
partitions, so the model is not shipped with every record.
"""
from __future__ import annotations

import json
from functools import lru_cache
from typing import Any, Iterable, Mapping, Optional

from .runner import Annotator, load


@lru_cache(maxsize=4)
def _annotator(config_json: str) -> Annotator:
    config = json.loads(config_json)
    return load(config or None)


def annotate_partition(records: Iterable[Any], config: Optional[Mapping[str, Any]] = None) -> list[dict]:
    """Annotate one partition (texts or records) with this process's cached pipeline."""
    annotator = _annotator(json.dumps(config or {}, sort_keys=True))
    return list(annotator.pipe(records))


def annotate_bag(bag, config: Optional[Mapping[str, Any]] = None):
    """A dask Bag of texts or records -> a Bag of annotated documents (same order)."""
    return bag.map_partitions(annotate_partition, config=dict(config) if config else None)
