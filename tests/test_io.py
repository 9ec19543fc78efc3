"""Bad input gives one error record each, the run goes on, and a killed run resumes."""
import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.batch import annotate_files
from pipeline.io import JsonlWriter, ReadOptions, iter_inputs, read_jsonl, repair_and_collect

from .conftest import SEEDS

GOOD = "Presiden Joko Widodo meninjau pusat media di Nusa Dua, Bali, pada Senin (8/10). Ia menyapa para jurnalis."


def run(tmp_path, inputs, blank_annotator, **kw):
    out = tmp_path / "out.jsonl"
    warnings = []
    summary = annotate_files(inputs, out, blank_annotator, progress=False, warn=warnings.append, **kw)
    errors = list(read_jsonl(tmp_path / "out.errors.jsonl")) if (tmp_path / "out.errors.jsonl").exists() else []
    return summary, list(read_jsonl(out)), errors, warnings


@pytest.fixture
def bad_dir(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "a_good.txt").write_text(GOOD, encoding="utf-8")
    (d / "b_invalid.txt").write_bytes("Berita ".encode() + b"\xff\xfe rusak\nbaris dua")
    (d / "c_binary.txt").write_bytes(bytes(range(256)) * 4)
    (d / "d_empty.txt").write_text("  \n\n", encoding="utf-8")
    (d / "e_huge.txt").write_text("kata " * 2_100_000, encoding="utf-8")  # a 10 MB single line
    lines = [
        json.dumps({"id": "j1", "text": GOOD}),
        '{"id": "j2", "text": "tidak ditutup',
        json.dumps({"id": "j3", "body": GOOD}),
        json.dumps({"id": "j4", "text": GOOD, "url": "https://example.id/x"}),
    ]
    (d / "f_records.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with gzip.open(d / "g_records.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "gz1", "text": GOOD}) + "\n")
    return d


def test_every_bad_input_is_one_error_and_the_rest_is_annotated(tmp_path, bad_dir, blank_annotator):
    summary, docs, errors, warnings = run(tmp_path, [bad_dir], blank_annotator)
    assert [d["id"] for d in docs] == ["a_good", "j1", "j4", "gz1"]
    reasons = {(Path(e["path"]).name, e["line"], e["id"]): e["reason"] for e in errors}
    assert reasons[("b_invalid.txt", 1, "b_invalid")].startswith("invalid UTF-8")
    assert "binary" in reasons[("c_binary.txt", None, "c_binary")]
    assert reasons[("d_empty.txt", None, "d_empty")] == "empty document"
    assert "too large" in reasons[("e_huge.txt", None, "e_huge")]
    assert "broken JSON" in reasons[("f_records.jsonl", 2, None)]
    assert reasons[("f_records.jsonl", 3, "j3")].startswith("missing field 'text' (the record has 'id', ")
    assert "--text-field" in reasons[("f_records.jsonl", 3, "j3")]
    assert len(errors) == 6 and len(warnings) == 6 and summary.errors == 6
    assert all(Path(e["path"]).name in w for e, w in zip(errors, warnings))
    assert docs[2]["meta"]["url"] == "https://example.id/x"  # other fields pass into meta


def test_unreadable_and_missing_files(tmp_path, blank_annotator):
    locked = tmp_path / "locked.txt"
    locked.write_text(GOOD)
    locked.chmod(0)
    inputs = [locked, tmp_path / "missing.txt"]
    opts = ReadOptions()
    items = list(iter_inputs(inputs, opts))
    if os.geteuid() != 0:  # root can read mode-0 files
        assert "cannot read" in items[0].reason
    assert items[-1].reason == "no such file or directory"


def test_field_mapping(tmp_path, blank_annotator):
    src = tmp_path / "x.jsonl"
    src.write_text(json.dumps({"doc_id": "k1", "body": GOOD}) + "\n")
    cfg = dict(blank_annotator.config)
    opts = ReadOptions(id_field="doc_id", text_field="body")
    (item,) = list(iter_inputs([src], opts))
    assert item.id == "k1" and item.text == GOOD and cfg


def test_torn_last_line_is_repaired(tmp_path):
    out = tmp_path / "o.jsonl"
    with JsonlWriter(out) as w:
        w.write({"source": "a", "id": "1"})
        w.write({"source": "b", "id": "2"})
    with open(out, "ab") as fh:
        fh.write(b'{"source": "c", "id": "3", "te')
    assert repair_and_collect(out, "source") == {"a", "b"}
    assert out.read_text().count("\n") == 2 and out.read_text().endswith("}\n")


def _records(path: Path, n: int) -> None:
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"id": f"doc{i:04d}", "text": seeds[i % len(seeds)]}) + "\n")


def test_killed_run_resumes_without_loss_or_duplicates(tmp_path):
    n = 400
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    _records(src, n)
    cmd = [sys.executable, "-m", "pipeline.cli", "annotate", str(src), "-o", str(out), "--no-model", "-q"]
    proc = subprocess.Popen(cmd + ["--config", str(_small_batches(tmp_path))])
    deadline = time.time() + 120
    while time.time() < deadline:
        if out.exists() and out.read_bytes().count(b"\n") >= 20:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = out.read_bytes().count(b"\n")
    assert 20 <= partial < n, "the run must be killed halfway"
    done = subprocess.run(cmd + ["--resume"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    ids = [d["id"] for d in read_jsonl(out)]
    assert ids == [f"doc{i:04d}" for i in range(n)]


def _small_batches(tmp_path: Path) -> Path:
    cfg = tmp_path / "small.yaml"
    cfg.write_text("pipeline:\n  batch_size: 2\n")
    return cfg


def test_exit_status_reports_errors(tmp_path):
    good, bad = tmp_path / "good.txt", tmp_path / "bad.txt"
    good.write_text(GOOD)
    bad.write_bytes(b"\xff\xff")
    base = [sys.executable, "-m", "pipeline.cli", "annotate", "--no-model", "-q", "-o"]
    ok = subprocess.run(base + [str(tmp_path / "a.jsonl"), str(good)])
    failed = subprocess.run(base + [str(tmp_path / "b.jsonl"), str(good), str(bad)])
    usage = subprocess.run(base + [str(tmp_path / "c.jsonl"), str(good), "--config", str(_bad_config(tmp_path))],
                           capture_output=True, text=True)
    assert (ok.returncode, failed.returncode, usage.returncode) == (0, 1, 2)
    assert "unknown config key 'clean.treshold'" in usage.stderr


def _bad_config(tmp_path: Path) -> Path:
    cfg = tmp_path / "bad.yaml"
    cfg.write_text("clean:\n  treshold: 3\n")
    return cfg


def test_stdin_to_stdout(tmp_path):
    line = json.dumps({"id": "s1", "text": GOOD}) + "\n"
    res = subprocess.run([sys.executable, "-m", "pipeline.cli", "annotate", "-", "-o", "-", "--no-model", "-q"],
                         input=line, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    (doc,) = [json.loads(x) for x in res.stdout.splitlines()]
    assert doc["id"] == "s1" and doc["source"] == "<stdin>:1"


def test_jsonl_field_holding_html(tmp_path, blank_annotator):
    from pipeline.runner import Annotator

    page = ("<html><body><nav><a href='/'>Beranda</a></nav><h1>Menteri Rusia Bertemu Assad</h1>"
            "<p>Presiden Suriah Bashar al-Assad menyambut Menteri Pertahanan Rusia Sergei Shoigu di Damaskus.</p>"
            "<div class='share'><a href='#'>Facebook</a></div></body></html>")
    src = tmp_path / "pages.jsonl"
    src.write_text(json.dumps({"id": "h1", "html": page, "url": "https://example.id/a"}) + "\n", encoding="utf-8")
    cfg = dict(blank_annotator.config, input=dict(blank_annotator.config["input"], html_field="html"))
    out = tmp_path / "o.jsonl"
    summary = annotate_files([src], out, Annotator(cfg), progress=False)
    (doc,) = list(read_jsonl(out))
    assert summary.errors == 0 and doc["meta"]["url"] == "https://example.id/a"
    assert doc["text"].splitlines() == ["Menteri Rusia Bertemu Assad",
                                        "Presiden Suriah Bashar al-Assad menyambut Menteri Pertahanan Rusia Sergei Shoigu di Damaskus."]
    assert {b["kind"] for b in doc["boilerplate"]} == {"nav", "share"}
