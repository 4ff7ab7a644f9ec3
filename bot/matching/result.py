"""What the matcher returns: typed, ranked, and serialisable to the public JSON contract."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Decision = Literal["confident", "ambiguous", "several", "out_of_scope"]


@dataclass(frozen=True)
class Match:
    id: str
    score: float
    title: str


@dataclass(frozen=True)
class MatchResult:
    query: str
    lang: str
    decision: Decision
    matches: tuple[Match, ...]
    problems: tuple[str, ...]
    truncated: bool = False
    # When the decision is "ambiguous": the situations to offer ("Which of these is closest?"), best first.
    options: tuple[str, ...] = ()

    @property
    def confident(self) -> bool:
        """False only when the bot would give no advice at all (out of scope)."""
        return self.decision != "out_of_scope"

    @property
    def ambiguous(self) -> bool:
        return self.decision == "ambiguous"

    @property
    def best(self) -> Match | None:
        return self.matches[0] if self.matches else None

    def to_json(self, top: int | None = None) -> dict[str, Any]:
        shown = self.matches if top is None else self.matches[:top]
        return {
            "query": self.query,
            "lang": self.lang,
            "confident": self.confident,
            "ambiguous": self.ambiguous,
            "problems": list(self.problems),
            "options": list(self.options),
            "matches": [{"id": m.id, "score": round(m.score, 4), "title": m.title} for m in shown],
        }
