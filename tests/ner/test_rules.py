"""Rule and gazetteer spans (pipeline/ner/rules.py): dates, times, organizations, places."""
from pipeline.lang import expand_refs, lexicon
from pipeline.ner.rules import find_gazetteer_spans, find_rule_spans

from .conftest import parse, texts


def test_dates_and_times(rules_nlp, entity_rules):
    text = "Pada Jumat (28/10) pukul 05:08 WIB, sejak Maret 2011, dan Senin, 9 November 2015 juga."
    found = find_rule_spans(parse(rules_nlp, text), entity_rules)
    assert texts(text, found, "DATE") == ["Jumat (28/10)", "Maret 2011", "Senin, 9 November 2015"]
    assert texts(text, found, "TIME") == ["pukul 05:08 WIB"]


def test_named_bodies_are_organizations(rules_nlp, entity_rules):
    text = "Sikap itu disampaikan Kementerian Pertahanan Rusia dan Partai Kebangkitan Bangsa kemarin."
    found = find_rule_spans(parse(rules_nlp, text), entity_rules)
    assert texts(text, found, "ORG") == ["Kementerian Pertahanan Rusia", "Partai Kebangkitan Bangsa"]


def test_gazetteer_places_but_not_as_modifiers(rules_nlp, entity_rules):
    text = "Pesawat Rusia mendarat di Damaskus, Suriah, lalu turis Jepang ke pasar Tiongkok di Jawa Barat."
    found = find_gazetteer_spans(parse(rules_nlp, text), entity_rules)
    # `pesawat Rusia`: the country acts; `turis Jepang`, `pasar Tiongkok`: only modifiers
    assert texts(text, found, "LOC") == ["Rusia", "Damaskus", "Suriah", "Jawa Barat"]


def test_lexicon_lists_are_referenced_by_name():
    assert expand_refs({"IN": ["@months", "x"]}) == {"IN": lexicon()["months"] + ["x"]}
    assert expand_refs("@days") == lexicon()["days"]
    assert "katanya" in lexicon()["attribution_verbs_nya"]
