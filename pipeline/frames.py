"""Warta output as pandas DataFrames, and as Parquet tables.

`read()` streams Warta JSONL (`.jsonl`, `.jsonl.gz`) or a Parquet directory written by
`export()` into an `Annotations` object with six DataFrames: `documents`, `tokens`,
`sentences`, `entities`, `relations`, `boilerplate`. Every table has `doc_id`; entities are
keyed by (`doc_id`, `entity_id`), so frames join without name clashes. Column names and
dtypes are fixed by `SCHEMA` (labels are categoricals); see README "Notebooks".

For dumps that do not fit in memory, `iter_read()` yields one `Annotations` per chunk of
documents, and `tables=` / `columns=` read only what is needed.
"""
from __future__ import annotations

import gzip
import json
import warnings
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Optional, Sequence, Union

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

PathLike = Union[str, Path]
Paths = Union[PathLike, Sequence[PathLike]]

TABLES = ("documents", "tokens", "sentences", "entities", "relations", "boilerplate")
MANIFEST = "warta-frames.json"
FORMAT_VERSION = 1
_KEY = np.int64(1) << 40  # document index * _KEY + offset: one sorted key over a chunk


def _schema_enums() -> dict[str, list[str]]:
    """Closed label sets, taken from the JSON Schema of the output (defined once there)."""
    schema = json.loads(resources.files("pipeline.schema").joinpath("document.schema.json")
                        .read_text(encoding="utf-8"))
    props = schema["properties"]
    return {
        "entity_label": props["entities"]["items"]["properties"]["label"]["enum"],
        "entity_source": props["entities"]["items"]["properties"]["source"]["enum"],
        "pos": props["tokens"]["items"]["properties"]["pos"]["anyOf"][1]["enum"],
        "boilerplate_kind": props["boilerplate"]["items"]["properties"]["kind"]["enum"],
    }


_ENUMS = _schema_enums()
#: "category" = categorical whose categories are the sorted values seen (open label sets).
CATEGORY = "category"


def _fixed(name: str) -> pd.CategoricalDtype:
    return pd.CategoricalDtype(categories=list(_ENUMS[name]))


#: Column name -> dtype of every table, in column order.
SCHEMA: dict[str, dict[str, Any]] = {
    "documents": {
        "doc_id": "string", "source": "string", "title": "string", "date": "datetime64[ns]",
        "author": "string", "editor": "string", "place": "string", "publisher": "string",
        "n_chars": "int32", "n_tokens": "int32", "n_sentences": "int32", "n_entities": "int32",
        "n_relations": "int32", "n_boilerplate": "int32", "model": "string",
        "pipeline_version": "string", "text": "string",
    },
    "tokens": {
        "doc_id": "string", "i": "int32", "sentence": "Int32", "start": "int32", "end": "int32",
        "text": "string", "stem": "string", "lemma": "string", "pos": _fixed("pos"),
        "is_stop": "bool", "morph": "string", "head": "Int32", "dep": CATEGORY,
    },
    "sentences": {
        "doc_id": "string", "sentence": "int32", "start": "int32", "end": "int32",
        "n_tokens": "int32", "text": "string",
    },
    "entities": {
        "doc_id": "string", "entity_id": "string", "label": _fixed("entity_label"),
        "text": "string", "start": "int32", "end": "int32", "source": _fixed("entity_source"),
        "sentence": "Int32",
    },
    "relations": {
        "doc_id": "string", "label": CATEGORY,
        "head_id": "string", "head_text": "string", "head_label": _fixed("entity_label"),
        "head_start": "Int32", "head_end": "Int32",
        "tail_id": "string", "tail_text": "string", "tail_label": _fixed("entity_label"),
        "tail_start": "Int32", "tail_end": "Int32",
        "rule": CATEGORY, "evidence_start": "int32", "evidence_end": "int32",
        "evidence": "string", "sentence": "Int32",
    },
    "boilerplate": {
        "doc_id": "string", "kind": _fixed("boilerplate_kind"), "text": "string",
        "start": "int32", "end": "int32",
    },
}
_META_FIXED = ("title", "date", "author", "editor", "place", "publisher")
META_PREFIX = "meta_"  # other `meta` keys become string columns meta_<key> of `documents`


class FramesError(ValueError):
    """A file that cannot be read as Warta output (the message names file and line)."""


@dataclass
class Annotations:
    """The tables read from Warta output; tables not requested raise a clear error."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    def __getattr__(self, name: str) -> pd.DataFrame:
        if name in TABLES:
            tables = self.__dict__.get("tables", {})
            if name not in tables:
                raise AttributeError(f"table {name!r} was not read (pass tables=[..., {name!r}])")
            return tables[name]
        raise AttributeError(name)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return getattr(self, name)

    def __iter__(self) -> Iterator[str]:
        return iter(self.tables)

    def __repr__(self) -> str:
        sizes = ", ".join(f"{k}={len(v):,}" for k, v in self.tables.items())
        return f"Annotations({sizes})"

    def memory_usage(self) -> pd.Series:
        """Bytes held by each table (deep)."""
        return pd.Series({k: int(v.memory_usage(deep=True).sum()) for k, v in self.tables.items()})


# ----------------------------------------------------------------------------- reading JSONL

def _jsonl_files(paths: Paths) -> list[Path]:
    items = [paths] if isinstance(paths, (str, Path)) else list(paths)
    files: list[Path] = []
    for item in items:
        p = Path(item)
        if p.is_dir():
            files.extend(sorted(q for q in p.rglob("*") if q.name.endswith((".jsonl", ".jsonl.gz"))
                                and not q.name.endswith((".errors.jsonl", ".errors.jsonl.gz"))))
        elif p.exists():
            files.append(p)
        else:
            raise FileNotFoundError(f"no such file: {p}")
    return files


def iter_documents(paths: Paths) -> Iterator[dict[str, Any]]:
    """Warta documents (dicts) of JSONL/JSONL.gz files; a broken line gives one warning
    naming file and line and is skipped."""
    for path in _jsonl_files(paths):
        opener = gzip.open if path.name.endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8") as fh:  # type: ignore[operator]
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    doc = json.loads(line)
                except json.JSONDecodeError as exc:
                    warnings.warn(f"{path}:{n}: not JSON ({exc.msg}); line skipped", stacklevel=2)
                    continue
                if not isinstance(doc, dict) or "id" not in doc or not isinstance(doc.get("text"), str):
                    warnings.warn(f"{path}:{n}: not a Warta document (needs 'id' and 'text'); "
                                  "line skipped", stacklevel=2)
                    continue
                doc.setdefault("_where", f"{path}:{n}")
                yield doc


def _sentence_of(doc_idx: np.ndarray, starts: np.ndarray, sent_doc: np.ndarray,
                 sent_start: np.ndarray, first_sent: np.ndarray) -> pd.array:
    """Index (within its document) of the sentence containing each offset, NA when none."""
    if len(doc_idx) == 0:
        return pd.array([], dtype="Int32")
    keys = sent_doc.astype(np.int64) * _KEY + sent_start
    pos = np.searchsorted(keys, doc_idx.astype(np.int64) * _KEY + starts, side="right") - 1
    local = pos - first_sent[doc_idx]
    n_sent = np.diff(np.append(first_sent, len(sent_doc)))
    ok = (local >= 0) & (local < n_sent[doc_idx])
    arr = pd.array(np.where(ok, local, 0), dtype="Int32")
    arr[~ok] = pd.NA
    return arr


def _records_frame(records: list[dict], fields: Sequence[str]) -> pd.DataFrame:
    """Object columns (no dtype inference: `conform` types them once), None where absent."""
    return pd.DataFrame({f: pd.Series([r.get(f) for r in records], dtype=object) for f in fields})


def _chunk_tables(docs: list[dict], tables: Sequence[str]) -> dict[str, pd.DataFrame]:
    """The raw (not yet conformed) tables of a chunk of documents."""
    ids = [str(d["id"]) for d in docs]
    sents = [d.get("sentences") or [] for d in docs]
    n_sent = np.array([len(s) for s in sents], dtype=np.int64)
    first_sent = np.concatenate([[0], np.cumsum(n_sent)[:-1]]).astype(np.int64)
    sent_doc = np.repeat(np.arange(len(docs)), n_sent)
    sent_start = np.array([s["start"] for ss in sents for s in ss], dtype=np.int64)
    out: dict[str, pd.DataFrame] = {}

    def doc_index(lists: list[list]) -> tuple[np.ndarray, list[dict]]:
        counts = np.array([len(x) for x in lists], dtype=np.int64)
        return np.repeat(np.arange(len(docs)), counts), [r for x in lists for r in x]

    def ids_of(idx: np.ndarray) -> np.ndarray:
        return np.asarray(ids, dtype=object)[idx] if len(idx) else np.array([], dtype=object)

    need_entities = "entities" in tables or "relations" in tables
    if "documents" in tables:
        rows = []
        for d in docs:
            meta = d.get("meta") or {}
            pipe = d.get("pipeline") or {}
            row = {"doc_id": str(d["id"]), "source": d.get("source"),
                   **{k: meta.get(k) for k in _META_FIXED},
                   "n_chars": len(d["text"]), "n_tokens": len(d.get("tokens") or []),
                   "n_sentences": len(d.get("sentences") or []),
                   "n_entities": len(d.get("entities") or []),
                   "n_relations": len(d.get("relations") or []),
                   "n_boilerplate": len(d.get("boilerplate") or []),
                   "model": pipe.get("model"), "pipeline_version": pipe.get("version"),
                   "text": d["text"]}
            for k, v in meta.items():
                if k not in _META_FIXED:
                    row[META_PREFIX + k] = v if v is None or isinstance(v, str) else \
                        json.dumps(v, ensure_ascii=False)
            rows.append(row)
        out["documents"] = pd.DataFrame.from_records(rows)
    if "tokens" in tables:
        idx, recs = doc_index([d.get("tokens") or [] for d in docs])
        df = _records_frame(recs, ["start", "end", "text", "stem", "lemma", "pos", "is_stop",
                                   "morph", "head", "dep"])
        df.insert(0, "doc_id", ids_of(idx))
        counts = np.bincount(idx, minlength=len(docs)) if len(idx) else np.zeros(len(docs), int)
        firsts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
        df.insert(1, "i", np.arange(len(idx)) - firsts[idx] if len(idx) else np.array([], int))
        starts = df["start"].to_numpy(dtype=np.int64) if len(df) else np.array([], np.int64)
        df.insert(2, "sentence", _sentence_of(idx, starts, sent_doc, sent_start, first_sent))
        out["tokens"] = df
    if "sentences" in tables:
        rows = []
        tok_starts = [np.array([t["start"] for t in (d.get("tokens") or [])], dtype=np.int64)
                      for d in docs]
        for d, ss, ts in zip(docs, sents, tok_starts):
            for k, s in enumerate(ss):
                n = int(np.searchsorted(ts, s["end"]) - np.searchsorted(ts, s["start"]))
                rows.append({"doc_id": str(d["id"]), "sentence": k, "start": s["start"],
                             "end": s["end"], "n_tokens": n, "text": d["text"][s["start"]:s["end"]]})
        out["sentences"] = pd.DataFrame.from_records(
            rows, columns=["doc_id", "sentence", "start", "end", "n_tokens", "text"])
    if need_entities:
        idx, recs = doc_index([d.get("entities") or [] for d in docs])
        ents = _records_frame(recs, ["id", "label", "text", "start", "end", "source"])
        ents = ents.rename(columns={"id": "entity_id"})
        ents.insert(0, "doc_id", ids_of(idx))
        starts = ents["start"].to_numpy(dtype=np.int64) if len(ents) else np.array([], np.int64)
        ents["sentence"] = _sentence_of(idx, starts, sent_doc, sent_start, first_sent)
        ents["_doc"] = idx
        if "entities" in tables:
            out["entities"] = ents.drop(columns="_doc")
    if "relations" in tables:
        idx, recs = doc_index([d.get("relations") or [] for d in docs])
        rel = _records_frame(recs, ["label", "head", "tail", "rule", "evidence"])
        ev = [r.get("evidence") or {} for r in recs]
        rel["evidence_start"] = [e.get("start") for e in ev]
        rel["evidence_end"] = [e.get("end") for e in ev]
        rel["evidence"] = [docs[i]["text"][e.get("start", 0):e.get("end", 0)] for i, e in zip(idx, ev)]
        rel["_doc"] = idx
        rel = rel.rename(columns={"head": "head_id", "tail": "tail_id"})
        look = ents[["_doc", "entity_id", "text", "label", "start", "end"]]
        for side in ("head", "tail"):
            rel = rel.merge(look.rename(columns={"entity_id": f"{side}_id", "text": f"{side}_text",
                                                 "label": f"{side}_label", "start": f"{side}_start",
                                                 "end": f"{side}_end"}),
                            on=["_doc", f"{side}_id"], how="left")
            missing = rel[f"{side}_text"].isna()
            for i, eid in zip(rel.loc[missing, "_doc"], rel.loc[missing, f"{side}_id"]):
                warnings.warn(f"{docs[i].get('_where', docs[i]['id'])}: document {docs[i]['id']}: "
                              f"relation {side} {eid!r} is not one of its entities", stacklevel=3)
        ev_start = rel["evidence_start"].to_numpy(dtype=np.int64) if len(rel) else np.array([], np.int64)
        rel["sentence"] = _sentence_of(rel["_doc"].to_numpy(dtype=np.int64), ev_start,
                                       sent_doc, sent_start, first_sent)
        rel.insert(0, "doc_id", ids_of(rel["_doc"].to_numpy(dtype=np.int64)))
        out["relations"] = rel.drop(columns="_doc")
    if "boilerplate" in tables:
        idx, recs = doc_index([d.get("boilerplate") or [] for d in docs])
        df = _records_frame(recs, ["kind", "text", "start", "end"])
        df.insert(0, "doc_id", ids_of(idx))
        out["boilerplate"] = df
    return out


# ----------------------------------------------------------------------------- dtypes

def _has_dtype(col: pd.Series, dtype: Any) -> bool:
    if isinstance(dtype, pd.CategoricalDtype):
        return col.dtype == dtype
    if isinstance(dtype, str) and dtype == CATEGORY:
        return isinstance(col.dtype, pd.CategoricalDtype) and col.cat.categories.is_monotonic_increasing
    if dtype == "string":
        return col.dtype == pd.StringDtype()
    return col.dtype != object and col.dtype == pd.Series([], dtype=dtype).dtype


def _as_dtype(col: pd.Series, dtype: Any) -> pd.Series:
    """`col` (object values from JSON, or typed values from Parquet) as `dtype`."""
    if _has_dtype(col, dtype):
        return col
    if isinstance(dtype, pd.CategoricalDtype):
        return pd.Series(pd.Categorical(col.to_numpy(dtype=object, na_value=None), dtype=dtype),
                         index=col.index)
    if isinstance(dtype, str) and dtype == CATEGORY:
        values = col.to_numpy(dtype=object, na_value=None)
        cats = sorted({v for v in values if v is not None})
        return pd.Series(pd.Categorical(values, categories=cats), index=col.index)
    if dtype == "datetime64[ns]":
        return pd.to_datetime(col, errors="coerce", format="ISO8601").astype("datetime64[ns]")
    if dtype == "string":
        return pd.Series(pd.array(col.to_numpy(dtype=object, na_value=None), dtype="string"),
                         index=col.index)
    if dtype == "bool":
        return pd.Series(col.to_numpy(dtype=object, na_value=False).astype(bool), index=col.index)
    if dtype == "Int32":
        return pd.Series(pd.array(col.to_numpy(dtype=object, na_value=None), dtype="Int32"),
                         index=col.index)
    return col.astype(dtype)


def conform_columns(df: pd.DataFrame, table: str, columns: Optional[Sequence[str]] = None) -> list[str]:
    """The columns `conform` gives `df`: `columns`, or the schema's plus sorted meta_* ones."""
    if columns is not None:
        return list(columns)
    return list(SCHEMA[table]) + (sorted(c for c in df.columns if c.startswith(META_PREFIX))
                                  if table == "documents" else [])


def _expected(table: str, column: str) -> str:
    dtype = SCHEMA[table].get(column, "string")
    return "category" if dtype == CATEGORY or isinstance(dtype, pd.CategoricalDtype) else \
        str(pd.Series([], dtype=dtype).dtype)


def conform(df: pd.DataFrame, table: str, columns: Optional[Sequence[str]] = None) -> pd.DataFrame:
    """`df` with exactly the schema's columns (or `columns`) in order and dtypes; absent
    columns are filled with missing values; `documents` keeps its meta_* columns (string)."""
    schema = SCHEMA[table]
    wanted = conform_columns(df, table, columns)
    unknown = [c for c in wanted if c not in schema and not (table == "documents" and c.startswith(META_PREFIX))]
    if unknown:
        raise KeyError(f"unknown {table} column(s) {unknown}; known: {list(schema)}")
    data = {}
    for c in wanted:
        col = df[c] if c in df.columns else pd.Series([None] * len(df), index=df.index, dtype=object)
        data[c] = _as_dtype(col, schema.get(c, "string"))
    return pd.DataFrame(data, index=pd.RangeIndex(len(df)))


def empty_frame(table: str, columns: Optional[Sequence[str]] = None) -> pd.DataFrame:
    return conform(pd.DataFrame(), table, columns)


def _select(tables: Optional[Iterable[str]], columns: Optional[Mapping[str, Sequence[str]]]) -> list[str]:
    chosen = list(tables) if tables is not None else (list(columns) if columns else list(TABLES))
    bad = [t for t in chosen if t not in TABLES]
    if bad:
        raise KeyError(f"unknown table(s) {bad}; known: {list(TABLES)}")
    for table, cols in (columns or {}).items():
        if table not in TABLES:
            raise KeyError(f"unknown table {table!r} in columns; known: {list(TABLES)}")
        unknown = [c for c in cols if c not in SCHEMA[table]
                   and not (table == "documents" and c.startswith(META_PREFIX))]
        if unknown:
            raise KeyError(f"unknown {table} column(s) {unknown}; known: {list(SCHEMA[table])}")
    return [t for t in TABLES if t in chosen]


def _concat(parts: list[Annotations], tables: list[str],
            columns: Optional[Mapping[str, Sequence[str]]]) -> Annotations:
    out = {}
    for t in tables:
        frames = [p.tables[t] for p in parts if len(p.tables[t])]
        cols = (columns or {}).get(t)
        if not frames:
            out[t] = parts[0].tables[t] if parts else empty_frame(t, cols)
            continue
        if len(frames) == 1:
            out[t] = frames[0].reset_index(drop=True)
            continue
        schema = SCHEMA[t]
        open_cats = [c for c in frames[0].columns if isinstance(schema.get(c), str) and schema[c] == CATEGORY]
        merged = pd.concat([f.drop(columns=open_cats) for f in frames], ignore_index=True)
        for c in open_cats:  # categoricals of open label sets: union of the chunks' categories
            merged[c] = union_categoricals([f[c] for f in frames], sort_categories=True)
        merged = merged[list(frames[0].columns) + [c for c in merged.columns if c not in frames[0].columns]]
        # only what concat could not keep (meta_* columns missing in some chunks) is re-typed
        wrong = [c for c in merged.columns if str(merged[c].dtype) != str(_expected(t, c))]
        if wrong or list(merged.columns) != list(conform_columns(merged, t, cols)):
            out[t] = conform(merged, t, cols if cols is not None else list(merged.columns))
        else:
            out[t] = merged
    return Annotations(out)


# ----------------------------------------------------------------------------- public API

def is_parquet_dir(path: PathLike) -> bool:
    return (Path(path) / MANIFEST).is_file()


def iter_read(paths: Paths, chunk_size: int = 100, tables: Optional[Iterable[str]] = None,
              columns: Optional[Mapping[str, Sequence[str]]] = None) -> Iterator[Annotations]:
    """One `Annotations` per chunk of `chunk_size` documents (per part for Parquet), for
    dumps that do not fit in memory. `tables` and `columns` ({table: [columns]}) as in `read`."""
    for _, part in _iter_chunks(paths, chunk_size, _select(tables, columns), dict(columns or {})):
        yield part


def _iter_chunks(paths: Paths, chunk_size: int, chosen: list[str],
                 cols: Mapping[str, Sequence[str]]) -> Iterator[tuple[int, Annotations]]:
    """(number of documents, tables) per chunk."""
    items = [paths] if isinstance(paths, (str, Path)) else list(paths)
    for item in items:
        if is_parquet_dir(item):
            yield from _iter_parquet(Path(item), chosen, cols)
            continue
        chunk: list[dict] = []
        for doc in iter_documents(item):
            chunk.append(doc)
            if len(chunk) >= chunk_size:
                yield len(chunk), _build(chunk, chosen, cols)
                chunk = []
        if chunk:
            yield len(chunk), _build(chunk, chosen, cols)


def _build(docs: list[dict], tables: list[str], columns: Mapping[str, Sequence[str]]) -> Annotations:
    """The tables of a chunk; a document whose fields have the wrong types is left out with a
    warning naming its file and line, the others are kept."""
    try:
        raw = _chunk_tables(docs, tables)
        return Annotations({t: conform(raw[t], t, columns.get(t)) for t in tables})
    except (ValueError, TypeError, KeyError, AttributeError):
        if len(docs) == 1:
            raise
    good = []
    for doc in docs:
        try:
            _build([doc], tables, columns)
            good.append(doc)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            warnings.warn(f"{doc.get('_where', doc.get('id'))}: document {doc.get('id')}: "
                          f"fields of the wrong type ({type(exc).__name__}: {exc}); skipped", stacklevel=4)
    if not good:
        return Annotations({t: empty_frame(t, columns.get(t)) for t in tables})
    return _build(good, tables, columns)


def read(paths: Paths, tables: Optional[Iterable[str]] = None,
         columns: Optional[Mapping[str, Sequence[str]]] = None, chunk_size: int = 100) -> Annotations:
    """Warta JSONL/JSONL.gz file(s), directories of them, or a Parquet directory written by
    `export`, as DataFrames (see `SCHEMA`). `tables` limits which tables are built,
    `columns` which columns ({"tokens": ["doc_id", "text", "pos"]}); documents are parsed
    `chunk_size` at a time, so memory holds the frames plus one chunk of JSON."""
    chosen = _select(tables, columns)
    parts = list(iter_read(paths, chunk_size, chosen, columns))
    if not parts:
        return Annotations({t: empty_frame(t, (columns or {}).get(t)) for t in chosen})
    return _concat(parts, chosen, columns)


# ----------------------------------------------------------------------------- Parquet

def _part_name(k: int) -> str:
    return f"part-{k:05d}.parquet"


def export(paths: Paths, out_dir: PathLike, part_size: int = 10_000,
           tables: Optional[Iterable[str]] = None, chunk_size: int = 100) -> dict[str, Any]:
    """Write the tables of Warta JSONL file(s) as Parquet under `out_dir`: one folder per
    table, one `part-NNNNN.parquet` per `part_size` documents (the same documents in every
    table's part k), and a manifest `warta-frames.json`. Returns the manifest."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    chosen = _select(tables, None)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for t in chosen:
        if (out / t).is_dir():
            for old in (out / t).glob("part-*.parquet"):
                old.unlink()
        (out / t).mkdir(exist_ok=True)
    rows = {t: 0 for t in chosen}
    n_parts = n_docs = 0
    pending: list[Annotations] = []
    pending_docs = 0
    part_docs: list[int] = []

    def flush() -> None:
        nonlocal n_parts, pending, pending_docs
        if not pending:
            return
        part = _concat(pending, chosen, None)
        for t in chosen:
            table = pa.Table.from_pandas(part.tables[t], preserve_index=False)
            pq.write_table(table, out / t / _part_name(n_parts), compression="zstd")
            rows[t] += len(part.tables[t])
        n_parts += 1
        part_docs.append(pending_docs)
        pending, pending_docs = [], 0

    for count, chunk in _iter_chunks(paths, min(chunk_size, part_size), chosen, {}):
        pending.append(chunk)
        pending_docs += count
        n_docs += count
        if pending_docs >= part_size:
            flush()
    flush()
    manifest = {"format": "warta-frames", "version": FORMAT_VERSION, "tables": chosen,
                "documents": n_docs, "parts": n_parts, "part_documents": part_docs, "rows": rows}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


def _iter_parquet(root: Path, tables: list[str], columns: Mapping[str, Sequence[str]]) -> Iterator[Annotations]:
    manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    if manifest.get("format") != "warta-frames":
        raise FramesError(f"{root / MANIFEST}: not a Warta Parquet export")
    missing = [t for t in tables if t not in manifest["tables"]]
    if missing:
        raise FramesError(f"{root}: table(s) {missing} were not exported")
    for k in range(manifest["parts"]):
        part = {}
        for t in tables:
            cols = columns.get(t)
            df = pd.read_parquet(root / t / _part_name(k), columns=list(cols) if cols else None)
            part[t] = conform(df, t, cols)
        yield manifest.get("part_documents", [0] * manifest["parts"])[k], Annotations(part)

