"""The Store contract: the same behaviour, checked on the embedded SQLite store and on a real redis-server.

Store-specific checks (SQLite's file, migrations and faults; what Redis keeps under which key) live in
test_sqlite.py and test_redis.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.errors import StoreError
from bot.store.base import Conversation, Preferences, Store, TopicStats, WorkspaceSettings
from bot.store.sqlite import SqliteStore
from tests.bot.store.factories import checkin

TTL = 7200.0


def _open(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    if kind == "sqlite":
        return SqliteStore(tmp_path / "data" / "coach.db")
    from bot.store.redis_store import RedisStore

    return RedisStore.from_url(request.getfixturevalue("redis_url"))


@pytest.fixture(params=["sqlite", "redis"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def store(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    s = _open(kind, request, tmp_path)
    yield s
    await s.close()


@pytest.fixture
async def twin(kind: str, request: pytest.FixtureRequest, tmp_path: Path, store: Store) -> AsyncIterator[Store]:
    """A second instance on the same data, as a second replica would have."""
    s = _open(kind, request, tmp_path)
    yield s
    await s.close()


async def test_a_user_sees_and_cancels_only_their_own_checkins(store: Store) -> None:
    await store.add_checkin(checkin(2, due_at=200.0))
    await store.add_checkin(checkin(1, due_at=100.0))
    await store.add_checkin(checkin(3, due_at=50.0, user_key="discord:9", platform="discord"))

    assert await store.user_checkins("slack:T1:U1") == [checkin(1, due_at=100.0), checkin(2, due_at=200.0)]
    assert not await store.cancel_checkin("slack:T1:U1", "c003"), "someone else's check-in"
    assert await store.cancel_checkin("slack:T1:U1", "c001")
    assert not await store.cancel_checkin("slack:T1:U1", "c001"), "already cancelled"
    assert await store.user_checkins("slack:T1:U1") == [checkin(2, due_at=200.0)]
    assert await store.claim_due_checkins(now=1000.0) == [
        checkin(3, due_at=50.0, user_key="discord:9", platform="discord"),
        checkin(2, due_at=200.0),
    ]
    assert await store.user_checkins("slack:T1:U1") == []


async def test_checkins_are_returned_once_when_due(store: Store) -> None:
    await store.add_checkin(checkin(1, due_at=100.0))
    await store.add_checkin(checkin(2, due_at=200.0))
    assert await store.holds_anything_about("slack:T1:U1")

    assert await store.claim_due_checkins(now=99.0) == []
    assert await store.claim_due_checkins(now=150.0) == [checkin(1, due_at=100.0)]
    assert await store.claim_due_checkins(now=150.0) == []
    assert await store.claim_due_checkins(now=300.0) == [checkin(2, due_at=200.0)]
    assert await store.claim_due_checkins(now=300.0) == []
    # Claimed check-ins are removed, so nothing about the user is left.
    assert not await store.holds_anything_about("slack:T1:U1")


async def test_claim_event_once_across_instances(store: Store, twin: Store) -> None:
    results = await asyncio.gather(*(s.claim_event("evt-1", ttl=60) for _ in range(25) for s in (store, twin)))
    assert len(results) == 50
    assert results.count(True) == 1
    assert await twin.claim_event("evt-2", ttl=60)
    assert not await store.claim_event("evt-2", ttl=60)


async def test_concurrent_writes_from_two_instances_are_all_counted(store: Store, twin: Store) -> None:
    await asyncio.gather(
        *(store.record_feedback("t", "shown", f"u{n % 10}") for n in range(200)),
        *(twin.record_feedback("t", "shown", None) for _ in range(200)),
    )
    assert await store.stats() == [TopicStats("t", 400, 0, 0, 0, 0)]
    assert await twin.stats() == [TopicStats("t", 400, 0, 0, 0, 0)]


async def test_conversation_expires_after_idle_ttl(store: Store) -> None:
    await store.save_conversation("k", "u", Conversation(topic_id="t", updated_at=1000.0), 60)

    assert await store.get_conversation("k", now=1060.0, ttl=60) is not None  # exactly ttl
    assert await store.get_conversation("k", now=1060.5, ttl=60) is None
    # The stale conversation was deleted, not just hidden: nothing about its user is held.
    assert await store.get_conversation("k", now=1000.0, ttl=60) is None
    assert not await store.holds_anything_about("u")


async def test_conversation_round_trip(store: Store) -> None:
    conv = Conversation(
        topic_id="late-payment",
        lang="es",
        stage="advice",
        pending=["scope-creep", "late-payment"],
        details={"client": "Acme Ltd", "amount": "1 200 €"},
        follow_up_step=2,
        updated_at=1000.0,
    )
    await store.save_conversation("slack:T1:D1", "slack:T1:U1", conv, TTL)

    assert await store.get_conversation("slack:T1:D1", now=1000.0, ttl=TTL) == conv
    assert await store.get_conversation("slack:T1:D2", now=1000.0, ttl=TTL) is None

    await store.delete_conversation("slack:T1:D1")
    assert await store.get_conversation("slack:T1:D1", now=1000.0, ttl=TTL) is None
    assert not await store.holds_anything_about("slack:T1:U1")


async def test_conversation_save_overwrites(store: Store) -> None:
    await store.save_conversation("k", "u", Conversation(stage="clarify", updated_at=10.0), TTL)
    await store.save_conversation("k", "u", Conversation(stage="advice", updated_at=20.0), TTL)

    got = await store.get_conversation("k", now=20.0, ttl=TTL)
    assert got is not None
    assert (got.stage, got.updated_at) == ("advice", 20.0)


async def test_feedback_and_outcomes_make_stats(store: Store) -> None:
    assert await store.stats() == []
    for kind in ("shown", "shown", "helpful", "not_helpful"):
        await store.record_feedback("scope-creep", kind, "u1")
    await store.record_feedback("late-payment", "shown", None)
    await store.record_outcome("late-payment", "resolved", "u1")
    await store.record_outcome("late-payment", "unresolved", "u2")
    await store.record_outcome("late-payment", "resolved", None)
    await store.record_outcome("ghosting", "unresolved", None)

    assert await store.stats() == [
        TopicStats("ghosting", 0, 0, 0, 0, 1),
        TopicStats("late-payment", 1, 0, 0, 2, 1),
        TopicStats("scope-creep", 2, 1, 1, 0, 0),
    ]
    assert await store.holds_anything_about("u2")  # attributed outcome
    assert not await store.holds_anything_about("u3")


async def test_forget_user_removes_everything_but_keeps_counts(store: Store) -> None:
    for user in ("u1", "u2"):
        await store.save_conversation(f"{user}-dm", user, Conversation(updated_at=5.0), TTL)
        await store.set_preferences(user, Preferences(lang="ca"))
        await store.add_checkin(checkin(1 if user == "u1" else 2, due_at=10.0, user_key=user))
        await store.record_feedback("t", "helpful", user)
        await store.record_outcome("t", "resolved", user)
    before = await store.stats()
    assert await store.holds_anything_about("u1")

    await store.forget_user("u1")

    assert not await store.holds_anything_about("u1")
    assert await store.holds_anything_about("u2")
    assert await store.stats() == before == [TopicStats("t", 0, 2, 0, 2, 0)]
    assert await store.get_conversation("u1-dm", now=5.0, ttl=TTL) is None
    assert await store.get_conversation("u2-dm", now=5.0, ttl=TTL) is not None
    assert await store.get_preferences("u1") == Preferences()
    assert [c.user_key for c in await store.claim_due_checkins(now=10.0)] == ["u2"]


async def test_ping_and_close(store: Store) -> None:
    assert await store.ping()

    await store.close()
    await store.close()  # closing twice is fine

    assert not await store.ping()
    with pytest.raises(StoreError, match="closed"):
        await store.stats()


async def test_preferences(store: Store) -> None:
    assert await store.get_preferences("u") == Preferences()
    assert not await store.holds_anything_about("u")

    await store.set_preferences("u", Preferences(lang="fi"))
    assert await store.get_preferences("u") == Preferences(lang="fi")

    await store.set_preferences("u", Preferences(lang=None))
    assert await store.get_preferences("u") == Preferences()
    assert await store.get_preferences("other") == Preferences()
    # As with SQLite's row, a preference set to "none" is still something held.
    assert await store.holds_anything_about("u")


async def test_two_instances_claim_disjoint_checkins_concurrently(store: Store, twin: Store) -> None:
    for n in range(60):
        await store.add_checkin(checkin(n, due_at=float(n)))
    for n in range(60, 70):
        await store.add_checkin(checkin(n, due_at=1000.0 + n))  # not due

    results = await asyncio.gather(
        *(s.claim_due_checkins(now=500.0, limit=4) for _ in range(12) for s in (store, twin))
    )

    ids = [c.id for batch in results for c in batch]
    assert len(ids) == len(set(ids)) == 60
    assert set(ids) == {f"c{n:03d}" for n in range(60)}
    assert await twin.claim_due_checkins(now=500.0) == []
    assert [c.id for c in await store.claim_due_checkins(now=2000.0)] == [f"c{n:03d}" for n in range(60, 70)]


async def test_an_event_claim_is_a_lease_until_finished_or_released(store: Store, twin: Store) -> None:
    # Held while being answered: another delivery (another replica) is refused.
    assert await store.claim_event("evt-lease", ttl=1)
    assert not await twin.claim_event("evt-lease", ttl=1)
    # The holder died: once the lease runs out a re-delivery takes over.
    await asyncio.sleep(1.2)
    assert await twin.claim_event("evt-lease", ttl=1)
    # Answered: kept as done, long after the lease would have run out.
    await twin.finish_event("evt-lease", ttl=3600)
    await asyncio.sleep(1.2)
    assert not await store.claim_event("evt-lease", ttl=1)

    # Answering failed: released at once, so the next delivery is answered.
    assert await store.claim_event("evt-failed", ttl=60)
    await store.release_event("evt-failed")
    assert await twin.claim_event("evt-failed", ttl=60)


async def test_workspace_settings_are_kept_per_workspace_and_shared_by_replicas(store: Store, twin: Store) -> None:
    assert await store.get_workspace_settings("slack:T1") == WorkspaceSettings()
    chosen = WorkspaceSettings(lang="ca", admins=("U7", "U8"))
    await store.set_workspace_settings("slack:T1", chosen)
    await store.set_workspace_settings("discord:42", WorkspaceSettings(admins=("99",)))

    assert await twin.get_workspace_settings("slack:T1") == chosen
    assert await twin.get_workspace_settings("discord:42") == WorkspaceSettings(admins=("99",))
    assert await twin.get_workspace_settings("slack:T2") == WorkspaceSettings(), "another workspace"

    await twin.set_workspace_settings("slack:T1", WorkspaceSettings(lang="fi"))
    assert await store.get_workspace_settings("slack:T1") == WorkspaceSettings(lang="fi"), "replaced, not merged"


async def test_workspace_settings_back_to_the_defaults_leave_nothing_stored(
    kind: str, store: Store, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    await store.set_workspace_settings("slack:T1", WorkspaceSettings(lang="es", admins=("U1",)))
    await store.set_workspace_settings("slack:T1", WorkspaceSettings())
    assert await store.get_workspace_settings("slack:T1") == WorkspaceSettings()
    if kind == "sqlite":
        assert isinstance(store, SqliteStore)
        import sqlite3

        with sqlite3.connect(store.path) as conn:
            assert conn.execute("SELECT COUNT(*) FROM workspace_settings").fetchone() == (0,)
    else:
        from bot.store.redis_store import RedisStore

        assert isinstance(store, RedisStore)
        assert await store._client.keys("coach:workspace:*") == []


async def test_forgetting_a_user_leaves_the_workspace_settings_alone(store: Store) -> None:
    """They are the workspace's, chosen by its admins: one member's forget does not change them."""
    await store.set_workspace_settings("slack:T1", WorkspaceSettings(lang="es", admins=("U1",)))
    await store.forget_user("slack:U1")
    assert await store.get_workspace_settings("slack:T1") == WorkspaceSettings(lang="es", admins=("U1",))
