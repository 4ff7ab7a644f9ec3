"""Deliver the check-ins that fall due to each user's DM."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.deliver import deliver
from adapters.slack.render import render
from adapters.slack.translate import Target
from bot.engine.coach import Coach

log = logging.getLogger("coach.slack")

CHECKIN_INTERVAL = 60.0


async def deliver_due_checkins(coach: Coach, client: AsyncWebClient) -> int:
    """Send every due check-in; returns how many arrived. Failures are logged without message text."""
    sent = 0
    for outgoing in await coach.due_checkins(platform="slack"):
        try:
            await deliver(client, Target(dm_user=outgoing.user_id), render(outgoing.reply))
        except SlackApiError as exc:
            log.warning("could not deliver check-in %s: %s", outgoing.checkin_id, exc.response.get("error"))
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.warning("could not deliver check-in %s: %s", outgoing.checkin_id, type(exc).__name__)
        else:
            sent += 1
    return sent


async def run_checkins(
    coach: Coach, client: AsyncWebClient, stop: asyncio.Event, interval: float = CHECKIN_INTERVAL
) -> None:
    """Every ``interval`` seconds until ``stop`` is set."""
    while not stop.is_set():
        try:
            sent = await deliver_due_checkins(coach, client)
            if sent:
                log.info("delivered %d check-in(s)", sent)
        except Exception:
            log.exception("check-in round failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), interval)
