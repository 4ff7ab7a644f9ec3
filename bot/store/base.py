"""The storage boundary: one protocol, implemented on SQLite (default) and Redis.

Nothing here stores message text. A conversation holds the topic being
discussed, pending options, the language and the details the user gave to
fill a script (client name, amount, ...), and expires after an idle time.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal, Protocol

FeedbackKind = Literal["shown", "helpful", "not_helpful"]
Outcome = Literal["resolved", "unresolved"]


@dataclass
class Conversation:
    """Coaching context for one user in one conversation (a DM, a thread)."""

    topic_id: str | None = None
    lang: str = "en"
    stage: str = "idle"  # idle | advice | clarify | checkin_offer | checkin_sent
    pending: list[str] = field(default_factory=list)  # topic ids offered, in order
    details: dict[str, str] = field(default_factory=dict)  # placeholder name -> value
    follow_up_step: int = 0
    updated_at: float = 0.0


_CONVERSATION_FIELDS = frozenset(f.name for f in fields(Conversation))


def conversation_to_json(conversation: Conversation) -> str:
    return json.dumps(asdict(conversation), separators=(",", ":"))


def conversation_from_json(data: str) -> Conversation | None:
    """The stored conversation, or None when it cannot be read (the caller drops it)."""
    try:
        raw: Any = json.loads(data)
        if not isinstance(raw, dict):
            return None
        return Conversation(**{k: v for k, v in raw.items() if k in _CONVERSATION_FIELDS})
    except (ValueError, TypeError):
        return None


@dataclass(frozen=True)
class Preferences:
    lang: str | None = None


@dataclass(frozen=True)
class WorkspaceSettings:
    """What a Slack workspace's admins or a Discord server's managers chose for everyone in it.

    ``lang`` is the language for members who chose none (None: ``COACH_DEFAULT_LANG``); ``admins`` are the
    user ids who may see the statistics there, besides ``COACH_ADMINS``. The defaults mean "not set".
    """

    lang: str | None = None
    admins: tuple[str, ...] = ()

    @property
    def is_default(self) -> bool:
        return self.lang is None and not self.admins


def workspace_settings_to_json(settings: WorkspaceSettings) -> str:
    return json.dumps({"lang": settings.lang, "admins": list(settings.admins)}, separators=(",", ":"))


def workspace_settings_from_json(data: str) -> WorkspaceSettings:
    """The stored settings; anything unreadable counts as not set (the environment's defaults apply)."""
    try:
        raw: Any = json.loads(data)
    except ValueError:
        return WorkspaceSettings()
    if not isinstance(raw, dict):
        return WorkspaceSettings()
    lang, admins = raw.get("lang"), raw.get("admins")
    return WorkspaceSettings(
        lang=lang if isinstance(lang, str) else None,
        admins=tuple(a for a in admins if isinstance(a, str)) if isinstance(admins, list) else (),
    )


@dataclass(frozen=True)
class Checkin:
    id: str
    user_key: str
    platform: str
    user_id: str
    conversation_id: str
    topic_id: str
    lang: str
    due_at: float
    tenant: str | None = None  # the request's tenant (a Slack installation), to deliver it with the right token


@dataclass(frozen=True)
class TopicStats:
    topic_id: str
    shown: int
    helpful: int
    not_helpful: int
    resolved: int
    unresolved: int

    @property
    def helpful_rate(self) -> float | None:
        rated = self.helpful + self.not_helpful
        return self.helpful / rated if rated else None

    def summary_line(self) -> str:
        """One readable line: for `stats` in chat and `coach stats` in a terminal."""
        rated = self.helpful + self.not_helpful
        rate = "n/a" if self.helpful_rate is None else f"{self.helpful_rate:.0%}"
        return (
            f"{self.topic_id}: shown {self.shown}, helpful {rate} ({self.helpful}/{rated}), "
            f"outcomes {self.resolved} resolved / {self.unresolved} not"
        )


class Store(Protocol):
    """Async storage used by the engine and adapters. Raise ``StoreError`` when unusable."""

    async def get_conversation(self, key: str, now: float, ttl: float) -> Conversation | None:
        """The conversation if it was updated within ``ttl`` seconds of ``now``; else None."""

    async def save_conversation(self, key: str, user_key: str, conversation: Conversation, ttl: float) -> None: ...

    async def delete_conversation(self, key: str) -> None: ...

    async def get_preferences(self, user_key: str) -> Preferences: ...

    async def set_preferences(self, user_key: str, preferences: Preferences) -> None: ...

    async def get_workspace_settings(self, workspace_key: str) -> WorkspaceSettings:
        """The settings of a workspace or server (``slack:T1``, ``discord:123``); the defaults when none are set."""

    async def set_workspace_settings(self, workspace_key: str, settings: WorkspaceSettings) -> None:
        """Replace them; settings equal to the defaults delete the record."""

    async def record_feedback(self, topic_id: str, kind: FeedbackKind, user_key: str | None) -> None: ...

    async def record_outcome(self, topic_id: str, outcome: Outcome, user_key: str | None) -> None: ...

    async def add_checkin(self, checkin: Checkin) -> None: ...

    async def claim_due_checkins(self, now: float, limit: int = 100, platform: str | None = None) -> list[Checkin]:
        """Atomically take the check-ins due at ``now`` (of one platform, if given): each goes to one caller."""

    async def user_checkins(self, user_key: str) -> list[Checkin]:
        """The user's check-ins not sent yet, soonest first."""

    async def cancel_checkin(self, user_key: str, checkin_id: str) -> bool:
        """Delete one of the user's check-ins; False when it is gone already or belongs to someone else."""

    async def forget_user(self, user_key: str) -> None:
        """Remove conversations, preferences and check-ins; detach the user from feedback and outcomes."""

    async def holds_anything_about(self, user_key: str) -> bool: ...

    async def forget_tenant(self, scope: str) -> None:
        """Remove everything kept under a tenant (a Slack workspace that uninstalled the app).

        Every conversation, preference, check-in, workspace setting and record whose key is ``scope``
        (``slack:T1``) or starts with ``scope:``; the tenant's users are detached from feedback and
        outcomes, as :meth:`forget_user` does (the per-topic counts stay).
        """

    async def adopt_untenanted_users(self, platform: str, tenant: str) -> int:
        """Move what is kept under user keys without a tenant (``slack:U1``, before tenants) under ``tenant``.

        ``slack:U1`` becomes ``slack:T1:U1`` in preferences, check-ins, feedback and outcomes, and so do
        the conversations of such users. Returns how many rows or keys moved; 0 when nothing was left to move.
        """

    async def put_record(self, kind: str, key: str, data: str, ttl: float | None = None) -> None:
        """Keep an opaque record (an adapter's JSON: a Slack installation, an OAuth state) under ``kind`` and
        ``key``, replacing any; with ``ttl`` it is gone after that many seconds. ``kind`` has no ``:``."""

    async def get_record(self, kind: str, key: str) -> str | None: ...

    async def take_record(self, kind: str, key: str) -> str | None:
        """The record, deleted in the same step: a one-time value (an OAuth state) is used at most once."""

    async def delete_records(self, kind: str, key: str) -> None:
        """Delete the record ``key`` of ``kind`` and every record of that kind under it (``key:...``)."""

    async def stats(self) -> list[TopicStats]: ...

    async def claim_event(self, event_id: str, ttl: float) -> bool:
        """True the first time ``event_id`` is claimed within ``ttl`` seconds, False for a repeat.

        Used as a lease: claim for a short ``ttl`` while the event is handled, then :meth:`finish_event`
        (keep it for longer: done) or :meth:`release_event` (failed: a re-delivery may take over).
        """

    async def finish_event(self, event_id: str, ttl: float) -> None:
        """The event was handled: keep its claim for ``ttl`` seconds from now."""

    async def release_event(self, event_id: str) -> None:
        """Handling the event failed: drop its claim so that a re-delivery is handled."""

    async def spend_token(self, user_key: str, burst: float, per_second: float, now: float) -> float | None:
        """The rate limit shared by every replica on this store: 0 when ``user_key`` may send a message (and
        a token is spent), else the seconds to wait; None when this store does not share limits (the engine
        then keeps them in the process)."""

    async def ping(self) -> bool: ...

    async def problem(self) -> str | None:
        """None when the store can be read and written now; otherwise what is wrong, for an operator.

        Never raises. Unlike ``ping`` it tells a wrong password from a server that is down, and a read-only
        database or a full disk (reads still work, writes and de-duplication do not) from a healthy one.
        """

    async def close(self) -> None: ...
