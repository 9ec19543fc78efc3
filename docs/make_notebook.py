"""Writes docs/notebook.ipynb (cells below, no outputs). Run: python docs/make_notebook.py"""
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

cells = [
    new_markdown_cell("""# Warta in a notebook

Annotate the five seed articles, read the output as DataFrames, pivot and chart the entities,
look at one document with displaCy, and score the run against the seeds gold.
(`tests/test_notebook.py` executes this notebook in CI.)"""),
    new_code_cell("""from pathlib import Path

import pandas as pd

import pipeline
from pipeline.batch import annotate_files
from pipeline.frames import read
from pipeline.show import find_document, show

# the repository root, whether the kernel starts in docs/ or at the root
ROOT = next(p for p in (Path.cwd(), *Path.cwd().parents) if (p / "seeds").is_dir())
OUT = ROOT / "out" / "notebook"
OUT.mkdir(parents=True, exist_ok=True)"""),
    new_markdown_cell("## 1. Annotate the seeds (the same code path as `warta annotate seeds/ -o ...`)"),
    new_code_cell("""nlp = pipeline.load()
summary = annotate_files([ROOT / "seeds"], OUT / "seeds.jsonl", nlp, progress=False)
summary"""),
    new_markdown_cell("""## 2. Read the frames

`read` gives six DataFrames with fixed columns and dtypes; every table has `doc_id`,
entities are keyed by (`doc_id`, `entity_id`)."""),
    new_code_cell("""ann = read(OUT / "seeds.jsonl")
ann"""),
    new_code_cell("""ann.documents[["doc_id", "title", "date", "publisher", "n_tokens", "n_entities", "n_relations"]]"""),
    new_code_cell("""ann.entities.head()"""),
    new_code_cell("""ann.relations[["doc_id", "label", "head_text", "tail_text", "rule"]].head(8)"""),
    new_markdown_cell("## 3. A pivot: entity mentions per document and label"),
    new_code_cell("""pivot = ann.entities.merge(ann.documents[["doc_id", "publisher"]], on="doc_id").pivot_table(
    index="publisher", columns="label", values="entity_id", aggfunc="count", observed=True, fill_value=0)
pivot"""),
    new_markdown_cell("Who holds which office (`jabatan`), over all documents:"),
    new_code_cell("""offices = (ann.relations[ann.relations["label"] == "jabatan"]
           .groupby(["head_text", "tail_text"]).size().sort_values(ascending=False).rename("mentions"))
offices.head(10)"""),
    new_markdown_cell("## 4. A chart"),
    new_code_cell("""%matplotlib inline
ax = pivot.plot.barh(stacked=True, figsize=(8, 3.5), title="Entity mentions per publisher")
ax.set_xlabel("mentions");"""),
    new_markdown_cell("## 5. One document, with displaCy (QUOTEs as their own span layer)"),
    new_code_cell("""doc = find_document(OUT / "seeds.jsonl", "002_f1bf446077a8f2d3")
show(doc)"""),
    new_markdown_cell("""## 6. Evaluate against the seeds gold

Cleaning and relations gold for the five seeds (`tests/gold/seeds.gold.jsonl`), labeled by hand."""),
    new_code_cell("""from pipeline.evaluate import evaluate_frames

scores, per_label, errors = evaluate_frames(ROOT / "tests" / "gold" / "seeds.gold.jsonl",
                                            OUT / "seeds.jsonl", ["all"], bootstrap_n=200)
scores"""),
    new_code_cell("""per_label[per_label["scheme"] == "fact"]"""),
    new_code_cell("""errors"""),
    new_markdown_cell("""For dumps that do not fit in memory: `iter_read(path, chunk_size=500, columns=...)`
yields one set of frames per chunk; `warta export OUT.jsonl --parquet DIR` writes the tables
as Parquet, and `read(DIR)` reads them back."""),
]

nb = new_notebook(cells=cells, metadata={
    "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
    "language_info": {"name": "python"}})
nbformat.write(nb, Path(__file__).with_name("notebook.ipynb"))
