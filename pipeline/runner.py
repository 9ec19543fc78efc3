"""The runner: builds the declared stage sequence, checks it, and streams documents through it."""
from __future__ import annotations

import logging
from functools import cached_property
from itertools import islice
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Optional, Union

from . import __version__
from .clean import CleanStage
from .config import Config, load_config
from .document import Document
from .ner import NerStage
from .relations import RelationsStage
from .stage import Stage, missing_requirements
from .stem import StemStage, Stemmer
from .tag import TagStage
from .tokenize import TokenizeStage, make_nlp

log = logging.getLogger("warta")

STAGES: dict[str, type[Stage]] = {
    cls.name: cls
    for cls in (CleanStage, TokenizeStage, TagStage, NerStage, StemStage, RelationsStage)
}


class PipelineError(ValueError):
    """The stage sequence cannot run (every problem listed in the message)."""


class Resources:
    """Heavy objects shared by stages, loaded once per process on first use."""

    def __init__(self, config: Config):
        self.config = config

    @cached_property
    def model_path(self) -> Optional[str]:
        path = self.config["pipeline"]["model"]
        if path and Path(path).is_dir():
            return path
        if path:
            log.warning("model %s not found: running tokenizer, lookup lemmas and rules only", path)
        return None

    @cached_property
    def nlp(self):
        return make_nlp(self.config["tokenize"]["abbreviations"], self.model_path)

    @cached_property
    def model_name(self) -> str:
        if self.model_path is None:
            return "blank:id"
        meta = self.nlp.meta
        return f"{meta.get('lang', 'id')}_{meta.get('name', 'model')}-{meta.get('version', '0')}"

    @cached_property
    def stemmer(self) -> Stemmer:
        cfg = self.config["stem"]
        return Stemmer(cfg["exceptions"], cache_size=cfg["cache_size"])


def build_stages(config: Config, resources: Resources) -> list[Stage]:
    names = list(config["pipeline"]["stages"])
    if not config["clean"]["enabled"] and "clean" in names:
        names.remove("clean")
    classes = [STAGES[n] for n in names]
    initial = {"raw"} if "clean" in names else {"raw", "text"}
    problems = missing_requirements(classes, initial)
    if problems:
        raise PipelineError("cannot run this stage sequence:\n  " + "\n  ".join(problems))
    return [cls(config, resources) for cls in classes]


Record = Union[str, Mapping[str, Any], Document]


def to_document(record: Record, index: int, config: Config) -> Document:
    """A plain string, a dict with id/text fields, or a Document -> Document."""
    if isinstance(record, Document):
        return record
    if isinstance(record, str):
        return Document(id=f"doc{index}", raw=record)
    id_field = config["input"]["id_field"]
    text_field = config["input"]["text_field"]
    if text_field not in record or not isinstance(record[text_field], str):
        raise ValueError(f"record has no string field '{text_field}'")
    meta = {k: v for k, v in record.items() if k not in (id_field, text_field, "source", "meta")}
    meta.update(record.get("meta") or {})
    return Document(
        id=str(record.get(id_field, f"doc{index}")),
        raw=record[text_field],
        source=str(record.get("source", "")),
        meta=meta,
    )


class Annotator:
    """A loaded pipeline: reuse it for many documents with `.pipe()`."""

    def __init__(self, config: Config):
        self.config = config
        self.resources = Resources(config)
        self.stages = build_stages(config, self.resources)

    @property
    def info(self) -> dict[str, Any]:
        return {
            "version": __version__,
            "model": self.resources.model_name,
            "stages": [s.name for s in self.stages],
        }

    def annotate_documents(self, docs: list[Document]) -> list[Document]:
        """Run every stage over a batch of documents, in place."""
        if not self.stages or self.stages[0].name != "clean":
            for d in docs:
                if d.text is None:
                    d.text = d.raw
        for stage in self.stages:
            stage.process_batch(docs)
        return docs

    def to_dict(self, doc: Document) -> dict[str, Any]:
        out = self.config["output"]
        return doc.to_dict(self.info, keep_raw=out["keep_raw"], keep_lines=out["keep_lines"])

    def pipe(self, records: Iterable[Record]) -> Iterator[dict[str, Any]]:
        """Annotate a stream of texts, records or Documents; yields output dicts in order."""
        batch_size = self.config["pipeline"]["batch_size"]
        numbered = enumerate(records)
        while True:
            chunk = list(islice(numbered, batch_size))
            if not chunk:
                return
            docs = [to_document(r, i, self.config) for i, r in chunk]
            for doc in self.annotate_documents(docs):
                yield self.to_dict(doc)

    def __call__(self, record: Record) -> dict[str, Any]:
        return next(self.pipe([record]))


def load(config: Union[None, str, Path, Mapping[str, Any]] = None, **overrides: Any) -> Annotator:
    """A reusable annotator. `config` is a YAML path or a (partial) dict merged over config.yaml;
    keyword overrides are sections, e.g. `load(clean={"enabled": False})`."""
    return Annotator(load_config(config, overrides or None))


def annotate(records: Iterable[Record], config: Union[None, str, Path, Mapping[str, Any]] = None
             ) -> Iterator[dict[str, Any]]:
    """Annotate texts or records with a fresh pipeline; yields output dicts in input order."""
    return load(config).pipe(records)
