"""Web-archive input: HTML responses of `.warc` / `.warc.gz` files (Common Crawl style).

Read with warcio (webrecorder's WARC library). Each HTML response (HTTP 2xx, `text/html` or
`application/xhtml+xml`) becomes one HTML `InputRecord`: id = the WARC-Record-ID's UUID,
`meta.url` = WARC-Target-URI, `meta.crawl_date` = WARC-Date, key = `path:N` with N the 1-based
number of the record in the file (every record counts: warcinfo, requests, responses, ...).
The body is decoded with the HTTP charset, else a `<meta charset>` of the page, else UTF-8; a
body that does not decode is an `InputError`. Every other record is skipped and counted by
reason (`request`, `warcinfo`, `status 404`, `type image/jpeg`, ...).

`read_warc_file(path, opts, offset=..., first=..., count=...)` reads a slice of records, so a
large file can be split by records into partitions (see `pipeline.partitions`).
"""
from __future__ import annotations

import codecs
import logging
import os
import re
import zlib
from collections import Counter
from pathlib import Path
from typing import BinaryIO, Iterator, Optional, Union

from .records import InputError, InputRecord, ReadOptions

log = logging.getLogger("warta")

HTML_TYPES = ("text/html", "application/xhtml+xml")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)

Item = Union[InputRecord, InputError]


def _charset(content_type: str) -> Optional[str]:
    match = re.search(r"charset\s*=\s*\"?([^\";\s]+)", content_type or "", re.I)
    return match.group(1) if match else None


def _known(charset: Optional[str]) -> Optional[str]:
    if not charset:
        return None
    try:
        return codecs.lookup(charset.strip().strip("'\"")).name
    except LookupError:
        return None


def decode_body(body: bytes, content_type: str) -> tuple[Optional[str], str]:
    """(text, charset used) or (None, reason). HTTP charset first, then <meta charset>, then UTF-8."""
    declared = _charset(content_type)
    charset = _known(declared)
    if declared and not charset:
        return None, f"unknown charset '{declared}' in Content-Type"
    if charset is None:
        sniffed = _CHARSET.search(body[:4096])
        charset = _known(sniffed.group(1).decode("ascii")) if sniffed else None
    charset = charset or "utf-8"
    try:
        return body.decode(charset), charset
    except UnicodeDecodeError as exc:
        return None, f"body is not valid {charset} at byte {exc.start}"


def _record_uuid(record_id: Optional[str]) -> Optional[str]:
    if not record_id:
        return None
    rid = record_id.strip().strip("<>")
    return rid[len("urn:uuid:"):] if rid.startswith("urn:uuid:") else rid


def _skip_reason(record) -> Optional[str]:
    """Why this record is not an HTML document (None: it is one)."""
    if record.rec_type != "response":
        return record.rec_type or "untyped record"
    if record.http_headers is None:
        return "response without HTTP headers"
    status = record.http_headers.get_statuscode() or ""
    if not status.startswith("2"):
        return f"status {status or '?'}"
    ctype = (record.http_headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
    if ctype not in HTML_TYPES:
        return f"type {ctype or 'unknown'}"
    return None


def _open(path: Path) -> BinaryIO:
    return open(path, "rb")


def read_warc_file(path: Path, opts: ReadOptions, name: Optional[str] = None, offset: int = 0,
                   first: int = 1, count: Optional[int] = None,
                   skipped: Optional[Counter] = None) -> Iterator[Item]:
    """HTML documents of a WARC file, from the record at byte `offset` (numbered `first`),
    at most `count` records. Skipped records are counted in `skipped`; without a counter one
    summary line per file is logged."""
    name = name or str(path)
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError:
        yield InputError(name, name, None, None, "WARC input needs warcio: pip install 'warta[dask]'")
        return
    counts: Counter = skipped if skipped is not None else Counter()
    number = first - 1
    try:
        fh = _open(path)
    except OSError as exc:
        yield InputError(name, name, None, None, f"cannot read file: {exc.strerror or exc}")
        return
    with fh:
        try:
            fh.seek(offset)
            records = ArchiveIterator(fh)
            for record in records:
                number += 1
                if count is not None and number >= first + count:
                    break
                key = f"{name}:{number}"
                reason = _skip_reason(record)
                if reason:
                    while record.raw_stream.read(1 << 16):  # warcio would skip it the same way
                        pass
                    if getattr(record.raw_stream, "limit", 0):
                        yield InputError(key, name, number, None, "broken WARC record: truncated "
                                         f"({record.raw_stream.limit} bytes missing)")
                        break
                    counts[reason] += 1
                    continue
                doc_id = _record_uuid(record.rec_headers.get_header("WARC-Record-ID")) or f"{Path(name).name.split('.')[0]}-{number}"
                body = record.content_stream().read()
                missing = getattr(record.raw_stream, "limit", 0)
                if missing:  # warcio ends a cut-off file quietly: its record is short
                    yield InputError(key, name, number, doc_id,
                                     f"broken WARC record: truncated ({missing} bytes missing)")
                    break
                text, problem = decode_body(body, record.http_headers.get_header("Content-Type") or "")
                if text is None:
                    yield InputError(key, name, number, doc_id, problem)
                    continue
                if not text.strip():
                    yield InputError(key, name, number, doc_id, "empty document")
                    continue
                if len(text) > opts.max_chars:
                    yield InputError(key, name, number, doc_id,
                                     f"document too large ({len(text):,} characters > input.max_chars "
                                     f"{opts.max_chars:,})")
                    continue
                meta = {"url": record.rec_headers.get_header("WARC-Target-URI"),
                        "crawl_date": record.rec_headers.get_header("WARC-Date")}
                yield InputRecord(key, doc_id, text, meta, html=True)
            else:
                size = os.fstat(fh.fileno()).st_size
                end = getattr(records, "offset", size)
                if count is None and (end < size or not _last_member_complete(fh, records)):
                    # warcio stops quietly inside a cut-off header or gzip member
                    yield InputError(f"{name}:{number + 1}", name, number + 1, None,
                                     "broken WARC record: the file ends inside it")
        except Exception as exc:  # noqa: BLE001 - warcio raises assorted errors on a broken file
            yield InputError(f"{name}:{number + 1}", name, number + 1, None,
                             f"broken WARC record: {type(exc).__name__}: {exc}")
    if skipped is None and counts:
        log.warning("%s: %d WARC records skipped (not HTML responses): %s", name, sum(counts.values()),
                    ", ".join(f"{k} {v}" for k, v in counts.most_common()))


def _last_member_complete(fh: BinaryIO, records) -> bool:
    """False when the last gzip member read is cut off (plain WARC files: True)."""
    info = getattr(records, "member_info", None)
    if not info:
        return True
    fh.seek(info[0])
    data = fh.read()
    if data[:2] != b"\x1f\x8b":
        return True
    z = zlib.decompressobj(31)
    z.decompress(data)
    return z.eof


def scan_warc(path: Path) -> list[int]:
    """Byte offset of every record of a WARC file (the file is read once). A broken record
    ends the list: the reader reports it as an error when it reaches it."""
    from warcio.archiveiterator import ArchiveIterator

    offsets: list[int] = []
    with _open(path) as fh:
        records = ArchiveIterator(fh)
        try:
            for _ in records:
                offsets.append(records.get_record_offset())
        except Exception:  # noqa: BLE001 - a broken record ends the file (see read_warc_file)
            pass
    return offsets
