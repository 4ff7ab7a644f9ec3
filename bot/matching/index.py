"""Everything the matcher needs, precomputed once from the knowledge base.

Per language: a vocabulary of stems (and stem bigrams) with IDF over topics;
posting lists in one flat CSR layout (for each feature, which topics use it and
their normalised TF-IDF weight) for topic-level scoring; each topic's phrasings
as feature sets for nearest-phrasing scoring; and, by word length, the known
surface words that typo correction may snap an unknown word to.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot.kb.model import LANGS, KnowledgeBase
from bot.text.normalize import Stemmers, clean, content_words, fold_accents, tokenize

# How much each field of an entry counts towards a topic's word profile.
FIELD_WEIGHTS = {"phrasings": 1.0, "keywords": 2.0, "title": 1.5, "summary": 0.4}
TYPO_MIN_LENGTH = 5

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int32]


@dataclass
class LangIndex:
    lang: str
    idf: dict[str, float]
    # feature -> (start, end) into `posting_topics` / `posting_weights`
    spans: dict[str, tuple[int, int]]
    posting_topics: IntArray
    posting_weights: FloatArray
    # Phrasing level, for nearest-phrasing scoring: feature -> (start, end) into `phrase_ids`;
    # each phrasing's norm; and, per topic, its phrasing ids padded with -1 to the longest topic
    # (one gather serves many topics).
    phrase_spans: dict[str, tuple[int, int]]
    phrase_ids: IntArray
    phrase_norms: FloatArray
    topic_phrase_matrix: IntArray
    max_idf: float
    # word length -> known surface words of length-1 .. length+1 (typo candidates)
    typo_candidates: dict[int, list[str]]
    surface_stem: dict[str, str]


@dataclass
class MatchIndex:
    topic_ids: list[str]
    titles: dict[str, dict[str, str]]
    langs: dict[str, LangIndex]
    stemmers: Stemmers
    language_corpus: dict[str, list[str]]

    @property
    def size(self) -> int:
        return len(self.topic_ids)


def with_bigrams(stems: list[str]) -> list[str]:
    """Stems plus each adjacent pair ("pay invoic" → also "pay_invoic"): phrases carry meaning words alone miss."""
    return stems + [f"{a}_{b}" for a, b in zip(stems, stems[1:], strict=False)]


def _weighted_texts(kb: KnowledgeBase, topic_id: str, lang: str) -> Iterable[tuple[str, float, bool]]:
    """(text, weight, is_phrasing) for every field that describes the situation."""
    advice = kb.topics[topic_id].advice[lang]
    for text in advice.phrasings:
        yield text, FIELD_WEIGHTS["phrasings"], True
    for text in advice.keywords:
        yield text, FIELD_WEIGHTS["keywords"], False
    yield advice.title, FIELD_WEIGHTS["title"], False
    yield advice.summary, FIELD_WEIGHTS["summary"], False


def _build_lang(kb: KnowledgeBase, topic_ids: list[str], lang: str, stemmers: Stemmers) -> LangIndex:
    tf: list[dict[str, float]] = []
    phrasing_features: list[list[list[str]]] = []
    surface_words: set[str] = set()
    surface: dict[str, str] = {}
    for tid in topic_ids:
        counts: dict[str, float] = defaultdict(float)
        features_of_phrasings: list[list[str]] = []
        for text, weight, is_phrasing in _weighted_texts(kb, tid, lang):
            words = content_words(tokenize(clean(text)))
            stems = [stemmers.stem(lang, word) for word in words]
            features = with_bigrams(stems)
            for feature in features:
                counts[feature] += weight
            if is_phrasing and features:
                features_of_phrasings.append(features)
            for word, stem in zip(words, stems, strict=True):
                if len(word) >= TYPO_MIN_LENGTH and word not in surface_words:
                    surface_words.add(word)
                    surface.setdefault(fold_accents(word), stem)
        tf.append(counts)
        phrasing_features.append(features_of_phrasings)

    df: Counter[str] = Counter()
    for counts in tf:
        df.update(counts.keys())
    n = max(len(topic_ids), 1)
    idf = {feature: math.log(1.0 + n / d) for feature, d in df.items()}
    max_idf = math.log(1.0 + n)

    entries: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for t, counts in enumerate(tf):
        weights = {f: ((1.0 + math.log(c)) if c >= 1 else c) * idf[f] for f, c in counts.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        for feature, w in weights.items():
            entries[feature].append((t, w / norm))
    spans: dict[str, tuple[int, int]] = {}
    flat_topics: list[int] = []
    flat_weights: list[float] = []
    for feature, pairs in entries.items():
        spans[feature] = (len(flat_topics), len(flat_topics) + len(pairs))
        for t, w in pairs:
            flat_topics.append(t)
            flat_weights.append(w)

    by_feature: dict[str, list[int]] = defaultdict(list)
    norms: list[float] = []
    topic_phrases: list[tuple[int, int]] = []
    for per_topic in phrasing_features:
        first = len(norms)
        for features in per_topic:
            distinct = set(features)
            for feature in distinct:
                by_feature[feature].append(len(norms))
            norms.append(math.sqrt(sum(idf[f] ** 2 for f in distinct)))
        topic_phrases.append((first, len(norms)))
    phrase_spans: dict[str, tuple[int, int]] = {}
    flat_ids: list[int] = []
    for feature, ids in by_feature.items():
        phrase_spans[feature] = (len(flat_ids), len(flat_ids) + len(ids))
        flat_ids.extend(ids)
    return LangIndex(
        lang=lang,
        idf=idf,
        spans=spans,
        posting_topics=np.asarray(flat_topics, dtype=np.int32),
        posting_weights=np.asarray(flat_weights, dtype=np.float32),
        phrase_spans=phrase_spans,
        phrase_ids=np.asarray(flat_ids, dtype=np.int32),
        phrase_norms=np.asarray(norms, dtype=np.float32),
        topic_phrase_matrix=_padded(topic_phrases),
        max_idf=max_idf,
        typo_candidates=typo_candidates(surface),
        surface_stem=surface,
    )


def typo_candidates(surface: Iterable[str]) -> dict[int, list[str]]:
    """By word length, the known words one edit could turn a word of that length into."""
    by_length: dict[int, list[str]] = defaultdict(list)
    for word in surface:
        by_length[len(word)].append(word)
    return {
        length: [w for near in (length - 1, length, length + 1) for w in by_length.get(near, ())]
        for length in range(TYPO_MIN_LENGTH, max(by_length, default=0) + 2)
    }


def _padded(ranges: list[tuple[int, int]]) -> IntArray:
    width = max((end - start for start, end in ranges), default=0) or 1
    matrix = np.full((len(ranges), width), -1, dtype=np.int32)
    for row, (start, end) in enumerate(ranges):
        matrix[row, : end - start] = np.arange(start, end, dtype=np.int32)
    return matrix


def build_index(kb: KnowledgeBase, stemmers: Stemmers | None = None) -> MatchIndex:
    stemmers = stemmers or Stemmers()
    topic_ids = list(kb.topics)
    langs: dict[str, LangIndex] = {lang: _build_lang(kb, topic_ids, lang, stemmers) for lang in LANGS}
    corpus: dict[str, list[str]] = {
        lang: [
            text
            for tid in topic_ids
            for text in (*kb.topics[tid].advice[lang].phrasings, kb.topics[tid].advice[lang].summary)
        ]
        for lang in LANGS
    }
    titles: dict[str, dict[str, str]] = {
        tid: {lang: kb.topics[tid].advice[lang].title for lang in LANGS} for tid in topic_ids
    }
    return MatchIndex(topic_ids, titles, langs, stemmers, corpus)
