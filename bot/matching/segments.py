"""Split a message into the clauses that may each describe a separate situation."""

from __future__ import annotations

import re

# Sentence ends, and the connectives people use to chain one problem onto another.
_SPLIT = re.compile(
    r"[.!?;\n]+\s*"
    r"|\s(?:and now|and also|and then|on top of that|plus|also|but now|and|but)\s"
    r"|\s(?:y ahora|y además|y encima|además|y|pero)\s"
    r"|\s(?:i ara|i a més|a més|i|però)\s"
    r"|\s(?:ja nyt|ja lisäksi|lisäksi|ja|mutta)\s",
    re.IGNORECASE,
)
MIN_WORDS = 3


def segments(text: str) -> list[str]:
    """Clauses of at least three words; a message with one clause gives one segment."""
    parts = [p.strip() for p in _SPLIT.split(text) if p and p.strip()]
    return [p for p in parts if len(p.split()) >= MIN_WORDS]
