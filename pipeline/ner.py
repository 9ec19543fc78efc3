"""Named entities: the trained model's PER/ORG/LOC, rules (DATE, TIME, TITLE), gazetteers
(countries, Indonesian regions, world places, organizations) and direct speech (QUOTE).

Match-finding (`find_rule_spans`, `find_gazetteer_spans`, `find_quotes`) is kept apart from
`merge_entities`, which writes the final, non-overlapping entity list:

1. rules win: DATE, TIME, TITLE and ORG-name spans are kept as found (longest match first);
   multi-word gazetteer names come next, and a model span that is exactly a gazetteer name
   takes the gazetteer's label;
2. model spans that overlap a rule span lose the overlapping tokens and keep the rest
   (`Menteri Luar Negeri Rusia Sergei Lavrov` -> TITLE + `Rusia Sergei Lavrov`, then 3.);
3. a model span that starts with a gazetteer place followed by a name is split
   (`Rusia Sergei Lavrov` -> LOC `Rusia` + PER `Sergei Lavrov`);
4. gazetteer LOC/ORG spans fill only places no other span touches;
5. capitalised words after a TITLE chain or a speech word become PER where nothing else is
   (`find_person_cues`), a model ORG/LOC of unknown words right after a title chain becomes
   PER (`persons_after_titles`), and a person's full name or surname seen once is PER
   everywhere in the document (`propagate_names`, which also corrects model LOC/ORG there).
QUOTE spans are a layer of their own: they may contain other entities, never cross a
sentence end, and never overlap each other.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Optional, Sequence

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Token
from spacy.util import filter_spans

from .lang import read_lines
from .stage import Stage

for _ext in ("warta_dict", "warta_place"):
    if not Token.has_extension(_ext):
        Token.set_extension(_ext, default=False)

OPEN_QUOTES = {"“": "”", '"': '"', "«": "»"}
SPEECH_VERBS_RE = re.compile(
    r",\s*(?:\"|”)?\s*(kata|ujar|ucap|tegas|jelas|terang|tambah|imbuh|tutur|papar|ungkap|katanya|ujarnya|"
    r"ucapnya|tegasnya|jelasnya|terangnya|tambahnya|imbuhnya|tuturnya|paparnya|ungkapnya|pungkas|pungkasnya)\b",
    re.IGNORECASE)
NAME_LABELS = ("PER", "ORG", "LOC")
REPORTING_RE = re.compile(r"\b(menurut|mengatakan|menyatakan|menegaskan|menjelaskan|menambahkan|mengungkapkan|"
                          r"bahwa|dilansir|melaporkan|mengumumkan)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Found:
    """A candidate span before merging: character offsets, label, where it came from."""

    start: int
    end: int
    label: str
    source: str
    rule: str = ""


def gazetteer_label(path: str | Path) -> str:
    """A gazetteer file's label: a `# label: ORG` header line, else LOC."""
    for line in Path(path).read_text(encoding="utf-8").splitlines()[:5]:
        m = re.match(r"#\s*label:\s*(\w+)", line)
        if m:
            return m.group(1)
    return "LOC"


def read_patterns(path: str | Path) -> list[dict]:
    return [json.loads(ln) for ln in Path(path).read_text(encoding="utf-8").splitlines() if ln.strip()]


PERSON_CUES_PATH = Path(__file__).parent / "lang" / "id" / "person_cues.yaml"
TITLE_RULES_PATH = Path(__file__).parent / "lang" / "id" / "title_rules.yaml"
GAZETTEER_RULES_PATH = Path(__file__).parent / "lang" / "id" / "gazetteer_rules.yaml"
DASHES = {"-", "--", "---", "—", "–"}
NAME_PARTICLES = {"al", "bin", "binti", "van", "von", "de", "der", "da", "di", "el", "ibn", "la", "le", "dos", "bt", "bin."}


class EntityRules:
    """Token patterns (DATE/TIME/TITLE), the title list and gazetteers, compiled for one vocab."""

    def __init__(self, nlp: Language, patterns_path: str, titles_path: str, gazetteers: Sequence[str],
                 person_cues_path: str | Path = PERSON_CUES_PATH):
        import yaml

        cues = yaml.safe_load(Path(person_cues_path).read_text(encoding="utf-8"))
        title_rules = yaml.safe_load(TITLE_RULES_PATH.read_text(encoding="utf-8"))
        self.extend_before = {w.lower() for w in title_rules["extend_before"]}
        self.extend_after = {w.lower() for w in title_rules["extend_after"]}
        self.reject_after = {w.lower() for w in title_rules["reject_after"]}
        self.honorific_lower = {w.lower().rstrip(".") for w in cues["honorifics"]}
        gaz_rules = yaml.safe_load(GAZETTEER_RULES_PATH.read_text(encoding="utf-8"))
        self.place_not_after = {w.lower() for w in gaz_rules["not_after"]}
        self.known_word = lambda w: False  # set by NerStage: is the word in Sastrawi's dictionary?
        self.after_words = {w.lower() for w in cues["after_words"]}
        self.not_names = set(cues["not_names"])
        self.matcher = Matcher(nlp.vocab)
        self.keep: dict[str, tuple[int, int]] = {}
        for entry in read_patterns(patterns_path):
            self.matcher.add(f"{entry['label']}|{entry['id']}", [entry["pattern"]])
            if "keep" in entry:
                self.keep[entry["id"]] = tuple(entry["keep"])
        self.titles = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.titles.add("TITLE|title_list", [nlp.make_doc(t) for t in read_lines(titles_path)])
        self.places = PhraseMatcher(nlp.vocab, attr="LOWER")  # MOSKOW = Moskow; see find_gazetteer_spans
        self.place_names: set[str] = set()
        for path in gazetteers:
            label = gazetteer_label(path)
            names = read_lines(path)
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
    for match_id, start, end in list(rules.matcher(doc)) + list(rules.titles(doc)):
        label, _, rule = doc.vocab.strings[match_id].partition("|")
        if rule in rules.keep:
            a, b = rules.keep[rule]
            start, end = start + a, start + b
        span = doc[start:end]
        span.label_ = f"{label}|{rule}"
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
        if label == "TITLE":
            span = adjust_title(doc, span, rules)
            if span is None:
                continue
        kept.append(Found(span.start_char, span.end_char, label, "rule", rule))
    return kept


def adjust_title(doc: Doc, span, rules: EntityRules):
    """`mantan Presiden`, `Presiden terpilih` belong to the title; `calon presiden` is no office."""
    start, end = span.start, span.end
    if start > 0 and doc[start - 1].lower_ in rules.reject_after:
        return None
    if start > 0 and doc[start - 1].lower_ in rules.extend_before:
        start -= 1
    if end < len(doc) and doc[end].lower_ in rules.extend_after:
        end += 1
    return doc[start:end]


def find_gazetteer_spans(doc: Doc, rules: EntityRules) -> list[Found]:
    spans = []
    for match_id, s, e in rules.places(doc):
        span = doc[s:e]
        if not span[0].text[:1].isupper():  # only capitalised mentions are names
            continue
        span.label_ = doc.vocab.strings[match_id].split("|")[0]
        if span.label_ == "LOC" and s > 0 and doc[s - 1].lower_ in rules.place_not_after:
            continue  # `pasar Tiongkok`, `pesawat Rusia`: a modifier, not a place
        spans.append(span)
    return [Found(s.start_char, s.end_char, s.label_, "gazetteer", "gazetteer") for s in filter_spans(spans)]


def find_model_spans(doc: Doc, known_word: Callable[[str], bool] = lambda w: False,
                     headline: Optional[set[int]] = None) -> list[Found]:
    """The model's PER/ORG/LOC, cleaned: a span is cut at a lower-case word that is not a name
    particle (`Putin kepada Assad`, `bersejarah Tadmur`); in a headline-like sentence also at
    ordinary words (`Assad Bahas Serangan`); a lone ordinary word is dropped when it opens a
    sentence or follows a dateline dash (`Gencatan senjata ...`, `— Jet tempur ...`)."""
    found = []
    if headline is None:
        headline = headline_tokens(doc, known_word)
    for e in doc.ents:
        if e.label_ not in NAME_LABELS:
            continue
        in_headline = e.start in headline
        run: list = []
        for tok in list(e) + [None]:
            cut = tok is None or (tok.is_lower and tok.lower_ not in NAME_PARTICLES) \
                or (in_headline and tok.is_alpha and known_word(tok.text))
            if cut:
                lone_word = len(run) == 1 and run[0].is_alpha and known_word(run[0].text) \
                    and (run[0].is_sent_start or (run[0].i > 0 and doc[run[0].i - 1].text in DASHES))
                if run and not lone_word:
                    found.append(Found(run[0].idx, run[-1].idx + len(run[-1].text), e.label_, "model"))
                run = []
            else:
                run.append(tok)
    return found


def find_quotes(text: str, sentences: list[dict[str, int]]) -> list[Found]:
    """Direct speech: text inside quotation marks (one span per sentence it covers), or, in a
    sentence without marks, the part before `..., kata/ujar/ucap X`."""
    found: list[Found] = []
    regions = _quote_regions(text)
    for qs, qe in regions:
        for sent in sentences:
            s, e = max(qs, sent["start"]), min(qe, sent["end"])
            if s < e:
                span = _trim(text, s, e)
                if span and len(text[span[0]:span[1]].split()) >= 3:
                    found.append(Found(span[0], span[1], "QUOTE", "rule", "quote_marks"))
    quoted_sents = {i for i, sent in enumerate(sentences)
                    if any(qs < sent["end"] and qe > sent["start"] for qs, qe in regions)}
    claimed: set[int] = set()
    for i in range(len(sentences) - 1, -1, -1):
        sent = sentences[i]
        if i in quoted_sents or i in claimed:
            continue
        body = text[sent["start"]:sent["end"]]
        m = SPEECH_VERBS_RE.search(body)
        if m and len(body[:m.start()].split()) >= 4 and not re.search(r"\bbahwa\b", body[:m.start()]):
            pieces = [_trim(text, sent["start"], sent["start"] + m.start())]
            # earlier sentences of the same paragraph are the same speaker's words
            j = i - 1
            while j >= 0 and j not in quoted_sents and "\n" not in text[sentences[j]["end"]:sent["start"]] \
                    and not SPEECH_VERBS_RE.search(text, sentences[j]["start"], sentences[j]["end"]) \
                    and not REPORTING_RE.search(text, sentences[j]["start"], sentences[j]["end"]):
                pieces.insert(0, _trim(text, sentences[j]["start"], sentences[j]["end"]))
                claimed.add(j)
                sent = sentences[j]
                j -= 1
            for span in pieces:
                if span:
                    found.append(Found(span[0], span[1], "QUOTE", "rule", "quote_unmarked"))
    return found


def _quote_regions(text: str) -> list[tuple[int, int]]:
    """(start, end) inside each pair of quotation marks; an unclosed quote runs to its line end."""
    regions = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in OPEN_QUOTES and (ch != '"' or i == 0 or not text[i - 1].isalnum()):
            close = OPEN_QUOTES[ch]
            line_end = text.find("\n", i)
            line_end = n if line_end == -1 else line_end
            j = text.find(close, i + 1, line_end)
            end = j
            if j == -1:  # unclosed: up to an attribution (`..., jelasnya`) or the line end
                m = SPEECH_VERBS_RE.search(text, i + 1, line_end)
                end = m.start() if m else line_end
            regions.append((i + 1, end))
            i = end + 1
            continue
        i += 1
    return regions


def _trim(text: str, s: int, e: int) -> Optional[tuple[int, int]]:
    while s < e and (text[s].isspace() or text[s] in "“”\"'"):
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in ",“”\"'"):
        e -= 1
    return (s, e) if s < e else None


def merge_entities(doc: Doc, model: list[Found], rules: list[Found], gazetteer: list[Found],
                   place_names: set[str], known_word: Callable[[str], bool] = lambda w: False) -> list[Found]:
    """Non-overlapping PER/ORG/LOC/DATE/TIME/TITLE spans (precedence in the module docstring)."""
    taken = bytearray(len(doc.text) + 1)
    out: list[Found] = []

    def free(s: int, e: int) -> bool:
        return not any(taken[s:e])

    def take(f: Found) -> None:
        out.append(f)
        for k in range(f.start, f.end):
            taken[k] = 1

    for f in rules:
        take(f)
    gaz_at = {(g.start, g.end): g for g in gazetteer}
    for g in gazetteer:  # a multi-word place or body from a list beats a partial model span
        if " " in doc.text[g.start:g.end] and free(g.start, g.end):
            take(g)
    # a model span that is exactly a listed name takes the list's label (Mosul: LOC, PBB: ORG)
    model = [gaz_at.get((f.start, f.end), f) for f in model]
    for f in model:
        for piece in _pieces_outside(doc, f, taken):
            rest = doc.text[piece.start:piece.end]
            if (piece.start, piece.end) != (f.start, f.end) and " " not in rest and known_word(rest):
                continue  # `Kota` left over from `Kota Deir` once `Deir Az Zor` was taken
            for part in _split_leading_place(doc, piece, place_names):
                if free(part.start, part.end):
                    take(part)
    for f in gazetteer:
        if free(f.start, f.end):
            take(f)
    return sorted(out, key=lambda f: (f.start, f.end))


def _pieces_outside(doc: Doc, f: Found, taken: bytearray) -> Iterable[Found]:
    """The longest run of the span's tokens that no earlier span covers."""
    span = doc.char_span(f.start, f.end, alignment_mode="expand")
    if span is None:
        return []
    runs, cur = [], []
    for tok in span:
        if any(taken[tok.idx:tok.idx + len(tok.text)]) or (not cur and tok.is_punct):
            if cur:
                runs.append(cur)
            cur = []
        else:
            cur.append(tok)
    if cur:
        runs.append(cur)
    if not runs:
        return []
    best = max(runs, key=len)
    while best and best[-1].is_punct:
        best = best[:-1]
    if not best:
        return []
    return [Found(best[0].idx, best[-1].idx + len(best[-1].text), f.label, f.source, f.rule)]


def _split_leading_place(doc: Doc, f: Found, place_names: set[str]) -> list[Found]:
    """`Rusia Sergei Lavrov` (one model span) -> LOC `Rusia` + the rest, when the span starts
    with a known place followed by more capitalised words."""
    span = doc.char_span(f.start, f.end)
    if span is None or len(span) < 2 or f.label == "LOC":
        return [f]
    for k in range(min(3, len(span) - 1), 0, -1):
        head = span[:k]
        if head.text in place_names and span[k].text[:1].isupper() and f.label == "PER":
            rest = span[k:]
            return [Found(head.start_char, head.end_char, "LOC", "gazetteer", "gazetteer"),
                    Found(rest.start_char, rest.end_char, f.label, f.source, f.rule)]
    return [f]


def _name_run(doc: Doc, i: int, taken: bytearray, rules: EntityRules,
              headline: set[int]) -> Optional[tuple[int, int]]:
    """Token range of capitalised, uncovered words starting at i (honorifics skipped); None when
    every word is an ordinary dictionary word (`Menteri Imigrasi`, `Fraksi`) or in a headline."""
    if i in headline:
        return None
    while i < len(doc) and doc[i].text.rstrip(".").lower() in rules.honorific_lower:
        i += 1
    j = i
    while j < len(doc):
        t = doc[j]
        if any(taken[t.idx:t.idx + len(t.text)]) or not t.text[:1].isupper() or t.text in rules.not_names \
                or t.is_punct or t.text.isupper() and len(t.text) > 1 and j == i and len(t.text) <= 4:
            break
        j += 1
    if j == i or all(rules.known_word(t.text) for t in doc[i:j]):
        return None
    return i, j


def headline_tokens(doc: Doc, known_word: Callable[[str], bool]) -> set[int]:
    """Indices of the tokens that sit in a headline-like sentence (computed once per document)."""
    out: set[int] = set()
    sents = doc.sents if doc.has_annotation("SENT_START") else [doc[:]]
    for sent in sents:
        if _headline_like(sent, known_word):
            out.update(range(sent.start, sent.end))
    return out


def _headline_like(sent, known_word: Callable[[str], bool]) -> bool:
    """A headline (`Menteri Rusia Bertemu Assad Bahas Serangan Deir Az Zor`): no final stop and
    every ordinary word capitalised, so capitals there say nothing about names. A body sentence
    has lower-case verbs even when it is full of names and titles."""
    if sent.text.rstrip().endswith((".", "!", "?", '"', "”")):
        return False
    words = [t for t in sent if t.is_alpha and len(t.text) > 3 and known_word(t.text)]
    return len(words) >= 2 and all(t.text[:1].isupper() for t in words)


def find_person_cues(doc: Doc, spans: list[Found], rules: EntityRules,
                     headline: frozenset[int] | set[int] = frozenset()) -> list[Found]:
    """PER for capitalised words after a TITLE chain (`Menteri Pertahanan Rusia Sergei Shoigu`) or
    after a speech word (`kata Lavrov`), where no other span is."""
    taken = bytearray(len(doc.text) + 1)
    for f in spans:
        for k in range(f.start, f.end):
            taken[k] = 1
    by_start = {f.start: f for f in spans}
    starts = {t.idx: t.i for t in doc}
    found: list[Found] = []
    for f in sorted(spans, key=lambda f: f.start):
        if f.label != "TITLE":
            continue
        end = f.end
        while True:  # the title's country or organization, then an optional comma
            nxt = _next_token(doc, end, starts)
            if nxt is None:
                break
            nf = by_start.get(doc[nxt].idx)
            if nf is not None and nf.label in ("LOC", "ORG"):
                end = nf.end
                continue
            if doc[nxt].text == ",":
                end = doc[nxt].idx + 1
            break
        nxt = _next_token(doc, end, starts)
        if nxt is not None:
            run = _name_run(doc, nxt, taken, rules, headline)
            if run:
                found.append(_per(doc, run))
    for t in doc:
        if t.lower_ in rules.after_words and t.i + 1 < len(doc):
            run = _name_run(doc, t.i + 1, taken, rules, headline)
            if run and not (doc[run[0]:run[1]].text in rules.place_names):
                found.append(_per(doc, run))
    return found


def _next_token(doc: Doc, char: int, starts: dict[int, int]) -> Optional[int]:
    while char < len(doc.text) and doc.text[char] == " ":
        char += 1
    return starts.get(char)


def _per(doc: Doc, run: tuple[int, int]) -> Found:
    span = doc[run[0]:run[1]]
    return Found(span.start_char, span.end_char, "PER", "rule", "person_cue")


def acronyms_of_organizations(text: str, spans: list[Found]) -> list[Found]:
    """`Partai Kebangkitan Bangsa (PKB)`: an all-capitals span in brackets right after an ORG is ORG."""
    out = []
    prev = None
    for f in spans:
        s = text[f.start:f.end]
        if (f.label == "PER" and s.isupper() and prev is not None and prev.label == "ORG"
                and text[prev.end:f.start].strip() == "(" and text[f.end:f.end + 1] == ")"):
            f = Found(f.start, f.end, "ORG", f.source, f.rule)
        out.append(f)
        prev = f
    return out


def persons_after_titles(doc: Doc, spans: list[Found], rules: EntityRules) -> list[Found]:
    """A title chain is followed by a person: a model ORG/LOC right after `TITLE [ORG|LOC] [,]`
    made only of capitalised non-dictionary words becomes PER (`juru bicara Kementrian Pertahanan
    Rusia, Igor Konashenkov`)."""
    out = list(spans)
    for k, f in enumerate(out):
        if f.label not in ("ORG", "LOC") or f.source != "model" or k == 0:
            continue
        j = k - 1
        if doc.text[out[j].end:f.start].strip() not in ("", ","):
            continue
        if out[j].label in ("ORG", "LOC") and j > 0 and doc.text[out[j - 1].end:out[j].start].strip() == "":
            j -= 1
        if out[j].label != "TITLE":
            continue
        words = doc.text[f.start:f.end].split()
        if len(words) >= 2 and all(w[:1].isupper() and not rules.known_word(w) for w in words) \
                and not any(w in rules.place_names for w in words):
            out[k] = Found(f.start, f.end, "PER", f.source, "after_title")
    return out


def join_adjacent_persons(text: str, spans: list[Found]) -> list[Found]:
    """`Mohammad Javad` (cue) + `Zarif` (model), separated by one space -> one PER."""
    out: list[Found] = []
    for f in spans:
        prev = out[-1] if out else None
        if prev and prev.label == f.label == "PER" and text[prev.end:f.start] == " ":
            out[-1] = Found(prev.start, f.end, "PER", prev.source, prev.rule)
        else:
            out.append(f)
    return out


def propagate_names(doc: Doc, spans: list[Found]) -> list[Found]:
    """A person named in full once (`Sergei Shoigu`) is the same person when the surname or the
    full name appears again: those mentions become PER (model LOC/ORG on them is corrected)."""
    text = doc.text
    names = set()
    for f in spans:
        if f.label == "PER":
            parts = text[f.start:f.end].split()
            names.add(text[f.start:f.end])
            if len(parts) >= 3 and parts[-2].lower() in NAME_PARTICLES:
                names.add(" ".join(parts[-2:]))  # Jean-Yves Le Drian -> Le Drian
            elif len(parts) >= 2 and len(parts[-1]) > 2:
                names.add(parts[-1])
    if not names:
        return spans
    out = []
    for f in spans:
        if f.label in ("LOC", "ORG") and text[f.start:f.end] in names and f.source == "model":
            f = Found(f.start, f.end, "PER", f.source, f.rule)
        out.append(f)
    taken = bytearray(len(text) + 1)
    for f in out:
        for k in range(f.start, f.end):
            taken[k] = 1
    starts = {t.idx for t in doc}
    ends = {t.idx + len(t.text) for t in doc}
    for name in sorted(names, key=lambda n: (-len(n), n)):  # longest first; ties by text, not set order
        for m in re.finditer(re.escape(name), text):
            s, e = m.start(), m.end()
            if s in starts and e in ends and not any(taken[s:e]):
                out.append(Found(s, e, "PER", "rule", "name_propagation"))
                for k in range(s, e):
                    taken[k] = 1
    return sorted(out, key=lambda f: (f.start, f.end))


def _no_sentence_crossing(found: list[Found], sentences: list[dict[str, int]]) -> list[Found]:
    ok = []
    for f in found:
        if any(s["start"] <= f.start and f.end <= s["end"] for s in sentences):
            ok.append(f)
    return ok


class NerStage(Stage):
    """Entities over the cleaned text: model + rules + gazetteers + quotes."""

    name = "ner"
    requires = frozenset({"tokens", "sentences"})
    provides = frozenset({"entities"})

    def __init__(self, config, resources):
        super().__init__(config, resources)
        nlp = resources.nlp
        self.ner = nlp.get_pipe("ner") if "ner" in nlp.pipe_names else None
        cfg = config["ner"]
        self.labels = set(cfg["model_labels"])
        self.rules = EntityRules(nlp, cfg["rules"], cfg["titles"], cfg["gazetteers"])
        self.rules.known_word = resources.stemmer.is_known_word

    def process_batch(self, docs: Sequence) -> None:
        sdocs = [d.spacy_doc for d in docs]
        if self.ner is not None and sdocs:
            sdocs = list(self.ner.pipe(sdocs, batch_size=max(1, len(sdocs))))
        for doc, sdoc in zip(docs, sdocs):
            doc.spacy_doc = sdoc
            doc.entities = self.entities_for(sdoc, doc.sentences)

    def process(self, doc) -> None:
        self.process_batch([doc])

    def entities_for(self, sdoc: Doc, sentences: list[dict[str, int]]) -> list[dict]:
        headline = headline_tokens(sdoc, self.rules.known_word)
        model = [f for f in find_model_spans(sdoc, self.rules.known_word, headline)
                 if f.label in self.labels]
        merged = merge_entities(sdoc, model, find_rule_spans(sdoc, self.rules),
                                find_gazetteer_spans(sdoc, self.rules), self.rules.place_names,
                                self.rules.known_word)
        cues = find_person_cues(sdoc, merged, self.rules, headline)
        merged = join_adjacent_persons(sdoc.text, sorted(merged + cues, key=lambda f: (f.start, f.end)))
        merged = persons_after_titles(sdoc, merged, self.rules)
        merged = propagate_names(sdoc, acronyms_of_organizations(sdoc.text, merged))
        merged += find_quotes(sdoc.text, sentences)
        merged = _no_sentence_crossing(sorted(merged, key=lambda f: (f.start, -f.end)), sentences)
        text = sdoc.text
        return [{"id": f"e{k}", "start": f.start, "end": f.end, "label": f.label,
                 "text": text[f.start:f.end], "source": f.source}
                for k, f in enumerate(merged)]
