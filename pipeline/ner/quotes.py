"""Direct speech (QUOTE): text inside quotation marks, or the part before `..., kata X`."""
from __future__ import annotations

import re
from typing import Optional

from ..lang import lexicon
from .spans import Found

OPEN_QUOTES = {"“": "”", '"': '"', "«": "»"}
# Curly quotation marks read with the wrong code page (UTF-8 shown as Mac Roman), common in CLICK-ID's
# tempo texts: each is read as the mark it stands for, padded to its length so offsets stay the text's.
MOJIBAKE_MARKS = {"‚Äú": "  “", "‚Äù": "”  "}


def _readable_marks(text: str) -> str:
    """The text with mis-decoded quotation marks as real ones (same length, same offsets)."""
    for bad, good in MOJIBAKE_MARKS.items():
        if bad in text:
            text = text.replace(bad, good)
    return text


def _alternatives(words: list[str]) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


_ATTRIBUTION = lexicon()["attribution_verbs"] + lexicon()["attribution_verbs_nya"]
SPEECH_VERBS_RE = re.compile(r",\s*(?:\"|”)?\s*(" + _alternatives(_ATTRIBUTION) + r")\b", re.IGNORECASE)
REPORTING_RE = re.compile(r"\b(" + _alternatives(lexicon()["reporting_cues"]) + r")\b", re.IGNORECASE)


def find_quotes(text: str, sentences: list[dict[str, int]]) -> list[Found]:
    """Direct speech: text inside quotation marks (one span per sentence it covers), or, in a
    sentence without marks, the part before `..., kata/ujar/ucap X`."""
    text = _readable_marks(text)
    found: list[Found] = []
    regions = _quote_regions(text)
    for qs, qe in regions:
        for sent in sentences:
            s, e = max(qs, sent["start"]), min(qe, sent["end"])
            if s < e:
                span = _trim(text, s, e)
                if span and (len(text[span[0]:span[1]].split()) >= 3 or _attributed(text, qe)):
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


def _attributed(text: str, close: int) -> bool:
    """A short quotation is speech when an attribution follows its closing mark (`"OK, jelas,"
    kata Netanyahu`, `"Kebohongan maksimal," tulis Zarif`), not a quoted phrase."""
    return bool(re.match(r'[,.!?]*\s*["”]?\s*,?\s*(kata|ujar|ucap|tegas|tulis|tutur|jelas|imbuh|tambah)\b',
                         text[close + 1:close + 20], re.IGNORECASE))


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
