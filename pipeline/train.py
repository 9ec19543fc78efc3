"""Train Warta's spaCy model from the public data in `../shared/data` (one command, deterministic).

    warta train --data ../shared/data --out models/id_warta_news

1. syntax: UD Indonesian CSUI train + GSD train (legacy UD v1 file converted to v2 labels);
   dev = GSD dev. Components: tok2vec (CNN), morphologizer (UPOS + feats), parser.
2. NER, in two stages over a tok2vec that also reads floret vectors trained on the CLICK-ID
   news dump: (a) idner-news-2k train plus the extra news NER sets (NER UI fold-1 train,
   NERGrit train+valid, NERP train; labels mapped to PER/ORG/LOC, sentences that overlap
   idner-news-2k dev dropped), then (b) fine-tuning on idner-news-2k train alone, so the
   model ends on idner's conventions. Dev = idner-news-2k dev.
3. Both are assembled into one pipeline (NER keeps its own tok2vec), evaluated on the dev
   sets and on the UD test sets, and written with `metrics.json` and a model card.
Test splits are only scored, never trained or tuned on.
"""
from __future__ import annotations

import json
import random
import re
import shutil
import time
from pathlib import Path
from typing import Iterable, Optional

import spacy
from spacy.tokens import Doc, DocBin
from spacy.training import Example

from .formats import read_bio, read_conllu
from .nlp import complete_pipeline, statistical_pipes
from .ud_eval import METRICS as RAW_METRICS

# UD v1 -> v2 relation renames (the legacy GSD train file predates UD v2); `name` becomes
# GSD v2's flat:name. Subtypes and auxiliaries follow the GSD v2 dev file (see convert_v1_sentence).
V1_TO_V2_DEPREL = {"dobj": "obj", "nsubjpass": "nsubj:pass", "csubjpass": "csubj:pass",
                   "name": "flat:name", "mwe": "fixed", "neg": "advmod", "auxpass": "aux:pass"}
PREDICATE_POS = {"VERB", "ADJ", "ADV", "AUX"}
# tense/modal adverbs that GSD v2 annotates as AUX with relation aux
V2_AUXILIARIES = {"akan", "telah", "dapat", "bisa", "harus", "sudah", "ingin", "mampu", "sedang",
                  "boleh", "mau", "seharusnya"}


def convert_v1_sentence(rows: list[list[str]]) -> list[list[str]]:
    """UD v1 labels -> v2: renames, CONJ->CCONJ, copula as AUX, nmod under predicates -> obl."""
    out = [list(r) for r in rows]
    children: dict[int, list[list[str]]] = {}
    for r in out:
        children.setdefault(int(r[6]), []).append(r)
        if r[3] == "CONJ":
            r[3] = "CCONJ"
        if r[7] == "cop":
            r[3] = "AUX"
        if r[7] == "advmod" and r[3] == "ADV" and r[1].lower() in V2_AUXILIARIES:
            r[3], r[7] = "AUX", "aux"
    for r in out:
        rel = r[7]
        if rel == "nmod":
            head = int(r[6])
            if head and out[head - 1][3] in PREDICATE_POS:
                r[7] = "obl"
            elif r[3] == "PRON":
                r[7] = "nmod:poss"  # rumahnya, kebijakannya
        elif rel == "acl" and any(c[1].lower() == "yang" for c in children.get(int(r[0]), [])):
            r[7] = "acl:relcl"  # relative clause introduced by `yang`
        else:
            r[7] = V1_TO_V2_DEPREL.get(rel, rel)
        r[2] = "_"  # no lemmas in v1 (left missing for the lemmatizer)
    return out


def conllu_doc(vocab, rows: list[list[str]]) -> Doc:
    words = [r[1] for r in rows]
    spaces = [("SpaceAfter=No" not in r[9]) for r in rows]
    heads = [int(r[6]) - 1 if r[6] not in ("0", "_") else i for i, r in enumerate(rows)]
    deps = ["ROOT" if r[6] == "0" else r[7] for r in rows]
    morphs = [r[5] if r[5] != "_" else "" for r in rows]
    return Doc(vocab, words=words, spaces=spaces, pos=[r[3] for r in rows], heads=heads,
               deps=deps, morphs=morphs, lemmas=[r[2] if r[2] != "_" else "" for r in rows],
               sent_starts=[True] + [False] * (len(rows) - 1))


LABEL_MAP = {"PERSON": "PER", "PER": "PER", "PPL": "PER",
             "ORGANISATION": "ORG", "ORGANIZATION": "ORG", "ORG": "ORG", "IND": "ORG",
             "PLACE": "LOC", "LOCATION": "LOC", "LOC": "LOC", "PLC": "LOC"}


def bio_doc(vocab, words: list[str], tags: list[str]) -> Doc:
    """A Doc with gold entities from IOB tags, labels mapped to PER/ORG/LOC (others, such as
    NERP's events, become O as in idner-news-2k); a stray I- tag starts an entity."""
    labels = [LABEL_MAP.get(t[2:], "") if t[:2] in ("B-", "I-") else "" for t in tags]
    fixed: list[str] = []
    for i, (t, lab) in enumerate(zip(tags, labels)):
        if not lab:
            fixed.append("O")
        elif t.startswith("I-") and i > 0 and labels[i - 1] == lab:
            fixed.append("I-" + lab)
        else:
            fixed.append("B-" + lab)
    return Doc(vocab, words=words, ents=fixed)


# Extra news NER data for the first NER stage (chosen by measurement on idner dev, see the
# README): name -> files under the data directory. Only train/valid splits, never a test split.
NER_EXTRA = {
    "nerui": ("indolem-ner-ui/train.01.tsv",),
    "nergrit": ("indonlu-nergrit_ner-grit/train_preprocess.txt", "indonlu-nergrit_ner-grit/valid_preprocess.txt"),
    "nerp": ("indonlu-nerp_ner-prosa/train_preprocess.filtered.txt",),
}
DEFAULT_NER_EXTRA = ("nerui", "nergrit", "nerp")


def ngrams(words: list[str], n: int = 6) -> set[tuple[str, ...]]:
    """Lowercased token n-grams of a sentence (the whole sentence when it is shorter)."""
    low = [w.lower() for w in words]
    return {tuple(low[i:i + n]) for i in range(max(1, len(low) - n + 1))}


def overlaps(words: list[str], held: set[tuple[str, ...]], share: float = 0.2) -> bool:
    """Whether at least `share` of a sentence's 6-grams occur in `held` (the idner dev set:
    NERP and idner-news-2k come from the same underlying news corpus)."""
    grams = ngrams(words)
    return len(grams & held) >= share * len(grams)


def _write(docs: Iterable[Doc], path: Path) -> int:
    db = DocBin(store_user_data=False)
    n = 0
    for d in docs:
        db.add(d)
        n += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    db.to_disk(path)
    return n


def prepare(data: Path, work: Path, ner_extra: Iterable[str] = ()) -> dict[str, int]:
    """Write the DocBin corpora; return sentence counts."""
    vocab = spacy.blank("id").vocab
    csui = data / "ud-indonesian-csui" / "id_csui-ud-train.conllu"
    legacy = data / "ud-indonesian-gsd-legacy-v1" / "parser-id.conllu.train"
    gsd_dev = data / "ud-indonesian-gsd" / "id_gsd-ud-dev.conllu"
    syntax_train = [conllu_doc(vocab, s) for s in read_conllu(csui)]
    syntax_train += [conllu_doc(vocab, convert_v1_sentence(s)) for s in read_conllu(legacy)]
    counts = {
        "syntax_train": _write(syntax_train, work / "syntax-train.spacy"),
        "syntax_dev": _write((conllu_doc(vocab, s) for s in read_conllu(gsd_dev)),
                             work / "syntax-dev.spacy"),
    }
    idner = data / "idner-news-2k"
    ner_docs = [bio_doc(vocab, w, t) for w, t in read_bio(idner / "train.txt")]
    counts["ner_train"] = _write(ner_docs, work / "ner-train.spacy")
    dev = list(read_bio(idner / "dev.txt"))
    counts["ner_dev"] = _write((bio_doc(vocab, w, t) for w, t in dev), work / "ner-dev.spacy")
    held = set().union(*(ngrams(w) for w, _ in dev))
    extra_docs, dropped = [], 0
    for name in ner_extra:
        for rel in NER_EXTRA[name]:
            for w, t in read_bio(data / rel):
                if overlaps(w, held):
                    dropped += 1
                else:
                    extra_docs.append(bio_doc(vocab, w, t))
    if extra_docs:
        counts["ner_extra"] = _write(ner_docs + extra_docs, work / "ner-mix.spacy") - len(ner_docs)
        counts["ner_extra_dropped_dev_overlap"] = dropped
    return counts


# CLICK-ID's comma-joined paragraphs, cut loosely for the training text of vectors and char LMs
# (also `kata,Kalimat`, where a name was removed); the cleaner and the relation stage cut with the
# stricter `document.PARAGRAPH_JOIN`. This one stays as it is: the shipped vectors were built with it.
PARA_JOIN = re.compile(r"(?<=[.!?\"”])\s*,(?=\S)|(?<=[a-z)]),(?=[A-Z\"“])")


def repair_mojibake(text: str) -> str:
    """CLICK-ID's xlsx-derived texts are UTF-8 read as Mac Roman (its SOURCE.txt): undo that."""
    if "‚Ä" in text or "¬†" in text:
        try:
            text = text.encode("mac_roman").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return text.replace("_x000D_", " ")


def write_corpus_text(data: Path, out: Path) -> int:
    """One tokenized paragraph per line from the CLICK-ID dump (for word vectors); returns tokens."""
    from .config import load_config
    from .nlp import build_nlp

    nlp = build_nlp(load_config(None, {"pipeline": {"model": None, "stages": ["tokenize"]}}))
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")  # renamed when complete: a killed run leaves no stub
    n = 0
    with open(data / "news-corpus-clickid" / "articles.jsonl", encoding="utf-8") as src, \
            open(partial, "w", encoding="utf-8") as dst:
        paras = (p.strip() for line in src for p in PARA_JOIN.split(repair_mojibake(json.loads(line)["text"])))
        for doc in nlp.tokenizer.pipe((p for p in paras if len(p) > 20), batch_size=256):
            words = [t.text for t in doc if not t.is_space]
            dst.write(" ".join(words) + "\n")
            n += len(words)
    partial.replace(out)
    return n


def build_vectors(data: Path, work: Path, dim: int = 100, bucket: int = 20000) -> Path:
    """Floret vectors (cbow, subwords 4-5, hashed into `bucket` rows) from the CLICK-ID news dump,
    its "," paragraph joins split and mojibake repaired first; one thread, so runs repeat exactly.
    Returns a spaCy vectors directory."""
    import floret

    corpus = work / "clickid.txt"
    if not corpus.exists():
        write_corpus_text(data, corpus)
    model = floret.train_unsupervised(str(corpus), model="cbow", mode="floret", hashCount=2, bucket=bucket,
                                      minn=4, maxn=5, dim=dim, epoch=5, thread=1, minCount=3)
    raw = work / "vectors.floret"
    model.save_floret_vectors(str(raw))
    out = work / "vectors_model"
    import subprocess
    import sys

    subprocess.run([sys.executable, "-m", "spacy", "init", "vectors", "id", str(raw), str(out), "--mode", "floret"],
                   check=True, capture_output=True)
    return out


def _config(pipeline: list[str], train: Path, dev: Path, max_steps: int, seed: int,
            vectors: Optional[Path] = None, source: Optional[Path] = None):
    """spaCy's CPU "efficiency" config for `pipeline`, with parameter averaging, optional static
    vectors, and (`source`) every component taken from an earlier model to fine-tune it."""
    from spacy.cli.init_config import init_config

    cfg = init_config(lang="id", pipeline=pipeline, optimize="efficiency", gpu=False)
    cfg["paths"]["train"] = str(train)
    cfg["paths"]["dev"] = str(dev)
    if vectors is not None:
        cfg["paths"]["vectors"] = str(vectors)
        cfg["initialize"]["vectors"] = str(vectors)
        cfg["components"]["tok2vec"]["model"]["embed"]["include_static_vectors"] = True
    if source is not None:
        for name in ["tok2vec", *pipeline]:
            cfg["components"][name] = {"source": str(source)}
    cfg["system"]["seed"] = seed
    cfg["training"]["max_epochs"] = 0
    cfg["training"]["max_steps"] = max_steps
    cfg["training"]["patience"] = max_steps
    cfg["training"]["eval_frequency"] = 200
    cfg["training"]["optimizer"]["use_averages"] = True
    return cfg


def train_component(pipeline: list[str], train: Path, dev: Path, out: Path, max_steps: int,
                    seed: int = 0, vectors: Optional[Path] = None, source: Optional[Path] = None) -> Path:
    """Train `pipeline` (with its own tok2vec) and return the best checkpoint on `dev`."""
    from spacy.training.loop import train as train_loop
    from spacy.training.initialize import init_nlp
    from thinc.api import fix_random_seed

    fix_random_seed(seed)
    random.seed(seed)
    cfg = _config(pipeline, train, dev, max_steps, seed, vectors, source)
    nlp = init_nlp(cfg)
    out.mkdir(parents=True, exist_ok=True)
    train_loop(nlp, out, stdout=__import__("sys").stdout)
    return out / "model-best"


def train_ner(work: Path, steps: int, seed: int, vectors: Optional[Path], mix_steps: int = 0) -> Path:
    """NER: with `mix_steps`, first train on the mixed corpus, then fine-tune that model on
    idner-news-2k train alone; otherwise train on idner-news-2k train directly."""
    train, dev = work / "ner-train.spacy", work / "ner-dev.spacy"
    source = None
    if mix_steps and (work / "ner-mix.spacy").exists():
        source = train_component(["ner"], work / "ner-mix.spacy", dev, work / "ner-mix", mix_steps, seed, vectors)
    return train_component(["ner"], train, dev, work / "ner", steps, seed, vectors, source)


def assemble(syntax_dir: Path, ner_dir: Path, out: Path) -> spacy.Language:
    nlp = spacy.load(syntax_dir)
    ner_nlp = spacy.load(ner_dir)
    ner_nlp.replace_listeners("tok2vec", "ner", ["model.tok2vec"])
    if ner_nlp.vocab.vectors.shape[0]:  # the NER tok2vec reads static vectors: ship them
        nlp.vocab.vectors = ner_nlp.vocab.vectors
        nlp.meta["vectors"] = ner_nlp.meta.get("vectors", {})
    nlp.add_pipe("ner", source=ner_nlp, name="ner")
    nlp.meta["name"] = "warta_news"
    nlp.meta["version"] = "0.1.0"
    nlp.meta["description"] = "Warta Indonesian news model: UPOS/feats, dependencies, PER/ORG/LOC"
    nlp.meta["license"] = "CC BY-SA 4.0 (UD data) / MIT (idner-news-2k)"
    if out.exists():
        shutil.rmtree(out)
    staged = out.with_name(out.name + ".statistical")
    nlp.to_disk(staged)
    complete_pipeline(staged, out)  # + Warta's tokenizer and components: a standalone pipeline
    shutil.rmtree(staged)
    return nlp


UD_SETS = {
    "gsd_dev": ("ud-indonesian-gsd", "id_gsd-ud-dev.conllu"),
    "gsd_test": ("ud-indonesian-gsd", "id_gsd-ud-test.conllu"),
    "csui_test": ("ud-indonesian-csui", "id_csui-ud-test.conllu"),
    "pud_test": ("ud-indonesian-pud", "id_pud-ud-test.conllu"),
}


def score_ner_dev(nlp, data: Path) -> dict:
    """Strict span P/R/F1 of the model's NER on idner-news-2k dev (gold tokenization)."""
    from spacy.scorer import Scorer

    examples = []
    for words, tags in read_bio(data / "idner-news-2k" / "dev.txt"):
        gold = bio_doc(nlp.vocab, words, tags)
        pred = Doc(nlp.vocab, words=words)
        for _, proc in statistical_pipes(nlp):
            pred = proc(pred)
        examples.append(Example(pred, gold))
    scores = Scorer.score_spans(examples, "ents")
    return {"p": scores["ents_p"], "r": scores["ents_r"], "f": scores["ents_f"],
            "per_type": scores["ents_per_type"]}


def evaluate_model(model_dir: Path, data: Path, ud_sets: Iterable[str] = tuple(UD_SETS)) -> dict:
    """NER on idner dev and syntax on the UD sets, with gold tokens (the model alone) and from
    raw text (Warta's tokenizer and sentence splitter, CoNLL 2018-style F1), for the model card."""
    from .ud_eval import score_raw_text, syntax_annotator

    nlp = spacy.load(model_dir)
    results: dict = {"ner_idner_dev": score_ner_dev(nlp, data), "raw_text": {}}
    annotate = syntax_annotator(model_dir.resolve())
    for name in ud_sets:
        path = data.joinpath(*UD_SETS[name])
        if path.exists():
            results[name] = score_conllu(nlp, path)
            results["raw_text"][name] = score_raw_text(path, annotate)
    return results


def measure_speed(model_dir: Path, data: Path, n_docs: int = 300, repeats: int = 3) -> dict:
    """Words/s of the whole Warta pipeline (all stages, one process) on CLICK-ID articles: the
    fastest of `repeats` passes, as `timeit` does, since other load on the machine only slows."""
    import itertools
    import platform

    from .runner import load

    path = data / "news-corpus-clickid" / "articles.jsonl"
    if not path.exists():
        return {}
    with open(path, encoding="utf-8") as fh:
        records = [json.loads(line) for line in itertools.islice(fh, n_docs)]
    annotator = load({"pipeline": {"model": str(model_dir.resolve())}})
    seconds, words = float("inf"), 0
    for _ in range(repeats):
        start = time.perf_counter()
        words = sum(len(d["tokens"]) for d in annotator.pipe(records))
        seconds = min(seconds, time.perf_counter() - start)
    return {"docs": len(records), "words": words, "words_per_s": words / seconds,
            "docs_per_s": len(records) / seconds,
            "machine": f"{platform.machine()}, Python {platform.python_version()}, 1 process, best of {repeats}"}


def write_model_card(out: Path, metrics: dict) -> None:
    """models/<name>/MODEL_CARD.md from the metrics."""
    ner = metrics["ner_idner_dev"]
    rows = "\n".join(f"| {lab} | {v['p']:.3f} | {v['r']:.3f} | {v['f']:.3f} |"
                     for lab, v in sorted(ner["per_type"].items()))
    ud = "\n".join(
        f"| {name} | {m['tokens']} | {m['upos']:.3f} | {m['ufeats']:.3f} | {m['lemma']:.3f} | "
        f"{m.get('lemma_lookup', m['lemma']):.3f} | {m['uas']:.3f} | {m['las']:.3f} |"
        for name, m in metrics.items() if name in UD_SETS)
    raw = "\n".join(f"| {name} | " + " | ".join(f"{m[k]:.3f}" for k in RAW_METRICS) + " |"
                    for name, m in metrics.get("raw_text", {}).items())
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 2 ** 20
    speed = metrics.get("speed", {})
    lem = metrics.get("lemmatizer") or {}
    lemmatizer_part = " + edit-tree lemmatizer" if lem.get("kept") else ""
    lemma_note = ("`lemma` is the trained lemmatizer (edit trees, trained on CSUI train lemmas; it beat "
                  f"the lookup table on GSD dev, {lem['gsd_dev_model']:.3f} vs {lem['gsd_dev_lookup']:.3f}, "
                  "so Warta uses it)" if lem.get("kept") else
                  "`lemma` is spaCy's lookup table, which Warta uses" +
                  (f" (the trained lemmatizer scored {lem['gsd_dev_model']:.3f} vs {lem['gsd_dev_lookup']:.3f} "
                   "on GSD dev and was dropped)" if lem else "")) + "; lemmas compared case-insensitively."
    card = f"""# id_warta_news {metrics.get('version', '0.1.0')}

Warta's Indonesian news pipeline for spaCy: tok2vec (CNN) + morphologizer (UPOS + feats) +
dependency parser{lemmatizer_part}, and a separate tok2vec (with floret vectors) + NER (PER/ORG/LOC).
Loaded by `warta annotate`;
DATE, TIME, TITLE, QUOTE and gazetteer entities come from Warta's rules, not from this model.
Rebuild with `warta train --data ../shared/data` (or `make models`): seed {metrics['seed']},
{f"{metrics['train_seconds']} s" if metrics.get('train_seconds') else "about 30 minutes"} of training on 2 CPU cores.

## Data
| part | data | sentences |
|---|---|---|
| syntax train | UD Indonesian CSUI train + legacy GSD train (UD v1, labels converted to v2 by `pipeline/train.py`) | {metrics['data']['syntax_train']} |
| syntax dev | UD Indonesian GSD dev | {metrics['data']['syntax_dev']} |
| NER train | idner-news-2k train (news, PER/ORG/LOC) | {metrics['data']['ner_train']} |
| NER stage 1 extra | NER UI fold-1 train, NERGrit train + valid, NERP train (see mix) | {metrics['data'].get('ner_extra', 0)} |
| NER dev | idner-news-2k dev | {metrics['data']['ner_dev']} |

Mix: {metrics.get('mix', 'idner-news-2k train only')}.
No test split was used for training or tuning; test sets are only scored below.

## NER: idner-news-2k dev, strict span P/R/F1 (model only, gold tokens)
| label | P | R | F1 |
|---|---|---|---|
{rows}
| **micro** | {ner['p']:.3f} | {ner['r']:.3f} | {ner['f']:.3f} |

Target was micro F1 >= .88 (IndoBERT-CRF reaches about .91 on the test split); see the README
for what was tried.

## Syntax (gold tokens)
{lemma_note}

| set | tokens | UPOS | UFeats | lemma | lemma (lookup) | UAS | LAS |
|---|---|---|---|---|---|---|---|
{ud}

From raw text (the treebank's `# text`, 10 sentences per document, Warta's tokenizer, sentence
splitter and this model; F1 after aligning tokens by character span, as in the CoNLL 2018 shared
task; multiword tokens such as `rumahnya` are not split by Warta, so their words count as missed):

| set | Tokens | Sentences | Words | UPOS | UFeats | Lemma | UAS | LAS |
|---|---|---|---|---|---|---|---|---|
{raw}

Anchor: Stanza's GSD model from raw text, UPOS 94.16, LAS 80.83 (trained on GSD v2 train, which
is not available here).

## Speed and size
{f"Whole Warta pipeline (clean, tokenize, tag, ner, stem, relations), one process: {speed['words_per_s']:,.0f} words/s, {speed['docs_per_s']:.1f} documents/s on {speed['docs']} CLICK-ID articles ({speed['machine']})." if speed else "Speed: see `bench/throughput.py` in the README."}
Size on disk: {size:.1f} MB.

## Licenses
UD Indonesian CSUI and GSD: CC BY-SA 4.0; legacy GSD (via id-openie, MIT repository, UD annotations
CC BY-SA 4.0); idner-news-2k: MIT; NERGrit and NERP (IndoNLU): MIT (NERGRIT asks that its
contributors and license be kept: see its README); NER UI (IndoLEM): no license stated, research
use. The model inherits CC BY-SA 4.0 (share-alike) from the UD data.
"""
    (out / "MODEL_CARD.md").write_text(card, encoding="utf-8")


def score_conllu(nlp, path: Path) -> dict:
    """UPOS, UFeats, lemma, UAS, LAS on gold tokenization (CoNLL-U). `lemma` is what Warta
    outputs (the model's lemmatizer when the pipeline has one, else the lookup table) and
    `lemma_lookup` the lookup table alone; lemmas are compared case-insensitively."""
    n = upos = feats = lemma = lemma_table = uas = las = 0
    from .tag import lemma_lookup, lookup_lemma

    table = lemma_lookup()
    has_lemmatizer = "trainable_lemmatizer" in nlp.pipe_names
    for rows in read_conllu(path):
        doc = Doc(nlp.vocab, words=[r[1] for r in rows])
        for name, proc in statistical_pipes(nlp):
            if name != "ner":
                doc = proc(doc)
        for tok, r in zip(doc, rows):
            n += 1
            upos += tok.pos_ == r[3]
            feats += (str(tok.morph) or "_") == r[5]
            looked_up = lookup_lemma(tok.text, table) == r[2].lower()
            lemma_table += looked_up
            lemma += (tok.lemma_.lower() == r[2].lower()) if has_lemmatizer else looked_up
            gold_head = int(r[6]) - 1 if r[6] != "0" else tok.i
            head_ok = tok.head.i == gold_head
            uas += head_ok
            gold_dep = "ROOT" if r[6] == "0" else r[7]
            las += head_ok and tok.dep_ == gold_dep
    return {"tokens": n, "upos": round(upos / n, 4), "ufeats": round(feats / n, 4),
            "lemma": round(lemma / n, 4), "lemma_lookup": round(lemma_table / n, 4),
            "uas": round(uas / n, 4), "las": round(las / n, 4)}


def keep_lemmatizer_if_better(model_dir: Path, data: Path) -> dict:
    """Drop the trained lemmatizer from the package unless it beats spaCy's lookup table on
    GSD dev; return that comparison."""
    nlp = spacy.load(model_dir)
    if "trainable_lemmatizer" not in nlp.pipe_names:
        return {}
    scores = score_conllu(nlp, data.joinpath(*UD_SETS["gsd_dev"]))
    decision = {"gsd_dev_model": scores["lemma"], "gsd_dev_lookup": scores["lemma_lookup"],
                "kept": scores["lemma"] > scores["lemma_lookup"]}
    if not decision["kept"]:
        nlp.remove_pipe("trainable_lemmatizer")
        shutil.rmtree(model_dir)
        nlp.to_disk(model_dir)
    return decision


def train_all(data: Path, out: Path, work: Optional[Path] = None, syntax_steps: int = 2000,
              ner_steps: int = 2000, ner_mix_steps: int = 4000, seed: int = 0,
              ner_extra: Iterable[str] = DEFAULT_NER_EXTRA, vectors: bool = True) -> dict:
    """The whole recipe; returns the metrics written to OUT/metrics.json (and MODEL_CARD.md)."""
    work = work or out.parent / ".training"
    started = time.time()
    ner_extra = list(ner_extra)
    counts = prepare(data, work, ner_extra)
    vec = build_vectors(data, work) if vectors else None
    ner = train_ner(work, ner_steps, seed, vec, ner_mix_steps if ner_extra else 0)
    syntax = train_component(["morphologizer", "parser", "trainable_lemmatizer"], work / "syntax-train.spacy",
                             work / "syntax-dev.spacy", work / "syntax", syntax_steps, seed)
    assemble(syntax, ner, out)
    lemmatizer = keep_lemmatizer_if_better(out, data)
    metrics = {"data": counts, "seed": seed, "mix": describe_mix(ner_extra, vec is not None),
               "ner_steps": ner_steps, "ner_mix_steps": ner_mix_steps if ner_extra else 0,
               "syntax_steps": syntax_steps, "lemmatizer": lemmatizer,
               "train_seconds": round(time.time() - started),
               **evaluate_model(out, data)}
    metrics["speed"] = measure_speed(out, data)
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2))
    write_model_card(out, metrics)
    return metrics


def describe_mix(ner_extra: list[str], vectors: bool) -> str:
    """One sentence on the NER data and features, for the model card."""
    if ner_extra:
        sets = ", ".join(rel.split("/")[0] for n in ner_extra for rel in NER_EXTRA[n][:1])
        mix = (f"stage 1: idner-news-2k train + {sets} (labels mapped to PER/ORG/LOC, sentences "
               f"overlapping idner-news-2k dev dropped); stage 2: fine-tuned on idner-news-2k train alone")
    else:
        mix = "idner-news-2k train"
    if vectors:
        mix += "; NER tok2vec with floret vectors (100 dims, 20k buckets) trained on CLICK-ID"
    return mix + "; parameter averaging"


def refresh_metrics(out: Path, data: Path) -> dict:
    """Re-score a trained model (e.g. after rules changed) and rewrite its metrics and card."""
    metrics = json.loads((out / "metrics.json").read_text())
    metrics.update(evaluate_model(out, data))
    metrics["speed"] = measure_speed(out, data)
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2))
    write_model_card(out, metrics)
    return metrics
