"""Relations between entities (pattern-based)."""
from __future__ import annotations

from .stage import Stage


class RelationsStage(Stage):
    name = "relations"
    requires = frozenset({"entities", "sentences"})
    provides = frozenset({"relations"})

    def process(self, doc) -> None:
        doc.relations = []
