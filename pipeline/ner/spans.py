"""The candidate span every entity finder returns, and the sentence filter."""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from ..lang import lexicon

@dataclass(frozen=True)
class Found:
    """A candidate span before merging: character offsets, label, where it came from."""

    start: int
    end: int
    label: str
    source: str
    rule: str = ""


NAME_LABELS = ("PER", "ORG", "LOC")
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
