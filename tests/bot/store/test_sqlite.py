"""SqliteStore: behaviour, concurrency across instances, migrations and faults."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.errors import ConfigError, StoreError
from bot.settings import Settings
from bot.store.base import Preferences, TopicStats
from bot.store.factory import open_store
from bot.store.sqlite import SCHEMA_VERSION, SqliteStore
from tests.bot.store.factories import checkin

TTL = 7200.0


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "coach.db"


@pytest.fixture
async def store(db_path: Path) -> AsyncIterator[SqliteStore]:
    s = SqliteStore(db_path)
    yield s
    await s.close()


@pytest.fixture
async def twin(db_path: Path, store: SqliteStore) -> AsyncIterator[SqliteStore]:
    """A second instance on the same file, as a second replica would have."""
    s = SqliteStore(db_path)
    yield s
    await s.close()


# -- conversations and preferences ----------------------------------------------------------


# -- feedback, stats, forgetting ------------------------------------------------------------


# -- check-ins and events -------------------------------------------------------------------


async def test_claim_respects_limit(store: SqliteStore) -> None:
    for n in range(5):
        await store.add_checkin(checkin(n, due_at=float(n)))

    first = await store.claim_due_checkins(now=10.0, limit=3)
    rest = await store.claim_due_checkins(now=10.0, limit=3)
    assert [c.id for c in first] == ["c000", "c001", "c002"]
    assert [c.id for c in rest] == ["c003", "c004"]


async def test_two_instances_claim_disjoint_checkins_from_threads(store: SqliteStore, twin: SqliteStore) -> None:
    for n in range(80):
        await store.add_checkin(checkin(n, due_at=float(n)))
    claimed: list[list[str]] = []
    start = threading.Barrier(4)

    def worker(s: SqliteStore) -> None:
        start.wait()
        mine: list[str] = []
        while batch := asyncio.run(s.claim_due_checkins(now=500.0, limit=3)):
            mine.extend(c.id for c in batch)
        claimed.append(mine)

    threads = [threading.Thread(target=worker, args=(s,)) for s in (store, twin, store, twin)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    ids = [i for mine in claimed for i in mine]
    assert len(claimed) == 4
    assert len(ids) == len(set(ids)) == 80


async def test_expired_event_can_be_claimed_again(db_path: Path) -> None:
    now = [1000.0]
    s = SqliteStore(db_path, clock=lambda: now[0])
    try:
        assert await s.claim_event("evt", ttl=60)
        now[0] = 1059.0
        assert not await s.claim_event("evt", ttl=60)
        now[0] = 1061.0
        assert await s.claim_event("evt", ttl=60)
        assert not await s.claim_event("evt", ttl=60)
    finally:
        await s.close()


# -- migrations -----------------------------------------------------------------------------


def user_version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


async def test_fresh_file_gets_current_schema_and_reopen_keeps_data(db_path: Path) -> None:
    s = SqliteStore(db_path)
    await s.set_preferences("u", Preferences(lang="es"))
    await s.close()
    assert SCHEMA_VERSION >= 1
    assert user_version(db_path) == SCHEMA_VERSION

    again = SqliteStore(db_path)
    try:
        assert await again.get_preferences("u") == Preferences(lang="es")
        assert user_version(db_path) == SCHEMA_VERSION
    finally:
        await again.close()


async def test_a_version_1_database_is_upgraded_in_place_for_workspace_settings(db_path: Path) -> None:
    """A database the previous release wrote keeps its data and gains the workspace settings table."""
    from bot.store.base import WorkspaceSettings
    from bot.store.sqlite import MIGRATIONS

    db_path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(db_path)
    for statement in MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute("INSERT INTO preferences (user_key, lang) VALUES ('slack:U1', 'fi')")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()

    s = SqliteStore(db_path)
    try:
        assert user_version(db_path) == SCHEMA_VERSION == 3
        assert await s.get_preferences("slack:U1") == Preferences(lang="fi")
        await s.set_workspace_settings("slack:T1", WorkspaceSettings(lang="es"))
        assert await s.get_workspace_settings("slack:T1") == WorkspaceSettings(lang="es")
    finally:
        await s.close()


async def test_newer_schema_is_refused(db_path: Path) -> None:
    s = SqliteStore(db_path)
    await s.set_preferences("u", Preferences(lang="es"))
    await s.close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()

    with pytest.raises(StoreError, match="newer") as info:
        SqliteStore(db_path)

    assert str(db_path) in str(info.value)
    assert user_version(db_path) == SCHEMA_VERSION + 1
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT lang FROM preferences").fetchall() == [("es",)]
    conn.close()


# -- faults ---------------------------------------------------------------------------------


async def test_read_only_database_raises_store_error(db_path: Path) -> None:
    s = SqliteStore(db_path)
    await s.record_feedback("t", "shown", None)
    await s.close()

    if os.geteuid() != 0:
        # A real permission problem; root bypasses permissions, hence the branch below.
        db_path.chmod(0o444)
        db_path.parent.chmod(0o555)
        try:
            with pytest.raises(StoreError, match="permissions") as info:
                ro = SqliteStore(db_path)
                try:
                    await ro.record_feedback("t", "shown", None)
                finally:
                    await ro.close()
        finally:
            db_path.parent.chmod(0o755)
            db_path.chmod(0o644)
    else:
        ro = SqliteStore(db_path, read_only=True)
        try:
            assert await ro.stats() == [TopicStats("t", 1, 0, 0, 0, 0)]
            with pytest.raises(StoreError, match="read-only: check file") as info:
                await ro.record_feedback("t", "shown", None)
        finally:
            await ro.close()

    assert str(db_path) in str(info.value)
    assert isinstance(info.value.__cause__, sqlite3.Error)


@pytest.mark.parametrize("damage", ["garbage file", "damaged header"])
async def test_corrupted_file_is_reported_and_left_untouched(db_path: Path, damage: str) -> None:
    if damage == "garbage file":
        db_path.parent.mkdir(parents=True)
        db_path.write_bytes(b"definitely not sqlite " * 400)
    else:
        s = SqliteStore(db_path)
        await s.record_feedback("t", "shown", "u")
        await s.close()
        data = bytearray(db_path.read_bytes())
        data[:100] = b"\xff" * 100
        db_path.write_bytes(bytes(data))
    original = db_path.read_bytes()

    with pytest.raises(StoreError, match="corrupted") as info:
        SqliteStore(db_path)

    assert str(db_path) in str(info.value)
    assert isinstance(info.value.__cause__, sqlite3.DatabaseError)
    assert db_path.read_bytes() == original


async def test_locked_database_raises_then_recovers(db_path: Path) -> None:
    s = SqliteStore(db_path, busy_timeout_ms=50)
    other = sqlite3.connect(db_path, isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")
        with pytest.raises(StoreError, match="locked") as info:
            await s.record_feedback("t", "shown", None)
        assert str(db_path) in str(info.value)
        assert isinstance(info.value.__cause__, sqlite3.OperationalError)
        other.execute("ROLLBACK")

        await s.record_feedback("t", "shown", None)
        assert await s.stats() == [TopicStats("t", 1, 0, 0, 0, 0)]
    finally:
        other.close()
        await s.close()


async def test_unopenable_path_raises_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")

    with pytest.raises(StoreError, match="directory"):
        SqliteStore(blocker / "coach.db")


# -- factory --------------------------------------------------------------------------------


async def test_open_store_uses_db_path_or_sqlite_url(tmp_path: Path) -> None:
    default = open_store(Settings(db_path=tmp_path / "a" / "coach.db"))
    from_url = open_store(Settings(store_url=f"sqlite:///{tmp_path}/b/coach.db"))
    try:
        assert isinstance(default, SqliteStore)
        assert isinstance(from_url, SqliteStore)
        assert default.path == tmp_path / "a" / "coach.db"
        assert from_url.path == tmp_path / "b" / "coach.db"
        assert from_url.path.exists()
    finally:
        await default.close()
        await from_url.close()


@pytest.mark.parametrize("url", ["postgres://db/coach", "sqlite:///", "coach.db"])
def test_open_store_rejects_unknown_urls(url: str) -> None:
    with pytest.raises(ConfigError, match="COACH_STORE_URL must be"):
        open_store(Settings(store_url=url))


def test_open_store_redis_without_support(monkeypatch: pytest.MonkeyPatch) -> None:
    # None in sys.modules makes the import fail as if the module were not installed.
    monkeypatch.setitem(sys.modules, "bot.store.redis_store", None)

    with pytest.raises(ConfigError, match=r"pip install 'client-coach\[redis\]'"):
        open_store(Settings(store_url="redis://localhost:6379/0"))


async def test_the_database_directory_is_created(db_path: Path) -> None:
    store = SqliteStore(db_path)
    try:
        assert await store.ping()
        assert db_path.parent.is_dir() and db_path.exists()
    finally:
        await store.close()


async def test_a_busy_database_is_waited_for_off_the_event_loop(db_path: Path) -> None:
    store = SqliteStore(db_path, busy_timeout_ms=3000)
    await store.record_feedback("t", "shown", None)
    locker = sqlite3.connect(db_path, check_same_thread=False)
    locker.execute("BEGIN EXCLUSIVE")
    threading.Timer(0.3, locker.rollback).start()
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticker = asyncio.create_task(tick())
    try:
        await store.record_feedback("t", "helpful", "u1")  # waits for the lock, then succeeds
    finally:
        ticker.cancel()
        locker.close()
    assert ticks >= 10, "the event loop kept running while the write waited for the lock"
    assert await store.stats() == [TopicStats("t", 1, 1, 0, 0, 0)]
    await store.close()
