"""Tenants (Slack installations) in the store: forgetting one, moving tenant-less keys under one, and records.

The same checks on the embedded SQLite store and on a real redis-server; the null store at the end.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.errors import StoreError
from bot.store.base import Conversation, Preferences, Store, WorkspaceSettings
from bot.store.null import NullStore
from bot.store.sqlite import SqliteStore
from tests.bot.store.factories import checkin

TTL = 7200.0
_ids = itertools.count(100)


@pytest.fixture(params=["sqlite", "redis"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    if request.param == "sqlite":
        s: Store = SqliteStore(tmp_path / "data" / "coach.db")
    else:
        from bot.store.redis_store import RedisStore

        s = RedisStore.from_url(request.getfixturevalue("redis_url"))
    yield s
    await s.close()


async def _fill(store: Store, scope: str, user: str = "U1") -> None:
    """Everything a user of ``scope`` leaves behind: a conversation, a language, a check-in, feedback, settings."""
    user_key = f"{scope}:{user}"
    conv = Conversation(topic_id="late-payment", updated_at=1000.0)
    await store.save_conversation(f"{scope}:D1:{user}", user_key, conv, TTL)
    await store.set_preferences(user_key, Preferences(lang="es"))
    await store.add_checkin(dataclasses.replace(checkin(next(_ids), 500.0, user_key=user_key), tenant="T"))
    await store.record_feedback("late-payment", "helpful", user_key)
    await store.record_outcome("late-payment", "resolved", user_key)
    await store.set_workspace_settings(scope, WorkspaceSettings(lang="ca"))
    await store.put_record("slack-bot", scope, '{"bot_token": "xoxb-1"}')


async def test_forgetting_a_tenant_leaves_nothing_of_it_and_everything_of_the_others(store: Store) -> None:
    await _fill(store, "slack:T1")
    await _fill(store, "slack:T1", user="U2")
    await _fill(store, "slack:T10")  # a longer id with the same start: not under slack:T1
    await _fill(store, "slack:E1:T2")
    await store.put_record("slack-installation", "slack:T1:U1", "{}")

    await store.forget_tenant("slack:T1")

    for user in ("U1", "U2"):
        assert not await store.holds_anything_about(f"slack:T1:{user}")
        assert await store.get_conversation(f"slack:T1:D1:{user}", 1000.0, TTL) is None
    assert await store.get_workspace_settings("slack:T1") == WorkspaceSettings()
    assert await store.get_record("slack-bot", "slack:T1") is None
    assert await store.get_record("slack-installation", "slack:T1:U1") is None
    due = await store.claim_due_checkins(10_000.0)
    assert sorted(c.user_key for c in due) == ["slack:E1:T2:U1", "slack:T10:U1"]
    for scope in ("slack:T10", "slack:E1:T2"):
        assert await store.get_preferences(f"{scope}:U1") == Preferences(lang="es")
        assert await store.get_conversation(f"{scope}:D1:U1", 1000.0, TTL) is not None
        assert await store.get_workspace_settings(scope) == WorkspaceSettings(lang="ca")
        assert await store.get_record("slack-bot", scope) is not None
    [stats] = await store.stats()
    assert (stats.helpful, stats.resolved) == (4, 4), "the per-topic counts stay; only who gave them goes"


async def test_forgetting_an_enterprise_forgets_each_of_its_workspaces(store: Store) -> None:
    await _fill(store, "slack:E1:T2")
    await _fill(store, "slack:E1:T3")
    await _fill(store, "slack:E10:T4")

    await store.forget_tenant("slack:E1")

    assert not await store.holds_anything_about("slack:E1:T2:U1")
    assert not await store.holds_anything_about("slack:E1:T3:U1")
    assert await store.holds_anything_about("slack:E10:T4:U1")


async def test_tenantless_keys_move_under_the_tenant_once(store: Store) -> None:
    await store.set_preferences("slack:U1", Preferences(lang="fi"))
    earlier = Conversation(topic_id="scope-creep", updated_at=900.0)
    await store.save_conversation("slack:D1:U1", "slack:U1", earlier, TTL)
    await store.add_checkin(checkin(1, 100.0, user_key="slack:U1"))
    await store.record_feedback("scope-creep", "helpful", "slack:U1")
    await store.set_preferences("discord:42", Preferences(lang="ca"))
    await store.set_preferences("slack:T9:U5", Preferences(lang="es"))

    assert await store.adopt_untenanted_users("slack", "T1") > 0

    assert not await store.holds_anything_about("slack:U1")
    assert await store.get_preferences("slack:T1:U1") == Preferences(lang="fi")
    moved = await store.get_conversation("slack:T1:D1:U1", 1000.0, TTL)
    assert moved is not None and moved.topic_id == "scope-creep"
    [due] = await store.user_checkins("slack:T1:U1")
    assert (due.id, due.tenant) == ("c001", "T1")
    assert await store.get_preferences("discord:42") == Preferences(lang="ca"), "another platform is not touched"
    assert await store.get_preferences("slack:T9:U5") == Preferences(lang="es"), "a tenanted key stays where it is"
    assert not await store.holds_anything_about("slack:T1:T9:U5")
    await store.forget_user("slack:T1:U1")
    assert not await store.holds_anything_about("slack:T1:U1"), "forget finds the moved feedback too"
    assert await store.adopt_untenanted_users("slack", "T1") == 0


async def test_a_user_who_chose_again_under_the_tenant_keeps_the_newer_choice(store: Store) -> None:
    await store.set_preferences("slack:U1", Preferences(lang="fi"))
    await store.set_preferences("slack:T1:U1", Preferences(lang="es"))

    await store.adopt_untenanted_users("slack", "T1")

    assert await store.get_preferences("slack:T1:U1") == Preferences(lang="es")
    assert not await store.holds_anything_about("slack:U1")


async def test_records_are_kept_taken_once_and_deleted_with_those_under_them(store: Store) -> None:
    await store.put_record("slack-installation", "slack:T1", '{"v": 1}')
    await store.put_record("slack-installation", "slack:T1", '{"v": 2}')
    await store.put_record("slack-installation", "slack:T1:U1", '{"v": 3}')
    await store.put_record("slack-installation", "slack:T10", '{"v": 4}')
    await store.put_record("slack-bot", "slack:T1", '{"v": 5}')

    assert await store.get_record("slack-installation", "slack:T1") == '{"v": 2}'
    await store.delete_records("slack-installation", "slack:T1")
    assert await store.get_record("slack-installation", "slack:T1") is None
    assert await store.get_record("slack-installation", "slack:T1:U1") is None
    assert await store.get_record("slack-installation", "slack:T10") == '{"v": 4}'
    assert await store.get_record("slack-bot", "slack:T1") == '{"v": 5}', "another kind is not touched"

    await store.put_record("slack-oauth-state", "s1", "1", ttl=60)
    assert await store.take_record("slack-oauth-state", "s1") == "1"
    assert await store.take_record("slack-oauth-state", "s1") is None, "a state is used once"
    assert await store.take_record("slack-oauth-state", "never-issued") is None


async def test_a_record_is_gone_after_its_ttl(store: Store) -> None:
    await store.put_record("slack-oauth-state", "s1", "1", ttl=0.05)
    await asyncio.sleep(0.15)
    assert await store.get_record("slack-oauth-state", "s1") is None
    assert await store.take_record("slack-oauth-state", "s1") is None


async def test_the_null_store_keeps_no_record_and_forgets_without_complaint() -> None:
    store = NullStore()
    await store.forget_tenant("slack:T1")
    await store.delete_records("slack-bot", "slack:T1")
    assert await store.adopt_untenanted_users("slack", "T1") == 0
    with pytest.raises(StoreError):
        await store.put_record("slack-bot", "slack:T1", "{}")
    with pytest.raises(StoreError):
        await store.take_record("slack-oauth-state", "s1")
