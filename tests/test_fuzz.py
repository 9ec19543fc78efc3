"""Fuzzing the reader and the cleaner (issue 17): random bytes, random JSON shapes and random
HTML never crash a run, and every input is either annotated or one error record.

Hypothesis runs a bounded, derandomized number of examples (the same ones on every run)."""
from __future__ import annotations

import gzip
import io
import json
import tempfile
from pathlib import Path

import jsonschema
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from pipeline.batch import annotate_files  # noqa: E402
from pipeline.io import bounded_lines, read_jsonl  # noqa: E402
from pipeline.runner import Annotator  # noqa: E402

from .conftest import ROOT  # noqa: E402

SCHEMA = json.loads((ROOT / "pipeline" / "schema" / "document.schema.json").read_text())
FUZZ = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])
WORDS = ["Presiden", "Joko", "Widodo", "menteri", "Jakarta", "Bali", "kata", "bertemu", "di", "pada",
         "Senin", "(8/10)", "Baca", "juga:", "Iklan", "“", "”", '"', "—", ".", ",", "\n", "Rusia", "PBB"]


def run(annotator: Annotator, name: str, data: bytes) -> tuple[list[dict], list[dict]]:
    """annotate_files over one input file holding `data`: (documents, error records)."""
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / name, Path(tmp) / "out.jsonl"
        src.write_bytes(data)
        summary = annotate_files([src], out, annotator, progress=False, warn=lambda m: None)
        docs = list(read_jsonl(out))
        err = Path(tmp) / "out.errors.jsonl"
        errors = list(read_jsonl(err)) if err.exists() else []
    assert (summary.documents, summary.errors) == (len(docs), len(errors))
    for doc in docs:
        jsonschema.validate(doc, SCHEMA)
    return docs, errors


def lines_of(data: bytes) -> list[bytes]:
    pieces = data.split(b"\n")
    return pieces[:-1] if pieces and pieces[-1] == b"" else pieces


@FUZZ
@given(data=st.binary(max_size=3000), limit=st.integers(min_value=0, max_value=200))
def test_bounded_lines_is_a_bounded_split(data, limit):
    expected = [(i + 1, line if len(line) <= limit else None, len(line)) for i, line in enumerate(lines_of(data))]
    assert list(bounded_lines(io.BytesIO(data), limit)) == expected


text_bytes = st.one_of(
    st.binary(max_size=2000),
    st.lists(st.sampled_from(WORDS), max_size=60).map(lambda ws: " ".join(ws).encode()),
    st.text(max_size=500).map(lambda t: t.encode("utf-8", "surrogatepass")),
)


@FUZZ
@given(data=text_bytes, suffix=st.sampled_from([".txt", ".html", ".jsonl", ".jsonl.gz", "gz-valid"]))
def test_random_bytes_are_annotated_or_refused(blank_annotator, data, suffix):
    name = "in.jsonl.gz" if suffix == "gz-valid" else "in" + suffix
    payload = gzip.compress(data) if suffix == "gz-valid" else data
    docs, errors = run(blank_annotator, name, payload)
    if suffix in (".txt", ".html"):
        assert len(docs) + len(errors) == 1
    else:
        kept = [ln for ln in lines_of(data) if ln.strip()]
        broken_stream = any(e["reason"].startswith("cannot read past line") for e in errors)
        if suffix == ".jsonl":
            assert len(docs) + len(errors) == len(kept)
        elif not broken_stream and suffix == "gz-valid":
            assert len(docs) + len(errors) == len(kept)
        else:  # raw bytes named .gz: not a gzip stream (one error) unless empty
            assert broken_stream or not data
    assert not [e for e in errors if e["reason"].startswith("annotation failed")]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20)
texts = st.one_of(st.lists(st.sampled_from(WORDS), max_size=40).map(" ".join), st.text(max_size=200), json_values)


@st.composite
def records(draw) -> str:
    obj = draw(st.dictionaries(st.text(max_size=6), json_values, max_size=4))
    if draw(st.booleans()):
        obj["id"] = draw(json_values)
    if draw(st.integers(0, 3)):
        obj["text"] = draw(texts)
    line = json.dumps(obj, ensure_ascii=draw(st.booleans()))
    depth = draw(st.sampled_from([0, 0, 0, 50, 150, 1200]))
    if depth:  # deep nesting around the record's extra field
        line = line[:-1] + (", " if len(obj) else "") + '"deep": ' + "[" * depth + "]" * depth + "}"
    if draw(st.integers(0, 9)) == 0:
        line = draw(st.sampled_from(["[1, 2]", '"text"', "{", '{"text": NaN}', "null", "\ufeff{}"]))
    return line


@FUZZ
@given(lines=st.lists(records(), min_size=1, max_size=8))
def test_random_json_shapes_are_annotated_or_refused_one_by_one(blank_annotator, lines):
    data = ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass")
    docs, errors = run(blank_annotator, "in.jsonl", data)
    kept = [i + 1 for i, ln in enumerate(lines_of(data)) if ln.strip()]
    seen = sorted([int(d["source"].rsplit(":", 1)[1]) for d in docs] + [e["line"] for e in errors])
    assert seen == kept  # one outcome per line
    assert not [e for e in errors if e["reason"].startswith("annotation failed")]


TAGS = ["p", "div", "span", "h1", "h2", "a", "nav", "script", "style", "form", "figure", "figcaption",
        "table", "tr", "td", "ul", "li", "br", "img", "iframe", "noscript", "template", "svg", "math",
        "textarea", "title", "head", "body", "html", "pre", "b", "i"]
ATTRS = [' class="share"', ' class="baca-juga"', ' id="iklan"', ' href="http://x.id/"', ' style="x"',
         ' class="content article-body"', " hidden", ' onclick="alert(1)"', ' class=">', " a='b\""]
JUNK = ["<!-- c", "-->", "<![CDATA[ x ]]>", "&amp;", "&nbsp;", "&#xD800;", "&#0;", "&#x110000;",
        "&#99999999999;", "&bogus;", "</", "<", ">", "<?php ?>", "<!DOCTYPE html>", "\x00", "\ufeff", "\r"]


@st.composite
def html_pages(draw) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 40))):
        kind = draw(st.integers(0, 4))
        if kind == 0:
            parts.append(f"<{draw(st.sampled_from(TAGS))}{draw(st.sampled_from([''] + ATTRS))}>")
        elif kind == 1:
            parts.append(f"</{draw(st.sampled_from(TAGS))}>")
        elif kind == 2:
            parts.append(draw(st.sampled_from(JUNK)))
        elif kind == 3:
            parts.append(" ".join(draw(st.lists(st.sampled_from(WORDS), max_size=25))))
        else:
            parts.append(draw(st.text(max_size=30)))
    return "".join(parts)


@FUZZ
@given(page=html_pages(), as_field=st.booleans())
def test_random_html_is_annotated_or_refused(blank_annotator, page, as_field):
    if as_field:
        cfg = dict(blank_annotator.config, input=dict(blank_annotator.config["input"], html_field="html"))
        annot = _html_annotator(cfg)
        data = (json.dumps({"id": "h", "html": page}) + "\n").encode()
        docs, errors = run(annot, "pages.jsonl", data)
    else:
        docs, errors = run(blank_annotator, "page.html", page.encode("utf-8", "surrogatepass"))
    assert len(docs) + len(errors) == 1
    assert not [e for e in errors if e["reason"].startswith("annotation failed")], errors


_HTML_ANNOTATOR: list = []


def _html_annotator(cfg) -> Annotator:
    if not _HTML_ANNOTATOR:
        _HTML_ANNOTATOR.append(Annotator(cfg))
    return _HTML_ANNOTATOR[0]
