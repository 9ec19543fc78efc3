"""`warta evaluate`: score cleaning, entities, relations, stems/lemmas and syntax against gold.

Gold formats (detected from the file): Warta JSONL (ANNOTATION.md section 4, `lines` for
cleaning), CoNLL-style BIO/IOB2 token files, Prodigy/doccano span JSONL, UD CoNLL-U.
Metrics follow nervaluate (strict / exact / partial / type) and conlleval (strict span F1);
bootstrap 95% intervals over documents; a paired bootstrap test between two prediction files.
`evaluate()` returns plain dicts; `evaluate_frames()` the same as pandas DataFrames.
"""
from __future__ import annotations

import json
import random
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Optional, Sequence

from .formats import bio_to_spans, detokenize, read_bio, read_conllu
from .metrics import f1_from

SCHEMES = ("strict", "exact", "partial", "type")


# ----------------------------------------------------------------------------- gold model
@dataclass
class GoldDoc:
    """One gold document: its text and whatever parts it labels."""

    id: str
    text: str
    entities: Optional[list[dict]] = None  # {start, end, label}
    relations: Optional[list[dict]] = None  # {label, head: {start,end,text}, tail: {...}}
    lines: Optional[list[dict]] = None  # cleaning: {n, label, kind}
    raw: Optional[str] = None
    tokens: Optional[list[dict]] = None  # CoNLL-U: {start, end, text, upos, lemma, head, deprel}
    sentence_starts: list[int] = field(default_factory=list)


def read_conll_bio(path: Path) -> list[GoldDoc]:
    """Token first, tag last, blank line between sentences; one GoldDoc per sentence."""
    docs = []
    for words, tags in read_bio(path):
        text, offsets = detokenize(words)
        docs.append(GoldDoc(f"{path.stem}-{len(docs) + 1}", text, entities=bio_to_spans(tags, offsets)))
    return docs


def read_conllu_gold(path: Path) -> list[GoldDoc]:

    docs = []
    for k, rows in enumerate(read_conllu(path), start=1):
        text, offsets = detokenize([r[1] for r in rows])
        toks = [{"start": s, "end": e, "text": r[1], "upos": r[3], "lemma": r[2],
                 "head": int(r[6]) - 1 if r[6] not in ("0", "_") else -1, "deprel": r[7]}
                for r, (s, e) in zip(rows, offsets)]
        docs.append(GoldDoc(f"{path.stem}-{k}", text, tokens=toks))
    return docs


def read_span_jsonl(path: Path) -> list[GoldDoc]:
    """Warta JSONL, Prodigy (`spans`) or doccano (`label: [[s, e, L]]`) records."""
    docs = []
    for k, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        rec = json.loads(line)
        doc_id = str(rec.get("id", f"{path.stem}-{k}"))
        ents = None
        if "entities" in rec:
            ents = [{"start": e["start"], "end": e["end"], "label": e["label"]} for e in rec["entities"]]
        elif "spans" in rec:
            ents = [{"start": s["start"], "end": s["end"], "label": s["label"]} for s in rec["spans"]]
        elif isinstance(rec.get("label"), list):
            ents = [{"start": s, "end": e, "label": lab} for s, e, lab in rec["label"]]
        rels = None
        if "relations" in rec and ents is not None:
            by_id = {e["id"]: e for e in rec.get("entities", []) if "id" in e}
            rels = [{"label": r["label"], "head": by_id[r["head"]], "tail": by_id[r["tail"]]}
                    for r in rec["relations"] if r["head"] in by_id and r["tail"] in by_id]
        tasks = set(rec.get("tasks", ["clean", "ner", "relations", "stems", "syntax"]))
        docs.append(GoldDoc(doc_id, rec.get("text", ""), entities=ents if "ner" in tasks else None,
                            relations=rels, lines=rec.get("lines"), raw=rec.get("raw")))
    return docs


def read_gold(path: str | Path) -> list[GoldDoc]:
    """Any supported gold file, by extension and content."""
    path = Path(path)
    name = path.name.lower()
    if name.endswith(".conllu") or ".conllu." in name:
        return read_conllu_gold(path)
    if name.endswith((".jsonl", ".json")):
        return read_span_jsonl(path)
    return read_conll_bio(path)


# ----------------------------------------------------------------------------- metrics
@dataclass
class Counts:
    cor: float = 0
    inc: float = 0
    par: float = 0
    mis: float = 0
    spu: float = 0

    def add(self, other: "Counts") -> None:
        self.cor += other.cor
        self.inc += other.inc
        self.par += other.par
        self.mis += other.mis
        self.spu += other.spu

    def prf(self, partial: bool) -> tuple[float, float, float]:
        pos = self.cor + self.inc + self.par + self.mis
        act = self.cor + self.inc + self.par + self.spu
        hit = self.cor + (0.5 * self.par if partial else 0)
        p = hit / act if act else 0.0
        r = hit / pos if pos else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


NERVALUATE_SCHEMES = {"strict": "strict", "exact": "exact", "partial": "partial", "type": "ent_type"}


def _nervaluate_spans(spans: list[dict]) -> list[dict]:
    """Character spans (end exclusive) as nervaluate reads them (end inclusive)."""
    return [{"label": e["label"], "start": e["start"], "end": e["end"] - 1} for e in spans]


def ner_counts_by_label(gold: list[dict], pred: list[dict]) -> dict[str, dict[str, Counts]]:
    """nervaluate's four schemes (strict, exact, partial, type) over one document: label ('*' =
    all labels) -> scheme -> Counts. The counts are nervaluate's own (`Evaluator`), kept per
    document so that the bootstrap can resample documents."""
    from nervaluate import Evaluator

    labels = sorted({e["label"] for e in gold} | {e["label"] for e in pred})
    out: dict[str, dict[str, Counts]] = {"*": {s: Counts() for s in SCHEMES}}
    if not labels:
        return out
    res = Evaluator([_nervaluate_spans(gold)], [_nervaluate_spans(pred)], tags=labels, loader="dict").evaluate()

    def counts(r) -> Counts:
        return Counts(r.correct, r.incorrect, r.partial, r.missed, r.spurious)

    out["*"] = {ours: counts(res["overall"][theirs]) for ours, theirs in NERVALUATE_SCHEMES.items()}
    for lab in labels:
        out[lab] = {ours: counts(res["entities"][lab][theirs]) for ours, theirs in NERVALUATE_SCHEMES.items()}
    return out


def ner_counts(gold: list[dict], pred: list[dict]) -> dict[str, Counts]:
    """All labels together: scheme -> Counts (nervaluate)."""
    return ner_counts_by_label(gold, pred)["*"]


def conlleval_counts(gold: list[dict], pred: list[dict]) -> Counter:
    """conlleval: a predicted chunk is correct when boundaries and type match exactly."""
    g = Counter((e["start"], e["end"], e["label"]) for e in gold)
    p = Counter((e["start"], e["end"], e["label"]) for e in pred)
    c: Counter = Counter()
    for key in g | p:
        lab = key[2]
        c[(lab, "tp")] += min(g[key], p[key])
        c[(lab, "gold")] += g[key]
        c[(lab, "pred")] += p[key]
    return c


def _fact_text(text: str) -> str:
    """Lower case, whitespace collapsed, surrounding punctuation and quotes stripped (as the
    reference scorer of relations-dev does)."""
    return re.sub(r"\s+", " ", text.lower()).strip().strip(FACT_STRIP)


FACT_STRIP = " \t\n.,;:!?\"'“”‘’()[]{}«»-–—"


def fact_key(rel: dict, doc_id: str) -> tuple:
    """label + head text + tail text per document; `bertemu` is symmetric."""
    h, t = _fact_text(rel["head"]["text"]), _fact_text(rel["tail"]["text"])
    if rel["label"] == "bertemu" and t < h:
        h, t = t, h
    return doc_id, rel["label"], h, t


def span_key(rel: dict, doc_id: str) -> tuple:
    h = (rel["head"]["start"], rel["head"]["end"])
    t = (rel["tail"]["start"], rel["tail"]["end"])
    if rel["label"] == "bertemu" and t < h:
        h, t = t, h
    return doc_id, rel["label"], h, t


# ----------------------------------------------------------------------------- per-document scoring
@dataclass
class DocScore:
    """Everything needed to recompute any headline number over a subset of documents."""

    id: str
    conll: Counter = field(default_factory=Counter)
    ner: dict = field(default_factory=dict)
    rel: Counter = field(default_factory=Counter)
    clean: Counter = field(default_factory=Counter)
    tok: Counter = field(default_factory=Counter)
    errors: list = field(default_factory=list)


def map_labels(spans: Iterable[dict], mapping: dict[str, str]) -> list[dict]:
    return [dict(s, label=mapping.get(s["label"], s["label"])) for s in spans]


def score_document(gold: GoldDoc, pred: dict, tasks: set[str], label_map: dict[str, str],
                   labels: set[str]) -> DocScore:
    """Counts for one document; only entity labels in `labels` are scored."""
    ds = DocScore(gold.id)
    text = pred.get("text", "")
    if "ner" in tasks and gold.entities is not None:
        g = [e for e in map_labels(gold.entities, label_map) if e["label"] in labels]
        p = [e for e in map_labels(pred.get("entities", []), label_map) if e["label"] in labels]
        ds.conll = conlleval_counts(g, p)
        ds.ner = ner_counts_by_label(g, p)
        gset = {(e["start"], e["end"], e["label"]) for e in g}
        pset = {(e["start"], e["end"], e["label"]) for e in p}
        for s, e, lab in sorted(pset - gset):
            ds.errors.append({"doc": gold.id, "type": "false positive", "label": lab, "text": text[s:e],
                              "context": _context(text, s, e)})
        for s, e, lab in sorted(gset - pset):
            ds.errors.append({"doc": gold.id, "type": "miss", "label": lab, "text": gold.text[s:e],
                              "context": _context(gold.text, s, e)})
    if "relations" in tasks and gold.relations is not None:
        ents = {e["id"]: e for e in pred.get("entities", [])}
        prels = [{"label": r["label"], "head": ents[r["head"]], "tail": ents[r["tail"]], "rule": r.get("rule", "")}
                 for r in pred.get("relations", []) if r["head"] in ents and r["tail"] in ents]
        first = {}  # fact key -> (relation, text) where it is stated first, for the error's sentence
        for rels, src in ((prels, text), (gold.relations, gold.text)):
            for r in rels:
                first.setdefault(fact_key(r, gold.id), (r, src))
        for level, key in (("fact", fact_key), ("span", span_key)):
            gk = {key(r, gold.id) for r in gold.relations}
            pk = {key(r, gold.id) for r in prels}
            for k in gk | pk:
                lab = k[1]
                ds.rel[(level, lab, "tp")] += k in gk and k in pk
                ds.rel[(level, lab, "gold")] += k in gk
                ds.rel[(level, lab, "pred")] += k in pk
                if level == "fact" and (k in gk) != (k in pk):
                    rel, src = first.get(k, ({}, ""))
                    rule = f" [{rel.get('rule')}]" if k in pk and rel.get("rule") else ""
                    ds.errors.append({"doc": gold.id, "type": "miss" if k in gk else "false positive",
                                      "label": lab, "text": f"{k[2]} -> {k[3]}{rule}",
                                      "context": _relation_sentence(src, pred.get("sentences", []), rel)})
    if "clean" in tasks and gold.lines is not None and "boilerplate" in pred:
        from .clean_eval import GoldPage, score_page

        page = GoldPage(gold.id, gold.raw or pred.get("raw", ""),
                        {ln["n"]: (ln["label"], ln.get("kind")) for ln in gold.lines})
        sc = score_page(page, [(b["start"], b["end"]) for b in pred["boilerplate"]])
        ds.clean.update({"tp": sc.tp, "fp": sc.fp, "fn": sc.fn, "tn": sc.tn})
        for kind, n in sc.kind_total.items():
            ds.clean[("kind_total", kind)] += n
            ds.clean[("kind_dropped", kind)] += sc.kind_dropped[kind]
    if ({"stems", "syntax"} & tasks) and gold.tokens is not None:
        ptoks = {(t["start"], t["end"]): (k, t) for k, t in enumerate(pred.get("tokens", []))}
        for gt in gold.tokens:
            hit = ptoks.get((gt["start"], gt["end"]))
            ds.tok["n"] += 1
            if hit is None:
                continue
            k, pt = hit
            ds.tok["aligned"] += 1
            lemma = gt["lemma"].lower()
            if "stems" in tasks and lemma != "_" and gt["upos"] not in ("PUNCT", "NUM", "SYM", "PROPN", "X"):
                ds.tok["lemma_n"] += 1
                ds.tok["stem_ok"] += (pt.get("stem") or "") == lemma
                ds.tok["lemma_ok"] += (pt.get("lemma") or "").lower() == lemma
            if "syntax" in tasks:
                ds.tok["upos_ok"] += pt.get("pos") == gt["upos"]
                if "head" in pt:
                    gold_head = gt["head"]
                    pred_head = pt["head"] if pt["head"] != k else -1
                    head_ok = _gold_head_start(gold, gold_head) == _pred_head_start(pred, pred_head)
                    ds.tok["uas_ok"] += head_ok
                    dep = "root" if pt.get("dep") == "ROOT" else pt.get("dep")
                    ds.tok["las_ok"] += head_ok and dep == gt["deprel"]
    return ds


def _gold_head_start(gold: GoldDoc, head: int) -> Optional[int]:
    return None if head < 0 else gold.tokens[head]["start"]


def _pred_head_start(pred: dict, head: int) -> Optional[int]:
    return None if head < 0 else pred["tokens"][head]["start"]


def _relation_sentence(text: str, sentences: list[dict], rel: dict) -> str:
    """The sentence holding a relation's head and tail, the arguments marked [[...]]."""
    if not rel or not text:
        return ""
    h, t = rel["head"], rel["tail"]
    lo, hi = min(h["start"], t["start"]), max(h["end"], t["end"])
    for s in sentences:
        if s["start"] <= lo < s["end"]:
            lo, hi = s["start"], max(hi, s["end"])
            break
    else:
        lo, hi = max(0, lo - 60), min(len(text), hi + 60)
    marks = sorted([(h["start"], "[["), (h["end"], "]]"), (t["start"], "[["), (t["end"], "]]")], reverse=True)
    out = text[lo:hi]
    for pos, m in marks:
        if lo <= pos <= hi:
            out = out[:pos - lo] + m + out[pos - lo:]
    return out.replace("\n", " ")


def _context(text: str, s: int, e: int, width: int = 40) -> str:
    return (text[max(0, s - width):s] + "[[" + text[s:e] + "]]" + text[e:e + width]).replace("\n", " ")


# ----------------------------------------------------------------------------- aggregation
def aggregate(scores: Sequence[DocScore]) -> dict[str, Any]:
    """Headline numbers and per-label tables over a list of document scores."""
    res: dict[str, Any] = {"documents": len(scores)}
    conll: Counter = Counter()
    for d in scores:
        conll.update(d.conll)
    if conll or any(d.ner for d in scores):
        res["ner"] = {"schemes": _schemes(scores)}
    if conll:
        labels = sorted({lab for lab, _ in conll})
        per = {lab: dict(zip(("p", "r", "f1"), f1_from(conll[(lab, "tp")], conll[(lab, "pred")], conll[(lab, "gold")])),
                         support=conll[(lab, "gold")]) for lab in labels}
        tp = sum(conll[(lab, "tp")] for lab in labels)
        micro = f1_from(tp, sum(conll[(lab, "pred")] for lab in labels), sum(conll[(lab, "gold")] for lab in labels))
        res["ner"]["conlleval"] = {"micro": dict(zip(("p", "r", "f1"), micro)),
                                   "macro_f1": sum(v["f1"] for v in per.values()) / len(per),
                                   "per_label": per}
    rel: Counter = Counter()
    for d in scores:
        rel.update(d.rel)
    if rel:
        out = {}
        for level in ("fact", "span"):
            labels = sorted({k[1] for k in rel if k[0] == level})
            per = {lab: dict(zip(("p", "r", "f1"), f1_from(rel[(level, lab, "tp")], rel[(level, lab, "pred")],
                                                           rel[(level, lab, "gold")])),
                             support=rel[(level, lab, "gold")]) for lab in labels}
            tot = [sum(rel[(level, lab, x)] for lab in labels) for x in ("tp", "pred", "gold")]
            out[level] = {"micro": dict(zip(("p", "r", "f1"), f1_from(*tot))), "per_label": per}
        res["relations"] = out
    clean: Counter = Counter()
    for d in scores:
        clean.update(d.clean)
    if clean:
        p, r, f = f1_from(clean["tp"], clean["tp"] + clean["fp"], clean["tp"] + clean["fn"])
        kinds = sorted({k[1] for k in clean if isinstance(k, tuple) and k[0] == "kind_total"})
        res["clean"] = {"p": p, "r": r, "f1": f,
                        "kind_recall": {k: clean[("kind_dropped", k)] / clean[("kind_total", k)] for k in kinds}}
    tok: Counter = Counter()
    for d in scores:
        tok.update(d.tok)
    if tok:
        n = tok["n"] or 1
        ln = tok["lemma_n"] or 1
        res["tokens"] = {"gold_tokens": tok["n"], "aligned": tok["aligned"] / n}
        if tok["lemma_n"]:
            res["stems"] = {"stem_accuracy": tok["stem_ok"] / ln, "lemma_accuracy": tok["lemma_ok"] / ln,
                            "words": tok["lemma_n"]}
        if "upos_ok" in tok or "uas_ok" in tok:
            res["syntax"] = {"upos": tok["upos_ok"] / n, "uas": tok["uas_ok"] / n, "las": tok["las_ok"] / n}
    return res


def _schemes(scores: Sequence[DocScore]) -> dict[str, Any]:
    out = {}
    for scheme in SCHEMES:
        per: dict[str, Counts] = defaultdict(Counts)
        for d in scores:
            for lab, by_scheme in d.ner.items():
                per[lab].add(by_scheme[scheme])
        total = per.pop("*", Counts())
        partial = scheme == "partial"
        out[scheme] = {"micro": dict(zip(("p", "r", "f1"), total.prf(partial))),
                       "per_label": {lab: dict(zip(("p", "r", "f1"), c.prf(partial))) for lab, c in sorted(per.items())}}
    return out


HEADLINES: dict[str, Callable[[dict], Optional[float]]] = {
    "ner_f1": lambda r: r.get("ner", {}).get("conlleval", {}).get("micro", {}).get("f1"),
    "relations_fact_f1": lambda r: r.get("relations", {}).get("fact", {}).get("micro", {}).get("f1"),
    "relations_span_f1": lambda r: r.get("relations", {}).get("span", {}).get("micro", {}).get("f1"),
    "clean_f1": lambda r: r.get("clean", {}).get("f1"),
    "stem_accuracy": lambda r: r.get("stems", {}).get("stem_accuracy"),
    "upos": lambda r: r.get("syntax", {}).get("upos"),
    "las": lambda r: r.get("syntax", {}).get("las"),
}


def bootstrap(scores: Sequence[DocScore], n: int = 1000, seed: int = 0) -> dict[str, tuple[float, float]]:
    """95% percentile intervals of every headline number, resampling documents."""
    rng = random.Random(seed)
    samples: dict[str, list[float]] = defaultdict(list)
    for _ in range(n):
        res = aggregate([scores[rng.randrange(len(scores))] for _ in scores])
        for name, get in HEADLINES.items():
            v = get(res)
            if v is not None:
                samples[name].append(v)
    return {k: (_pct(v, 2.5), _pct(v, 97.5)) for k, v in samples.items()}


def paired_bootstrap(a: Sequence[DocScore], b: Sequence[DocScore], n: int = 1000,
                     seed: int = 0) -> dict[str, dict[str, float]]:
    """For each headline: the difference a - b and the share of resamples where a does not beat b
    (a one-sided p-value for "a is better")."""
    rng = random.Random(seed)
    base_a, base_b = aggregate(a), aggregate(b)
    out = {}
    for name, get in HEADLINES.items():
        va, vb = get(base_a), get(base_b)
        if va is None or vb is None:
            continue
        not_better = 0
        for _ in range(n):
            idx = [rng.randrange(len(a)) for _ in a]
            da = get(aggregate([a[i] for i in idx])) or 0.0
            db = get(aggregate([b[i] for i in idx])) or 0.0
            not_better += da - db <= 0
        out[name] = {"a": va, "b": vb, "delta": va - vb, "p_value": not_better / n}
    return out


def _pct(values: list[float], q: float) -> float:
    v = sorted(values)
    k = min(len(v) - 1, max(0, int(round(q / 100 * (len(v) - 1)))))
    return v[k]


# ----------------------------------------------------------------------------- entry points
def predict_gold(gold: list[GoldDoc], annotator) -> list[dict]:
    """Run the pipeline on the gold documents' texts (raw when the gold labels cleaning)."""
    records = [{"id": g.id, "text": (g.raw if g.lines is not None and g.raw else g.text)} for g in gold]
    return list(annotator.pipe(records))


def align_predictions(gold: list[GoldDoc], preds: list[dict]) -> list[dict]:
    by_id = {p["id"]: p for p in preds}
    missing = [g.id for g in gold if g.id not in by_id]
    if missing:
        raise ValueError(f"{len(missing)} gold documents have no prediction, e.g. {missing[:3]}")
    return [by_id[g.id] for g in gold]


def evaluate(gold_path: str | Path, pred_path: Optional[str | Path] = None, tasks: Iterable[str] = ("all",),
             annotator=None, label_map: Optional[dict[str, str]] = None, labels: Optional[set[str]] = None,
             compare_path: Optional[str | Path] = None, bootstrap_n: int = 1000,
             n_errors: int = 0) -> dict[str, Any]:
    """Score predictions (a JSONL file, or the pipeline run on the gold texts) against gold."""
    from .io import read_jsonl

    tasks = set(tasks)
    if "all" in tasks:
        tasks = {"clean", "ner", "relations", "stems", "syntax"}
    gold = read_gold(gold_path)
    label_map = label_map or {}
    if pred_path is not None:
        preds = align_predictions(gold, list(read_jsonl(pred_path)))
    else:
        if annotator is None:
            from .runner import load
            annotator = load()
        preds = predict_gold(gold, annotator)
    if labels is None:  # score the labels the gold file uses
        labels = {label_map.get(e["label"], e["label"]) for g in gold for e in (g.entities or [])}
    scores = [score_document(g, p, tasks, label_map, labels) for g, p in zip(gold, preds)]
    result = aggregate(scores)
    if bootstrap_n and len(scores) > 1:
        result["ci95"] = bootstrap(scores, bootstrap_n)
    if compare_path is not None:
        other = align_predictions(gold, list(read_jsonl(compare_path)))
        other_scores = [score_document(g, p, tasks, label_map, labels) for g, p in zip(gold, other)]
        result["compare"] = paired_bootstrap(scores, other_scores, max(bootstrap_n, 200))
    errors = [e for s in scores for e in s.errors]
    result["errors"] = errors[:n_errors] if n_errors else []
    result["n_errors"] = len(errors)
    return result


def evaluate_frames(*args, **kwargs):
    """`evaluate()` as pandas DataFrames: (scores, per_label, errors)."""
    import pandas as pd

    kwargs.setdefault("n_errors", 10 ** 9)
    res = evaluate(*args, **kwargs)
    rows, per = [], []
    for name, get in HEADLINES.items():
        v = get(res)
        if v is not None:
            lo, hi = res.get("ci95", {}).get(name, (None, None))
            rows.append({"metric": name, "value": v, "ci_low": lo, "ci_high": hi})
    for scheme, block in res.get("ner", {}).get("schemes", {}).items():
        for lab, v in block["per_label"].items():
            per.append({"task": "ner", "scheme": scheme, "label": lab, **v})
    for lab, v in res.get("ner", {}).get("conlleval", {}).get("per_label", {}).items():
        per.append({"task": "ner", "scheme": "conlleval", "label": lab, **v})
    for level, block in res.get("relations", {}).items():
        for lab, v in block["per_label"].items():
            per.append({"task": "relations", "scheme": level, "label": lab, **v})
    return pd.DataFrame(rows), pd.DataFrame(per), pd.DataFrame(res["errors"])


def result_tables(res: dict[str, Any]) -> list[tuple[list[str], list[list[Any]]]]:
    """The result as (header, rows) tables: headline numbers, NER per label, relations per
    label, cleaning, the paired comparison."""
    ci = res.get("ci95", {})
    tables = []
    rows = []
    for name, get in HEADLINES.items():
        v = get(res)
        if v is not None:
            lo, hi = ci.get(name, (None, None))
            rows.append([f"{name:<20}", f"{v:.4f}", f"[{lo:.4f}, {hi:.4f}]" if lo is not None else ""])
    tables.append((["metric", "value", "95% CI"], rows))
    if "conlleval" in res.get("ner", {}):
        conll = res["ner"]["conlleval"]["per_label"]
        schemes = res["ner"]["schemes"]
        rows = []
        for lab in sorted(conll) + ["micro"]:
            cells = [conll[lab] if lab != "micro" else res["ner"]["conlleval"]["micro"]]
            cells += [schemes[s]["per_label"].get(lab, {}) if lab != "micro" else schemes[s]["micro"] for s in SCHEMES]
            rows.append([f"{lab:<8}", *[_prf(c) for c in cells]])
        tables.append((["NER label", *[f"{s} P/R/F1" for s in ("conlleval",) + SCHEMES]], rows))
    if "relations" in res:
        fact, span = res["relations"]["fact"]["per_label"], res["relations"].get("span", {}).get("per_label", {})
        rows = [[f"{lab:<10}", _prf(fact[lab]), _prf(span.get(lab, {})), fact[lab]["support"]] for lab in sorted(fact)]
        tables.append((["relation", "fact P/R/F1", "span P/R/F1", "gold facts"], rows))
    if "clean" in res:
        kinds = " ".join(f"{k}={v:.2f}" for k, v in res["clean"]["kind_recall"].items())
        tables.append((["cleaning", "P/R/F1", "per-kind recall"],
                       [["cleaning", _prf({"p": res["clean"]["p"], "r": res["clean"]["r"], "f1": res["clean"]["f1"]}),
                         kinds]]))
    if "compare" in res:
        rows = [[name, f"{v['a']:.4f}", f"{v['b']:.4f}", f"{v['delta']:+.4f}", f"{v['p_value']:.3f}"]
                for name, v in res["compare"].items()]
        tables.append((["paired bootstrap", "this", "other", "delta", "p (this not better)"], rows))
    return tables


def format_table(res: dict[str, Any], markdown: bool = False) -> str:
    """A readable table of the headline numbers and per-label scores (Markdown with `markdown`)."""
    blocks = []
    for k, (header, rows) in enumerate(result_tables(res)):
        if markdown:
            import pandas as pd

            frame = pd.DataFrame([[str(c).strip() for c in r] for r in rows], columns=header)
            blocks.append(frame.to_markdown(index=False))
        else:
            show_header = header[0] != "cleaning"
            blocks.append("\n".join("  ".join(str(c) for c in r) for r in ([header] if show_header else []) + rows))
    if res.get("errors"):
        lines = [f"{e['type']:<15} {e['label']:<8} {e['doc']}: {e['text']!r}  {e['context']}" for e in res["errors"]]
        blocks.append("\n".join(("- `" + ln.replace("`", "'") + "`") if markdown else ln for ln in lines))
    return "\n\n".join(blocks)


def _prf(d: dict) -> str:
    if not d:
        return "-"
    return f"{d['p']:.3f}/{d['r']:.3f}/{d['f1']:.3f}"

