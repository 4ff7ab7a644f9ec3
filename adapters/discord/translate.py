"""Discord events → ``Request``. No decisions about advice here, only who, where and what was said."""

from __future__ import annotations

import re
from typing import Any, Final

import discord

from bot.engine.messages import Request

PLATFORM: Final = "discord"
COMMAND = "coach"
_CONVERSATION_MESSAGES = (discord.MessageType.default, discord.MessageType.reply)


def in_bot_dm(interaction: discord.Interaction[Any]) -> bool:
    """The interaction happened in the user's direct messages with the bot (a private place already).

    With the app installed to a user's account, /coach also works in their DMs with other people
    (Discord's "private channel" context): those are not private from the other person.
    """
    if interaction.guild_id is not None:
        return False
    context = interaction.context
    if context.guild or context.dm_channel or context.private_channel:
        return context.dm_channel
    return isinstance(interaction.channel, discord.DMChannel)


def interaction_request(
    interaction: discord.Interaction[Any],
    *,
    text: str = "",
    action: str | None = None,
    is_private: bool = True,
    command: str | None = COMMAND,
    client_words: bool = False,
) -> Request:
    """A slash command or a button press. ``command`` is set when the answer is shown only to the user."""
    user_id = str(interaction.user.id)
    return Request(
        platform=PLATFORM,
        user_id=user_id,
        conversation_id=str(interaction.channel_id or user_id),
        text=text,
        is_private=is_private,
        locale=interaction.locale.value,
        command=command,
        action=action,
        client_words=client_words,
        workspace_id=str(interaction.guild_id) if interaction.guild_id else None,
    )


def message_words(message: discord.Message) -> str:
    """What a message says: its content, a forwarded message's content, or its embeds' text."""
    if message.content.strip():
        return message.content.strip()
    forwarded = [snapshot.content for snapshot in message.message_snapshots if snapshot.content.strip()]
    if forwarded:
        return "\n\n".join(forwarded)
    described = [embed.description or "" for embed in message.embeds]
    return "\n\n".join(text for text in described if text.strip())


def mention_pattern(bot_id: int) -> re.Pattern[str]:
    return re.compile(rf"<@!?{bot_id}>")


def mentions_bot(message: discord.Message, bot_id: int) -> bool:
    return any(user.id == bot_id for user in message.mentions) or bool(mention_pattern(bot_id).search(message.content))


def message_request(message: discord.Message, bot_id: int) -> Request | None:
    """A DM, or a guild message that mentions the bot; None for anything the bot should not answer."""
    author = message.author
    if author.bot or author.id == bot_id or message.webhook_id is not None:
        return None
    if message.type not in _CONVERSATION_MESSAGES:
        return None
    private = isinstance(message.channel, discord.DMChannel)
    if not private and not mentions_bot(message, bot_id):
        return None
    text = mention_pattern(bot_id).sub("", message.content).strip()
    return Request(
        platform=PLATFORM,
        user_id=str(author.id),
        conversation_id=str(message.channel.id),
        text=text,
        is_private=private,
        workspace_id=str(message.guild.id) if message.guild is not None else None,
    )
