"""Persons the model misses or mislabels: cues after titles and speech words, titles' persons,
honorifics stripped, adjacent names joined, names propagated through the document."""
from __future__ import annotations

import re
from typing import Optional

from spacy.tokens import Doc

from ..tokenize import doc_text
from .rules import EntityRules
from .spans import NAME_PARTICLES, Found, as_candidate, is_candidate, model_ran


DOTTED_INITIALS = re.compile(r"^(?:[A-Z]\.){1,3}$")


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
                or t.is_punct or t.text.isupper() and len(t.text) > 1 and j == i and len(t.text) <= 4 \
                and not DOTTED_INITIALS.match(t.text):  # an acronym starts no name; `A.M.` (Fachir) does
            break
        j += 1
    if j == i or all(rules.known_word(t.text) for t in doc[i:j]):
        return None
    return i, j


def find_person_cues(doc: Doc, spans: list[Found], rules: EntityRules,
                     headline: frozenset[int] | set[int] = frozenset()) -> list[Found]:
    """PER for capitalised words after a TITLE chain (`Menteri Pertahanan Rusia Sergei Shoigu`) or
    after a speech word (`kata Lavrov`), where no other span is. Where the model ran they are
    candidates (`merge.is_candidate`): the model saw the words and found no name."""
    taken = bytearray(len(doc_text(doc)) + 1)
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
            if doc[nxt].lower_ in ("nonaktif", "terpilih"):
                end = doc[nxt].idx + len(doc[nxt].text)  # `Sekda Provinsi Jawa Barat nonaktif Iwa Karniwa`
                continue
            if doc[nxt].lower_ in ("untuk", "di", "provinsi", "kabupaten", "kota") and nxt + 1 < len(doc) and \
                    (by_start.get(doc[nxt + 1].idx) or f).label in ("LOC", "ORG"):
                end = doc[nxt].idx + len(doc[nxt].text)  # `Duta Besar Iran untuk PBB, Majid ...`
                continue
            if doc[nxt].lower_ == "bidang" and nxt + 1 < len(doc) and doc[nxt + 1].text[:1].isupper():
                m = nxt + 1  # `Wakil Ketua Umum Kadin Indonesia Bidang Properti Hendro S. Gondokusumo`: the field
                while m < len(doc) and (doc[m].lower_ in ("dan", ",") or doc[m].is_title and rules.known_word(doc[m].text)):
                    m += 1
                end = doc[m - 1].idx + len(doc[m - 1].text)
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
    if model_ran(doc):  # the model saw these words and found no name: candidates for relations only
        found = [as_candidate(f) for f in found]
    return found


def _next_token(doc: Doc, char: int, starts: dict[int, int]) -> Optional[int]:
    while char < len(doc_text(doc)) and doc_text(doc)[char] == " ":
        char += 1
    return starts.get(char)


def _per(doc: Doc, run: tuple[int, int]) -> Found:
    span = doc[run[0]:run[1]]
    return Found(span.start_char, span.end_char, "PER", "rule", "person_cue")


def strip_honorifics(text: str, spans: list[Found], honorifics: set[str]) -> list[Found]:
    """ANNOTATION.md: PER is the name without title or honorific: `Sheikh Sabah al-Ahmed` ->
    `Sabah al-Ahmed`, `H. Anda Suhanda` -> `Anda Suhanda`. A lone honorific is dropped before a
    capitalised word and kept elsewhere (`kata Buya` where the text calls him so)."""
    out = []
    for f in spans:
        if f.label == "PER" and text[f.start:f.end].rstrip(".").lower() in honorifics \
                and re.match(r"\s+[A-Z]", text[f.end:f.end + 2]):
            continue  # `Sheikh` + `Sabah al-Ahmed`: the honorific alone before a name is no name
        if f.label == "PER":
            s = f.start
            while True:
                m = re.match(r"(\S+)\s+", text[s:f.end])
                if not m or m.group(1).rstrip(".").lower() not in honorifics:
                    break
                s += m.end()
            if s != f.start:
                f = Found(s, f.end, f.label, f.source, f.rule)
        out.append(f)
    return out


def persons_after_titles(doc: Doc, spans: list[Found], rules: EntityRules) -> list[Found]:
    """A title chain is followed by a person: a model ORG/LOC right after `TITLE [ORG|LOC] [,]`
    made of capitalised words, not all in the dictionary, no acronym, body word or listed name
    (nor one ending in a listed name, `Provinsi Jawa Barat`), becomes PER
    (`juru bicara Kementrian Pertahanan Rusia, Igor Konashenkov`, `Bupati Lampung Utara, Agung Ilmu
    Mangkunegara`)."""
    out = list(spans)
    for k, f in enumerate(out):
        if f.label not in ("ORG", "LOC") or f.source != "model" or k == 0:
            continue
        j = k - 1
        if doc_text(doc)[out[j].end:f.start].strip() not in ("", ","):
            continue
        if out[j].label in ("ORG", "LOC") and j > 0 and doc_text(doc)[out[j - 1].end:out[j].start].strip() == "":
            j -= 1
        if out[j].label != "TITLE":
            continue
        words = doc_text(doc)[f.start:f.end].split()
        names = [w for w in words if w.lower() not in NAME_PARTICLES and w.split("-")[0].lower() not in NAME_PARTICLES]
        if len(words) >= 2 and names and words[0] in names \
                and all(w[:1].isupper() and w.lower() not in rules.titles.body_words for w in names) \
                and not all(rules.known_word(w) for w in names) and not any(w in rules.listed_names for w in words) \
                and not any(w.isupper() and len(w) > 1 for w in words) \
                and not any(" ".join(words[i:]) in rules.listed_names for i in range(len(words))) \
                and not any(w in rules.place_names for w in words):  # `Raja Salman bin Abdulaziz al-Saud` (LOC)
            # names may hold dictionary words (`Agung Ilmu Mangkunegara`), not all of them
            out[k] = Found(f.start, f.end, "PER", f.source, "after_title")
    return out


NAME_GAPS = (" ", "\u00a0", "\u00ac\u2020")  # a space, a no-break space, and one read as Mac Roman (`Joko¬†Widodo`)


def join_adjacent_persons(text: str, spans: list[Found]) -> list[Found]:
    """`Mohammad Javad` (cue) + `Zarif` (model), separated by one space -> one PER (also by a
    no-break space, as CLICK-ID writes it: `Joko¬†Widodo`)."""
    out: list[Found] = []
    for f in spans:
        prev = out[-1] if out else None
        if prev and prev.label == f.label == "PER" and text[prev.end:f.start] in NAME_GAPS:
            kept = prev if not is_candidate(prev) or is_candidate(f) else f  # the model's part decides
            out[-1] = Found(prev.start, f.end, "PER", kept.source, kept.rule)
        else:
            out.append(f)
    return out


def propagate_names(doc: Doc, spans: list[Found]) -> list[Found]:
    """A person named in full once (`Sergei Shoigu`) is the same person when the surname or the
    full name appears again: those mentions become PER (model LOC/ORG on them is corrected)."""
    text = doc_text(doc)
    names = set()
    for f in spans:
        if f.label == "PER" and not is_candidate(f):
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


def split_body_before_name(text: str, spans: list[Found]) -> list[Found]:
    """`Ketua Umum Hanura Oesman Sapta Odang`: a person run right after a TITLE that begins with a
    body's one-word name becomes ORG + PER, when the document itself shows both halves apart: the
    first word used without the second one (`Partai Hanura`, `kader Hanura`) and the second word
    used without the first one (`kata Oesman`). Without that evidence the run stays one person."""
    titles_end = {f.end for f in spans if f.label == "TITLE"}
    out: list[Found] = []
    for f in spans:
        words = list(re.finditer(r"\S+", text[f.start:f.end]))
        before = text[:f.start].rstrip(" ,")
        if f.label != "PER" or len(words) < 3 or len(before) not in titles_end:
            out.append(f)
            continue
        first, second = words[0].group(), words[1].group()
        if not (first[:1].isupper() and first.isalpha() and second[:1].isupper()):
            out.append(f)
            continue
        first_alone = re.search(rf"\b{re.escape(first)}\b(?!\s+{re.escape(second)}\b)", text)
        second_alone = re.search(rf"(?<!\b{re.escape(first)} )\b{re.escape(second)}\b", text)
        # or the first word is used as a place or body elsewhere: after a preposition (`ke Zanzibar`,
        # `antara Indonesia dan Zanzibar`) and never followed by the rest of the name there
        place_use = re.search(rf"\b(?:ke|di|dari|antara|dan)\s+{re.escape(first)}\b(?!\s+{re.escape(second)}\b)", text)
        if first_alone and (second_alone or place_use):
            cut = f.start + words[1].start()
            out.append(Found(f.start, f.start + words[0].end(), "ORG", f.source, "body_before_name"))
            out.append(Found(cut, f.end, "PER", f.source, f.rule))
        else:
            out.append(f)
    return out


BODY_NAME_LINKS = ("", ",", "dari", "di", "untuk")  # what may stand between a title and the body after it


def split_name_after_body(text: str, spans: list[Found], rules: EntityRules) -> list[Found]:
    """`Anggota Badan Legislasi dari Partai Keadilan Sejahtera Ledia` + PER `Hanifa Amaliah`,
    `Direktur Universitas Andalas Feri Amsari`: a model ORG/LOC right after a title (or after the
    title's `dari`/`di`/`untuk`) that runs on into a person's name is cut where the body ends.
    The body part must be known apart from this mention (a listed name, or an ORG/LOC of the same
    text elsewhere in the document), more than a bare body word; the name part is 1-3 capitalised words, not all in the dictionary, no acronym or listed name, and it is a person
    when a PER follows it directly, when it has two words or more, or when the document uses its
    first word elsewhere without the body before it. The name part joins the PER after it."""
    out: list[Found] = []
    titles_end = {f.end for f in spans if f.label == "TITLE"}
    ordered = sorted(spans, key=lambda f: (f.start, f.end))
    skip: set[int] = set()
    bodies: dict[str, list[Found]] = {}
    for g in ordered:
        if g.label in ("ORG", "LOC"):
            bodies.setdefault(text[g.start:g.end], []).append(g)
    for k, f in enumerate(ordered):
        if k in skip:
            continue
        if f.label not in ("ORG", "LOC") or f.source != "model":
            out.append(f)
            continue
        words = list(re.finditer(r"\S+", text[f.start:f.end]))
        # the text before the span, looked at within a window (the whole prefix per span made
        # long documents quadratic); offsets stay absolute
        w0 = max(0, f.start - 300)
        before, link, ahead = _text_before(text, w0, f.start)
        if w0 and not ahead:  # the window holds too little
            w0, (before, link, ahead) = 0, _text_before(text, 0, f.start)
        after_title = w0 + len(before) in titles_end or link.lower() in BODY_NAME_LINKS[2:] \
            and w0 + len(ahead) in titles_end
        if len(words) < 2 or not after_title:
            out.append(f)
            continue
        nxt = ordered[k + 1] if k + 1 < len(ordered) else None
        per_next = nxt is not None and nxt.label == "PER" and text[f.end:nxt.start] == " "
        cut = _body_name_cut(text, f, words, rules, per_next, bodies)
        if cut is None:
            out.append(f)
            continue
        body_end, name_start = f.start + words[cut - 1].end(), f.start + words[cut].start()
        out.append(Found(f.start, body_end, f.label, f.source, "body_before_person"))
        if per_next:
            out.append(Found(name_start, nxt.end, "PER", nxt.source, nxt.rule))
            skip.add(k + 1)
        else:
            out.append(Found(name_start, f.end, "PER", f.source, "body_before_person"))
    return out


def _text_before(text: str, start: int, end: int) -> tuple[str, str, str]:
    """text[start:end] without trailing space, its last word, and what precedes that word
    (without trailing spaces and commas)."""
    before = text[start:end].rstrip()
    link = before.rsplit(None, 1)[-1] if before else ""
    return before, link, before[:len(before) - len(link)].rstrip(" ,")


def _body_name_cut(text: str, f: Found, words: list, rules: EntityRules, per_next: bool,
                   bodies: dict[str, list[Found]]) -> Optional[int]:
    """Index of the span's first name word (see `split_name_after_body`), or None."""
    ws = [w.group() for w in words]
    for cut in range(len(ws) - 1, max(0, len(ws) - 4), -1):
        body, name = ws[:cut], ws[cut:]
        if not all(w[:1].isupper() and w.isalpha() and not (w.isupper() and len(w) > 1) and w not in rules.listed_names
                   and w.lower() not in rules.titles.body_words for w in name) or " ".join(name) in rules.listed_names:
            break  # name words are capitalised words, no acronyms, listed names or body words
        if all(rules.known_word(w) for w in name):
            continue  # ... and not all of them dictionary words (`Feri Amsari`: `feri` is one)
        last = body[-1]
        body_text = " ".join(body)
        elsewhere = [g for g in bodies.get(body_text, []) if g.start != f.start]
        if not (body_text in rules.listed_names or elsewhere) or body_text.lower() in rules.titles.body_words:
            continue
        name_elsewhere = re.search(rf"(?<!{re.escape(last)} )(?<!\w){re.escape(name[0])}(?!\w)", text)
        if per_next or len(name) >= 2 or name_elsewhere:
            return cut
    return None


INITIALS = re.compile(r"(?:[A-Z]\.){2,3}$")  # `A.M.`; bare capitals (`EA`) are too often a body's acronym


def initials_before_person(text: str, spans: list[Found], listed: set[str]) -> list[Found]:
    """A person's dotted initials right before the name the model found belong to it (`Wakil
    Menteri Luar Negeri A.M. Fachir`): two or three, not inside another span, not a listed name.
    (Bare capitals, `Sekretaris DPRD Banten EA Deni Hermawan`, were tried and left out: they lowered
    the untouched part of relations-dev.)"""
    covered = bytearray(len(text) + 1)
    for f in spans:
        for k in range(f.start, f.end):
            covered[k] = 1
    out = []
    for f in spans:
        if f.label == "PER" and f.start >= 2 and text[f.start - 1] == " ":
            m = re.search(r"(?:^|(?<=\s))(\S+)$", text[max(0, f.start - 12):f.start - 1])
            if m:
                word = m.group(1)
                s = f.start - 1 - len(word)
                if INITIALS.match(word) and word not in listed and word.rstrip(".") not in listed \
                        and not any(covered[s:f.start - 1]):
                    f = Found(s, f.end, f.label, f.source, f.rule)
        out.append(f)
    return out
