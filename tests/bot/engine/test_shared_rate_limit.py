"""The rate limit holds across replicas when they share a Redis store (it used to be per process)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.engine.coach import Coach
from bot.engine.i18n import t
from bot.engine.messages import Request
from bot.engine.ratelimit import RateLimiter
from bot.kb.model import KnowledgeBase
from bot.matching.matcher import Matcher
from bot.settings import Settings
from bot.store.base import Store
from bot.store.sqlite import SqliteStore
from tests.bot.engine.conftest import Clock

SLOW_DOWN = t("slow_down", "en", wait="1 second")[:20]


def replicas(open_store: Callable[[], Store], real_kb: KnowledgeBase, matcher: Matcher, clock: Clock) -> list[Coach]:
    return [
        Coach(real_kb, open_store(), Settings(), matcher=matcher, clock=clock, limiter=RateLimiter(3, 1))
        for _ in range(2)
    ]


async def answered(coaches: list[Coach], messages: int) -> int:
    count = 0
    for n in range(messages):
        reply = await coaches[n % 2].handle(Request("slack", "U1", "D1", "client will not pay my invoice", True))
        count += not (reply.kind == "error" and reply.text.startswith(SLOW_DOWN))
    return count


async def test_two_replicas_on_one_redis_share_the_limit(
    redis_url: str, real_kb: KnowledgeBase, real_matcher: Matcher, clock: Clock
) -> None:
    from bot.store.redis_store import RedisStore

    coaches = replicas(lambda: RedisStore.from_url(redis_url), real_kb, real_matcher, clock)
    assert await answered(coaches, 10) == 3, "a burst of 3 in all, not 3 per replica"
    clock.now += 60  # one token back per minute
    assert await answered(coaches, 4) == 1
    for coach in coaches:
        await coach.close()


async def test_without_redis_the_limit_stays_per_process(
    tmp_path: Path, real_kb: KnowledgeBase, real_matcher: Matcher, clock: Clock
) -> None:
    coaches = replicas(lambda: SqliteStore(tmp_path / "c.db"), real_kb, real_matcher, clock)
    assert await answered(coaches, 10) == 6, "SQLite does not share limits: 3 per process (as the README says)"
    for coach in coaches:
        await coach.close()


async def test_when_redis_is_down_each_process_still_limits(
    redis_url: str, real_kb: KnowledgeBase, real_matcher: Matcher, clock: Clock
) -> None:
    from bot.store.redis_store import RedisStore

    store = RedisStore.from_url(redis_url)
    await store.close()  # every call now fails with StoreError
    coach = Coach(real_kb, store, Settings(), matcher=real_matcher, clock=clock, limiter=RateLimiter(3, 1))
    assert await answered([coach, coach], 6) == 3
