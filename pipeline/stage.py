"""What every stage is: a name, what it requires and provides, and a batch call."""
from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Iterable, Sequence

if TYPE_CHECKING:
    from .document import Document
    from .runner import Resources


class Stage:
    """A pipeline stage. Subclasses set `name`, `requires`, `provides` and implement `process`.

    `requires` and `provides` are names of document fields (`raw`, `text`, `tokens`,
    `sentences`, `pos`, `entities`, ...); the runner checks the whole sequence before
    any document is read.
    """

    name: ClassVar[str] = ""
    requires: ClassVar[frozenset[str]] = frozenset()
    provides: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, config: dict, resources: "Resources"):
        self.config = config
        self.resources = resources

    def process(self, doc: "Document") -> None:
        raise NotImplementedError

    def process_batch(self, docs: Sequence["Document"]) -> None:
        """Default: one document at a time. Stages with batched models override this."""
        for doc in docs:
            self.process(doc)

    def describe(self) -> dict:
        return {"name": self.name, "requires": sorted(self.requires), "provides": sorted(self.provides)}


def missing_requirements(stages: Iterable[type[Stage]], initial: Iterable[str] = ("raw",)) -> list[str]:
    """Every requirement not provided by an earlier stage, as messages (empty if none)."""
    provided = set(initial)
    providers: dict[str, str] = {}
    messages = []
    from .runner import STAGES  # all known stages, to say who would provide a field

    for name, cls in STAGES.items():
        for field in cls.provides:
            providers.setdefault(field, name)
    for cls in stages:
        for field in sorted(cls.requires - provided):
            hint = f" (provided by stage '{providers[field]}')" if field in providers else ""
            messages.append(f"stage '{cls.name}' requires '{field}'{hint}, which no earlier stage provides")
        provided |= cls.provides
    return messages
