"""Discord's size limits, and text splitting that respects them without dropping anything."""

from __future__ import annotations

import re
from collections.abc import Iterable

CONTENT = 2000
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
AUTHOR_NAME = 256
EMBED_TOTAL = 6000  # all embeds of one message together
EMBEDS_PER_MESSAGE = 10
BUTTONS_PER_ROW = 5
ROWS = 5
BUTTONS_PER_MESSAGE = BUTTONS_PER_ROW * ROWS
BUTTON_LABEL = 80
CUSTOM_ID = 100
AUTOCOMPLETE_CHOICES = 25
CHOICE_NAME = 100

# A zero-width space after "@" keeps the text readable and stops Discord from parsing a mass mention.
_MASS_MENTION = re.compile(r"@(everyone|here)", re.IGNORECASE)
BLANK = "\u200b"


def neutralise(text: str) -> str:
    """``@everyone`` / ``@here`` made inert (allowed_mentions already blocks pings; this covers copies and quotes)."""
    return _MASS_MENTION.sub(lambda m: f"@{BLANK}{m.group(1)}", text)


def split_text(text: str, limit: int) -> list[str]:
    """``text`` in pieces of at most ``limit`` characters, cut at a line break or a space where possible."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit + 1)
        if cut < limit // 2:
            cut = rest.rfind(" ", 0, limit + 1)
        if cut <= 0:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def pack_lines(lines: Iterable[str], limit: int, separator: str = "\n") -> list[str]:
    """Join ``lines`` into as few pieces of at most ``limit`` characters as possible, keeping lines whole."""
    pieces: list[str] = []
    current = ""
    for line in lines:
        for part in split_text(line, limit):
            candidate = f"{current}{separator}{part}" if current else part
            if len(candidate) <= limit:
                current = candidate
            else:
                pieces.append(current)
                current = part
    if current:
        pieces.append(current)
    return pieces


def shorten(text: str, limit: int) -> str:
    """For labels only (buttons, autocomplete names), where the full text is shown elsewhere."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
