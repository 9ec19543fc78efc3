"""The record path step by step, timed: shared by `bench/throughput.py` (wall clock) and
`bench/stages.py` (CPU clock, also against a reference checkout: it imports whatever `pipeline`
is importable, so this file must not depend on anything newer than the runner's API)."""
from __future__ import annotations

from typing import Any, Callable


def step_times(annot: Any, records: list[dict], clock: Callable[[], float],
               batch: int = 32) -> tuple[dict[str, float], int]:
    """Seconds by `clock` in each step (cleaning, tokenizer, each spaCy component, serializing
    to a JSON line) over `records`, and the number of tokens written."""
    from pipeline.io import json_line
    from pipeline.serialize import to_record

    nlp = annot.nlp
    times = {"clean": 0.0, "tokenizer": 0.0, **{name: 0.0 for name in nlp.pipe_names}, "serialize": 0.0}
    words = 0
    for i in range(0, len(records), batch):
        items = [annot.to_item(r, i + k) for k, r in enumerate(records[i:i + batch])]
        t = clock()
        prepared = [annot.prepare(r) for r in items if hasattr(r, "text")]
        times["clean"] += clock() - t
        t = clock()
        docs = [nlp.make_doc(text) for text, _ in prepared]
        times["tokenizer"] += clock() - t
        for name, proc in nlp.pipeline:
            t = clock()
            docs = list(proc.pipe(docs, batch_size=batch)) if hasattr(proc, "pipe") else [proc(d) for d in docs]
            times[name] += clock() - t
        t = clock()
        for doc, (_, ctx) in zip(docs, prepared):
            record = to_record(doc, ctx, annot.info, annot.output)
            json_line(record)
            words += len(record["tokens"])
        times["serialize"] += clock() - t
    return times, words
