"""pipeline.frames: every table against the JSON it comes from, selection, chunks, Parquet."""
from __future__ import annotations

import gzip
import json
import shutil
import warnings

import pandas as pd
import pytest

from pipeline.cli import main
from pipeline.frames import SCHEMA, TABLES, export, iter_read, read


@pytest.fixture(scope="session")
def ann(seeds_jsonl):
    return read(seeds_jsonl)


def _dtype_ok(series: pd.Series, expected) -> bool:
    if isinstance(expected, pd.CategoricalDtype):
        return series.dtype == expected
    if expected == "category":  # open label set: the sorted values seen
        cats = list(series.cat.categories)
        return cats == sorted(set(series.dropna().astype(str)))
    return str(series.dtype) == str(pd.Series([], dtype=expected).dtype)


@pytest.mark.parametrize("table", TABLES)
def test_columns_and_dtypes(ann, table):
    df = ann[table]
    fixed = list(SCHEMA[table])
    assert list(df.columns[:len(fixed)]) == fixed
    for col, dtype in SCHEMA[table].items():
        assert _dtype_ok(df[col], dtype), (table, col, df[col].dtype, dtype)
    extra = list(df.columns[len(fixed):])
    assert all(c.startswith("meta_") for c in extra)
    assert isinstance(df.index, pd.RangeIndex)


def test_row_counts_equal_the_json(ann, docs):
    assert len(ann.documents) == len(docs) == 5
    for table in ("tokens", "sentences", "entities", "relations", "boilerplate"):
        assert len(ann[table]) == sum(len(d[table]) for d in docs), table
        per_doc = ann[table].groupby("doc_id").size().to_dict()
        assert per_doc == {d["id"]: len(d[table]) for d in docs if d[table]}, table
    counts = ann.documents.set_index("doc_id")
    for d in docs:
        assert counts.loc[d["id"], "n_tokens"] == len(d["tokens"])
        assert counts.loc[d["id"], "n_entities"] == len(d["entities"])
        assert counts.loc[d["id"], "n_relations"] == len(d["relations"])


def test_documents_carry_meta(ann, docs):
    by_id = ann.documents.set_index("doc_id")
    for d in docs:
        row = by_id.loc[d["id"]]
        assert row["source"] == d["source"]
        assert row["text"] == d["text"]
        for key in ("title", "author", "publisher"):
            assert (pd.isna(row[key]) and d["meta"].get(key) is None) or row[key] == d["meta"][key]
        if d["meta"]["date"]:
            assert row["date"] == pd.Timestamp(d["meta"]["date"])
        else:
            assert pd.isna(row["date"])
    assert by_id.loc["004_861e2fd0c5004fd0", "author"] == "Marniati"


def test_tokens_match_the_json(ann, docs):
    tokens = ann.tokens
    flat = [(d["id"], i, t) for d in docs for i, t in enumerate(d["tokens"])]
    assert tokens["text"].tolist() == [t["text"] for _, _, t in flat]
    assert tokens["stem"].tolist() == [t["stem"] for _, _, t in flat]
    assert tokens["i"].tolist() == [i for _, i, _ in flat]
    assert tokens["pos"].astype(str).tolist() == [t["pos"] for _, _, t in flat]
    assert tokens["head"].tolist() == [t["head"] for _, _, t in flat]
    # every token lies inside the sentence it is assigned to
    joined = tokens.merge(ann.sentences[["doc_id", "sentence", "start", "end"]], how="left",
                          on=["doc_id", "sentence"], suffixes=("", "_sent"))
    assert joined["start_sent"].notna().all()
    assert ((joined["start"] >= joined["start_sent"]) & (joined["end"] <= joined["end_sent"])).all()
    assert ann.sentences["n_tokens"].sum() == len(tokens)


def test_entities_and_relations_match_the_json(ann, docs):
    ents = ann.entities
    assert set(ents["label"].cat.categories) >= {"PER", "ORG", "LOC", "TITLE", "QUOTE"}
    json_ents = [(d["id"], e["id"], e["label"], e["text"]) for d in docs for e in d["entities"]]
    assert list(zip(ents["doc_id"], ents["entity_id"], ents["label"].astype(str), ents["text"])) == json_ents
    texts = ann.documents.set_index("doc_id")["text"]
    assert all(texts[r.doc_id][r.start:r.end] == r.text for r in ents.itertuples())
    assert ents["sentence"].notna().all()
    # relations carry their head and tail entities' text, label and offsets
    rels = ann.relations
    by_id = {(d["id"], e["id"]): e for d in docs for e in d["entities"]}
    json_rels = [(d["id"], r) for d in docs for r in d["relations"]]
    for row, (doc_id, r) in zip(rels.itertuples(), json_rels):
        head, tail = by_id[doc_id, r["head"]], by_id[doc_id, r["tail"]]
        assert (row.label, row.head_id, row.head_text, row.head_label, row.head_start) == \
            (r["label"], r["head"], head["text"], head["label"], head["start"])
        assert (row.tail_text, row.tail_label, row.rule) == (tail["text"], tail["label"], r["rule"])
        assert row.evidence == texts[doc_id][r["evidence"]["start"]:r["evidence"]["end"]]
    lavrov = rels[(rels["label"] == "jabatan") & (rels["head_text"] == "Sergei Lavrov")]
    assert "Menteri Luar Negeri" in set(lavrov["tail_text"])


def test_boilerplate_matches_the_json(ann, docs):
    bp = ann.boilerplate
    assert list(zip(bp["doc_id"], bp["kind"].astype(str), bp["text"], bp["start"])) == \
        [(d["id"], b["kind"], b["text"], b["start"]) for d in docs for b in d["boilerplate"]]
    assert "byline" in set(bp["kind"].astype(str))


def test_frames_join_without_name_clashes(ann):
    merged = ann.entities.merge(ann.documents[["doc_id", "title", "date"]], on="doc_id")
    assert len(merged) == len(ann.entities)
    assert not [c for c in merged.columns if c.endswith(("_x", "_y"))]
    pivot = pd.crosstab(ann.entities["doc_id"], ann.entities["label"])
    assert pivot.loc["000_904f4fb33666df78", "PER"] > 0


def test_tables_and_columns_selection(seeds_jsonl, ann):
    small = read(seeds_jsonl, columns={"tokens": ["doc_id", "text", "pos"]})
    assert list(small) == ["tokens"]
    assert list(small.tokens.columns) == ["doc_id", "text", "pos"]
    pd.testing.assert_frame_equal(small.tokens, ann.tokens[["doc_id", "text", "pos"]])
    with pytest.raises(AttributeError, match="entities.*not read"):
        small.entities
    only = read(seeds_jsonl, tables=["relations"])
    pd.testing.assert_frame_equal(only.relations, ann.relations)
    with pytest.raises(KeyError, match="unknown tokens column"):
        read(seeds_jsonl, columns={"tokens": ["nope"]})


def test_chunked_reading_gives_the_same_frames(seeds_jsonl, ann):
    chunks = list(iter_read(seeds_jsonl, chunk_size=2))
    assert [len(c.documents) for c in chunks] == [2, 2, 1]
    for table in TABLES:
        joined = pd.concat([c[table] for c in chunks], ignore_index=True)
        assert len(joined) == len(ann[table])
        assert joined["doc_id"].tolist() == ann[table]["doc_id"].tolist()
    whole = read(seeds_jsonl, chunk_size=2)
    for table in TABLES:
        pd.testing.assert_frame_equal(whole[table], ann[table])


def test_gzip_and_directories(seeds_jsonl, ann, tmp_path):
    gz = tmp_path / "seeds.jsonl.gz"
    gz.write_bytes(gzip.compress(seeds_jsonl.read_bytes()))
    for table in TABLES:
        pd.testing.assert_frame_equal(read(gz)[table], ann[table])
    assert len(read(tmp_path).documents) == 5


def test_parquet_round_trip(seeds_jsonl, ann, tmp_path):
    out = tmp_path / "pq"
    manifest = export(seeds_jsonl, out, part_size=2, chunk_size=1)
    assert manifest["parts"] == 3 and manifest["part_documents"] == [2, 2, 1]
    assert manifest["rows"]["tokens"] == len(ann.tokens)
    assert sorted(p.name for p in (out / "tokens").iterdir()) == [
        "part-00000.parquet", "part-00001.parquet", "part-00002.parquet"]
    back = read(out)
    for table in TABLES:
        pd.testing.assert_frame_equal(back[table], ann[table], check_exact=True)
    some = read(out, columns={"entities": ["doc_id", "label", "text"]})
    pd.testing.assert_frame_equal(some.entities, ann.entities[["doc_id", "label", "text"]])
    assert [len(c.documents) for c in iter_read(out)] == [2, 2, 1]


def test_cli_export(seeds_jsonl, ann, tmp_path):
    out = tmp_path / "cli"
    assert main(["export", str(seeds_jsonl), "--parquet", str(out)]) == 0
    manifest = json.loads((out / "warta-frames.json").read_text())
    assert manifest["documents"] == 5 and manifest["parts"] == 1
    pd.testing.assert_frame_equal(read(out).entities, ann.entities)
    # a second export into the same folder replaces the parts
    assert main(["export", str(seeds_jsonl), "--parquet", str(out), "--part-size", "3",
                 "--tables", "documents,entities"]) == 0
    again = read(out, tables=["documents", "entities"])
    pd.testing.assert_frame_equal(again.entities, ann.entities)
    assert len(list((out / "entities").glob("*.parquet"))) == 2


def test_bad_lines_warn_with_file_and_line(seeds_jsonl, tmp_path):
    lines = seeds_jsonl.read_text(encoding="utf-8").splitlines()
    broken = json.loads(lines[1])
    broken["relations"].append({"head": "e999", "tail": "e0", "label": "jabatan", "rule": "x",
                                "evidence": {"start": 0, "end": 5}})
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join([lines[0], "{not json", json.dumps(broken), '{"no": "id"}']) + "\n",
                    encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = read(path)
    messages = [str(w.message) for w in caught]
    assert any(f"{path}:2: not JSON" in m for m in messages)
    assert any(f"{path}:4: not a Warta document" in m for m in messages)
    assert any("e999" in m and broken["id"] in m and f"{path}:3" in m for m in messages)
    assert len(got.documents) == 2
    assert got.relations["head_text"].isna().sum() == 1


def test_a_document_with_wrong_types_is_skipped(seeds_jsonl, tmp_path):
    lines = seeds_jsonl.read_text(encoding="utf-8").splitlines()
    bad = json.loads(lines[2])
    bad["tokens"][3]["start"] = "tiga"
    path = tmp_path / "types.jsonl"
    path.write_text("\n".join([lines[0], json.dumps(bad), lines[1]]) + "\n", encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = read(path)
    assert any(f"{path}:2: document {bad['id']}: fields of the wrong type" in str(w.message)
               for w in caught)
    assert got.documents["doc_id"].tolist() == [json.loads(lines[0])["id"], json.loads(lines[1])["id"]]


def test_empty_input_gives_typed_empty_frames(tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_text("", encoding="utf-8")
    got = read(path)
    for table in TABLES:
        assert len(got[table]) == 0
        assert list(got[table].columns) == list(SCHEMA[table])
    assert isinstance(got.entities["label"].dtype, pd.CategoricalDtype)
    shutil.rmtree(tmp_path)
