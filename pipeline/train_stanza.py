"""Train the Stanza models of the Stanza backend offline from the public data (one command):

    warta train-stanza --data ../shared/data --out models/stanza_id      (or `make stanza-models`)

Steps, each resumable (a step whose model file exists is skipped unless `--force`), each a
Stanza trainer run as `python -m stanza.models.<trainer>` with `--seed`:

| step | data | output |
|---|---|---|
| data | UD CSUI train (+ legacy GSD train converted to UD v2 for pos/depparse), GSD dev; idner-news-2k train/dev | work/*.conllu, *.json |
| vectors | fastText (floret, plain words) on the CLICK-ID news dump -> Stanza pretrain | pretrain.pt |
| charlm_forward, charlm_backward | character LMs on the same news text | charlm_*.pt |
| tokenize, mwt, pos, lemma, depparse | UD data as above (XPOS dropped: CSUI and GSD use different sets) | *.pt |
| ner | idner-news-2k train, dev for early stopping, with the charlms and pretrain | ner.pt |
| score | GSD dev from raw text (official CoNLL 2018 scorer) and idner dev strict F1 | CARD.md, meta.json |

Test splits are never read here. `--scale` multiplies every training length (0.01 for a smoke
run: seconds per step), so the same code trains the tiny models of the tests.
"""
from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Optional, Sequence

from .formats import bio_to_spans, read_bio, read_conllu_sentences

STEPS = ("data", "vectors", "charlm_forward", "charlm_backward", "tokenize", "mwt", "pos", "lemma",
         "depparse", "ner", "ner_seeds", "score")
SHORTHAND = "id_warta"

# Training lengths at --scale 1, sized for 2 CPU cores: the step at which each model of the README's
# training card had its best (and last) dev evaluation, so the one command retrains those models
# without time limits (about 3 h of trainer time; two steps can run at once, one thread each).
SETTINGS: dict[str, dict[str, Any]] = {
    "vectors": {"dim": 100, "epoch": 5, "min_count": 5, "max_vocab": 100_000},
    "charlm": {"chars": 12_000_000, "char_hidden_dim": 512, "epochs": 1, "batch_size": 50, "bptt_size": 100},
    "tokenize": {"steps": 4200, "batch_size": 32, "eval_steps": 600},
    "mwt": {"num_epoch": 30},
    "pos": {"max_steps": 1200, "batch_size": 32, "eval_interval": 400, "hidden_dim": 200, "char_hidden_dim": 400},
    "lemma": {"num_epoch": 30, "dict_only": 0},  # dict_only=1: the training-data dictionary alone (seconds)
    "depparse": {"max_steps": 1200, "batch_size": 500, "eval_interval": 400, "hidden_dim": 200,
                 "char_hidden_dim": 400, "deep_biaff_hidden_dim": 400},
    "ner": {"max_steps": 1500, "batch_size": 32, "eval_interval": 500, "hidden_dim": 256, "seeds": 3},
}


def _scaled(n: int, scale: float, floor: int = 1) -> int:
    return max(floor, int(round(n * scale)))


# ----------------------------------------------------------------------------- data
def _rows_text(text: Optional[str], rows: list[list[str]]) -> str:
    from .formats import detokenize

    if text:
        return text
    return detokenize([r[1] for r in rows if "-" not in r[0]])[0]


def write_conllu(sentences: Iterable[tuple[str, list[list[str]]]], path: Path, keep_xpos: bool = False) -> int:
    """CoNLL-U with `# text`, XPOS dropped (the treebanks use different XPOS sets); returns sentences."""
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        for text, rows in sentences:
            fh.write(f"# sent_id = {n + 1}\n# text = {text}\n")
            for r in rows:
                r = list(r)
                if not keep_xpos and "-" not in r[0]:
                    r[4] = "_"
                fh.write("\t".join(r) + "\n")
            fh.write("\n")
            n += 1
    return n


def _legacy_sentences(path: Path):
    from .train import convert_v1_sentence

    for text, rows in read_conllu_sentences(path):
        words = convert_v1_sentence([r for r in rows if "-" not in r[0]])
        for r in words:
            r[9] = "_"  # legacy MISC holds NER labels, not SpaceAfter
        yield _rows_text(None, words), words


def prepare_data(data: Path, work: Path, limit: Optional[int] = None) -> dict[str, int]:
    """Training and dev files for every trainer in `work`; `limit` keeps the first sentences
    of each (tiny test models). Returns sentence counts."""
    work.mkdir(parents=True, exist_ok=True)
    csui = list(read_conllu_sentences(data / "ud-indonesian-csui" / "id_csui-ud-train.conllu"))
    legacy_path = data / "ud-indonesian-gsd-legacy-v1" / "parser-id.conllu.train"
    legacy = list(_legacy_sentences(legacy_path)) if legacy_path.exists() else []
    dev = list(read_conllu_sentences(data / "ud-indonesian-gsd" / "id_gsd-ud-dev.conllu"))
    if limit:
        csui, legacy, dev = csui[:limit], legacy[:limit], dev[:limit]
    counts = {"csui_train": write_conllu(((_rows_text(t, r), r) for t, r in csui), work / "csui-train.conllu"),
              "syntax_train": write_conllu(((_rows_text(t, r), r) for t, r in csui + legacy),
                                           work / "syntax-train.conllu"),
              "gsd_dev": write_conllu(((_rows_text(t, r), r) for t, r in dev), work / "gsd-dev.conllu")}
    # the tokenizer's raw text + character labels (CSUI only: legacy GSD has no text and no MWTs)
    from stanza.utils.datasets import prepare_tokenizer_data

    for name in ("csui-train", "gsd-dev"):
        conllu = work / f"{name}.conllu"
        txt = work / f"{name}.txt"
        texts = [line[len("# text = "):] for line in conllu.read_text(encoding="utf-8").splitlines()
                 if line.startswith("# text = ")]
        # paragraphs of 5 sentences (the treebanks have no document breaks): the tokenizer learns
        # to split sentences inside a paragraph, as news text needs
        txt.write_text("\n\n".join(" ".join(texts[i:i + 5]) for i in range(0, len(texts), 5)) + "\n",
                       encoding="utf-8")
        prepare_tokenizer_data.main([str(txt), str(conllu), "-o", str(work / f"{name}.toklabels"),
                                     "-m", str(work / f"{name}-mwt.json")])
    for split in ("train", "dev"):
        sents = list(read_bio(data / "idner-news-2k" / f"{split}.txt"))
        if limit:
            sents = sents[:limit]
        (work / f"ner-{split}.json").write_text(json.dumps(
            [[{"text": w, "ner": t} for w, t in zip(words, tags)] for words, tags in sents], ensure_ascii=False),
            encoding="utf-8")
        counts[f"idner_{split}"] = len(sents)
    return counts


def news_text(data: Path, work: Path, chars: int, limit_docs: Optional[int] = None) -> tuple[Path, Path]:
    """Plain news text for vectors and charlms (tokenized words for the vectors, raw paragraphs
    for the charlms), from the CLICK-ID dump; train and a small held-out eval slice."""
    from .train import PARA_JOIN, repair_mojibake

    train, held = work / "news-charlm-train.txt", work / "news-charlm-eval.txt"
    if train.exists() and held.exists():
        return train, held
    written = 0
    with open(data / "news-corpus-clickid" / "articles.jsonl", encoding="utf-8") as src, \
            open(train, "w", encoding="utf-8") as tr, open(held, "w", encoding="utf-8") as ev:
        for k, line in enumerate(src):
            if limit_docs and k >= limit_docs:
                break
            paras = [p.strip() for p in PARA_JOIN.split(repair_mojibake(json.loads(line)["text"])) if len(p.strip()) > 20]
            out = ev if k % 50 == 0 else tr
            for p in paras:
                out.write(p + "\n")
                if out is tr:
                    written += len(p) + 1
            if written >= chars:
                break
    return train, held


# ----------------------------------------------------------------------------- steps
TIME_LIMIT: dict[str, Optional[float]] = {"seconds": None}  # per trainer run; set by train_stanza()
STOPPED: list[str] = []  # trainers stopped at the time limit (their best saved model is kept)


def _run(module: str, args: Sequence[str], log: Path) -> None:
    """A Stanza trainer in a subprocess (its own torch, threads = the machine's cores). With a
    time limit, a trainer still running is stopped; the model it saved at its best dev
    evaluation so far is kept (an error if it saved none)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    args = [str(a) for a in args]
    save = Path(args[args.index("--save_dir") + 1]) / args[args.index("--save_name") + 1]
    with open(log, "w", encoding="utf-8") as fh:
        proc = subprocess.Popen([sys.executable, "-m", module, *args], stdout=fh, stderr=subprocess.STDOUT,
                                env={**os.environ, "PYTHONHASHSEED": "0"})
        try:
            proc.wait(timeout=TIME_LIMIT["seconds"])
        except subprocess.TimeoutExpired:
            proc.terminate()
            proc.wait()
            if save.exists():
                STOPPED.append(save.name)
                return
            raise RuntimeError(f"{module} saved no model within the time limit ({TIME_LIMIT['seconds']} s); log {log}")
    if proc.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-15:]
        raise RuntimeError(f"{module} failed (exit {proc.returncode}); log {log}:\n" + "\n".join(tail))


def _charlm_args(out: Path) -> list[str]:
    f, b = out / "charlm_forward.pt", out / "charlm_backward.pt"
    if f.exists() and b.exists():
        return ["--charlm", "--charlm_shorthand", SHORTHAND, "--charlm_forward_file", str(f),
                "--charlm_backward_file", str(b)]
    return []


def _pretrain_args(out: Path) -> list[str]:
    p = out / "pretrain.pt"
    return ["--wordvec_pretrain_file", str(p)] if p.exists() else ["--no_pretrain"]


def step_vectors(data: Path, work: Path, out: Path, scale: float, seed: int) -> dict:
    """fastText word vectors on the tokenized news dump -> Stanza's pretrain file."""
    import floret
    from stanza.models.common.pretrain import Pretrain

    from .train import write_corpus_text

    s = SETTINGS["vectors"]
    corpus = work / "clickid-tokens.txt"
    if not corpus.exists():
        if scale < 1:  # a smoke run: the charlm text slice is enough
            train, _ = news_text(data, work, _scaled(SETTINGS["charlm"]["chars"], scale, 20_000))
            shutil.copy(train, corpus)
        else:
            write_corpus_text(data, corpus)
    model = floret.train_unsupervised(str(corpus), model="cbow", mode="fasttext", dim=s["dim"],
                                      epoch=max(1, _scaled(s["epoch"], min(1.0, scale * 10))),
                                      minCount=s["min_count"] if scale >= 1 else 1, thread=1,
                                      minn=3, maxn=5)
    words = model.words[:s["max_vocab"]]
    vec = work / "vectors.txt"
    with open(vec, "w", encoding="utf-8") as fh:
        fh.write(f"{len(words)} {s['dim']}\n")
        for w in words:
            if w and not any(c.isspace() for c in w):
                fh.write(w + " " + " ".join(f"{x:.5f}" for x in model.get_word_vector(w)) + "\n")
    Pretrain(str(out / "pretrain.pt"), str(vec), max_vocab=s["max_vocab"]).load()
    return {"words": len(words), "dim": s["dim"]}


def step_charlm(direction: str):
    def run(data: Path, work: Path, out: Path, scale: float, seed: int) -> dict:
        s = SETTINGS["charlm"]
        train, held = news_text(data, work, _scaled(s["chars"], scale, 20_000))
        ddir = work / f"charlm-{direction}"
        (ddir / "train").mkdir(parents=True, exist_ok=True)
        shutil.copy(train, ddir / "train" / "news.txt")
        _run("stanza.models.charlm", [
            "--train_dir", ddir / "train", "--eval_file", held, "--direction", direction, "--shorthand", SHORTHAND,
            "--char_hidden_dim", s["char_hidden_dim"] if scale >= 0.1 else 32, "--char_emb_dim", 100 if scale >= 0.1 else 16,
            "--epochs", s["epochs"], "--batch_size", s["batch_size"], "--bptt_size", s["bptt_size"],
            "--cutoff", 5, "--eval_steps", -1, "--save_dir", out, "--save_name", f"charlm_{direction}.pt",
            "--vocab_save_name", f"charlm_{direction}_vocab.pt", "--no_checkpoint", "--seed", seed], work / "logs" / f"charlm_{direction}.log")
        return {"chars": train.stat().st_size, "char_hidden_dim": s["char_hidden_dim"] if scale >= 0.1 else 32}
    return run


def _train(module: str, name: str, work: Path, out: Path, seed: int, args: list, lang: bool = True) -> None:
    """One Stanza trainer in training mode: the shared arguments around `args`, `<out>/<name>.pt`,
    its log in `<work>/logs/<name>.log`."""
    head = ["--mode", "train", *(["--lang", "id"] if lang else []), "--shorthand", SHORTHAND]
    _run(module, [*head, *args, "--save_dir", out, "--save_name", f"{name}.pt", "--seed", seed],
         work / "logs" / f"{name}.log")


def _eval_interval(settings: dict, steps: int) -> int:
    return max(5, min(settings["eval_interval"], steps // 2))


def step_tokenize(data: Path, work: Path, out: Path, scale: float, seed: int) -> dict:
    s = SETTINGS["tokenize"]
    steps = _scaled(s["steps"], scale, 10)
    _train("stanza.models.tokenizer", "tokenize", work, out, seed, [
        "--txt_file", work / "csui-train.txt", "--label_file", work / "csui-train.toklabels",
        "--dev_txt_file", work / "gsd-dev.txt", "--dev_label_file", work / "gsd-dev.toklabels",
        "--dev_conll_gold", work / "gsd-dev.conllu", "--conll_file", work / "tokenize-dev.pred.conllu",
        "--mwt_json_file", work / "gsd-dev-mwt.json", "--steps", steps, "--batch_size", s["batch_size"],
        "--eval_steps", max(10, min(s["eval_steps"], steps // 2)), "--max_seqlen", 300, "--use_mwt"])
    return {"steps": steps}


def step_mwt(data: Path, work: Path, out: Path, scale: float, seed: int) -> dict:
    epochs = _scaled(SETTINGS["mwt"]["num_epoch"], scale)
    _train("stanza.models.mwt_expander", "mwt", work, out, seed, [
        "--train_file", work / "csui-train.conllu", "--eval_file", work / "gsd-dev.conllu",
        "--output_file", work / "mwt-dev.pred.conllu", "--gold_file", work / "gsd-dev.conllu",
        "--num_epoch", epochs])
    return {"num_epoch": epochs}


def step_pos(data: Path, work: Path, out: Path, scale: float, seed: int) -> dict:
    s = SETTINGS["pos"]
    steps = _scaled(s["max_steps"], scale, 10)
    _train("stanza.models.tagger", "pos", work, out, seed, [
        "--train_file", work / "syntax-train.conllu", "--eval_file", work / "gsd-dev.conllu",
        "--output_file", work / "pos-dev.pred.conllu", "--share_hid", "--batch_size", s["batch_size"],
        "--max_steps", steps, "--eval_interval", _eval_interval(s, steps),
        "--hidden_dim", s["hidden_dim"] if scale >= 0.1 else 32,
        "--char_hidden_dim", s["char_hidden_dim"] if scale >= 0.1 else 32,
        *_pretrain_args(out), *_charlm_args(out)])
    return {"max_steps": steps}


def step_lemma(data: Path, work: Path, out: Path, scale: float, seed: int) -> dict:
    epochs = _scaled(SETTINGS["lemma"]["num_epoch"], scale)
    _train("stanza.models.lemmatizer", "lemma", work, out, seed, [
        "--train_file", work / "csui-train.conllu", "--eval_file", work / "gsd-dev.conllu",
        "--output_file", work / "lemma-dev.pred.conllu", "--num_epoch", epochs,
        *(["--dict_only"] if SETTINGS["lemma"]["dict_only"] else []),
        *(["--hidden_dim", 32, "--max_dec_len", 20] if scale < 0.1 else []), *_charlm_args(out)], lang=False)
    return {"num_epoch": epochs}


def step_depparse(data: Path, work: Path, out: Path, scale: float, seed: int) -> dict:
    s = SETTINGS["depparse"]
    steps = _scaled(s["max_steps"], scale, 10)
    _train("stanza.models.parser", "depparse", work, out, seed, [
        "--train_file", work / "syntax-train.conllu", "--eval_file", work / "gsd-dev.conllu",
        "--output_file", work / "depparse-dev.pred.conllu", "--batch_size", s["batch_size"],
        "--max_steps", steps, "--eval_interval", _eval_interval(s, steps),
        "--hidden_dim", s["hidden_dim"] if scale >= 0.1 else 32,
        "--deep_biaff_hidden_dim", s["deep_biaff_hidden_dim"] if scale >= 0.1 else 32,
        "--char_hidden_dim", s["char_hidden_dim"] if scale >= 0.1 else 32,
        *_pretrain_args(out), *_charlm_args(out), "--no_xpos"])
    return {"max_steps": steps}


def ner_seed_files(out: Path) -> dict[int, Path]:
    """The NER models of the recipe by seed: `ner.pt` (trained with the `ner` step's seed, the one
    the backend loads) and `ner-seed<N>.pt` from `ner_seeds`."""
    record_path = out / "training.json"
    record = json.loads(record_path.read_text(encoding="utf-8")) if record_path.exists() else {}
    files = {int(f.stem[len("ner-seed"):]): f for f in out.glob("ner-seed*.pt")}
    if (out / "ner.pt").exists():
        files[int(record.get("steps", {}).get("ner", {}).get("seed", record.get("seed", 0)))] = out / "ner.pt"
    return dict(sorted(files.items()))


def step_ner(data: Path, work: Path, out: Path, scale: float, seed: int, name: str = "ner") -> dict:
    s = SETTINGS["ner"]
    steps = _scaled(s["max_steps"], scale, 10)
    _train("stanza.models.ner_tagger", name, work, out, seed, [
        "--train_file", work / "ner-train.json", "--eval_file", work / "ner-dev.json",
        "--max_steps", steps, "--eval_interval", _eval_interval(s, steps),
        "--batch_size", s["batch_size"], "--hidden_dim", s["hidden_dim"] if scale >= 0.1 else 32,
        *(["--char_hidden_dim", 16, "--word_emb_dim", 16] if scale < 0.1 else []),
        *_pretrain_args(out), *_charlm_args(out)], lang=False)
    return {"max_steps": steps, "seed": seed}


def step_ner_seeds(data: Path, work: Path, out: Path, scale: float, seed: int) -> dict:
    """More NER runs with seeds `seed+1 .. seed+ner.seeds-1` (`ner-seed<N>.pt`, each skipped when
    it exists), so that the card reports the Stanza NER as a mean over seeds, as the spaCy NER's is."""
    trained = []
    for sd in range(seed + 1, seed + SETTINGS["ner"]["seeds"]):
        name = f"ner-seed{sd}"
        if not (out / f"{name}.pt").exists():
            step_ner(data, work, out, scale, sd, name)
            trained.append(sd)
    return {"trained_seeds": trained}


STEP_FUNCS: dict[str, Callable[..., dict]] = {
    "vectors": step_vectors, "charlm_forward": step_charlm("forward"), "charlm_backward": step_charlm("backward"),
    "tokenize": step_tokenize, "mwt": step_mwt, "pos": step_pos, "lemma": step_lemma,
    "depparse": step_depparse, "ner": step_ner, "ner_seeds": step_ner_seeds,
}
STEP_OUTPUT = {"vectors": "pretrain.pt", "charlm_forward": "charlm_forward.pt", "charlm_backward": "charlm_backward.pt",
               "tokenize": "tokenize.pt", "mwt": "mwt.pt", "pos": "pos.pt", "lemma": "lemma.pt",
               "depparse": "depparse.pt", "ner": "ner.pt"}


# ----------------------------------------------------------------------------- scoring
def stanza_config(model_dir: Path, stages: Sequence[str] = ("tokenize", "tag"), ner: str = "spacy",
                  spacy_model: Optional[str] = None, threads: int = 1) -> dict:
    """Settings for the Stanza backend over `model_dir` (a partial config for `runner.load`)."""
    return {"pipeline": {"backend": "stanza", "stages": list(stages), "model": spacy_model},
            "stanza": {"dir": str(Path(model_dir).resolve()), "ner": ner, "threads": threads}}


def conllu_of(annotator, texts: Sequence[str]) -> str:
    """CoNLL-U of raw texts through the one record path's spaCy Language (no cleaning)."""
    from .stanza_backend import doc_to_conllu

    return "".join(doc_to_conllu(doc) for doc in annotator.nlp.pipe(texts))


def official_ud_scores(gold: Path, system: Path) -> dict:
    """The CoNLL 2018 shared task scorer as shipped with Stanza (`udtools.udeval`, the UD
    project's evaluation script, through `stanza.models.common.utils.ud_scores`)."""
    from stanza.models.common.utils import ud_scores

    return ud_scores(str(gold), str(system))


def score_ud_official(annotator, gold_path: Path, work: Path, sentences_per_doc: int = 10) -> dict[str, float]:
    """F1 of the official CoNLL 2018 scorer (`official_ud_scores`) from raw text:
    the treebank's `# text`, `sentences_per_doc` sentences joined by a space per document."""
    from .ud_eval import read_ud_documents

    docs = read_ud_documents(gold_path, sentences_per_doc)
    work.mkdir(parents=True, exist_ok=True)
    system = work / f"{gold_path.stem}.system.conllu"
    system.write_text(conllu_of(annotator, [d.text for d in docs]), encoding="utf-8")
    result = official_ud_scores(gold_path, system)
    names = {"Tokens": "tokens", "Sentences": "sentences", "Words": "words", "UPOS": "upos", "UFeats": "ufeats",
             "Lemmas": "lemma", "UAS": "uas", "LAS": "las"}
    return {short: round(result[name].f1, 4) for name, short in names.items()}


def _strict_prf(gold: set, pred: set) -> dict[str, float]:
    tp = len(gold & pred)
    p = tp / len(pred) if pred else 0.0
    r = tp / len(gold) if gold else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f": round(2 * p * r / (p + r), 4) if p + r else 0.0}


def _gold_spans(k: int, tags: Sequence[str], offsets: Sequence[tuple[int, int]]) -> set:
    return {(k, sp["start"], sp["end"], sp["label"]) for sp in bio_to_spans(tags, offsets)}


def score_ner_dev(annotator, data: Path) -> dict[str, float]:
    """Strict span P/R/F1 of the backend's model entities (PER/ORG/LOC, before Warta's rules) on
    idner-news-2k dev; the text is the gold tokens joined by spaces, so spans compare by offsets."""
    gold, pred = set(), set()
    texts = []
    for k, (words, tags) in enumerate(read_bio(data / "idner-news-2k" / "dev.txt")):
        text, pos = "", []
        for w in words:
            if text:
                text += " "
            pos.append((len(text), len(text) + len(w)))
            text += w
        texts.append(text)
        gold |= _gold_spans(k, tags, pos)
    nlp = annotator.nlp
    keep = [n for n in nlp.pipe_names if n == "ner"]
    with nlp.select_pipes(enable=keep):
        for k, doc in enumerate(nlp.pipe(texts)):
            for ent in doc.ents:
                if ent.label_ in ("PER", "ORG", "LOC"):
                    pred.add((k, ent.start_char, ent.end_char, ent.label_))
    return _strict_prf(gold, pred)


def score_stanza_ner_gold_tokens(model_dir: Path, data: Path, ner_file: Optional[Path] = None) -> dict[str, float]:
    """Strict span P/R/F1 of a Stanza NER model on idner-news-2k dev's own tokens (Stanza run
    pretokenized), spans compared by token index: how the spaCy NER's card figure is taken."""
    from .config import load_config
    from .stanza_backend import load_stanza

    config = load_config(stanza_config(model_dir, ("tokenize", "ner"), ner="stanza"))
    config["stanza"]["processors"] = ["tokenize"]
    if ner_file is not None:
        config["stanza"]["paths"]["ner"] = str(ner_file)
    sents = list(read_bio(data / "idner-news-2k" / "dev.txt"))
    nlp = load_stanza(config, tokenize_pretokenized=True)
    sdoc = nlp([words for words, _ in sents])
    gold, pred = set(), set()
    for k, ((words, tags), sent) in enumerate(zip(sents, sdoc.sentences)):
        index = [(i, i + 1) for i in range(len(words))]
        gold |= _gold_spans(k, tags, index)
        bio = [t.ner.replace("S-", "B-").replace("E-", "I-") for t in sent.tokens]
        pred |= _gold_spans(k, bio, index)
    return _strict_prf(gold, pred)


def step_score(data: Path, work: Path, out: Path) -> dict:
    from .runner import load

    scores: dict[str, Any] = {}
    syntax = load(stanza_config(out))
    scores["gsd_dev_raw"] = score_ud_official(syntax, data / "ud-indonesian-gsd" / "id_gsd-ud-dev.conllu", work)
    if (out / "ner.pt").exists():
        scores["idner_dev"] = score_ner_dev(load(stanza_config(out, ("tokenize", "tag", "ner"), ner="stanza")), data)
    seeds = ner_seed_files(out)
    if seeds:  # each seed on the gold tokens (the models' own tokenization-free figure)
        scores["idner_dev_seeds"] = {str(sd): score_stanza_ner_gold_tokens(out, data, file.resolve())
                                     for sd, file in seeds.items()}
    return scores


# ----------------------------------------------------------------------------- recipe
def apply_settings(assignments: Iterable[str]) -> None:
    """`step.key=value` overrides of SETTINGS (e.g. `charlm.chars=4000000`)."""
    for item in assignments:
        key, _, value = item.partition("=")
        step, _, name = key.partition(".")
        if step not in SETTINGS or name not in SETTINGS[step]:
            raise ValueError(f"unknown setting {key!r}; known: " +
                             ", ".join(f"{s}.{k}" for s, d in SETTINGS.items() for k in d))
        SETTINGS[step][name] = type(SETTINGS[step][name])(float(value) if "." in value or "e" in value else int(value))


def train_stanza(data: Path, out: Path, work: Path, steps: Sequence[str] = STEPS, scale: float = 1.0,
                 seed: int = 1234, force: bool = False, limit: Optional[int] = None,
                 settings: Sequence[str] = (), time_limit: Optional[float] = None) -> str:
    """Run the requested steps in order (skipping those already done), then write the card;
    returns the card text. `limit` keeps the first sentences of every data set (tests);
    `settings`: `step.key=value` overrides (for this call only); `time_limit`: seconds per trainer run."""
    defaults = copy.deepcopy(SETTINGS)
    try:
        return _train_steps(data, out, work, steps, scale, seed, force, limit, settings, time_limit)
    finally:
        SETTINGS.clear()
        SETTINGS.update(defaults)


def _train_steps(data: Path, out: Path, work: Path, steps: Sequence[str], scale: float, seed: int, force: bool,
                 limit: Optional[int], settings: Sequence[str], time_limit: Optional[float]) -> str:
    apply_settings(settings)
    TIME_LIMIT["seconds"] = time_limit
    unknown = [s for s in steps if s not in STEPS]
    if unknown:
        raise ValueError(f"unknown steps {unknown}; known: {', '.join(STEPS)}")
    out.mkdir(parents=True, exist_ok=True)
    work.mkdir(parents=True, exist_ok=True)
    record_path = out / "training.json"
    record = json.loads(record_path.read_text(encoding="utf-8")) if record_path.exists() else {"steps": {}}
    record.update({"seed": seed, "limit": limit})
    try:
        import stanza
        import torch

        record["versions"] = {"stanza": stanza.__version__, "torch": torch.__version__}
    except ImportError as exc:
        raise RuntimeError("warta train-stanza needs the `stanza` extra: pip install 'warta[stanza]'") from exc
    for step in STEPS:
        if step not in steps:
            continue
        done = out / STEP_OUTPUT[step] if step in STEP_OUTPUT else None
        if not force and step != "score" and (done is not None and done.exists()
                                              or step == "data" and (work / "ner-dev.json").exists()):
            continue
        t0 = time.perf_counter()
        if step == "data":
            info = prepare_data(data, work, limit)
        elif step == "score":
            info = step_score(data, work, out)
            record["scores"] = info
        else:
            STOPPED.clear()
            info = STEP_FUNCS[step](data, work, out, scale, seed)
            for stray in [*out.glob("*_checkpoint.pt"), *out.glob("*_vocab.pt")]:  # training by-products
                stray.replace(work / stray.name)
            info["settings"] = dict(SETTINGS.get("charlm" if step.startswith("charlm") else step, {}))
            if STOPPED:
                info["stopped_at_time_limit"] = time_limit
        if record_path.exists():  # another run may have finished a step meanwhile: keep it
            for name, done_info in json.loads(record_path.read_text(encoding="utf-8"))["steps"].items():
                record["steps"].setdefault(name, done_info)
        record["steps"][step] = {"seconds": round(time.perf_counter() - t0, 1),
                                 **({"scale": scale} if step in STEP_FUNCS else {}), **info}
        record_path.write_text(json.dumps(record, indent=2), encoding="utf-8")
    card = training_card(out, record)
    (out / "CARD.md").write_text(card, encoding="utf-8")
    (out / "meta.json").write_text(json.dumps({"name": "stanza_id", "backend": "stanza", "seed": seed,
                                               "scale": scale}, indent=2), encoding="utf-8")
    return card


def training_card(out: Path, record: dict) -> str:
    """The model card: data, settings, time and size per step, scores."""
    lines = ["# Warta's Stanza models (id)", "",
             f"Trained by `warta train-stanza` (seed {record['seed']}, "
             f"stanza {record['versions']['stanza']}, torch {record['versions']['torch']}, "
             f"{os.cpu_count()} CPU cores); test splits never used.", "",
             "| step | seconds | file | MB | settings |", "|---|---|---|---|---|"]
    for step in STEPS:
        info = record["steps"].get(step)
        if info is None:
            continue
        file = STEP_OUTPUT.get(step)
        size = f"{(out / file).stat().st_size / 1e6:.1f}" if file and (out / file).exists() else ""
        rest = ", ".join([f"{k}={v}" for k, v in info.items() if k not in ("seconds", "settings")]
                         + [f"{k}={v}" for k, v in info.get("settings", {}).items() if k not in info])
        lines.append(f"| {step} | {info['seconds']} | {file or ''} | {size} | {rest} |")
    total = sum(p.stat().st_size for p in out.glob("*.pt")) / 1e6
    lines += ["", f"Total size: {total:.1f} MB.", ""]
    scores = record.get("scores")
    if scores:
        lines += ["## Scores (dev sets)", "", "GSD dev from raw text, official CoNLL 2018 scorer (F1):", "",
                  "| " + " | ".join(scores["gsd_dev_raw"]) + " |", "|" + "---|" * len(scores["gsd_dev_raw"]),
                  "| " + " | ".join(f"{v:.3f}" for v in scores["gsd_dev_raw"].values()) + " |", ""]
        if "idner_dev" in scores:
            s = scores["idner_dev"]
            lines += [f"idner-news-2k dev, Stanza NER alone (`ner.pt`, seed {record['seed']}) on the tokens "
                      f"joined by spaces and tokenized by Stanza, strict span: "
                      f"P {s['p']:.3f} R {s['r']:.3f} F1 {s['f']:.3f}.", ""]
        if "idner_dev_seeds" in scores:
            per_seed = scores["idner_dev_seeds"]
            f1 = [v["f"] for v in per_seed.values()]
            mean = sum(f1) / len(f1)
            sd = (sum((x - mean) ** 2 for x in f1) / max(1, len(f1) - 1)) ** 0.5
            lines += ["idner-news-2k dev on its gold tokens (Stanza run pretokenized), strict span, per seed:", "",
                      "| seed | P | R | F1 |", "|---|---|---|---|"]
            lines += [f"| {k} | {v['p']:.3f} | {v['r']:.3f} | {v['f']:.3f} |" for k, v in per_seed.items()]
            lines += ["", f"Mean strict F1 over {len(f1)} seeds: {mean:.3f} (sd {sd:.3f}).", ""]
    return "\n".join(lines)
