"""Test data shared by the store tests."""

from __future__ import annotations

from bot.store.base import Checkin


def checkin(n: int, due_at: float, user_key: str = "slack:T1:U1", platform: str = "slack") -> Checkin:
    return Checkin(
        id=f"c{n:03d}",
        user_key=user_key,
        platform=platform,
        user_id="U1",
        conversation_id="D1",
        topic_id="late-payment",
        lang="en",
        due_at=due_at,
    )
