"""Named entities: the trained model's PER/ORG/LOC (rules and gazetteers are added in this module)."""
from __future__ import annotations

from typing import Sequence

from .stage import Stage


class NerStage(Stage):
    """Entities over the cleaned text."""

    name = "ner"
    requires = frozenset({"tokens", "sentences"})
    provides = frozenset({"entities"})

    def __init__(self, config, resources):
        super().__init__(config, resources)
        nlp = resources.nlp
        self.ner = nlp.get_pipe("ner") if "ner" in nlp.pipe_names else None

    def process_batch(self, docs: Sequence) -> None:
        sdocs = [d.spacy_doc for d in docs]
        if self.ner is not None:
            sdocs = list(self.ner.pipe(sdocs, batch_size=max(1, len(sdocs))))
        for doc, sdoc in zip(docs, sdocs):
            doc.spacy_doc = sdoc
            doc.entities = [
                {"id": f"e{k}", "start": ent.start_char, "end": ent.end_char, "label": ent.label_,
                 "text": ent.text, "source": "model"}
                for k, ent in enumerate(sdoc.ents)
            ]

    def process(self, doc) -> None:
        self.process_batch([doc])
