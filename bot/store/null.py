"""A store that holds nothing, for one-off answers (``coach ask``) that must not touch disk.

Every call that would need memory raises ``StoreError``, so the engine answers
without memory, exactly as it does when a real store is unavailable.
"""

from __future__ import annotations

from typing import NoReturn

from bot.errors import StoreError
from bot.store.base import Checkin, Conversation, FeedbackKind, Outcome, Preferences, TopicStats, WorkspaceSettings


class NullStore:
    def _none(self) -> NoReturn:
        raise StoreError("no store: this answer is given without memory")

    async def get_conversation(self, key: str, now: float, ttl: float) -> Conversation | None:
        self._none()

    async def save_conversation(self, key: str, user_key: str, conversation: Conversation, ttl: float) -> None:
        self._none()

    async def delete_conversation(self, key: str) -> None:
        self._none()

    async def get_preferences(self, user_key: str) -> Preferences:
        self._none()

    async def set_preferences(self, user_key: str, preferences: Preferences) -> None:
        self._none()

    async def get_workspace_settings(self, workspace_key: str) -> WorkspaceSettings:
        self._none()

    async def set_workspace_settings(self, workspace_key: str, settings: WorkspaceSettings) -> None:
        self._none()

    async def record_feedback(self, topic_id: str, kind: FeedbackKind, user_key: str | None) -> None:
        self._none()

    async def record_outcome(self, topic_id: str, outcome: Outcome, user_key: str | None) -> None:
        self._none()

    async def add_checkin(self, checkin: Checkin) -> None:
        self._none()

    async def claim_due_checkins(self, now: float, limit: int = 100, platform: str | None = None) -> list[Checkin]:
        self._none()

    async def user_checkins(self, user_key: str) -> list[Checkin]:
        self._none()

    async def cancel_checkin(self, user_key: str, checkin_id: str) -> bool:
        self._none()

    async def forget_user(self, user_key: str) -> None:
        self._none()

    async def holds_anything_about(self, user_key: str) -> bool:
        return False

    async def forget_tenant(self, scope: str) -> None:
        return None  # nothing is held, so nothing is left behind

    async def adopt_untenanted_users(self, platform: str, tenant: str) -> int:
        return 0

    async def put_record(self, kind: str, key: str, data: str, ttl: float | None = None) -> None:
        self._none()

    async def get_record(self, kind: str, key: str) -> str | None:
        self._none()

    async def take_record(self, kind: str, key: str) -> str | None:
        self._none()

    async def delete_records(self, kind: str, key: str) -> None:
        return None

    async def stats(self) -> list[TopicStats]:
        return []

    async def claim_event(self, event_id: str, ttl: float) -> bool:
        self._none()

    async def finish_event(self, event_id: str, ttl: float) -> None:
        self._none()

    async def release_event(self, event_id: str) -> None:
        self._none()

    async def spend_token(self, user_key: str, burst: float, per_second: float, now: float) -> float | None:
        return None

    async def ping(self) -> bool:
        return False

    async def problem(self) -> str | None:
        return "no store is configured (nothing is remembered)"

    async def close(self) -> None:
        return None
