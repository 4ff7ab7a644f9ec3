from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.engine.coach import Coach
from bot.kb.model import KnowledgeBase
from bot.matching.compiled import Compiled
from bot.matching.matcher import Matcher
from bot.settings import Settings
from bot.store.base import Store
from bot.store.sqlite import SqliteStore
from tests.conftest import matcher_for_tests


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="session")
def real_matcher(real_compiled: Compiled) -> Matcher:
    return matcher_for_tests(real_compiled)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def make_coach(tmp_path: Path, real_kb: KnowledgeBase, real_matcher: Matcher, clock: Clock) -> Callable[..., Coach]:
    def make(settings: Settings | None = None, matcher: Matcher | None = None) -> Coach:
        store = SqliteStore(tmp_path / "coach.db")
        return Coach(
            real_kb,
            store,
            settings or Settings(admins=frozenset({"cli:admin"})),
            matcher=matcher or real_matcher,
            clock=clock,
        )

    return make


@pytest.fixture
async def coach(make_coach: Callable[..., Coach]) -> AsyncIterator[Coach]:
    instance = make_coach()
    yield instance
    await instance.close()


@pytest.fixture(params=["sqlite", "redis"])
async def coach_on_each_store(
    request: pytest.FixtureRequest, tmp_path: Path, real_kb: KnowledgeBase, real_matcher: Matcher, clock: Clock
) -> AsyncIterator[Coach]:
    """The same engine on the embedded SQLite store and on a real redis-server."""
    if request.param == "sqlite":
        store: Store = SqliteStore(tmp_path / "coach.db")
    else:
        from bot.store.redis_store import RedisStore

        store = RedisStore.from_url(request.getfixturevalue("redis_url"))
    instance = Coach(real_kb, store, Settings(), matcher=real_matcher, clock=clock)
    yield instance
    await instance.close()
