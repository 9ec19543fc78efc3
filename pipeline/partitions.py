"""Partitioned, resumable output: the plan, part files, the manifest, and `merge`.

An output directory holds
- `manifest.json`: the inputs (path, size, SHA-256, units), the partition plan (each partition is
  a range of input units: lines of JSONL, records of WARC, whole other files), the config and
  model digests and the status of every partition;
- `part-00042.jsonl.gz` + `part-00042.errors.jsonl`: the annotated documents of partition 42 and
  its refused documents. Both are written under a temporary name and renamed (errors first),
  so a part file that exists is complete; the manifest records its size and SHA-256, so a
  truncated or altered file is found and redone.

Nothing here needs Dask: `run_partition` is a plain function that any engine can call (Dask runs
it on its workers, see `pipeline.dask`), and the records it writes are byte-identical to what
`warta annotate` writes for the same input (same `source` keys).
"""
from __future__ import annotations

import dataclasses
import fcntl
import gzip
import hashlib
import json
import os
import threading
import time
import zlib
from array import array
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO, Iterable, Iterator, Optional, Union

from . import __version__
from .config import Config, config_digest, content_digest, sha256_file
from .io import InputError, InputRecord, ReadOptions, _kind, errors_path, read_jsonl_file

MANIFEST = "manifest.json"
FORMAT = 1
UNITS_PER_PARTITION = 1000
MIN_PARTITIONS = 16  # by default, so that small inputs still keep a few workers busy
# Settings that say where a run happens, not what it writes: not part of the config digest.
ENGINE_KEYS = ("engine", "dask")

Item = Union[InputRecord, InputError]


class ManifestError(ValueError):
    """The output directory belongs to another run (config, model or inputs changed)."""


# ----------------------------------------------------------------------------- digests

def model_digest(config: Config) -> Optional[str]:
    """SHA-256 over the model directory's files (relative names and contents); None: no model."""
    model = config["pipeline"]["model"]
    return content_digest(model) if model and Path(model).is_dir() else None


def output_config(config: Config) -> Config:
    """The settings that decide the output (the engine settings removed)."""
    return {k: v for k, v in config.items() if k not in ENGINE_KEYS}


def _diff_keys(old: Any, new: Any, prefix: str = "") -> list[str]:
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for k in sorted(set(old) | set(new)):
            out += _diff_keys(old.get(k), new.get(k), f"{prefix}{k}.")
        return out
    return [prefix.rstrip(".")] if old != new else []


# ----------------------------------------------------------------------------- inputs and plan

def list_input_files(inputs: Iterable[Union[str, Path]], opts: ReadOptions,
                     exclude_dir: Optional[Union[str, Path]] = None) -> list[str]:
    """The files `pipeline.io.iter_inputs` reads, in its order and spelled as it spells them
    (their `str` is the `source` prefix). A missing input stays in the list (it becomes an error).
    Files under `exclude_dir` (the run's own output directory) are left out of directories."""
    own = Path(exclude_dir).resolve() if exclude_dir else None

    def skip(p: Path) -> bool:
        return own is not None and (own == p.resolve().parent or own in p.resolve().parents)

    out: list[str] = []
    for item in inputs:
        if str(item) == "-":
            raise ValueError("reading stdin ('-') is not possible with partitions: give files")
        path = Path(item)
        if path.is_dir():
            out += [str(p) for p in sorted(p for p in path.rglob("*")
                                           if p.is_file() and _kind(p, opts) and not skip(p))]
        else:
            out.append(str(path))
    return out


@dataclasses.dataclass
class InputFile:
    """One input file of a plan: what it is, how big, and where its units start."""

    path: str                      # as the user spelled it (source keys are built from it)
    abspath: str                   # what workers open
    kind: str                      # jsonl | jsonl.gz | warc | whole (one document or one error)
    size: Optional[int]
    sha256: Optional[str]
    units: int
    offsets: Optional[array] = None  # byte offset of each unit when the file can be seeked

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "abspath": self.abspath, "kind": self.kind, "size": self.size,
                "sha256": self.sha256, "units": self.units}


def scan_input(path: str, opts: ReadOptions) -> InputFile:
    """Size, checksum and unit offsets of one input file (read once, plus once for the hash)."""
    p = Path(path)
    ext = _kind(p, opts)
    absolute = os.path.abspath(p)  # not resolve(): a symlink keeps its own name (the id of a .txt)
    if not p.is_file():
        return InputFile(path, absolute, "whole", None, None, 1)
    try:
        size, digest = p.stat().st_size, sha256_file(p)
    except OSError:
        return InputFile(path, absolute, "whole", None, None, 1)
    if ext == ".jsonl":
        offsets, pos = array("q"), 0
        with open(p, "rb") as fh:
            for line in fh:
                offsets.append(pos)
                pos += len(line)
        return InputFile(path, absolute, "jsonl", size, digest, max(len(offsets), 1), offsets)
    if ext == ".jsonl.gz":
        lines = 0
        try:
            with gzip.open(p, "rb") as fh:
                for _ in fh:
                    lines += 1
        except (OSError, EOFError, zlib.error):
            lines += 1  # the reader reports the broken stream where it starts
        return InputFile(path, absolute, "jsonl.gz", size, digest, max(lines, 1))
    if ext in (".warc", ".warc.gz"):
        from .warc import scan_warc

        offsets = array("q", scan_warc(p))
        return InputFile(path, absolute, "warc", size, digest, max(len(offsets), 1), offsets)
    return InputFile(path, absolute, "whole", size, digest, 1)


def plan_partitions(files: list[InputFile], n: Optional[int]) -> list[dict[str, Any]]:
    """Split the units of all files, in input order, into `n` contiguous ranges of about equal
    size (default: about UNITS_PER_PARTITION units each, at least MIN_PARTITIONS). A range is
    `{"start": {"input", "unit", "offset"}, "stop": {"input", "unit"}}`, stop exclusive."""
    total = sum(f.units for f in files)
    if total == 0:
        return []
    n = max(1, min(n or max(-(-total // UNITS_PER_PARTITION), MIN_PARTITIONS), total))
    bounds = [round(i * total / n) for i in range(n + 1)]
    # global unit index -> (input index, unit within input)
    starts, acc = [], 0
    for f in files:
        starts.append(acc)
        acc += f.units

    def locate(g: int) -> tuple[int, int]:
        lo, hi = 0, len(files) - 1
        while lo < hi:  # last input whose start <= g
            mid = (lo + hi + 1) // 2
            if starts[mid] <= g:
                lo = mid
            else:
                hi = mid - 1
        return lo, g - starts[lo]

    plan = []
    for i in range(n):
        fi, u = locate(bounds[i])
        f = files[fi]
        offset = int(f.offsets[u]) if f.offsets is not None and u < len(f.offsets) else None
        if bounds[i + 1] >= total:
            stop = {"input": len(files), "unit": 0}
        else:
            si, su = locate(bounds[i + 1])
            stop = {"input": si, "unit": su}
        plan.append({"id": i, "start": {"input": fi, "unit": u, "offset": offset}, "stop": stop,
                     "status": "pending"})
    return plan


def part_name(i: int) -> str:
    return f"part-{i:05d}.jsonl.gz"


def errors_name(i: int) -> str:
    return f"part-{i:05d}.errors.jsonl"


# ----------------------------------------------------------------------------- reading a range

def _rename(items: Iterator[Item], actual: str, name: str) -> Iterator[Item]:
    """Items read from `actual` (an absolute path) with keys and paths spelled as `name`."""
    for it in items:
        key = name + it.key[len(actual):] if it.key.startswith(actual) else it.key
        if isinstance(it, InputError):
            yield dataclasses.replace(it, key=key, path=name if it.path == actual else it.path)
        else:
            yield dataclasses.replace(it, key=key)


def _jsonl_range(f: dict[str, Any], opts: ReadOptions, start: int, offset: Optional[int],
                 stop: Optional[int]) -> Iterator[Item]:
    """Lines [start, stop) of a JSONL file through the ordinary JSONL reader (bounded line length,
    the same line numbers and keys as a whole-file read)."""
    count = None if stop is None else stop - start
    yield from read_jsonl_file(Path(f["abspath"]), opts, name=f["path"], start_line=start, offset=offset,
                               limit=count)


def iter_range(files: list[dict[str, Any]], part: dict[str, Any], opts: ReadOptions,
               skipped: Counter) -> Iterator[Item]:
    """The input items of one partition, in input order, with the keys `warta annotate` gives."""
    from .io import _read_file
    from .warc import read_warc_file

    start, stop = part["start"], part["stop"]
    for fi in range(start["input"], min(stop["input"] + 1, len(files))):
        f = files[fi]
        first = start["unit"] if fi == start["input"] else 0
        last = stop["unit"] if fi == stop["input"] else None
        if last is not None and last <= first:
            continue
        offset = start["offset"] if fi == start["input"] else 0
        name, path = f["path"], f["abspath"]
        if f["kind"] == "whole" or (first == 0 and last is None and f["kind"] != "warc"):
            if not Path(path).exists():
                yield InputError(name, name, None, None, "no such file or directory")
            else:
                yield from _rename(_read_file(Path(path), opts), path, name)
        elif f["kind"] in ("jsonl", "jsonl.gz"):
            yield from _jsonl_range(f, opts, first, offset, last)
        else:  # warc: records [first, last) from the byte offset of record `first`
            yield from read_warc_file(Path(path), opts, name=name, offset=offset or 0, first=first + 1,
                                      count=None if last is None else last - first, skipped=skipped)


# ----------------------------------------------------------------------------- running one partition

_ANNOTATORS: dict[str, Any] = {}
_LOCK = threading.Lock()
LOADS: Counter = Counter()  # how often this process built a pipeline, per config digest


def _annotator(config: Config):
    """This process's pipeline for `config`, built on first use and kept for later partitions."""
    from .runner import Annotator

    key = json.dumps(config, sort_keys=True)
    if key not in _ANNOTATORS:
        _ANNOTATORS.clear()  # one pipeline per process: a new config replaces the old one
        _ANNOTATORS[key] = Annotator(config)
        LOADS[key] += 1
    return _ANNOTATORS[key]


class _HashingFile:
    """A write-only file that also hashes and counts what goes through it."""

    def __init__(self, fh: BinaryIO):
        self.fh, self.sha, self.size = fh, hashlib.sha256(), 0

    def write(self, data: bytes) -> int:
        self.sha.update(data)
        self.size += len(data)
        return self.fh.write(data)

    def flush(self) -> None:
        self.fh.flush()


def run_partition(files: list[dict[str, Any]], part: dict[str, Any], config: Config,
                  outdir: str) -> dict[str, Any]:
    """Annotate one partition into OUTDIR/part-NNNNN.jsonl.gz (+ .errors.jsonl), atomically.
    A bad record becomes an error line, never an exception. Returns the partition's figures."""
    started = time.perf_counter()
    out = Path(outdir)
    i = part["id"]
    tag = f".tmp-{os.getpid()}-{threading.get_ident()}"
    tmp_part, tmp_err = out / ("." + part_name(i) + tag), out / ("." + errors_name(i) + tag)
    opts = ReadOptions.from_config(config)
    skipped: Counter = Counter()
    docs = errs = words = 0
    batch = config["pipeline"]["batch_size"]
    with _LOCK:  # one pipeline per process; Dask threads of a process take turns
        annotator = _annotator(config)
        with open(tmp_err, "wb") as ef, open(tmp_part, "wb") as raw:
            hashed = _HashingFile(raw)
            with gzip.GzipFile(filename="", mode="wb", fileobj=hashed, compresslevel=6, mtime=0) as gz:
                def error(e: InputError) -> None:
                    nonlocal errs
                    errs += 1
                    ef.write((json.dumps({"key": e.key, **e.to_dict()}, ensure_ascii=False) + "\n").encode())

                pending: list[InputRecord] = []

                def flush() -> None:
                    nonlocal docs, words
                    for rec in annotator.annotate_records(pending):
                        if isinstance(rec, InputError):
                            error(rec)
                        else:
                            gz.write((json.dumps(rec, ensure_ascii=False) + "\n").encode("utf-8"))
                            docs += 1
                            words += len(rec["tokens"]) or len(rec["text"].split())
                    pending.clear()

                for item in iter_range(files, part, opts, skipped):
                    if isinstance(item, InputError):
                        error(item)
                    else:
                        pending.append(item)
                        if len(pending) >= batch:
                            flush()
                flush()
            raw.flush()
            os.fsync(raw.fileno())
            ef.flush()
            os.fsync(ef.fileno())
    err_final = out / errors_name(i)
    os.replace(tmp_err, err_final)
    os.replace(tmp_part, out / part_name(i))
    return {"id": i, "documents": docs, "errors": errs, "words": words, "skipped": dict(skipped),
            "size": hashed.size, "sha256": hashed.sha.hexdigest(),
            "errors_size": err_final.stat().st_size, "errors_sha256": sha256_file(err_final),
            "seconds": round(time.perf_counter() - started, 3), "pid": os.getpid(),
            "host": os.uname().nodename}


# ----------------------------------------------------------------------------- checking part files

def check_part(outdir: Path, part: dict[str, Any]) -> Optional[str]:
    """None when the partition's files are those the manifest recorded, else what is wrong."""
    i = part["id"]
    for name, size_key, sha_key in ((part_name(i), "size", "sha256"),
                                    (errors_name(i), "errors_size", "errors_sha256")):
        p = outdir / name
        if not p.is_file():
            return f"{name} is missing"
        if p.stat().st_size != part.get(size_key):
            return f"{name} has {p.stat().st_size} bytes, the manifest says {part.get(size_key)}"
        if sha256_file(p) != part.get(sha_key):
            return f"{name} does not match its SHA-256 in the manifest"
    return None


def adopt_part(outdir: Path, part: dict[str, Any]) -> Optional[dict[str, Any]]:
    """Figures of a complete part file the manifest has not recorded yet (its run was killed
    after the file was renamed); None when the files are absent or do not read back whole."""
    i = part["id"]
    pp, ep = outdir / part_name(i), outdir / errors_name(i)
    if not (pp.is_file() and ep.is_file()):
        return None
    docs = words = 0
    try:
        with gzip.open(pp, "rb") as fh:  # reading to the end checks the gzip CRC and length
            for line in fh:
                rec = json.loads(line)
                docs += 1
                words += len(rec["tokens"]) or len(rec["text"].split())
        err_data = ep.read_bytes()
        if err_data and not err_data.endswith(b"\n"):
            return None
        errs = sum(1 for line in err_data.splitlines() if line.strip())
    except (OSError, EOFError, zlib.error, ValueError, KeyError, TypeError):
        return None
    return {"id": i, "documents": docs, "errors": errs, "words": words, "skipped": {},
            "size": pp.stat().st_size, "sha256": sha256_file(pp), "errors_size": ep.stat().st_size,
            "errors_sha256": sha256_file(ep), "adopted": True}


# ----------------------------------------------------------------------------- the manifest

def read_manifest(outdir: Path) -> Optional[dict[str, Any]]:
    p = Path(outdir) / MANIFEST
    if not p.is_file():
        return None
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ManifestError(f"{p} cannot be read ({exc}); use --overwrite to start over") from exc


def write_manifest(outdir: Path, manifest: dict[str, Any]) -> None:
    """Written to a temporary file and renamed: a killed run leaves the old or the new one."""
    p = Path(outdir) / MANIFEST
    tmp = p.with_name(f".{MANIFEST}.tmp-{os.getpid()}")
    tmp.write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, p)


def new_manifest(inputs: list[str], files: list[InputFile], plan: list[dict[str, Any]],
                 config: Config) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "warta_version": __version__,
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "arguments": list(inputs),
        "config_digest": config_digest(config),
        "model_digest": model_digest(config),
        "config": output_config(config),
        "inputs": [f.to_dict() for f in files],
        "partitions": plan,
    }


def prepare(inputs: list[Union[str, Path]], outdir: Union[str, Path], config: Config,
            partitions: Optional[int] = None, overwrite: bool = False,
            log=lambda msg: None) -> dict[str, Any]:
    """The manifest for a run into `outdir`: a new one, or the existing one when it was made from
    the same inputs, config and model (else ManifestError, unless `overwrite`). Partitions whose
    files are missing or do not match the manifest are marked pending."""
    out = Path(outdir)
    if partitions is not None and (not isinstance(partitions, int) or partitions < 1):
        raise ValueError(f"the number of partitions must be an integer >= 1, not {partitions!r}")
    if out.exists() and not out.is_dir():
        raise ValueError(f"{out} is a file: a partitioned run writes into a directory")
    out.mkdir(parents=True, exist_ok=True)
    opts = ReadOptions.from_config(config)
    names = list_input_files(inputs, opts, exclude_dir=out)
    old = None if overwrite else read_manifest(out)
    if old is not None:
        problems = []
        if old.get("format") != FORMAT:
            problems.append(f"manifest format {old.get('format')} (this version writes {FORMAT})")
        if old.get("config_digest") != config_digest(config):
            keys = _diff_keys(old.get("config"), output_config(config))
            problems.append("the configuration changed" + (f" ({', '.join(keys[:8])})" if keys
                                                            else " (the contents of its data files)"))
        if old.get("model_digest") != model_digest(config):
            problems.append("the model changed")
        if [f["path"] for f in old["inputs"]] != names:
            problems.append("the input files differ")
        elif partitions is not None and partitions != len(old["partitions"]):
            problems.append(f"--partitions {partitions} but it has {len(old['partitions'])}")
        else:
            for f in old["inputs"]:
                p = Path(f["abspath"])
                size = p.stat().st_size if p.is_file() else None
                if size != f["size"] or (size is not None and sha256_file(p) != f["sha256"]):
                    problems.append(f"input {f['path']} changed")
        if problems:
            raise ManifestError(f"{out} holds a run with other settings: {'; '.join(problems)}. "
                                "Use --overwrite to start over (its part files are deleted).")
        for part in old["partitions"]:
            if part["status"] == "done":
                problem = check_part(out, part)
                if problem:
                    log(f"partition {part['id']}: {problem}: redoing it")
                    part["status"] = "pending"
                    part["redo"] = problem
        return old
    for p in list(out.glob("part-*")) + [out / MANIFEST]:
        if p.is_file():
            p.unlink()
    files = [scan_input(n, opts) for n in names]
    manifest = new_manifest(list(map(str, inputs)), files, plan_partitions(files, partitions), config)
    write_manifest(out, manifest)
    return manifest


def task_arguments(manifest: dict[str, Any], part: dict[str, Any]) -> tuple[list[dict], dict]:
    """(files, part) for `run_partition`, with only the input files the partition touches."""
    first = part["start"]["input"]
    last = min(part["stop"]["input"], len(manifest["inputs"]) - 1)
    files = manifest["inputs"][first:last + 1]
    shifted = {**part, "start": {**part["start"], "input": 0},
               "stop": {**part["stop"], "input": part["stop"]["input"] - first}}
    return files, shifted


def record_done(part: dict[str, Any], result: dict[str, Any]) -> None:
    part.update({k: v for k, v in result.items() if k != "id"})
    part.pop("redo", None)
    part.pop("failure", None)
    part["status"] = "done"


def remove_temporaries(outdir: Path) -> None:
    """Temporary files of attempts that died (a killed worker leaves its half-written file)."""
    for p in Path(outdir).glob(".part-*.tmp-*"):
        try:
            p.unlink()
        except OSError:
            pass


@contextmanager
def locked(outdir: Union[str, Path]) -> Iterator[None]:
    """One run at a time per output directory."""
    out = Path(outdir)
    if out.exists() and not out.is_dir():
        raise ManifestError(f"{out} is a file: a partitioned run writes into a directory")
    out.mkdir(parents=True, exist_ok=True)
    with open(out / ".lock", "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            raise ManifestError(f"another run is writing {out}") from exc
        yield


# ----------------------------------------------------------------------------- merge

def merge(outdir: Union[str, Path], output: Union[str, Path]) -> dict[str, int]:
    """Concatenate the part files of a finished run in input order into `output` (gzip when it
    ends in .gz, else plain JSONL) and their errors into OUT.errors.jsonl. Every part file is
    checked against the manifest first."""
    out = Path(outdir)
    manifest = read_manifest(out)
    if manifest is None:
        raise ManifestError(f"{out} has no {MANIFEST}: not a partitioned run")
    todo = [p["id"] for p in manifest["partitions"] if p["status"] != "done"]
    if todo:
        raise ManifestError(f"{len(todo)} of {len(manifest['partitions'])} partitions are not done "
                            f"(first: {todo[0]}): rerun the annotate command first")
    for part in manifest["partitions"]:
        problem = check_part(out, part)
        if problem:
            raise ManifestError(f"partition {part['id']}: {problem}: rerun the annotate command")
    target, err_target = Path(output), errors_path(output)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp, err_tmp = target.with_name(f".{target.name}.tmp"), err_target.with_name(f".{err_target.name}.tmp")
    docs = errs = 0
    with open(tmp, "wb") as fh, open(err_tmp, "wb") as efh:
        for part in manifest["partitions"]:
            pp = out / part_name(part["id"])
            if target.name.endswith(".gz"):
                with open(pp, "rb") as src:  # gzip members concatenate into one valid gzip file
                    for block in iter(lambda: src.read(1 << 20), b""):
                        fh.write(block)
            else:
                with gzip.open(pp, "rb") as src:
                    for block in iter(lambda: src.read(1 << 20), b""):
                        fh.write(block)
            efh.write((out / errors_name(part["id"])).read_bytes())
            docs += part.get("documents", 0)
            errs += part.get("errors", 0)
    os.replace(err_tmp, err_target)
    os.replace(tmp, target)
    return {"partitions": len(manifest["partitions"]), "documents": docs, "errors": errs}


def totals(manifest: dict[str, Any]) -> dict[str, Any]:
    """Documents, errors, words and skipped WARC records over the done partitions."""
    out: dict[str, Any] = {"documents": 0, "errors": 0, "words": 0}
    skipped: Counter = Counter()
    for part in manifest["partitions"]:
        if part["status"] == "done":
            for k in ("documents", "errors", "words"):
                out[k] += part.get(k) or 0
            skipped.update(part.get("skipped") or {})
    out["skipped"] = dict(skipped)
    return out
