"""Tokenizer and sentence cases of Indonesian news text."""
import pytest

from pipeline.config import load_config
from pipeline.nlp import build_nlp
from pipeline.tokenize import sentence_offsets


@pytest.fixture(scope="module")
def nlp():
    return build_nlp(load_config(None, {"pipeline": {"model": None, "stages": ["tokenize"]}}))


def toks(nlp, text):
    return [t.text for t in nlp(text) if not t.is_space]


def sents(nlp, text):
    doc = nlp(text)
    return [text[s["start"]:s["end"]] for s in sentence_offsets(doc)]


def test_date_in_brackets_stays_one_token(nlp):
    assert toks(nlp, "pada hari Jumat (28/10) menyerukan") == ["pada", "hari", "Jumat", "(", "28/10", ")", "menyerukan"]
    assert "29/10/2013" in toks(nlp, "Selasa (29/10/2013) lalu")


def test_clock_time_and_zone(nlp):
    assert toks(nlp, "Dedy Istanto 05:08 WIB | Minggu") == ["Dedy", "Istanto", "05:08", "WIB", "|", "Minggu"]


def test_rupiah_amounts(nlp):
    assert toks(nlp, "dana Rp 5 juta") == ["dana", "Rp", "5", "juta"]
    assert toks(nlp, "dana Rp5 juta") == ["dana", "Rp", "5", "juta"]


def test_number_glued_to_unit(nlp):
    assert toks(nlp, "sekitar 30km selatan Mosul") == ["sekitar", "30", "km", "selatan", "Mosul"]


def test_dash_run_after_dateline(nlp):
    assert toks(nlp, "DAMASKUS--- Presiden Suriah") == ["DAMASKUS", "---", "Presiden", "Suriah"]
    assert toks(nlp, "DAMASKUS---Presiden") == ["DAMASKUS", "---", "Presiden"]


def test_site_name_is_one_token(nlp):
    assert toks(nlp, "REPUBLIKA.CO.ID, DAMASKUS") == ["REPUBLIKA.CO.ID", ",", "DAMASKUS"]


def test_acronyms_keep_their_form(nlp):
    assert toks(nlp, "Amerika Serikat (AS) dan PBB.") == ["Amerika", "Serikat", "(", "AS", ")", "dan", "PBB", "."]


def test_street_abbreviation(nlp):
    assert toks(nlp, "di Jl. Sudirman No. 5") == ["di", "Jl.", "Sudirman", "No.", "5"]


def test_both_kinds_of_quotes_split(nlp):
    assert toks(nlp, "“Kami tertarik,” kata Lavrov.") == ["“", "Kami", "tertarik", ",", "”", "kata", "Lavrov", "."]
    assert toks(nlp, '"Kami akan," katanya.') == ['"', "Kami", "akan", ",", '"', "katanya", "."]


def test_hyphenated_nya_and_reduplication(nlp):
    assert toks(nlp, "rekan Rusia-nya, Vladimir Putin") == ["rekan", "Rusia", "-nya", ",", "Vladimir", "Putin"]
    assert toks(nlp, "rekan-rekan Irak dan buku-bukunya") == ["rekan-rekan", "Irak", "dan", "buku-bukunya"]
    assert toks(nlp, "Bashar al-Assad") == ["Bashar", "al-Assad"]


def test_sentences_survive_abbreviations(nlp):
    text = "Ia tinggal di Jl. Merdeka No. 3 bersama Dr. Budi dan Prof. Ani. H. Ahmad juga datang."
    assert sents(nlp, text) == ["Ia tinggal di Jl. Merdeka No. 3 bersama Dr. Budi dan Prof. Ani.", "H. Ahmad juga datang."]


def test_dll_may_end_a_sentence(nlp):
    text = "Mereka membawa batu, tongkat, dll. Polisi menyita semuanya."
    assert sents(nlp, text) == ["Mereka membawa batu, tongkat, dll.", "Polisi menyita semuanya."]
    assert len(sents(nlp, "buah, sayur, dll. yang dijual")) == 1


def test_acronym_at_sentence_end(nlp):
    text = "Resolusi itu didukung Rusia dan AS. Gencatan senjata berlaku sejak Februari."
    assert sents(nlp, text) == ["Resolusi itu didukung Rusia dan AS.", "Gencatan senjata berlaku sejak Februari."]


def test_closing_quote_belongs_to_the_sentence(nlp):
    text = '"Kami akan membicarakan hal ini." Lavrov lalu pergi.'
    assert sents(nlp, text) == ['"Kami akan membicarakan hal ini."', "Lavrov lalu pergi."]


def test_line_break_ends_sentence(nlp):
    assert sents(nlp, "Gencatan Senjata Suriah\nGencatan senjata berlaku.") == [
        "Gencatan Senjata Suriah", "Gencatan senjata berlaku."]


def test_hard_wrapped_text_keeps_sentences_across_line_breaks(nlp):
    # lines cut at a fixed width, as in the idhoax texts: a line break is no sentence end there
    text = ("Hal itu disampaikan Ketua Umum PDIP\nMegawati Soekarnoputri di Jakarta pada hari\nSenin. "
            "Ia hadir di sana\nbersama Menteri Keuangan\nSri Mulyani dan para\nmenteri lainnya.\nAcara usai.")
    assert sents(nlp, text) == [
        "Hal itu disampaikan Ketua Umum PDIP\nMegawati Soekarnoputri di Jakarta pada hari\nSenin.",
        "Ia hadir di sana\nbersama Menteri Keuangan\nSri Mulyani dan para\nmenteri lainnya.", "Acara usai."]


def test_paragraph_lines_still_end_sentences(nlp):
    # one paragraph a line (cleaned news): a headline without a final stop stays its own sentence
    text = "Jokowi Temui Prabowo\nPresiden Joko Widodo bertemu Prabowo.\nKeduanya makan siang.\nLalu berpisah."
    assert sents(nlp, text) == ["Jokowi Temui Prabowo", "Presiden Joko Widodo bertemu Prabowo.",
                                "Keduanya makan siang.", "Lalu berpisah."]


def test_misdecoded_no_break_space_is_split_off(nlp):
    # CLICK-ID's tempo and kompas texts carry a no-break space read as Mac Roman: `¬†`
    assert toks(nlp, "-¬†Menteri Ketenagakerjaan Hanif hadir. Menkumham¬†Yasonna Laoly hadir.¬†Dengan itu.") == [
        "-", "¬†", "Menteri", "Ketenagakerjaan", "Hanif", "hadir", ".", "Menkumham", "¬†", "Yasonna", "Laoly",
        "hadir", ".", "¬†", "Dengan", "itu", "."]
    assert len(sents(nlp, "Menkumham¬†Yasonna Laoly hadir.¬†Dengan itu rapat dimulai.")) == 2


def test_misdecoded_curly_quotes_are_tokens_of_their_own(nlp):
    text = 'Sebelumnya,‚ÄúItu adalah serangan. Soal siapa jelas,‚Äù kata Raab.'
    assert toks(nlp, text) == ["Sebelumnya", ",", "‚Äú", "Itu", "adalah", "serangan", ".", "Soal", "siapa", "jelas",
                               ",", "‚Äù", "kata", "Raab", "."]


def test_dateline_dash_glued_to_the_first_word_is_split(nlp):
    assert toks(nlp, ", ,-Wakil Ketua KPK hadir. Al-Assad tiba.") == [
        ",", ",", "-", "Wakil", "Ketua", "KPK", "hadir", ".", "Al-Assad", "tiba", "."]


def test_comma_run_between_words_is_split(nlp):
    # posmetro pages in CLICK-ID end the last attribution with a scrape's leftovers
    assert toks(nlp, "kata Febri,,,loading...") == ["kata", "Febri", ",,,", "loading", "..."]
    assert toks(nlp, "ujar Budi,,, lalu") == ["ujar", "Budi", ",", ",", ",", "lalu"]
    assert toks(nlp, "Rp1,5 juta, kata dia.") == ["Rp", "1,5", "juta", ",", "kata", "dia", "."]
