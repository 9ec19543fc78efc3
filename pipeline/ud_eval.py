"""Raw-text evaluation on UD treebanks, in the manner of the CoNLL 2018 shared task: Warta
tokenizes and splits the treebank's own `# text`, and tokens, sentences, UPOS, UFeats, lemmas
and attachments are scored as F1 after aligning predicted tokens to gold words by character
span. Multiword tokens (`rumahnya` = `rumah` + `nya`) count as one surface token for the Tokens
score; their syntactic words can only be matched by a tokenizer that splits them, which Warta's
does not, so they count as missed words (as they would in the shared task).

The treebanks here have no document markers, so consecutive sentences are joined with a space
into documents of `sentences_per_doc` sentences: the sentence splitter has to find the joins.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from .formats import read_conllu_sentences as read_ud_sentences
from .metrics import f1_from

METRICS = ("tokens", "sentences", "words", "upos", "ufeats", "lemma", "uas", "las")


@dataclass
class GoldWord:
    start: int
    end: int
    upos: str
    feats: str
    lemma: str
    head: int  # index into the document's words, -1 for the root
    deprel: str
    in_mwt: bool = False


@dataclass
class UDDocument:
    text: str
    tokens: list[tuple[int, int]] = field(default_factory=list)  # surface tokens
    sentences: list[tuple[int, int]] = field(default_factory=list)
    words: list[GoldWord] = field(default_factory=list)


def add_sentence(doc: UDDocument, text: str, rows: list[list[str]]) -> None:
    """Append one sentence to `doc`, locating each surface token in its text."""
    if doc.text:
        doc.text += " "
    base = len(doc.text)
    doc.text += text
    cursor, first_word = 0, len(doc.words)
    mwt_end, mwt_span = 0, (0, 0)
    for r in rows:
        if "-" in r[0]:
            mwt_end, mwt_span = int(r[0].split("-")[1]), _locate(text, r[1], cursor, base)
            cursor = mwt_span[1] - base
            doc.tokens.append(mwt_span)
            continue
        idx = int(r[0])
        if idx <= mwt_end:
            span, in_mwt = mwt_span, True
        else:
            span, in_mwt = _locate(text, r[1], cursor, base), False
            cursor = span[1] - base
            doc.tokens.append(span)
        head = int(r[6]) if r[6] not in ("_", "") else 0
        doc.words.append(GoldWord(span[0], span[1], r[3], r[5], r[2],
                                  first_word + head - 1 if head else -1, r[7], in_mwt))
    doc.sentences.append((base, base + len(text)))


def _locate(text: str, form: str, cursor: int, base: int) -> tuple[int, int]:
    """The span of `form` at or after `cursor` (the form itself when the text differs)."""
    i = text.find(form, cursor)
    if i < 0:  # the text and the token disagree (rare normalisation): keep the cursor
        i = cursor
    return base + i, base + i + len(form)


def read_ud_documents(path: Path, sentences_per_doc: int = 10) -> list[UDDocument]:
    docs: list[UDDocument] = []
    for k, (text, rows) in enumerate(read_ud_sentences(path)):
        if k % sentences_per_doc == 0:
            docs.append(UDDocument(""))
        add_sentence(docs[-1], text, rows)
    return docs


def score_document(gold: UDDocument, pred: dict, counts: dict[str, list[int]]) -> None:
    """Add one document's [correct, predicted, gold] per metric to `counts`."""
    ptoks = pred.get("tokens", [])
    pspans = [(t["start"], t["end"]) for t in ptoks]
    by_span = {s: k for k, s in enumerate(pspans)}
    _add(counts["tokens"], len(set(pspans) & set(gold.tokens)), len(pspans), len(gold.tokens))
    psent = {(s["start"], s["end"]) for s in pred.get("sentences", [])}
    _add(counts["sentences"], len(psent & {_strip(gold.text, s) for s in gold.sentences}), len(psent),
         len(gold.sentences))
    aligned = {}
    for i, w in enumerate(gold.words):
        k = by_span.get((w.start, w.end))
        if k is not None and not w.in_mwt:
            aligned[i] = k
    n_pred, n_gold = len(ptoks), len(gold.words)
    ok = dict.fromkeys(("words", "upos", "ufeats", "lemma", "uas", "las"), 0)
    for i, k in aligned.items():
        w, t = gold.words[i], ptoks[k]
        ok["words"] += 1
        ok["upos"] += t.get("pos") == w.upos
        ok["ufeats"] += (t.get("morph") or "_") == w.feats
        ok["lemma"] += (t.get("lemma") or "").lower() == w.lemma.lower()
        gold_head = aligned.get(w.head, -2) if w.head >= 0 else k  # the root points at itself
        head_ok = t.get("head") == gold_head
        ok["uas"] += head_ok
        dep = "root" if t.get("dep") == "ROOT" else t.get("dep")
        ok["las"] += head_ok and dep == w.deprel
    for name, value in ok.items():
        _add(counts[name], value, n_pred, n_gold)


def _strip(text: str, span: tuple[int, int]) -> tuple[int, int]:
    s, e = span
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _add(slot: list[int], correct: int, predicted: int, gold: int) -> None:
    slot[0] += correct
    slot[1] += predicted
    slot[2] += gold


def f1_table(counts: dict[str, list[int]]) -> dict[str, float]:

    return {name: round(f1_from(c, p, g)[2], 4) for name, (c, p, g) in counts.items()}


def score_raw_text(path: Path, annotate: Callable[[Iterable[dict]], Iterable[dict]],
                   sentences_per_doc: int = 10) -> dict[str, float]:
    """F1 of every metric in METRICS on one CoNLL-U file; `annotate` maps records
    ({"id", "text"}) to Warta output documents (tokens with pos/morph/lemma/head/dep, sentences)."""
    docs = read_ud_documents(path, sentences_per_doc)
    counts = {m: [0, 0, 0] for m in METRICS}
    preds = annotate({"id": f"{path.stem}-{k}", "text": d.text} for k, d in enumerate(docs))
    for gold, pred in zip(docs, preds):
        score_document(gold, pred, counts)
    return f1_table(counts)


def syntax_annotator(model: str | Path) -> Callable[[Iterable[dict]], Iterable[dict]]:
    """Warta's tokenize + tag stages with `model` (no cleaning: treebank text is clean)."""
    from .runner import load

    annotator = load({"pipeline": {"model": str(model), "stages": ["tokenize", "tag"]}})
    return annotator.pipe


def score_sets(model: str | Path, paths: Sequence[Path]) -> dict[str, dict[str, float]]:
    annotate = syntax_annotator(model)
    return {p.stem: score_raw_text(p, annotate) for p in paths}
