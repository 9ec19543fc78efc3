"""Dask: a real LocalCluster of 2 worker processes (localhost only), partitioned and resumable runs.

Input (built here from the repository's own texts): 175 news sentences of the relation gold and
some bad lines in a JSONL file, the 5 seed articles as .txt, 3 HTML pages and a WARC crawl of
the seeds (about 230 documents). Every run is compared byte for byte with the single-process
`warta annotate` on the same input.
"""
from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from .conftest import GOLD, ROOT, SEEDS

distributed = pytest.importorskip("distributed")
pytest.importorskip("warcio")

from pipeline import partitions as parts  # noqa: E402
from pipeline.cli import main  # noqa: E402
from pipeline.dask import annotate  # noqa: E402

from .test_warc import build_warc  # noqa: E402

NO_MODEL = {"pipeline": {"model": None}}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    lines = [json.dumps({"id": r["id"], "text": r["text"], "site": "idner"}, ensure_ascii=False)
             for r in map(json.loads, (GOLD / "relations" / "relations.gold.jsonl").read_text().splitlines())
             if not r["id"].startswith("00")]
    lines[20:20] = ['{"id": "broken", "text": "Jokowi', '{"id": "no-text", "body": "Jokowi tiba."}',
                    '{"id": "empty", "text": "   "}', "", '{"text": "Presiden Joko Widodo tiba di Bali."}']
    (root / "news.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    shutil.copytree(SEEDS, root / "seeds")
    (root / "html").mkdir()
    for p in sorted((GOLD / "html").glob("*.html")):
        shutil.copy(p, root / "html" / p.name)
    build_warc(root / "crawl.warc.gz", copies=2)
    return root


def _inputs(corpus: Path) -> list[str]:
    return [str(corpus / "news.jsonl"), str(corpus / "seeds"), str(corpus / "html"),
            str(corpus / "crawl.warc.gz")]


def _reference(corpus: Path, tmp: Path, *flags: str) -> tuple[bytes, list]:
    out = tmp / "ref.jsonl"
    main(["annotate", *_inputs(corpus), "-o", str(out), "-q", *flags])
    errors = (tmp / "ref.errors.jsonl").read_text().splitlines()
    return out.read_bytes(), sorted(errors)


@pytest.fixture(scope="module")
def reference_blank(corpus, tmp_path_factory):
    return _reference(corpus, tmp_path_factory.mktemp("ref_blank"), "--no-model")


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    with Client(cluster) as c:
        yield c
    cluster.close()


def _merged(outdir: Path, tmp: Path) -> tuple[bytes, list]:
    target = tmp / "all.jsonl.gz"
    assert main(["merge", str(outdir), "-o", str(target)]) == 0
    errors = (tmp / "all.errors.jsonl").read_text().splitlines()
    return gzip.decompress(target.read_bytes()), sorted(errors)


def test_localcluster_with_the_model_matches_the_single_process_cli(corpus, client, tmp_path):
    ref_docs, ref_errors = _reference(corpus, tmp_path)
    outdir = tmp_path / "out"
    summary = annotate(_inputs(corpus), outdir, client=client, partitions=7, progress=False)
    assert summary.complete and summary.computed == list(range(7)) and summary.workers == 2
    docs, errors = _merged(outdir, tmp_path)
    assert docs == ref_docs
    assert errors == ref_errors and len(errors) == 5  # 3 bad JSON records + 2 undecodable pages
    records = [json.loads(line) for line in docs.splitlines()]
    assert len(records) == summary.documents > 190
    assert len({r["source"] for r in records}) == len(records)
    assert summary.skipped["request"] == 20 and summary.skipped["status 404"] == 2
    seed = next(r for r in records if r["source"].endswith("004_861e2fd0c5004fd0.txt"))
    assert seed["pipeline"]["model"] != "blank:id"
    assert {"Sergei Shoigu", "Bashar al-Assad"} <= {e["text"] for e in seed["entities"] if e["label"] == "PER"}
    # one pipeline per worker process, reused for all its partitions; both workers took part
    loads = client.run(lambda: sum(parts.LOADS.values()))
    assert sorted(loads.values()) == [1, 1]
    manifest = parts.read_manifest(outdir)
    assert len({p["pid"] for p in manifest["partitions"]}) == 2
    warc = [i for i, f in enumerate(manifest["inputs"]) if f["kind"] == "warc"][0]
    assert any(p["start"]["input"] == warc and p["start"]["unit"] > 0 for p in manifest["partitions"])
    assert manifest["model_digest"] and manifest["inputs"][0]["sha256"] == parts.sha256_file(corpus / "news.jsonl")


def test_a_worker_killed_mid_partition_loses_only_that_attempt(corpus, client, reference_blank, tmp_path):
    outdir = tmp_path / "out"
    killed: dict = {}

    def kill_first_writer() -> None:
        deadline = time.time() + 120
        while time.time() < deadline and not killed:
            for tmp in outdir.glob(".part-*.jsonl.gz.tmp-*"):
                pid = int(tmp.name.split(".tmp-")[1].split("-")[0])
                os.kill(pid, signal.SIGKILL)
                final = outdir / tmp.name[1:].split(".tmp-")[0]
                killed.update(pid=pid, part=final.name, finished=final.exists())
                break
            time.sleep(0.002)

    watcher = threading.Thread(target=kill_first_writer)
    watcher.start()
    summary = annotate(_inputs(corpus), outdir, client=client, config=NO_MODEL, partitions=4, progress=False)
    watcher.join()
    assert killed and not killed["finished"]  # the worker died inside the partition
    assert summary.complete and summary.computed == [0, 1, 2, 3]
    assert _merged(outdir, tmp_path) == reference_blank  # every document exactly once
    assert not list(outdir.glob(".part-*"))  # the dead attempt's temporary file is gone
    client.wait_for_workers(2, timeout=60)  # the nanny restarted the worker


def test_client_killed_then_rerun_redoes_only_missing_partitions(corpus, client, reference_blank, tmp_path):
    outdir = tmp_path / "out"
    cmd = [sys.executable, "-m", "pipeline.cli", "annotate", *_inputs(corpus), "-o", str(outdir),
           "--dask", "local", "--workers", "2", "--no-model", "--partitions", "24", "-q"]
    proc = subprocess.Popen(cmd, cwd=ROOT, start_new_session=True, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 180
        while time.time() < deadline and len(list(outdir.glob("part-*.jsonl.gz"))) < 3:
            time.sleep(0.01)
    finally:  # the client and its LocalCluster's processes (one session)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    before = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in outdir.glob("part-*.jsonl.gz")}
    assert 3 <= len(before) < 24, "the run was not killed mid-way"
    summary = annotate(_inputs(corpus), outdir, client=client, config=NO_MODEL, progress=False)
    done_before = {int(n[5:10]) for n in before}
    assert summary.computed == sorted(set(range(24)) - done_before)
    after = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in outdir.glob("part-*.jsonl.gz")}
    assert all(after[n] == before[n] for n in before)  # finished partitions were not redone
    assert _merged(outdir, tmp_path) == reference_blank
    # a third run has nothing to do
    again = annotate(_inputs(corpus), outdir, client=client, config=NO_MODEL, progress=False)
    assert again.computed == [] and again.documents == summary.documents


def test_a_truncated_part_file_is_detected_and_redone(corpus, client, reference_blank, tmp_path):
    outdir = tmp_path / "out"
    annotate(_inputs(corpus), outdir, client=client, config=NO_MODEL, partitions=5, progress=False)
    part = outdir / parts.part_name(2)
    part.write_bytes(part.read_bytes()[: part.stat().st_size // 2])
    with pytest.raises(parts.ManifestError, match="part-00002.jsonl.gz has"):
        parts.merge(outdir, tmp_path / "all.jsonl.gz")
    messages: list[str] = []
    summary = annotate(_inputs(corpus), outdir, client=client, config=NO_MODEL, progress=False,
                       say=messages.append)
    assert summary.computed == [2] and any("part-00002.jsonl.gz has" in m for m in messages)
    assert _merged(outdir, tmp_path) == reference_blank


def test_changed_config_or_inputs_are_refused_unless_overwrite(corpus, client, tmp_path):
    outdir = tmp_path / "out"
    one = [str(corpus / "seeds")]
    annotate(one, outdir, client=client, config=NO_MODEL, partitions=2, progress=False)
    with pytest.raises(parts.ManifestError, match=r"configuration changed \(clean.enabled\)"):
        annotate(one, outdir, client=client, config={**NO_MODEL, "clean": {"enabled": False}}, progress=False)
    with pytest.raises(parts.ManifestError, match="model changed"):
        annotate(one, outdir, client=client, progress=False)
    with pytest.raises(parts.ManifestError, match="--partitions 3 but it has 2"):
        annotate(one, outdir, client=client, config=NO_MODEL, partitions=3, progress=False)
    summary = annotate(one, outdir, client=client, config={**NO_MODEL, "clean": {"enabled": False}},
                       overwrite=True, partitions=2, progress=False)
    assert summary.computed == [0, 1] and summary.documents == 5


def test_annotate_bag_keeps_order_gives_unique_ids_and_isolates_bad_records(client):
    import dask.bag as db

    from pipeline.dask import annotate_bag

    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    records = texts[:2] + [{"id": "bad", "body": "no text field"}] + [{"id": "s3", "text": texts[3]}, texts[4]]
    out = annotate_bag(db.from_sequence(records, npartitions=3), NO_MODEL).compute()
    assert len(out) == 5 and out[2]["id"] == "bad" and out[2]["source"] == "p1-0"
    assert out[2]["error"].startswith("missing field 'text' (the record has 'id', 'body'")  # the CLI's message
    good = [d for d in out if "error" not in d]
    assert len({d["id"] for d in good}) == 4 and good[2]["id"] == "s3"
    assert good[0]["meta"]["title"] == "Rusia Serukan Cegah Ekstremis Keluar dari Mosul"


def test_engine_dask_in_the_config_runs_the_cli_on_that_scheduler(corpus, client, reference_blank, tmp_path):
    cfg = tmp_path / "dask.yaml"
    cfg.write_text(f"engine: dask\ndask:\n  scheduler: {client.scheduler.address}\n  partitions: 3\n")
    outdir = tmp_path / "out"
    code = main(["annotate", *_inputs(corpus), "-o", str(outdir), "--config", str(cfg), "--no-model", "-q"])
    assert code == 1  # finished, with the corpus's refused records in the errors files
    assert [p["status"] for p in parts.read_manifest(outdir)["partitions"]] == ["done"] * 3
    assert _merged(outdir, tmp_path) == reference_blank


def test_partitions_of_a_gzip_jsonl_file_without_dask_match_the_cli(corpus, tmp_path):
    """run_partition is a plain function: every partition run in this process, ranges of a
    .jsonl.gz file read by skipping lines, gives the CLI's records."""
    from pipeline.config import load_config

    gz = tmp_path / "news.jsonl.gz"
    gz.write_bytes(gzip.compress((corpus / "news.jsonl").read_bytes()))
    ref = tmp_path / "ref.jsonl"
    main(["annotate", str(gz), "-o", str(ref), "-q", "--no-model"])
    config = load_config(NO_MODEL)
    outdir = tmp_path / "out"
    manifest = parts.prepare([str(gz)], outdir, config, partitions=4)
    assert [p["start"]["unit"] for p in manifest["partitions"]] == [0, 45, 90, 135]
    for part in manifest["partitions"]:
        parts.record_done(part, parts.run_partition(*parts.task_arguments(manifest, part), config, str(outdir)))
    parts.write_manifest(outdir, manifest)
    docs, errors = _merged(outdir, tmp_path)
    assert docs == ref.read_bytes()
    assert errors == sorted((tmp_path / "ref.errors.jsonl").read_text().splitlines()) and len(errors) == 3
