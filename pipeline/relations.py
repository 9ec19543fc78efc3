"""Pattern-based relations (ANNOTATION.md section 3) from `lang/id/relation_patterns.yaml`.

Match-finding (`find_relations`, yielding `RelationMatch` tuples) is separate from writing
annotations (`RelationsStage`). Token patterns run with spaCy's `Matcher`, dependency patterns
with `DependencyMatcher`; both see each token's entity label as ENT_TYPE (the flat entities are
written into `doc.ents`) and QUOTE edges as `token._.warta_quote_start` / `_end`. A fact found
by several patterns is kept once. The token matcher runs only on the sentences that can hold a
relation (`candidate_ranges`), with the matches in the order a whole-document run gives.
"""
from __future__ import annotations

import copy
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator, NamedTuple, Optional, Sequence

import yaml
from spacy.matcher import DependencyMatcher, Matcher
from spacy.tokens import Doc, Token

from .document import PARAGRAPH_JOIN
from .lang import expand_refs
from .tokenize import doc_text


EXT = {"quote_start": "warta_quote_start", "quote_end": "warta_quote_end"}
for _name, _default in (("warta_quote_start", False), ("warta_quote_end", False)):
    if not Token.has_extension(_name):
        Token.set_extension(_name, default=_default)
BLOCKER_WINDOW = 3


class RelationMatch(NamedTuple):
    """One relation found by one pattern (entity indices into the document's entity list)."""

    label: str
    head: int
    tail: int
    rule: str
    start: int  # evidence, character offsets into the text
    end: int


@dataclass
class PatternEntry:
    name: str
    label: str
    type: str
    pattern: Any
    head: dict
    tail: dict
    blockers: frozenset[str]
    example: str
    reject_after: frozenset[str] = frozenset()
    reject_after_entity: frozenset[str] = frozenset()
    reject_before: frozenset[str] = frozenset()
    blocker_window: int = BLOCKER_WINDOW
    coordinate: bool = False
    not_blockers: frozenset[str] = frozenset()  # `tak berawak` is no negation
    not_person_words: frozenset[str] = frozenset()  # a "person" with `Kantor`, `Dinas` in it is a body
    reject_before_comma_entity: frozenset[str] = frozenset()  # `kata juru bicara Guterres, Stephane Dujarric`
    reject_before_comma_when_first: frozenset[str] = frozenset()  # ... only if the match begins with one of these
    envoy_words: frozenset[str] = frozenset()  # `menerima utusan Presiden Xi Jinping`: the envoy came, not Xi


def _expand(value: Any, sets: dict[str, list[str]]) -> Any:
    """Replace "@set" references by their word lists; `_: {ent: X}` becomes spaCy's native
    `ENT_TYPE: X` (the stage writes the flat entities into `doc.ents`), quote edges become
    token extensions."""
    if isinstance(value, str) and value.startswith("@"):
        return list(sets[value[1:]])
    if isinstance(value, list):  # a "@set" inside a list of words is spliced in
        out_list: list = []
        for v in value:
            if isinstance(v, str) and v.startswith("@"):
                out_list += sets[v[1:]]
            else:
                out_list.append(_expand(v, sets))
        return out_list
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k == "_" and isinstance(v, dict):
                ext = {EXT[ek]: _expand(ev, sets) for ek, ev in v.items() if ek in EXT}
                if "ent" in v:
                    out["ENT_TYPE"] = _expand(v["ent"], sets)
                if ext:
                    out["_"] = ext
            else:
                out[k] = _expand(v, sets)
        return out
    return value


# whitespace tokens, mis-decoded no-break spaces (`¬†`) and quotation marks (`‚Äù`), see
# pipeline/tokenize.py MOJIBAKE_SPACES / MOJIBAKE_QUOTES: optional between any two pattern tokens
SPACE_TOKEN = {"TEXT": {"REGEX": r"^(\s+|¬†|Â\u00a0|‚Äú|‚Äù|‚Äò|‚Äô)$"}, "OP": "*"}


def _skip_spaces(pattern: list[dict]) -> list[dict]:
    """The token pattern with optional whitespace tokens between its tokens: a line break inside a
    hard-wrapped sentence (`Ketua Umum PDIP\nMegawati`) is a token of its own and breaks no pattern."""
    out: list[dict] = []
    for k, tok in enumerate(pattern):
        if k:
            out.append(dict(SPACE_TOKEN))
        out.append(tok)
    return out


def _comma_rule(value: Any) -> tuple[frozenset[str], frozenset[str]]:
    """`reject_before_comma_entity`: a list of labels, or {labels: [...], when_first: [words]}."""
    if not value:
        return frozenset(), frozenset()
    if isinstance(value, dict):
        return frozenset(value.get("labels", [])), frozenset(w.lower() for w in value.get("when_first", []))
    return frozenset(value), frozenset()


@lru_cache(maxsize=4)
def load_patterns(path: str) -> tuple[PatternEntry, ...]:
    data = expand_refs(yaml.safe_load(Path(path).read_text(encoding="utf-8")))  # lexicon word lists
    not_blockers = frozenset(w.lower() for w in data.get("not_blockers", []))
    not_person = frozenset(w.lower() for w in data.get("not_person_words", []))
    envoys = frozenset(w.lower() for w in data.get("envoy_words", []))
    sets = dict(data.get("verb_sets", {}))
    for key in ("negation_and_plans", "honorifics", "name_prefixes", "person_words", "accusations"):
        sets[key] = data.get(key, [])
    entries = []
    for raw in data["patterns"]:
        blockers = _expand(raw.get("blockers", []), sets)
        pattern = _expand(copy.deepcopy(raw["pattern"]), sets)
        if raw.get("type", "token") == "token":
            pattern = _skip_spaces(pattern)
        entries.append(PatternEntry(raw["name"], raw["label"], raw.get("type", "token"),
                                    pattern, raw["head"], raw["tail"],
                                    frozenset(w.lower() for w in blockers), raw.get("example", ""),
                                    frozenset(w.lower() for w in raw.get("reject_after", [])),
                                    frozenset(raw.get("reject_after_entity", [])),
                                    frozenset(w.lower() for w in raw.get("reject_before", [])),
                                    int(raw.get("blocker_window", BLOCKER_WINDOW)), bool(raw.get("coordinate", False)),
                                    not_blockers, not_person, *_comma_rule(_expand(raw.get("reject_before_comma_entity"), sets)),
                                    envoys))
    return tuple(entries)


RESOLVED_LABELS = {"sole_person_in_sentence": "PER", "sole_org_in_sentence": "ORG"}  # head: {resolve: ...}


class RelationMatchers:
    """The compiled Matcher and DependencyMatcher for one vocabulary."""

    def __init__(self, vocab, entries: Sequence[PatternEntry]):
        self.entries = list(entries)
        self.matcher = Matcher(vocab)
        self.dep_matcher = DependencyMatcher(vocab)
        for i, e in enumerate(self.entries):
            if e.type == "dependency":
                self.dep_matcher.add(str(i), [e.pattern])
            else:
                self.matcher.add(str(i), [e.pattern], greedy="LONGEST")
        # the labels a token pattern's head or tail can have (a sentence without two such entities
        # yields no token-pattern relation; see candidate_ranges)
        self.argument_labels = frozenset(
            label for e in self.entries if e.type != "dependency" for role in (e.head, e.tail)
            for label in role.get("label", []) + [RESOLVED_LABELS.get(role.get("resolve"))] if label)


def mark_entities(sdoc: Doc, entities: list[dict]) -> list[Optional[int]]:
    """Write the flat entities into `doc.ents` (read by patterns as ENT_TYPE) and QUOTE edges
    into token extensions; return token index -> flat entity index."""
    owner: list[Optional[int]] = [None] * len(sdoc)
    spans = []
    for k, ent in enumerate(entities):
        span = sdoc.char_span(ent["start"], ent["end"], label=ent["label"], alignment_mode="expand")
        if span is None or not len(span):
            continue
        if ent["label"] == "QUOTE":
            span[0]._.warta_quote_start = True
            span[-1]._.warta_quote_end = True
            continue
        if any(owner[i] is not None for i in range(span.start, span.end)):
            continue
        spans.append(span)
        for i in range(span.start, span.end):
            owner[i] = k
    sdoc.set_ents(spans, default="outside")
    return owner


def _quote_at(sdoc: Doc, entities: list[dict], token_i: int, edge: str) -> Optional[int]:
    tok = sdoc[token_i]
    for k, ent in enumerate(entities):
        if ent["label"] != "QUOTE":
            continue
        if edge == "end" and ent["start"] < tok.idx + len(tok.text) <= ent["end"] + 1 \
                and tok.idx < ent["end"]:
            return k
        if edge == "start" and ent["start"] <= tok.idx < ent["end"] and tok.idx <= ent["start"] + 1:
            return k
    return None


def _sides(sdoc: Doc, owner: list[Optional[int]], entry: PatternEntry, start: int,
           end: int) -> tuple[int, int, int, int]:
    """For a pattern `X ... cue ... Y` whose head and tail may have the same labels (meetings,
    attacks) and whose match begins and ends in an entity: the head is taken before the first
    word outside the entities and the tail after the last one (`Emir Kuwait dalam panggilan
    telepon kepada Raja Salman`: the head is Kuwait, not the person Salman whom the head role
    prefers). A passive pattern that picks its head last (`AS diserang oleh Houthi`) reads the
    other way. Returns the token ranges (head_start, head_end, tail_start, tail_end)."""
    whole = (start, end, start, end)
    if not set(entry.head.get("label", [])) & set(entry.tail.get("label", [])) or owner[end - 1] is None:
        return whole
    words = [i for i in range(start, end) if owner[i] is None and sdoc[i].is_alpha]
    if not words:
        return whole
    # a match that begins with its cue (`pertemuan X dengan Y`, `pembicaraan ... antara X dan Y`): the
    # first party stands between the cue and the last word, the second after it
    first_end = words[0] if owner[start] is not None else words[-1]
    if first_end == words[-1] and owner[start] is None and not any(
            owner[i] is not None for i in range(start, words[-1])):
        return whole
    head_pick, tail_pick = entry.head.get("pick", "first"), entry.tail.get("pick", "first")
    if head_pick != "last" and tail_pick == "last":
        return start, first_end, words[-1] + 1, end
    if head_pick == "last" and tail_pick != "last":
        return words[-1] + 1, end, start, first_end
    return whole


UNNAMED_OFFICIAL_WORDS = {"pejabat", "perwakilan", "delegasi", "utusan", "wakil", "pihak"}


def _party_ok(sdoc: Doc, owner: list[Optional[int]], entities: list[dict], k: int, role: dict,
              start: int, end: int) -> bool:
    """A body or country is a party where the role prefers a person only when it stands for an
    unnamed official (relations-dev decision 21: `Emir Kuwait dalam panggilan telepon ...`,
    `menerima pimpinan KPK`): a title or `pejabat`/`perwakilan` right before it and no name after
    it. Otherwise a person in the match is meant and the body is no party (`Partai Golkar menerima
    kekalahan pasangan X`)."""
    if entities[k]["label"] == "PER" or "PER" not in role.get("prefer", []):
        return True
    if not any(owner[i] is not None and entities[owner[i]]["label"] == "PER" for i in range(start, end)):
        return True
    span = sdoc.char_span(entities[k]["start"], entities[k]["end"], alignment_mode="expand")
    if span is None or span.start == 0:
        return False
    before = owner[span.start - 1]
    official = (before is not None and entities[before]["label"] == "TITLE") \
        or sdoc[span.start - 1].lower_ in UNNAMED_OFFICIAL_WORDS
    j = span.end + (1 if span.end < len(sdoc) and sdoc[span.end].text == "," else 0)
    for _ in range(3):  # a rank or honorific before the name (`panglima militer Jordan, Jenderal Khalid`)
        if j < len(sdoc) and owner[j] is None and sdoc[j].is_title:
            j += 1
    named_after = j < len(sdoc) and owner[j] is not None and entities[owner[j]]["label"] == "PER"
    return official and not named_after


def _pick(sdoc: Doc, entities: list[dict], owner: list[Optional[int]], start: int, end: int,
          role: dict) -> list[int]:
    """The entities of the match that fill a role (one, or all of a list with `pick: all`)."""
    labels = set(role.get("label", []))
    if labels == {"QUOTE"}:
        edge_tokens = [i for i in range(start, end)
                       if sdoc[i]._.warta_quote_end or sdoc[i]._.warta_quote_start]
        cands = []
        for i in edge_tokens:
            q = _quote_at(sdoc, entities, i, "end" if sdoc[i]._.warta_quote_end else "start")
            if q is not None and q not in cands:
                cands.append(q)
    else:
        cands = []
        for i in range(start, end):
            k = owner[i]
            if k is not None and entities[k]["label"] in labels and k not in cands:
                cands.append(k)
    if role.get("not_after"):  # `ujar JPU KPK`: a body after a title is an unnamed speaker's, not the speaker
        cands = [k for k in cands if entities[k]["label"] == "PER"
                 or not _entity_before(sdoc, owner, entities, k, set(role["not_after"]))]
    preferred = [k for k in cands if entities[k]["label"] in set(role.get("prefer", []))]
    cands = preferred or cands
    if not cands:
        return []
    if role.get("pick") == "all":  # lists: `dua Wakil Ketua KPK Saut Situmorang dan Laode M Syarif`
        return cands
    return [cands[-1] if role.get("pick") == "last" else cands[0]]


COORDINATORS = {",", "dan", "serta", "maupun"}


def _coordinated(sdoc: Doc, owner: list[Optional[int]], entities: list[dict], k: int) -> list[int]:
    """Entities coordinated with entity k after it (`ISIS dan Jabhat al-Nusra`; `Menteri Pertahanan
    Iran Mohammad Javad Zarif dan Menteri Pertahanan Suriah Walid Muallem`): same label, joined by
    `,`/`dan`/`serta`, a person's title chain skipped."""
    span = sdoc.char_span(entities[k]["start"], entities[k]["end"], alignment_mode="expand")
    if span is None:
        return []
    label, out, i = entities[k]["label"], [], span.end
    while i < len(sdoc):
        j = i
        while j < len(sdoc) and sdoc[j].lower_ in COORDINATORS and owner[j] is None:
            j += 1
        if j == i:
            break
        if label == "PER":  # skip `Menteri Pertahanan Suriah` before the next person
            while j < len(sdoc) and owner[j] is not None and entities[owner[j]]["label"] in ("TITLE", "LOC", "ORG"):
                j += 1
            if j < len(sdoc) and sdoc[j].text == ",":
                j += 1
        if j >= len(sdoc) or owner[j] is None or entities[owner[j]]["label"] != label:
            break
        nxt = owner[j]
        out.append(nxt)
        while j < len(sdoc) and owner[j] == nxt:
            j += 1
        i = j
    return out


ALIAS_LINKS = {"alias", "atau"}
ALIAS_AFTER = {"sapaan", "panggilan"}  # `Bamsoet, sapaan (akrab) Bambang Soesatyo`


def _alias_first(sdoc: Doc, owner: list[Optional[int]], entities: list[dict], k: int) -> int:
    """The name written first when person k is another name of it (relations-dev decision 9:
    `Joko Widodo (Jokowi)`, `Bambang Soesatyo alias Bamsoet`, `Bamsoet, sapaan Bambang Soesatyo`:
    the relations of the phrase go on the first name)."""
    for _ in range(3):
        if entities[k]["label"] != "PER":
            return k
        span = sdoc.char_span(entities[k]["start"], entities[k]["end"], alignment_mode="expand")
        if span is None:
            return k
        b = span.start - 1

        def person_ending_at(i: int) -> Optional[int]:
            j = owner[i] if 0 <= i < len(sdoc) else None
            return j if j is not None and j != k and entities[j]["label"] == "PER" else None

        j = None
        if b >= 0 and sdoc[b].text == "(" and span.end < len(sdoc) and sdoc[span.end].text == ")":
            j = person_ending_at(b - 1)
        elif b >= 0 and sdoc[b].lower_ in ALIAS_LINKS:
            j = person_ending_at(b - 1)
        else:
            a = b - 1 if b >= 0 and sdoc[b].lower_ == "akrab" else b
            if a >= 1 and sdoc[a].lower_ in ALIAS_AFTER and sdoc[a - 1].text == ",":
                j = person_ending_at(a - 2)
        if j is None:
            return k
        k = j
    return k


def _entity_before(sdoc: Doc, owner: list[Optional[int]], entities: list[dict], k: int, labels: set[str]) -> bool:
    """Is the token right before entity k inside an entity with one of `labels`?"""
    span = sdoc.char_span(entities[k]["start"], entities[k]["end"], alignment_mode="expand")
    if span is None or span.start == 0:
        return False
    j = owner[span.start - 1]
    return j is not None and entities[j]["label"] in labels


def _sentence_of(sentences: list[dict], char: int) -> Optional[int]:
    for i, s in enumerate(sentences):
        if s["start"] <= char < s["end"]:
            return i
    return None


def _blocked(sdoc: Doc, owner: list[Optional[int]], start: int, end: int, blockers: frozenset[str],
             before: int = BLOCKER_WINDOW, not_blockers: frozenset[str] = frozenset()) -> bool:
    """A blocker word (negation, plan, accusation) in the match or in the `before` tokens before it."""
    if not blockers:
        return False
    window = sdoc[max(0, start - before):end]

    def harmless(t: Token) -> bool:  # `tak berawak`, `timbal balik`: the word pair is no blocker
        return (t.i + 1 < len(sdoc) and f"{t.lower_} {sdoc[t.i + 1].lower_}" in not_blockers) \
            or (t.i > 0 and f"{sdoc[t.i - 1].lower_} {t.lower_}" in not_blockers)

    return any(t.lower_ in blockers and owner[t.i] is None and not harmless(t) for t in window)


def _sole_person(entities: list[dict], sentences: list[dict], char: int, label: str = "PER") -> Optional[int]:
    """The one person (or `label` entity) named in the sentence outside quotes and before `char`
    (for `Menurut X, "...," jelasnya`, `X mengatakan ia bertemu Y`, `Houthi ... kelompok itu
    menyerang Y`); a name after the cue is not meant, two different names are ambiguous."""
    si = _sentence_of(sentences, char)
    if si is None:
        return None
    s = sentences[si]
    quotes = [e for e in entities if e["label"] == "QUOTE"]
    people = [k for k, e in enumerate(entities) if e["label"] == label and s["start"] <= e["start"] < char
              and not any(q["start"] <= e["start"] < q["end"] for q in quotes)]
    names = {entities[k]["text"] for k in people}
    return people[0] if len(names) == 1 else None


def quote_region(entities: list[dict], text: str, q: int) -> list[int]:
    """QUOTE entities that continue the same quotation across sentences (no closing mark between)."""
    quotes = sorted((k for k, e in enumerate(entities) if e["label"] == "QUOTE"), key=lambda k: entities[k]["start"])
    pos = quotes.index(q)
    region = [q]
    for step in (-1, 1):
        j = pos
        while 0 <= j + step < len(quotes):
            a, b = (quotes[j + step], quotes[j]) if step < 0 else (quotes[j], quotes[j + step])
            gap = text[entities[a]["end"]:entities[b]["start"]]
            if any(m in gap for m in ('"', "“", "”", "‚Äú", "‚Äù")) or "\n" in gap:
                break
            region.append(quotes[j + step])
            j += step
    return sorted(region, key=lambda k: entities[k]["start"])


def relation_sentences(text: str, sentences: list[dict]) -> list[dict]:
    """The sentences, also cut where comma-joined paragraphs meet (see PARAGRAPH_JOIN)."""
    out = []
    for s in sentences:
        start = s["start"]
        for m in PARAGRAPH_JOIN.finditer(text, s["start"], s["end"]):
            out.append({"start": start, "end": m.start(2)})
            start = m.end(2)
        out.append({"start": start, "end": s["end"]})
    return [s for s in out if s["end"] > s["start"]]


def candidate_ranges(sdoc: Doc, entities: list[dict], sentences: list[dict],
                     labels: Optional[frozenset[str]] = None) -> list[tuple[int, int]]:
    """Token ranges where a relation can be found (the token matcher runs only there: most
    sentences hold fewer than two entities that can be a relation's argument, `labels`, all if
    None). A relation joins two different entities of one sentence, so a sentence that holds two
    or more is a candidate; a quote's speaker may stand in the sentence before or after the quote
    (`...sendiri.",Tegas, Salmafina ...` across joined paragraphs), so two neighbouring sentences,
    one with a QUOTE, that hold two together are candidates too. Each range runs to the next
    sentence's start (the joining commas between sentences belong to no sentence)."""
    entities = [e for e in entities if labels is None or e["label"] in labels]
    starts, ends = sorted(e["start"] for e in entities), sorted(e["end"] for e in entities)
    quotes = [e for e in entities if e["label"] == "QUOTE"]
    quote_starts, quote_ends = sorted(e["start"] for e in quotes), sorted(e["end"] for e in quotes)

    def overlapping(a: int, b: int, lo: list[int] = starts, hi: list[int] = ends) -> int:
        """How many entities (of the sorted start and end lists) overlap characters a..b."""
        return bisect_left(lo, b) - bisect_right(hi, a)

    chosen = [overlapping(s["start"], s["end"]) >= 2 for s in sentences]
    for i in range(len(sentences) - 1):
        first, second = sentences[i], sentences[i + 1]
        if overlapping(first["start"], second["end"], quote_starts, quote_ends) \
                and overlapping(first["start"], second["end"]) >= 2:
            chosen[i] = chosen[i + 1] = True
    spans = [sdoc.char_span(s["start"], s["end"], alignment_mode="expand") for s in sentences]
    ranges: list[tuple[int, int]] = []
    for i, span in enumerate(spans):
        if not chosen[i] or span is None or not len(span):
            continue
        end = next((sp.start for sp in spans[i + 1:] if sp is not None and len(sp)), len(sdoc))
        if ranges and ranges[-1][1] >= span.start:
            ranges[-1] = (ranges[-1][0], max(end, ranges[-1][1]))
        else:
            ranges.append((span.start, max(end, span.end)))
    return ranges


def match_ranges(matcher: Matcher, sdoc: Doc, ranges: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """`matcher(sdoc)` run on the token ranges only, with document offsets, in the order the
    Matcher gives for a whole document with greedy patterns: grouped by pattern in the order the
    patterns first match, longest first within a pattern, then by start (the order decides which
    pattern names a fact that several patterns find)."""
    by_key: dict[int, list[tuple[int, int, int]]] = {}
    for a, b in ranges:
        for key, start, end in matcher(sdoc[a:b]):
            by_key.setdefault(key, []).append((key, a + start, a + end))
    return [m for group in by_key.values() for m in sorted(group, key=lambda m: (m[1] - m[2], m[1]))]


def find_relations(sdoc: Doc, entities: list[dict], sentences: list[dict],
                   matchers: RelationMatchers) -> Iterator[RelationMatch]:
    """Every relation every pattern finds (duplicates included; see `merge_relations`)."""
    sentences = relation_sentences(doc_text(sdoc), sentences)
    owner = mark_entities(sdoc, entities)
    hits: list[tuple[PatternEntry, int, int, Optional[int], Optional[int]]] = []
    ranges = candidate_ranges(sdoc, entities, sentences, matchers.argument_labels)
    for match_id, start, end in match_ranges(matchers.matcher, sdoc, ranges):
        entry = matchers.entries[int(sdoc.vocab.strings[match_id])]
        if _blocked(sdoc, owner, start, end, entry.blockers, entry.blocker_window, entry.not_blockers):
            continue
        if start > 0 and sdoc[start - 1].lower_ in entry.reject_before:
            continue  # `X selaku Bupati Bekasi, Y ...`: the title is X's, not Y's
        if end < len(sdoc) and (sdoc[end].lower_ in entry.reject_after
                                or sdoc[end].ent_type_ in entry.reject_after_entity):
            continue
        if entry.reject_before_comma_entity and end + 1 < len(sdoc) and sdoc[end].text == "," \
                and sdoc[end + 1].ent_type_ in entry.reject_before_comma_entity \
                and (not entry.reject_before_comma_when_first or sdoc[start].lower_ in entry.reject_before_comma_when_first):
            continue  # the name after the comma is the one meant: `juru bicara Guterres, Stephane Dujarric`
        if entry.head.get("resolve") in ("sole_person_in_sentence", "sole_org_in_sentence"):
            label = "ORG" if entry.head["resolve"] == "sole_org_in_sentence" else "PER"
            sole = _sole_person(entities, sentences, sdoc[start].idx, label)
            heads = [] if sole is None else [sole]
            tails = _pick(sdoc, entities, owner, start, end, entry.tail)
        else:
            head_start, head_end, tail_start, tail_end = _sides(sdoc, owner, entry, start, end)
            heads = _pick(sdoc, entities, owner, head_start, head_end, entry.head)
            tails = _pick(sdoc, entities, owner, tail_start, tail_end, entry.tail)
            if (head_start, head_end) != (start, end):
                heads = [h for h in heads if _party_ok(sdoc, owner, entities, h, entry.head, start, end)]
                tails = [t for t in tails if _party_ok(sdoc, owner, entities, t, entry.tail, start, end)]
        if entry.coordinate:
            tails = tails + [c for t in tails for c in _coordinated(sdoc, owner, entities, t) if c not in tails]
        heads = list(dict.fromkeys(_alias_first(sdoc, owner, entities, h) for h in heads))
        tails = list(dict.fromkeys(_alias_first(sdoc, owner, entities, t) for t in tails))
        hits += [(entry, start, end, h, t) for h in heads for t in tails]
    dep_matches = matchers.dep_matcher(sdoc) if sdoc.has_annotation("DEP") else []
    for match_id, token_ids in dep_matches:
        entry = matchers.entries[int(sdoc.vocab.strings[match_id])]
        nodes = {spec["RIGHT_ID"]: tid for spec, tid in zip(entry.pattern, token_ids)}
        start, end = min(token_ids), max(token_ids) + 1
        if _blocked(sdoc, owner, start, end, entry.blockers, entry.blocker_window, entry.not_blockers):
            continue
        hits.append((entry, start, end, owner[nodes[entry.head["node"]]], owner[nodes[entry.tail["node"]]]))
    for entry, start, end, head, tail in hits:
        if head is None or tail is None or head == tail:
            continue
        if entry.envoy_words and entities[tail]["label"] == "PER" and _envoy_between(sdoc, entities, head, tail, entry):
            continue  # `Jokowi menerima utusan Presiden Xi Jinping`: Xi was not there
        if entities[head]["label"] == "PER" and entry.not_person_words \
                and any(w.lower() in entry.not_person_words for w in entities[head]["text"].split()):
            continue  # `Kantor Kemenag` tagged PER is no person
        ev_start, ev_end = sdoc[start].idx, sdoc[end - 1].idx + len(sdoc[end - 1].text)
        tails = [tail]
        if entities[tail]["label"] == "QUOTE" and entities[tail]["start"] <= entities[head]["start"] \
                and entities[head]["end"] <= entities[tail]["end"]:
            continue  # a name inside the quote is no speaker of it (`"... pimpinan KPK," kata ...`)
        if entities[tail]["label"] == "QUOTE":
            tails = quote_region(entities, doc_text(sdoc), tail)
        elif _sentence_of(sentences, entities[head]["start"]) != _sentence_of(sentences, entities[tail]["start"]):
            continue
        for t in tails:
            yield RelationMatch(entry.label, head, t, entry.name, ev_start, ev_end)


def _envoy_between(sdoc: Doc, entities: list[dict], head: int, tail: int, entry: PatternEntry) -> bool:
    """An envoy word (`utusan`, `delegasi`) outside the entities between a meeting's head and a
    person tail: the person sent the envoy and is no party (relations-dev decision 21 makes a named
    body or country the party for its unnamed envoys, not a person)."""
    if entry.label != "bertemu":
        return False
    a, b = sorted((entities[head]["end"], entities[tail]["start"]))
    span = sdoc.char_span(a, b, alignment_mode="expand")
    return span is not None and any(t.lower_ in entry.envoy_words and not t.ent_type_ for t in span)


def symmetric_labels(path: str) -> frozenset[str]:
    """Labels the patterns file declares symmetric (`labels: {bertemu: {symmetric: true}}`)."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return frozenset(k for k, v in (data.get("labels") or {}).items() if (v or {}).get("symmetric"))


def merge_relations(found: Sequence[RelationMatch], symmetric: Iterable[str] = ()) -> list[RelationMatch]:
    """One relation per fact (label, head, tail; either order for symmetric labels); first pattern wins."""
    symmetric = frozenset(symmetric)
    seen: dict[tuple, RelationMatch] = {}
    for r in found:
        h, t = (min(r.head, r.tail), max(r.head, r.tail)) if r.label in symmetric else (r.head, r.tail)
        seen.setdefault((r.label, h, t), r)
    return list(seen.values())
