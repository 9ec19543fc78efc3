"""The one record path: reader -> clean -> the spaCy pipeline (`segments.process`) -> serializer.

`Annotator` serves the CLI (`batch.annotate_files`), `pipeline.annotate`, `pipeline.load().pipe`
and Dask alike: the same `source`, `meta`, HTML handling, `max_chars` check, and per-document
error isolation (a record that cannot be annotated becomes an `InputError`; the stream goes on).
"""
from __future__ import annotations

import logging
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Optional, Union

from . import __version__
from .config import Config, config_digest, load_config
from .document import RecordContext
from .heap import release_free_memory
from .io import EncodedRecord, InputError, InputRecord, ReadOptions, record_from_mapping
from .nlp import POS_COMPONENTS, ModelError, PipelineError, build_nlp, has_components, model_name

log = logging.getLogger("warta")

__all__ = ["Annotator", "annotate", "load", "PipelineError", "ModelError", "DocumentTimeout", "WorkerDied"]

Record = Union[str, Mapping[str, Any], InputRecord]
Result = Union[dict, InputError]


class DocumentTimeout(Exception):
    """A document took longer than `pipeline.time_budget` seconds."""


@contextmanager
def _time_limit(seconds: Optional[float]):
    """Raise DocumentTimeout after `seconds` (main thread with SIGALRM only; else no limit)."""
    usable = seconds and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def expire(signum, frame):
        raise DocumentTimeout(f"took longer than pipeline.time_budget ({seconds:g} s)")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class Annotator:
    """A loaded pipeline: reuse it for many documents with `.pipe()`. `.nlp` is the spaCy
    Language (usable on its own: `annotator.nlp("...")` gives a Doc with every annotation)."""

    def __init__(self, config: Config):
        self.config = config
        self.read_options = ReadOptions.from_config(config)
        self.nlp = build_nlp(config)
        self.cleaning = config["clean"]["enabled"] and "clean" in config["pipeline"]["stages"]
        self.clean_options = None
        if self.cleaning:
            from .clean import CleanOptions

            self.clean_options = CleanOptions.from_config(config)
        from .serialize import OutputOptions

        self.output = OutputOptions(keep_raw=config["output"]["keep_raw"],
                                    keep_lines=config["output"]["keep_lines"],
                                    pos=has_components(self.nlp, POS_COMPONENTS)
                                    or "pos" in self.nlp.meta.get("warta_tokenizer_layers", ()),
                                    parser=has_components(self.nlp, ("parser",))
                                    or "depparse" in self.nlp.meta.get("warta_tokenizer_layers", ()))
        self.stages = [s for s in config["pipeline"]["stages"] if s != "clean" or self.cleaning]
        self.info = {"version": __version__, "model": model_name(self.nlp, config), "stages": self.stages,
                     "config": config_digest(config)}
        self.errors: list[InputError] = []  # refused records of the last `pipe()` call

    # ------------------------------------------------------------------ one document
    def prepare(self, rec: InputRecord) -> tuple[str, RecordContext]:
        """HTML to block lines, cleaning, metadata: the text for spaCy and the record context."""
        raw, hints = rec.text, None
        if rec.html:
            from .html import html_to_lines

            raw, hints = html_to_lines(rec.text)
        if raw.startswith("\ufeff"):
            raw = raw[1:]
        ctx = RecordContext(rec.id, rec.key, raw, dict(rec.meta))
        if not self.cleaning:
            return raw, ctx
        from .clean import clean_text

        result = clean_text(raw, self.clean_options, hints)
        ctx.lines, ctx.boilerplate = result.lines, result.boilerplate
        for key, value in result.meta.items():
            if ctx.meta.get(key) is None:  # fields given with the input win
                ctx.meta[key] = value
        if result.meta.get("clean_warning"):
            log.warning("%s (document %s): %s", rec.key, rec.id, result.meta["clean_warning"])
        return result.text, ctx

    def process(self, texts: list[str]) -> list:
        """`nlp.pipe(texts)` with the model's working memory bounded by `pipeline.batch_tokens`
        (see `pipeline.segments`)."""
        from .segments import process

        return process(self.nlp, texts, self.config["pipeline"]["batch_tokens"])

    def annotate_records(self, records: list[InputRecord]) -> list[Result]:
        """Annotate a batch; a record that fails at any step becomes an InputError, the rest go on.
        The batch runs in a spaCy memory zone: the strings and lexemes its documents added to the
        vocabulary are freed afterwards, so memory stays flat over millions of documents (the
        results are plain dicts; no `Doc` outlives the zone). With `pipeline.release_memory`
        the memory freed by the batch then goes back to the system (`pipeline.heap`)."""
        try:
            with self.nlp.memory_zone():
                return self._annotate_records(records)
        finally:
            if self.config["pipeline"]["release_memory"]:
                release_free_memory()

    def _annotate_records(self, records: list[InputRecord]) -> list[Result]:
        from .serialize import to_record

        results: list[Optional[Result]] = [None] * len(records)
        prepared: list[tuple[int, tuple[str, RecordContext]]] = []
        for i, rec in enumerate(records):
            try:
                prepared.append((i, self.prepare(rec)))
            except Exception as exc:  # noqa: BLE001 - isolate the record
                results[i] = InputError.for_record(rec, f"cleaning failed: {type(exc).__name__}: {exc}")
        budget = self.config["pipeline"]["time_budget"]
        try:
            with _time_limit(budget * len(prepared) if budget else None):
                docs = list(zip(self.process([p[1][0] for p in prepared]), [p[1][1] for p in prepared]))
        except Exception:  # noqa: BLE001 - find the failing record(s) one by one
            docs = []
            for i, (text, ctx) in prepared:
                try:
                    with _time_limit(budget):
                        docs.append((self.process([text])[0], ctx))
                except Exception as exc:  # noqa: BLE001
                    results[i] = InputError.for_record(records[i], f"annotation failed: {type(exc).__name__}: {exc}")
                    docs.append(None)
        for (i, _), done in zip(prepared, docs):
            if done is None:
                continue
            try:
                results[i] = to_record(done[0], done[1], self.info, self.output)
            except Exception as exc:  # noqa: BLE001
                results[i] = InputError.for_record(records[i], f"writing failed: {type(exc).__name__}: {exc}")
        return results  # type: ignore[return-value]

    # ------------------------------------------------------------------ streams
    def to_item(self, record: Record, index: int, source: Optional[str] = None,
                default_id: Optional[str] = None) -> Union[InputRecord, InputError]:
        """A text, a dict (id/text fields, others into meta) or an InputRecord -> InputRecord.
        `source` defaults to the position (`api:N`), the id of a record without one to `docN`."""
        key = source if source is not None else f"api:{index + 1}"
        doc_id = default_id or f"doc{index}"
        if isinstance(record, InputRecord):
            return record
        if isinstance(record, str):
            record = {self.read_options.id_field: doc_id, self.read_options.text_field: record}
        if not isinstance(record, Mapping):
            return InputError(key, key, None, None, f"record is a {type(record).__name__}, not a text or a mapping")
        return record_from_mapping(dict(record), key, key, None, self.read_options, doc_id)

    def pipe(self, records: Iterable[Any], batch_size: Optional[int] = None, n_process: int = 1,
             as_tuples: bool = False, errors: Optional[list] = None) -> Iterator[dict[str, Any]]:
        """Annotate texts, records or InputRecords; yields output dicts in input order.
        With `as_tuples`, items are `(record, source)` pairs (like spaCy's `as_tuples`).
        Refused records are appended to `errors` (default: `self.errors`) and logged."""
        sink = self.errors if errors is None else errors
        if errors is None:
            self.errors.clear()

        def items() -> Iterator[Union[InputRecord, InputError]]:
            for i, r in enumerate(records):
                yield self.to_item(*((r[0], i, r[1]) if as_tuples else (r, i)))

        for result in map_chunks(self, chunks(items(), batch_size or self.config["pipeline"]["batch_size"]),
                                 n_process):
            for rec in result:
                if isinstance(rec, InputError):
                    sink.append(rec)
                    log.warning("%s", rec.message())
                else:
                    yield rec

    def __call__(self, record: Record) -> dict[str, Any]:
        """One document; a refused record raises ValueError with the reason."""
        errors: list[InputError] = []
        out = list(self.pipe([record], errors=errors))
        if errors:
            raise ValueError(errors[0].message())
        return out[0]


def chunks(items: Iterable, size: int) -> Iterator[list]:
    it = iter(items)
    while True:
        chunk = list(islice(it, size))
        if not chunk:
            return
        yield chunk


def annotate_chunk(annotator: Annotator, chunk: list[Union[InputRecord, InputError]]) -> list[Result]:
    """Results of one chunk in order; read errors pass through."""
    records = [r for r in chunk if isinstance(r, InputRecord)]
    done = iter(annotator.annotate_records(records) if records else [])
    return [item if isinstance(item, InputError) else next(done) for item in chunk]


_WORKER: Optional[Annotator] = None


def _encoded(results: list[Result]) -> list[Union[EncodedRecord, InputError]]:
    return [r if isinstance(r, InputError) else EncodedRecord.of(r) for r in results]


def _work(chunk: list, encode: bool) -> list:
    assert _WORKER is not None
    results = annotate_chunk(_WORKER, chunk)
    return _encoded(results) if encode else results


def map_chunks(annotator: Annotator, chunk_iter: Iterable[list], n_process: int = 1,
               encode: bool = False) -> Iterator[list]:
    """Results per chunk, in order; with n_process > 1, forked workers share the loaded pipeline
    (copy-on-write: nothing is loaded twice). With `encode`, records come as `EncodedRecord`s
    (their JSON lines written by the worker, so the parent only copies bytes to the output)."""
    if n_process <= 1 or sys.platform == "win32":
        for chunk in chunk_iter:
            results = annotate_chunk(annotator, chunk)
            yield _encoded(results) if encode else results
        return
    global _WORKER
    _WORKER = annotator
    pool = ProcessPoolExecutor(n_process, mp_context=mp.get_context("fork"), initializer=_exit_with_parent)
    pending: deque = deque()  # at most two chunks per worker in flight: input is read as needed
    try:
        for chunk in chunk_iter:
            pending.append(pool.submit(_work, chunk, encode))
            if len(pending) >= 2 * n_process:
                yield _result(pending.popleft())
        while pending:
            yield _result(pending.popleft())
    finally:
        for future in pending:
            future.cancel()
        for proc in list(getattr(pool, "_processes", {}).values()):  # stop work in flight at once
            proc.terminate()
        pool.shutdown(wait=True, cancel_futures=True)
        _WORKER = None


def _exit_with_parent() -> None:
    """In a worker: end when the main process is gone (kill -9), instead of idling forever."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="warta-parent-watch").start()


class WorkerDied(RuntimeError):
    """A worker process ended abruptly (killed, out of memory); what was written stays valid."""


def _result(future):
    try:
        return future.result()
    except BrokenProcessPool:
        raise WorkerDied("a worker process died (killed, or out of memory?); every document written so "
                         "far is complete: rerun with --resume to annotate the rest") from None


def load(config: Union[None, str, Path, Mapping[str, Any]] = None, **overrides: Any) -> Annotator:
    """A reusable annotator. `config` is a YAML path or a (partial) dict merged over config.yaml;
    keyword overrides are sections, e.g. `load(clean={"enabled": False})`."""
    return Annotator(load_config(config, overrides or None))


def annotate(records: Iterable[Record], config: Union[None, str, Path, Mapping[str, Any]] = None,
             n_process: int = 1) -> Iterator[dict[str, Any]]:
    """Annotate texts or records with a fresh pipeline; yields output dicts in input order."""
    return load(config).pipe(records, n_process=n_process)
