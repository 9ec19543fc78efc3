"""The candidate span every entity finder returns, the candidate marker, and the sentence filter."""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..lang import lexicon

if TYPE_CHECKING:
    from spacy.tokens import Doc

@dataclass(frozen=True)
class Found:
    """A candidate span before merging: character offsets, label, where it came from."""

    start: int
    end: int
    label: str
    source: str
    rule: str = ""


NAME_LABELS = ("PER", "ORG", "LOC")
CANDIDATE = "candidate"  # Found.rule of a name only rules or lists propose: a relation argument, no entity


def is_candidate(f: Found) -> bool:
    """A span the model did not tag that only rules or gazetteers propose (see `merge_entities`)."""
    return f.rule == CANDIDATE


def as_candidate(f: Found) -> Found:
    return Found(f.start, f.end, f.label, f.source, CANDIDATE)


def model_ran(doc: "Doc") -> bool:
    """Did a statistical NER look at this document (so that its O is an opinion)?"""
    return doc.has_annotation("ENT_IOB")


NAME_PARTICLES = frozenset(lexicon()["name_particles"])  # al, bin, van, de, ... (lang/id/lexicon.yaml)


def within_sentences(found: list[Found], sentences: list[dict[str, int]]) -> list[Found]:
    """The spans that lie inside one sentence (no entity crosses a sentence end)."""
    starts = [s["start"] for s in sentences]
    ok = []
    for f in found:
        i = bisect_right(starts, f.start) - 1
        if i >= 0 and f.end <= sentences[i]["end"]:
            ok.append(f)
    return ok
