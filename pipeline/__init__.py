"""Warta: Indonesian news extraction pipeline (clean, tokenize, tag, NER, stem, relations).

`import pipeline` is cheap: spaCy, Sastrawi and the model load on first use
(`pipeline.load()`, `pipeline.annotate(...)`).
"""
from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

from .lean_imports import hide_torch_from_thinc

hide_torch_from_thinc()  # thinc would import PyTorch (180 MiB, 2 s) for layers Warta never uses

_LAZY = {
    "Annotator": "pipeline.runner",
    "annotate": "pipeline.runner",
    "load": "pipeline.runner",
    "read": "pipeline.frames",
    "iter_read": "pipeline.frames",
    "export": "pipeline.frames",
}

__all__ = ["Annotator", "annotate", "load", "read", "iter_read", "export", "show", "__version__"]


def __getattr__(name: str) -> Any:
    if name == "show":  # the submodule is callable: pipeline.show(doc) renders a document
        import importlib

        return importlib.import_module("pipeline.show")
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
