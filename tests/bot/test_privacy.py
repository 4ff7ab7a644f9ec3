"""Privacy at rest and in operator output: private files, nothing left after `forget`, no password printed."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.doctor import _redact, run_doctor
from bot.engine.coach import Coach
from bot.kb.model import KnowledgeBase
from bot.settings import Settings
from bot.store.sqlite import SqliteStore
from bot.testing import Conversation
from tests.redis_server import RedisServer

CLIENT = "Zanzibarco"
AMOUNT = "98765"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def sidecars(db: Path) -> list[Path]:
    return [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]


async def test_the_data_directory_and_database_files_are_private(tmp_path: Path) -> None:
    db = tmp_path / "data" / "client-coach" / "coach.db"
    store = SqliteStore(db)
    await store.set_preferences("slack:U1", await store.get_preferences("slack:U1"))
    await store.claim_event("Ev1", 60)
    assert mode(db.parent) == 0o700
    for path in sidecars(db):
        assert path.exists(), path
        assert mode(path) == 0o600, f"{path.name} is {oct(mode(path))}"
    await store.close()


async def test_files_an_older_version_left_readable_are_tightened(tmp_path: Path) -> None:
    db = tmp_path / "coach.db"
    await SqliteStore(db).close()
    db.chmod(0o644)
    store = SqliteStore(db)
    await store.claim_event("Ev1", 60)
    assert all(mode(p) == 0o600 for p in sidecars(db) if p.exists())
    await store.close()


def holding(db: Path, needle: str) -> list[str]:
    return [p.name for p in sidecars(db) if p.exists() and needle.encode() in p.read_bytes()]


async def test_forget_leaves_the_details_in_neither_the_database_nor_its_wal(
    fixture_kb: KnowledgeBase, tmp_path: Path
) -> None:
    db = tmp_path / "coach.db"
    coach = Coach(fixture_kb, SqliteStore(db), Settings(db_path=db))
    chat = Conversation(coach)
    await chat.ask("my client hasn't paid my invoice")
    await chat.ask(f"client is {CLIENT}, {AMOUNT} EUR, 45 days late")
    assert holding(db, CLIENT), "the details were stored (else this test proves nothing)"

    await chat.ask("forget")
    # While the bot is still running: not at shutdown.
    assert holding(db, CLIENT) == []
    assert holding(db, AMOUNT) == []
    await coach.close()


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("redis://:s3cret@10.0.0.5:6379/0", "redis://***@10.0.0.5:6379/0"),
        ("redis://coach:s3cret@10.0.0.5:6379/0", "redis://coach:***@10.0.0.5:6379/0"),
        ("rediss://coach:p@ss:w0rd@redis.example.com:6380/1", "rediss://coach:***@redis.example.com:6380/1"),
        ("redis://10.0.0.5:6379/0?password=s3cret", "redis://10.0.0.5:6379/0?password=***"),
        ("redis://10.0.0.5/0?db=1&password=s3cret&x=1", "redis://10.0.0.5/0?db=1&password=***&x=1"),
        ("redis://10.0.0.5/0?Password=s3cret", "redis://10.0.0.5/0?Password=***"),
        ("redis://10.0.0.5:6379/0", "redis://10.0.0.5:6379/0"),
        ("/var/lib/coach/coach.db", "/var/lib/coach/coach.db"),
    ],
)
def test_store_urls_are_shown_without_credentials(url: str, shown: str) -> None:
    assert _redact(url) == shown


@pytest.fixture
def protected_redis() -> Iterator[tuple[RedisServer, str]]:
    """A redis-server of its own (the shared one stays password-free) that requires a password."""
    import redis

    server = RedisServer()
    server.start()
    client = redis.Redis(host="127.0.0.1", port=server.port)
    client.config_set("requirepass", "right-pass")
    client.close()
    try:
        yield server, "right-pass"
    finally:
        server.close()


@pytest.mark.parametrize("form", ["userinfo", "query"])
def test_doctor_reports_a_wrong_redis_password_as_such_and_never_prints_it(
    protected_redis: tuple[RedisServer, str], capsys: pytest.CaptureFixture[str], form: str, tmp_path: Path
) -> None:
    server, _ = protected_redis
    wrong = "wrong-pass-123"
    url = (
        f"redis://:{wrong}@127.0.0.1:{server.port}/0"
        if form == "userinfo"
        else f"redis://127.0.0.1:{server.port}/0?password={wrong}"
    )
    assert run_doctor(None, {"COACH_STORE_URL": url, "COACH_DB_PATH": str(tmp_path / "x.db")}) == 1
    out = capsys.readouterr().out
    assert wrong not in out
    assert "refused the credentials" in out and "password" in out
    assert "not reachable" not in out


def test_doctor_accepts_the_right_password_and_does_not_print_it(
    protected_redis: tuple[RedisServer, str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    server, password = protected_redis
    url = f"redis://127.0.0.1:{server.port}/0?password={password}"
    run_doctor(None, {"COACH_STORE_URL": url, "COACH_DB_PATH": str(tmp_path / "x.db")})
    out = capsys.readouterr().out
    assert f"[ok  ] store at redis://127.0.0.1:{server.port}/0?password=***" in out
    assert password not in out


def test_doctor_still_says_not_reachable_when_nothing_listens(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from tests.redis_server import free_port

    url = f"redis://:pw-not-shown@127.0.0.1:{free_port()}/0"
    run_doctor(None, {"COACH_STORE_URL": url, "COACH_DB_PATH": str(tmp_path / "x.db")})
    out = capsys.readouterr().out
    assert "not reachable" in out and "pw-not-shown" not in out
