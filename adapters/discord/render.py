"""``Reply`` → Discord messages: embeds (or plain content for short replies) and buttons.

Every Discord limit is respected by splitting, never by cutting text: a long
section continues in the next field, a long description in the next embed, and
embeds that would pass 6,000 characters or ten per message go to the next
message. Buttons go on the last message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import discord

from adapters.discord import limits
from adapters.discord.limits import BLANK, neutralise, pack_lines, split_text
from adapters.discord.views import build_view, usable_choices
from bot.engine.i18n import t
from bot.engine.messages import Choice, Reply

NO_PINGS = discord.AllowedMentions.none()
COLOUR = discord.Colour.blurple()
ERROR_COLOUR = discord.Colour.red()


@dataclass
class Outbound:
    """One Discord message to send."""

    content: str | None = None
    embeds: list[discord.Embed] = field(default_factory=list)
    choices: tuple[Choice, ...] = ()

    def send_kwargs(self) -> dict[str, Any]:
        """Keyword arguments shared by ``Messageable.send`` and ``Webhook.send``."""
        kwargs: dict[str, Any] = {"allowed_mentions": NO_PINGS}
        if self.content:
            kwargs["content"] = self.content
        if self.embeds:
            kwargs["embeds"] = self.embeds
        if self.choices:
            kwargs["view"] = build_view(self.choices)
        return kwargs


def render(reply: Reply, *, allow_share: bool) -> list[Outbound]:
    """The messages that show ``reply``; ``allow_share`` is False where "Share in channel" means nothing."""
    choices = [c for c in usable_choices(reply.options) if allow_share or not c.id.startswith("share:")]
    messages = _content_messages(reply) if _is_simple(reply) else _embed_messages(reply)
    button_groups = [
        tuple(choices[i : i + limits.BUTTONS_PER_MESSAGE]) for i in range(0, len(choices), limits.BUTTONS_PER_MESSAGE)
    ]
    if button_groups:
        messages[-1].choices = button_groups[0]
        messages.extend(Outbound(choices=group) for group in button_groups[1:])
    return messages


def _is_simple(reply: Reply) -> bool:
    """A confirmation, an error, a question: plain text reads better than an embed."""
    structured = (
        reply.steps,
        reply.script,
        reply.call_outline,
        reply.avoid,
        reply.more,
        reply.plan,
        reply.items,
        reply.sources,
    )
    return not reply.title and not reply.disclaimer and not any(structured)


def _content_messages(reply: Reply) -> list[Outbound]:
    parts = [reply.text, _notice(reply.notice)]
    if reply.question and reply.question != reply.text:
        parts.append(f"**{reply.question}**")
    text = neutralise("\n\n".join(p for p in parts if p))
    return [Outbound(content=piece) for piece in split_text(text, limits.CONTENT)] or [Outbound(content=BLANK)]


def _notice(notice: str) -> str:
    return f"ℹ️ *{notice}*" if notice else ""


def _embed_messages(reply: Reply) -> list[Outbound]:
    lang = reply.lang
    pack = _Packer(ERROR_COLOUR if reply.kind == "error" else COLOUR)
    title_pieces = split_text(neutralise(reply.title), limits.EMBED_TITLE)
    author = t("tip", lang) if reply.kind == "tip" else ""
    pack.start(title_pieces[0] if title_pieces else "", author)

    lead: list[str] = title_pieces[1:]
    if reply.title and reply.kind in ("advice", "tip", "confirmation"):
        # Their text repeats the title ("Title: summary"); the summary, or a lead of its own, says more.
        lead.append(reply.summary or (reply.text if reply.text != reply.title else ""))
    else:
        lead += [reply.text, reply.summary]
    lead.append("\n".join(f"• {item}" for item in reply.items))
    lead.append(_notice(reply.notice))
    for piece in pack_lines((neutralise(p) for p in lead if p), limits.EMBED_DESCRIPTION, "\n\n"):
        pack.description(piece)

    for index, item in enumerate(reply.plan, 1):
        lines = [f"*{item.why_now}*", item.summary, *(f"• {step}" for step in item.first_steps)]
        pack.section(f"{index}. {item.title}", lines)
    pack.section(t("steps", lang), [f"{n}. {step}" for n, step in enumerate(reply.steps, 1)])
    pack.section(t("script", lang), [_quote(message) for message in reply.script], "\n\n")
    pack.section(t("call_outline", lang), [f"• {point}" for point in reply.call_outline])
    pack.section(t("avoid", lang), [f"• {item}" for item in reply.avoid])
    pack.section(t("more", lang), list(reply.more), "\n\n")
    if reply.question and reply.question != reply.text:
        pack.section(BLANK, [f"**{reply.question}**"])

    footer = [f"⚠ {reply.disclaimer}" if reply.disclaimer else ""]
    if reply.sources:
        footer.append(f"{t('sources', lang)}: " + " · ".join(reply.sources))
    footer_text = neutralise("\n".join(p for p in footer if p))
    if len(footer_text) <= limits.FOOTER:
        pack.footer(footer_text)
    else:
        pack.section("⚠", [reply.disclaimer])
        pack.section(t("sources", lang), [f"• {source}" for source in reply.sources])
    messages = [[embed for embed in embeds if len(embed)] for embeds in pack.messages]
    return [Outbound(embeds=embeds) for embeds in messages if embeds] or [Outbound(content=BLANK)]


def _quote(message: str) -> str:
    return "\n".join(f"> {line}" if line.strip() else ">" for line in message.splitlines())


class _Packer:
    """Fills embeds in order, opening a new embed or message whenever a limit would be passed."""

    def __init__(self, colour: discord.Colour) -> None:
        self.colour = colour
        self.messages: list[list[discord.Embed]] = [[]]

    def start(self, title: str, author: str) -> None:
        embed = self._new_embed(len(title) + len(author))
        if title:
            embed.title = title
        if author:
            embed.set_author(name=author[: limits.AUTHOR_NAME])

    def description(self, text: str) -> None:
        embed = self._current()
        if embed is None or embed.description or embed.fields or embed.footer.text or self._room() < len(text):
            embed = self._new_embed(len(text))
        embed.description = text

    def section(self, name: str, lines: list[str], separator: str = "\n") -> None:
        """One heading and its lines as fields; continuation fields get a blank name."""
        values = pack_lines((neutralise(line) for line in lines if line), limits.FIELD_VALUE, separator)
        names = split_text(neutralise(name), limits.FIELD_NAME) or [BLANK]
        if len(names) > 1:
            values = pack_lines([" ".join(names[1:]), *values], limits.FIELD_VALUE, separator)
        for index, value in enumerate(values):
            self.field(names[0] if index == 0 else BLANK, value)

    def field(self, name: str, value: str) -> None:
        embed = self._current()
        size = len(name) + len(value)
        if embed is None or len(embed.fields) >= limits.EMBED_FIELDS or embed.footer.text or self._room() < size:
            embed = self._new_embed(size)
        embed.add_field(name=name, value=value, inline=False)

    def footer(self, text: str) -> None:
        if not text:
            return
        embed = self._current()
        if embed is None or embed.footer.text or self._room() < len(text):
            embed = self._new_embed(len(text))
        embed.set_footer(text=text)

    def _current(self) -> discord.Embed | None:
        return self.messages[-1][-1] if self.messages[-1] else None

    def _room(self) -> int:
        return limits.EMBED_TOTAL - sum(len(embed) for embed in self.messages[-1])

    def _new_embed(self, size: int) -> discord.Embed:
        if len(self.messages[-1]) >= limits.EMBEDS_PER_MESSAGE or self._room() < size:
            self.messages.append([])
        embed = discord.Embed(colour=self.colour)
        self.messages[-1].append(embed)
        return embed
