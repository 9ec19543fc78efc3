"""pipeline.show: the displaCy document page, escaping, the CLI, and a headless browser."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from pipeline.cli import main
from pipeline.show import DocumentView, find_document, render_page, show
from tests.warta_outputs import (HOSTILE_ID, assert_not_blank, load_docs, run_chromium)

DOC_ID = "002_f1bf446077a8f2d3"  # Lavrov and Kerry: entities, one QUOTE, 14 relations


class Tags(HTMLParser):
    """Start tags with their attributes, and the page's text."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


@pytest.fixture(scope="session")
def doc(seeds_jsonl):
    return find_document(seeds_jsonl, DOC_ID)


def test_page_marks_every_entity_and_links_relations(doc):
    html = render_page(doc)
    tags = Tags(html)
    marks = [a for t, a in tags.tags if t == "mark"]
    flat = [e for e in doc["entities"] if e["label"] != "QUOTE"]
    assert [m["id"] for m in marks] == [f"ent-{e['id']}" for e in flat]
    assert [m["data-label"] for m in marks] == [e["label"] for e in flat]
    for e in flat:  # the mark holds the entity's own text
        assert re.search(rf'id="ent-{e["id"]}"[^>]*>\s*{re.escape(e["text"])}\s*<span', html), e
    quotes = [e for e in doc["entities"] if e["label"] == "QUOTE"]
    assert quotes
    ids = {a["id"] for _, a in tags.tags if "id" in a}
    for q in quotes:  # QUOTE is its own (span) layer, anchored too
        assert f"ent-{q['id']}" in ids
    assert html.count('class="quote-block"') >= 1
    rows = re.findall(r"<tr><td>(\w+)</td>", html.split('class="relations"')[1].split("</table>")[0])
    assert rows == [r["label"] for r in doc["relations"]]
    links = [a["href"] for t, a in tags.tags if t == "a" and "href" in a]
    assert len(links) == 2 * len(doc["relations"])
    assert all(link[1:] in ids for link in links)  # every relation link lands on an entity


def test_boilerplate_is_collapsible(seeds_jsonl):
    doc = find_document(seeds_jsonl, "000_904f4fb33666df78")
    html = render_page(doc)
    section = html.split("<details")[1].split("</details>")[0]
    assert f"Dropped boilerplate ({len(doc['boilerplate'])} lines)" in section
    assert section.count("<tr>") == len(doc["boilerplate"]) + 1
    assert "Penulis: Dedy Istanto" in section


def test_page_is_self_contained(doc):
    html = render_page(doc)
    tags = Tags(html)
    assert not [t for t, _ in tags.tags if t in ("script", "link", "iframe", "img", "object")]
    assert not re.search(r"(src|href)=\"(https?:)?//", html)
    assert "Content-Security-Policy" in html and "default-src 'none'" in html


def test_markup_in_documents_is_escaped(hostile_jsonl):
    doc = load_docs(hostile_jsonl)[0]
    assert doc["id"] == HOSTILE_ID and "<script>" in doc["text"]
    assert any("<script>" in b["text"] for b in doc["boilerplate"])
    assert any(e["label"] == "QUOTE" and "<script>" in e["text"] for e in doc["entities"])
    html = render_page(doc)
    tags = Tags(html)
    assert not [t for t, _ in tags.tags if t in ("script", "img", "b")]
    assert not [a for _, a in tags.tags for k in a if k.startswith("on")]
    assert "<script" not in html.lower()
    text = "".join(tags.text)
    for shown in ("<script>alert('judul')</script>", "<img src=x onerror=alert(1)>",
                  "<script>alert('baca')</script>", "<b onmouseover=alert(2)>Penulis</b>", HOSTILE_ID):
        assert shown in text, shown  # shown as text, not run


def test_show_in_python_and_cli(seeds_jsonl, doc, tmp_path):
    view = show(doc, jupyter=False)
    assert isinstance(view, DocumentView) and 'class="warta-doc"' in view._repr_html_()
    assert show(seeds_jsonl, DOC_ID, jupyter=False).html == view.html
    import pipeline.show

    assert pipeline.show(doc, jupyter=False).html == view.html  # the submodule is callable
    out = tmp_path / "page.html"
    assert main(["show", str(seeds_jsonl), "--id", DOC_ID, "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == render_page(doc)
    assert main(["show", str(seeds_jsonl), "--id", "no-such-doc", "-o", str(out)]) == 2


def test_pages_in_headless_chromium(seeds_jsonl, hostile_jsonl, tmp_path):
    """Both pages load offline in Chromium, are not blank, and carry the entity marks."""
    from pipeline.report import write_report

    page = tmp_path / "show.html"
    main(["show", str(seeds_jsonl), "--id", DOC_ID, "-o", str(page)])
    dom = run_chromium(page, tmp_path / "show.png")
    assert_not_blank(tmp_path / "show.png")
    doc = find_document(seeds_jsonl, DOC_ID)
    n_flat = sum(e["label"] != "QUOTE" for e in doc["entities"])
    assert dom.count('<mark class="entity"') == n_flat
    assert 'id="ent-e0"' in dom

    report = tmp_path / "report.html"
    write_report([seeds_jsonl, hostile_jsonl], report)
    dom = run_chromium(report, tmp_path / "report.png", size="1200,1600")
    assert_not_blank(tmp_path / "report.png")
    assert dom.count("data:image/png;base64,") >= 4
    assert "Lavrov" in dom and "<script" not in dom.lower()

    hostile = tmp_path / "hostile.html"
    main(["show", str(hostile_jsonl), "--id", HOSTILE_ID, "-o", str(hostile)])
    dom = run_chromium(hostile)
    assert "<script" not in dom.lower()  # a running script could have added nodes; none exist
    assert "&lt;script&gt;alert('kutipan')&lt;/script&gt;" in dom
