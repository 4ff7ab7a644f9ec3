"""Deliver the check-ins that fall due to each user's DM."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.deliver import deliver
from adapters.slack.render import render
from adapters.slack.translate import Target
from bot.engine.coach import Coach

log = logging.getLogger("coach.slack")

CHECKIN_INTERVAL = 60.0


# The bot token of a tenant's installation (OAuth mode), or None when it has none any more.
BotToken = Callable[[str], Awaitable[str | None]]


async def deliver_due_checkins(coach: Coach, client: AsyncWebClient, bot_token: BotToken | None = None) -> int:
    """Send every due check-in; returns how many arrived. Failures are logged without message text.

    With ``bot_token`` (OAuth mode) each goes out with its workspace's token; a workspace without an
    installation any more gets nothing.
    """
    sent = 0
    for outgoing in await coach.due_checkins(platform="slack"):
        sender = client
        if bot_token is not None:
            token = await bot_token(outgoing.tenant) if outgoing.tenant else None
            if token is None:
                log.warning("check-in %s dropped: its workspace has no installation", outgoing.checkin_id)
                continue
            sender = with_token(client, token)
        try:
            await deliver(sender, Target(dm_user=outgoing.user_id), render(outgoing.reply))
        except SlackApiError as exc:
            log.warning("could not deliver check-in %s: %s", outgoing.checkin_id, exc.response.get("error"))
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.warning("could not deliver check-in %s: %s", outgoing.checkin_id, type(exc).__name__)
        else:
            sent += 1
    return sent


def with_token(client: AsyncWebClient, token: str) -> AsyncWebClient:
    """The same client (base URL, pooled session, retries) speaking for another workspace."""
    return AsyncWebClient(
        token=token,
        base_url=client.base_url,
        session=client.session,
        retry_handlers=list(client.retry_handlers),
        logger=client.logger,
    )


async def run_checkins(
    coach: Coach,
    client: AsyncWebClient,
    stop: asyncio.Event,
    interval: float = CHECKIN_INTERVAL,
    bot_token: BotToken | None = None,
) -> None:
    """Every ``interval`` seconds until ``stop`` is set."""
    while not stop.is_set():
        try:
            sent = await deliver_due_checkins(coach, client, bot_token)
            if sent:
                log.info("delivered %d check-in(s)", sent)
        except Exception:
            log.exception("check-in round failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), interval)
