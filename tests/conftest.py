from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.kb.load import load_knowledge
from bot.kb.model import KnowledgeBase
from bot.matching.compiled import Compiled, load_compiled
from bot.matching.matcher import Matcher, MatcherConfig
from tests.redis_server import MISSING, RedisServer, RedisServerError, skip_without_redis_server

FIXTURE_KB = Path(__file__).parent / "fixtures" / "kb"


def pytest_configure(config: pytest.Config) -> None:
    # Compiled-index caches written by tests (and the CLI they start) stay out of the user's ~/.cache.
    os.environ["COACH_CACHE_DIR"] = tempfile.mkdtemp(prefix="coach-test-cache-")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Every skip for a missing redis-server gets one location, so the summary says it in one line."""
    report = yield
    if report.skipped and isinstance(report.longrepr, tuple) and report.longrepr[2].endswith(MISSING):
        report.longrepr = ("tests/redis_server.py", None, report.longrepr[2])
    return report


@pytest.fixture(scope="session")
def fixture_kb() -> KnowledgeBase:
    return load_knowledge(FIXTURE_KB)


@pytest.fixture(scope="session")
def real_compiled() -> Compiled:
    """The shipped knowledge with its index and trained situation model (compiled once per session)."""
    return load_compiled()


@pytest.fixture(scope="session")
def real_kb(real_compiled: Compiled) -> KnowledgeBase:
    return real_compiled.kb


def matcher_for_tests(compiled: Compiled, config: MatcherConfig | None = None) -> Matcher:
    return Matcher(compiled.kb, config, index=compiled.index, detector=compiled.detector, model=compiled.model)


# -- a real redis-server: one per session, emptied before each test that asks for it --------------------------


@pytest.fixture(scope="session")
def redis_server() -> Iterator[str]:
    """The URL of a redis-server started for this test session on 127.0.0.1.

    Without a redis-server binary the tests that need it skip, with one line in the summary;
    under CI (``CI`` set) they fail instead: CI installs it, so there a missing server is a
    broken environment, not a reason to pass without testing Redis.
    """
    skip_without_redis_server()
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
    import redis  # the redis extra; imported here so test directories without Redis never need it

    client = redis.Redis.from_url(redis_server)
    try:
        client.flushall()
    finally:
        client.close()
    return redis_server
