"""The one document model every stage reads and writes.

A `Document` starts with the raw input text and collects what each stage adds.
`to_dict()` produces exactly the JSON object of ANNOTATION.md section 4.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

Span = dict[str, Any]


@dataclass
class Line:
    """One non-empty raw input line and the cleaner's verdict on it."""

    n: int  # 0-based index into raw.splitlines()
    start: int  # offsets into the raw input
    end: int
    text: str
    label: str = "content"  # title | content | boilerplate
    kind: Optional[str] = None  # boilerplate kind
    reason: Optional[str] = None  # which cue decided
    confidence: Optional[float] = None  # the cleaner model's probability of `label`/`kind`


@dataclass
class Document:
    """A news document moving through the pipeline."""

    id: str
    raw: str
    source: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    text: Optional[str] = None
    lines: list[Line] = field(default_factory=list)
    boilerplate: list[Span] = field(default_factory=list)
    sentences: list[Span] = field(default_factory=list)
    tokens: list[Span] = field(default_factory=list)
    entities: list[Span] = field(default_factory=list)
    relations: list[Span] = field(default_factory=list)
    spacy_doc: Any = None  # the spaCy Doc over `text`, shared by token-level stages
    html_hints: Optional[list[dict[str, Any]]] = None  # per raw line, when the input was HTML

    def to_dict(self, pipeline_info: dict[str, Any], keep_raw: bool = False,
                keep_lines: bool = False) -> dict[str, Any]:
        """The output record (ANNOTATION.md section 4)."""
        out: dict[str, Any] = {
            "id": self.id,
            "source": self.source,
            "text": self.text if self.text is not None else self.raw,
            "meta": self.meta,
            "boilerplate": self.boilerplate,
            "sentences": self.sentences,
            "tokens": self.tokens,
            "entities": self.entities,
            "relations": self.relations,
            "pipeline": pipeline_info,
        }
        if keep_lines:
            out["lines"] = [
                {"n": ln.n, "label": ln.label, **({"kind": ln.kind} if ln.kind else {}),
                 **({"confidence": ln.confidence} if ln.confidence is not None else {})}
                for ln in self.lines
            ]
        if keep_raw:
            out["raw"] = self.raw
        return out
