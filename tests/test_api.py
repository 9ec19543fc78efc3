"""One record path: the CLI, `pipeline.annotate`, `load().pipe(n_process=2)` and Dask give the same
JSON for the same records, bad records included; the shipped model works as a plain spaCy pipeline."""
import json
import subprocess
import sys
from itertools import islice

import pytest

import pipeline
from pipeline.io import read_jsonl

from .conftest import shared

BAD = [{"id": "bad-missing", "body": "Teks di kolom lain."},
       {"id": "bad-empty", "text": "   "},
       {"id": "bad-type", "text": 42}]


@pytest.fixture(scope="module")
def records():
    path = shared("news-corpus-clickid", "articles.jsonl")
    with open(path, encoding="utf-8") as fh:
        good = [json.loads(line) for line in islice(fh, 50)]
    return good[:20] + BAD + good[20:]


def _canon(docs):
    """JSON with sorted keys, `source` left out (it says where each record came from)."""
    return [json.dumps({k: v for k, v in d.items() if k != "source"}, sort_keys=True, ensure_ascii=False)
            for d in docs]


def test_cli_api_processes_and_dask_give_identical_json(tmp_path, records, annotator):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    cli = subprocess.run([sys.executable, "-m", "pipeline.cli", "annotate", str(src), "-o", str(out), "-q"],
                         capture_output=True, text=True)
    assert cli.returncode == 1, cli.stderr  # finished, three records refused
    via_cli = list(read_jsonl(out))
    cli_errors = [(e["id"], e["reason"]) for e in read_jsonl(tmp_path / "out.errors.jsonl")]
    assert [d["source"] for d in via_cli[:2]] == [f"{src}:1", f"{src}:2"]

    via_annotate = list(pipeline.annotate(records))
    api_errors: list = []
    via_pipe = list(annotator.pipe(records, n_process=2, batch_size=8, errors=api_errors))

    import dask.bag as db
    from pipeline.dask import annotate_bag

    via_dask = annotate_bag(db.from_sequence(records, npartitions=3)).compute(scheduler="sync")
    dask_errors = [(d["id"], d["error"]) for d in via_dask if "error" in d]
    via_dask = [d for d in via_dask if "error" not in d]

    assert len(via_cli) == 50
    assert _canon(via_annotate) == _canon(via_cli)
    assert _canon(via_pipe) == _canon(via_cli)
    assert _canon(via_dask) == _canon(via_cli)
    assert [(e.id, e.reason) for e in api_errors] == cli_errors == dask_errors
    assert [e[0] for e in cli_errors] == ["bad-missing", "bad-empty", "bad-type"]
    assert "--text-field" in cli_errors[0][1] and "'body'" in cli_errors[0][1]
    assert [d["source"] for d in via_pipe[:2]] == ["api:1", "api:2"]


def test_api_records_behave_like_jsonl_records(blank_annotator):
    """`meta` flat, `html` field honoured, a bad record reported and skipped, not raised."""
    page = "<html><body><nav>Beranda Dunia</nav><h1>Presiden Tiba di Bali</h1><p>Presiden Joko Widodo " \
           "tiba di Denpasar, Bali, pada Kamis pagi untuk membuka konferensi internasional.</p></body></html>"
    annot = pipeline.load({"pipeline": {"model": None}, "input": {"html_field": "html"}})
    errors: list = []
    docs = list(annot.pipe([{"id": "p1", "html": page, "meta": {"url": "https://contoh.id/a"}, "rubrik": "nasional"},
                            {"id": "p2", "text": "tanpa html"}], errors=errors))
    assert [d["id"] for d in docs] == ["p1"] and docs[0]["meta"]["url"] == "https://contoh.id/a"
    assert docs[0]["meta"]["rubrik"] == "nasional" and "meta" not in docs[0]["meta"]
    assert "Beranda" not in docs[0]["text"] and "Presiden Joko Widodo" in docs[0]["text"]
    assert len(errors) == 1 and errors[0].id == "p2" and "missing field 'html'" in errors[0].reason


def test_spacy_load_of_the_shipped_model_gives_every_annotation(annotator):
    import spacy

    from pipeline.config import load_config

    nlp = spacy.load(load_config()["pipeline"]["model"])
    text = ("Menteri Pertahanan Rusia Sergei Shoigu bertemu Presiden Suriah Bashar al-Assad di Damaskus. "
            '"Kami akan terus membantu Suriah," kata Shoigu.')
    doc = nlp(text)
    ents = {(e.text, e.label_) for e in doc.ents}
    assert {("Menteri Pertahanan", "TITLE"), ("Sergei Shoigu", "PER"), ("Damaskus", "LOC")} <= ents
    assert [q.text for q in doc.spans["quotes"]] == ["Kami akan terus membantu Suriah"]
    assert {(t.text, t._.stem) for t in doc if t.text in ("bertemu", "membantu")} == {("bertemu", "temu"),
                                                                                         ("membantu", "bantu")}
    facts = {(r.label, r.head.text, r.tail.text) for r in doc._.relations}
    assert ("jabatan", "Sergei Shoigu", "Menteri Pertahanan") in facts
    assert ("bertemu", "Sergei Shoigu", "Bashar al-Assad") in facts
    assert ("pernyataan", "Shoigu", "Kami akan terus membantu Suriah") in facts
    # the same annotations as Warta's own record path
    record = annotator({"id": "x", "text": text})
    assert {(e["text"], e["label"]) for e in record["entities"] if e["label"] != "QUOTE"} == ents


def test_warta_components_in_a_users_own_pipeline():
    import spacy

    import pipeline.components  # noqa: F401  (registers the factories)

    nlp = spacy.blank("id", config={"nlp": {"tokenizer": {"@tokenizers": "warta.news_tokenizer.v1"}}})
    for name in ("warta_sentencizer", "warta_entities", "warta_stemmer", "warta_relations"):
        nlp.add_pipe(name)
    doc = nlp("Menteri Luar Negeri Rusia Sergei Lavrov tiba di Jakarta pada Senin (2/3).")
    labels = {(e.text, e.label_) for e in doc.ents}
    assert {("Menteri Luar Negeri", "TITLE"), ("Rusia", "LOC"), ("Jakarta", "LOC"), ("Senin (2/3)", "DATE")} <= labels
    assert ("jabatan", "Sergei Lavrov", "Menteri Luar Negeri") in {(r.label, r.head.text, r.tail.text)
                                                                  for r in doc._.relations}


def test_merge_precedence_is_a_swappable_registered_function():
    import spacy
    from spacy.util import registry

    import pipeline.components  # noqa: F401

    @registry.misc("test.rules_only_merge.v1")
    def rules_only():
        def merge(doc, model, rules, gazetteer, place_names, known_word):
            return sorted(rules, key=lambda f: (f.start, f.end))
        return merge

    nlp = spacy.blank("id")
    nlp.add_pipe("warta_sentencizer")
    nlp.add_pipe("warta_entities", config={"merge": {"@misc": "test.rules_only_merge.v1"}})
    doc = nlp("Presiden Joko Widodo tiba di Jakarta pada Senin (2/3).")
    assert {e.label_ for e in doc.ents} <= {"TITLE", "DATE", "TIME", "ORG", "PER"}
    assert "Jakarta" not in {e.text for e in doc.ents}  # gazetteer places were left out by this filter


def test_stemming_without_entities_is_refused():
    from pipeline.runner import PipelineError

    with pytest.raises(PipelineError, match="stage 'stem' .* requires 'doc.ents'"):
        pipeline.load({"pipeline": {"stages": ["tokenize", "stem"], "model": None}})
    pipeline.load({"pipeline": {"stages": ["tokenize", "stem"], "model": None}, "stem": {"protect_names": False}})


def test_import_is_cheap_and_cycle_free():
    code = ("import sys, time; t = time.perf_counter(); import pipeline, pipeline.html, pipeline.config; "
            "dt = time.perf_counter() - t; heavy = [m for m in ('spacy', 'Sastrawi', 'thinc', 'pandas') "
            "if m in sys.modules]; print(dt, heavy)")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    seconds, heavy = res.stdout.split(" ", 1)
    assert heavy.strip() == "[]" and float(seconds) < 1.0
    assert not import_cycles(), import_cycles()


def import_cycles() -> list[list[str]]:
    """Cycles among the package's modules, counting imports inside functions too."""
    import ast
    from pathlib import Path

    root = Path(pipeline.__file__).parent
    graph: dict[str, set[str]] = {}
    for f in root.rglob("*.py"):
        mod = ".".join(("pipeline",) + f.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
        base = mod.split(".") if f.name == "__init__.py" else mod.split(".")[:-1]
        deps = set()
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                pkg = base[:len(base) - node.level + 1]
                if node.module:
                    deps.add(".".join(pkg + [node.module]))
                else:
                    deps.update(".".join(pkg + [a.name]) for a in node.names)
        graph[mod] = deps - {mod}
    cycles, state = [], {}

    def visit(m: str, path: list[str]) -> None:
        state[m] = "open"
        for d in graph.get(m, ()):
            if d not in graph:
                continue
            if state.get(d) == "open":
                cycles.append(path[path.index(d):] + [d])
            elif d not in state:
                visit(d, path + [d])
        state[m] = "done"

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    return cycles

