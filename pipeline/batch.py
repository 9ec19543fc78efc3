"""Annotating files: streaming, ordered, resumable, optionally with several worker processes.

`annotate_files()` is what `warta annotate` calls; notebooks can call it too. It reads inputs
with `io.iter_inputs`, annotates through the one record path (`runner.Annotator`), and writes
documents to OUT (JSONL, or gzip when OUT ends in `.gz`) and refused inputs to OUT.errors.jsonl.
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional, Union

from .config import Config
from .io import InputError, InputRecord, ReadOptions, check_outputs, errors_path, iter_inputs, open_writer
from .runner import Annotator, chunks, map_chunks


class ResumeMismatch(ValueError):
    """`--resume` on an output written with another model, version or configuration."""


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


class Progress:
    """A tqdm bar on stderr (documents, words/s; with total and ETA when the number of input
    files is known). Shown only when stderr is a terminal."""

    def __init__(self, enabled: bool, total: Optional[int] = None):
        self.bar = None
        if enabled and sys.stderr.isatty():
            from tqdm.auto import tqdm

            self.bar = tqdm(total=total, unit="doc", desc="warta", file=sys.stderr, dynamic_ncols=True)

    def update(self, summary: RunSummary, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)
            rate = summary.words / max(self.bar.format_dict.get("elapsed") or 1e-9, 1e-9)
            self.bar.set_postfix(errors=summary.errors, words_s=f"{rate:,.0f}", refresh=False)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def first_record(path: Union[str, Path]) -> Optional[dict]:
    """The first complete record of an existing output file (for the resume check)."""
    from .io import read_jsonl

    try:
        return next(iter(read_jsonl(path)), None)
    except (OSError, ValueError, EOFError):
        return None


def check_resume(output: Union[str, Path], info: dict[str, Any]) -> None:
    """Refuse to continue an output written by another model, version or configuration."""
    first = first_record(output) if Path(output).exists() else None
    if not first or "pipeline" not in first:
        return
    theirs = first["pipeline"]
    diffs = [k for k in ("version", "model", "stages", "config") if theirs.get(k) != info.get(k)]
    if diffs:
        detail = ", ".join(f"{k} {theirs.get(k)!r} != {info.get(k)!r}" for k in diffs)
        raise ResumeMismatch(f"{output} was written with another pipeline ({detail}); rerun without "
                             f"--resume to start over, or add --resume-anyway to mix them")


def annotate_files(
    inputs: Iterable[Union[str, Path]],
    output: Union[str, Path],
    annotator_or_config: Union[Annotator, Config],
    workers: int = 1,
    resume: bool = False,
    progress: bool = True,
    warn: Callable[[str], Any] = lambda msg: print(f"warta: warning: {msg}", file=sys.stderr),
    resume_anyway: bool = False,
    stdin_format: str = "jsonl",
) -> RunSummary:
    """Annotate every input document into `output` ('-' = stdout), errors into OUT.errors.jsonl.
    Output order = input order. With `resume`, documents already in the output or error file
    are skipped and a torn last line is repaired."""
    annotator = annotator_or_config if isinstance(annotator_or_config, Annotator) else Annotator(annotator_or_config)
    config = annotator.config
    read_opts = ReadOptions.from_config(config)
    inputs = list(inputs)
    if resume and not resume_anyway and output != "-":
        check_resume(output, annotator.info)
    summary = RunSummary()
    started = time.perf_counter()
    total = None if any(str(i) == "-" or Path(i).is_dir() or str(i).endswith((".jsonl", ".gz"))
                        for i in inputs) else len(inputs)
    bar = Progress(progress, total)
    err_path = errors_path(output)
    inputs = check_outputs(inputs, output, err_path)  # before anything is opened for writing
    with open_writer(output, resume=resume, key_field="source") as out, \
            open_writer(err_path, resume=resume, key_field="key") as errs:
        done = out.done | errs.done

        def report(error: InputError) -> None:
            summary.errors += 1
            warn(error.message())
            errs.write({"key": error.key, **error.to_dict()})  # to stderr as JSON when OUT is stdout

        def pending() -> Iterator[Union[InputRecord, InputError]]:
            own_files = [p for p in (output, err_path) if p not in (None, "-")]
            for item in iter_inputs(inputs, read_opts, exclude=own_files, stdin_format=stdin_format):
                if item.key in done:
                    summary.skipped += 1
                else:
                    yield item

        try:
            for result in map_chunks(annotator, chunks(pending(), config["pipeline"]["batch_size"]), workers,
                                     encode=True):
                for rec in result:
                    if isinstance(rec, InputError):
                        report(rec)
                    else:
                        out.write(rec)
                        summary.documents += 1
                        summary.words += rec.words
                out.flush()
                bar.update(summary, len(result))
        finally:
            bar.close()
    summary.seconds = time.perf_counter() - started
    return summary
