"""Boilerplate cleaning (ANNOTATION.md section 1): `clean_text(raw, options)` labels every line
`title`, `content` or `boilerplate` (with a kind), keeps title + content, lists what was dropped
with raw offsets and moves dates, authors and the head's metadata into `meta`. The trained
line model (`clean_model`, a CRF over `clean_features`) decides where `clean.model` is set,
else the rules (`clean_rules`). spaCy-free; the record path calls it before `nlp.pipe`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from .clean_rules import (BOILERPLATE, CONTENT, TITLE, RuleOptions, classify_lines, cue_kind,  # noqa: F401
                          extract_meta, is_date_line, load_cues, parse_date, split_lines)
from .document import Line


@dataclass(frozen=True)
class CleanOptions(RuleOptions):
    """What the cleaner reads: cue data, the trained line model (None: the rule classifier)
    and the thresholds of the rules."""

    model: Optional[Any] = None  # clean_model.LineModel

    @classmethod
    def from_config(cls, cfg: dict, use_model: bool = True) -> "CleanOptions":
        c = cfg["clean"]
        model = None
        if use_model and c.get("model"):
            from .clean_model import load_model

            model = load_model(c["model"])
        return cls(load_cues(c["cues"]), c["long_line_words"], c["min_sentence_words"],
                   c["link_density_max"], c.get("warn_min_visible_chars", 1000), model)

    def rules_only(self) -> "CleanOptions":
        """The same options without the model (today's rule cleaner, a baseline)."""
        from dataclasses import replace

        return replace(self, model=None)


@dataclass
class CleanResult:
    text: str
    lines: list[Line]
    boilerplate: list[dict[str, Any]]
    meta: dict[str, Any] = field(default_factory=dict)


def clean_text(raw: str, options: CleanOptions,
               hints: Optional[list[dict[str, Any]]] = None) -> CleanResult:
    """Classify the lines of `raw`; keep title and content, list the rest with offsets.
    `hints`: per-line HTML hints from `html.html_to_lines` (`hints[0]` may carry the page's
    head metadata, which fills what the lines do not state). With a model in `options` the
    trained line classifier decides, else the rules."""
    lines = split_lines(raw)
    if options.model is not None:
        options.model.label(lines, options, hints)
    else:
        classify_lines(lines, options, hints)
    kept = [ln.text for ln in lines if ln.label in (TITLE, CONTENT)]
    boilerplate = [
        {"start": ln.start, "end": ln.end, "kind": ln.kind or "other", "text": ln.text}
        for ln in lines if ln.label == BOILERPLATE
    ]
    meta = extract_meta(lines, options)
    if hints:
        page = hints[0].get("page_meta") or {}
        for key in ("title", "date", "author"):
            if page.get(key) and (meta.get(key) is None or key == "date"):
                meta[key] = page[key]  # the head's publication date beats dates seen on the page
        if page.get("site_name") and "publisher" not in meta:
            meta["publisher"] = page["site_name"]
    text = "\n".join(kept)
    visible = sum(len(ln.text) for ln in lines)
    if not text.strip() and visible >= options.warn_min_visible_chars:
        meta["clean_warning"] = (f"cleaned text is empty although the input has {visible} "
                                 "characters of visible text")
    return CleanResult(text, lines, boilerplate, meta)
