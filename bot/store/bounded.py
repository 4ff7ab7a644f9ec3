"""A time limit on every store call, so a hung store never hangs a handler.

``BoundedStore`` wraps any ``Store``: a call that takes longer than ``timeout`` seconds
(``COACH_STORE_TIMEOUT``, default 5) is abandoned and raises ``StoreError``, which the engine already
answers without memory. The engine wraps its store in one. The platform deadlines (Slack's 3 s ack,
Discord's 3 s defer) do not depend on it: the adapters acknowledge before any store call.

The default leaves room for bursts: 1,000 conversations at once on one Redis queue for its connection
pool for up to about 2.5 s per call on a busy machine.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

from bot.errors import StoreError
from bot.store.base import (
    Checkin,
    Conversation,
    FeedbackKind,
    Outcome,
    Preferences,
    Store,
    TopicStats,
    WorkspaceSettings,
)

T = TypeVar("T")


class BoundedStore:
    """``Store`` with a deadline on each call; ``inner`` is the store it wraps."""

    def __init__(self, inner: Store, timeout: float) -> None:
        self.inner = inner
        self.timeout = timeout

    async def _bounded(self, what: str, call: Awaitable[T]) -> T:
        try:
            return await asyncio.wait_for(call, self.timeout)
        except TimeoutError:
            raise StoreError(f"the store did not answer {what} within {self.timeout:g} s") from None

    async def get_conversation(self, key: str, now: float, ttl: float) -> Conversation | None:
        return await self._bounded("get_conversation", self.inner.get_conversation(key, now, ttl))

    async def save_conversation(self, key: str, user_key: str, conversation: Conversation, ttl: float) -> None:
        await self._bounded("save_conversation", self.inner.save_conversation(key, user_key, conversation, ttl))

    async def delete_conversation(self, key: str) -> None:
        await self._bounded("delete_conversation", self.inner.delete_conversation(key))

    async def get_preferences(self, user_key: str) -> Preferences:
        return await self._bounded("get_preferences", self.inner.get_preferences(user_key))

    async def set_preferences(self, user_key: str, preferences: Preferences) -> None:
        await self._bounded("set_preferences", self.inner.set_preferences(user_key, preferences))

    async def get_workspace_settings(self, workspace_key: str) -> WorkspaceSettings:
        return await self._bounded("get_workspace_settings", self.inner.get_workspace_settings(workspace_key))

    async def set_workspace_settings(self, workspace_key: str, settings: WorkspaceSettings) -> None:
        await self._bounded("set_workspace_settings", self.inner.set_workspace_settings(workspace_key, settings))

    async def record_feedback(self, topic_id: str, kind: FeedbackKind, user_key: str | None) -> None:
        await self._bounded("record_feedback", self.inner.record_feedback(topic_id, kind, user_key))

    async def record_outcome(self, topic_id: str, outcome: Outcome, user_key: str | None) -> None:
        await self._bounded("record_outcome", self.inner.record_outcome(topic_id, outcome, user_key))

    async def add_checkin(self, checkin: Checkin) -> None:
        await self._bounded("add_checkin", self.inner.add_checkin(checkin))

    async def claim_due_checkins(self, now: float, limit: int = 100, platform: str | None = None) -> list[Checkin]:
        return await self._bounded("claim_due_checkins", self.inner.claim_due_checkins(now, limit, platform))

    async def user_checkins(self, user_key: str) -> list[Checkin]:
        return await self._bounded("user_checkins", self.inner.user_checkins(user_key))

    async def cancel_checkin(self, user_key: str, checkin_id: str) -> bool:
        return await self._bounded("cancel_checkin", self.inner.cancel_checkin(user_key, checkin_id))

    async def forget_user(self, user_key: str) -> None:
        # Forgetting may also empty the SQLite write-ahead log: allow it more time than a lookup.
        try:
            await asyncio.wait_for(self.inner.forget_user(user_key), self.timeout * 5)
        except TimeoutError:
            raise StoreError(f"the store did not answer forget_user within {self.timeout * 5:g} s") from None

    async def holds_anything_about(self, user_key: str) -> bool:
        return await self._bounded("holds_anything_about", self.inner.holds_anything_about(user_key))

    async def forget_tenant(self, scope: str) -> None:
        # Like forget_user, more time: it walks every key of the tenant.
        try:
            await asyncio.wait_for(self.inner.forget_tenant(scope), self.timeout * 5)
        except TimeoutError:
            raise StoreError(f"the store did not finish forget_tenant within {self.timeout * 5:g} s") from None

    async def adopt_untenanted_users(self, platform: str, tenant: str) -> int:
        return await self.inner.adopt_untenanted_users(platform, tenant)  # once, at start-up: no deadline

    async def put_record(self, kind: str, key: str, data: str, ttl: float | None = None) -> None:
        await self._bounded("put_record", self.inner.put_record(kind, key, data, ttl))

    async def get_record(self, kind: str, key: str) -> str | None:
        return await self._bounded("get_record", self.inner.get_record(kind, key))

    async def take_record(self, kind: str, key: str) -> str | None:
        return await self._bounded("take_record", self.inner.take_record(kind, key))

    async def delete_records(self, kind: str, key: str) -> None:
        await self._bounded("delete_records", self.inner.delete_records(kind, key))

    async def stats(self) -> list[TopicStats]:
        return await self._bounded("stats", self.inner.stats())

    async def claim_event(self, event_id: str, ttl: float) -> bool:
        return await self._bounded("claim_event", self.inner.claim_event(event_id, ttl))

    async def finish_event(self, event_id: str, ttl: float) -> None:
        await self._bounded("finish_event", self.inner.finish_event(event_id, ttl))

    async def release_event(self, event_id: str) -> None:
        await self._bounded("release_event", self.inner.release_event(event_id))

    async def spend_token(self, user_key: str, burst: float, per_second: float, now: float) -> float | None:
        return await self._bounded("spend_token", self.inner.spend_token(user_key, burst, per_second, now))

    async def ping(self) -> bool:
        try:
            return await asyncio.wait_for(self.inner.ping(), self.timeout)
        except TimeoutError:
            return False

    async def problem(self) -> str | None:
        try:
            return await asyncio.wait_for(self.inner.problem(), self.timeout)
        except TimeoutError:
            return f"the store did not answer a health check within {self.timeout:g} s"

    async def close(self) -> None:
        await self.inner.close()


def bounded(store: Store, timeout: float) -> BoundedStore:
    """``store`` with a deadline on each call (unchanged if it already has one)."""
    return store if isinstance(store, BoundedStore) else BoundedStore(store, timeout)
