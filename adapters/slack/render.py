"""Reply → Block Kit messages with a plain ``text`` fallback, within Slack's limits.

Every string from a ``Reply`` may carry the user's own words (a client's name filled
into a script, an unknown topic name), so all of it is neutralised (no broadcast,
user or group mentions survive) and escaped before it reaches Slack. Long replies are
split into more sections and, past 50 blocks, into more messages; nothing is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.engine.i18n import t
from bot.engine.messages import Choice, PlanItem, Reply

Block = dict[str, Any]

SECTION_LIMIT = 3000  # characters in a section's (or a context element's) text
HEADER_LIMIT = 150  # characters in a header block
BLOCKS_PER_MESSAGE = 50
BUTTONS_PER_ACTIONS = 25
BUTTON_LABEL_LIMIT = 75
FALLBACK_LIMIT = 3000  # the notification text; the blocks carry the whole reply

# A zero-width space after "@" keeps a word readable but stops Slack from treating it as a mention.
_ZWSP = "\u200b"
_SPECIAL_MENTION = re.compile(r"<!(channel|here|everyone)(?:\|[^>]*)?>", re.IGNORECASE)
_USER_MENTION = re.compile(r"<@([UWB][A-Z0-9]+)(?:\|([^>]*))?>", re.IGNORECASE)
_GROUP_MENTION = re.compile(r"<!subteam\^([A-Z0-9]+)(?:\|@?([^>]*))?>", re.IGNORECASE)
_BARE_BROADCAST = re.compile(r"(?<![\w.@])@(channel|here|everyone)\b", re.IGNORECASE)


@dataclass(frozen=True)
class SlackMessage:
    """One chat.postMessage / response_url payload."""

    text: str
    blocks: list[Block]


def neutralise(text: str) -> str:
    """Turn ``<!channel>``, ``@here``, ``<@U…>`` and ``<!subteam^…>`` into inert words."""
    text = _SPECIAL_MENTION.sub(lambda m: f"@{_ZWSP}{m.group(1)}", text)
    text = _USER_MENTION.sub(lambda m: f"@{_ZWSP}{m.group(2) or m.group(1)}", text)
    text = _GROUP_MENTION.sub(lambda m: f"@{_ZWSP}{m.group(2) or m.group(1)}", text)
    return _BARE_BROADCAST.sub(lambda m: f"@{_ZWSP}{m.group(1)}", text)


def escape(text: str) -> str:
    """Text safe inside mrkdwn: mentions neutralised, then ``&``, ``<`` and ``>`` escaped."""
    return neutralise(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def split_text(text: str, limit: int = SECTION_LIMIT) -> list[str]:
    """Pieces of at most ``limit`` characters, cut at a paragraph, line or word boundary when one is near."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut, skip = _cut_point(rest, limit)
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut + skip :].lstrip()
    pieces.append(rest)
    return [piece for piece in pieces if piece.strip()]


def _cut_point(text: str, limit: int) -> tuple[int, int]:
    found = [(text.rfind(sep, 0, limit + 1), len(sep)) for sep in ("\n\n", "\n", " ")]
    for at, skip in found:
        if at > limit // 2:
            return at, skip
    at, skip = max(found)
    if at > 0:
        return at, skip
    # No whitespace at all: cut hard, but never through an escape such as "&amp;".
    amp = text.rfind("&", max(0, limit - 5), limit)
    if amp > 0 and ";" not in text[amp:limit]:
        return amp, 0
    return limit, 0


def truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    pieces = split_text(text, limit - 1)
    return pieces[0] + "…" if pieces else ""


# -- blocks -------------------------------------------------------------------------------


def header(title: str) -> list[Block]:
    plain = neutralise(title).strip()
    if not plain:
        return []
    if len(plain) > HEADER_LIMIT:
        return sections(f"*{escape(title)}*")
    return [{"type": "header", "text": {"type": "plain_text", "text": plain, "emoji": True}}]


def sections(mrkdwn: str) -> list[Block]:
    return [{"type": "section", "text": {"type": "mrkdwn", "text": piece}} for piece in split_text(mrkdwn)]


def context(mrkdwn: str) -> list[Block]:
    return [{"type": "context", "elements": [{"type": "mrkdwn", "text": piece}]} for piece in split_text(mrkdwn)]


def actions(choices: Sequence[Choice]) -> list[Block]:
    buttons: list[Block] = []
    seen: set[str] = set()
    for choice in choices:
        if choice.id in seen:  # action_id must be unique within a message; a repeat is the same action
            continue
        seen.add(choice.id)
        button: Block = {
            "type": "button",
            "text": {
                "type": "plain_text",
                "text": truncate(neutralise(choice.label).strip() or choice.id, BUTTON_LABEL_LIMIT),
                "emoji": True,
            },
            "action_id": choice.id,
            "value": choice.id,
        }
        if choice.id.startswith("share:"):
            button["style"] = "primary"
        buttons.append(button)
    return [
        {"type": "actions", "elements": buttons[start : start + BUTTONS_PER_ACTIONS]}
        for start in range(0, len(buttons), BUTTONS_PER_ACTIONS)
    ]


def bullets(items: Iterable[str], heading: str = "") -> str:
    lines = [f"*{escape(heading)}*"] if heading else []
    lines.extend(f"• {escape(item)}" for item in items)
    return "\n".join(lines)


def _numbered(items: Sequence[str], heading: str) -> str:
    lines = [f"*{escape(heading)}*"]
    lines.extend(f"{index}. {escape(item)}" for index, item in enumerate(items, 1))
    return "\n".join(lines)


def _quoted(messages: Sequence[str], heading: str) -> str:
    """Each message as a block quote; a very long line is wrapped so every piece stays quoted."""
    parts = [f"*{escape(heading)}*"]
    for message in messages:
        lines: list[str] = []
        for line in message.splitlines():
            pieces = split_text(escape(line), SECTION_LIMIT - 2) or [""]
            lines.extend(f"> {piece}".rstrip() for piece in pieces)
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def _plan_item(index: int, item: PlanItem) -> str:
    lines = [f"*{index}. {escape(item.title)}*", escape(item.why_now), escape(item.summary)]
    lines.extend(f"• {escape(step)}" for step in item.first_steps)
    return "\n".join(line for line in lines if line)


def reply_blocks(reply: Reply) -> list[Block]:
    """The whole reply as one list of blocks (possibly more than one message's worth)."""
    lang = reply.lang
    blocks: list[Block] = []
    if reply.title and reply.kind in ("advice", "tip", "confirmation"):
        blocks += header(reply.title)
        lead = reply.summary or (reply.text if reply.text != reply.title else "")
    else:
        lead = reply.text
    if lead:
        blocks += sections(escape(lead))
    for index, item in enumerate(reply.plan, 1):
        blocks += sections(_plan_item(index, item))
    if reply.steps:
        blocks += sections(_numbered(reply.steps, t("steps", lang)))
    if reply.script:
        blocks += sections(_quoted(reply.script, t("script", lang)))
    if reply.call_outline:
        blocks += sections(bullets(reply.call_outline, t("call_outline", lang)))
    if reply.avoid:
        blocks += sections(bullets(reply.avoid, t("avoid", lang)))
    if reply.more:
        blocks += sections("\n\n".join(escape(paragraph) for paragraph in reply.more))
    if reply.items:
        blocks += sections(bullets(reply.items))
    if reply.sources:
        blocks += context(bullets(reply.sources, t("sources", lang)))
    if reply.disclaimer:
        blocks += context(f"⚠️ {escape(reply.disclaimer)}")
    if reply.notice:
        blocks += context(f"ℹ️ {escape(reply.notice)}")
    if reply.question and reply.question != reply.text:
        blocks += sections(f"*{escape(reply.question)}*")
    blocks += actions(reply.options)
    return blocks


def block_text(block: Block) -> str:
    """What a block says, as mrkdwn-safe text (used for the fallback)."""
    if block["type"] == "header":
        return f"*{escape(block['text']['text'])}*"
    if block["type"] == "section":
        return str(block["text"]["text"])
    if block["type"] == "context":
        return "\n".join(str(element["text"]) for element in block["elements"])
    if block["type"] == "actions":
        return " · ".join(escape(element["text"]["text"]) for element in block["elements"])
    return ""


def pack(blocks: Sequence[Block], limit: int = BLOCKS_PER_MESSAGE) -> list[SlackMessage]:
    """Blocks into messages of at most ``limit`` blocks, each with its own fallback text."""
    messages = []
    for start in range(0, len(blocks), limit):
        chunk = list(blocks[start : start + limit])
        content = [block_text(b) for b in chunk if b["type"] != "actions"] or [block_text(b) for b in chunk]
        text = truncate("\n\n".join(c for c in content if c), FALLBACK_LIMIT) or " "
        messages.append(SlackMessage(text=text, blocks=chunk))
    return messages


def render(reply: Reply) -> list[SlackMessage]:
    """One or more messages that together show the whole reply."""
    messages = pack(reply_blocks(reply))
    return messages or [SlackMessage(text=escape(reply.text) or " ", blocks=[])]
