"""HTML input: HTML5 parsing of broken pages, bounded work on hostile pages, head metadata,
the empty-article warning, and the error record for a page that is too complex."""
import json
import subprocess
import sys
import time

import pytest

from pipeline.clean import CleanOptions, clean_text
from pipeline.config import load_config
from pipeline.html import HTMLTooComplex, check_complexity, html_metadata, html_to_lines

from .conftest import ROOT

BODY = ("<p>REPUBLIKA.CO.ID, DAMASKUS -- Presiden Suriah Bashar al-Assad menyambut Menteri Pertahanan "
        "Rusia Sergei Shoigu di ibu kota Damaskus pada Selasa untuk membahas serangan di Deir Az Zor.</p>"
        "<p>Shoigu dan Assad terakhir bertemu pada bulan Juni 2016 di Damaskus untuk membahas kerja sama "
        "militer kedua negara dalam memerangi kelompok teroris.</p>")
HEADLINE = "<h1>Menteri Rusia Bertemu Assad Bahas Serangan Deir Az Zor</h1>"


@pytest.fixture(scope="module")
def opts():
    return CleanOptions.from_config(load_config())


def _clean(html: str, opts) -> str:
    raw, hints = html_to_lines(html)
    return clean_text(raw, opts, hints).text


@pytest.mark.parametrize("page", [
    # <embed> is a void element: what follows it is not its content
    f"<html><body><embed src='x.swf'><article>{HEADLINE}{BODY}</article></body></html>",
    # </head> is optional: the body starts at the first body content
    f"<html><head><title>Berita</title><meta charset='utf-8'><body>{HEADLINE}{BODY}</body></html>",
    # the article inside a form (ASP.NET pages wrap the whole page in one)
    f"<html><body><form action='/x' method='post'>{HEADLINE}{BODY}</form></body></html>",
    # a form that is never closed
    f"<html><body><form action='/cari'><input name='q'></div>{HEADLINE}{BODY}</body></html>",
])
def test_broken_pages_keep_their_article(page, opts):
    text = _clean(page, opts)
    assert "Shoigu dan Assad terakhir bertemu" in text
    assert "Presiden Suriah Bashar al-Assad menyambut" in text


def test_scripts_styles_and_head_are_not_lines():
    raw, hints = html_to_lines("<html><head><title>T</title><script>alert('x')</script><style>p{}</style>"
                               "</head><body><p>Satu baris.</p><noscript>nyalakan js</noscript>"
                               "<p>Dua<br>tiga</p></body></html>")
    assert raw.splitlines() == ["Satu baris.", "Dua", "tiga"]
    assert len(hints) == 3 and hints[0]["page_title"] == "T"


def test_dom_hints_of_a_line():
    raw, hints = html_to_lines("<body><div class='baca-juga'><a href='/x'>Rusia Kirim Bantuan Militer</a></div>"
                               "<p>Isi <a href='#'>tautan</a> berita yang panjang sekali.</p></body>")
    assert raw.splitlines()[0] == "Rusia Kirim Bantuan Militer"
    first, second = hints
    assert first["link_density"] == 1.0 and "baca" in first["words"] and first["tag"] == "div"
    assert 0 < second["link_density"] < 0.3 and second["tag"] == "p" and second["path"][-1] == "p"


def test_head_metadata_meta_tags_and_json_ld(opts):
    page = """<html><head><title>Menteri Rusia Bertemu Assad - Republika Online</title>
<meta property="og:title" content="Menteri Rusia Bertemu Assad Bahas Serangan Deir Az Zor">
<meta property="og:site_name" content="Republika Online">
<meta property="article:published_time" content="2017-09-14T15:02:00+07:00">
<meta name="author" content="Marniati">
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",
 "headline": "Menteri Rusia Bertemu Assad Bahas Serangan Deir Az Zor", "datePublished": "2017-09-14T15:02:00+07:00",
 "author": {"@type": "Person", "name": "Marniati"}, "publisher": {"@type": "Organization", "name": "Republika"}}</script>
</head><body><div class="date">Senin, 2 Oktober 2017</div>""" + HEADLINE + BODY + "</body></html>"
    meta = html_metadata(page)
    assert meta["date"] == "2017-09-14"
    assert meta["author"] == "Marniati"
    assert meta["title"] == "Menteri Rusia Bertemu Assad Bahas Serangan Deir Az Zor"
    assert meta["site_name"] == "Republika Online"
    raw, hints = html_to_lines(page)
    result = clean_text(raw, opts, hints)
    # the head's publication date wins over the header's "today" date
    assert result.meta["date"] == "2017-09-14" and result.meta["author"] == "Marniati"


def test_json_ld_alone_gives_the_date():
    page = ("<html><head><script type='application/ld+json'>{\"@context\": \"https://schema.org\", \"@type\": \"NewsArticle\", \"headline\": "
            "\"Harga Cabai Naik\", \"datePublished\": \"2021-03-05T08:00:00+07:00\", \"author\": "
            "{\"@type\": \"Person\", \"name\": \"Dewi Lestari\"}}</script></head><body>" + BODY + "</body></html>")
    meta = html_metadata(page)
    assert meta["date"] == "2021-03-05" and meta["author"] == "Dewi Lestari"


def test_metadata_from_the_shared_parse_matches_the_whole_page():
    """`html_to_lines` hands the metadata extractor a small document cut from its own parse:
    head tags the parser moved into the body (here after a stray `<div>` in the head), JSON-LD
    at the end of the body and `<time>` are still read: all the whole page gives, and here the
    author and site name, which the whole page loses to the misplaced head."""
    page = ("<html><head><title>Harga Cabai Naik - Kabar Pasar</title><div>iklan</div>"
            "<meta property='og:site_name' content='Kabar Pasar'>"
            "<meta name='author' content='Dewi Lestari'></head><body>" + BODY
            + "<p>Diterbitkan <time datetime='2021-03-05T08:00:00+07:00'>5 Maret 2021</time></p>"
            "<script type='application/ld+json'>{\"@context\": \"https://schema.org\", \"@type\": "
            "\"NewsArticle\", \"headline\": \"Harga Cabai Naik\", \"datePublished\": "
            "\"2021-03-05T08:00:00+07:00\"}</script></body></html>")
    _, hints = html_to_lines(page)
    meta = hints[0]["page_meta"]
    whole = html_metadata(page)
    assert all(meta.get(k) == v for k, v in whole.items()) and whole["date"] == "2021-03-05"
    assert meta["date"] == "2021-03-05" and meta["author"] == "Dewi Lestari"
    assert meta["site_name"] == "Kabar Pasar"


def test_empty_article_from_long_visible_text_is_flagged(opts):
    menu = "".join(f"<li><a href='/k{i}'>Kanal Berita {i} Terkini</a></li>" for i in range(120))
    raw, hints = html_to_lines(f"<html><body><nav><ul>{menu}</ul></nav></body></html>")
    result = clean_text(raw, opts, hints)
    assert result.text == ""
    assert "clean_warning" in result.meta and "empty" in result.meta["clean_warning"]


def test_short_empty_page_is_not_flagged(opts):
    raw, hints = html_to_lines("<html><body><nav><a href='/'>Beranda</a></nav></body></html>")
    assert "clean_warning" not in clean_text(raw, opts, hints).meta


def _nested(n: int) -> str:
    return "<html><body>" + "<div>teks " * n + "</body></html>"


def _stray(n: int) -> str:
    return "<html><body>" + "<b><i><span><font>" * (n // 4) + "teks</body></html>"


def _normal(n_paragraphs: int) -> str:
    return "<html><body>" + "<div class='x'><p>Kalimat berita yang biasa saja di sini.</p></div>" * n_paragraphs \
        + "</body></html>"


@pytest.mark.parametrize("hostile", [_nested(100_000), _stray(100_000)])
def test_hostile_pages_fail_fast(hostile):
    normal = _normal(len(hostile) // 70)  # about the same size, ~15k blocks
    t0 = time.perf_counter()
    html_to_lines(normal, metadata=False)
    t_normal = time.perf_counter() - t0
    t0 = time.perf_counter()
    with pytest.raises(HTMLTooComplex):
        html_to_lines(hostile)
    t_hostile = time.perf_counter() - t0
    assert t_hostile < max(t_normal, 0.05) * 3


def test_stray_end_tags_are_bounded():
    page = "<html><body>" + "</div></p><td>" * 70_000 + "<p>Isi berita.</p></body></html>"
    t0 = time.perf_counter()
    try:
        raw, _ = html_to_lines(page, metadata=False)
        assert "Isi berita." in raw
    except HTMLTooComplex:
        pass
    normal = _normal(len(page) // 70)
    t1 = time.perf_counter()
    html_to_lines(normal, metadata=False)
    assert (t1 - t0) < max(time.perf_counter() - t1, 0.05) * 5


def test_complexity_scan_counts_depth_like_a_browser():
    assert check_complexity("<ul>" + "<li>a" * 5000 + "</ul>")[1] == 1  # <li> closes the previous one
    assert check_complexity("<p>x" * 5000)[1] == 0
    assert check_complexity("<div>" * 10 + "</div>" * 10)[1] == 10
    assert check_complexity("<script>" + "<div>" * 1000 + "</script>")[1] == 0  # script text is not markup


HOSTILE_MEMORY = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))   # 1 GiB address space
sys.path.insert(0, sys.argv[1])
from pipeline.html import HTMLTooComplex, html_to_lines
page = "<html><body>" + "<div>teks " * 100000 + "</body></html>"
try:
    html_to_lines(page)
except HTMLTooComplex:
    print("refused")
"""


def test_hostile_nesting_in_bounded_memory():
    out = subprocess.run([sys.executable, "-c", HOSTILE_MEMORY, str(ROOT)], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "refused"


def test_too_complex_page_becomes_an_error_record(tmp_path, blank_annotator):
    from pipeline.batch import annotate_files
    from pipeline.runner import Annotator

    (tmp_path / "a_hostile.html").write_text(_nested(100_000), encoding="utf-8")
    (tmp_path / "b_ok.html").write_text(f"<html><body>{HEADLINE}{BODY}</body></html>", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    annotate_files([tmp_path], out, Annotator(blank_annotator.config), progress=False)
    docs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [d["id"] for d in docs] == ["b_ok"]
    errors = (tmp_path / "o.errors.jsonl").read_text(encoding="utf-8")
    assert "HTMLTooComplex" in errors and "a_hostile" in errors
