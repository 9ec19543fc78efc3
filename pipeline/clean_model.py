"""The cleaner's trained line classifier: a linear-chain CRF (python-crfsuite) over the
features of `clean_features`, one label per line: `title`, `content` or a boilerplate kind.

`LineModel.label(lines, options, hints)` writes `label`, `kind`, `reason` and `confidence`
(the CRF's marginal probability of the chosen label) on each line. A page has at most one
`title`: of the lines the model called title and those just above the body, the one whose title
probability plus the share of its words found again in the body's first sentences is highest
(not a caption with a bracketed photo credit); other lines it called title become
`repeated_title` when they repeat it, else their next-best label.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

from .document import Line

KEEP = ("title", "content")
FULL_PAGE_LINES = 60  # longer pages are full pages (menus, lists, footers)
TITLE_FALLBACK_MIN = 0.05  # a line the model did not call title can be the title from this probability


@lru_cache(maxsize=4)
def load_model(path: str) -> "LineModel":
    return LineModel(path)


class LineModel:
    """A trained CRF model file (`models/cleaner/cleaner.crfsuite`)."""

    def __init__(self, path: str) -> None:
        import pycrfsuite

        if not Path(path).exists():
            raise FileNotFoundError(f"cleaner model not found: {path}")
        self.path = path
        self.tagger = pycrfsuite.Tagger()
        self.tagger.open(path)
        self.labels = list(self.tagger.labels())

    def marginals(self, features: list[dict[str, float]]) -> tuple[list[str], list[dict[str, float]]]:
        """Viterbi labels and per-line marginals: of every label where the Viterbi label is
        `title` (`decide` may need the next best), else of that label and of `title` only."""
        import pycrfsuite

        tagger = self.tagger
        tagger.set(pycrfsuite.ItemSequence(features))
        best = tagger.tag()
        has_title = "title" in self.labels
        marg = []
        for i, y in enumerate(best):
            if y == "title":
                marg.append({k: tagger.marginal(k, i) for k in self.labels})
            else:
                m = {y: tagger.marginal(y, i)}
                if has_title:
                    m["title"] = tagger.marginal("title", i)
                marg.append(m)
        return best, marg

    def label(self, lines: list[Line], options: Any,
              hints: Optional[list[dict[str, Any]]] = None) -> None:
        """Label the lines in place."""
        from .clean_features import page_features

        if not lines:
            return
        best, marg = self.marginals(page_features(lines, options, hints))
        decide(lines, best, marg)
        refine_kinds(lines, options, hints)
        if not any(ln.label in KEEP for ln in lines):
            rules_when_nothing_kept(lines, options, hints)


def rules_when_nothing_kept(lines: list[Line], options: Any, hints: Optional[list[dict[str, Any]]]) -> None:
    """A page where the model keeps nothing (tiny or unusual pages, unlike its training pages)
    gets the rule classifier's verdict when that keeps something: nothing is silently lost."""
    from .clean_rules import classify_lines

    copies = [Line(ln.n, ln.start, ln.end, ln.text) for ln in lines]
    classify_lines(copies, options, hints)
    if any(c.label in KEEP for c in copies):
        for ln, c in zip(lines, copies):
            ln.label, ln.kind, ln.reason, ln.confidence = c.label, c.kind, f"rules ({c.reason})", None


def refine_kinds(lines: list[Line], options: Any, hints: Optional[list[dict[str, Any]]]) -> None:
    """Where the model drops a line but is unsure of its kind (or says `other`), a kind named by
    the cue lexicon or by the HTML tag/class words is taken instead. Keep/drop is unchanged."""
    from .clean_rules import cue_kind, html_kind

    for ln in lines:
        if ln.label != "boilerplate" or (ln.kind != "other" and (ln.confidence or 0.0) >= 0.6):
            continue
        hint = hints[ln.n] if hints and ln.n < len(hints) else None
        kind = cue_kind(ln.text, options) or html_kind(hint, ln.text, options)
        if kind and kind != ln.kind:
            ln.kind, ln.reason = kind, "model (kind from cue)"


# the title pick: weight of the overlap with the body's first sentences next to the model's title
# probability (both 0..1); lines ending in a bracketed photo credit are captions, never the title;
# lines above the body that can be the title
TITLE_LEAD_WEIGHT = 1.0
TITLE_SKIP_CAPTIONS = True
TITLE_WINDOW = 15


def _content_words(text: str) -> set[str]:
    from .clean_features import WORD_RE, load_stopwords

    stop = load_stopwords()
    return {w.lower() for w in WORD_RE.findall(text) if len(w) >= 3 and w.lower() not in stop}


def _pick_title(lines: list[Line], best: list[str], marg: list[dict[str, float]],
                first_content: Optional[int]) -> Optional[int]:
    """The page's one title: of the lines the model called title and the lines above the body,
    the one with the best title probability plus `TITLE_LEAD_WEIGHT` times the share of its
    words that come back in the body's first sentences; a line ending in a bracketed photo
    credit is a caption, never the title."""
    from .clean_features import PAREN_CREDIT_RE

    cands = {i for i, y in enumerate(best) if y == "title"}
    if first_content is not None:
        cands |= set(range(max(0, first_content - TITLE_WINDOW), first_content))
    if TITLE_SKIP_CAPTIONS:
        cands = {i for i in cands if not PAREN_CREDIT_RE.search(lines[i].text)}
    lead: set[str] = set()
    for i in [i for i, y in enumerate(best) if y == "content" and len(lines[i].text.split()) >= 10][:3]:
        lead |= _content_words(lines[i].text)

    def score(i: int) -> float:
        words = _content_words(lines[i].text)
        overlap = len(words & lead) / len(words) if words and lead else 0.0
        return marg[i].get("title", 0.0) + TITLE_LEAD_WEIGHT * overlap
    scored = [(score(i), i) for i in sorted(cands)
              if best[i] == "title" or marg[i].get("title", 0.0) >= TITLE_FALLBACK_MIN]
    return max(scored)[1] if scored else None


def _norm_text(text: str) -> str:
    return " ".join(text.lower().split()).strip(" :|-")


def decide(lines: list[Line], best: list[str], marg: list[dict[str, float]]) -> None:
    """Turn the CRF's output into line labels with one title at most."""
    first_content = next((i for i, y in enumerate(best) if y == "content"), None)
    title_i = _pick_title(lines, best, marg, first_content)
    if title_i is not None and first_content is not None and len(lines) > FULL_PAGE_LINES:
        # on a full page, of several copies of the headline (sticky bars, lists) the article's own
        # is the one nearest above the body; on a crawl-text page top the first one is the title
        same = [i for i, ln in enumerate(lines)
                if _norm_text(ln.text) == _norm_text(lines[title_i].text) and i < first_content]
        if same:
            title_i = same[-1]
    for i, ln in enumerate(lines):
        y = best[i]
        if i == title_i:
            y = "title"
        elif y == "title":
            if title_i is not None and _norm_text(ln.text) == _norm_text(lines[title_i].text):
                y = "repeated_title"
            else:
                y = max((k for k in marg[i] if k != "title"), key=lambda k: marg[i][k])
        ln.confidence = round(marg[i].get(y, 0.0) if y != "repeated_title" or best[i] != "title"
                              else marg[i].get("title", 0.0), 4)
        if y in KEEP:
            ln.label, ln.kind = y, None
        else:
            ln.label, ln.kind = "boilerplate", y
        ln.reason = "model"
