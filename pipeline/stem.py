"""Stems with PySastrawi: one cache per run, user exceptions, POS-aware rules, names protected.

Order of decisions for one token:
1. the exceptions file (word -> stem) wins;
2. a name (inside a PER/ORG/LOC entity, or a capitalised word inside a sentence that is
   not in Sastrawi's dictionary) keeps its form, lower-cased;
3. POS rules from `lang/id/stem_rules.yaml` keep lexicalised closed-class words whole;
4. otherwise Sastrawi's stem (cached).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Optional

import yaml
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

from .lang import read_pairs

RULES_PATH = Path(__file__).parent / "lang" / "id" / "stem_rules.yaml"
ROOT_FREQ_PATH = Path(__file__).parent / "lang" / "id" / "root_freq.tsv"
NAME_LABELS = {"PER", "ORG", "LOC"}


def read_root_freq(path: str | Path) -> dict[str, int]:
    """root<TAB>count lines ('#' comments)."""
    return {root: int(n) for root, n in read_pairs(path)}


def read_exceptions(path: str | Path) -> dict[str, str]:
    """TSV word<TAB>stem, '#' comments; words are matched lower-cased."""
    return {word.lower(): stem for word, stem in read_pairs(path)}


class Stemmer:
    """Sastrawi with a bounded cache, exceptions and POS rules."""

    def __init__(self, exceptions_path: Optional[str | Path] = None, cache_size: int = 200_000,
                 rules_path: str | Path = RULES_PATH):
        factory = StemmerFactory()
        words = [w for w in factory.get_words() if w]
        self.dictionary = frozenset(words)
        # the uncached delegate: our own cache below is bounded and shared across a run
        self._sastrawi = factory.create_stemmer().delegatedStemmer
        self.exceptions = read_exceptions(exceptions_path) if exceptions_path else {}
        rules = yaml.safe_load(Path(rules_path).read_text(encoding="utf-8")) or {}
        self.root_freq = read_root_freq(ROOT_FREQ_PATH) if ROOT_FREQ_PATH.exists() else {}
        self.prefixes = tuple(rules.get("prefixes", []))
        self.suffixes = tuple(rules.get("suffixes", []))
        self.nasal = dict(rules.get("nasal_restore", {}))
        self.prefer_ratio = float(rules.get("prefer_longer_root_ratio", 5))
        self.prefer_min = int(rules.get("prefer_longer_root_min_count", 20))
        self.keep_pos = set(rules.get("keep_pos", []))
        self.keep_prefix_pos = {k: tuple(v) for k, v in (rules.get("keep_prefix_pos") or {}).items()}
        self.keep_suffix_pos = {k: set(v) for k, v in (rules.get("keep_suffix_pos") or {}).items()}
        self._cached = lru_cache(maxsize=cache_size)(self._sastrawi_stem)

    def _sastrawi_stem(self, word: str) -> str:
        stem = self._sastrawi.stem(word) or word
        return self._prefer_longer_root(word, stem)

    def candidate_roots(self, word: str) -> set[str]:
        """Dictionary roots left by stripping one prefix and one suffix (nasals restored)."""
        out = set()
        for pre in ("",) + self.prefixes:
            if not word.startswith(pre):
                continue
            for suf in ("",) + self.suffixes:
                if suf and not word.endswith(suf):
                    continue
                core = word[len(pre):len(word) - len(suf)] if suf else word[len(pre):]
                if len(core) < 3:
                    continue
                for restored in {core, *(r + core for r in self.nasal.get(pre, []))}:
                    if restored in self.dictionary:
                        out.add(restored)
        return out

    def _prefer_longer_root(self, word: str, stem: str) -> str:
        """Sastrawi takes the first root its rules reach (gera for gerakan, perban for
        perbankan); prefer a longer root the same affixes allow when news uses it far more."""
        if not self.root_freq or stem == word:
            return stem
        base = self.root_freq.get(stem, 0)
        best, best_n = stem, max(base * self.prefer_ratio, self.prefer_min)
        for cand in sorted(self.candidate_roots(word)):  # set order would depend on the hash seed
            n = self.root_freq.get(cand, 0)
            if len(cand) > len(stem) and n > best_n:
                best, best_n = cand, n
        return best

    def cache_info(self):
        return self._cached.cache_info()

    def is_known_word(self, word: str) -> bool:
        """True if the lower-cased word, or its stem, is in Sastrawi's dictionary."""
        low = word.lower()
        return low in self.dictionary or self._cached(low) in self.dictionary

    def keeps_form(self, word: str, pos: Optional[str]) -> bool:
        """POS rules that keep a lexicalised word whole."""
        if pos is None:
            return False
        if pos in self.keep_pos:
            return True
        for prefix, tags in self.keep_prefix_pos.items():
            if pos in tags and word.startswith(prefix):
                return True
        for suffix, tags in self.keep_suffix_pos.items():
            if pos in tags and word.endswith(suffix) and len(word) > len(suffix) + 2:
                return True
        return False

    def stem(self, word: str, pos: Optional[str] = None, is_name: bool = False) -> str:
        low = word.lower()
        if low in self.exceptions:
            return self.exceptions[low]
        if is_name:
            return low
        if not any(ch.isalpha() for ch in low):
            return low
        if "-" in low.strip("-"):
            first, _, second = low.partition("-")
            if first == second:  # full reduplication (masing-masing, benar-benar)
                return self.stem(first, pos=None)
            return self._cached(low)  # anak-anaknya, rekan-rekan: Sastrawi handles the form
        if self.keeps_form(low, pos):
            return low
        return self._cached(low.strip("-"))


@lru_cache(maxsize=4)
def shared_stemmer(exceptions_path: Optional[str] = None, cache_size: int = 200_000) -> Stemmer:
    """One Stemmer (and one Sastrawi dictionary and cache) per process and settings."""
    return Stemmer(exceptions_path, cache_size=cache_size)


def is_capitalised_unknown(token, stemmer: Stemmer) -> bool:
    """A name by its form: capitalised inside a sentence and unknown to Sastrawi's dictionary."""
    text = token.text
    if not text[:1].isupper() or token.is_sent_start:
        return False
    if token.i > 0 and token.nbor(-1).text in {'"', "“", "(", "'", "‘", ":", "-", "—"}:
        return False  # a quote or heading start behaves like a sentence start
    return not stemmer.is_known_word(text)
