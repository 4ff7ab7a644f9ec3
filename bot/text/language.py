"""Which of en / es / ca / fi a message is written in.

A small naive-Bayes model over words and character trigrams, trained at load
time on the knowledge base's own text in each language, plus a few letters
that only one of the languages uses (ñ ¿ ¡ for Spanish, ç · à è ò for
Catalan, ä ö for Finnish). Too little evidence returns None so the caller can
fall back to the user's preference.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.text.stopwords import STOPWORDS

LANGS = ("en", "es", "ca", "fi")
_MARKERS: dict[str, tuple[str, ...]] = {
    "es": ("ñ", "¿", "¡"),
    "ca": ("ç", "·", "à", "è", "ò", "ï"),
    "fi": ("ä", "ö", "å"),
}
_MARKER_BONUS = 4.0
# Function words are the strongest cue in short messages; each counts as this many trigrams.
_STOPWORD_WEIGHT = 3.0
_SMOOTHING = 0.5
_WORD_CACHE = 100_000
# Below this much evidence (trigrams) and margin per trigram, the guess is not trusted.
_MIN_EVIDENCE = 4
_MIN_MARGIN = 0.05


@dataclass(frozen=True)
class LanguageGuess:
    lang: str | None
    margin: float


def _trigrams(word: str) -> list[str]:
    padded = f" {word} "
    return [padded[i : i + 3] for i in range(len(padded) - 2)]


class LanguageDetector:
    def __init__(self, corpus: Mapping[str, Iterable[str]]) -> None:
        counts: dict[str, Counter[str]] = {}
        for lang in LANGS:
            words: Counter[str] = Counter()
            for text in corpus.get(lang, ()):
                words.update(w for w in (raw.strip(".,;:!?¿¡()\"'«»") for raw in text.casefold().split()) if w)
            counter: Counter[str] = Counter()
            for word, count in words.items():  # trigrams once per distinct word, weighted by its count
                for gram in _trigrams(word):
                    counter[gram] += count
            counts[lang] = counter
        vocab = max(len(set().union(*counts.values())), 1)
        self._log_prob: dict[str, dict[str, float]] = {}
        self._unseen: dict[str, float] = {}
        for lang, counter in counts.items():
            # Smoothing proportional to each corpus' size gives every language the same
            # probability for an unseen trigram, so a larger corpus is not penalised.
            total = max(sum(counter.values()), 1)
            pseudo = _SMOOTHING * total / vocab
            denominator = total * (1 + _SMOOTHING)
            self._log_prob[lang] = {g: math.log((c + pseudo) / denominator) for g, c in counter.items()}
            self._unseen[lang] = math.log(pseudo / denominator)
        self._word_scores: dict[str, tuple[float, ...]] = {}

    def state(self) -> tuple[dict[str, dict[str, float]], dict[str, float]]:
        """What the trained model is: per language, trigram log-probabilities and the unseen-trigram one."""
        return self._log_prob, self._unseen

    @classmethod
    def from_state(cls, log_prob: dict[str, dict[str, float]], unseen: dict[str, float]) -> LanguageDetector:
        detector = cls({})
        detector._log_prob, detector._unseen = log_prob, unseen
        return detector

    def _score_word(self, word: str) -> tuple[float, ...]:
        grams = _trigrams(word)
        return tuple(
            sum(self._log_prob[lang].get(g, self._unseen[lang]) for g in grams)
            + (_STOPWORD_WEIGHT if word in STOPWORDS[lang] else 0.0)
            for lang in LANGS
        )

    def detect(self, words: list[str]) -> LanguageGuess:
        """Guess from already cleaned, lower-cased words."""
        if not words:
            return LanguageGuess(None, 0.0)
        scores = [0.0] * len(LANGS)
        evidence = 0
        for word in words[:400]:
            per_lang = self._word_scores.get(word)
            if per_lang is None:
                per_lang = self._score_word(word)
                if len(self._word_scores) < _WORD_CACHE:
                    self._word_scores[word] = per_lang
            for i, value in enumerate(per_lang):
                scores[i] += value
            evidence += len(word)
        text = "".join(words)
        for lang, letters in _MARKERS.items():
            if any(letter in text for letter in letters):
                scores[LANGS.index(lang)] += _MARKER_BONUS * 3
        ranked = sorted(zip(LANGS, scores, strict=True), key=lambda kv: kv[1], reverse=True)
        margin = (ranked[0][1] - ranked[1][1]) / max(evidence, 1)
        marked = any(letter in text for letters in _MARKERS.values() for letter in letters)
        # One word without a telling letter ("hello", "ok", "asdfghjkl") is too little to go on.
        too_little = evidence < _MIN_EVIDENCE or (len(words) == 1 and not marked)
        if too_little or margin < _MIN_MARGIN or not any(ch.isalpha() for ch in text):
            return LanguageGuess(None, margin)
        return LanguageGuess(ranked[0][0], margin)
