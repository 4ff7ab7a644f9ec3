"""Due check-ins, delivered by DM from a background task.

The engine hands each due check-in out exactly once (it is claimed in the store),
so a user whose DMs are closed is logged and skipped, never retried.
"""

from __future__ import annotations

import asyncio
import logging

import discord

from adapters.discord.render import render
from bot.engine.coach import Coach
from bot.engine.messages import Outgoing

log = logging.getLogger("coach.discord")

INTERVAL = 60.0


class CheckinDelivery:
    def __init__(self, client: discord.Client, coach: Coach, interval: float = INTERVAL) -> None:
        self.client = client
        self.coach = coach
        self.interval = interval

    async def run_forever(self) -> None:
        await self.client.wait_until_ready()
        while not self.client.is_closed():
            try:
                await self.run_once()
            except Exception:
                log.exception("check-in delivery failed; trying again in %.0f s", self.interval)
            await asyncio.sleep(self.interval)

    async def run_once(self) -> int:
        """Send the check-ins due now; return how many were delivered."""
        delivered = 0
        for outgoing in await self.coach.due_checkins(platform="discord"):
            delivered += await self._deliver(outgoing)
        return delivered

    async def _deliver(self, outgoing: Outgoing) -> int:
        if not outgoing.user_id.isdigit():
            log.warning("check-in %s has no Discord user id; dropped", outgoing.checkin_id)
            return 0
        try:
            channel = await self.client.create_dm(discord.Object(id=int(outgoing.user_id)))
            for out in render(outgoing.reply, allow_share=False):
                await channel.send(**out.send_kwargs())
        except discord.Forbidden:
            log.info(
                "check-in %s skipped: user %s does not accept DMs from the bot", outgoing.checkin_id, outgoing.user_id
            )
            return 0
        except discord.HTTPException as exc:
            log.warning("check-in %s not delivered: %s %s", outgoing.checkin_id, exc.status, exc.code)
            return 0
        return 1
