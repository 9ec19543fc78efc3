"""What a document is besides its spaCy `Doc`: the cleaner's lines and the record context.

The `Doc` is the one representation from tokenization to output; `serialize.to_record`
writes it (with its `RecordContext`) as the JSON object of ANNOTATION.md section 4.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Optional

Span = dict[str, Any]

# Paragraphs joined by commas into one line, as CLICK-ID stores every article
# (`...tersebut.,"Kami ...`, `... imbuhnya.,Kelompok ...`, `... suka.,#GrowFearless ...`): a sentence
# end, an optional closing quote (group 1), the joining commas (group 2), then a new paragraph's
# capital, digit, quote or hashtag that is not an initial (`S.I.K.,M.H` is one name's degrees).
PARAGRAPH_JOIN = re.compile(r'(?<=[.!?])((?:["”\')]|‚Äù|‚Äô)?)[ \t\u00a0]*(,+)'
                            r'(?=\s*(?:["“#(]|‚Äú)?[A-Z0-9](?![A-Z]?\.))')


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
class RecordContext:
    """What a document carries beside its spaCy `Doc`: identity, input fields and the cleaner's
    verdicts (passed with the text through `nlp.pipe(..., as_tuples=True)`)."""

    id: str
    source: str
    raw: str
    meta: dict[str, Any] = field(default_factory=dict)
    lines: list[Line] = field(default_factory=list)
    boilerplate: list[Span] = field(default_factory=list)
