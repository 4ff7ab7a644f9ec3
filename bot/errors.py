"""Every exception Client Coach raises on purpose, in one place.

``CoachError`` is the root. Errors an operator must act on (settings,
knowledge) carry a message written for them; errors from the store are
turned into a short, kind reply by the engine and never shown verbatim in chat.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class CoachError(Exception):
    """Base class for the errors Client Coach raises deliberately."""


class ConfigError(CoachError):
    """A setting is missing or malformed; the message says which and how to fix it."""


@dataclass(frozen=True)
class Problem:
    """One validation finding, located as precisely as the YAML parser allows."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class KnowledgeError(CoachError):
    """The knowledge base failed validation; ``problems`` lists every finding."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        shown = "\n".join(str(p) for p in self.problems[:50])
        more = len(self.problems) - 50
        extra = f"\n... and {more} more" if more > 0 else ""
        super().__init__(f"knowledge base is invalid ({len(self.problems)} problems):\n{shown}{extra}")


class StoreError(CoachError):
    """The store cannot be used right now (locked, read-only, corrupted or unreachable)."""


class UnreachableError(CoachError):
    """Slack's or Discord's API could not be reached at start (DNS, refused, timed out); the message names it."""
