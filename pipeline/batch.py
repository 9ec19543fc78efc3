"""Annotating files: streaming, ordered, resumable, optionally with several worker processes.

`annotate_files()` is what `warta annotate` calls; notebooks can call it too.
"""
from __future__ import annotations

import multiprocessing as mp
import sys
import time
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional, Union

from .config import Config
from .document import Document
from .html import html_to_lines
from .io import (InputError, InputRecord, JsonlWriter, ReadOptions, StderrJsonlWriter, check_outputs,
                 errors_path, iter_inputs)
from .runner import Annotator

_WORKER: Optional[Annotator] = None


@dataclass
class RunSummary:
    documents: int = 0
    errors: int = 0
    skipped: int = 0
    words: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.errors == 0


def record_to_document(rec: InputRecord, config: Config) -> Document:
    """An input record as a Document; HTML is turned into block lines first."""
    raw, hints = rec.text, None
    if rec.html:
        raw, hints = html_to_lines(rec.text)
    return Document(id=rec.id, raw=raw, source=rec.key, meta=dict(rec.meta), html_hints=hints)


def annotate_records(annotator: Annotator, records: list[InputRecord]) -> list[Union[dict, InputError]]:
    """Annotate a chunk; a document that makes a stage fail becomes an error, the rest go on."""
    try:
        docs = [record_to_document(r, annotator.config) for r in records]
        return [annotator.to_dict(d) for d in annotator.annotate_documents(docs)]
    except Exception:  # isolate the failing document(s)
        if len(records) == 1:
            rec = records[0]
            exc_type, exc, _ = sys.exc_info()
            return [InputError.for_record(rec, f"annotation failed: {exc_type.__name__}: {exc}")]
        out: list[Union[dict, InputError]] = []
        for rec in records:
            out.extend(annotate_records(annotator, [rec]))
        return out


def _init_worker(config: Config) -> None:
    global _WORKER
    _WORKER = Annotator(config)


def _work(records: list[InputRecord]) -> list[Union[dict, InputError]]:
    assert _WORKER is not None
    return annotate_records(_WORKER, records)


def _chunks(items: Iterator[InputRecord], size: int) -> Iterator[list[InputRecord]]:
    while True:
        chunk = list(islice(items, size))
        if not chunk:
            return
        yield chunk


class Progress:
    """A one-line progress display on stderr (only when stderr is a terminal)."""

    def __init__(self, enabled: bool):
        self.enabled = enabled and sys.stderr.isatty()
        self.start = time.perf_counter()
        self.last = 0.0

    def update(self, summary: RunSummary, final: bool = False) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        if not final and now - self.last < 0.5:
            return
        self.last = now
        rate = summary.words / max(now - self.start, 1e-9)
        sys.stderr.write(f"\rwarta: {summary.documents} documents, {summary.errors} errors, "
                         f"{rate:,.0f} words/s" + ("\n" if final else ""))
        sys.stderr.flush()


def annotate_files(
    inputs: Iterable[Union[str, Path]],
    output: Union[str, Path],
    annotator_or_config: Union[Annotator, Config],
    workers: int = 1,
    resume: bool = False,
    progress: bool = True,
    warn: Callable[[str], Any] = lambda msg: print(f"warta: warning: {msg}", file=sys.stderr),
) -> RunSummary:
    """Annotate every input document into `output` (JSONL, '-' = stdout), errors into
    OUT.errors.jsonl. Output order = input order. With `resume`, documents already in the
    output or error file are skipped and a torn last line is repaired."""
    annotator = annotator_or_config if isinstance(annotator_or_config, Annotator) else None
    config = annotator.config if annotator else annotator_or_config
    read_opts = ReadOptions.from_config(config)
    summary = RunSummary()
    started = time.perf_counter()
    bar = Progress(progress)
    err_path = errors_path(output)
    inputs = check_outputs(inputs, output, err_path)
    with JsonlWriter(output, resume=resume, key_field="source") as out, \
            JsonlWriter(err_path, resume=resume, key_field="key") if err_path else StderrJsonlWriter() as errs:
        done = out.done | errs.done

        def report(error: InputError) -> None:
            summary.errors += 1
            warn(error.message())
            errs.write({"key": error.key, **error.to_dict()})

        def pending() -> Iterator[InputRecord]:
            own_files = [p for p in (output, err_path) if p not in (None, "-")]
            for item in iter_inputs(inputs, read_opts, exclude=own_files):
                if item.key in done:
                    summary.skipped += 1
                elif isinstance(item, InputError):
                    report(item)
                else:
                    yield item

        chunks = _chunks(pending(), config["pipeline"]["batch_size"])
        if workers > 1:
            ctx = mp.get_context("fork" if sys.platform != "win32" else "spawn")
            pool = ctx.Pool(workers, initializer=_init_worker, initargs=(config,))
            results: Iterable[list] = pool.imap(_work, chunks)
        else:
            pool = None
            annotator = annotator or Annotator(config)
            results = (annotate_records(annotator, c) for c in chunks)
        try:
            for result in results:
                for rec in result:
                    if isinstance(rec, InputError):
                        report(rec)
                    else:
                        out.write(rec)
                        summary.documents += 1
                        summary.words += len(rec["tokens"]) or len(rec["text"].split())
                bar.update(summary)
        finally:
            if pool is not None:
                pool.terminate()
                pool.join()
    summary.seconds = time.perf_counter() - started
    bar.update(summary, final=True)
    return summary


class _NullWriter:
    done: set[str] = set()

    def write(self, record: dict) -> None:
        """Errors were already reported on stderr by the warning."""

    def __enter__(self) -> "_NullWriter":
        return self

    def __exit__(self, *exc) -> None:
        pass
