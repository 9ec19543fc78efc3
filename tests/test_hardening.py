"""Issue 17: no input can destroy data, abort a run, or starve the machine.

Every hostile input is built here, bounded in size. Memory is checked in a subprocess under
an address-space limit (`resource.RLIMIT_AS`); the CLI is run as a subprocess where file
descriptors (stdin, stdout, locks, file-size limits) are the point, in-process otherwise.
"""
from __future__ import annotations

import errno
import gzip
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pipeline import cli
from pipeline import io as wio
from pipeline.batch import annotate_files
from pipeline.config import ConfigError, load_config
from pipeline.io import (OutputIsInputError, OutputLockedError, OutputOpenError, ReadOptions, iter_inputs,
                         read_jsonl)

from .conftest import ROOT

GOOD = [
    "Presiden Joko Widodo meninjau pusat media di Nusa Dua, Bali, pada Senin (8/10). Ia menyapa para jurnalis.",
    "Menteri Luar Negeri Retno Marsudi bertemu Menteri Luar Negeri Jepang di Tokyo, Selasa (9/10).",
    "Gubernur Jawa Barat Ridwan Kamil meresmikan jembatan baru di Bandung pada Rabu (10/10).",
]


def _permissions_enforced() -> bool:
    """False where mode-0 files can still be read (root with CAP_DAC_OVERRIDE)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        probe = Path(tmp) / "probe"
        probe.write_text("x")
        probe.chmod(0)
        try:
            probe.read_text()
        except PermissionError:
            return True
        return False


PERMISSIONS_ENFORCED = _permissions_enforced()


def jl(obj) -> str:
    return json.dumps(obj, ensure_ascii=False)


def run_files(tmp_path, inputs, annotator, **kw):
    """annotate_files into tmp_path/out.jsonl; (summary, docs, error records)."""
    out = tmp_path / "out.jsonl"
    summary = annotate_files(inputs, out, annotator, progress=False, warn=lambda m: None, **kw)
    err = tmp_path / "out.errors.jsonl"
    return summary, list(read_jsonl(out)), list(read_jsonl(err)) if err.exists() else []


def warta(*args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", "annotate", *map(str, args)],
                          capture_output=True, cwd=ROOT, **kw)


def one_line_error(stderr: bytes) -> str:
    """The CLI's failure message: exactly one 'warta: error:' line and no traceback."""
    text = stderr.decode("utf-8", "replace")
    assert "Traceback" not in text, text
    lines = [ln for ln in text.splitlines() if ln.startswith("warta: error:")]
    assert len(lines) == 1, text
    return lines[0]


# ---------------------------------------------------------------------------------------------
# output = input never destroys the input


def _input_file(tmp_path: Path) -> Path:
    src = tmp_path / "in.jsonl"
    src.write_text("".join(jl({"id": f"d{i}", "text": t}) + "\n" for i, t in enumerate(GOOD)), encoding="utf-8")
    return src


def _same_path(tmp, src):
    return [src], src


def _dotted_path(tmp, src):
    return [src], tmp / "." / "sub" / ".." / src.name


def _hard_link(tmp, src):
    link = tmp / "hard.jsonl"
    os.link(src, link)
    return [src], link


def _output_symlink(tmp, src):
    link = tmp / "link.jsonl"
    link.symlink_to(src)
    return [src], link


def _input_symlink(tmp, src):
    link = tmp / "link.jsonl"
    link.symlink_to(src)
    return [link], src


def _errors_file_is_input(tmp, src):
    renamed = src.rename(tmp / "run.errors.jsonl")
    return [renamed], tmp / "run.jsonl"


@pytest.mark.parametrize("resume", [False, True])
@pytest.mark.parametrize("case", [_same_path, _dotted_path, _hard_link, _output_symlink, _input_symlink,
                                  _errors_file_is_input])
def test_output_that_is_an_input_is_refused_before_writing(tmp_path, blank_annotator, case, resume):
    (tmp_path / "sub").mkdir()
    inputs, output = case(tmp_path, _input_file(tmp_path))
    before = {p: Path(p).read_bytes() for p in inputs}
    with pytest.raises(OutputIsInputError, match="refusing to overwrite an input"):
        annotate_files(inputs, output, blank_annotator, resume=resume, progress=False)
    assert {p: Path(p).read_bytes() for p in inputs} == before


def test_cli_output_is_input_exits_2_and_keeps_the_input(tmp_path):
    src = _input_file(tmp_path)
    before = src.read_bytes()
    res = warta(src, "-o", src, "--no-model", "--resume")
    assert res.returncode == 2
    assert "is the input" in one_line_error(res.stderr)
    assert src.read_bytes() == before


def test_stdin_from_the_output_and_stdout_into_an_input_are_refused(tmp_path):
    src = _input_file(tmp_path)
    before = src.read_bytes()
    with open(src, "rb") as stdin:  # warta annotate - -o in.jsonl < in.jsonl
        res = warta("-", "-o", src, "--no-model", stdin=stdin)
    assert res.returncode == 2 and "standard input" in one_line_error(res.stderr)
    with open(src, "ab") as stdout:  # warta annotate in.jsonl -o - >> in.jsonl
        res = subprocess.run([sys.executable, "-m", "pipeline.cli", "annotate", str(src), "-o", "-", "--no-model"],
                             stdout=stdout, stderr=subprocess.PIPE, cwd=ROOT)
    assert res.returncode == 2 and "standard output" in one_line_error(res.stderr)
    assert src.read_bytes() == before


def test_output_inside_an_input_directory_is_not_read_back(tmp_path, blank_annotator):
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.txt").write_text(GOOD[0], encoding="utf-8")
    os.link(d / "a.txt", tmp_path / "unrelated.txt")  # hard links elsewhere do not matter
    out = d / "out.jsonl"
    for resume in (False, True, True):
        annotate_files([d], out, blank_annotator, resume=resume, progress=False, warn=lambda m: None)
    os.link(out, d / "alias.jsonl")  # the output under a second name in the input directory
    annotate_files([d], out, blank_annotator, resume=True, progress=False, warn=lambda m: None)
    assert [doc["id"] for doc in read_jsonl(out)] == ["a"]


# ---------------------------------------------------------------------------------------------
# one record never aborts the run


BAD_LINES = {
    "surrogate_in_id": ('{"id": "x\\udfff", "text": "%s"}' % GOOD[1], "lone surrogate"),
    "surrogate_in_extra_field": ('{"id": "s2", "text": "%s", "url": "https://a.id/\\ud800"}' % GOOD[1],
                                 "lone surrogate (not valid Unicode) in field 'url'"),
    "surrogate_in_field_name": ('{"id": "s3", "text": "%s", "k\\udc00": 1}' % GOOD[1], "field name"),
    "surrogate_in_id_of_refused_record": ('{"id": "y\\udfff", "body": "no text field"}', "lone surrogate"),
    "surrogate_in_text": ('{"id": "s4", "text": "Presiden \\udfff tiba."}', "lone surrogate"),
    "nested_990_deep": ('{"id": "deep", "text": "%s", "x": %s1%s}' % (GOOD[1], "[" * 990, "]" * 990),
                        "nested deeper than 100"),
    "nested_100000_deep": ('{"id": "deeper", "text": "t", "x": %s1%s}' % ("[" * 100_000, "]" * 100_000),
                           "nested deeper than 100"),
    "nan": ('{"id": "n", "text": "%s", "score": NaN}' % GOOD[1], "non-standard JSON value NaN"),
    "huge_integer": ('{"id": "big", "text": "%s", "n": %s}' % (GOOD[1], "9" * 5000), "unsupported JSON"),
    "id_is_an_object": ('{"id": {"a": [1]}, "text": "%s"}' % GOOD[1], "field 'id' must be a string or a number"),
    "text_is_a_list": ('{"id": "l", "text": ["a"]}', "field 'text' is not a string"),
}


@pytest.mark.parametrize("case", sorted(BAD_LINES))
def test_a_bad_record_is_one_error_and_the_run_goes_on(tmp_path, blank_annotator, case):
    line, reason = BAD_LINES[case]
    src = tmp_path / "a.jsonl"
    src.write_text(jl({"id": "g1", "text": GOOD[0]}) + "\n" + line + "\n" + jl({"id": "g2", "text": GOOD[2]}) + "\n",
                   encoding="utf-8")
    later = tmp_path / "b.txt"
    later.write_text(GOOD[1], encoding="utf-8")
    summary, docs, errors = run_files(tmp_path, [src, later], blank_annotator)
    assert [d["id"] for d in docs] == ["g1", "g2", "b"]  # same batch and later files kept
    (err,) = errors
    assert err["line"] == 2 and err["path"] == str(src) and reason in err["reason"], err
    assert summary.errors == 1
    # --resume does not hit it again
    again = annotate_files([src, later], tmp_path / "out.jsonl", blank_annotator, resume=True, progress=False)
    assert (again.errors, again.documents, again.skipped) == (0, 0, 4)


def test_error_record_with_a_surrogate_id_is_written_escaped(tmp_path, blank_annotator):
    src = tmp_path / "a.jsonl"
    src.write_text('{"id": "y\\udfff", "body": "x"}\n', encoding="utf-8")
    _, _, (err,) = run_files(tmp_path, [src], blank_annotator)
    assert err["id"] == "y\\udfff" and err["reason"] == "lone surrogate (not valid Unicode) in field 'id'"


def _gzip_lines(path: Path, n: int) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(jl({"id": f"z{i}", "text": f"{GOOD[i % 3]} Nomor {i * 7919 % 10007}."}) + "\n")


@pytest.mark.parametrize("damage", ["flipped_bytes", "truncated", "not_gzip"])
def test_a_corrupt_gzip_stream_is_one_error_and_later_files_are_read(tmp_path, blank_annotator, damage):
    gz = tmp_path / "a.jsonl.gz"
    _gzip_lines(gz, 400)
    data = bytearray(gz.read_bytes())
    if damage == "flipped_bytes":
        mid = len(data) * 3 // 4
        data[mid:mid + 64] = bytes(64)
    elif damage == "truncated":
        data = data[:len(data) * 3 // 4]
    else:
        data = bytearray(b"PK\x03\x04 this is a zip, not gzip" * 10)
    gz.write_bytes(bytes(data))
    later = tmp_path / "z_later.txt"
    later.write_text(GOOD[1], encoding="utf-8")
    summary, docs, errors = run_files(tmp_path, [gz, later], blank_annotator)
    assert docs[-1]["id"] == "z_later"
    stream_errors = [e for e in errors if e["reason"].startswith("cannot read past line")]
    assert len(stream_errors) == 1 and stream_errors[0]["path"] == str(gz)
    if damage != "not_gzip":
        assert [d["id"] for d in docs[:100]] == [f"z{i}" for i in range(100)]  # read before the damage


def _deny(monkeypatch, target: Path, *funcs: str) -> None:
    """Make `target` raise PermissionError in the named functions (simulates chmod for root)."""
    for name in funcs:
        mod, attr = (os, name) if name in ("stat", "scandir") else (wio, name)
        real = getattr(mod, attr) if hasattr(mod, attr) else open

        def denied(path, *a, _real=real, **k):
            if isinstance(path, (str, bytes, os.PathLike)) and Path(os.fsdecode(path)) == target:
                raise PermissionError(errno.EACCES, "Permission denied", str(path))
            return _real(path, *a, **k)
        monkeypatch.setattr(mod, attr, denied, raising=False)


def test_permission_errors_on_explicit_paths_are_error_records(tmp_path, blank_annotator, monkeypatch):
    locked_file, locked_dir = tmp_path / "locked.jsonl", tmp_path / "secret"
    locked_file.write_text(jl({"id": "x", "text": GOOD[0]}) + "\n")
    locked_dir.mkdir()
    (locked_dir / "in.txt").write_text(GOOD[0])
    good = tmp_path / "good.txt"
    good.write_text(GOOD[1])
    _deny(monkeypatch, locked_file, "open")
    _deny(monkeypatch, locked_dir / "in.txt", "stat")  # its directory is not searchable
    _deny(monkeypatch, locked_dir, "scandir")
    items = list(iter_inputs([locked_file, locked_dir / "in.txt", locked_dir, good], ReadOptions()))
    reasons = [(Path(i.path).name, i.reason) for i in items if isinstance(i, wio.InputError)]
    assert reasons == [("locked.jsonl", "cannot read file: Permission denied"),
                       ("in.txt", "cannot access: Permission denied"),
                       ("secret", "cannot list directory: Permission denied")]
    assert items[-1].id == "good"


@pytest.mark.skipif(not PERMISSIONS_ENFORCED, reason="this user reads mode-0 files (root)")
def test_real_permission_errors(tmp_path, blank_annotator):
    d = tmp_path / "in"
    (d / "closed").mkdir(parents=True)
    (d / "closed" / "x.txt").write_text(GOOD[0])
    (d / "unreadable.txt").write_text(GOOD[0])
    (d / "z.txt").write_text(GOOD[1])
    (d / "unreadable.txt").chmod(0)
    (d / "closed").chmod(0)
    try:
        _, docs, errors = run_files(tmp_path, [d, d / "closed" / "x.txt"], blank_annotator)
    finally:
        (d / "closed").chmod(0o755)
    assert [x["id"] for x in docs] == ["z"]
    assert {Path(e["path"]).name: e["reason"].split(":")[0] for e in errors} == {
        "closed": "cannot list directory", "unreadable.txt": "cannot read file", "x.txt": "cannot access"}


def test_unlistable_subdirectories_and_broken_symlinks_are_error_records(tmp_path, blank_annotator, monkeypatch):
    d = tmp_path / "in"
    (d / "b_closed").mkdir(parents=True)
    (d / "b_closed" / "hidden.txt").write_text(GOOD[0])
    (d / "a_good.txt").write_text(GOOD[0])
    (d / "c_dangling.txt").symlink_to(d / "gone.txt")
    (d / "d_loop1.txt").symlink_to(d / "d_loop2.txt")
    (d / "d_loop2.txt").symlink_to(d / "d_loop1.txt")
    (d / "e_sub").mkdir()
    (d / "e_sub" / "up").symlink_to(d)  # a directory link to an ancestor
    (d / "e_sub" / "f.txt").write_text(GOOD[1])
    (d / "g_linked").symlink_to(d / "e_sub")  # a directory link elsewhere is followed
    _deny(monkeypatch, d / "b_closed", "scandir")
    summary, docs, errors = run_files(tmp_path, [d], blank_annotator)
    assert [x["source"] for x in docs] == [str(d / "a_good.txt"), str(d / "e_sub" / "f.txt"),
                                            str(d / "g_linked" / "f.txt")]
    got = [(Path(e["path"]).relative_to(d).as_posix(), e["reason"]) for e in errors]
    assert got == [
        ("b_closed", "cannot list directory: Permission denied"),
        ("c_dangling.txt", f"dangling symbolic link (target {d / 'gone.txt'} missing)"),
        ("d_loop1.txt", "symbolic link loop"),
        ("d_loop2.txt", "symbolic link loop"),
        ("e_sub/up", "symbolic link loop (points to a directory above it)"),
        ("g_linked/up", "symbolic link loop (points to a directory above it)"),
    ]
    assert summary.errors == 6


def test_explicit_broken_links_are_error_records(tmp_path, blank_annotator):
    loop, dangling, good = tmp_path / "loop.txt", tmp_path / "dangling.jsonl", tmp_path / "good.txt"
    loop.symlink_to(loop)
    dangling.symlink_to(tmp_path / "gone.jsonl")
    good.write_text(GOOD[0])
    summary, docs, errors = run_files(tmp_path, [loop, dangling, good], blank_annotator)
    assert [d["id"] for d in docs] == ["good"]
    assert [(Path(e["path"]).name, e["reason"]) for e in errors] == [
        ("loop.txt", "cannot access: Too many levels of symbolic links"),
        ("dangling.jsonl", f"dangling symbolic link (target {tmp_path / 'gone.jsonl'} missing)")]
    link_out = tmp_path / "o_loop.jsonl"
    link_out.symlink_to(link_out)
    with pytest.raises(OutputOpenError, match="cannot open output"):
        annotate_files([good], link_out, blank_annotator, progress=False)


def test_undecodable_file_names_are_annotated_with_an_escaped_source(tmp_path, blank_annotator):
    d = tmp_path / "in"
    d.mkdir()
    (Path(os.fsdecode(bytes(d) + b"/berita\xff.txt"))).write_text(GOOD[0], encoding="utf-8")
    _, (doc,), errors = run_files(tmp_path, [d], blank_annotator)
    assert doc["source"] == str(d) + "/berita\\xff.txt" and not errors


# ---------------------------------------------------------------------------------------------
# memory bombs: lines are read with a bounded length


MEMORY_SCRIPT = textwrap.dedent("""
    import json, resource, sys
    import pipeline
    from pipeline.batch import annotate_files

    def vm_bytes():
        for line in open("/proc/self/status"):
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024

    src, out, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    annot = pipeline.load({"pipeline": {"model": None}, "input": {"max_chars": 1000}})
    annot("Presiden tiba di Bali.")
    headroom = 48 * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (vm_bytes() + headroom, resource.RLIM_INFINITY))
    if mode == "stdin":
        src = "-"
    summary = annotate_files([src], out, annot, progress=False, warn=lambda m: None)
    try:  # the limit bites: holding the bomb line would not have fitted
        hog = bytearray(2 * headroom)
        print("LIMIT NOT ENFORCED")
    except MemoryError:
        pass
    print(json.dumps({"documents": summary.documents, "errors": summary.errors}))
""")


def _bomb_lines(size: int) -> list[bytes]:
    head = b'{"id": "bomb", "text": "'
    return [jl({"id": "g1", "text": GOOD[0]}).encode() + b"\n", head, b"a" * size, b'"}\n',
            jl({"id": "g2", "text": GOOD[1]}).encode() + b"\n"]


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc (Linux)")
@pytest.mark.parametrize("mode", ["gzip", "plain", "stdin"])
def test_an_over_long_line_is_refused_without_being_held(tmp_path, mode):
    size = (128 if mode == "gzip" else 96) * 2**20  # bytes in the one line; the limit allows 48 MiB
    src = tmp_path / ("bomb.jsonl.gz" if mode == "gzip" else "bomb.jsonl")
    pieces = _bomb_lines(size)
    if mode == "gzip":
        with gzip.open(src, "wb", compresslevel=1) as fh:
            for p in pieces[:2]:
                fh.write(p)
            block = b"a" * 2**20
            for _ in range(size // 2**20):
                fh.write(block)
            for p in pieces[3:]:
                fh.write(p)
        assert src.stat().st_size < 2 * 2**20
    elif mode == "plain":
        src.write_bytes(b"".join(pieces))
    out = tmp_path / "out.jsonl"
    script = tmp_path / "mem.py"
    script.write_text(MEMORY_SCRIPT)
    stdin = b"".join(pieces) if mode == "stdin" else None
    res = subprocess.run([sys.executable, str(script), str(src), str(out), mode], input=stdin,
                         capture_output=True, cwd=ROOT, timeout=300)
    assert res.returncode == 0, res.stderr.decode()[-2000:]
    assert "LIMIT NOT ENFORCED" not in res.stdout.decode()
    assert json.loads(res.stdout.decode().splitlines()[-1]) == {"documents": 2, "errors": 1}
    assert [d["id"] for d in read_jsonl(out)] == ["g1", "g2"]
    (err,) = read_jsonl(tmp_path / "out.errors.jsonl")
    assert err["line"] == 2 and err["reason"].startswith(f"line too long ({size + 26:,} bytes")


def test_bounded_lines_keeps_ordinary_lines_exact():
    import io as pyio

    data = b"satu\n\n" + b"x" * 70 + b"\ndua\r\ntiga"
    got = list(wio.bounded_lines(pyio.BytesIO(data), limit=50))
    assert got == [(1, b"satu", 4), (2, b"", 0), (3, None, 70), (4, b"dua\r", 4), (5, b"tiga", 4)]


def test_an_oversized_text_file_is_refused_before_it_is_read_whole(tmp_path, monkeypatch):
    big = tmp_path / "big.txt"
    big.write_bytes(b"kata " * 1000)
    reads = []
    real_open = open

    class Spy:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *a):
            self.fh.close()

        def read(self, n=-1):
            reads.append(n)
            return self.fh.read(n)

    monkeypatch.setattr(wio, "open", lambda p, m="r", *a, **k: Spy(real_open(p, m, *a, **k)), raising=False)
    (err,) = list(iter_inputs([big], ReadOptions(max_chars=100)))
    assert "too large" in err.reason and reads == [ReadOptions(max_chars=100).max_file_bytes + 1]


# ---------------------------------------------------------------------------------------------
# concurrent writers: the output is locked


@pytest.mark.skipif(wio.fcntl is None, reason="no advisory locks on this platform")
@pytest.mark.parametrize("resume", [False, True])
def test_a_locked_output_is_refused_and_left_alone(tmp_path, blank_annotator, resume):
    import fcntl

    out = tmp_path / "out.jsonl"
    out.write_text(jl({"source": "x", "id": "x"}) + "\n")
    src = tmp_path / "a.txt"
    src.write_text(GOOD[0])
    with open(out, "ab") as holder:  # another run holding the output
        fcntl.flock(holder.fileno(), fcntl.LOCK_EX)
        with pytest.raises(OutputLockedError, match="in use by another warta run"):
            annotate_files([src], out, blank_annotator, resume=resume, progress=False)
        assert out.read_text() == jl({"source": "x", "id": "x"}) + "\n"
        if resume:  # the CLI: exit 2, one line
            res = warta(src, "-o", out, "--no-model", "--resume")
            assert res.returncode == 2 and "in use" in one_line_error(res.stderr)
    summary = annotate_files([src], out, blank_annotator, resume=resume, progress=False)  # lock released
    assert summary.documents == 1


def test_two_concurrent_runs_do_not_interleave(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text("".join(jl({"id": f"d{i:03d}", "text": GOOD[i % 3]}) + "\n" for i in range(300)))
    out = tmp_path / "out.jsonl"
    cmd = [sys.executable, "-m", "pipeline.cli", "annotate", str(src), "-o", str(out), "--no-model", "-q", "--resume"]
    procs = [subprocess.Popen(cmd, stderr=subprocess.PIPE, cwd=ROOT) for _ in range(2)]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    codes = sorted(code for code, _ in results)
    ids = [d["id"] for d in read_jsonl(out)]
    if codes == [0, 0]:  # the second started after the first had finished: it skipped everything
        assert ids == [f"d{i:03d}" for i in range(300)]
    else:
        assert codes == [0, 2] and ids == [f"d{i:03d}" for i in range(300)]
        assert any(b"in use by another warta run" in err for _, err in results)


def _two_worker_run_under_way(tmp_path, n: int, batch_size: int, **popen):
    """`warta annotate --workers 2` of n small documents, started and left running once it has
    written 8 lines: (command, output path, process)."""
    import time

    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text("".join(jl({"id": f"d{i:03d}", "text": GOOD[i % 3] * 25}) + "\n" for i in range(n)))
    small = _config(tmp_path, f"pipeline:\n  batch_size: {batch_size}\n")
    cmd = [sys.executable, "-m", "pipeline.cli", "annotate", str(src), "-o", str(out), "--no-model", "-q",
           "--workers", "2", "--config", str(small)]
    proc = subprocess.Popen(cmd, cwd=ROOT, **popen)
    deadline = time.time() + 120
    while time.time() < deadline and not (out.exists() and out.read_bytes().count(b"\n") >= 8):
        time.sleep(0.02)
    return cmd, out, proc


def test_a_killed_multi_worker_run_can_resume_at_once(tmp_path):
    """Orphaned workers of a kill -9'ed run (still busy with their chunk) do not hold the lock."""
    import time

    import psutil

    n = 200
    _, out, proc = _two_worker_run_under_way(tmp_path, n, batch_size=8)
    workers = psutil.Process(proc.pid).children()
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with wio.JsonlWriter(out, resume=True) as again:  # raises OutputLockedError if a worker kept it
        written = len(again.done)
    assert 8 <= written < n, "the run must be killed halfway"
    assert [d["id"] for d in read_jsonl(out)] == [f"d{i:03d}" for i in range(written)]
    deadline = time.time() + 30  # the orphaned workers end by themselves
    while time.time() < deadline and any(w.is_running() and w.status() != psutil.STATUS_ZOMBIE for w in workers):
        time.sleep(0.2)
    assert workers and not any(w.is_running() and w.status() != psutil.STATUS_ZOMBIE for w in workers)


def test_a_worker_killed_mid_run_aborts_the_run_and_resume_completes_it(tmp_path):
    """A worker process killed (e.g. by the OOM killer) ends the run with a message instead of a
    hang; `--resume` then completes it with every document exactly once."""
    import psutil

    n = 200
    cmd, out, proc = _two_worker_run_under_way(tmp_path, n, batch_size=4, stderr=subprocess.PIPE)
    workers = psutil.Process(proc.pid).children()
    assert workers, "the run must still be going"
    workers[0].send_signal(signal.SIGKILL)
    _, err = proc.communicate(timeout=120)  # no hang
    assert proc.returncode == 3 and b"worker process died" in err and b"Traceback" not in err
    written = [d["id"] for d in read_jsonl(out)]
    assert written == [f"d{i:03d}" for i in range(len(written))] and len(written) < n
    subprocess.run(cmd + ["--resume"], cwd=ROOT, check=True)
    assert [d["id"] for d in read_jsonl(out)] == [f"d{i:03d}" for i in range(n)]


# ---------------------------------------------------------------------------------------------
# exit codes: 0 ok, 1 refused inputs, 2 usage/config, 3 aborted; one line, no traceback


@pytest.fixture
def fast_cli(monkeypatch, blank_annotator):
    """cli.main in-process, reusing the session's model-less annotator (the CLI's --no-model)."""
    import pipeline.runner

    real = pipeline.runner.Annotator
    monkeypatch.setattr(pipeline.runner, "Annotator",
                        lambda cfg: blank_annotator if cfg == blank_annotator.config else real(cfg))

    def run(*args):
        return cli.main(["annotate", *map(str, args)])
    return run


def test_exit_0_and_1(tmp_path, fast_cli):
    good, bad = tmp_path / "good.txt", tmp_path / "bad.txt"
    good.write_text(GOOD[0])
    bad.write_bytes(b"\xff\xfe")
    assert fast_cli(good, "-o", tmp_path / "a.jsonl", "--no-model", "-q") == 0
    assert fast_cli(good, bad, "-o", tmp_path / "b.jsonl", "--no-model", "-q") == 1


def _config(tmp_path: Path, text: str) -> Path:
    cfg = tmp_path / "c.yaml"
    cfg.write_text(text)
    return cfg


@pytest.mark.parametrize("setup, message", [
    (lambda t: ["--model", t], "is not a spaCy model directory (no config.cfg)"),
    (lambda t: ["--config", _config(t, "ner:\n  rules: missing.jsonl\n")], "'ner.rules': data file not found"),
    (lambda t: ["--config", _config(t, "pipeline:\n  batch_size: null\n")],
     "config key 'pipeline.batch_size' must not be null"),
    (lambda t: ["--config", _config(t, "clean:\n  cues: null\n")], "config key 'clean.cues' must not be null"),
    (lambda t: ["--config", _config(t, "input:\n  max_chars: 0\n")], "'input.max_chars' must be >= 1"),
    (lambda t: ["--no-model", "-o", t], "is a directory"),
    (lambda t: ["--no-model", "--config", _config(t, "pipeline:\n  stages: [clean, stem]\n")],
     "cannot run this pipeline: stage 'stem' (component 'warta_stemmer') requires 'doc.ents'"),
])
def test_exit_2_for_usage_and_config_errors(tmp_path, fast_cli, capsys, setup, message):
    src = tmp_path / "a.txt"
    src.write_text(GOOD[0])
    extra = setup(tmp_path)
    args = [src, *extra] + ([] if "-o" in extra else ["-o", tmp_path / "o.jsonl"])
    assert fast_cli(*args) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_null_config_values_are_config_errors():
    with pytest.raises(ConfigError, match="'input.id_field' must not be null"):
        load_config({"input": {"id_field": None}})
    assert load_config({"pipeline": {"model": None}})["pipeline"]["model"] is None  # null model = rules only
    assert load_config({"input": {"html_field": None}})["input"]["html_field"] is None


def test_exit_3_for_an_internal_error_and_130_for_ctrl_c(tmp_path, fast_cli, capsys, monkeypatch):
    import pipeline.batch

    src = tmp_path / "a.txt"
    src.write_text(GOOD[0])

    def crash(*a, **k):
        raise RuntimeError("boom\nsecond line")
    monkeypatch.setattr(pipeline.batch, "annotate_files", crash)
    assert fast_cli(src, "-o", tmp_path / "o.jsonl", "--no-model") == 3
    err = capsys.readouterr().err
    assert err.strip() == ("warta: error: aborted by an internal error: RuntimeError: boom; second line "
                           "(set WARTA_DEBUG=1 for the traceback)")

    def interrupted(*a, **k):
        raise KeyboardInterrupt
    monkeypatch.setattr(pipeline.batch, "annotate_files", interrupted)
    assert fast_cli(src, "-o", tmp_path / "o.jsonl", "--no-model") == 130


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_disk_full_on_stdout_exits_3(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text(GOOD[0])
    with open("/dev/full", "wb") as full:
        res = subprocess.run([sys.executable, "-m", "pipeline.cli", "annotate", str(src), "-o", "-", "--no-model"],
                             stdout=full, stderr=subprocess.PIPE, cwd=ROOT)
    assert res.returncode == 3
    assert "No space left on device" in one_line_error(res.stderr)


def _file_size_limit(limit: int):
    def apply():
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG instead of being killed
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="needs POSIX file size limits")
def test_a_full_output_file_exits_3_and_resume_completes_it(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text("".join(jl({"id": f"d{i:02d}", "text": GOOD[i % 3]}) + "\n" for i in range(40)))
    out = tmp_path / "out.jsonl"
    res = warta(src, "-o", out, "--no-model", preexec_fn=_file_size_limit(60_000))
    assert res.returncode == 3
    assert "File too large" in one_line_error(res.stderr) and "--resume" in res.stderr.decode()
    assert 0 < out.stat().st_size <= 60_000
    res = warta(src, "-o", out, "--no-model", "--resume", "-q")
    assert res.returncode == 0, res.stderr
    assert [d["id"] for d in read_jsonl(out)] == [f"d{i:02d}" for i in range(40)]


# ---------------------------------------------------------------------------------------------
# smaller cases


def test_a_utf8_bom_is_not_part_of_the_first_token(tmp_path, blank_annotator):
    txt = tmp_path / "bom.txt"
    txt.write_bytes(b"\xef\xbb\xbf" + GOOD[0].encode())
    jsonl = tmp_path / "bom.jsonl"
    jsonl.write_bytes(b"\xef\xbb\xbf" + jl({"id": "j", "text": "\ufeff" + GOOD[1]}).encode() + b"\n")
    summary, docs, errors = run_files(tmp_path, [txt, jsonl], blank_annotator, )
    assert not errors and len(docs) == 2
    for doc, text in zip(docs, GOOD[:2]):
        assert doc["text"] == text and doc["tokens"][0]["text"] in ("Presiden", "Menteri")
        assert doc["entities"][0]["start"] == 0 and doc["entities"][0]["label"] == "TITLE"


def test_stdout_output_quiet_writes_refused_documents_to_stderr_as_json(tmp_path):
    lines = jl({"id": "ok", "text": GOOD[0]}) + "\n" + '{"id": "broken"\n' + jl({"id": "e", "text": " "}) + "\n"
    res = warta("-", "-o", "-", "--no-model", "-q", input=lines.encode())
    assert res.returncode == 1
    assert [json.loads(x)["id"] for x in res.stdout.decode().splitlines()] == ["ok"]
    errs = [json.loads(x) for x in res.stderr.decode().splitlines()]
    assert [(e["path"], e["line"], e["id"], e["reason"].split(":")[0]) for e in errs] == [
        ("<stdin>", 2, None, "broken JSON line"), ("<stdin>", 3, "e", "empty document")]


def test_annotation_failures_name_the_line(tmp_path, blank_annotator, monkeypatch):
    import pipeline.ner

    real = pipeline.ner.find_entities

    def fragile(sdoc, *args):
        if "MELEDAK" in sdoc.text:
            raise RuntimeError("stage bug")
        return real(sdoc, *args)
    monkeypatch.setattr(pipeline.ner, "find_entities", fragile)
    src = tmp_path / "a.jsonl"
    src.write_text("\n".join(jl({"id": f"k{i}", "text": t}) for i, t in
                             enumerate([GOOD[0], "Bom MELEDAK di Jakarta pada Senin.", GOOD[1]])) + "\n")
    _, docs, (err,) = run_files(tmp_path, [src], blank_annotator)
    assert [d["id"] for d in docs] == ["k0", "k2"]
    assert (err["path"], err["line"], err["id"], err["reason"]) == (
        str(src), 2, "k1", "annotation failed: RuntimeError: stage bug")


# ---------------------------------------------------------------------------------------------
# determinism: the output does not depend on PYTHONHASHSEED


# "Hendra Wijaya" and "Wijaya Hendra" are names of the same length whose later mentions overlap:
# which one wins used to follow set order, i.e. the hash seed (seeds 1 and 5 disagreed).
DETERMINISM_DOC = ("Menteri Keuangan Hendra Wijaya tiba. Menteri Agama Wijaya Hendra pulang. "
                   "Lalu Hendra Wijaya Hendra datang.")


def test_output_does_not_depend_on_the_hash_seed(tmp_path):
    src = tmp_path / "in.jsonl"
    texts = [DETERMINISM_DOC] + GOOD
    src.write_text("".join(jl({"id": f"d{i}", "text": t}) + "\n" for i, t in enumerate(texts)), encoding="utf-8")
    outputs = []
    for seed in ("1", "5"):
        out = tmp_path / f"out{seed}.jsonl"
        res = warta(src, "-o", out, "--no-model", "-q", env={**os.environ, "PYTHONHASHSEED": seed})
        assert res.returncode == 0, res.stderr
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    persons = [(e["text"], e["start"]) for e in next(read_jsonl(tmp_path / "out1.jsonl"))["entities"]
               if e["label"] == "PER"]
    assert persons == [("Hendra Wijaya", 17), ("Wijaya Hendra", 51), ("Hendra Wijaya", 78), ("Hendra", 92)]
