"""RedisStore against a real redis-server: behaviour, two replicas at once, faults, factory."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import pytest
import redis.asyncio as aioredis
import redis.exceptions

from bot.errors import ConfigError, StoreError
from bot.settings import Settings
from bot.store.base import Conversation, Preferences, TopicStats
from bot.store.factory import open_store
from bot.store.redis_store import RedisStore
from tests.bot.store.factories import checkin
from tests.redis_server import RedisServer, free_port, skip_without_redis_server

TTL = 7200.0


@pytest.fixture
async def store(redis_url: str) -> AsyncIterator[RedisStore]:
    s = RedisStore.from_url(redis_url)
    yield s
    await s.close()


@pytest.fixture
async def twin(redis_url: str, store: RedisStore) -> AsyncIterator[RedisStore]:
    """A second instance with its own client and connections, as a second replica would have."""
    s = RedisStore.from_url(redis_url)
    yield s
    await s.close()


@pytest.fixture
async def raw(redis_url: str) -> AsyncIterator[aioredis.Redis]:
    """A plain client to look at what the store left in Redis."""
    client = aioredis.Redis.from_url(redis_url, decode_responses=True)
    yield client
    await client.aclose()


@pytest.fixture
def private_server() -> Iterator[RedisServer]:
    """A server of the test's own, to stop and restart."""
    skip_without_redis_server()
    with RedisServer() as server:
        yield server


async def all_keys(client: aioredis.Redis) -> list[str]:
    return sorted([key async for key in client.scan_iter("*")])


# -- conversations and preferences ----------------------------------------------------------


async def test_conversation_expires_on_the_server(store: RedisStore, raw: aioredis.Redis) -> None:
    await store.save_conversation("long", "u", Conversation(updated_at=time.time()), TTL)
    assert 7_100_000 < await raw.pttl("coach:conv:long") <= 7_200_000
    assert 7_100_000 < await raw.pttl("coach:user-convs:u") <= 7_200_000

    now = time.time()
    await store.save_conversation("short", "u2", Conversation(topic_id="t", updated_at=now), 0.15)
    assert await store.get_conversation("short", now=now, ttl=0.15) is not None
    await asyncio.sleep(0.3)

    # Asked as if no time had passed: only Redis's own expiry can explain the miss.
    assert await store.get_conversation("short", now=now, ttl=0.15) is None
    assert await raw.exists("coach:conv:short", "coach:user-convs:u2") == 0
    assert not await store.holds_anything_about("u2")
    assert await store.holds_anything_about("u")


async def test_unreadable_conversation_is_dropped(store: RedisStore, raw: aioredis.Redis) -> None:
    await store.save_conversation("k", "u", Conversation(updated_at=5.0), TTL)
    await raw.hset("coach:conv:k", "data", "{not json")

    assert await store.get_conversation("k", now=5.0, ttl=TTL) is None
    assert await raw.exists("coach:conv:k") == 0


# -- feedback, stats, forgetting ------------------------------------------------------------


async def test_forget_user_spares_a_conversation_taken_over_by_another_user(store: RedisStore) -> None:
    await store.save_conversation("shared", "u1", Conversation(stage="advice", updated_at=5.0), TTL)
    await store.save_conversation("shared", "u2", Conversation(stage="clarify", updated_at=6.0), TTL)
    await store.add_checkin(checkin(1, due_at=10.0, user_key="u1"))
    await store.add_checkin(checkin(1, due_at=20.0, user_key="u2"))  # same id, replaced

    assert not await store.holds_anything_about("u1")
    await store.forget_user("u1")

    got = await store.get_conversation("shared", now=6.0, ttl=TTL)
    assert got is not None and got.stage == "clarify"
    assert await store.claim_due_checkins(now=100.0) == [checkin(1, due_at=20.0, user_key="u2")]


# -- check-ins and events -------------------------------------------------------------------


async def test_claim_respects_limit_and_order(store: RedisStore) -> None:
    for n in (4, 3, 2, 1, 0):
        await store.add_checkin(checkin(n, due_at=float(n // 2)))  # ties broken by id

    first = await store.claim_due_checkins(now=10.0, limit=3)
    rest = await store.claim_due_checkins(now=10.0, limit=3)
    assert [c.id for c in first] == ["c000", "c001", "c002"]
    assert [c.id for c in rest] == ["c003", "c004"]


async def test_event_ttl_is_whole_seconds_and_expiry_frees_the_id(store: RedisStore, raw: aioredis.Redis) -> None:
    assert await store.claim_event("a", ttl=0.2)
    assert await store.claim_event("b", ttl=60.5)
    assert await raw.ttl("coach:event:a") == 1
    assert await raw.ttl("coach:event:b") == 61

    await raw.pexpire("coach:event:a", 20)
    await asyncio.sleep(0.05)
    assert await store.claim_event("a", ttl=60)
    assert not await store.claim_event("a", ttl=60)


async def test_prefixes_keep_stores_apart(redis_url: str, store: RedisStore) -> None:
    other = RedisStore.from_url(redis_url, prefix="other:")
    try:
        await store.set_preferences("u", Preferences(lang="es"))
        await store.record_feedback("t", "shown", "u")
        assert await other.get_preferences("u") == Preferences()
        assert await other.stats() == []
        assert not await other.holds_anything_about("u")
        assert await other.claim_event("e", ttl=60)
        assert await store.claim_event("e", ttl=60)
    finally:
        await other.close()


async def test_works_on_a_given_client_without_decoded_responses(redis_url: str) -> None:
    s = RedisStore(aioredis.Redis.from_url(redis_url))  # replies arrive as bytes
    try:
        await s.save_conversation("k", "u", Conversation(topic_id="t", updated_at=1.0), TTL)
        await s.set_preferences("u", Preferences(lang="ca"))
        await s.record_feedback("t", "helpful", "u")
        await s.add_checkin(checkin(1, due_at=1.0, user_key="u"))

        assert await s.get_conversation("k", now=1.0, ttl=TTL) == Conversation(topic_id="t", updated_at=1.0)
        assert await s.get_preferences("u") == Preferences(lang="ca")
        assert await s.stats() == [TopicStats("t", 0, 1, 0, 0, 0)]
        assert await s.holds_anything_about("u")
        await s.forget_user("u")
        assert not await s.holds_anything_about("u")
        assert await s.claim_due_checkins(now=5.0) == []
    finally:
        await s.close()


# -- faults ---------------------------------------------------------------------------------


async def test_stopped_server_raises_store_error_then_recovers(private_server: RedisServer) -> None:
    s = RedisStore.from_url(private_server.url)
    where = f"127.0.0.1:{private_server.port}"
    try:
        # Several pooled connections, all of which the restart below will break.
        await asyncio.gather(*(s.record_feedback("t", "shown", None) for _ in range(10)))
        assert await s.ping()

        private_server.stop()

        calls: dict[str, Callable[[], Awaitable[object]]] = {
            "get_conversation": lambda: s.get_conversation("k", now=1.0, ttl=TTL),
            "save_conversation": lambda: s.save_conversation("k", "u", Conversation(), TTL),
            "delete_conversation": lambda: s.delete_conversation("k"),
            "get_preferences": lambda: s.get_preferences("u"),
            "set_preferences": lambda: s.set_preferences("u", Preferences(lang="es")),
            "record_feedback": lambda: s.record_feedback("t", "shown", "u"),
            "record_outcome": lambda: s.record_outcome("t", "resolved", None),
            "add_checkin": lambda: s.add_checkin(checkin(1, due_at=1.0)),
            "claim_due_checkins": lambda: s.claim_due_checkins(now=5.0),
            "forget_user": lambda: s.forget_user("u"),
            "holds_anything_about": lambda: s.holds_anything_about("u"),
            "stats": lambda: s.stats(),
            "claim_event": lambda: s.claim_event("e", ttl=60),
        }
        for name, call in calls.items():
            with pytest.raises(StoreError, match="unreachable") as info:
                await call()
            assert where in str(info.value), name
            assert isinstance(info.value.__cause__, redis.exceptions.ConnectionError), name
        assert not await s.ping()

        private_server.start()  # same port, empty data

        assert await s.ping()
        await asyncio.gather(*(s.record_feedback("t", "shown", None) for _ in range(10)))
        assert await s.stats() == [TopicStats("t", 10, 0, 0, 0, 0)]
        assert await s.claim_event("e", ttl=60)

        # A restart between two calls leaves every pooled connection broken: each is replaced.
        private_server.stop()
        private_server.start()
        await asyncio.gather(*(s.record_feedback("t", "helpful", None) for _ in range(10)))
        assert await s.stats() == [TopicStats("t", 0, 10, 0, 0, 0)]
    finally:
        await s.close()


async def test_dead_server_fails_fast_without_leaking_the_password() -> None:
    port = free_port()  # nothing listens there
    s = RedisStore.from_url(f"redis://:s3cret-pw@127.0.0.1:{port}/0")
    try:
        started = time.monotonic()
        with pytest.raises(StoreError) as info:
            await s.set_preferences("u", Preferences(lang="es"))
        assert time.monotonic() - started < 1.0
        assert f"127.0.0.1:{port}" in str(info.value)
        assert "s3cret" not in str(info.value)
        assert not await s.ping()
    finally:
        await s.close()


async def test_wrong_password_is_reported_without_echoing_it(private_server: RedisServer) -> None:
    admin = aioredis.Redis.from_url(private_server.url)
    await admin.config_set("requirepass", "right-pw")
    await admin.aclose()
    base = f"127.0.0.1:{private_server.port}/0"
    wrong = RedisStore.from_url(f"redis://:wrong-pw@{base}")
    right = RedisStore.from_url(f"redis://:right-pw@{base}")
    try:
        with pytest.raises(StoreError, match="refused the credentials") as info:
            await wrong.get_preferences("u")
        assert "wrong-pw" not in str(info.value)
        assert f"127.0.0.1:{private_server.port}" in str(info.value)
        assert isinstance(info.value.__cause__, redis.exceptions.AuthenticationError)
        assert not await wrong.ping()

        await right.set_preferences("u", Preferences(lang="es"))
        assert await right.get_preferences("u") == Preferences(lang="es")
    finally:
        await wrong.close()
        await right.close()


async def test_server_that_never_answers_times_out() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # swallow everything, answer nothing
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    s = RedisStore.from_url(f"redis://127.0.0.1:{port}/0", timeout=0.2)
    try:
        started = time.monotonic()
        with pytest.raises(StoreError, match=r"did not answer within 0\.2 s") as info:
            await s.stats()
        assert time.monotonic() - started < 2.0
        assert f"127.0.0.1:{port}" in str(info.value)
        assert isinstance(info.value.__cause__, redis.exceptions.TimeoutError)
        assert not await s.ping()
    finally:
        await s.close()
        server.close()
        await server.wait_closed()


async def test_rejected_command_raises_store_error(store: RedisStore, raw: aioredis.Redis) -> None:
    await raw.set("coach:stat-topics", "not a set")

    with pytest.raises(StoreError, match="rejected a command while reading stats: WRONGTYPE") as info:
        await store.stats()
    assert isinstance(info.value.__cause__, redis.exceptions.ResponseError)


# -- factory --------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["redis", "rediss"])
async def test_open_store_redis_url(redis_url: str, raw: aioredis.Redis, scheme: str) -> None:
    s = open_store(Settings(store_url=redis_url.replace("redis", scheme, 1)))
    try:
        assert isinstance(s, RedisStore)
        if scheme == "redis":
            assert await s.ping()
            await s.set_preferences("u", Preferences(lang="fi"))
            assert await raw.get("coach:prefs:u") == '{"lang": "fi"}'
    finally:
        await s.close()


def test_malformed_redis_url_is_a_config_error_without_the_password() -> None:
    with pytest.raises(ConfigError, match="not a valid Redis URL") as info:
        open_store(Settings(store_url="redis://:s3cret-pw@localhost:port/0"))
    assert "s3cret" not in str(info.value)


async def test_expired_conversations_are_deleted_from_redis(store: RedisStore, raw: aioredis.Redis) -> None:
    await store.save_conversation("k", "u", Conversation(topic_id="t", updated_at=1000.0), 60)
    assert await store.get_conversation("k", now=1060.5, ttl=60) is None
    assert await raw.exists("coach:conv:k") == 0


async def test_forget_leaves_no_key_or_checkin_naming_the_user(store: RedisStore, raw: aioredis.Redis) -> None:
    for user in ("u1", "u2"):
        await store.save_conversation(f"{user}-dm", user, Conversation(updated_at=5.0), TTL)
        await store.set_preferences(user, Preferences(lang="ca"))
        await store.add_checkin(checkin(1 if user == "u1" else 2, due_at=10.0, user_key=user))
        await store.record_feedback("t", "helpful", user)
    await store.forget_user("u1")
    keys = await all_keys(raw)
    assert [k for k in keys if "u1" in k] == []
    assert any("u2" in k for k in keys)
    assert all("u1" not in v for v in await raw.hvals("coach:checkin-data"))
    assert await raw.zrange("coach:checkin-due:slack", 0, -1) == ["c002"]
