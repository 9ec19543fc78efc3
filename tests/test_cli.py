"""`warta` as a user runs it: each of these once failed silently."""
import gzip
import json
import os
import shutil
import subprocess
import sys

import pytest

import pipeline
from pipeline.io import read_jsonl

from .conftest import GOLD, ROOT, SEEDS

WARTA = [sys.executable, "-m", "pipeline.cli"]


def run(*args, cwd=None, **kw):
    return subprocess.run(WARTA + [str(a) for a in args], capture_output=True, text=True, cwd=cwd, **kw)


@pytest.fixture()
def seeds_copy(tmp_path):
    d = tmp_path / "seeds"
    shutil.copytree(SEEDS, d)
    return d


def test_version_and_info():
    assert run("--version").stdout.strip() == f"warta {pipeline.__version__}"
    info = run("info")
    assert info.returncode == 0
    assert "id_warta_news" in info.stdout and "NER idner-news-2k dev" in info.stdout
    assert "relations.patterns:" in info.stdout and "MISSING" not in info.stdout


def test_missing_or_broken_model_is_an_error(tmp_path, seeds_copy):
    res = run("annotate", seeds_copy, "-o", tmp_path / "o.jsonl", "--model", tmp_path / "nope")
    assert res.returncode == 2 and "not found" in res.stderr and "--no-model" in res.stderr
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "weights.bin").write_bytes(b"\x00" * 10)
    res = run("annotate", seeds_copy, "-o", tmp_path / "o.jsonl", "--model", broken)
    assert res.returncode == 2 and "not a spaCy" in res.stderr
    assert not (tmp_path / "o.jsonl").exists()


def test_gzip_output_is_gzip_and_resumes(tmp_path, seeds_copy):
    out = tmp_path / "o.jsonl.gz"
    res = run("annotate", seeds_copy, "-o", out, "--no-model", "-q")
    assert res.returncode == 0, res.stderr
    assert out.read_bytes()[:2] == b"\x1f\x8b"
    with gzip.open(out, "rt", encoding="utf-8") as fh:
        ids = [json.loads(line)["id"] for line in fh]
    assert ids == sorted(p.stem for p in SEEDS.glob("*.txt"))
    size = out.stat().st_size
    with open(out, "ab") as fh:  # a torn member, as a killed run leaves it
        fh.write(gzip.compress(b'{"id": "torn"')[:15])
    res = run("annotate", seeds_copy, "-o", out, "--no-model", "--resume")
    assert res.returncode == 0 and "5 skipped" in res.stderr
    assert out.stat().st_size == size and [d["id"] for d in read_jsonl(out)] == ids


def test_directory_input_never_rereads_outputs(seeds_copy):
    first = run("annotate", seeds_copy, "-o", seeds_copy / "out1.jsonl", "--no-model", "-q")
    assert first.returncode == 0
    second = run("annotate", seeds_copy, "-o", seeds_copy / "out2.jsonl", "--no-model", "-q")
    docs = list(read_jsonl(seeds_copy / "out2.jsonl"))
    assert sorted(d["id"] for d in docs) == sorted(p.stem for p in SEEDS.glob("*.txt"))  # no duplicates
    assert all(not any(k in d["meta"] for k in ("tokens", "entities")) for d in docs)
    errors = list(read_jsonl(seeds_copy / "out2.errors.jsonl"))
    assert errors and all("Warta output" in e["reason"] for e in errors)  # out1.jsonl, said clearly
    assert second.returncode == 1
    assert not any("errors.jsonl" in e["path"] for e in errors)  # error files are never inputs


def test_resume_keys_on_the_resolved_path(tmp_path, seeds_copy):
    out = tmp_path / "o.jsonl"
    assert run("annotate", "seeds", "-o", out, "--no-model", "-q", cwd=tmp_path).returncode == 0
    res = run("annotate", f"{tmp_path}/seeds/", "-o", out, "--no-model", "--resume", cwd=tmp_path)
    assert res.returncode == 0 and "0 documents written" in res.stderr and "5 skipped" in res.stderr
    assert len(list(read_jsonl(out))) == 5
    assert {d["source"] for d in read_jsonl(out)} == {f"seeds/{p.name}" for p in SEEDS.glob("*.txt")}


def test_resume_refuses_another_model_or_config(tmp_path, seeds_copy):
    out = tmp_path / "o.jsonl"
    assert run("annotate", seeds_copy, "-o", out, "--no-model", "-q").returncode == 0
    cfg = tmp_path / "c.yaml"
    cfg.write_text("stem:\n  protect_names: false\n")
    res = run("annotate", seeds_copy, "-o", out, "--no-model", "--resume", "--config", cfg)
    assert res.returncode == 2 and "another pipeline" in res.stderr and "--resume-anyway" in res.stderr
    res = run("annotate", seeds_copy, "-o", out, "--no-model", "--resume", "--config", cfg, "--resume-anyway")
    assert res.returncode == 0
    cfg.write_text("pipeline:\n  batch_size: 3\n")  # how a run goes, not what it writes: allowed
    assert run("annotate", seeds_copy, "-o", out, "--no-model", "--resume", "--config", cfg).returncode == 0


def test_plain_text_on_stdin():
    text = (SEEDS / "002_f1bf446077a8f2d3.txt").read_text(encoding="utf-8")
    res = run("annotate", "--format", "text", "-", "-o", "-", "--no-model", "-q", input=text)
    assert res.returncode == 0, res.stderr
    (doc,) = [json.loads(line) for line in res.stdout.splitlines()]
    assert doc["id"] == "stdin" and doc["source"] == "<stdin>" and len(doc["tokens"]) > 100
    res = run("annotate", "-", "-o", "-", "--no-model", "-q", input=text)  # as JSONL: refused, said why
    assert res.returncode == 1 and "broken JSON" in res.stderr


def test_refused_records_go_to_stderr_when_writing_to_stdout():
    res = run("annotate", "-", "-o", "-", "--no-model", "-q", input='{"id": "x", "isi": "teks"}\n')
    assert res.returncode == 1 and res.stdout == ""
    err = json.loads(res.stderr.strip().splitlines()[-1])
    assert err["id"] == "x" and "--text-field" in err["reason"]


def test_closed_pipe_is_not_a_traceback():
    gold = GOLD / "seeds.gold.jsonl"
    proc = subprocess.Popen(WARTA + ["evaluate", "--gold", str(gold), "--bootstrap", "0", "--no-model"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proc.stdout.readline()
    proc.stdout.close()  # like `| head -1`
    stderr = proc.stderr.read()
    assert proc.wait() == 0 and "Traceback" not in stderr and "BrokenPipe" not in stderr


def test_console_script_is_installed():
    exe = shutil.which("warta", path=os.path.dirname(sys.executable))
    assert exe, "the warta command is not installed next to this Python"
    assert subprocess.run([exe, "--version"], capture_output=True, text=True).returncode == 0


def test_wheel_installed_outside_the_checkout_annotates_a_seed(tmp_path):
    """`pip install` of the built wheel into a fresh virtualenv: config and model ship with it."""
    dist, venv = tmp_path / "dist", tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(ROOT)],
                   check=True, capture_output=True)
    (wheel,) = dist.glob("warta-*.whl")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    install = subprocess.run([str(py), "-m", "pip", "install", "-q", str(wheel)], capture_output=True, text=True)
    assert install.returncode == 0, install.stderr[-2000:]
    work = tmp_path / "elsewhere"
    work.mkdir()
    shutil.copy(SEEDS / "004_861e2fd0c5004fd0.txt", work / "a.txt")
    res = subprocess.run([str(venv / "bin" / "warta"), "annotate", "a.txt", "-o", "out.jsonl", "-q"],
                         cwd=work, capture_output=True, text=True, env={"PATH": os.environ["PATH"], "HOME": str(tmp_path)})
    assert res.returncode == 0, res.stderr
    (doc,) = read_jsonl(work / "out.jsonl")
    assert doc["pipeline"]["model"].startswith("id_warta_news")
    assert {"Sergei Shoigu", "Bashar al-Assad"} <= {e["text"] for e in doc["entities"] if e["label"] == "PER"}
    where = subprocess.run([str(py), "-c", "import pipeline; print(pipeline.__file__)"], cwd=work,
                           capture_output=True, text=True).stdout
    assert str(venv) in where


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz"])
def test_two_workers_write_the_same_bytes_as_one(tmp_path, annotator, suffix):
    """Workers hand back finished JSON lines; the output (and its error file) must be the same
    bytes as a one-process run, in input order."""
    from pipeline.batch import annotate_files
    from pipeline.io import errors_path

    src = tmp_path / "in.jsonl"
    lines = [json.dumps({"id": p.stem, "text": p.read_text(encoding="utf-8")}, ensure_ascii=False)
             for p in sorted(SEEDS.glob("*.txt"))]
    lines.insert(2, '{"id": "broken", "text": ')  # a bad line: an error record, the run goes on
    src.write_text("\n".join(lines * 3) + "\n", encoding="utf-8")
    outs = {}
    for workers in (1, 2):
        out = tmp_path / f"w{workers}{suffix}"
        summary = annotate_files([src], out, annotator, workers=workers, progress=False, warn=lambda m: None)
        assert summary.documents == 15 and summary.errors == 3 and summary.words > 1000
        data = gzip.decompress(out.read_bytes()) if suffix.endswith(".gz") else out.read_bytes()
        outs[workers] = (data, errors_path(out).read_bytes())
    assert outs[1] == outs[2] and outs[1][1].count(b"\n") == 3
    assert [json.loads(x)["id"] for x in outs[1][0].splitlines()] == [p.stem for p in sorted(SEEDS.glob("*.txt"))] * 3
