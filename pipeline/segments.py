"""Run a spaCy pipeline with the statistical model's memory bounded by a token budget.

The trained components (tok2vec, tagger, parser, NER) hold about 12 KB of working memory per
token of the batch they run on, so `nlp.pipe` over 32 documents, or over one 400k-character
document, needs as much memory as its longest input. `process` runs the components in three
groups: the rule components before the model on whole documents (tokenizer, sentence splitter),
the model's span of components on batches of at most `max_tokens` tokens, where a longer document
is cut into runs of whole sentences (each run annotated as its own `Doc`, the annotations copied
back), and the components after the model on whole documents again. Sentences are set before the
model and the parser keeps them, so cutting at sentence ends changes the parse of no sentence;
the NER's convolution window (a few tokens) may see less context at a cut.
"""
from __future__ import annotations

from typing import Iterable, Iterator, Sequence

import numpy
from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, LEMMA, MORPH, POS, TAG
from spacy.pipeline import TrainablePipe
from spacy.tokens import Doc

#: token attributes the model's components (and `warta_lemmas` between them) write
MODEL_ATTRS = [POS, TAG, MORPH, LEMMA, HEAD, DEP, ENT_IOB, ENT_TYPE]


def model_span(pipeline: Sequence[tuple[str, object]]) -> tuple[int, int]:
    """(first, end) indices of the components from the first to the last trained one
    (spaCy `TrainablePipe`s); (0, 0) when the pipeline has none."""
    trained = [i for i, (_, proc) in enumerate(pipeline) if isinstance(proc, TrainablePipe)]
    return (trained[0], trained[-1] + 1) if trained else (0, 0)


def sentence_runs(doc: Doc, max_tokens: int) -> list[tuple[int, int]]:
    """Token ranges of consecutive whole sentences, each at most `max_tokens` long (a longer
    sentence is a run of its own, cut at `max_tokens`)."""
    runs: list[tuple[int, int]] = []
    start = end = 0
    for sent in doc.sents:
        if sent.end - start > max_tokens and end > start:
            runs.append((start, end))
            start = end
        end = sent.end
        while end - start > max_tokens:
            runs.append((start, start + max_tokens))
            start += max_tokens
    if end > start:
        runs.append((start, end))
    return runs


def token_batches(pieces: Iterable[Doc], max_tokens: int) -> Iterator[list[Doc]]:
    """Consecutive pieces grouped into batches of at most `max_tokens` tokens."""
    batch: list[Doc] = []
    size = 0
    for piece in pieces:
        if batch and size + len(piece) > max_tokens:
            yield batch
            batch, size = [], 0
        batch.append(piece)
        size += len(piece)
    if batch:
        yield batch


def process(nlp, texts: Sequence[str], max_tokens: int) -> list[Doc]:
    """`list(nlp.pipe(texts))`, with the trained components never seeing more than `max_tokens`
    tokens at once (`max_tokens` <= 0: one batch, as `nlp.pipe`)."""
    first, end = model_span(nlp.pipeline)
    docs = [nlp.make_doc(t) for t in texts]
    for _, proc in nlp.pipeline[:first]:
        docs = _run(proc, docs)
    if end > first:
        limit = max_tokens if max_tokens > 0 else max(1, sum(len(d) for d in docs))
        pieces: list[Doc] = []
        owners: list[tuple[int, int]] = []  # (document index, token offset) per piece
        for i, doc in enumerate(docs):
            if len(doc) <= limit:
                pieces.append(doc)
                owners.append((i, -1))
                continue
            for a, b in sentence_runs(doc, limit):
                pieces.append(doc[a:b].as_doc())
                owners.append((i, a))
        done: list[Doc] = []
        for batch in token_batches(pieces, limit):
            for _, proc in nlp.pipeline[first:end]:
                batch = _run(proc, batch)
            done.extend(batch)
        _copy_back(docs, done, owners)
    for _, proc in nlp.pipeline[end:]:
        docs = _run(proc, docs)
    return docs


def _run(proc, docs: list[Doc]) -> list[Doc]:
    """One component over a batch, as `Language.pipe` calls it (one `pipe` call of the batch's
    size, else document by document)."""
    if hasattr(proc, "pipe"):
        return list(proc.pipe(docs, batch_size=max(1, len(docs))))
    return [proc(doc) for doc in docs]


def _copy_back(docs: list[Doc], pieces: list[Doc], owners: list[tuple[int, int]]) -> None:
    """Write the annotations of the cut documents' pieces into the documents."""
    arrays: dict[int, numpy.ndarray] = {}
    for piece, (i, offset) in zip(pieces, owners):
        if offset < 0:
            docs[i] = piece  # annotated whole
            continue
        if i not in arrays:
            arrays[i] = docs[i].to_array(MODEL_ATTRS)
        arrays[i][offset:offset + len(piece)] = piece.to_array(MODEL_ATTRS)  # HEAD is relative
    for i, array in arrays.items():
        docs[i].from_array(MODEL_ATTRS, array)
