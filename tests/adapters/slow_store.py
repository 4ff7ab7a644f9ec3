"""A store that is slow on every data call the deadlines could wait on (a store under load, a partition)."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.store.sqlite import SqliteStore

STORE_DELAY = 3.5  # what the issue measured: a 3,509 ms ack
DEADLINE = 1.0


class SlowStore(SqliteStore):
    """Every data call takes ``STORE_DELAY`` seconds first."""

    async def _slow(self) -> None:
        await asyncio.sleep(STORE_DELAY)

    async def claim_event(self, event_id: str, ttl: float) -> bool:
        await self._slow()
        return await super().claim_event(event_id, ttl)

    async def get_preferences(self, user_key: str) -> Any:
        await self._slow()
        return await super().get_preferences(user_key)

    async def get_conversation(self, key: str, now: float, ttl: float) -> Any:
        await self._slow()
        return await super().get_conversation(key, now, ttl)
