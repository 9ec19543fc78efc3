"""The Stanza backend: tokens, multi-word tokens, POS/feats, lemmas and dependencies from a local
Stanza pipeline, inside the same spaCy Language and record path as the spaCy backend.

`build_stanza_nlp(config)` makes a blank Indonesian spaCy pipeline whose *tokenizer* is
`StanzaTokenizer` (the design of spacy-stanza: the whole Stanza pipeline runs on the text and
its result becomes the `Doc`), then adds the spaCy NER of the configured model (or, with
`stanza.ner: stanza`, takes Stanza's entities) and Warta's components (entities, stems,
relations) unchanged. Sentences are Stanza's, written to `doc.spans["sentences"]` as Warta's
sentencizer does.

Multi-word tokens (`rumahnya` = `rumah` + `nya`, `Menurutnya` = `Menurut` + `nya`): spaCy
tokens are Stanza's *surface tokens*, so `text[start:end] == token.text` holds for every
output token and the record schema is the same as with the spaCy backend. A surface token
takes the analysis of its syntactic root word (the word whose head lies outside the token,
`rumah` in `rumahnya`): pos, tag, morph, lemma, dep and head (the token holding that word's
head). The words themselves are kept in `token._.words` (a tuple of `StanzaWord`, empty for a
one-word token), which `doc_to_conllu` writes back as CoNLL-U multi-word ranges.

Loading never goes to the network: `download_method=None`, a local (empty) resources file
and an explicit file for every processor; a missing file is a `ModelError` naming it.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from spacy.tokens import Doc, Token

from .config import Config

log = logging.getLogger("warta")

SYNTAX_PROCESSORS = ("tokenize", "mwt", "pos", "lemma", "depparse")
# files of a Stanza model directory written by `warta train-stanza` (stanza.paths overrides each)
MODEL_FILES = {"tokenize": "tokenize.pt", "mwt": "mwt.pt", "pos": "pos.pt", "lemma": "lemma.pt",
               "depparse": "depparse.pt", "ner": "ner.pt", "pretrain": "pretrain.pt",
               "forward_charlm": "charlm_forward.pt", "backward_charlm": "charlm_backward.pt"}
RESOURCES_FILE = Path(__file__).with_name("stanza_resources.json")  # `{}`: nothing to download
STANZA_ASSIGNS = ("token.is_sent_start", "token.pos", "token.tag", "token.morph", "token.lemma",
                  "token.dep", "token.head", "doc.spans")


@dataclass(frozen=True)
class StanzaWord:
    """One syntactic word of a multi-word token; `head` is (token index, word index in that
    token's words, or -1 when the head token is a one-word token), None for the root."""

    text: str
    lemma: str
    upos: str
    xpos: str
    feats: str
    head: Optional[tuple[int, int]]
    deprel: str


if not Token.has_extension("words"):
    Token.set_extension("words", default=())
if not Token.has_extension("head_word"):  # Stanza's head of the token's root word: (token, word) or None
    Token.set_extension("head_word", default=None)


class StanzaUnavailable(ImportError):
    """The `stanza` extra is not installed."""


def model_paths(config: Config) -> dict[str, Optional[Path]]:
    """Each Stanza model file: `stanza.paths.<name>` or `<stanza.dir>/<file>`; None when neither is set."""
    st = config["stanza"]
    base = Path(st["dir"]) if st["dir"] else None
    out: dict[str, Optional[Path]] = {}
    for name, file in MODEL_FILES.items():
        given = st["paths"].get(name)
        out[name] = Path(given) if given else (base / file if base else None)
    return out


def stanza_processors(config: Config) -> list[str]:
    """The Stanza processors to run: the syntax ones of `stanza.processors`, plus `ner` when
    `stanza.ner` is `stanza` and the ner stage is configured."""
    procs = [p for p in config["stanza"]["processors"] if p in SYNTAX_PROCESSORS]
    if config["stanza"]["ner"] == "stanza" and "ner" in config["pipeline"]["stages"]:
        procs.append("ner")
    return procs


def pipeline_kwargs(config: Config) -> dict[str, Any]:
    """Keyword arguments of `stanza.Pipeline` for local files only; ModelError lists every missing file.
    `*_model_path` is given only for the requested processors (Stanza adds a processor for each)."""
    from .nlp import ModelError

    paths = model_paths(config)
    procs = stanza_processors(config)
    missing = []
    kwargs: dict[str, Any] = {"lang": "id", "processors": ",".join(procs), "download_method": None,
                              "resources_filepath": str(RESOURCES_FILE), "allow_unknown_language": True,
                              "use_gpu": False, "logging_level": "ERROR",
                              "dir": str(paths["tokenize"].parent if paths["tokenize"] else ".")}
    for proc in procs:
        path = paths[proc]
        if path is None or not path.is_file():
            missing.append(f"{proc}: {path or 'no stanza.dir or stanza.paths.' + proc + ' set'}")
            continue
        kwargs[f"{proc}_model_path"] = str(path)
    for proc in ("pos", "depparse", "ner"):
        if proc in procs and paths["pretrain"] is not None and paths["pretrain"].is_file():
            kwargs[f"{proc}_pretrain_path"] = str(paths["pretrain"])
    for proc in ("pos", "lemma", "depparse", "ner"):
        for direction in ("forward", "backward"):
            p = paths[f"{direction}_charlm"]
            if proc in procs and p is not None and p.is_file():
                kwargs[f"{proc}_{direction}_charlm_path"] = str(p)
    if missing:
        raise ModelError("Stanza model files not found (train them with `warta train-stanza` or set "
                         "stanza.dir / stanza.paths):\n  " + "\n  ".join(missing))
    return kwargs


def load_stanza(config: Config, **options: Any):
    """The Stanza pipeline of these settings, from local files only (`options`: more
    `stanza.Pipeline` arguments, e.g. `tokenize_pretokenized=True`)."""
    try:
        import stanza
    except ImportError as exc:
        raise StanzaUnavailable("the Stanza backend needs the `stanza` extra: pip install 'warta[stanza]'") from exc
    import torch

    from .nlp import ModelError

    torch.set_num_threads(max(1, int(config["stanza"]["threads"])))
    kwargs = {**pipeline_kwargs(config), **options}
    try:
        return stanza.Pipeline(**kwargs)
    except Exception as exc:  # a corrupt file, a model of another version
        raise ModelError(f"cannot load the Stanza models: {type(exc).__name__}: {exc}") from exc


class StanzaTokenizer:
    """A spaCy tokenizer that runs Stanza: `Doc` with Stanza's surface tokens, sentences,
    tags, morphology, lemmas, dependencies and (when Stanza NER runs) entities."""

    def __init__(self, vocab, stanza_pipeline, batch_size: int = 32):
        self.vocab = vocab
        self.snlp = stanza_pipeline
        self.batch_size = batch_size

    def __call__(self, text: str) -> Doc:
        return self.to_doc(text, self.snlp(text) if text.strip() else None)

    def to_doc(self, text: str, sdoc) -> Doc:
        """The spaCy Doc of `text` from Stanza's analysis (None: text is only whitespace)."""
        words: list[str] = []
        spaces: list[bool] = []
        rows: list[Optional[tuple]] = []  # per spaCy token: (sentence index, stanza token) or None (space)
        cursor = 0

        def gap(upto: int) -> None:
            nonlocal cursor
            between = text[cursor:upto]
            if between.startswith(" ") and words and not spaces[-1]:
                spaces[-1] = True
                between = between[1:]
            if between:
                words.append(between)
                spaces.append(False)
                rows.append(None)
            cursor = upto

        sentences = sdoc.sentences if sdoc is not None else []
        for si, sent in enumerate(sentences):
            for tok in sent.tokens:
                start, end = tok.start_char, tok.end_char
                if start is None or start < cursor:  # never expected; keep the text intact
                    continue
                gap(start)
                words.append(text[start:end])
                spaces.append(False)
                rows.append((si, tok))
                cursor = end
        gap(len(text))
        doc = Doc(self.vocab, words=words, spaces=spaces)
        if sdoc is None:
            return doc
        self._annotate(doc, rows, sdoc)
        return doc

    def _annotate(self, doc: Doc, rows: list[Optional[tuple]], sdoc) -> None:
        import numpy
        from spacy.attrs import DEP, HEAD, SENT_START

        # (sentence, word id) -> (spaCy token, position among the token's words)
        where: dict[tuple[int, int], tuple[int, int]] = {}
        for i, row in enumerate(rows):
            if row is not None:
                for k, w in enumerate(row[1].words):
                    where[(row[0], w.id)] = (i, k)
        heads = numpy.arange(len(doc), dtype="int64")
        deps = [""] * len(doc)
        starts = [-1] * len(doc)
        last_word, prev_sent, parsed = None, None, False
        for i, row in enumerate(rows):
            if row is None:  # whitespace: attached to the previous word (or the next one at the start)
                continue
            si, tok = row
            words = tok.words
            inside = {w.id for w in words}
            root = next((w for w in words if not w.head), None) or \
                next((w for w in words if w.head not in inside), words[0])
            t = doc[i]
            t.pos_ = root.upos or ""
            t.tag_ = root.xpos or ""
            if root.feats:
                t.set_morph(root.feats)
            t.lemma_ = root.lemma or ""
            if root.head:
                heads[i] = where[(si, root.head)][0]
            deps[i] = (root.deprel or "dep") if heads[i] != i else "ROOT"
            parsed = parsed or root.head is not None
            if si != prev_sent:
                starts[i], prev_sent = 1, si
            t._.head_word = self._head_ref(where, rows, si, root.head)
            if len(words) > 1:
                t._.words = tuple(
                    StanzaWord(w.text, w.lemma or "", w.upos or "", w.xpos or "", w.feats or "",
                               self._head_ref(where, rows, si, w.head), w.deprel or "dep")
                    for w in words)
            last_word = i
        first = next((i for i, r in enumerate(rows) if r is not None), None)
        for i, row in enumerate(rows):
            if row is None:
                prev = [j for j in range(i - 1, -1, -1) if rows[j] is not None][:1]
                heads[i] = prev[0] if prev else (first if first is not None else i)
                deps[i] = "dep" if heads[i] != i else "ROOT"
        if last_word is None:
            return
        if parsed:  # sentences follow from the trees (one per Stanza sentence)
            arr = numpy.zeros((len(doc), 2), dtype="uint64")
            arr[:, 0] = (heads - numpy.arange(len(doc))).astype("int64").astype("uint64")
            arr[:, 1] = [self.vocab.strings.add(d) for d in deps]
            doc.from_array([HEAD, DEP], arr)
        else:
            doc.from_array([SENT_START], numpy.array(starts, dtype="int64").astype("uint64").reshape(-1, 1))
        from .tokenize import SENTENCES

        spans, begin, end = [], None, 0
        for i, row in enumerate(rows):
            if row is not None:
                if starts[i] == 1:
                    if begin is not None:
                        spans.append(doc[begin:end])
                    begin = i
                end = i + 1
        if begin is not None:
            spans.append(doc[begin:end])
        doc.spans[SENTENCES] = spans
        ents = []
        for ent in getattr(sdoc, "ents", None) or []:
            span = doc.char_span(ent.start_char, ent.end_char, label=ent.type, alignment_mode="expand")
            if span is not None:
                ents.append(span)
        if ents:
            from spacy.util import filter_spans

            doc.set_ents(filter_spans(ents), default="outside")

    @staticmethod
    def _head_ref(where, rows, si: int, head: int) -> Optional[tuple[int, int]]:
        if not head:
            return None
        i, k = where[(si, head)]
        return (i, k if len(rows[i][1].words) > 1 else -1)

    # spaCy calls these when saving a pipeline; the Stanza models are referenced, not copied
    def to_bytes(self, **kwargs) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs) -> "StanzaTokenizer":
        return self

    def to_disk(self, path, **kwargs) -> None:
        Path(path).mkdir(parents=True, exist_ok=True)

    def from_disk(self, path, **kwargs) -> "StanzaTokenizer":
        return self


def build_stanza_nlp(config: Config):
    """The spaCy Language of the Stanza backend: StanzaTokenizer, then the spaCy NER of
    `pipeline.model` (unless Stanza's NER is used or there is no model), then Warta's
    entities, stems and relations."""
    import spacy

    from . import components  # noqa: F401  (registers the factories)
    from .nlp import (STAGE_COMPONENTS, WARTA_COMPONENTS, check_model_dir, check_requirements,
                      component_settings, use_fast_blas, ModelError)

    stages = [s for s in config["pipeline"]["stages"] if s != "clean"]
    settings = component_settings(config)
    nlp = spacy.blank("id")
    nlp.tokenizer = StanzaTokenizer(nlp.vocab, load_stanza(config), config["pipeline"]["batch_size"])
    if "tag" in stages:
        nlp.add_pipe("warta_lemmas")  # lower-cased lemmas, the lookup table where Stanza gave none
    model = config["pipeline"]["model"]
    if "ner" in stages and config["stanza"]["ner"] == "spacy" and model:
        path = check_model_dir(model)
        use_fast_blas(config["pipeline"]["blas"])
        try:
            source = spacy.load(path, exclude=[n for n in spacy.util.load_config(path / "config.cfg")
                                               ["nlp"]["pipeline"] if n != "ner"])
        except Exception as exc:
            raise ModelError(f"cannot load model {model}: {type(exc).__name__}: {exc}") from exc
        if "ner" in source.pipe_names:
            if source.vocab.vectors.shape[0]:  # the NER's tok2vec reads static vectors
                nlp.vocab.vectors = source.vocab.vectors
            nlp.add_pipe("ner", source=source)
    wanted = {c for s in stages for c in STAGE_COMPONENTS[s]}
    for name in WARTA_COMPONENTS:
        if name in wanted and name not in ("warta_sentencizer", "warta_lemmas"):
            nlp.add_pipe(name, config=settings[name])
    nlp.max_length = config["input"]["max_chars"] + 1
    nlp.meta["name"] = Path(config["stanza"]["dir"] or "stanza").name
    nlp.meta["warta_backend"] = "stanza"
    nlp.meta["warta_tokenizer_layers"] = stanza_processors(config)
    check_requirements(nlp, settings, provided=STANZA_ASSIGNS + (("doc.ents",) if config["stanza"]["ner"] == "stanza"
                                                                   else ()))
    return nlp


def doc_to_conllu(doc: Doc) -> str:
    """CoNLL-U of a Doc (both backends): one sentence per dependency tree (`doc.sents` of a
    parsed Doc, else `doc.spans["sentences"]`), whitespace tokens dropped, multi-word tokens as
    ranges over their words, exactly one root per sentence (a second root, which only a head
    on a whitespace token can give, is attached to the first)."""
    from .tokenize import SENTENCES

    if doc.has_annotation("DEP") or SENTENCES not in doc.spans:
        sents = list(doc.sents)
    else:
        sents = list(doc.spans[SENTENCES])
    out: list[str] = []
    covered = 0
    for sent in sents:
        toks = [t for t in doc[max(sent.start, covered):sent.end] if not t.is_space]
        covered = sent.end
        if not toks:
            continue
        # word number of every (token, word) in the sentence
        num: dict[tuple[int, int], int] = {}
        n = 0
        for t in toks:
            for k in range(max(1, len(t._.words))):
                n += 1
                num[(t.i, k if t._.words else -1)] = n
        lines = []
        for t in toks:
            space = "" if t.whitespace_ else "SpaceAfter=No"
            if t._.words:
                first, last = num[(t.i, 0)], num[(t.i, len(t._.words) - 1)]
                lines.append(f"{first}-{last}\t{t.text}\t_\t_\t_\t_\t_\t_\t_\t{space or '_'}")
                for k, w in enumerate(t._.words):
                    head = num.get(w.head, 0) if w.head else 0
                    lines.append("\t".join([str(num[(t.i, k)]), w.text, w.lemma or "_", w.upos or "_",
                                            w.xpos or "_", w.feats or "_", str(head),
                                            "root" if head == 0 else w.deprel, "_", "_"]))
                continue
            head_tok = t.head
            if t._.head_word is not None:  # Stanza's word-level head (exact inside multi-word tokens)
                head = num.get(t._.head_word, 0)
            elif head_tok.i == t.i or t.dep_ == "ROOT" or head_tok.is_space:
                head = 0
            else:
                key = (head_tok.i, -1)
                if head_tok._.words:  # the head word of a multi-word token: its root word
                    inside = {(head_tok.i, k) for k in range(len(head_tok._.words))}
                    key = next(((head_tok.i, k) for k, w in enumerate(head_tok._.words)
                                if w.head not in inside), (head_tok.i, 0))
                head = num.get(key, 0)
            dep = "root" if head == 0 else (t.dep_ or "dep")
            lines.append("\t".join([str(num[(t.i, -1)]), t.text, t.lemma_ or "_", t.pos_ or "_",
                                    t.tag_ or "_", str(t.morph) or "_", str(head), dep, "_", space or "_"]))
        roots = [k for k, line in enumerate(lines) if "-" not in line.split("\t")[0] and line.split("\t")[6] == "0"]
        for k in roots[1:]:
            cols = lines[k].split("\t")
            cols[6], cols[7] = lines[roots[0]].split("\t")[0], "dep"
            lines[k] = "\t".join(cols)
        out.append("\n".join(lines) + "\n")
    return "\n".join(out) + ("\n" if out else "")
