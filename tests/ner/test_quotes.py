"""QUOTE spans (pipeline/ner/quotes.py), ANNOTATION.md v2."""
from pipeline.ner.quotes import find_quotes
from pipeline.tokenize import sentence_offsets

from .conftest import parse, texts


def quotes(nlp, text):
    return texts(text, find_quotes(text, sentence_offsets(parse(nlp, text))))


def test_marked_quote_excludes_marks_and_the_comma_before_its_attribution(rules_nlp):
    assert quotes(rules_nlp, '"Kami akan terus membantu rakyat Suriah," kata Shoigu.') == \
        ["Kami akan terus membantu rakyat Suriah"]


def test_sentence_final_stop_inside_the_marks_stays(rules_nlp):
    assert quotes(rules_nlp, 'Lavrov berkata: "Perundingan berjalan baik sekali."') == ["Perundingan berjalan baik sekali."]


def test_quote_over_two_sentences_is_one_span_per_sentence(rules_nlp):
    text = '"Kami sudah siap. Semua pasukan menunggu perintah," ujar Konashenkov.'
    assert quotes(rules_nlp, text) == ["Kami sudah siap.", "Semua pasukan menunggu perintah"]


def test_unmarked_speech_before_the_attribution_verb(rules_nlp):
    text = "Serangan udara telah menyebabkan perubahan signifikan di kawasan konflik, ujar Konashenkov."
    assert quotes(rules_nlp, text) == ["Serangan udara telah menyebabkan perubahan signifikan di kawasan konflik"]


def test_reported_speech_is_no_quote(rules_nlp):
    assert quotes(rules_nlp, "Lavrov mengatakan bahwa perundingan itu tidak didasarkan pada tuntutan apa pun.") == []
    assert quotes(rules_nlp, "Lavrov mengatakan, perundingan itu berjalan lambat sekali di Jenewa.") == []
