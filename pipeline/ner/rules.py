"""Entity rules compiled for one vocabulary: DATE/TIME/ORG token patterns, the TITLE grammar,
gazetteers (countries, Indonesian regions, world places, organizations) and person cues."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Callable, Sequence

import yaml
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Token
from spacy.util import filter_spans

from ..lang import LANG_DIR, expand_refs, read_lines
from ..titles import TitleGrammar, find_titles
from .spans import Found

for _ext in ("warta_dict", "warta_place"):
    if not Token.has_extension(_ext):
        Token.set_extension(_ext, default=False)


def gazetteer_label(path: str | Path) -> str:
    """A gazetteer file's label: a `# label: ORG` header line, else LOC."""
    for line in Path(path).read_text(encoding="utf-8").splitlines()[:5]:
        m = re.match(r"#\s*label:\s*(\w+)", line)
        if m:
            return m.group(1)
    return "LOC"


def read_patterns(path: str | Path) -> list[dict]:
    """Token patterns, one JSON object a line; "@name" word lists come from the lexicon."""
    return [expand_refs(json.loads(ln)) for ln in Path(path).read_text(encoding="utf-8").splitlines() if ln.strip()]


PERSON_CUES_PATH = LANG_DIR / "person_cues.yaml"
GAZETTEER_RULES_PATH = LANG_DIR / "gazetteer_rules.yaml"


class EntityRules:
    """Token patterns (DATE/TIME/TITLE), the title list and gazetteers, compiled for one vocab."""

    def __init__(self, nlp: Language, patterns_path: str, titles_path: str, gazetteers: Sequence[str],
                 person_cues_path: str | Path = PERSON_CUES_PATH,
                 known_word: Callable[[str], bool] = lambda w: False):
        cues = expand_refs(yaml.safe_load(Path(person_cues_path).read_text(encoding="utf-8")))
        self.honorific_lower = {w.lower().rstrip(".") for w in cues["honorifics"]}
        gaz_rules = yaml.safe_load(GAZETTEER_RULES_PATH.read_text(encoding="utf-8"))
        self.place_not_after = {w.lower() for w in gaz_rules["not_after"]}
        self.known_word = known_word  # is the word in Sastrawi's dictionary?
        self.after_words = {w.lower() for w in cues["after_words"]}
        self.not_names = {w for n in cues["not_names"] for w in (n, n.capitalize())}
        self.matcher = Matcher(nlp.vocab)
        self.keep: dict[str, tuple[int, int]] = {}
        for entry in read_patterns(patterns_path):
            self.matcher.add(f"{entry['label']}|{entry['id']}", [entry["pattern"]])
            if "keep" in entry:
                self.keep[entry["id"]] = tuple(entry["keep"])
        self.titles = TitleGrammar.load(titles_path)  # pipeline/titles.py
        self.places = PhraseMatcher(nlp.vocab, attr="LOWER")  # MOSKOW = Moskow; see find_gazetteer_spans
        self.place_names: set[str] = set()
        self.listed_names: set[str] = set()
        for path in gazetteers:
            label = gazetteer_label(path)
            names = read_lines(path)
            self.listed_names.update(names)
            self.places.add(f"{label}|gazetteer", [nlp.make_doc(n) for n in names])
            if label == "LOC":
                self.place_names.update(names)


def mark_tokens(doc: Doc, rules: EntityRules) -> None:
    """`token._.warta_dict`: an ordinary word (Sastrawi's dictionary); `._.warta_place`: a gazetteer
    place. Only capitalised tokens are marked: the patterns that read these need IS_TITLE."""
    for tok in doc:
        if tok.is_title:
            if tok.is_alpha and rules.known_word(tok.text):
                tok._.warta_dict = True
            if tok.text in rules.place_names:
                tok._.warta_place = True


def find_rule_spans(doc: Doc, rules: EntityRules) -> list[Found]:
    """DATE, TIME, TITLE and ORG-name matches (longest wins among overlapping rule matches)."""
    mark_tokens(doc, rules)
    spans = []
    for match_id, start, end in rules.matcher(doc):
        label, _, rule = doc.vocab.strings[match_id].partition("|")
        if rule in rules.keep:
            a, b = rules.keep[rule]
            start, end = start + a, start + b
        span = doc[start:end]
        span.label_ = f"{label}|{rule}"
        spans.append(span)
    name_starts = {s: doc.vocab.strings[m].split("|")[0] for m, s, _ in rules.places(doc) if doc[s].text[:1].isupper()}
    for start, end, rule in find_titles(doc, rules.titles, name_starts, rules.known_word):
        span = doc[start:end]
        span.label_ = f"TITLE|{rule}"
        spans.append(span)
    # titles first, then dates/times, then organization names, each longest-first
    rank = {"TITLE": 0, "DATE": 1, "TIME": 1, "ORG": 2}
    chosen: list = []
    for level in sorted(set(rank.values())):
        layer = [s for s in spans if rank.get(s.label_.split("|")[0], 1) == level]
        taken = {i for s in chosen for i in range(s.start, s.end)}
        chosen += [s for s in filter_spans(layer) if not any(i in taken for i in range(s.start, s.end))]
    kept = []
    for span in sorted(chosen, key=lambda s: s.start):
        label, rule = span.label_.split("|")
        kept.append(Found(span.start_char, span.end_char, label, "rule", rule))
    return kept


def find_gazetteer_spans(doc: Doc, rules: EntityRules) -> list[Found]:
    spans = []
    for match_id, s, e in rules.places(doc):
        span = doc[s:e]
        if not span[0].text[:1].isupper():  # only capitalised mentions are names
            continue
        if span.text not in rules.listed_names and span.text.upper() in rules.listed_names \
                and not span.text.isupper():
            continue  # an acronym matches as written: `Bin` in `Mohammed Bin Salman` is no BIN

        span.label_ = doc.vocab.strings[match_id].split("|")[0]
        if span.label_ == "LOC" and s > 0 and doc[s - 1].lower_ in rules.place_not_after:
            continue  # `pasar Tiongkok`, `pesawat Rusia`: a modifier, not a place
        spans.append(span)
    return [Found(s.start_char, s.end_char, s.label_, "gazetteer", "gazetteer") for s in filter_spans(spans)]
