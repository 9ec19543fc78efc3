"""The one serializer: a spaCy `Doc` (with its `RecordContext`) -> the JSON object of
ANNOTATION.md section 4. Plain dicts of annotations exist only here."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc

from .components import entity_dicts, entity_offsets, ordered_entities
from .document import RecordContext
from .tokenize import doc_text, sentence_offsets


@dataclass(frozen=True)
class OutputOptions:
    """What goes into each record beyond the contract's fields."""

    keep_raw: bool = False
    keep_lines: bool = False
    pos: bool = False  # the pipeline has a tagger/morphologizer: pos and morph are written
    parser: bool = False  # ... a parser: head and dep are written


def token_dicts(doc: Doc, opts: OutputOptions) -> list[dict[str, Any]]:
    words = [t for t in doc if not t.is_space]
    index = {t.i: k for k, t in enumerate(words)}
    out = []
    for tok in words:
        d: dict[str, Any] = {"start": tok.idx, "end": tok.idx + len(tok.text), "text": tok.text,
                             "stem": tok._.stem, "lemma": tok.lemma_ or None,
                             "pos": (tok.pos_ or None) if opts.pos else None, "is_stop": tok.is_stop}
        if opts.pos:
            morph = str(tok.morph)
            if morph:
                d["morph"] = morph
        if opts.parser:
            d["head"] = index.get(tok.head.i, index[tok.i])
            d["dep"] = tok.dep_
        out.append(d)
    return out


def relation_dicts(doc: Doc, spans: list) -> list[dict[str, Any]]:
    ids = {(entity_offsets(s), s.label_): f"e{k}" for k, s in enumerate(spans)}
    return [{"head": ids[(entity_offsets(r.head), r.head.label_)], "tail": ids[(entity_offsets(r.tail), r.tail.label_)],
             "label": r.label, "rule": r.rule, "evidence": {"start": r.evidence[0], "end": r.evidence[1]}}
            for r in (doc._.relations or [])]


def to_record(doc: Doc, ctx: RecordContext, pipeline_info: dict[str, Any],
              opts: OutputOptions = OutputOptions()) -> dict[str, Any]:
    """The output record of one document."""
    spans = ordered_entities(doc)
    out: dict[str, Any] = {
        "id": ctx.id,
        "source": ctx.source,
        "text": doc_text(doc),
        "meta": ctx.meta,
        "boilerplate": ctx.boilerplate,
        "sentences": sentence_offsets(doc) if len(doc) else [],
        "tokens": token_dicts(doc, opts),
        "entities": entity_dicts(doc, spans),
        "relations": relation_dicts(doc, spans),
        "pipeline": pipeline_info,
    }
    if opts.keep_lines:
        out["lines"] = [{"n": ln.n, "label": ln.label, **({"kind": ln.kind} if ln.kind else {}),
                         **({"confidence": ln.confidence} if ln.confidence is not None else {})}
                        for ln in ctx.lines]
    if opts.keep_raw:
        out["raw"] = ctx.raw
    return out
