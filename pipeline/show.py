"""One annotated document as a self-contained HTML page (displaCy).

The page has the document's metadata, its entities (displaCy "ent" style; QUOTE spans are a
layer of their own, drawn with displaCy's "span" style over the paragraphs that contain them,
so the speaker and the entities inside a quote stay visible), the relations as a table whose
head and tail link to the entity marks, and the dropped boilerplate in a collapsible section.

Everything taken from the document is HTML-escaped; the page has no script, loads nothing
(a Content-Security-Policy forbids it) and works offline. `warta show` calls `write_page`;
in a notebook `show(doc)` displays the same view inline.
"""
from __future__ import annotations

import sys
import types
from bisect import bisect_left
from html import escape
from pathlib import Path
from typing import Any, Iterable, Optional, Union

from .frames import Paths, iter_documents

COLORS = {
    "PER": "#aa9cfc", "ORG": "#7aecec", "LOC": "#ff9561", "DATE": "#bfe1d9", "TIME": "#e4e7d2",
    "TITLE": "#feca74", "QUOTE": "#f0a3c4",
}
DEFAULT_COLOR = "#dddddd"

# displaCy's entity template with an anchor (for the relation links) and a tooltip
_ENT_TEMPLATE = (
    '<mark class="entity" id="{anchor}" data-label="{label}" title="{tip}" style="background: {bg}; '
    'padding: 0.45em 0.6em; margin: 0 0.25em; line-height: 1; border-radius: 0.35em;">{text}'
    '<span style="font-size: 0.8em; font-weight: bold; line-height: 1; border-radius: 0.35em; '
    'vertical-align: middle; margin-left: 0.5rem">{label}</span></mark>'
)

CSS = """
.warta-doc { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222;
  max-width: 70rem; margin: 0 auto; padding: 1rem; }
.warta-doc h1 { font-size: 1.5rem; margin: 0 0 .5rem; }
.warta-doc h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; border-bottom: 1px solid #ddd; }
.warta-doc table { border-collapse: collapse; font-size: .9rem; margin: .5rem 0; }
.warta-doc th, .warta-doc td { border: 1px solid #ddd; padding: .25rem .5rem; text-align: left;
  vertical-align: top; }
.warta-doc th { background: #f4f4f4; }
.warta-doc .meta th { width: 9rem; }
.warta-doc .legend span { display: inline-block; padding: .1rem .5rem; margin: 0 .3rem .3rem 0;
  border-radius: .3rem; font-size: .8rem; font-weight: bold; }
.warta-doc mark:target, .warta-doc .quote-block:target { outline: 3px solid #d33; }
.warta-doc .quote-block { margin: .5rem 0; padding: .25rem .5rem; border-left: 4px solid #f0a3c4; }
.warta-doc details { margin: .5rem 0; }
.warta-doc summary { cursor: pointer; font-weight: bold; }
.warta-doc .muted { color: #777; font-size: .85rem; }
"""

_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def find_document(paths: Paths, doc_id: str) -> dict[str, Any]:
    """The document with id `doc_id` in Warta JSONL file(s) (streamed; the first match)."""
    for doc in iter_documents(paths):
        if str(doc["id"]) == str(doc_id):
            return doc
    raise KeyError(f"no document with id {doc_id!r} in {paths}")


def _anchor(entity_id: str) -> str:
    return "ent-" + "".join(c if c.isalnum() or c in "-_" else "_" for c in str(entity_id))


def _e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def _displacy_render(parsed: dict, style: str, options: dict) -> str:
    from spacy import displacy

    return displacy.render(parsed, style=style, manual=True, jupyter=False, options=options)


def _layered(entities: list[dict], text_len: int) -> tuple[list[dict], list[dict], list[dict]]:
    """(entities without QUOTE, non-overlapping and in range; QUOTEs; entities left out)."""
    valid = [e for e in entities if isinstance(e.get("start"), int) and isinstance(e.get("end"), int)
             and 0 <= e["start"] < e["end"] <= text_len]
    quotes = sorted((e for e in valid if e.get("label") == "QUOTE"), key=lambda e: e["start"])
    flat, dropped, last_end = [], [e for e in entities if e not in valid], -1
    for e in sorted((e for e in valid if e.get("label") != "QUOTE"), key=lambda e: (e["start"], -e["end"])):
        if e["start"] >= last_end:
            flat.append(e)
            last_end = e["end"]
        else:
            dropped.append(e)
    return flat, quotes, dropped


def render_entities(doc: dict[str, Any]) -> str:
    """The text with its (non-QUOTE) entities marked, displaCy's ent style."""
    text = doc["text"]
    flat, _, _ = _layered(doc.get("entities") or [], len(text))
    ents = [{"start": e["start"], "end": e["end"], "label": _e(e.get("label")),
             "params": {"anchor": _anchor(e.get("id", "")),
                        "tip": _e(f"{e.get('id', '')} {e.get('label', '')} ({e.get('source', '')})")}}
            for e in flat]
    return _displacy_render({"text": text, "ents": ents, "title": None}, "ent",
                            {"colors": COLORS, "template": _ENT_TEMPLATE})


def render_quotes(doc: dict[str, Any]) -> str:
    """Each paragraph that holds a QUOTE, in displaCy's span style: the QUOTE spans and the
    entities of the paragraph as stacked layers."""
    text = doc["text"]
    tokens = [t for t in (doc.get("tokens") or []) if isinstance(t.get("start"), int)]
    entities = [e for e in (doc.get("entities") or []) if isinstance(e.get("start"), int)
                and isinstance(e.get("end"), int) and 0 <= e["start"] < e["end"] <= len(text)]
    quotes = [e for e in entities if e.get("label") == "QUOTE"]
    if not quotes or not tokens:
        return ""
    starts = [t["start"] for t in tokens]
    blocks = []
    seen: set[tuple[int, int]] = set()
    for q in sorted(quotes, key=lambda e: e["start"]):
        para_start = text.rfind("\n", 0, q["start"]) + 1
        para_end = text.find("\n", q["end"])
        para_end = len(text) if para_end < 0 else para_end
        if (para_start, para_end) in seen:
            continue
        seen.add((para_start, para_end))
        t0, t1 = bisect_left(starts, para_start), bisect_left(starts, para_end)
        spans = []
        inside = [e for e in entities if para_start <= e["start"] and e["end"] <= para_end]
        for e in inside:
            s, t = bisect_left(starts, e["start"]) - t0, bisect_left(starts, e["end"]) - t0
            if t > s:
                spans.append({"start_token": s, "end_token": t, "label": _e(e.get("label"))})
        words = [tokens[i]["text"] for i in range(t0, t1)]
        markup = _displacy_render({"text": text[para_start:para_end], "tokens": words, "spans": spans,
                                   "title": None}, "span", {"colors": COLORS})
        anchors = "".join(f'<a id="{_anchor(e.get("id", ""))}"></a>'
                          for e in inside if e.get("label") == "QUOTE")
        blocks.append(f'<div class="quote-block">{anchors}{markup}</div>')
    return "\n".join(blocks)


def _entity_link(entities: dict[str, dict], entity_id: Any) -> str:
    e = entities.get(str(entity_id))
    if e is None:
        return f'<span class="muted">{_e(entity_id)} (unknown)</span>'
    label = str(e.get("label", ""))
    bg = COLORS.get(label, DEFAULT_COLOR)
    text = str(e.get("text", ""))
    short = text if len(text) <= 80 else text[:77] + "..."
    return (f'<a href="#{_anchor(entity_id)}">{_e(short)}</a> '
            f'<span style="background:{bg};padding:0 .3rem;border-radius:.2rem;font-size:.75rem">{_e(label)}</span>')


def render_relations(doc: dict[str, Any]) -> str:
    relations = doc.get("relations") or []
    if not relations:
        return '<p class="muted">No relations.</p>'
    entities = {str(e.get("id")): e for e in doc.get("entities") or []}
    text = doc["text"]
    rows = []
    for r in relations:
        ev = r.get("evidence") or {}
        evidence = text[ev.get("start", 0):ev.get("end", 0)] if isinstance(ev.get("start"), int) else ""
        rows.append(f"<tr><td>{_e(r.get('label'))}</td><td>{_entity_link(entities, r.get('head'))}</td>"
                    f"<td>{_entity_link(entities, r.get('tail'))}</td><td>{_e(r.get('rule'))}</td>"
                    f"<td>{_e(evidence)}</td></tr>")
    return ("<table class=\"relations\"><tr><th>relation</th><th>head</th><th>tail</th><th>rule</th>"
            "<th>evidence</th></tr>" + "".join(rows) + "</table>")


def render_boilerplate(doc: dict[str, Any]) -> str:
    items = doc.get("boilerplate") or []
    rows = "".join(f"<tr><td>{_e(b.get('kind'))}</td><td>{_e(b.get('start'))}&ndash;{_e(b.get('end'))}</td>"
                   f"<td>{_e(b.get('text'))}</td></tr>" for b in items)
    return (f"<details class=\"boilerplate\"><summary>Dropped boilerplate ({len(items)} lines)</summary>"
            "<p class=\"muted\">Offsets are into the raw input.</p>"
            f"<table><tr><th>kind</th><th>offsets</th><th>text</th></tr>{rows}</table></details>")


def render(doc: dict[str, Any]) -> str:
    """The document view as an HTML fragment (scoped CSS, no script)."""
    meta = doc.get("meta") or {}
    pipe = doc.get("pipeline") or {}
    title = meta.get("title") or doc.get("id")
    fields = [("id", doc.get("id")), ("source", doc.get("source"))]
    fields += [(k, v) for k, v in meta.items() if k != "title" and v not in (None, "")]
    fields += [("model", pipe.get("model")), ("pipeline", pipe.get("version"))]
    meta_rows = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in fields)
    entities = doc.get("entities") or []
    flat, quotes, dropped = _layered(entities, len(doc["text"]))
    counts: dict[str, int] = {}
    for e in entities:
        counts[str(e.get("label"))] = counts.get(str(e.get("label")), 0) + 1
    legend = "".join(f'<span style="background:{COLORS.get(k, DEFAULT_COLOR)}">{_e(k)} {n}</span>'
                     for k, n in sorted(counts.items()))
    note = (f'<p class="muted">{len(dropped)} entities overlap others or fall outside the text and '
            "are not drawn.</p>" if dropped else "")
    quotes_html = render_quotes(doc)
    return (
        f"<style>{CSS}</style><div class=\"warta-doc\">"
        f"<h1>{_e(title)}</h1><table class=\"meta\">{meta_rows}</table>"
        f"<h2>Entities</h2><div class=\"legend\">{legend}</div>{note}{render_entities(doc)}"
        f"<h2>Quotes ({len(quotes)})</h2>"
        + (quotes_html or '<p class="muted">No quotes.</p>')
        + f"<h2>Relations ({len(doc.get('relations') or [])})</h2>{render_relations(doc)}"
        f"<h2>Boilerplate</h2>{render_boilerplate(doc)}</div>"
    )


def page(body: str, title: str) -> str:
    """A complete offline HTML page around `body` (no script, nothing loaded)."""
    return ("<!DOCTYPE html>\n<html lang=\"id\"><head><meta charset=\"utf-8\">"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{_CSP}\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{_e(title)}</title></head><body>{body}</body></html>\n")


def render_page(doc: dict[str, Any]) -> str:
    """The document view as a complete, self-contained HTML page."""
    meta = doc.get("meta") or {}
    return page(render(doc), f"Warta: {meta.get('title') or doc.get('id')}")


def write_page(paths: Paths, doc_id: str, out: Union[str, Path]) -> Path:
    """Find `doc_id` in Warta JSONL file(s) and write its page to `out`."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_page(find_document(paths, doc_id)), encoding="utf-8")
    return out


def _in_notebook() -> bool:
    """True inside a Jupyter kernel (IPython with a kernel attached)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


class DocumentView:
    """What `show` returns outside a notebook: the fragment, displayed by IPython if asked."""

    def __init__(self, html: str):
        self.html = html

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return f"<DocumentView: {len(self.html):,} characters of HTML>"


def show(doc: Union[dict[str, Any], Paths], doc_id: Optional[str] = None,
         jupyter: Optional[bool] = None) -> Optional[DocumentView]:
    """Display a document inline in a notebook (like displacy.render). `doc` is a Warta
    document dict, or file path(s) plus `doc_id`. Outside a notebook, returns the view."""
    if not isinstance(doc, dict):
        if doc_id is None:
            raise ValueError("show(path) needs doc_id")
        doc = find_document(doc, doc_id)
    view = DocumentView(render(doc))
    if jupyter is None:
        jupyter = _in_notebook()
    if jupyter:
        from IPython.display import display

        display(view)
        return None
    return view


def documents_by_id(docs: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Index documents by id (for notebooks: `by_id = documents_by_id(iter_documents(path))`)."""
    return {str(d["id"]): d for d in docs}


class _CallableModule(types.ModuleType):
    """Importing the submodule `pipeline.show` sets the package attribute `pipeline.show` to
    this module, which would hide a `show` function exported by the package; calling the
    module therefore calls `show`, so `pipeline.show(doc)` works either way."""

    def __call__(self, *args: Any, **kwargs: Any) -> Optional[DocumentView]:
        return show(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
