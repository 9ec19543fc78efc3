"""Annotation file formats, one home for readers that evaluation and training share:
CoNLL-U (UD treebanks), CoNLL-style BIO token files, and rebuilding text from tokens."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator, Sequence

NO_SPACE_BEFORE = set(".,;:!?)]}%”’'") | {"'s", "n't"}
NO_SPACE_AFTER = set("([{“‘$")


def read_conllu_sentences(path: Path) -> Iterator[tuple[str, list[list[str]]]]:
    """(text, rows) per sentence; rows include multiword-token ranges, not empty nodes; the text
    is the `# text` comment (tokens joined by spaces without one)."""
    text, rows = None, []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if rows:
                yield text if text is not None else " ".join(r[1] for r in rows if "-" not in r[0]), rows
            text, rows = None, []
        elif line.startswith("# text = "):
            text = line[len("# text = "):]
        elif not line.startswith("#"):
            cols = line.split("\t")
            if len(cols) == 10 and "." not in cols[0]:
                rows.append(cols)
    if rows:
        yield text if text is not None else " ".join(r[1] for r in rows if "-" not in r[0]), rows


def read_conllu(path: Path) -> Iterator[list[list[str]]]:
    """Sentences as lists of 10-column word rows (multiword-token ranges and empty nodes skipped)."""
    for _, rows in read_conllu_sentences(path):
        words = [r for r in rows if "-" not in r[0]]
        if words:
            yield words


def read_bio(path: Path) -> Iterator[tuple[list[str], list[str]]]:
    """CoNLL-style token files: token first, tag last (O when there is none), blank line or
    `-DOCSTART-` between sentences."""
    words: list[str] = []
    tags: list[str] = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        cols = line.split()
        if not cols or line.startswith("-DOCSTART-"):
            if words:
                yield words, tags
            words, tags = [], []
            continue
        words.append(cols[0])
        tags.append(cols[-1] if len(cols) > 1 else "O")
    if words:
        yield words, tags


def detokenize(words: Sequence[str]) -> tuple[str, list[tuple[int, int]]]:
    """Rebuild text from tokens: a space between tokens, except before closing punctuation
    (`. , ; : ! ? ) ]`) and after opening brackets; straight double quotes alternate open/close."""
    parts: list[str] = []
    offsets = []
    pos = 0
    quote_open = False
    prev = None
    for w in words:
        space = bool(parts)
        if w in NO_SPACE_BEFORE or (w == '"' and quote_open):
            space = False
        if prev is not None and (prev in NO_SPACE_AFTER or (prev == '"' and quote_open and w != '"')):
            space = False
        if w == '"':
            quote_open = not quote_open
        if space:
            parts.append(" ")
            pos += 1
        offsets.append((pos, pos + len(w)))
        parts.append(w)
        pos += len(w)
        prev = w
    return "".join(parts), offsets


def bio_to_spans(tags: Sequence[str], offsets: Sequence[tuple[int, int]]) -> list[dict]:
    """IOB2 (or IOB1) tags -> character spans; an I- after O or another type starts a span."""
    spans, cur = [], None
    for tag, (s, e) in zip(list(tags) + ["O"], list(offsets) + [(0, 0)]):
        kind, _, label = tag.partition("-")
        if kind == "I" and cur and cur["label"] == label:
            cur["end"] = e
            continue
        if cur:
            spans.append(cur)
            cur = None
        if kind in ("B", "I") and label:
            cur = {"start": s, "end": e, "label": label}
    return spans


