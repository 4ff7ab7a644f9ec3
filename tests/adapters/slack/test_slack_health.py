"""/healthz says degraded (503, with the reason) whenever writes fail, not only when the store is gone."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

import bot.store.sqlite as sqlite_module
from adapters.slack import create_app
from adapters.slack.runner import build_http_app
from bot.engine.coach import Coach
from bot.kb.model import KnowledgeBase
from bot.settings import Settings
from bot.store.sqlite import SqliteStore

Usage = namedtuple("Usage", "total used free")


async def health_of(coach: Coach, settings: Settings) -> tuple[int, dict[str, Any]]:
    runner = web.AppRunner(build_http_app(coach, settings, create_app(coach, settings)))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    try:
        async with aiohttp.ClientSession() as session, session.get(f"http://{host}:{port}/healthz") as response:
            return response.status, await response.json()
    finally:
        await runner.cleanup()


@pytest.fixture
async def healthy(fixture_kb: KnowledgeBase, settings: Settings) -> AsyncIterator[Coach]:
    coach = Coach(fixture_kb, SqliteStore(settings.db_path), settings)
    yield coach
    await coach.close()


async def test_healthy(healthy: Coach, settings: Settings) -> None:
    assert await health_of(healthy, settings) == (200, {"ok": True, "knowledge_topics": 3, "store": True})


async def test_a_read_only_database_is_degraded(fixture_kb: KnowledgeBase, settings: Settings) -> None:
    await SqliteStore(settings.db_path).close()
    coach = Coach(fixture_kb, SqliteStore(settings.db_path, read_only=True), settings)
    assert await coach.store.ping(), "reads still work: ping alone said healthy"
    status, body = await health_of(coach, settings)
    assert status == 503
    assert body["ok"] is False and body["store"] is False
    assert "read-only" in body["reason"]
    await coach.close()


async def test_a_full_disk_is_degraded(
    healthy: Coach, settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sqlite_module.shutil, "disk_usage", lambda path: Usage(10**9, 10**9 - 4096, 4096))
    status, body = await health_of(healthy, settings)
    assert status == 503
    assert "disk is full" in body["reason"]
    monkeypatch.undo()
    assert await health_of(healthy, settings) == (200, {"ok": True, "knowledge_topics": 3, "store": True})


async def test_a_closed_store_is_degraded_with_the_reason(healthy: Coach, settings: Settings) -> None:
    await healthy.store.close()
    status, body = await health_of(healthy, settings)
    assert status == 503 and "closed" in body["reason"]


async def test_a_redis_read_only_replica_is_degraded(
    fixture_kb: KnowledgeBase, settings: Settings, redis_url: str
) -> None:
    import redis

    from bot.store.redis_store import RedisStore

    admin = redis.Redis.from_url(redis_url)
    admin.config_set("replica-read-only", "yes")
    # A replica of a primary that does not exist: it serves reads, refuses writes.
    admin.execute_command("REPLICAOF", "127.0.0.1", "1")
    try:
        coach = Coach(fixture_kb, RedisStore.from_url(redis_url), settings)
        status, body = await health_of(coach, settings)
        assert status == 503 and "read-only replica" in body["reason"]
        await coach.close()
    finally:
        admin.execute_command("REPLICAOF", "NO", "ONE")
        admin.close()
