"""HTML pages -> block lines plus page hints, for the line cleaner.

Uses the standard library's HTML parser: nothing is fetched or executed; the contents
of script, style, form, iframe and similar elements are dropped. Each block element
(p, h1-h6, li, figcaption, blockquote, td, div with direct text, ...) becomes one line.
For every line the hints keep its tag, the class/id words of it and its ancestors, and
its link density (linked characters / all characters).
"""
from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

BLOCK_TAGS = {
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "figcaption", "blockquote", "td", "th",
    "div", "section", "article", "header", "footer", "nav", "aside", "ul", "ol", "table", "tr",
    "figure", "main", "dd", "dt", "pre", "address", "time", "br", "hr", "title", "caption",
}
DROP_TAGS = {"script", "style", "noscript", "form", "iframe", "svg", "button", "select",
             "template", "object", "embed", "input", "textarea", "canvas", "video", "audio", "head"}
VOID_TAGS = {"br", "hr", "img", "meta", "link", "input", "source", "wbr", "area", "base", "col"}
SPLIT_RE = re.compile(r"[\s_\-]+")


class _BlockParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, list[str]]] = []
        self.drop_depth = 0
        self.buf: list[str] = []
        self.link_chars = 0
        self.blocks: list[dict[str, Any]] = []
        self.in_link = 0
        self.title_text: list[str] = []
        self.in_title = False
        self.block_tag = "body"
        self.last_end = ""

    def _words(self) -> list[str]:
        words: list[str] = []
        for tag, attrs in self.stack:
            words.append(tag)
            words.extend(attrs)
        return words

    def flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self.buf)).strip()
        if text:
            self.blocks.append({
                "text": text,
                "tag": self.block_tag,
                "words": self._words(),
                "link_density": round(min(1.0, self.link_chars / max(len(text), 1)), 3),
            })
        self.buf, self.link_chars = [], 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, Any]]) -> None:
        if tag in DROP_TAGS:
            if tag not in VOID_TAGS:
                self.drop_depth += 1
            return
        if self.drop_depth:
            return
        if tag == "title":
            self.in_title = True
            return
        if tag in BLOCK_TAGS:
            self.flush()
            self.block_tag = tag
        if tag in VOID_TAGS:
            return
        classes = []
        for name, value in attrs:
            if name in ("class", "id", "role", "itemprop") and value:
                value = value.lower()
                classes.append(value)
                classes.extend(w for w in SPLIT_RE.split(value) if w)
        self.stack.append((tag, classes))
        if tag == "a":
            if self.last_end == "a" and self.buf and not self.buf[-1][-1:].isspace():
                self.buf.append(" ")  # adjacent links: TwitterFacebook -> Twitter Facebook
            self.in_link += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in DROP_TAGS and tag not in VOID_TAGS:
            self.drop_depth = max(0, self.drop_depth - 1)
            return
        if self.drop_depth:
            return
        if tag == "title":
            self.in_title = False
            return
        if tag in BLOCK_TAGS:
            self.flush()
        for k in range(len(self.stack) - 1, -1, -1):
            if self.stack[k][0] == tag:
                del self.stack[k:]
                break
        if tag == "a":
            self.in_link = max(0, self.in_link - 1)
        self.last_end = tag
        self.block_tag = self.stack[-1][0] if self.stack else "body"

    def handle_data(self, data: str) -> None:
        if self.drop_depth:
            return
        if self.in_title:
            self.title_text.append(data)
            return
        if data.strip():
            self.last_end = ""
        self.buf.append(data)
        if self.in_link:
            self.link_chars += len(data.strip())


def html_to_lines(html: str) -> tuple[str, list[dict[str, Any]]]:
    """Block lines joined by newlines, and one hints dict per line."""
    parser = _BlockParser()
    parser.feed(html)
    parser.close()
    parser.flush()
    lines = [b["text"] for b in parser.blocks]
    hints = [{k: b[k] for k in ("tag", "words", "link_density")} for b in parser.blocks]
    if parser.title_text and hints:
        hints[0]["page_title"] = re.sub(r"\s+", " ", "".join(parser.title_text)).strip()
    return "\n".join(lines), hints
