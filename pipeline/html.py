"""HTML pages -> block lines plus per-line DOM hints, for the line cleaner.

The page is parsed by lexbor (through `selectolax`), an HTML5 parser that builds the tree the
way browsers do: `<head>` without `</head>`, `<embed>`, unclosed `<form>` and misnested tags
are handled by the HTML5 tree-construction rules, not by hand-kept tag lists. Nothing is fetched
or executed. Lines follow the convention of the labeled full-page sets: the contents of
head, script, style, noscript, template, iframe, svg, object, embed, canvas and select are
dropped, and every block element (p, div, li, h1-h6, td, form, ...) and every `<br>` breaks a
line; whitespace runs become one space.

Work per page is bounded: a pre-scan of the tags refuses pages whose tag count or nesting depth
is beyond `max_tags` / `max_depth` (raising `HTMLTooComplex`) before the parser sees them, so
hostile pages (100k nested `<div>`, 100k stray tags) fail fast and in small memory.

For every line the hints keep its block tag, the tags and class/id words of its ancestors, its
link density, depth, and the ids of its ancestor elements; `hints[0]` also carries the page
`<title>` (`page_title`) and the head metadata (`page_meta`, see `html_metadata`).
"""
from __future__ import annotations

import re
from typing import Any, Optional

SKIP_TAGS = frozenset({"head", "script", "style", "noscript", "template", "iframe", "svg",
                       "object", "embed", "canvas", "select"})
BLOCK_TAGS = frozenset("""address article aside blockquote body caption center dd details dialog
dir div dl dt fieldset figcaption figure footer form frameset h1 h2 h3 h4 h5 h6 header
hgroup hr html legend li main menu nav ol p pre section summary table tbody thead tfoot
tr td th ul title""".split())
VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                       "param", "source", "track", "wbr", "keygen", "command", "basefont", "frame"})
# end tag optional (HTML5 8.1.2.4): the pre-scan does not count them as nesting
OPTIONAL_END = frozenset({"p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "rb", "rt",
                          "rp", "rtc", "thead", "tbody", "tfoot", "colgroup", "caption", "html",
                          "head", "body"})
ATTR_WORDS = ("class", "id", "role", "itemprop")
SPLIT_RE = re.compile(r"[\s_\-]+")
WS_RE = re.compile(r"[\s\u00a0]+")
TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)[^>]*>")
RAW_TEXT = ("script", "style", "textarea", "xmp")
MAX_DEPTH = 512
MAX_TAGS = 200_000


class HTMLTooComplex(ValueError):
    """A page whose tag count or nesting depth is beyond the limits (hostile or broken HTML)."""


def check_complexity(html: str, max_depth: int = MAX_DEPTH, max_tags: int = MAX_TAGS) -> tuple[int, int]:
    """(tags, max nesting depth) from a linear scan of the tags, approximating the HTML5 rules
    (void and optional-end tags do not nest, an end tag closes up to its open element);
    raises `HTMLTooComplex` past a limit. Script/style contents are skipped."""
    stack: list[str] = []
    tags = depth = 0
    pos = 0
    lower = None
    while True:
        m = TAG_RE.search(html, pos)
        if m is None:
            break
        pos = m.end()
        tags += 1
        if tags > max_tags:
            raise HTMLTooComplex(f"more than {max_tags} tags")
        closing, name = m.group(1), m.group(2).lower()
        self_closing = html[m.end() - 2] == "/"
        if closing:
            # close the nearest open element of that name (looking back a bounded distance)
            for k in range(len(stack) - 1, max(-1, len(stack) - 64), -1):
                if stack[k] == name:
                    del stack[k:]
                    break
            continue
        if name in RAW_TEXT:
            if lower is None:
                lower = html.lower()
            end = lower.find(f"</{name}", pos)
            pos = len(html) if end < 0 else end
            continue
        if name in VOID_TAGS or name in OPTIONAL_END or self_closing:
            continue
        stack.append(name)
        if len(stack) > depth:
            depth = len(stack)
            if depth > max_depth:
                raise HTMLTooComplex(f"elements nested deeper than {max_depth}")
    return tags, depth


def _attr_words(attrs: dict[str, Optional[str]]) -> list[str]:
    words: list[str] = []
    for name in ATTR_WORDS:
        value = attrs.get(name)
        if value:
            value = value.lower()
            words.append(value)
            words.extend(w for w in SPLIT_RE.split(value) if w)
    return words


def parse_blocks(html: str, max_depth: int = MAX_DEPTH,
                 max_tags: int = MAX_TAGS) -> tuple[list[dict[str, Any]], str]:
    """Block lines of a page with their DOM hints, and the page `<title>`."""
    from selectolax.lexbor import LexborHTMLParser

    check_complexity(html, max_depth, max_tags)
    return tree_blocks(LexborHTMLParser(html), max_depth)


def tree_blocks(tree: Any, max_depth: int = MAX_DEPTH) -> tuple[list[dict[str, Any]], str]:
    """`parse_blocks` on a parsed selectolax tree."""
    title_node = tree.css_first("title")
    page_title = WS_RE.sub(" ", title_node.text()).strip() if title_node is not None else ""
    root = tree.root
    blocks: list[dict[str, Any]] = []
    if root is None:
        return blocks, page_title
    # open elements: (tag, words, element id)
    open_els: list[tuple[str, list[str], int]] = []
    buf: list[str] = []
    state = {"link": 0, "first": None, "tags": 0}
    next_id = [0]

    def flush() -> None:
        text = WS_RE.sub(" ", "".join(buf)).strip()
        if text:
            ctx = state["first"] or (open_els[:], 0)
            els, _ = ctx
            block_tag = next((t for t, _, _ in reversed(els) if t in BLOCK_TAGS or t == "br"), "body")
            words: list[str] = []
            for tag, attr_words, _ in els:
                words.append(tag)
                words.extend(attr_words)
            blocks.append({
                "text": text,
                "tag": block_tag,
                "words": words,
                "path": [t for t, _, _ in els],
                "anc": [i for _, _, i in els],
                "depth": len(els),
                "link_density": round(min(1.0, state["link"] / max(len(text), 1)), 3),
                "tags": state["tags"],
            })
        buf.clear()
        state["link"], state["first"], state["tags"] = 0, None, 0

    in_link = 0
    # iterative walk: (node, entering)
    stack: list[tuple[Any, bool]] = [(root, True)]
    while stack:
        node, entering = stack.pop()
        tag = node.tag
        if tag == "-text":
            if entering:
                data = node.text_content or ""
                if data:
                    if state["first"] is None and data.strip():
                        state["first"] = (open_els[:], 0)
                    buf.append(data)
                    if in_link:
                        state["link"] += len(WS_RE.sub(" ", data).strip())
            continue
        if tag is None or tag.startswith("-") or tag.startswith("#"):
            continue  # comments, doctype
        if tag in SKIP_TAGS:
            continue
        if entering:
            if tag in BLOCK_TAGS or tag == "br":
                flush()
            if tag == "br":
                continue
            if len(open_els) >= max_depth:
                raise HTMLTooComplex(f"elements nested deeper than {max_depth}")
            next_id[0] += 1
            open_els.append((tag, _attr_words(node.attributes), next_id[0]))
            state["tags"] += 1
            if tag == "a":
                in_link += 1
            stack.append((node, False))
            child = node.last_child  # pushed last to first: popped in document order
            while child is not None:
                stack.append((child, True))
                child = child.prev
        else:
            if tag in BLOCK_TAGS:
                flush()
            if tag == "a":
                in_link -= 1
            if open_els:
                open_els.pop()
    flush()
    return blocks, page_title


# what trafilatura's metadata extractor reads besides the head: head elements the HTML5 parser
# moved into the body, JSON-LD, <time>, microdata, the headline, and elements whose class/rel
# names an author or a date
META_HEAD_SELECTOR = "meta, link, title"
META_BODY_SELECTOR = ('script[type="application/ld+json"], time, [itemprop], h1, '
                      '[rel="author"], [class*="author"], [class*="byline"], [class*="date"], '
                      '[class*="time"], [class*="meta"], [class*="publish"]')
META_BODY_MAX = 200  # body elements carried at most


def metadata_source(tree: Any) -> str:
    """A small HTML document holding what the metadata extractor needs from a parsed page
    (selectolax tree): the `<head>` (with the head elements the parser moved into the body)
    and the body's JSON-LD, `<time>`, microdata, `<h1>` and author/date elements, instead of
    the whole page (the extractor then parses kilobytes, not the page)."""
    head = [tree.head.html[len("<head>"):-len("</head>")]] if tree.head is not None and tree.head.html else []
    parts: list[str] = []
    if tree.body is not None:
        head.extend(node.html or "" for node in tree.body.css(META_HEAD_SELECTOR))
        seen: set[int] = set()
        for node in tree.body.css(META_BODY_SELECTOR):
            if len(parts) >= META_BODY_MAX:
                break
            # an element inside one already carried is carried with it
            parent, inside = node.parent, False
            while parent is not None:
                if parent.mem_id in seen:
                    inside = True
                    break
                parent = parent.parent
            if not inside:
                seen.add(node.mem_id)
                parts.append(node.html or "")
    return f"<html><head>{''.join(head)}</head><body>{''.join(parts)}</body></html>"


def html_metadata(html: Any) -> dict[str, Any]:
    """Title, publication date (ISO), author and site name from the page head: `<meta>` tags
    (Open Graph, Dublin Core, `article:published_time`, ...), JSON-LD and `<time>` elements, by
    trafilatura's metadata extractor (dates through htmldate). `html`: the page, or its parsed
    selectolax tree (then only `metadata_source` is handed on). Missing values are left out."""
    try:
        from trafilatura.metadata import extract_metadata
    except ImportError:  # optional dependency
        return {}
    try:
        if not isinstance(html, str):
            html = metadata_source(html)
        found = extract_metadata(html)
    except Exception:  # a page trafilatura cannot read still gets its lines
        return {}
    if found is None:
        return {}
    out: dict[str, Any] = {}
    for key, value in (("title", found.title), ("date", found.date), ("author", found.author),
                       ("site_name", found.sitename), ("url", found.url)):
        if value:
            out[key] = value
    return out


def html_to_lines(html: str, max_depth: int = MAX_DEPTH, max_tags: int = MAX_TAGS,
                  metadata: bool = True) -> tuple[str, list[dict[str, Any]]]:
    """Block lines joined by newlines, and one hints dict per line (see the module doc).
    Raises `HTMLTooComplex` for pages beyond the limits."""
    from selectolax.lexbor import LexborHTMLParser

    check_complexity(html, max_depth, max_tags)
    tree = LexborHTMLParser(html)  # one parse serves the lines and the head metadata
    blocks, page_title = tree_blocks(tree, max_depth)
    lines = [b.pop("text") for b in blocks]
    hints = blocks
    if hints:
        hints[0]["page_title"] = page_title
        hints[0]["visible_chars"] = sum(len(t) for t in lines)
        if metadata:
            hints[0]["page_meta"] = html_metadata(tree)
    return "\n".join(lines), hints
