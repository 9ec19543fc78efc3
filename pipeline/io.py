"""Reading inputs and writing JSONL that survives being killed.

Readers yield `InputRecord`s or `InputError`s and never raise for bad data: invalid UTF-8,
binary files, empty or oversized documents, over-long lines (refused while reading, never held
whole), broken, non-standard or too deeply nested JSON, lone surrogates, missing fields,
corrupt gzip streams, unreadable files and directories, dangling or looping symbolic links:
each becomes one error naming the file, the line and the document id when known.

`JsonlWriter` takes an exclusive lock on its file, then appends one complete line per
`os.write` call, so a run killed at any moment leaves a valid JSONL file; on `resume` a torn
last line is cut off and the keys already written are returned so the run can skip them.
`check_outputs()` refuses an output (or errors file) that is, or resolves to, an input before
anything is opened for writing.
"""
from __future__ import annotations

import errno
import gzip
import json
import os
import re
import stat
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Iterable, Iterator, Optional, Union

from .records import (_SURROGATE, InputError, InputRecord, Item, ReadOptions, _path_str,  # noqa: F401
                      safe_str)

try:
    import fcntl
except ImportError:  # Windows: no advisory locks, the output is not locked
    fcntl = None  # type: ignore[assignment]

MAX_JSON_DEPTH = 100  # deeper JSON records are refused (Python's own limit is ~1000 frames)
READ_CHUNK = 1 << 16  # bytes read at a time; a line is never held beyond its limit + one chunk
BOM = "\ufeff"
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")  # the only way JSON text can hold one
# what a broken (gzip) stream can raise while being read
READ_ERRORS = (OSError, EOFError, zlib.error, ValueError)


# ---------------------------------------------------------------------------------------------
# checks shared by the readers


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
    if len(text) > opts.max_chars:
        return InputError(key, path, line, doc_id,
                          f"document too large ({len(text):,} characters > input.max_chars "
                          f"{opts.max_chars:,})")
    if not text.strip():
        return InputError(key, path, line, doc_id, "empty document")
    return None


def _kind(path: Path, opts: ReadOptions) -> Optional[str]:
    name = path.name.lower()
    for ext in sorted(opts.extensions, key=len, reverse=True):
        if name.endswith(ext):
            return ext
    return None


def _json_problem(obj: Any) -> Optional[str]:
    """Why a parsed JSON record cannot be passed on (too deep, lone surrogates), or None.
    Iterative, so a deep record cannot exhaust the stack here."""
    stack: list[tuple[Any, int, str]] = [(obj, 1, "")]
    while stack:
        value, depth, where = stack.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                return f"lone surrogate (not valid Unicode) in {where or 'the record'}"
            continue
        if isinstance(value, (dict, list)):
            if depth > MAX_JSON_DEPTH:
                return f"JSON nested deeper than {MAX_JSON_DEPTH} levels"
            if isinstance(value, dict):
                for k, v in value.items():
                    name = where or f"field '{safe_str(k)}'"
                    if _SURROGATE.search(k):
                        return f"lone surrogate (not valid Unicode) in a field name ('{safe_str(k)}')"
                    stack.append((v, depth + 1, name))
            else:
                stack.extend((v, depth + 1, where) for v in value)
    return None


def _no_constants(name: str) -> Any:
    raise ValueError(f"non-standard JSON value {name}")


_DECODER = json.JSONDecoder(parse_constant=_no_constants)


# ---------------------------------------------------------------------------------------------
# readers


def read_text_file(path: Path, opts: ReadOptions) -> Iterator[Item]:
    """One document per .txt/.html file (id = file stem); never more than max_file_bytes read."""
    key, name = _path_str(path), _path_str(path)
    doc_id = _path_str(path.stem)
    limit = opts.max_file_bytes
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        yield InputError(key, name, None, doc_id, f"cannot read file: {exc.strerror or exc}")
        return
    if len(data) > limit:
        yield InputError(key, name, None, doc_id,
                         f"document too large (over {limit:,} bytes; input.max_chars {opts.max_chars:,})")
        return
    text, problem, line = _decode(data)
    if problem:
        yield InputError(key, name, line, doc_id, problem)
        return
    if text.startswith(BOM):
        text = text[1:]
    is_html = _kind(path, opts) in (".html", ".htm")
    problem_err = _check_text(text, key, name, None, doc_id, opts)
    if problem_err:
        yield problem_err
        return
    yield InputRecord(key, doc_id, text, {}, html=is_html, path=name, line=None)


def bounded_lines(stream: BinaryIO, limit: int) -> Iterator[tuple[int, Optional[bytes], int]]:
    """(1-based line number, the line without its newline, its length in bytes) for each line
    of a byte stream; a line longer than `limit` bytes comes as None and is never held whole."""
    read = getattr(stream, "read1", None) or stream.read
    buf = bytearray()
    lineno, skipped = 0, -1  # skipped >= 0: inside an over-long line, that many bytes so far
    while True:
        chunk = read(READ_CHUNK)
        if not chunk:
            break
        start = 0
        while True:
            nl = chunk.find(b"\n", start)
            piece = chunk[start:] if nl == -1 else chunk[start:nl]
            if skipped >= 0:
                skipped += len(piece)
            else:
                buf += piece
                if len(buf) > limit:
                    skipped, buf = len(buf), bytearray()
            if nl == -1:
                break
            lineno += 1
            if skipped >= 0:
                yield lineno, None, skipped
            else:
                yield lineno, bytes(buf), len(buf)
            buf, skipped = bytearray(), -1
            start = nl + 1
    if skipped >= 0:
        yield lineno + 1, None, skipped
    elif buf:
        yield lineno + 1, bytes(buf), len(buf)


def _parse_jsonl_line(raw: bytes, lineno: int, name: str, opts: ReadOptions) -> Optional[Item]:
    """One JSONL line as a record or an error; None for a blank line."""
    key = f"{name}:{lineno}"
    if not raw.strip():
        return None
    line, problem, _ = _decode(raw)
    if problem:
        return InputError(key, name, lineno, None, problem)
    try:
        obj = _DECODER.decode(line)
    except json.JSONDecodeError as exc:
        return InputError(key, name, lineno, None, f"broken JSON line: {exc.msg} at column {exc.colno}")
    except RecursionError:
        return InputError(key, name, lineno, None, f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
    except ValueError as exc:  # NaN/Infinity, integers of more than 4300 digits
        return InputError(key, name, lineno, None, f"unsupported JSON: {exc}")
    if not isinstance(obj, dict):
        return InputError(key, name, lineno, None, "JSON line is not an object")
    default_id = f"{Path(name).name.split('.')[0]}-{lineno}"
    # only a line with 101+ brackets can be too deep, only \uD8xx-\uDFxx escapes make surrogates
    suspicious = raw.count(b"[") + raw.count(b"{") > MAX_JSON_DEPTH or _SURROGATE_ESCAPE.search(raw)
    problem = _json_problem(obj) if suspicious else None
    if problem:
        raw_id = obj.get(opts.id_field)
        return InputError(key, name, lineno, str(raw_id) if isinstance(raw_id, (str, int)) else None, problem)
    return record_from_mapping(obj, key, name, lineno, opts, default_id)


def record_from_mapping(obj: dict[str, Any], key: str, name: str, lineno: Optional[int],
                        opts: ReadOptions, default_id: str) -> Item:
    """One input record (a JSONL line or a dict given to the API) -> InputRecord or InputError.
    Fields other than the id and text go into `meta` (a `meta` mapping is merged in flat)."""
    raw_id = obj.get(opts.id_field)
    if raw_id is None:
        doc_id = default_id
    elif isinstance(raw_id, (str, int, float)) and not isinstance(raw_id, bool):
        doc_id = str(raw_id)
    else:
        return InputError(key, name, lineno, None,
                          f"field '{opts.id_field}' must be a string or a number, got {type(raw_id).__name__}")
    if isinstance(obj.get("pipeline"), dict) and "tokens" in obj:
        return InputError(key, name, lineno, doc_id,
                          "record is Warta output (has 'pipeline' and 'tokens'), not an input document")
    field_name = opts.html_field or opts.text_field
    text = obj.get(field_name)
    if not isinstance(text, str):
        if field_name in obj:
            reason = f"field '{field_name}' is not a string"
        else:
            fields = ", ".join(f"'{safe_str(str(k))}'" for k in list(obj)[:10]) or "none"
            hint = "--html-field" if opts.html_field else "--text-field"
            reason = f"missing field '{field_name}' (the record has {fields}; choose one with {hint})"
        return InputError(key, name, lineno, doc_id, reason)
    if text.startswith(BOM):
        text = text[1:]
    err = _check_text(text, key, name, lineno, doc_id, opts)
    if err:
        return err
    meta = {k: v for k, v in obj.items() if k not in (opts.id_field, field_name, "meta")}
    if isinstance(obj.get("meta"), dict):
        meta.update(obj["meta"])
    elif "meta" in obj:
        meta["meta"] = obj["meta"]
    return InputRecord(key, doc_id, text, meta, html=opts.html_field is not None, path=name, line=lineno)


def read_jsonl_stream(stream: BinaryIO, name: str, opts: ReadOptions, line_offset: int = 0,
                      skip: int = 0, limit: Optional[int] = None) -> Iterator[Item]:
    """Records of a JSONL byte stream; line numbers are 1-based (plus `line_offset`, for a stream
    that starts mid-file). The first `skip` lines are passed over unparsed and at most `limit`
    lines after them are read (a Dask partition's range). Lines longer than
    `opts.max_line_bytes` are refused while reading; a stream that breaks (corrupt gzip, I/O
    error) ends with one error record after the records read so far."""
    name = _path_str(name)
    lines = bounded_lines(stream, opts.max_line_bytes)
    lineno = 0
    while limit is None or lineno < skip + limit:
        try:
            item = next(lines, None)
        except READ_ERRORS as exc:
            at = line_offset + lineno + 1
            yield InputError(f"{name}:{at}", name, at, None,
                             f"cannot read past line {at - 1}: {type(exc).__name__}: {exc}")
            return
        if item is None:
            return
        lineno, raw, size = item
        if lineno <= skip:
            continue
        at = line_offset + lineno
        if raw is None:
            yield InputError(f"{name}:{at}", name, at, None,
                             f"line too long ({size:,} bytes > {opts.max_line_bytes:,}, "
                             f"from input.max_chars {opts.max_chars:,})")
            continue
        if at == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        rec = _parse_jsonl_line(raw, at, name, opts)
        if rec is not None:
            yield rec


def read_jsonl_file(path: Path, opts: ReadOptions, name: Optional[str] = None, start_line: int = 0,
                    offset: Optional[int] = None, limit: Optional[int] = None) -> Iterator[Item]:
    """Records of a JSONL(.gz) file, named `name` (default: the path) in keys and errors. A range
    of it: `limit` lines after the first `start_line` (found by seeking to the byte `offset` of
    that line where given and the file is plain, else by skipping lines)."""
    name = _path_str(name or path)
    try:
        if path.name.endswith(".gz"):
            stream: BinaryIO = gzip.open(path, "rb")  # type: ignore[assignment]
        else:
            stream = open(path, "rb")
    except OSError as exc:
        yield InputError(name, name, None, None, f"cannot read file: {exc.strerror or exc}")
        return
    try:
        with stream:
            if offset is not None and not path.name.endswith(".gz"):
                stream.seek(offset)
                yield from read_jsonl_stream(stream, name, opts, line_offset=start_line, limit=limit)
            else:
                yield from read_jsonl_stream(stream, name, opts, skip=start_line, limit=limit)
    except READ_ERRORS as exc:  # closing a broken stream
        yield InputError(f"{name}:?", name, None, None, f"cannot read file: {exc}")


def _file_id(st: os.stat_result) -> tuple[int, int]:
    return st.st_dev, st.st_ino


def _own_files(exclude: Iterable[Union[str, Path]]) -> set[tuple[int, int]]:
    """Identities (device, inode) of the run's own files and of the standard output/error when
    they are regular files: such files are never read, whatever name they are reached by."""
    ids: set[tuple[int, int]] = set()
    for p in exclude:
        try:
            ids.add(_file_id(os.stat(p)))
        except (OSError, ValueError):
            pass
    for fd in (1, 2):
        try:
            st = os.fstat(fd)
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode):
            ids.add(_file_id(st))
    return ids


def _link_problem(path: Path) -> str:
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop"
        if exc.errno == errno.ENOENT:
            return f"dangling symbolic link (target {_path_str(os.readlink(path))} missing)"
        return f"cannot follow symbolic link: {exc.strerror or exc}"
    return "cannot follow symbolic link"


def _list_dir(path: Path) -> list[os.DirEntry]:
    with os.scandir(path) as it:
        return sorted(it, key=lambda e: e.name)


def walk_files(root: Path, opts: ReadOptions, skip: set[tuple[int, int]] = frozenset()  # type: ignore[assignment]
               ) -> Iterator[Union[Path, InputError]]:
    """Input files under `root` in sorted path order (as `sorted(root.rglob('*'))`), following
    symbolic links to directories; unlistable directories, dangling and looping links are
    errors. Files with other extensions are ignored; files in `skip` (identities) are not read."""
    def err(p: Path, reason: str) -> InputError:
        name = _path_str(p)
        return InputError(name, name, None, None, reason)

    try:
        top = os.stat(root)
        entries = _list_dir(root)
    except OSError as exc:
        yield err(root, f"cannot list directory: {exc.strerror or exc}")
        return
    stack = [(root, iter(entries), frozenset({_file_id(top)}))]
    while stack:
        parent, it, ancestors = stack[-1]
        entry = next(it, None)
        if entry is None:
            stack.pop()
            continue
        path = parent / entry.name
        try:
            st = entry.stat()  # follows symbolic links
        except OSError:
            if entry.is_symlink():
                yield err(path, _link_problem(path))
            else:
                yield err(path, "cannot read file information")
            continue
        if stat.S_ISDIR(st.st_mode):
            ident = _file_id(st)
            if ident in ancestors:
                yield err(path, "symbolic link loop (points to a directory above it)")
                continue
            try:
                children = _list_dir(path)
            except OSError as exc:
                yield err(path, f"cannot list directory: {exc.strerror or exc}")
                continue
            stack.append((path, iter(children), ancestors | {ident}))
        elif stat.S_ISREG(st.st_mode) and _kind(path, opts) and _file_id(st) not in skip \
                and not path.name.endswith(".errors.jsonl"):
            yield path


def display_path(path: Path) -> str:
    """A path as documents name it (`source`, resume keys): relative to the working directory
    when inside it, else absolute; `seeds/a.txt` and `$PWD/seeds/a.txt` are the same key."""
    try:
        return str(path.absolute().relative_to(Path.cwd()))
    except (ValueError, OSError):
        return str(path.absolute())


def read_text_stream(stream: BinaryIO, name: str, opts: ReadOptions) -> Iterator[Item]:
    """Plain text on a stream (`--format text -`): the whole stream is one document."""
    data = stream.read(opts.max_file_bytes + 1)
    if len(data) > opts.max_file_bytes:
        yield InputError(name, name, None, "stdin", f"document too large (over {opts.max_file_bytes:,} bytes)")
        return
    text, problem, line = _decode(data)
    if problem:
        yield InputError(name, name, line, "stdin", problem)
        return
    text = text[1:] if text.startswith(BOM) else text
    yield _check_text(text, name, name, None, "stdin", opts) or InputRecord(name, "stdin", text, {}, path=name)


def iter_inputs(inputs: Iterable[Union[str, Path]], opts: ReadOptions,
                stdin: Optional[BinaryIO] = None,
                exclude: Iterable[Union[str, Path]] = (), stdin_format: str = "jsonl") -> Iterator[Item]:
    """Every document of the given files, directories (recursive) and '-' (stdin: JSONL, or one
    plain-text document with `stdin_format="text"`). Files in `exclude` (the run's own output
    files, by any name) and, in directories, error files (`*.errors.jsonl`) are never read.
    Nothing raises for a bad input: each problem is one `InputError` and the next input is read."""
    skip = _own_files(exclude)
    for item in inputs:
        if str(item) == "-":
            stream = stdin or sys.stdin.buffer
            reader = read_text_stream if stdin_format == "text" else read_jsonl_stream
            yield from _guarded(reader(stream, "<stdin>", opts), "<stdin>")
            continue
        path = Path(display_path(Path(item)))
        name = _path_str(path)
        try:
            st = os.stat(path)
        except FileNotFoundError:
            reason = _link_problem(path) if os.path.islink(path) else "no such file or directory"
            yield InputError(name, name, None, None, reason)
            continue
        except OSError as exc:
            yield InputError(name, name, None, None, f"cannot access: {exc.strerror or exc}")
            continue
        if stat.S_ISDIR(st.st_mode):
            for f in walk_files(path, opts, skip):
                if isinstance(f, InputError):
                    yield f
                else:
                    yield from _guarded(_read_file(f, opts), _path_str(f))
        elif _file_id(st) not in skip:
            yield from _guarded(_read_file(path, opts), name)


def _guarded(items: Iterator[Item], name: str) -> Iterator[Item]:
    """A reader's items; an unexpected exception becomes one error record, not the end of the run."""
    try:
        yield from items
    except Exception as exc:  # a reader bug must not abort the run
        yield InputError(f"{name}:!", name, None, None, f"cannot read: {type(exc).__name__}: {exc}")


def _read_file(path: Path, opts: ReadOptions) -> Iterator[Item]:
    kind = _kind(path, opts)
    if kind in (".jsonl", ".jsonl.gz"):
        yield from read_jsonl_file(path, opts)
    elif kind in (".warc", ".warc.gz"):
        from .warc import read_warc_file  # HTML responses of a web archive

        yield from read_warc_file(path, opts)
    else:
        yield from read_text_file(path, opts)


# ---------------------------------------------------------------------------------------------
# output


class RunRefused(Exception):
    """The run cannot start (nothing was written): output is an input, locked, unopenable."""


class OutputIsInputError(RunRefused):
    """The output or errors file is, or resolves to, one of the inputs."""


class OutputLockedError(RunRefused):
    """Another run holds the lock on the output."""


class OutputOpenError(RunRefused):
    """The output cannot be opened for writing (a directory, no permission, ...)."""


class OutputWriteError(OSError):
    """Writing the output failed mid-run (disk full, file too large, I/O error)."""

    def __str__(self) -> str:
        return str(self.args[1]) if len(self.args) > 1 else super().__str__()


def _sanitized(value: Any) -> Any:
    if isinstance(value, str):
        return safe_str(value)
    if isinstance(value, dict):
        return {safe_str(str(k)): _sanitized(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_sanitized(v) for v in value]
    return value


def json_line(record: dict[str, Any]) -> bytes:
    """A record as one UTF-8 JSON line; lone surrogates are spelled out rather than crash."""
    try:
        return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
    except UnicodeEncodeError:
        return (json.dumps(_sanitized(record), ensure_ascii=False) + "\n").encode("utf-8")


@dataclass(frozen=True)
class EncodedRecord:
    """An output record already written as its JSON line (what worker processes hand back: a
    byte string pickles in a fraction of the time of the record's nested dicts)."""
    line: bytes
    words: int

    @classmethod
    def of(cls, record: dict[str, Any]) -> "EncodedRecord":
        return cls(json_line(record), record_words(record))


def record_words(record: dict[str, Any]) -> int:
    """Words of an output record: its tokens, else its text's whitespace-separated words."""
    return len(record.get("tokens") or ()) or len(record.get("text", "").split())


_OWN_FDS: set[int] = set()  # descriptors of open outputs; forked workers must not keep them


def _close_in_child() -> None:
    """In a forked child (a worker process): close the parent's outputs, so the lock dies with
    the parent even when orphaned workers outlive it (kill -9), and `--resume` can start at once."""
    for fd in list(_OWN_FDS):
        try:
            os.close(fd)
        except OSError:
            pass
    _OWN_FDS.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_in_child)


def _lock(fd: int, path: Path) -> None:
    if fcntl is None:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise OutputLockedError(f"output {_path_str(path)} is in use by another warta run (locked); "
                                f"wait for it to finish or choose another -o") from None
    except OSError:
        pass  # a file system without locks: go on unlocked


def open_output(path: Path, resume: bool) -> int:
    """A locked, append-mode descriptor on `path`; emptied unless `resume`. Raises RunRefused."""
    name = _path_str(path)
    if path.is_dir():
        raise OutputOpenError(f"output {name} is a directory")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    except OSError as exc:
        raise OutputOpenError(f"cannot open output {name}: {exc.strerror or exc}") from None
    _lock(fd, path)  # before anything in the file changes
    if not resume and stat.S_ISREG(os.fstat(fd).st_mode):
        os.ftruncate(fd, 0)
    return fd


class JsonlWriter:
    """Append-only JSONL output under an exclusive lock; each record is one `os.write` of one
    complete line. '-' or None writes to standard output."""

    def __init__(self, path: Union[str, Path, None], resume: bool = False, key_field: str = "source"):
        self.path = None if path in (None, "-") else Path(path)
        self.key_field = key_field
        self.done: set[str] = set()
        self.count = 0
        if self.path is None:
            self.fd, self._stream = sys.stdout.fileno(), sys.stdout
            return
        self._stream = None
        self.fd = open_output(self.path, resume)
        _OWN_FDS.add(self.fd)
        if resume:
            self.done = repair_and_collect(self.path, key_field)

    @property
    def name(self) -> str:
        return _path_str(self.path) if self.path is not None else "standard output"

    def write(self, record: Union[dict[str, Any], EncodedRecord]) -> None:
        data = record.line if isinstance(record, EncodedRecord) else json_line(record)
        if self._stream is not None:
            self._stream.flush()
        view = memoryview(data)
        try:
            while view:
                written = os.write(self.fd, view)
                view = view[written:]
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputWriteError(exc.errno, f"cannot write {self.name}: {exc.strerror or exc}") from None
        self.count += 1

    def flush(self) -> None:
        """Lines are written as they come; nothing is buffered."""

    def close(self) -> None:
        if self.path is not None and self.fd >= 0:
            _OWN_FDS.discard(self.fd)
            os.close(self.fd)
            self.fd = -1

    def __enter__(self) -> "JsonlWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class StderrJsonlWriter(JsonlWriter):
    """Error records as JSON lines on standard error (used when the output is standard output)."""

    def __init__(self) -> None:  # noqa: D107 - nothing to open
        self.path, self.key_field, self.done, self.count = None, "key", set(), 0
        self.fd, self._stream = sys.stderr.fileno(), sys.stderr

    @property
    def name(self) -> str:
        return "standard error"


class GzipJsonlWriter(JsonlWriter):
    """JSONL in gzip, under the same lock: lines are buffered and each `flush()` appends one
    complete gzip member in one `os.write`, so a killed run leaves a valid file up to its last
    member; `resume` cuts a torn last member."""

    def __init__(self, path: Union[str, Path], resume: bool = False, key_field: str = "source"):
        self.path, self.key_field, self.count, self._stream = Path(path), key_field, 0, None
        self.buffer: list[bytes] = []
        self.fd = open_output(self.path, resume)
        _OWN_FDS.add(self.fd)
        self.done = repair_and_collect_gz(self.path, key_field) if resume else set()

    def write(self, record: Union[dict[str, Any], EncodedRecord]) -> None:
        self.buffer.append(record.line if isinstance(record, EncodedRecord) else json_line(record))
        self.count += 1

    def flush(self) -> None:
        if not self.buffer:
            return
        view = memoryview(gzip.compress(b"".join(self.buffer), mtime=0))
        self.buffer = []
        try:
            while view:
                view = view[os.write(self.fd, view):]
        except OSError as exc:
            raise OutputWriteError(exc.errno, f"cannot write {self.name}: {exc.strerror or exc}") from None

    def close(self) -> None:
        if self.fd >= 0:
            self.flush()
        super().close()


def repair_and_collect_gz(path: Path, key_field: str) -> set[str]:
    """Cut a torn last gzip member off `path`; return the keys of its complete records."""
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
        try:
            objs = [json.loads(ln) for ln in chunk.split(b"\n") if ln.strip()]
        except ValueError:
            break
        keys.update(str(o[key_field]) for o in objs if isinstance(o, dict) and key_field in o)
        pos = good_end = len(data) - len(d.unused_data)
    if good_end < len(data):
        with open(path, "r+b") as fh:
            fh.truncate(good_end)
    return keys


def open_writer(path: Union[str, Path, None], resume: bool = False, key_field: str = "source") -> JsonlWriter:
    """The writer for an output path: gzip for `.gz`, plain JSONL otherwise, standard output for
    '-', standard error (JSON lines) for None (the errors of a run writing to stdout)."""
    if path is None:
        return StderrJsonlWriter()
    if path != "-" and str(path).endswith(".gz"):
        return GzipJsonlWriter(path, resume=resume, key_field=key_field)
    return JsonlWriter(path, resume=resume, key_field=key_field)


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
            except (ValueError, RecursionError):
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


def _resolved(path: Path) -> Optional[Path]:
    try:
        return path.resolve()
    except (OSError, RuntimeError, ValueError):  # a symbolic link loop (RuntimeError before 3.13)
        return None


def _identity(path: Union[str, Path]) -> Optional[tuple[int, int]]:
    try:
        return _file_id(os.stat(path))
    except (OSError, ValueError):
        return None


def check_outputs(inputs: Iterable[Union[str, Path]], output: Union[str, Path, None],
                  errors_file: Union[str, Path, None] = None) -> list[Union[str, Path]]:
    """Raise OutputIsInputError when the output or the errors file is, or resolves to, an input
    file (same path, symbolic link, hard link; also standard input read from, or standard output
    redirected to, an input). Call it before opening anything for writing; returns the inputs
    as a list (so a generator of inputs can still be read)."""
    inputs = list(inputs)
    # (what, name, path or None, identity of the existing file or None)
    targets: list[tuple[str, str, Optional[Path], Optional[tuple[int, int]]]] = []
    for what, p in (("output", output), ("errors file", errors_file)):
        if p not in (None, "-"):
            targets.append((what, _path_str(p), Path(p), _identity(p)))
    if output in (None, "-"):
        try:
            st = os.fstat(1)
            if stat.S_ISREG(st.st_mode):
                targets.append(("standard output", "", None, _file_id(st)))
        except OSError:
            pass
    for what, name, tpath, ident in targets:
        resolved = _resolved(tpath) if tpath is not None else None
        for item in inputs:
            if str(item) == "-":
                try:
                    st_in = os.fstat(0)
                except OSError:
                    continue
                if ident is not None and stat.S_ISREG(st_in.st_mode) and _file_id(st_in) == ident:
                    raise OutputIsInputError(f"{what} {name}".strip() + " is the file standard input "
                                             "reads from; refusing to overwrite an input")
                continue
            ipath = Path(item)
            if (ident is not None and _identity(ipath) == ident) or \
                    (resolved is not None and _resolved(ipath) == resolved):
                raise OutputIsInputError(f"{what} {name}".strip() + f" is the input {_path_str(item)} "
                                         "(same file); refusing to overwrite an input")
    files = [t for t in targets if t[2] is not None]
    if len(files) == 2 and files[0][3] is not None and files[0][3] == files[1][3]:
        raise OutputIsInputError(f"the errors file {files[1][1]} is the output {files[0][1]}")
    return inputs


def read_jsonl(path: Union[str, Path]) -> Iterator[dict[str, Any]]:
    """Records of a JSONL (or .jsonl.gz) file, for notebooks and tests."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:  # type: ignore[operator]
        for line in fh:
            if line.strip():
                yield json.loads(line)
