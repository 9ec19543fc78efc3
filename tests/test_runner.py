"""The stage sequence, the Python API and the output contract (ANNOTATION.md section 4)."""
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

import pipeline
from pipeline.config import ConfigError, load_config
from pipeline.runner import PipelineError

from .conftest import ROOT, SEEDS

SCHEMA = json.loads((ROOT / "pipeline" / "schema" / "document.schema.json").read_text())


def assert_offsets(doc):
    text = doc["text"]
    for tok in doc["tokens"]:
        assert text[tok["start"]:tok["end"]] == tok["text"]
    for ent in doc["entities"]:
        assert text[ent["start"]:ent["end"]] == ent["text"]
    for sent in doc["sentences"]:
        assert 0 <= sent["start"] < sent["end"] <= len(text)


def test_cli_on_seeds_writes_five_schema_valid_documents(tmp_path):
    out = tmp_path / "seeds.jsonl"
    res = subprocess.run([sys.executable, "-m", "pipeline.cli", "annotate", str(SEEDS), "-o", str(out), "-q"],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    docs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [d["id"] for d in docs] == sorted(p.stem for p in SEEDS.glob("*.txt"))
    for doc in docs:
        jsonschema.validate(doc, SCHEMA)
        assert_offsets(doc)
        assert len(doc["tokens"]) > 100 and len(doc["sentences"]) >= 5
        assert all(t["stem"] for t in doc["tokens"])
        assert doc["pipeline"]["version"] == pipeline.__version__ and doc["pipeline"]["model"]
    raw = (SEEDS / f"{docs[0]['id']}.txt").read_text(encoding="utf-8")
    for bp in docs[0]["boilerplate"]:
        assert raw[bp["start"]:bp["end"]] == bp["text"]  # boilerplate offsets are into the raw input


def test_output_loads_into_pandas(tmp_path, annotator):
    import pandas as pd

    out = tmp_path / "o.jsonl"
    with open(out, "w", encoding="utf-8") as fh:
        for p in sorted(SEEDS.glob("*.txt")):
            fh.write(json.dumps(annotator({"id": p.stem, "text": p.read_text()}), ensure_ascii=False) + "\n")
    df = pd.read_json(out, lines=True)
    assert len(df) == 5 and {"id", "text", "tokens", "entities"} <= set(df.columns)


def test_python_api_matches_cli_path(annotator):
    text = (SEEDS / "002_f1bf446077a8f2d3.txt").read_text()
    a = next(pipeline.annotate([{"id": "x", "text": text}]))
    b = annotator({"id": "x", "text": text})
    assert a["tokens"] == b["tokens"] and a["text"] == b["text"]
    plain = list(pipeline.load({"pipeline": {"model": None}}).pipe(["Presiden datang ke Bali.", "Ia pulang."]))
    assert [d["id"] for d in plain] == ["doc0", "doc1"]


def test_missing_requirements_are_reported_at_once():
    with pytest.raises(PipelineError) as err:
        pipeline.load({"pipeline": {"stages": ["clean", "stem", "relations"]}})
    msg = str(err.value)
    assert "stage 'stem' (component 'warta_stemmer') requires 'doc.ents'" in msg  # names need entities
    assert "stage 'relations' (component 'warta_relations') requires 'doc.ents'" in msg
    assert "stage 'relations' (component 'warta_relations') requires 'token.is_sent_start'" in msg


def test_unknown_config_key_is_an_error_naming_it():
    with pytest.raises(ConfigError, match="unknown config key 'stem.protect'"):
        load_config({"stem": {"protect": True}})
    with pytest.raises(ConfigError, match="'clean.long_line_words' must be int"):
        load_config({"clean": {"long_line_words": "many"}})
    with pytest.raises(ConfigError, match="unknown stages"):
        load_config({"pipeline": {"stages": ["clean", "parse"]}})


def test_no_clean_keeps_the_text(blank_annotator):
    annot = pipeline.load({"pipeline": {"model": None}, "clean": {"enabled": False}})
    text = "Baca juga: berita lain\nPresiden datang."
    doc = annot(text)
    assert doc["text"] == text and doc["boilerplate"] == []
    assert "clean" not in doc["pipeline"]["stages"]


def test_config_paths_resolve_against_the_config_file(tmp_path):
    exc = tmp_path / "my_exceptions.tsv"
    exc.write_text("perundingan\trunding-khusus\n")
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"pipeline:\n  model: null\nstem:\n  exceptions: {exc.name}\n")
    doc = pipeline.load(cfg)("Perundingan itu berlangsung lama sekali di Wina.")
    assert doc["tokens"][0]["stem"] == "runding-khusus"
    assert Path(load_config(cfg)["stem"]["exceptions"]) == exc


def test_excluding_the_parser_drops_dependencies_and_keeps_token_pattern_relations():
    import pipeline
    from pipeline.nlp import PipelineError

    fast = pipeline.load({"pipeline": {"exclude": ["parser"]}})
    assert "parser" not in fast.nlp.pipe_names and "ner" in fast.nlp.pipe_names
    out = fast("Menteri Luar Negeri Rusia Sergei Lavrov bertemu Presiden Suriah Bashar al-Assad di Damaskus. "
               '"Kami membahas kerja sama militer," kata Lavrov.')
    assert "dep" not in out["tokens"][0] and out["tokens"][0]["pos"]
    found = {(r["label"], out["entities"][int(r["head"][1:])]["text"]) for r in out["relations"]}
    assert ("jabatan", "Sergei Lavrov") in found and ("pernyataan", "Lavrov") in found
    with pytest.raises(PipelineError, match="parserx"):
        pipeline.load({"pipeline": {"exclude": ["parserx"]}})
