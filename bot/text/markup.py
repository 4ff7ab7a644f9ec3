"""Remove chat markup (Slack and Discord) so only what the person wrote is left."""

from __future__ import annotations

import re

_CODE_BLOCK = re.compile(r"```.*?```", re.DOTALL)
_CODE_SPAN = re.compile(r"`[^`\n]*`")
# Slack: <@U123>, <@U123|name>, <!channel>, <!subteam^S1|@team>, <#C1|general>, <http://x|label>
# ``[^<>]`` rather than ``[^>]``: each "<" is scanned only up to the next one, so "<@<@<@…" stays linear
# (Slack escapes a literal "<" in message text, so markup never contains one).
_SLACK_LINK_LABEL = re.compile(r"<(?:https?|mailto):[^|<>\s]*\|([^<>]*)>")
_ANGLE = re.compile(r"<[@#!][^<>]*>|<(?:https?|mailto):[^<>]*>|<a?:\w+:\d+>|<t:\d+(?::\w)?>")
_URL = re.compile(r"\bhttps?://\S+|\bwww\.\S+")
_EMOJI_CODE = re.compile(r":[a-z0-9_+\-]{2,}:", re.IGNORECASE)
_BROADCAST = re.compile(r"@(?:everyone|here|channel)\b", re.IGNORECASE)
_MARKDOWN = re.compile(r"[*_~>|]+")


def strip_markup(text: str) -> str:
    """Drop code, mentions, links, emoji codes and emphasis marks; keep link labels."""
    text = _CODE_BLOCK.sub(" ", text)
    text = _CODE_SPAN.sub(" ", text)
    text = _SLACK_LINK_LABEL.sub(r" \1 ", text)
    text = _ANGLE.sub(" ", text)
    text = _URL.sub(" ", text)
    text = _EMOJI_CODE.sub(" ", text)
    text = _BROADCAST.sub(" ", text)
    text = _MARKDOWN.sub(" ", text)
    return text
