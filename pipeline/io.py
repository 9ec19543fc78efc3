"""Reading inputs and writing JSONL that survives being killed.

Readers yield `InputRecord`s or `InputError`s, never raise for bad data: invalid UTF-8,
binary files, empty or oversized documents, broken JSON lines and missing fields each
become one error naming the file, the line and the document id when known.

`JsonlWriter` appends one complete line per `os.write` call, so a run killed at any
moment leaves a valid JSONL file; on `resume` a torn last line is cut off and the keys
already written are returned so the run can skip them.
"""
from __future__ import annotations

import gzip
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Iterable, Iterator, Optional, Union


@dataclass
class InputRecord:
    """One document to annotate; `key` ("path:line") is unique in a run and used for resume."""

    key: str
    id: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    html: bool = False


@dataclass
class InputError:
    """A document or file that cannot be annotated, and why."""

    key: str
    path: str
    line: Optional[int]
    id: Optional[str]
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "id": self.id, "reason": self.reason}

    def message(self) -> str:
        where = self.path + (f":{self.line}" if self.line is not None else "")
        doc = f" (document {self.id})" if self.id else ""
        return f"{where}{doc}: {self.reason}"


Item = Union[InputRecord, InputError]


@dataclass(frozen=True)
class ReadOptions:
    id_field: str = "id"
    text_field: str = "text"
    html_field: Optional[str] = None
    max_chars: int = 2_000_000
    extensions: tuple[str, ...] = (".txt", ".jsonl", ".jsonl.gz", ".html", ".htm")

    @classmethod
    def from_config(cls, cfg: dict) -> "ReadOptions":
        c = cfg["input"]
        return cls(c["id_field"], c["text_field"], c["html_field"], c["max_chars"],
                   tuple(c["extensions"]))


def _decode(data: bytes) -> tuple[Optional[str], Optional[str], Optional[int]]:
    """(text, None, None) or (None, reason, 1-based line of the problem)."""
    if b"\x00" in data[:8192]:
        return None, "binary file (NUL bytes), not text", None
    try:
        return data.decode("utf-8"), None, None
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1)
        return None, f"invalid UTF-8 at byte {exc.start} (line {line}, column {col + 1})", line


def _check_text(text: str, key: str, path: str, line: Optional[int], doc_id: Optional[str],
                opts: ReadOptions) -> Optional[InputError]:
    if not text.strip():
        return InputError(key, path, line, doc_id, "empty document")
    if len(text) > opts.max_chars:
        return InputError(key, path, line, doc_id,
                          f"document too large ({len(text):,} characters > input.max_chars "
                          f"{opts.max_chars:,})")
    return None


def _kind(path: Path, opts: ReadOptions) -> Optional[str]:
    name = path.name.lower()
    for ext in sorted(opts.extensions, key=len, reverse=True):
        if name.endswith(ext):
            return ext
    return None


def read_text_file(path: Path, opts: ReadOptions) -> Iterator[Item]:
    key = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield InputError(key, str(path), None, path.stem, f"cannot read file: {exc.strerror or exc}")
        return
    text, problem, line = _decode(data)
    if problem:
        yield InputError(key, str(path), line, path.stem, problem)
        return
    is_html = _kind(path, opts) in (".html", ".htm")
    problem_err = _check_text(text, key, str(path), None, path.stem, opts)
    if problem_err:
        yield problem_err
        return
    yield InputRecord(key, path.stem, text, {}, html=is_html)


def read_jsonl_stream(stream: BinaryIO, name: str, opts: ReadOptions) -> Iterator[Item]:
    """Records of a JSONL byte stream; line numbers are 1-based."""
    for lineno, raw in enumerate(stream, start=1):
        key = f"{name}:{lineno}"
        if not raw.strip():
            continue
        line, problem, _ = _decode(raw)
        if problem:
            yield InputError(key, name, lineno, None, problem)
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputError(key, name, lineno, None, f"broken JSON line: {exc.msg} at column {exc.colno}")
            continue
        if not isinstance(obj, dict):
            yield InputError(key, name, lineno, None, "JSON line is not an object")
            continue
        yield record_from_mapping(obj, key, name, lineno, opts, f"{Path(name).name.split('.')[0]}-{lineno}")


def record_from_mapping(obj: dict[str, Any], key: str, name: str, lineno: Optional[int],
                        opts: ReadOptions, default_id: str) -> Item:
    """One input record (a JSONL line or a dict given to the API) -> InputRecord or InputError.
    Fields other than the id and text go into `meta` (a `meta` mapping is merged in flat)."""
    doc_id = obj.get(opts.id_field)
    doc_id = str(doc_id) if doc_id is not None else default_id
    if "pipeline" in obj and "tokens" in obj and isinstance(obj.get("pipeline"), dict):
        return InputError(key, name, lineno, doc_id, "record is Warta output (has 'pipeline' and 'tokens'), "
                                                     "not an input document")
    field_name = opts.html_field or opts.text_field
    text = obj.get(field_name)
    if not isinstance(text, str):
        if field_name in obj:
            reason = f"field '{field_name}' is not a string"
        else:
            fields = ", ".join(f"'{k}'" for k in list(obj)[:10]) or "none"
            hint = "--html-field" if opts.html_field else "--text-field"
            reason = f"missing field '{field_name}' (the record has {fields}; choose one with {hint})"
        return InputError(key, name, lineno, doc_id, reason)
    err = _check_text(text, key, name, lineno, doc_id, opts)
    if err:
        return err
    meta = {k: v for k, v in obj.items() if k not in (opts.id_field, field_name, "meta")}
    if isinstance(obj.get("meta"), dict):
        meta.update(obj["meta"])
    elif "meta" in obj:
        meta["meta"] = obj["meta"]
    return InputRecord(key, doc_id, text, meta, html=opts.html_field is not None)


def read_jsonl_file(path: Path, opts: ReadOptions) -> Iterator[Item]:
    try:
        if path.name.endswith(".gz"):
            stream: BinaryIO = gzip.open(path, "rb")  # type: ignore[assignment]
        else:
            stream = open(path, "rb")
    except OSError as exc:
        yield InputError(str(path), str(path), None, None, f"cannot read file: {exc.strerror or exc}")
        return
    try:
        with stream:
            yield from read_jsonl_stream(stream, str(path), opts)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        yield InputError(f"{path}:?", str(path), None, None, f"cannot read file: {exc}")


def display_path(path: Path) -> str:
    """A path as documents name it (`source`, resume keys): relative to the working directory
    when inside it, else absolute; `seeds/a.txt` and `$PWD/seeds/a.txt` are the same key."""
    try:
        full = path.absolute()
        return str(full.relative_to(Path.cwd()))
    except ValueError:
        return str(path.absolute())


def read_text_stream(stream: BinaryIO, name: str, opts: ReadOptions) -> Iterator[Item]:
    """Plain text on a stream (`--format text -`): the whole stream is one document."""
    text, problem, line = _decode(stream.read(opts.max_chars * 4 + 1))
    doc_id = Path(name).stem.strip("<>") or "stdin"
    if problem:
        yield InputError(name, name, line, doc_id, problem)
        return
    err = _check_text(text, name, name, None, doc_id, opts)
    yield err if err else InputRecord(name, doc_id, text, {})


def iter_inputs(inputs: Iterable[Union[str, Path]], opts: ReadOptions,
                stdin: Optional[BinaryIO] = None,
                exclude: Iterable[Union[str, Path]] = (), stdin_format: str = "jsonl") -> Iterator[Item]:
    """Every document of the given files, directories (recursive) and '-' (stdin: JSONL, or one
    plain-text document with `stdin_format="text"`). Files in `exclude` (the run's own output
    files) and, in directories, error files (`*.errors.jsonl`) are never read."""
    skip = {Path(p).resolve() for p in exclude}
    for item in inputs:
        if str(item) == "-":
            stream = stdin or sys.stdin.buffer
            if stdin_format == "text":
                yield from read_text_stream(stream, "<stdin>", opts)
            else:
                yield from read_jsonl_stream(stream, "<stdin>", opts)
            continue
        path = Path(display_path(Path(item)))
        if path.is_dir():
            files = sorted(p for p in path.rglob("*")
                           if p.is_file() and _kind(p, opts) and p.resolve() not in skip
                           and not p.name.endswith(".errors.jsonl"))
            for f in files:
                yield from _read_file(f, opts)
        elif path.exists():
            if path.resolve() in skip:
                yield InputError(str(path), str(path), None, None, "input is the run's own output file")
                continue
            yield from _read_file(path, opts)
        else:
            yield InputError(str(path), str(path), None, None, "no such file or directory")


def _read_file(path: Path, opts: ReadOptions) -> Iterator[Item]:
    kind = _kind(path, opts)
    if kind in (".jsonl", ".jsonl.gz"):
        yield from read_jsonl_file(path, opts)
    elif kind in (".warc", ".warc.gz"):
        from .warc import read_warc_file  # HTML responses of a web archive

        yield from read_warc_file(path, opts)
    else:
        yield from read_text_file(path, opts)


class JsonlWriter:
    """Append-only JSONL output; each record is one `os.write` of one complete line."""

    def __init__(self, path: Union[str, Path, None], resume: bool = False, key_field: str = "source"):
        self.path = None if path in (None, "-") else Path(path)
        self.key_field = key_field
        self.done: set[str] = set()
        self.count = 0
        if self.path is None:
            self.fd = sys.stdout.fileno()
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if resume and self.path.exists():
            self.done = repair_and_collect(self.path, key_field)
        flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if resume else os.O_TRUNC)
        self.fd = os.open(self.path, flags, 0o644)

    def write(self, record: dict[str, Any]) -> None:
        data = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
        if self.path is None:
            sys.stdout.flush()
        view = memoryview(data)
        while view:
            written = os.write(self.fd, view)
            view = view[written:]
        self.count += 1

    def flush(self) -> None:
        """Lines are written as they come; nothing is buffered."""

    def close(self) -> None:
        if self.path is not None:
            os.close(self.fd)

    def __enter__(self) -> "JsonlWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def repair_and_collect(path: Path, key_field: str) -> set[str]:
    """Cut a torn last line off `path`; return the `key_field` values of its complete lines."""
    keys: set[str] = set()
    good_end = 0
    with open(path, "rb") as fh:
        offset = 0
        for raw in fh:
            end = offset + len(raw)
            if not raw.endswith(b"\n"):
                break
            try:
                obj = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError):
                break
            key = obj.get(key_field) if isinstance(obj, dict) else None
            if key is not None:
                keys.add(str(key))
            good_end = end
            offset = end
    if good_end < path.stat().st_size:
        with open(path, "r+b") as fh:
            fh.truncate(good_end)
    return keys


def errors_path(output: Union[str, Path, None]) -> Optional[Path]:
    """OUT.jsonl -> OUT.errors.jsonl (None when writing to stdout)."""
    if output in (None, "-"):
        return None
    p = Path(output)
    name = p.name
    for ext in (".jsonl.gz", ".jsonl", ".gz"):
        if name.endswith(ext):
            name = name[:-len(ext)]
            break
    return p.with_name(name + ".errors.jsonl")


def read_jsonl(path: Union[str, Path]) -> Iterator[dict[str, Any]]:
    """Records of a JSONL (or .jsonl.gz) file, for notebooks and tests."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:  # type: ignore[operator]
        for line in fh:
            if line.strip():
                yield json.loads(line)



class GzipJsonlWriter(JsonlWriter):
    """JSONL in gzip: lines are buffered and each `flush()` appends one complete gzip member in
    one `os.write`, so a killed run leaves a valid file up to its last member; `resume` cuts a
    torn last member."""

    def __init__(self, path: Union[str, Path], resume: bool = False, key_field: str = "source"):
        self.path = Path(path)
        self.key_field = key_field
        self.count = 0
        self.buffer: list[bytes] = []
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.done = repair_and_collect_gz(self.path, key_field) if resume and self.path.exists() else set()
        self.fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | (os.O_APPEND if resume else os.O_TRUNC), 0o644)

    def write(self, record: dict[str, Any]) -> None:
        self.buffer.append((json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))
        self.count += 1

    def flush(self) -> None:
        if not self.buffer:
            return
        view = memoryview(gzip.compress(b"".join(self.buffer), mtime=0))
        self.buffer = []
        while view:
            view = view[os.write(self.fd, view):]

    def close(self) -> None:
        self.flush()
        os.close(self.fd)


def repair_and_collect_gz(path: Path, key_field: str) -> set[str]:
    """Cut a torn last gzip member off `path`; return the keys of its complete records."""
    import zlib

    data = path.read_bytes()
    keys: set[str] = set()
    pos = good_end = 0
    while pos < len(data):
        d = zlib.decompressobj(wbits=31)
        try:
            chunk = d.decompress(data[pos:])
        except zlib.error:
            break
        if not d.eof:
            break
        lines = chunk.split(b"\n")
        try:
            objs = [json.loads(ln) for ln in lines if ln.strip()]
        except ValueError:
            break
        keys.update(str(o[key_field]) for o in objs if isinstance(o, dict) and key_field in o)
        pos = len(data) - len(d.unused_data)
        good_end = pos
    if good_end < len(data):
        with open(path, "r+b") as fh:
            fh.truncate(good_end)
    return keys


class NullWriter:
    """No errors file (output to stdout): refused records are reported on stderr instead."""

    done: set[str] = set()

    def write(self, record: dict[str, Any]) -> None:
        pass

    def flush(self) -> None:
        pass

    def __enter__(self) -> "NullWriter":
        return self

    def __exit__(self, *exc) -> None:
        pass


def open_writer(path: Union[str, Path, None], resume: bool = False, key_field: str = "source"):
    """The writer for an output path: gzip for `.gz`, plain JSONL otherwise, stdout for '-',
    nothing for None."""
    if path is None:
        return NullWriter()
    if path != "-" and str(path).endswith(".gz"):
        return GzipJsonlWriter(path, resume=resume, key_field=key_field)
    return JsonlWriter(path, resume=resume, key_field=key_field)
