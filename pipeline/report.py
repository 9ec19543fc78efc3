"""A summary report of Warta output: tables and charts in one self-contained HTML page.

Counts per entity label, top entities per label, top relation facts (who holds which
office, who belongs to which body, who met whom, who attacked whom, who is quoted most),
boilerplate kinds dropped and documents per date. Charts are PNGs drawn by matplotlib
(Agg, no display needed) and embedded as data URIs, so the page works offline; every value
from the documents is HTML-escaped. `warta report` calls `write_report`; notebooks can call
`report_tables` for the same tables as DataFrames.
"""
from __future__ import annotations

import base64
import io
from html import escape
from pathlib import Path
from typing import Any, Optional, Union

import pandas as pd

from .frames import Annotations, Paths, read
from .show import page

#: Tables and columns the report needs (tokens are never read).
REPORT_COLUMNS = {
    "documents": ["doc_id", "date", "publisher", "n_tokens", "n_sentences", "n_entities",
                  "n_relations", "n_boilerplate"],
    "entities": ["doc_id", "label", "text"],
    "relations": ["doc_id", "label", "head_text", "head_label", "tail_text", "tail_label", "rule"],
    "boilerplate": ["doc_id", "kind"],
}
FACT_TITLES = {
    "jabatan": "Who holds which office (jabatan: PER -> TITLE)",
    "afiliasi": "Who belongs to which body or country (afiliasi: PER -> ORG/LOC)",
    "bertemu": "Who met whom (bertemu, either order)",
    "menyerang": "Who attacked whom (menyerang)",
    "pernyataan": "Who is quoted (pernyataan: speaker -> QUOTE)",
}


def _counts(df: pd.DataFrame, by: list[str], name: str = "mentions") -> pd.DataFrame:
    if df.empty:
        return pd.DataFrame(columns=by + [name, "documents"])
    g = df.groupby(by, observed=True, sort=False)
    out = pd.DataFrame({name: g.size(), "documents": g["doc_id"].nunique()}).reset_index()
    return out.sort_values([name, "documents"] + by, ascending=[False, False] + [True] * len(by),
                           kind="stable").reset_index(drop=True)


def top_facts(relations: pd.DataFrame, top: int = 10) -> dict[str, pd.DataFrame]:
    """Per relation label, its most frequent facts (head text, tail text); `bertemu` pairs
    in either order count as one; `pernyataan` counts quotes per speaker."""
    out: dict[str, pd.DataFrame] = {}
    if relations.empty:
        return out
    rel = relations.assign(label=relations["label"].astype(str),
                           head_text=relations["head_text"].astype(str),
                           tail_text=relations["tail_text"].astype(str))
    for label in sorted(rel["label"].unique()):
        sub = rel[rel["label"] == label]
        if label == "pernyataan":
            facts = _counts(sub.rename(columns={"head_text": "speaker"}), ["speaker"], "quotes")
        else:
            if label == "bertemu":
                a, b = sub["head_text"], sub["tail_text"]
                sub = sub.assign(head_text=a.where(a <= b, b), tail_text=b.where(a <= b, a))
            facts = _counts(sub.rename(columns={"head_text": "head", "tail_text": "tail"}),
                            ["head", "tail"], "mentions")
        out[label] = facts.head(top)
    return out


def report_tables(ann: Annotations, top: int = 10) -> dict[str, Any]:
    """The report's tables as DataFrames (and a dict of top-fact tables under "facts")."""
    docs, ents, rels, bp = ann.documents, ann.entities, ann.relations, ann.boilerplate
    dates = docs["date"].dropna()
    overview = pd.DataFrame({"value": {
        "documents": len(docs), "tokens": int(docs["n_tokens"].sum()),
        "sentences": int(docs["n_sentences"].sum()), "entities": len(ents),
        "relations": len(rels), "boilerplate lines dropped": len(bp),
        "documents with a date": len(dates),
        "first date": dates.min().date().isoformat() if len(dates) else "",
        "last date": dates.max().date().isoformat() if len(dates) else "",
    }})
    labels = _counts(ents, ["label"])
    labels["distinct texts"] = [ents.loc[ents["label"] == lab, "text"].nunique() for lab in labels["label"]]
    top_entities = {str(lab): _counts(ents[ents["label"] == lab], ["text"]).head(top)
                    for lab in labels["label"] if str(lab) != "QUOTE"}
    per_date = (docs.dropna(subset=["date"]).groupby(docs["date"].dt.date).size()
                .rename("documents").rename_axis("date").reset_index())
    return {
        "overview": overview,
        "entity_labels": labels,
        "top_entities": top_entities,
        "relation_labels": _counts(rels, ["label"]),
        "relation_rules": _counts(rels, ["label", "rule"]).head(3 * top),
        "facts": top_facts(rels, top),
        "boilerplate_kinds": _counts(bp, ["kind"], "lines"),
        "documents_per_date": per_date,
        "publishers": (docs["publisher"].fillna("(none)").value_counts().head(top)
                       .rename_axis("publisher").rename("documents").reset_index()),
    }


# ----------------------------------------------------------------------------- charts

def _plain(text: Any) -> str:
    """Text for a chart label: matplotlib would read $...$ as mathtext."""
    return str(text).replace("$", r"\$")


def _png(fig) -> str:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def bar_chart(labels: list[Any], values: list[float], title: str, horizontal: bool = False,
              color: str = "#4c78a8") -> str:
    """A bar chart as a base64 PNG."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.5, max(2.2, 0.32 * len(labels) + 1) if horizontal else 3.2))
    ax = fig.add_subplot()
    names = [_plain(x) for x in labels]
    if horizontal:
        ax.barh(names[::-1], values[::-1], color=color)
    else:
        ax.bar(names, values, color=color)
        ax.tick_params(axis="x", labelrotation=45 if len(labels) > 6 else 0)
    ax.set_title(_plain(title), fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def date_chart(per_date: pd.DataFrame) -> str:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 3))
    ax = fig.add_subplot()
    dates = pd.to_datetime(per_date["date"])
    ax.bar(dates, per_date["documents"], width=0.9, color="#54a24b")
    ax.set_title("Documents per date", fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    fig.autofmt_xdate()
    return _png(fig)


# ----------------------------------------------------------------------------- HTML

def _table(df: pd.DataFrame, index: bool = False) -> str:
    if df is None or len(df) == 0:
        return '<p class="muted">None.</p>'
    return df.to_html(index=index, escape=True, border=0, na_rep="", classes="data")


def _img(png: str, alt: str) -> str:
    return f'<img alt="{escape(alt)}" src="data:image/png;base64,{png}">'


REPORT_CSS = """
.warta-report { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222;
  max-width: 72rem; margin: 0 auto; padding: 1rem; }
.warta-report h1 { font-size: 1.5rem; }
.warta-report h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
.warta-report h3 { font-size: 1rem; margin: 1rem 0 .3rem; }
.warta-report table { border-collapse: collapse; font-size: .88rem; margin: .3rem 0 1rem; }
.warta-report th, .warta-report td { border: 1px solid #ddd; padding: .2rem .5rem; text-align: left; }
.warta-report th { background: #f4f4f4; }
.warta-report .grid { display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: flex-start; }
.warta-report img { max-width: 100%; }
.warta-report .muted { color: #777; font-size: .85rem; }
"""


def render_report(ann: Annotations, top: int = 10, title: str = "Warta report") -> str:
    """The report as a complete, self-contained HTML page."""
    t = report_tables(ann, top)
    parts = [f"<style>{REPORT_CSS}</style><div class=\"warta-report\"><h1>{escape(title)}</h1>",
             "<div class=\"grid\">", _table(t["overview"], index=True), _table(t["publishers"]), "</div>"]
    labels = t["entity_labels"]
    parts.append("<h2>Entities per label</h2><div class=\"grid\">" + _table(labels))
    if len(labels):
        parts.append(_img(bar_chart(labels["label"].astype(str).tolist(), labels["mentions"].tolist(),
                                    "Entity mentions per label"), "entity mentions per label"))
    parts.append("</div><h2>Top entities per label</h2><div class=\"grid\">")
    for lab, df in t["top_entities"].items():
        parts.append(f"<div><h3>{escape(lab)}</h3>{_table(df)}</div>")
    parts.append("</div>")
    person = t["top_entities"].get("PER")
    if person is not None and len(person):
        parts.append(_img(bar_chart(person["text"].tolist(), person["mentions"].tolist(),
                                    "Most mentioned persons", horizontal=True, color="#8e6bbf"),
                          "most mentioned persons"))
    rl = t["relation_labels"]
    parts.append("<h2>Relations</h2><div class=\"grid\">" + _table(rl))
    if len(rl):
        parts.append(_img(bar_chart(rl["label"].astype(str).tolist(), rl["mentions"].tolist(),
                                    "Relations per label", color="#e45756"), "relations per label"))
    parts.append(_table(t["relation_rules"]) + "</div><h2>Top relation facts</h2><div class=\"grid\">")
    for label, df in t["facts"].items():
        parts.append(f"<div><h3>{escape(FACT_TITLES.get(label, label))}</h3>{_table(df)}</div>")
    if not t["facts"]:
        parts.append('<p class="muted">No relations.</p>')
    bk = t["boilerplate_kinds"]
    parts.append("</div><h2>Boilerplate dropped</h2><div class=\"grid\">" + _table(bk))
    if len(bk):
        parts.append(_img(bar_chart(bk["kind"].astype(str).tolist(), bk["lines"].tolist(),
                                    "Boilerplate lines per kind", color="#f58518"), "boilerplate kinds"))
    pd_ = t["documents_per_date"]
    parts.append("</div><h2>Documents per date</h2>")
    if len(pd_):
        parts.append(_img(date_chart(pd_), "documents per date"))
        parts.append("<details><summary>table</summary>" + _table(pd_) + "</details>")
    else:
        parts.append('<p class="muted">No document has a date.</p>')
    parts.append("</div>")
    return page("".join(parts), title)


def write_report(paths: Union[Paths, Annotations], out: Union[str, Path], top: int = 10,
                 title: Optional[str] = None) -> Path:
    """Read Warta output (only the columns the report needs) and write the report page."""
    ann = paths if isinstance(paths, Annotations) else read(paths, columns=REPORT_COLUMNS)
    if title is None:
        name = ", ".join(Path(p).name for p in ([paths] if isinstance(paths, (str, Path)) else
                                                 [] if isinstance(paths, Annotations) else paths))
        title = f"Warta report: {name}" if name else "Warta report"
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_report(ann, top, title), encoding="utf-8")
    return out
