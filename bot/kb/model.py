"""Typed, immutable view of the validated knowledge base."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Lang = Literal["en", "es", "ca", "fi"]
LANGS: tuple[Lang, ...] = ("en", "es", "ca", "fi")
PARTS: tuple[str, ...] = ("summary", "steps", "say_this", "avoid", "more", "next_stage", "call_outline")
PLACEHOLDERS: frozenset[str] = frozenset(
    {
        "client_name",
        "your_name",
        "project",
        "amount",
        "invoice_number",
        "days_overdue",
        "due_date",
        "deadline",
        "new_date",
        "hours",
    }
)
PLACEHOLDER_RE = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True)
class Citation:
    article: str
    section: str


@dataclass(frozen=True)
class Option:
    """A follow-up choice: it leads to another topic or to a part of this one."""

    label: str
    topic: str | None = None
    part: str | None = None


@dataclass(frozen=True)
class FollowUp:
    question: str
    options: tuple[Option, ...]


@dataclass(frozen=True)
class Stage:
    """What to do when the first steps did not work: the next rung of an escalating situation."""

    title: str
    summary: str
    steps: tuple[str, ...]
    say_this: tuple[str, ...] = ()


@dataclass(frozen=True)
class Advice:
    """One topic's advice in one language."""

    title: str
    summary: str
    steps: tuple[str, ...]
    say_this: tuple[str, ...]
    avoid: tuple[str, ...]
    more: tuple[str, ...]
    phrasings: tuple[str, ...]
    keywords: tuple[str, ...]
    follow_up: FollowUp
    next_stage: Stage | None = None
    # Talking points for saying it on a call rather than in writing (a call is not an e-mail); empty for most topics.
    call_outline: tuple[str, ...] = ()
    # Topic-specific ``{placeholders}`` (a fact only the user knows) -> how to name it in this language.
    fill_in: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Topic:
    id: str
    legal: bool
    sources: tuple[Citation, ...]
    related: tuple[str, ...]
    advice: Mapping[str, Advice]
    origin: str = ""
    overrides: bool = False
    escalates: bool = False  # declares a next stage (``next_stage``) in every language
    refines: tuple[str, ...] = ()  # the broader topic ids this one narrows (labels stay comparable)

    def in_lang(self, lang: str) -> Advice:
        return self.advice.get(lang) or self.advice["en"]


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    lang: str
    file: str
    sections: tuple[str, ...]


# What an out-of-scope example is, when it is not a client problem.
OUT_OF_SCOPE_KINDS: tuple[str, ...] = ("personal", "workplace", "as-customer", "freelance-other", "chat", "short")


@dataclass(frozen=True)
class Example:
    """A message as a freelancer might write it, labelled for training the situation recogniser.

    ``topic`` is None for a message that is not a client problem; ``kind`` then says what it is instead.
    """

    text: str
    lang: str
    topic: str | None
    kind: str = ""


@dataclass(frozen=True)
class KnowledgeBase:
    topics: Mapping[str, Topic]
    sources: Mapping[str, Source]
    origins: tuple[str, ...] = field(default=())
    examples: tuple[Example, ...] = field(default=())
    # concept id -> language -> words that carry it (concepts.yaml)
    concepts: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
