"""Send rendered messages to a ``Target``: a response_url, a channel or thread, or a DM."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.render import SlackMessage
from adapters.slack.translate import Target

log = logging.getLogger("coach.slack")


class DeliveryError(Exception):
    """Slack refused a response_url post (expired or used up) and there is no other way to answer."""


async def open_dm(client: AsyncWebClient, user_id: str) -> str:
    """The DM channel id with ``user_id`` (conversations.open is idempotent)."""
    opened = await client.conversations_open(users=user_id)
    return str(opened["channel"]["id"])


async def deliver(
    client: AsyncWebClient, target: Target, messages: Sequence[SlackMessage], *, public: bool = False
) -> None:
    """Post ``messages`` in order; ``public`` makes an answer for one user visible to the channel."""
    remaining = list(messages)
    if target.response_url:
        remaining = await _respond(target.response_url, remaining, public)
        if not remaining:
            return
        if not (target.channel and target.user):
            raise DeliveryError("the response_url was refused")
        log.info("response_url refused (expired?); answering through the Web API instead")
    if target.user and not public:
        for message in remaining:
            await client.chat_postEphemeral(
                channel=target.channel,
                user=target.user,
                thread_ts=target.thread_ts,
                text=message.text,
                blocks=message.blocks,
            )
        return
    channel = target.channel or await open_dm(client, target.dm_user)
    for message in remaining:
        await client.chat_postMessage(
            channel=channel, thread_ts=target.thread_ts, text=message.text, blocks=message.blocks
        )


async def _respond(url: str, messages: list[SlackMessage], public: bool) -> list[SlackMessage]:
    """Post through the response_url; returns the messages it refused (from the first refusal on)."""
    respond = AsyncRespond(response_url=url)
    for index, message in enumerate(messages):
        result = await respond(
            text=message.text,
            blocks=message.blocks,
            response_type="in_channel" if public else "ephemeral",
            replace_original=False,
        )
        if result.status_code != 200:
            log.warning("response_url answered HTTP %d", result.status_code)
            return messages[index:]
    return []
