"""WARC input: HTML responses of a web archive become documents; other records are counted.

The archive is written here with warcio from the seed articles (one page per article, split
into paragraphs) plus records a crawl also holds: warcinfo, requests, an image, a 404, a page
in ISO-8859-1 and one whose charset is only in <meta>.
"""
from __future__ import annotations

import io
import json
import logging
from collections import Counter
from pathlib import Path

import pytest

from .conftest import SEEDS

warcio = pytest.importorskip("warcio")

CAFE = "Pengunjung memadati Café Batavia di kawasan Kota Tua, Jakarta, pada Minggu (12/3) sore."
DASH = "Harga cabai rawit naik menjadi Rp 80.000 per kilogram – tertinggi tahun ini – kata pedagang."


def _page(title: str, paragraphs: list[str], head: str = "") -> str:
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    return (f"<html><head>{head}<title>{title}</title></head><body><h1>{title}</h1>\n{body}"
            f"<div class='share'>Bagikan artikel ini</div></body></html>")


def seed_pages() -> list[tuple[str, str]]:
    """(url, html) for every seed article: its first line is the title, the rest paragraphs."""
    pages = []
    for p in sorted(SEEDS.glob("*.txt")):
        lines = [ln.strip() for ln in p.read_text(encoding="utf-8").splitlines() if ln.strip()]
        pages.append((f"https://berita.example.id/{p.stem}", _page(lines[0], lines[1:])))
    return pages


def build_warc(path: Path, copies: int = 1) -> dict[str, int]:
    """Write a small crawl; returns how many records of each kind it holds."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    counts: Counter = Counter()
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=str(path).endswith(".gz"))
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "warta tests"}))
        counts["warcinfo"] += 1

        def response(url: str, body: bytes, ctype: str, status: str = "200 OK") -> None:
            req = StatusAndHeaders(f"GET {url} HTTP/1.1", [("Host", "berita.example.id")],
                                   is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", payload=io.BytesIO(b""),
                                                          http_headers=req))
            counts["request"] += 1
            http = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), http_headers=http,
                warc_headers_dict={"WARC-Date": "2024-03-01T10:00:00Z"}))

        for copy in range(copies):
            for url, html in seed_pages():
                response(f"{url}?c={copy}", html.encode("utf-8"), "text/html; charset=UTF-8")
                counts["html"] += 1
            response(f"https://berita.example.id/kafe?c={copy}",
                     _page("Kafe tua ramai", [CAFE]).encode("iso-8859-1"), "text/html; charset=ISO-8859-1")
            counts["html"] += 1
            response(f"https://berita.example.id/cabai?c={copy}",
                     _page("Harga cabai", [DASH], head='<meta charset="windows-1252">').encode("cp1252"),
                     "text/html")
            counts["html"] += 1
            response(f"https://berita.example.id/logo.png?c={copy}", b"\x89PNG\r\n\x1a\n" + bytes(64),
                     "image/png")
            counts["image"] += 1
            response(f"https://berita.example.id/hilang?c={copy}", b"<html>Tidak ditemukan</html>",
                     "text/html", status="404 Not Found")
            counts["404"] += 1
            response(f"https://berita.example.id/rusak?c={copy}", b"<p>Berita \xff\xfe rusak</p>",
                     "text/html; charset=utf-8")
            counts["bad"] += 1
    return dict(counts)


def _read(path: Path, **kw):
    from pipeline.io import ReadOptions
    from pipeline.warc import read_warc_file

    return list(read_warc_file(path, ReadOptions(), **kw))


def test_html_responses_become_documents_with_url_date_and_charset(tmp_path):
    from pipeline.io import InputError, InputRecord

    path = tmp_path / "crawl.warc.gz"
    counts = build_warc(path)
    skipped: Counter = Counter()
    items = _read(path, skipped=skipped)
    docs = [i for i in items if isinstance(i, InputRecord)]
    errors = [i for i in items if isinstance(i, InputError)]
    assert len(docs) == counts["html"]
    assert all(d.html and d.meta["crawl_date"] == "2024-03-01T10:00:00Z" for d in docs)
    assert docs[0].meta["url"] == "https://berita.example.id/000_904f4fb33666df78?c=0"
    assert len({d.id for d in docs}) == len(docs) and all(len(d.id) == 36 for d in docs)  # record UUIDs
    assert any(CAFE in d.text for d in docs)   # HTTP charset ISO-8859-1 honoured
    assert any(DASH in d.text for d in docs)   # <meta charset=windows-1252> honoured
    assert [e.reason for e in errors] == ["body is not valid utf-8 at byte 10"]
    assert errors[0].key.startswith(f"{path}:") and errors[0].line == int(errors[0].key.rsplit(":", 1)[1])
    assert skipped == {"request": counts["request"], "warcinfo": 1, "type image/png": 1, "status 404": 1}


def test_record_ranges_read_the_same_documents_as_the_whole_file(tmp_path):
    from pipeline.warc import scan_warc

    for name in ("crawl.warc.gz", "crawl.warc"):
        path = tmp_path / name
        build_warc(path)
        offsets = scan_warc(path)
        whole = _read(path)
        cut = len(offsets) // 3
        pieces = (_read(path, offset=0, first=1, count=cut)
                  + _read(path, offset=offsets[cut], first=cut + 1, count=cut)
                  + _read(path, offset=offsets[2 * cut], first=2 * cut + 1))
        assert [(i.key, i.id) for i in pieces] == [(i.key, i.id) for i in whole]
        assert len(whole) > 5


def test_cli_annotates_a_warc_file_and_counts_skipped_records(tmp_path, caplog):
    from pipeline.cli import main
    from pipeline.io import read_jsonl

    caplog.set_level(logging.WARNING, logger="warta")  # an earlier `annotate -q` may have raised it
    path = tmp_path / "crawl.warc.gz"
    counts = build_warc(path)
    out = tmp_path / "out.jsonl"
    assert main(["annotate", str(path), "-o", str(out), "--no-model"]) == 1  # one undecodable page
    docs = list(read_jsonl(out))
    assert len(docs) == counts["html"]
    seed = docs[0]
    assert seed["source"] == f"{path}:3" and seed["meta"]["url"].endswith("000_904f4fb33666df78?c=0")
    assert seed["meta"]["title"] == "Rusia Serukan Cegah Ekstremis Keluar dari Mosul"
    assert "Bagikan artikel ini" not in seed["text"] and "Sergei Lavrov" in seed["text"]
    assert any(e["label"] == "LOC" and e["text"] == "Mosul" for e in seed["entities"])
    err = [json.loads(line) for line in (tmp_path / "out.errors.jsonl").read_text().splitlines()]
    assert [e["reason"] for e in err] == ["body is not valid utf-8 at byte 10"]
    assert "13 WARC records skipped (not HTML responses): request 10, warcinfo 1" in caplog.text


def test_a_truncated_archive_gives_an_error_after_its_good_records(tmp_path):
    from pipeline.io import InputError, InputRecord

    path = tmp_path / "crawl.warc.gz"
    build_warc(path)
    from pipeline.warc import scan_warc

    offsets = scan_warc(path)
    data = path.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    for end in (offsets[9] + 50, offsets[10] + 120):  # inside a request's header, an HTML response
        cut.write_bytes(data[:end])
        items = _read(cut)
        assert sum(isinstance(i, InputRecord) for i in items) == 4
        assert isinstance(items[-1], InputError) and "broken WARC record" in items[-1].reason
        assert items[-1].line in (10, 11, 12)  # around the cut (warcio may read a cut header)
