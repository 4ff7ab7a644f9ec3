"""Isolation between users, concurrent handlers, and store faults."""

from __future__ import annotations

import asyncio
import os
import random
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.engine.coach import Coach
from bot.kb.model import KnowledgeBase
from bot.matching.matcher import Matcher
from bot.settings import Settings
from bot.store.sqlite import SqliteStore
from bot.testing import Conversation

SITUATIONS = {
    "late-payment": "client hasn't paid my invoice in 60 days and ignores my emails",
    "scope-creep": "client keeps asking for one more small change that wasn't in the quote",
    "abusive-client": "the client yelled at me on a call and called me incompetent",
    "own-mistake": "I missed the deadline and have to tell the client tomorrow",
}


async def test_a_thousand_interleaved_conversations_leak_no_state(coach_on_each_store: Coach) -> None:
    coach = coach_on_each_store
    rng = random.Random(7)
    users = [(f"U{i}", rng.choice(list(SITUATIONS))) for i in range(1000)]
    chats = {user: Conversation(coach, user_id=user, conversation_id=f"D{user}") for user, _ in users}

    first = await asyncio.gather(*(chats[u].ask(SITUATIONS[topic]) for u, topic in users))
    assert [r.topic_ids for r in first] == [(topic,) for _, topic in users]

    # Everyone asks the same follow-up at once, each must get their own topic's script.
    details = await asyncio.gather(*(chats[u].ask(f"client is Client{u}") for u, _ in users))
    for (user, topic), reply in zip(users, details, strict=True):
        assert reply.topic_ids == (topic,)
        script = "\n".join(reply.script)
        if "{client_name}" in "\n".join(coach.kb.topics[topic].in_lang("en").say_this):
            assert f"Client{user}" in script
        others = {f"Client{u}" for u, _ in users[:50] if u != user}
        assert not any(name + "\n" in script or name + "," in script for name in others)


async def test_concurrent_feedback_loses_nothing(coach_on_each_store: Coach) -> None:
    coach = coach_on_each_store
    await asyncio.gather(*(Conversation(coach, user_id=f"U{i}").press("fb:up:scope-creep") for i in range(300)))
    row = {r.topic_id: r for r in await coach.store.stats()}["scope-creep"]
    assert row.helpful == 300


class BrokenStore(SqliteStore):
    """A real store whose every call fails like a vanished database."""

    async def get_preferences(self, user_key: str):  # type: ignore[no-untyped-def]
        from bot.errors import StoreError

        raise StoreError("database went away")


async def test_store_going_away_gives_a_polite_answer(
    tmp_path: Path, real_kb: KnowledgeBase, real_matcher: Matcher
) -> None:
    coach = Coach(real_kb, BrokenStore(tmp_path / "x.db"), Settings(), matcher=real_matcher)
    reply = await Conversation(coach).ask("client hasn't paid my invoice in 60 days")
    assert reply.kind == "advice" and reply.topic_ids == ("late-payment",)
    assert "memory" in reply.notice
    reply = await Conversation(coach).ask("forget")
    assert reply.kind == "error" and "memory" in reply.text, "forget must not claim success"
    await coach.close()


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
async def test_read_only_database_gives_a_polite_answer_and_recovers(
    tmp_path: Path, real_kb: KnowledgeBase, real_matcher: Matcher
) -> None:
    path = tmp_path / "coach.db"
    writer = Coach(real_kb, SqliteStore(path), Settings(), matcher=real_matcher)
    await Conversation(writer, user_id="keep").press("fb:up:scope-creep")
    await writer.close()

    read_only = Coach(real_kb, SqliteStore(path, read_only=True), Settings(), matcher=real_matcher)
    reply = await Conversation(read_only).ask("client keeps asking for changes not in the quote")
    assert reply.kind == "advice" and "memory" in reply.notice
    await read_only.close()

    again = Coach(real_kb, SqliteStore(path), Settings(), matcher=real_matcher)
    reply = await Conversation(again).ask("client keeps asking for changes not in the quote")
    assert reply.kind == "advice" and not reply.notice
    rows = {r.topic_id: r for r in await again.store.stats()}
    assert rows["scope-creep"].helpful == 1, "nothing was lost"
    await again.close()


async def test_a_locked_database_gives_a_polite_answer(
    tmp_path: Path, real_kb: KnowledgeBase, real_matcher: Matcher
) -> None:
    path = tmp_path / "coach.db"
    store = SqliteStore(path, busy_timeout_ms=50)
    coach = Coach(real_kb, store, Settings(), matcher=real_matcher)
    await Conversation(coach).ask("hello")
    locker = sqlite3.connect(path)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        reply = await Conversation(coach, user_id="other").ask("client keeps asking for changes not in the quote")
        assert reply.kind == "advice" and "memory" in reply.notice
    finally:
        locker.rollback()
        locker.close()
    reply = await Conversation(coach, user_id="other").ask("client keeps asking for changes not in the quote")
    assert not reply.notice
    await coach.close()


async def test_unexpected_errors_never_reach_the_user(make_coach: Callable[..., Coach]) -> None:
    coach = make_coach()

    def explode(*args: object, **kwargs: object) -> object:
        raise RuntimeError("secret internal detail")

    coach.matcher.match = explode  # type: ignore[method-assign]
    try:
        reply = await Conversation(coach).ask("client will not pay")
    finally:
        del coach.matcher.match
    assert reply.kind == "error" and "secret" not in reply.text
    await coach.close()


async def test_rate_limit_answers_politely(make_coach: Callable[..., Coach]) -> None:
    from bot.engine.ratelimit import RateLimiter

    coach = make_coach()
    coach.limiter = RateLimiter(burst=3, per_minute=6)
    chat = Conversation(coach)
    kinds = [(await chat.ask("client will not pay my invoice")).kind for _ in range(5)]
    assert kinds[:3] == ["advice"] * 3 and kinds[3] == "error"
    assert "seconds" in chat.last.text  # type: ignore[union-attr]
    await coach.close()


async def test_redis_going_away_mid_conversation_is_polite_and_recovers(
    real_kb: KnowledgeBase, real_matcher: Matcher
) -> None:
    from bot.store.redis_store import RedisStore
    from tests.redis_server import RedisServer, skip_without_redis_server

    skip_without_redis_server()
    with RedisServer() as server:
        coach = Coach(real_kb, RedisStore.from_url(server.url), Settings(), matcher=real_matcher)
        chat = Conversation(coach, user_id="U-redis")
        try:
            first = await chat.ask("client hasn't paid my invoice in 60 days")
            assert first.topic_ids == ("late-payment",)

            server.stop()
            reply = await chat.ask("the client yelled at me on a call and called me incompetent")
            assert reply.kind == "advice" and reply.topic_ids == ("abusive-client",)
            assert "memory" in reply.notice, "the user is told the conversation is not being kept"
            assert (await chat.press("fb:up:abusive-client")).kind == "error"

            server.start()  # the same port, empty data
            reply = await chat.ask("I missed the deadline and have to tell the client tomorrow")
            assert reply.kind == "advice" and not reply.notice
            assert (await chat.ask("what do I say?")).script, "the conversation is kept again"
        finally:
            await coach.close()
