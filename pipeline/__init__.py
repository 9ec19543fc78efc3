"""Warta: Indonesian news extraction pipeline (clean, tokenize, tag, NER, stem, relations)."""
__version__ = "0.1.0"

from .runner import Annotator, annotate, load  # noqa: E402

__all__ = ["Annotator", "annotate", "load", "__version__"]
