"""pipeline.report: the summary tables against counts taken from the JSON, and the page."""
from __future__ import annotations

import re
from collections import Counter

import pytest

from pipeline.cli import main
from pipeline.frames import read
from pipeline.report import REPORT_COLUMNS, render_report, report_tables, top_facts
from tests.warta_outputs import hostile_output


@pytest.fixture(scope="session")
def tables(seeds_jsonl):
    return report_tables(read(seeds_jsonl, columns=REPORT_COLUMNS), top=5)


def test_label_counts_equal_the_json(tables, docs):
    ents = Counter(e["label"] for d in docs for e in d["entities"])
    got = dict(zip(tables["entity_labels"]["label"].astype(str), tables["entity_labels"]["mentions"]))
    assert got == dict(ents)
    assert tables["entity_labels"]["mentions"].is_monotonic_decreasing
    rels = Counter(r["label"] for d in docs for r in d["relations"])
    assert dict(zip(tables["relation_labels"]["label"].astype(str),
                    tables["relation_labels"]["mentions"])) == dict(rels)
    kinds = Counter(b["kind"] for d in docs for b in d["boilerplate"])
    assert dict(zip(tables["boilerplate_kinds"]["kind"].astype(str),
                    tables["boilerplate_kinds"]["lines"])) == dict(kinds)
    overview = tables["overview"]["value"]
    assert overview["documents"] == 5
    assert overview["tokens"] == sum(len(d["tokens"]) for d in docs)


def test_top_entities_per_label(tables, docs):
    per = Counter((e["label"], e["text"]) for d in docs for e in d["entities"])
    loc = tables["top_entities"]["LOC"]
    assert len(loc) == 5
    best = max(n for (lab, _), n in per.items() if lab == "LOC")
    assert loc.iloc[0]["mentions"] == best
    for row in loc.itertuples():
        assert row.mentions == per["LOC", row.text]
        assert row.documents == sum(any(e["label"] == "LOC" and e["text"] == row.text
                                        for e in d["entities"]) for d in docs)
    assert "QUOTE" not in tables["top_entities"]


def test_top_facts(tables, docs):
    facts = tables["facts"]
    ents = {(d["id"], e["id"]): e["text"] for d in docs for e in d["entities"]}
    jab = Counter((ents[d["id"], r["head"]], ents[d["id"], r["tail"]])
                  for d in docs for r in d["relations"] if r["label"] == "jabatan")
    top = facts["jabatan"]
    assert (top.iloc[0]["head"], top.iloc[0]["tail"]) in jab
    assert top.iloc[0]["mentions"] == max(jab.values())
    assert ("Sergei Lavrov", "Menteri Luar Negeri") in set(zip(top["head"], top["tail"])) or \
        ("Sergey Lavrov", "Menteri Luar Negeri") in set(zip(top["head"], top["tail"]))
    met = Counter(tuple(sorted((ents[d["id"], r["head"]], ents[d["id"], r["tail"]])))
                  for d in docs for r in d["relations"] if r["label"] == "bertemu")
    reported = dict(zip(zip(facts["bertemu"]["head"], facts["bertemu"]["tail"]), facts["bertemu"]["mentions"]))
    assert all(met[tuple(sorted(pair))] == n for pair, n in reported.items())  # ties may be cut anywhere
    assert sorted(reported.values(), reverse=True) == [n for _, n in met.most_common(5)]
    speakers = Counter(ents[d["id"], r["head"]] for d in docs for r in d["relations"]
                       if r["label"] == "pernyataan")
    assert dict(zip(facts["pernyataan"]["speaker"], facts["pernyataan"]["quotes"])) == dict(speakers)


def test_bertemu_counts_either_order():
    import pandas as pd

    rel = pd.DataFrame({"doc_id": ["a", "b", "c"], "label": ["bertemu"] * 3,
                        "head_text": ["Putin", "Erdogan", "Putin"],
                        "tail_text": ["Erdogan", "Putin", "Assad"]})
    got = top_facts(rel)["bertemu"]
    assert got.iloc[0].to_dict() == {"head": "Erdogan", "tail": "Putin", "mentions": 2, "documents": 2}


def test_documents_per_date(tables, docs):
    dates = Counter(d["meta"]["date"] for d in docs if d["meta"]["date"])
    got = {str(k): v for k, v in zip(tables["documents_per_date"]["date"],
                                      tables["documents_per_date"]["documents"])}
    assert got == dict(dates)


def test_report_page(seeds_jsonl, annotator, tmp_path):
    hostile = hostile_output(annotator)
    out = tmp_path / "report.html"
    assert main(["report", str(seeds_jsonl), str(hostile), "-o", str(out), "--top", "8"]) == 0
    html = out.read_text(encoding="utf-8")
    images = re.findall(r'<img alt="[^"]*" src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert len(images) >= 5  # labels, persons, relations, boilerplate kinds, dates
    assert not re.search(r"(src|href)=\"(https?:)?//", html)
    assert "<script" not in html.lower()
    assert "Who holds which office" in html and "Who met whom" in html
    assert "Lavrov" in html and "Jabhat al-Nusra" in html
    assert "&lt;script&gt;alert('pub')&lt;/script&gt;" in html  # publisher, escaped


def test_report_without_relations_or_dates(tmp_path):
    import json

    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps({"id": "x", "source": "x", "text": "Halo.", "meta": {"title": None,
                    "date": None, "author": None, "editor": None}, "boilerplate": [],
                    "sentences": [{"start": 0, "end": 5}], "tokens": [], "entities": [],
                    "relations": [], "pipeline": {"version": "0", "model": "m", "stages": []}}) + "\n")
    html = render_report(read(path, columns=REPORT_COLUMNS))
    assert "No relations." in html and "No document has a date." in html
