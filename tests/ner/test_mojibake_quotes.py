"""Curly quotation marks mis-decoded as Mac Roman (`‚Äú...‚Äù`, CLICK-ID's tempo texts) still mark a QUOTE,
with offsets into the text as it is (pipeline/ner/quotes.py)."""
from pipeline.ner.quotes import find_quotes


def test_misdecoded_curly_quotes_mark_a_quote():
    text = 'Sebelumnya,‚ÄúItu adalah serangan yang melanggar hukum internasional,‚Äù kata Raab.'
    quotes = find_quotes(text, [{"start": 0, "end": len(text)}])
    assert [text[f.start:f.end] for f in quotes] == ["Itu adalah serangan yang melanggar hukum internasional"]
