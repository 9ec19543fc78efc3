"""Sastrawi stems with exceptions, POS rules and protected names."""
import pytest

from pipeline.config import load_config
from pipeline.stem import Stemmer


@pytest.fixture(scope="module")
def stemmer():
    return Stemmer(load_config()["stem"]["exceptions"])


@pytest.mark.parametrize("word,stem", [
    ("pasukan", "pasukan"), ("dikuasai", "kuasa"), ("memerangi", "perang"),
    ("gerakan", "gerak"), ("penarikan", "tarik"), ("Bekasi", "bekasi"),
])
def test_exceptions_fix_known_over_stemming(stemmer, word, stem):
    assert stemmer.stem(word) == stem


def test_plain_sastrawi_for_regular_words(stemmer):
    assert stemmer.stem("menyerukan") == "seru"
    assert stemmer.stem("pembicaraan") == "bicara"
    assert stemmer.stem("mengungsi") == "ungsi"


def test_closed_class_words_are_kept_with_pos(stemmer):
    assert stemmer.stem("sedangkan", pos="SCONJ") == "sedangkan"
    assert stemmer.stem("setelah", pos="SCONJ") == "setelah"
    assert stemmer.stem("setelah") == "telah"  # without POS, Sastrawi decides


def test_longer_root_preferred_when_news_uses_it(stemmer):
    assert stemmer.stem("perbankan") == "bank"  # Sastrawi: perban
    assert stemmer.stem("perpajakan") == "pajak"  # Sastrawi: paja


def test_full_reduplication(stemmer):
    assert stemmer.stem("masing-masing") == "masing"
    assert stemmer.stem("benar-benar") == "benar"


def test_names_keep_their_form_lowercased(stemmer):
    assert stemmer.stem("Kerry", is_name=True) == "kerry"
    assert stemmer.stem("Pankov", is_name=True) == "pankov"


def test_cache_is_shared(stemmer):
    stemmer.stem("perundingan")
    hits = stemmer.cache_info().hits
    stemmer.stem("perundingan")
    assert stemmer.cache_info().hits == hits + 1


def test_names_protected_in_pipeline(blank_annotator):
    doc = blank_annotator("Sementara itu, Menteri Luar Negeri Rusia Sergey Lavrov mengatakan perundingan berjalan.")
    stems = {t["text"]: t["stem"] for t in doc["tokens"]}
    assert stems["Lavrov"] == "lavrov"
    assert stems["Sergey"] == "sergey"
    assert stems["mengatakan"] == "kata"
    assert stems["perundingan"] == "runding"


def test_sentence_initial_known_word_is_stemmed(blank_annotator):
    doc = blank_annotator("Penyerangan itu terjadi kemarin.")
    assert doc["tokens"][0]["stem"] == "serang"
