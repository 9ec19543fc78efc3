"""TITLE spans from a grammar (`lang/id/title_grammar.yaml`, ANNOTATION.md v2 section 2).

    title = qualifier* head (modifier | portfolio | unit | head | "(" abbreviation ")")*

An office is composed from data: qualifiers (`Wakil`, `mantan`, `Plt`), heads (`Ketua`,
`Menteri`, `Duta Besar`), abbreviated offices (`Menlu`, `Wasekjen`), modifiers (`Umum`,
`Jenderal`, `terpilih`), internal units (`DPP`, `Dewan Pembina`, `Komisi III`) and, after a
portfolio head, a portfolio of abstract nouns (`Luar Negeri`, `Komunikasi dan Informatika`).
It stops where a named organization or place begins: a gazetteer name, an acronym that is no
title or unit, or a body word (`Komisi`, `Badan`, `Kementerian`) that is not followed by
another organization (if it is, the body word was an internal unit: `Direktur Departemen Asia
Kedua Kementerian Luar Negeri Rusia`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Optional

import yaml
from spacy.tokens import Doc

ROMAN = re.compile(r"^[IVXL]+$")
ACRONYM = re.compile(r"^[A-Z][A-Z&-]{1,7}$")  # `PUPR`, `ATR`, `PMK` in brackets after a portfolio
MINISTER_ABBREVIATION = re.compile(r"^(Men|Wamen|Ka|Waka)[a-z]{3,}$")
DEFAULT_PATH = Path(__file__).parent / "lang" / "id" / "title_grammar.yaml"


def _phrases(words: list[str]) -> dict[str, list[tuple[str, ...]]]:
    """first word -> phrases (as lower-case word tuples), longest first."""
    out: dict[str, list[tuple[str, ...]]] = {}
    for w in words:
        t = tuple(w.lower().split())
        out.setdefault(t[0], []).append(t)
    for v in out.values():
        v.sort(key=len, reverse=True)
    return out


@dataclass
class TitleGrammar:
    """The word classes of the title grammar."""

    qualifiers: dict = field(default_factory=dict)
    heads: dict = field(default_factory=dict)
    portfolio_heads: set = field(default_factory=set)
    abbreviations: dict = field(default_factory=dict)
    abbreviated_portfolio: set = field(default_factory=set)
    modifiers: dict = field(default_factory=dict)
    units: dict = field(default_factory=dict)
    numbered_units: set = field(default_factory=set)
    named_units: set = field(default_factory=set)
    bill_words: set = field(default_factory=set)
    body_words: set = field(default_factory=set)
    portfolio_words: set = field(default_factory=set)
    portfolio_suffixes: tuple = ()
    connectors: set = field(default_factory=set)
    reject_after: set = field(default_factory=set)
    name_part_heads: set = field(default_factory=set)
    units_before_name: set = field(default_factory=set)
    lower_units: set = field(default_factory=set)
    ranks: dict = field(default_factory=dict)
    ordinal: Optional[re.Pattern] = None
    abstract_noun: Optional[re.Pattern] = None

    @classmethod
    def load(cls, path: str | Path = DEFAULT_PATH) -> "TitleGrammar":
        return _load(str(path))

    def title_words(self) -> set[str]:
        """Every single word that is a head or an abbreviated office (lower case)."""
        return {p[0] for d in (self.heads, self.abbreviations) for ps in d.values() for p in ps if len(p) == 1}


@lru_cache(maxsize=4)
def _load(path: str) -> TitleGrammar:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    heads: list[str] = []
    portfolio: set[tuple[str, ...]] = set()
    for group in data["heads"]:
        heads += group["words"]
        if group.get("portfolio"):
            portfolio.update(tuple(w.lower().split()) for w in group["words"])
    low = lambda key: {w.lower() for w in data.get(key, [])}  # noqa: E731
    return TitleGrammar(
        qualifiers=_phrases(data.get("qualifiers", [])), heads=_phrases(heads), portfolio_heads=portfolio,
        abbreviations=_phrases(data.get("abbreviations", [])),
        abbreviated_portfolio=low("takes_abbreviated_portfolio"), modifiers=_phrases(data.get("modifiers", [])),
        units=_phrases(data.get("units", [])), numbered_units=low("numbered_units"), body_words=low("body_words"),
        named_units=low("named_units"), bill_words=low("bill_words"),
        portfolio_words=low("portfolio_words"), portfolio_suffixes=tuple(data.get("portfolio_suffixes", [])),
        connectors=low("portfolio_connectors"), reject_after=low("reject_after"),
        name_part_heads=low("name_part_heads"), units_before_name=low("units_before_name"), lower_units=low("lower_units"),
        ranks=_phrases(data.get("ranks", [])),
        ordinal=re.compile(data["ordinal_pattern"]) if data.get("ordinal_pattern") else None,
        abstract_noun=re.compile(data["abstract_noun_pattern"]) if data.get("abstract_noun_pattern") else None)


def _match(doc: Doc, i: int, table: dict) -> int:
    """Length in tokens of the longest phrase of `table` starting at token i (0 if none)."""
    if i >= len(doc):
        return 0
    for phrase in table.get(doc[i].lower_, []):
        if tuple(t.lower_ for t in doc[i:i + len(phrase)]) == phrase:
            return len(phrase)
    return 0


def find_titles(doc: Doc, grammar: TitleGrammar, name_starts: dict[int, str],
                known_word: Callable[[str], bool] = lambda w: False) -> list[tuple[int, int, str]]:
    """(start token, end token, rule) of every TITLE; `name_starts` maps the token indices where a
    gazetteer place or organization begins to its label (the title stops there)."""
    title_words = grammar.title_words()
    opening_words = grammar.qualifiers.keys() | grammar.heads.keys() | grammar.abbreviations.keys()
    lowers = [t.lower_ for t in doc]
    out: list[tuple[int, int, str]] = []
    i = 0
    while i < len(doc):
        if lowers[i] not in opening_words:  # a title begins with a qualifier, a head or an abbreviation
            i += 1
            continue
        found = _title_at(doc, i, grammar, name_starts, known_word, title_words)
        if found is None:
            i += 1
            continue
        end, rule = found
        if i > 0 and doc[i - 1].lower_ in grammar.reject_after:
            # `para Menteri Kabinet Kerja Presiden Joko Widodo`: no office held, but a head after the
            # portfolio starts one of its own
            i = next((k for k in range(i + 1, end) if doc[k].text[:1].isupper() and _match(doc, k, grammar.heads)
                      and doc[k - 1].lower_ not in title_words and not _match(doc, k - 1, grammar.qualifiers)), end)
            continue
        if i > 0 and doc[i - 1].is_title and doc[i - 1].lower_ in grammar.body_words:
            i = end  # `Kepala Sekretariat Presiden`, `Kantor Presiden`: the office word names the body
            continue
        out.append((i, end, rule))
        i = end
    return out


def _is_name_start(doc: Doc, k: int, grammar: TitleGrammar, name_starts: dict[int, str], title_words: set[str]) -> bool:
    """A named organization or place begins at token k."""
    t = doc[k]
    if k in name_starts:
        return True
    if t.is_upper and len(t.text) >= 2 and t.is_alpha and t.lower_ not in title_words \
            and not _match(doc, k, grammar.units):
        return True  # an acronym: KPK, DPR, RRC
    return t.is_title and t.lower_ in grammar.body_words


def _title_at(doc: Doc, i: int, grammar: TitleGrammar, name_starts: dict[int, str], known_word: Callable[[str], bool],
              title_words: set[str]) -> Optional[tuple[int, str]]:
    k = i
    while n := _match(doc, k, grammar.qualifiers):
        k += n
        if k + 2 < len(doc) and doc[k].text == "(" and doc[k + 2].text == ")" and _match(doc, k + 1, grammar.qualifiers):
            k += 3  # `Pelaksana Tugas (Plt) Menko ...`: the qualifier with its abbreviation
    if _match(doc, k, grammar.ranks):
        return None  # `Komisaris Jenderal`, `Komisaris Besar`: a rank, no office
    n = _match(doc, k, grammar.heads) or _match(doc, k, grammar.abbreviations)
    if not n or (n == 1 and k == i and _inside_name(doc, k, grammar, known_word, title_words)):
        return None
    rule = "title_grammar"
    abbreviated = not _match(doc, k, grammar.heads)
    head = tuple(t.lower_ for t in doc[k:k + n])
    portfolio = head in grammar.portfolio_heads
    k += n
    if head[-1] in grammar.abbreviated_portfolio and k < len(doc) and doc[k].text[:1].isupper() \
            and k not in name_starts and not known_word(doc[k].text) and not _match(doc, k, grammar.heads):
        k += 1  # Menko Polhukam, Menko Kesra: nothing but a bracket follows
        if k + 2 < len(doc) and doc[k].text == "(" and doc[k + 2].text == ")":
            k += 3
        return k, "title_abbreviated"
    in_portfolio = False
    while k < len(doc):
        t = doc[k]
        if t.is_space and k + 1 < len(doc) and doc[k + 1].text == "(":
            k += 1
            continue
        if t.text == "(" and k + 1 < len(doc) and _is_title_abbreviation(doc[k + 1], grammar):
            close = next((m for m in range(k + 2, min(k + 4, len(doc))) if doc[m].text == ")"), None)
            if close is not None:
                k = close + 1  # Menteri Luar Negeri (Menlu), Menteri Koordinator ... (Menko Polhukam)
                continue
        if t.text == "(" and in_portfolio and k + 2 < len(doc) and doc[k + 2].text == ")" \
                and ACRONYM.match(doc[k + 1].text) and k + 1 not in name_starts:
            k += 3  # `Menteri Pekerjaan Umum dan Perumahan Rakyat (PUPR)`: the portfolio's abbreviation
            break
        if grammar.ordinal is not None and (n := _ordinal_length(doc, k, grammar.ordinal)):
            k += n  # `Presiden ke-3` (one token or `ke` `-` `3`)
            continue
        if not abbreviated and (n := _match(doc, k, grammar.modifiers)):
            k += n  # `Ketua Umum`; not after an abbreviation: `Kapolri Jenderal Sutarman` is a rank
            continue
        if t.lower_ in grammar.named_units and t.text[:1].isupper():
            k = _named_unit_end(doc, k, grammar, known_word)  # `Ketua Pansus Pemindahan Ibu Kota`, `Ketua Panja RUU KPK`
            in_portfolio = False
            continue
        if n := _match(doc, k, grammar.units):
            k += n
            in_portfolio = False
            continue
        if t.lower_ in grammar.numbered_units and k + 1 < len(doc) and ROMAN.match(doc[k + 1].text):
            k += 2  # Komisi III
            continue
        if t.lower_ == "bidang" and k + 1 < len(doc) and _portfolio_word(doc, k + 1, grammar, name_starts, known_word):
            k += 2  # `Staf Khusus Presiden Bidang Ekonomi`, `Ketua Bidang Hukum`: the office's field
            portfolio = in_portfolio = True
            continue
        q = _match(doc, k, grammar.qualifiers)
        if q and k + q not in name_starts and _match(doc, k + q, grammar.heads) and not _match(doc, k + q, grammar.ranks):
            k += q  # `Juru Bicara Wakil Presiden`: the office of a deputy
            continue
        if k not in name_starts and (n := (_match(doc, k, grammar.heads) or _match(doc, k, grammar.abbreviations))):
            if t.lower_ == doc[k - 1].lower_:
                break  # `Penasihat ... Presiden Presiden Xi Jinping`: the repeated head is the next person's title
            chained = tuple(x.lower_ for x in doc[k:k + n])
            portfolio = portfolio or chained in grammar.portfolio_heads
            k += n  # Staf Khusus Presiden, Sekretaris Menpora, Wakil Ketua
            in_portfolio = False
            continue
        if t.lower_ in grammar.body_words:
            bracketed = _body_then_title_abbreviation(doc, k, grammar)
            if bracketed is not None:
                k = bracketed  # `Kepala Staf Angkatan Darat (KSAD)`: the office with its abbreviation
                break
            unit_end = _unit_before_org(doc, k, grammar, name_starts, title_words, known_word)
            if unit_end is None and t.lower_ in grammar.lower_units and t.is_lower and k + 1 < len(doc) and doc[k + 1].is_lower \
                    and doc[k + 1].lower_ in grammar.portfolio_words | _suffixed(doc[k + 1], known_word):
                k += 2  # `anggota komisi hukum` + ORG `DPR`: a unit named by its field, in lower case
                in_portfolio = False
                continue
            if unit_end is None and t.lower_ in grammar.units_before_name \
                    and (k + 1 == len(doc) or not doc[k + 1].text[:1].isupper()):
                k += 1  # `X sebagai Sekretaris Fraksi, Y ...`: the unit ends the phrase, its body named elsewhere
                break
            if unit_end is None:
                break  # the organization starts here: Ketua [Komisi Pemberantasan Korupsi]
            k = unit_end
            continue
        if portfolio and _portfolio_word(doc, k, grammar, name_starts, known_word):
            k += 1
            in_portfolio = True
            continue
        if portfolio and t.lower_ in grammar.connectors and (in_portfolio or t.lower_ == "bidang"):
            # `Politik, Hukum dan Keamanan` and, with a serial comma, `Politik, Hukum, dan Keamanan`
            m = k + 1
            while m < len(doc) and m <= k + 2 and doc[m].lower_ in grammar.connectors and doc[m].lower_ != t.lower_:
                m += 1
            if m < len(doc) and _portfolio_word(doc, m, grammar, name_starts, known_word):
                k = m + 1
                in_portfolio = True
                continue
        break
    while k > i + 1 and (doc[k - 1].lower_ in grammar.connectors or doc[k - 1].is_space or doc[k - 1].text == "("):
        k -= 1
    return k, rule


def _named_unit_end(doc: Doc, k: int, grammar: TitleGrammar, known_word: Callable[[str], bool]) -> int:
    """End of a committee named by its subject (`Pansus Pemindahan Ibu Kota`, `Panja RUU KPK`):
    capitalised dictionary words and a bill with its object; a name-like word ends it."""
    m = k + 1
    while m < len(doc) and m <= k + 6:
        t = doc[m]
        if t.lower_ in grammar.bill_words and m + 1 < len(doc) and doc[m + 1].text[:1].isupper():
            return m + 2  # `RUU KPK`, `UU Pemilu`: the bill and its object end the subject
        if t.is_title and t.is_alpha and known_word(t.text) and not _match(doc, m, grammar.heads):
            m += 1
            continue
        break
    return m


def _ordinal_length(doc: Doc, k: int, ordinal: re.Pattern) -> int:
    """Tokens of an ordinal number at k (`ke-3`, tokenized as one token or as `ke` `-` `3`), else 0."""
    for n in (1, 3):
        if k + n <= len(doc) and all(not doc[m].whitespace_ for m in range(k, k + n - 1)) \
                and ordinal.match("".join(doc[m].lower_ for m in range(k, k + n))):
            return n
    return 0


def _inside_name(doc: Doc, k: int, grammar: TitleGrammar, known_word: Callable[[str], bool],
                 title_words: set[str]) -> bool:
    """`Hakim` in `Lukman Hakim Saifuddin`: a name-part head between two capitalised non-words."""
    if doc[k].lower_ not in grammar.name_part_heads or k == 0 or k + 1 >= len(doc):
        return False
    return all(t.is_title and t.is_alpha and not known_word(t.text) and t.lower_ not in title_words
               for t in (doc[k - 1], doc[k + 1]))


def _is_title_abbreviation(tok, grammar: TitleGrammar) -> bool:
    """An abbreviated office or unit in brackets: `(Menlu)`, `(PM)`, `(DPP)`."""
    low = tok.lower_
    return any(p == (low,) for d in (grammar.abbreviations, grammar.heads, grammar.units) for p in d.get(low, [])) \
        or bool(MINISTER_ABBREVIATION.match(tok.text))


def _suffixed(t, known_word: Callable[[str], bool]) -> set[str]:
    """{the word} when it is an ordinary word shaped like an abstract noun (`perindustrian`)."""
    return {t.lower_} if t.is_alpha and len(t.text) > 6 and known_word(t.text) \
        and t.lower_.startswith(("pe", "ke")) and t.lower_.endswith("an") else set()


def _portfolio_word(doc: Doc, k: int, grammar: TitleGrammar, name_starts: dict[int, str],
                    known_word: Callable[[str], bool]) -> bool:
    t = doc[k]
    if t.is_lower:  # `Menteri perindustrian`: only an abstract noun, never `dalam`, `luar`
        return k not in name_starts and bool(_suffixed(t, known_word))
    if not t.text[:1].isupper():
        return False
    if k in name_starts or _match(doc, k, grammar.heads) \
            or t.lower_ in grammar.body_words:
        return False
    if t.lower_ in ("dalam", "luar"):  # only `Dalam Negeri`, `Luar Negeri`: `... Presiden Dalam keterangannya`
        return k + 1 < len(doc) and doc[k + 1].lower_ == "negeri"
    if t.lower_ in grammar.portfolio_words:
        return True
    if grammar.abstract_noun is not None and t.is_alpha and grammar.abstract_noun.match(t.lower_):
        return True  # `Ketenagakerjaan`, `Kemaritiman`: ke-/pe-...-an, a field even when no dictionary has it
    return t.is_alpha and known_word(t.text) and t.lower_.endswith(grammar.portfolio_suffixes)


def _body_then_title_abbreviation(doc: Doc, k: int, grammar: TitleGrammar) -> Optional[int]:
    """End after `)` when the capitalised body phrase at k is followed by an abbreviated office in
    brackets (`Angkatan Darat (KSAD)`, `Kepolisian Republik Indonesia (Kapolri)`), else None."""
    m = k + 1
    while m < len(doc) and m <= k + 5 and doc[m].text[:1].isupper() and doc[m].is_alpha:
        m += 1
    if m + 2 < len(doc) and doc[m].text == "(" and doc[m + 2].text == ")" \
            and _is_title_abbreviation(doc[m + 1], grammar) and not _match(doc, m + 1, grammar.units):
        return m + 3
    return None


def _unit_before_org(doc: Doc, k: int, grammar: TitleGrammar, name_starts: dict[int, str],
                     title_words: set[str], known_word: Callable[[str], bool] = lambda w: False) -> Optional[int]:
    """End of the unit (`Departemen Asia Kedua`, `Fraksi`) when another organization follows it
    (a body word, a gazetteer organization or an acronym), else None. An acronym after a name-like
    word is that name's initials (`Mahkamah Konstitusi Mahfud MD`: MD is no organization)."""
    m = k + 1
    while m < len(doc) and m <= k + 4:
        t = doc[m]
        acronym = t.is_upper and t.is_alpha and len(t.text) >= 2  # an acronym, not the initial `H.`
        if acronym and m > k + 1 and name_starts.get(m) != "ORG" and doc[m - 1].is_title \
                and not known_word(doc[m - 1].text) and doc[m - 1].lower_ not in grammar.body_words:
            acronym = False
        if acronym and m > k + 1 and all(doc[x].is_upper and doc[x].is_alpha for x in range(k + 1, m)):
            return None  # `Aliansi BEM SI`: a body word and its acronyms are one organization's name
        org_next = t.lower_ in grammar.body_words or name_starts.get(m) == "ORG" or acronym
        if org_next and (m > k + 1 or t.lower_ in grammar.body_words or doc[k].lower_ in grammar.units_before_name):
            return m  # another organization follows: `Fraksi PDIP`, `Departemen Asia Kedua Kementerian ...`
        if not (t.text[:1].isupper() or t.lower_ in grammar.body_words):
            return None
        m += 1
    return None
