"""The same behaviour checks on SqliteStore and RedisStore: the engine cannot tell them apart."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from functools import partial
from pathlib import Path

import pytest

from bot.store.base import Conversation, Preferences, Store, TopicStats
from bot.store.redis_store import RedisStore
from bot.store.sqlite import SqliteStore
from tests.bot.store.factories import checkin as make_checkin

TTL = 7200.0
OpenStore = Callable[[], Store]


@pytest.fixture(params=["sqlite", "redis"])
async def open_store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[OpenStore]:
    """A function that opens one more instance of the store under test (another replica)."""
    opened: list[Store] = []
    url: str = request.getfixturevalue("redis_url") if request.param == "redis" else ""

    def open_one() -> Store:
        store: Store = SqliteStore(tmp_path / "coach.db") if request.param == "sqlite" else RedisStore.from_url(url)
        opened.append(store)
        return store

    yield open_one
    for store in opened:
        await store.close()


# These tests use one user and Discord unless they say otherwise.
checkin = partial(make_checkin, user_key="u1", platform="discord")


async def forget_scenario(store: Store) -> list[object]:
    """Everything forget_user must and must not touch, as a transcript of observations."""
    seen: list[object] = []
    for user in ("u1", "u2"):
        await store.save_conversation(f"{user}-dm", user, Conversation(topic_id="t", updated_at=5.0), TTL)
        await store.add_checkin(checkin(1 if user == "u1" else 2, due_at=10.0, user_key=user))
        await store.record_feedback("t", "shown", user)
        await store.record_outcome("t", "resolved", user)
    await store.set_preferences("u1", Preferences(lang=None))  # held, though it says nothing
    # u1's thread is taken over by u2: the conversation is now u2's.
    await store.save_conversation("thread", "u1", Conversation(stage="advice", updated_at=5.0), TTL)
    await store.save_conversation("thread", "u2", Conversation(stage="clarify", updated_at=6.0), TTL)
    seen.append(("holds before", await store.holds_anything_about("u1"), await store.holds_anything_about("u2")))

    await store.forget_user("u1")

    seen.append(("holds after", await store.holds_anything_about("u1"), await store.holds_anything_about("u2")))
    seen.append(("stats", await store.stats()))
    seen.append(("u1 dm", await store.get_conversation("u1-dm", now=5.0, ttl=TTL)))
    thread = await store.get_conversation("thread", now=6.0, ttl=TTL)
    seen.append(("thread", thread.stage if thread else None))
    seen.append(("checkins", [c.user_key for c in await store.claim_due_checkins(now=10.0)]))
    await store.forget_user("u1")  # forgetting twice is harmless
    seen.append(("again", await store.holds_anything_about("u1"), await store.stats()))
    return seen


FORGET_TRANSCRIPT = [
    ("holds before", True, True),
    ("holds after", False, True),
    ("stats", [TopicStats("t", 2, 0, 0, 2, 0)]),
    ("u1 dm", None),
    ("thread", "clarify"),
    ("checkins", ["u2"]),
    ("again", False, [TopicStats("t", 2, 0, 0, 2, 0)]),
]


async def test_forget_semantics(open_store: OpenStore) -> None:
    assert await forget_scenario(open_store()) == FORGET_TRANSCRIPT


async def test_conversation_idle_ttl(open_store: OpenStore) -> None:
    store = open_store()
    await store.save_conversation("k", "u", Conversation(topic_id="t", updated_at=100.0), 30)

    assert await store.get_conversation("k", now=130.0, ttl=30) == Conversation(topic_id="t", updated_at=100.0)
    assert await store.get_conversation("k", now=130.001, ttl=30) is None
    assert await store.get_conversation("k", now=100.0, ttl=30) is None  # deleted, not hidden
    assert not await store.holds_anything_about("u")


async def test_checkins_are_claimed_once_in_due_order(open_store: OpenStore) -> None:
    store, twin = open_store(), open_store()
    for n in (5, 4, 3, 2, 1, 0):
        await store.add_checkin(checkin(n, due_at=float(n // 2)))  # ties ordered by id
    await store.add_checkin(checkin(9, due_at=50.0))

    assert [c.id for c in await twin.claim_due_checkins(now=1.0, limit=3)] == ["c000", "c001", "c002"]
    assert await store.claim_due_checkins(now=1.0, limit=3) == [checkin(3, due_at=1.0)]

    for n in range(10, 50):
        await twin.add_checkin(checkin(n, due_at=float(n)))
    batches = await asyncio.gather(*(s.claim_due_checkins(now=49.0, limit=3) for _ in range(10) for s in (store, twin)))
    ids = [c.id for batch in batches for c in batch]
    assert len(ids) == len(set(ids))
    assert set(ids) == {"c004", "c005", *(f"c{n:03d}" for n in range(10, 50))}
    assert await store.claim_due_checkins(now=49.0) == []
    assert await twin.claim_due_checkins(now=50.0) == [checkin(9, due_at=50.0)]


async def test_checkins_are_claimed_per_platform(open_store: OpenStore) -> None:
    store = open_store()
    for n in range(8):
        await store.add_checkin(checkin(n, due_at=float(n % 4), platform="slack" if n % 2 else "discord"))

    slack = await store.claim_due_checkins(now=2.0, platform="slack")
    assert [(c.id, c.platform) for c in slack] == [("c001", "slack"), ("c005", "slack")]
    assert await store.claim_due_checkins(now=2.0, platform="teams") == []
    # Without a platform: every platform, still in (due_at, id) order.
    assert [c.id for c in await store.claim_due_checkins(now=3.0, limit=4)] == ["c000", "c004", "c002", "c006"]
    assert [c.id for c in await store.claim_due_checkins(now=3.0)] == ["c003", "c007"]


async def test_readded_checkin_moves_to_its_new_platform_and_time(open_store: OpenStore) -> None:
    store = open_store()
    await store.add_checkin(checkin(1, due_at=1.0, platform="slack"))
    await store.add_checkin(checkin(2, due_at=2.0, platform="slack"))
    await store.add_checkin(checkin(3, due_at=3.0, platform="slack"))
    await store.add_checkin(checkin(4, due_at=4.0, platform="discord"))
    await store.add_checkin(checkin(5, due_at=5.0, platform="discord"))
    # Replaced by id: now due later, on Discord.
    await store.add_checkin(checkin(1, due_at=10.0, platform="discord"))
    await store.add_checkin(checkin(2, due_at=10.0, platform="discord"))

    assert [c.id for c in await store.claim_due_checkins(now=20.0, limit=2)] == ["c003", "c004"]
    assert await store.claim_due_checkins(now=20.0, platform="slack") == []
    assert await store.claim_due_checkins(now=20.0, platform="discord") == [
        checkin(5, due_at=5.0),
        checkin(1, due_at=10.0),
        checkin(2, due_at=10.0),
    ]
    assert await store.claim_due_checkins(now=20.0) == []


async def test_events_are_claimed_once(open_store: OpenStore) -> None:
    store, twin = open_store(), open_store()

    results = await asyncio.gather(*(s.claim_event("Ev1", ttl=30) for _ in range(15) for s in (store, twin)))

    assert results.count(True) == 1
    assert not await store.claim_event("Ev1", ttl=30)
    assert await store.claim_event("Ev2", ttl=30)
    assert not await twin.claim_event("Ev2", ttl=30)


async def test_stats_shape(open_store: OpenStore) -> None:
    store = open_store()
    assert await store.stats() == []

    await store.record_outcome("zeta", "resolved", None)
    await store.record_feedback("alpha", "helpful", "u")
    await store.record_feedback("alpha", "helpful", None)
    await store.record_feedback("alpha", "not_helpful", "u")
    await store.record_feedback("Beta", "shown", "u")

    stats = await store.stats()
    assert stats == [
        TopicStats("Beta", 1, 0, 0, 0, 0),
        TopicStats("alpha", 0, 2, 1, 0, 0),
        TopicStats("zeta", 0, 0, 0, 1, 0),
    ]
    assert [s.helpful_rate for s in stats] == [None, 2 / 3, None]
    assert all(type(v) is int for s in stats for v in (s.shown, s.helpful, s.not_helpful, s.resolved, s.unresolved))
