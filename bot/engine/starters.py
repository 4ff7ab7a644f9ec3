"""Conversation starters: the prompts a new conversation offers (Slack's assistant threads), in each language.

The words are in ``i18n``; this says which ones, in what order, and in which language to offer them.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.engine.i18n import locale_lang, t

STARTERS = ("late_payment", "scope_creep", "angry", "topics")


@dataclass(frozen=True)
class Starter:
    """A suggested prompt: ``title`` is the button, ``message`` what it sends as the user's words."""

    title: str
    message: str


def starters(lang: str) -> tuple[Starter, ...]:
    return tuple(Starter(t(f"starter_{key}_title", lang), t(f"starter_{key}", lang)) for key in STARTERS)


def starter_lang(saved: str | None, locale: str | None, default: str) -> str:
    """Before the user has written anything: their saved language, else their platform's locale, else the default."""
    return saved or locale_lang(locale) or default
