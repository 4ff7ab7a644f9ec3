"""The features the situation classifier reads: word stems, stem pairs, pieces of words and concepts.

Stems carry meaning across inflections; pairs carry short phrases ("pay invoic");
character 4- and 5-grams of accent-folded words let Finnish compounds and
inflections, typos and unseen forms share evidence with known words; concepts
(``concepts.yaml``) give the words of every language that carry one idea a
shared feature, so what is learnt from one wording helps the others.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.text.normalize import Stemmers, content_words, fold_accents, tokenize

CHAR_SIZES = (4, 5)
CHAR_MIN_WORD = 4
# Finnish glues words into compounds ("loppulasku", "maksumuistutus"): its concept words also match inside a word.
COMPOUND_LANGS = ("fi",)
COMPOUND_MIN_ROOT = 4


@dataclass
class ConceptIndex:
    # lang -> stem -> concepts
    by_stem: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    # lang -> stem sequence of a multi-word phrase -> concepts
    phrases: dict[str, dict[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)
    # lang -> the lengths (in stems) the phrases have
    phrase_sizes: dict[str, tuple[int, ...]] = field(default_factory=dict)
    # lang -> one pattern of every folded root, and root -> concepts
    roots: dict[str, tuple[re.Pattern[str], dict[str, tuple[str, ...]]]] = field(default_factory=dict)

    def of_word(self, word: str, stem: str, lang: str) -> tuple[str, ...]:
        """Concepts one word carries: by its stem, or (Finnish) by roots inside a compound."""
        hit = self.by_stem.get(lang, {}).get(stem)
        if hit is not None:
            return hit
        if lang not in self.roots:
            return ()
        pattern, concepts_of = self.roots[lang]
        return tuple(c for found in pattern.finditer(fold_accents(word)) for c in concepts_of[found.group()])

    def of_phrases(self, stems: list[str], lang: str) -> list[str]:
        phrases = self.phrases.get(lang)
        found: list[str] = []
        if phrases:
            for size in self.phrase_sizes[lang]:
                for i in range(len(stems) - size + 1):
                    found.extend(phrases.get(tuple(stems[i : i + size]), ()))
        return found


def concepts_to_data(index: ConceptIndex) -> dict[str, Any]:
    """The built index as JSON data (the compiled cache keeps it: stemming every concept word takes a while)."""
    return {
        "by_stem": index.by_stem,
        "phrases": {lang: [[list(k), list(v)] for k, v in table.items()] for lang, table in index.phrases.items()},
        "roots": {lang: concepts_of for lang, (_, concepts_of) in index.roots.items()},
    }


def concepts_from_data(data: dict[str, Any]) -> ConceptIndex:
    index = ConceptIndex()
    index.by_stem = {lang: {s: tuple(c) for s, c in table.items()} for lang, table in data["by_stem"].items()}
    index.phrases = {lang: {tuple(k): tuple(v) for k, v in rows} for lang, rows in data["phrases"].items()}
    index.phrase_sizes = {lang: tuple(sorted({len(key) for key in table})) for lang, table in index.phrases.items()}
    for lang, concepts_of in data["roots"].items():
        index.roots[lang] = (_root_pattern(concepts_of), {root: tuple(c) for root, c in concepts_of.items()})
    return index


def _root_pattern(roots: Iterable[str]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(root) for root in sorted(roots, key=len, reverse=True)))


def build_concepts(concepts: Mapping[str, Mapping[str, tuple[str, ...]]], stemmers: Stemmers) -> ConceptIndex:
    index = ConceptIndex()
    collect: dict[str, dict[str, set[str]]] = {}
    phrase_collect: dict[str, dict[tuple[str, ...], set[str]]] = {}
    root_collect: dict[str, dict[str, set[str]]] = {}
    for concept, by_lang in concepts.items():
        for lang, words in by_lang.items():
            for text in words:
                parts = content_words(tokenize(text.casefold()))
                stems = tuple(stemmers.stem(lang, w) for w in parts)
                if len(stems) == 1:
                    collect.setdefault(lang, {}).setdefault(stems[0], set()).add(concept)
                    root = fold_accents(parts[0])
                    if lang in COMPOUND_LANGS and len(root) >= COMPOUND_MIN_ROOT:
                        root_collect.setdefault(lang, {}).setdefault(root, set()).add(concept)
                elif stems:
                    phrase_collect.setdefault(lang, {}).setdefault(stems, set()).add(concept)
    index.by_stem = {lang: {s: tuple(sorted(c)) for s, c in table.items()} for lang, table in collect.items()}
    index.phrases = {lang: {s: tuple(sorted(c)) for s, c in table.items()} for lang, table in phrase_collect.items()}
    index.phrase_sizes = {lang: tuple(sorted({len(key) for key in table})) for lang, table in index.phrases.items()}
    for lang, table in root_collect.items():
        index.roots[lang] = (_root_pattern(table), {root: tuple(sorted(c)) for root, c in table.items()})
    return index


def word_features(word: str, stem: str, lang: str, concepts: ConceptIndex | None) -> list[str]:
    """What one word contributes on its own: its stem, pieces of it and its concepts."""
    out = [f"w:{stem}"]
    if len(word) >= CHAR_MIN_WORD:
        padded = f"<{fold_accents(word)}>"
        for size in CHAR_SIZES:
            out.extend(f"c:{padded[i : i + size]}" for i in range(len(padded) - size + 1))
    if concepts is not None:
        out.extend(f"k:{c}" for c in concepts.of_word(word, stem, lang))
    return out


def sequence_features(stems: list[str], lang: str, concepts: ConceptIndex | None) -> list[str]:
    """What neighbouring words contribute together: stem pairs and multi-word concepts."""
    out = [f"b:{a}_{b}" for a, b in zip(stems, stems[1:], strict=False)]
    if concepts is not None:
        out.extend(f"k:{c}" for c in concepts.of_phrases(stems, lang))
    return out


def features(tokens: list[str], lang: str, stemmers: Stemmers, concepts: ConceptIndex | None = None) -> list[str]:
    words = content_words(tokens)
    stems = [stemmers.stem(lang, word) for word in words]
    out: list[str] = []
    for word, stem in zip(words, stems, strict=True):
        out.extend(word_features(word, stem, lang, concepts))
    out.extend(sequence_features(stems, lang, concepts))
    return out
