"""Slack HTTP mode behind a load balancer: replicas sharing one store answer every event exactly once.

Each replica is a separate ``Coach`` with its own store connection (a ``RedisStore`` on the
session's real redis-server, or a ``SqliteStore`` on one shared file) and its own aiohttp
server on 127.0.0.1, as two processes would have. Slack's Web API is the recording fake.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from adapters.slack import create_app
from adapters.slack.inflight import InFlight
from adapters.slack.runner import EVENTS_PATH, build_http_app
from bot.engine.coach import Coach
from bot.kb.model import KnowledgeBase
from bot.settings import Settings
from bot.store.base import Store
from bot.store.redis_store import RedisStore
from bot.store.sqlite import SqliteStore
from tests.adapters.slack.fake_slack_api import FakeSlack, direct_message, event_body, mention, sign

TEXT = "my client hasn't paid my invoice"
RETRY = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
REPLY_WAIT = 5.0  # seconds: answers are written after the acknowledgement, so poll for them up to this long


@dataclass
class Replica:
    url: str
    coach: Coach
    inflight: InFlight


@asynccontextmanager
async def serve_replica(kb: KnowledgeBase, store: Store, settings: Settings) -> AsyncIterator[Replica]:
    """One replica: its own engine, bolt app and HTTP server on 127.0.0.1 (a free port)."""
    coach = Coach(kb, store, settings)
    inflight = InFlight()
    app = create_app(coach, settings, inflight=inflight)
    runner = web.AppRunner(build_http_app(coach, settings, app), shutdown_timeout=1.0)
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        host, port = runner.addresses[0][:2]
        yield Replica(f"http://{host}:{port}", coach, inflight)
        assert await inflight.wait_idle(REPLY_WAIT), "answers still running at the end of the test"
    finally:
        await runner.cleanup()
        await coach.close()


@asynccontextmanager
async def two_replicas(
    kb: KnowledgeBase, open_store: Callable[[], Store], settings: Settings
) -> AsyncIterator[tuple[Replica, Replica]]:
    async with serve_replica(kb, open_store(), settings) as first, serve_replica(kb, open_store(), settings) as second:
        yield first, second


@pytest.fixture(params=["sqlite", "redis"])
def open_store(request: pytest.FixtureRequest, settings: Settings) -> Callable[[], Store]:
    """Opens one more connection to the store the replicas share (a new one per replica)."""
    if request.param == "redis":
        url: str = request.getfixturevalue("redis_url")  # the real server, flushed for this test
        return lambda: RedisStore.from_url(url)
    return lambda: SqliteStore(settings.db_path)


async def post(
    session: aiohttp.ClientSession, replica: Replica, body: str, headers: dict[str, str] | None = None
) -> int:
    all_headers = {"Content-Type": "application/json", **sign(body), **(headers or {})}
    async with session.post(f"{replica.url}{EVENTS_PATH}", data=body.encode(), headers=all_headers) as response:
        await response.read()
        return response.status


async def replies_settled(fake: FakeSlack, expected: int, *replicas: Replica) -> list[dict[str, Any]]:
    """Every answer written: at least ``expected`` posts seen (bounded wait), then no handler still running."""
    deadline = time.monotonic() + REPLY_WAIT
    while len(fake.to("chat.postMessage")) < expected and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    # Both requests were acknowledged before this point, so any handler they started is already counted.
    for replica in replicas:
        assert await replica.inflight.wait_idle(REPLY_WAIT)
    return fake.to("chat.postMessage")


# -- (a) the same event reaches both replicas at the same moment -----------------------------------------


async def test_two_redis_replicas_receiving_the_same_event_at_once_reply_once(
    fixture_kb: KnowledgeBase, settings: Settings, fake: FakeSlack, redis_url: str
) -> None:
    body = event_body(mention(TEXT, ts="1700000001.000100"), event_id="EvSameMoment")
    async with (
        two_replicas(fixture_kb, lambda: RedisStore.from_url(redis_url), settings) as (first, second),
        aiohttp.ClientSession() as session,
    ):
        statuses = await asyncio.gather(post(session, first, body), post(session, second, body))
        assert list(statuses) == [200, 200], "both replicas acknowledge, the winner and the one that drops it"
        posts = await replies_settled(fake, 1, first, second)
    assert len(posts) == 1, f"expected exactly one reply, got {len(posts)}"
    [reply] = posts
    assert reply["channel"] == "C1" and reply["thread_ts"] == "1700000001.000100"


async def test_simultaneous_deliveries_race_fairly_many_times(
    fixture_kb: KnowledgeBase, settings: Settings, fake: FakeSlack, redis_url: str
) -> None:
    """The same race, repeated with fresh events: never zero replies, never two."""
    rounds = 10
    async with (
        two_replicas(fixture_kb, lambda: RedisStore.from_url(redis_url), settings) as (first, second),
        aiohttp.ClientSession() as session,
    ):
        for index in range(rounds):
            event = mention(TEXT, user=f"U{index}", channel=f"C{index}", ts=f"1700000100.{index:06d}")
            body = event_body(event, event_id=f"EvRace{index}")
            assert list(await asyncio.gather(post(session, first, body), post(session, second, body))) == [200, 200]
        posts = await replies_settled(fake, rounds, first, second)
    assert Counter(p["channel"] for p in posts) == {f"C{index}": 1 for index in range(rounds)}


# -- (b, c) every event delivered twice, across the replicas, on Redis and on SQLite --------------------


def batch(size: int) -> list[tuple[str, str, dict[str, Any]]]:
    """``size`` different events, half mentions in channels and half DMs: (event id, channel, event)."""
    events = []
    for index in range(size):
        ts = f"1700001000.{index:06d}"
        if index % 2:
            event = direct_message(TEXT, user=f"U{index}", channel=f"D{index}", ts=ts)
        else:
            event = mention(TEXT, user=f"U{index}", channel=f"C{index}", ts=ts)
        events.append((f"EvBatch{index:03d}", event["channel"], event))
    return events


async def test_every_event_delivered_twice_across_replicas_is_answered_once(
    fixture_kb: KnowledgeBase, settings: Settings, fake: FakeSlack, open_store: Callable[[], Store]
) -> None:
    events = batch(20)
    async with (
        two_replicas(fixture_kb, open_store, settings) as replicas,
        aiohttp.ClientSession() as session,
    ):
        deliveries: list[tuple[Replica, str, dict[str, str] | None]] = []
        for index, (event_id, _, event) in enumerate(events):
            body = event_body(event, event_id=event_id)
            # The original on one replica, Slack's retry on the other (the load balancer alternates).
            deliveries.append((replicas[index % 2], body, None))
            deliveries.append((replicas[(index + 1) % 2], body, RETRY))
        random.Random(7).shuffle(deliveries)  # retries may even arrive first; all of them at once
        statuses = await asyncio.gather(*(post(session, r, body, headers) for r, body, headers in deliveries))
        assert statuses == [200] * len(deliveries)
        posts = await replies_settled(fake, len(events), *replicas)

    per_channel = Counter(p["channel"] for p in posts)
    assert per_channel == {channel: 1 for _, channel, _ in events}, "every reply sent exactly once"
    threads = {p["channel"]: p.get("thread_ts") for p in posts}
    for _, channel, event in events:
        expected = event["ts"] if event["type"] == "app_mention" else None
        assert threads[channel] == expected, "each reply went where its own event came from"
