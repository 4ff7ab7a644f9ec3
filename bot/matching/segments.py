"""Split a message into the clauses that may each describe a separate situation."""

from __future__ import annotations

import re

_SENTENCE = r"[.!?;\n]+\s*"
# The connectives people use to chain one problem onto another, per language: English
# "I" and Catalan "i" (and) must not be confused, so only the message's language applies.
_CONNECTIVES = {
    "en": r"and now|and also|and then|on top of that|plus|also|but now|and|but|now",
    "es": r"y ahora|y además|y encima|además|y|pero|ahora",
    "ca": r"i ara|i a més|a més|i|però|ara",
    "fi": r"ja nyt|ja lisäksi|lisäksi|ja|mutta|nyt",
}
_SPLITTERS = {
    lang: re.compile(rf"{_SENTENCE}|,?\s(?:{words})\s", re.IGNORECASE) for lang, words in _CONNECTIVES.items()
}
MIN_WORDS = 3


def segments(text: str, lang: str) -> list[str]:
    """Clauses of at least three words; a message with one clause gives one segment."""
    splitter = _SPLITTERS.get(lang, _SPLITTERS["en"])
    parts = [p.strip() for p in splitter.split(text) if p and p.strip()]
    return [p for p in parts if len(p.split()) >= MIN_WORDS]
