"""A real redis-server for the store tests: one per session, emptied before each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis

from tests.redis_server import RedisServer, RedisServerError


@pytest.fixture(scope="session")
def redis_server() -> Iterator[str]:
    """The URL of a redis-server started for this test session on 127.0.0.1.

    Fails (never skips) when redis-server is missing: CI installs it, so a missing
    server is a broken environment, not a reason to pass without testing Redis.
    """
    try:
        server = RedisServer()
        server.start()
    except RedisServerError as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield server.url
    finally:
        server.close()


@pytest.fixture
def redis_url(redis_server: str) -> str:
    """The session server's URL, with every database flushed first."""
    client = redis.Redis.from_url(redis_server)
    try:
        client.flushall()
    finally:
        client.close()
    return redis_server
