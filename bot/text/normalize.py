"""Text normalisation for matching: markup out, tokens, stopwords, stems, folded accents."""

from __future__ import annotations

import re
import unicodedata

import snowballstemmer

from bot.text.markup import strip_markup
from bot.text.stopwords import ALL_STOPWORDS, STOPWORDS

STEMMER_NAMES = {"en": "english", "es": "spanish", "ca": "catalan", "fi": "finnish"}
# Letters (any script), digits; apostrophes and the Catalan middle dot split words.
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_REPEATS = re.compile(r"(.)\1{2,}")


def fold_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def clean(text: str) -> str:
    """Lower-cased text with markup removed and runs like 'sooooo' squeezed to 'soo'."""
    text = unicodedata.normalize("NFKC", strip_markup(text)).casefold()
    return _REPEATS.sub(r"\1\1", text)


def tokenize(text: str) -> list[str]:
    """Words of already-cleaned text (keeps accents; splits on apostrophes and punctuation)."""
    return _TOKEN.findall(text)


class Stemmers:
    """One snowball stemmer per language, with a bounded cache of the words it has seen."""

    CACHE_LIMIT = 200_000

    def __init__(self) -> None:
        self._stemmers = {lang: snowballstemmer.stemmer(name) for lang, name in STEMMER_NAMES.items()}
        self._cache: dict[tuple[str, str], str] = {}

    def stem(self, lang: str, word: str) -> str:
        key = (lang, word)
        hit = self._cache.get(key)
        if hit is None:
            hit = fold_accents(str(self._stemmers[lang].stemWord(word)))
            if len(self._cache) < self.CACHE_LIMIT:
                self._cache[key] = hit
        return hit


def content_words(tokens: list[str], lang: str | None = None) -> list[str]:
    """Drop stopwords and one-letter tokens (digits are kept: '60 days').

    With no ``lang``, the stopwords of every language go: a message is scored
    against each language's index, and another language's function words
    ("la", "es", "on") must not pass for content there.
    """
    stop = STOPWORDS[lang] if lang else ALL_STOPWORDS
    return [t for t in tokens if t not in stop and (len(t) > 1 or t.isdigit())]
