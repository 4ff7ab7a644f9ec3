"""Everything the matcher needs, precomputed once from the knowledge base.

Per language: a vocabulary of stems with IDF over topics, a posting list per
stem (which topics use it, with their normalised TF-IDF weight) for topic-level
scoring, each topic's phrasings as stem sets for nearest-phrasing scoring, and
the surface words (by length) that typo correction may snap a word to.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

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
class Phrasing:
    stems: frozenset[str]
    norm: float


@dataclass
class LangIndex:
    lang: str
    idf: dict[str, float]
    postings: dict[str, tuple[IntArray, FloatArray]]
    phrasings: list[list[Phrasing]]
    max_idf: float
    surface_by_length: dict[int, list[str]] = field(default_factory=dict)
    surface_stem: dict[str, str] = field(default_factory=dict)


@dataclass
class MatchIndex:
    topic_ids: list[str]
    titles: dict[str, dict[str, str]]
    related: list[frozenset[int]]
    langs: dict[str, LangIndex]
    stemmers: Stemmers
    language_corpus: dict[str, list[str]]

    @property
    def size(self) -> int:
        return len(self.topic_ids)


def stems_of(stemmers: Stemmers, lang: str, text: str) -> list[str]:
    return [stemmers.stem(lang, w) for w in content_words(tokenize(clean(text)))]


def with_bigrams(stems: list[str]) -> list[str]:
    """Stems plus each adjacent pair ("pay invoic" → also "pay_invoic"): phrases carry meaning words alone miss."""
    return stems + [f"{a}_{b}" for a, b in zip(stems, stems[1:], strict=False)]


def _weighted_texts(kb: KnowledgeBase, topic_id: str, lang: str) -> Iterable[tuple[str, float]]:
    advice = kb.topics[topic_id].advice[lang]
    for text in advice.phrasings:
        yield text, FIELD_WEIGHTS["phrasings"]
    for text in advice.keywords:
        yield text, FIELD_WEIGHTS["keywords"]
    yield advice.title, FIELD_WEIGHTS["title"]
    yield advice.summary, FIELD_WEIGHTS["summary"]


def build_index(kb: KnowledgeBase, stemmers: Stemmers | None = None) -> MatchIndex:
    stemmers = stemmers or Stemmers()
    topic_ids = list(kb.topics)
    position = {tid: i for i, tid in enumerate(topic_ids)}
    langs: dict[str, LangIndex] = {}
    corpus: dict[str, list[str]] = {lang: [] for lang in LANGS}
    for lang in LANGS:
        tf: list[dict[str, float]] = []
        phrasings: list[list[Phrasing]] = []
        surface: dict[str, str] = {}
        raw_phrasings: list[list[list[str]]] = []
        for tid in topic_ids:
            counts: dict[str, float] = defaultdict(float)
            for text, weight in _weighted_texts(kb, tid, lang):
                words = content_words(tokenize(clean(text)))
                stems = [stemmers.stem(lang, word) for word in words]
                for feature in with_bigrams(stems):
                    counts[feature] += weight
                for word, stem in zip(words, stems, strict=True):
                    if len(word) >= TYPO_MIN_LENGTH:
                        surface.setdefault(fold_accents(word), stem)
            tf.append(counts)
            raw_phrasings.append(
                [with_bigrams(stems_of(stemmers, lang, p)) for p in kb.topics[tid].advice[lang].phrasings]
            )
            corpus[lang].extend(kb.topics[tid].advice[lang].phrasings)
            corpus[lang].append(kb.topics[tid].advice[lang].summary)
        df: Counter[str] = Counter()
        for counts in tf:
            df.update(counts.keys())
        n = max(len(topic_ids), 1)
        idf = {stem: math.log(1.0 + n / d) for stem, d in df.items()}
        max_idf = math.log(1.0 + n)
        entries: dict[str, tuple[list[int], list[float]]] = defaultdict(lambda: ([], []))
        for t, counts in enumerate(tf):
            weights = {s: (1.0 + math.log(c)) * idf[s] if c >= 1 else c * idf[s] for s, c in counts.items()}
            norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
            for stem, w in weights.items():
                topics, values = entries[stem]
                topics.append(t)
                values.append(w / norm)
        postings = {
            stem: (np.asarray(ts, dtype=np.int32), np.asarray(vs, dtype=np.float32))
            for stem, (ts, vs) in entries.items()
        }
        for stem_lists in raw_phrasings:
            phrasings.append(
                [
                    Phrasing(frozenset(stems), math.sqrt(sum(idf.get(s, max_idf) ** 2 for s in set(stems))) or 1.0)
                    for stems in stem_lists
                    if stems
                ]
            )
        by_length: dict[int, list[str]] = defaultdict(list)
        for word in surface:
            by_length[len(word)].append(word)
        langs[lang] = LangIndex(lang, idf, postings, phrasings, max_idf, dict(by_length), surface)
    titles: dict[str, dict[str, str]] = {
        tid: {lang: kb.topics[tid].advice[lang].title for lang in LANGS} for tid in topic_ids
    }
    related = [frozenset(position[r] for r in kb.topics[tid].related if r in position) for tid in topic_ids]
    return MatchIndex(topic_ids, titles, related, langs, stemmers, corpus)
