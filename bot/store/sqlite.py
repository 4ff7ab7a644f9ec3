"""The default store: one SQLite file, safe for concurrent handlers and several processes.

All sqlite work runs in worker threads (``asyncio.to_thread``) on one connection
guarded by a lock. Writes use ``BEGIN IMMEDIATE`` so that read-modify-write steps
(claiming check-ins and events) are serialised across every connection to the file.
Every sqlite error leaves this module as a ``StoreError`` with an operator-facing message.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TypeVar

from bot.errors import StoreError
from bot.store.base import (
    Checkin,
    Conversation,
    FeedbackKind,
    Outcome,
    Preferences,
    TopicStats,
    WorkspaceSettings,
    conversation_from_json,
    conversation_to_json,
    workspace_settings_from_json,
    workspace_settings_to_json,
)

T = TypeVar("T")
log = logging.getLogger("coach.store")

# Each entry moves the schema from version N to N+1; never edit a released entry, append one.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE conversations (
            key TEXT PRIMARY KEY,
            user_key TEXT NOT NULL,
            data TEXT NOT NULL,
            updated_at REAL NOT NULL,
            expires_at REAL NOT NULL
        )""",
        "CREATE INDEX conversations_user ON conversations (user_key)",
        "CREATE INDEX conversations_expiry ON conversations (expires_at)",
        "CREATE TABLE preferences (user_key TEXT PRIMARY KEY, lang TEXT)",
        """CREATE TABLE feedback (
            id INTEGER PRIMARY KEY,
            topic_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            user_key TEXT,
            created_at REAL NOT NULL
        )""",
        "CREATE INDEX feedback_user ON feedback (user_key) WHERE user_key IS NOT NULL",
        """CREATE TABLE outcomes (
            id INTEGER PRIMARY KEY,
            topic_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            user_key TEXT,
            created_at REAL NOT NULL
        )""",
        "CREATE INDEX outcomes_user ON outcomes (user_key) WHERE user_key IS NOT NULL",
        """CREATE TABLE checkins (
            id TEXT PRIMARY KEY,
            user_key TEXT NOT NULL,
            platform TEXT NOT NULL,
            user_id TEXT NOT NULL,
            conversation_id TEXT NOT NULL,
            topic_id TEXT NOT NULL,
            lang TEXT NOT NULL,
            due_at REAL NOT NULL
        )""",
        "CREATE INDEX checkins_due ON checkins (due_at)",
        "CREATE INDEX checkins_user ON checkins (user_key)",
        "CREATE TABLE events (event_id TEXT PRIMARY KEY, expires_at REAL NOT NULL)",
        "CREATE INDEX events_expiry ON events (expires_at)",
    ),
    ("CREATE TABLE workspace_settings (workspace_key TEXT PRIMARY KEY, data TEXT NOT NULL)",),
    (
        "ALTER TABLE checkins ADD COLUMN tenant TEXT",
        """CREATE TABLE records (
            kind TEXT NOT NULL,
            key TEXT NOT NULL,
            data TEXT NOT NULL,
            expires_at REAL,
            PRIMARY KEY (kind, key)
        )""",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)

_CHECKIN_COLUMNS = "id, user_key, platform, user_id, conversation_id, topic_id, lang, due_at, tenant"
# Tables with a user_key column: rows are deleted for a forgotten user, or (feedback, outcomes) detached.
_USER_TABLES = ("conversations", "preferences", "checkins")
_ATTRIBUTED_TABLES = ("feedback", "outcomes")
_EVENT_PRUNE_EVERY = 64
MIN_FREE_BYTES = 16 * 1024 * 1024  # below this the disk counts as full: SQLite needs room for the WAL


class SqliteStore:
    """``Store`` on a SQLite file; two instances on one file (two replicas) are safe."""

    def __init__(
        self,
        path: Path | str,
        *,
        busy_timeout_ms: int = 5000,
        read_only: bool = False,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path)
        self._busy_timeout_ms = busy_timeout_ms
        self._read_only = read_only
        self._clock = clock
        self._lock = threading.Lock()
        self._event_claims = 0
        self._conn: sqlite3.Connection | None = self._open()

    # -- plumbing -------------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        if not self._read_only:
            try:
                _make_private(self.path)
            except OSError as exc:
                raise StoreError(f"cannot create the directory for database {self.path}: {exc.strerror}") from exc
        target = f"file:{self.path}?mode=ro" if self._read_only else str(self.path)
        try:
            conn = sqlite3.connect(
                target,
                timeout=self._busy_timeout_ms / 1000,
                isolation_level=None,  # we issue BEGIN/COMMIT ourselves
                check_same_thread=False,
                uri=self._read_only,
            )
        except sqlite3.Error as exc:
            raise StoreError(self._describe(exc)) from exc
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_ms)}")
            if not self._read_only:
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            # Forgotten users must not linger in free pages of the file.
            conn.execute("PRAGMA secure_delete = ON")
            self._migrate(conn)
        except BaseException as exc:
            conn.close()
            if isinstance(exc, sqlite3.Error):
                raise StoreError(self._describe(exc)) from exc
            raise
        return conn

    def _migrate(self, conn: sqlite3.Connection) -> None:
        version = _user_version(conn)
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"database {self.path} has schema version {version}, newer than this"
                f" Client Coach understands ({SCHEMA_VERSION}): upgrade Client Coach"
                " or point it at another database"
            )
        if version == SCHEMA_VERSION:
            return
        if self._read_only:
            raise StoreError(
                f"database {self.path} needs a schema upgrade (version {version} to"
                f" {SCHEMA_VERSION}) but was opened read-only: open it once read-write"
            )
        for target, statements in enumerate(MIGRATIONS, start=1):
            with _transaction(conn):
                # Re-read inside the lock: another process may have migrated meanwhile.
                if _user_version(conn) >= target:
                    continue
                for statement in statements:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {target}")

    def _describe(self, exc: sqlite3.Error) -> str:
        name = getattr(exc, "sqlite_errorname", None) or ""
        text = str(exc)
        where = f"database {self.path}"
        if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
            return (
                f"{where} is locked: another process held it for more than"
                f" {self._busy_timeout_ms} ms; retry, or look for a stuck process"
            )
        if name.startswith("SQLITE_READONLY") or "readonly" in text:
            return f"{where} is read-only: check file and directory permissions"
        if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "not a database" in text:
            return (
                f"{where} is corrupted or not a SQLite database: the file was left"
                " untouched; restore it from a backup or move it aside"
            )
        if name == "SQLITE_FULL":
            return f"{where} cannot grow: the disk is full"
        if name.startswith("SQLITE_IOERR"):
            return f"{where} hit a disk I/O error: check the disk and free space ({text})"
        if name.startswith(("SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH")):
            return (
                f"{where} cannot be opened: check that its directory exists and that"
                " file and directory permissions allow access"
            )
        return f"{where} failed: {text}"

    def _call(self, work: Callable[[sqlite3.Connection], T]) -> T:
        with self._lock:
            if self._conn is None:
                raise StoreError(f"database {self.path} is closed")
            try:
                return work(self._conn)
            except sqlite3.Error as exc:
                raise StoreError(self._describe(exc)) from exc

    async def _run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``work`` inline when the database is free; otherwise wait for it in a thread.

        A thread hop costs more than the query itself (which takes tens of microseconds in WAL mode), so
        the first attempt runs on the event loop with no busy wait. If another connection holds the write
        lock, SQLite says BUSY at BEGIN IMMEDIATE, before anything changed, and the same work is retried in
        a thread with the full busy timeout, so the event loop never waits on a lock.
        """
        if self._lock.acquire(blocking=False):
            try:
                return self._inline(work)
            except _Busy:
                pass
            finally:
                self._lock.release()
        return await asyncio.to_thread(self._call, work)

    def _inline(self, work: Callable[[sqlite3.Connection], T]) -> T:
        conn = self._conn
        if conn is None:
            raise StoreError(f"database {self.path} is closed")
        try:
            conn.execute("PRAGMA busy_timeout = 0")
            try:
                return work(conn)
            finally:
                conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_ms)}")
        except sqlite3.Error as exc:
            if _is_busy(exc):
                raise _Busy from exc
            raise StoreError(self._describe(exc)) from exc

    async def problem(self) -> str | None:
        """Closed, a disk nearly full, or a write that fails (read-only file or directory, full disk)."""
        if self._conn is None:
            return f"database {self.path} is closed"
        try:
            free = shutil.disk_usage(self.path.parent).free
        except OSError:
            free = None
        if free is not None and free < MIN_FREE_BYTES:
            return f"database {self.path}: the disk is full ({free // 1024} KB free); free some space"

        def probe(conn: sqlite3.Connection) -> None:
            # The smallest real write: the header's user_version, set to what it already is.
            with _transaction(conn):
                conn.execute(f"PRAGMA user_version = {_user_version(conn)}")

        try:
            await asyncio.to_thread(self._call, probe)
        except StoreError as exc:
            return str(exc)
        return None

    # -- conversations --------------------------------------------------------------------

    async def get_conversation(self, key: str, now: float, ttl: float) -> Conversation | None:
        def work(conn: sqlite3.Connection) -> Conversation | None:
            row = conn.execute("SELECT data, updated_at FROM conversations WHERE key = ?", (key,)).fetchone()
            if row is None:
                return None
            data, updated_at = row
            conversation = conversation_from_json(data)
            if conversation is None or now - updated_at > ttl:
                with _transaction(conn):
                    # Only the version we saw: a concurrent save must survive.
                    conn.execute(
                        "DELETE FROM conversations WHERE key = ? AND updated_at = ?",
                        (key, updated_at),
                    )
                return None
            return conversation

        return await self._run(work)

    async def save_conversation(self, key: str, user_key: str, conversation: Conversation, ttl: float) -> None:
        data = conversation_to_json(conversation)
        updated_at = conversation.updated_at

        def work(conn: sqlite3.Connection) -> None:
            with _transaction(conn):
                conn.execute(
                    "INSERT INTO conversations (key, user_key, data, updated_at, expires_at)"
                    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET"
                    " user_key = excluded.user_key, data = excluded.data,"
                    " updated_at = excluded.updated_at, expires_at = excluded.expires_at",
                    (key, user_key, data, updated_at, updated_at + ttl),
                )
                # Expired conversations of anyone: no coaching context outlives its TTL.
                conn.execute("DELETE FROM conversations WHERE expires_at < ?", (updated_at,))

        await self._run(work)

    async def delete_conversation(self, key: str) -> None:
        def work(conn: sqlite3.Connection) -> None:
            with _transaction(conn):
                conn.execute("DELETE FROM conversations WHERE key = ?", (key,))

        await self._run(work)

    # -- preferences ----------------------------------------------------------------------

    async def get_preferences(self, user_key: str) -> Preferences:
        def work(conn: sqlite3.Connection) -> Preferences:
            row = conn.execute("SELECT lang FROM preferences WHERE user_key = ?", (user_key,)).fetchone()
            return Preferences() if row is None else Preferences(lang=row[0])

        return await self._run(work)

    async def set_preferences(self, user_key: str, preferences: Preferences) -> None:
        def work(conn: sqlite3.Connection) -> None:
            with _transaction(conn):
                conn.execute(
                    "INSERT INTO preferences (user_key, lang) VALUES (?, ?)"
                    " ON CONFLICT (user_key) DO UPDATE SET lang = excluded.lang",
                    (user_key, preferences.lang),
                )

        await self._run(work)

    # -- workspace settings ---------------------------------------------------------------

    async def get_workspace_settings(self, workspace_key: str) -> WorkspaceSettings:
        def work(conn: sqlite3.Connection) -> WorkspaceSettings:
            row = conn.execute(
                "SELECT data FROM workspace_settings WHERE workspace_key = ?", (workspace_key,)
            ).fetchone()
            return WorkspaceSettings() if row is None else workspace_settings_from_json(row[0])

        return await self._run(work)

    async def set_workspace_settings(self, workspace_key: str, settings: WorkspaceSettings) -> None:
        data = workspace_settings_to_json(settings)

        def work(conn: sqlite3.Connection) -> None:
            with _transaction(conn):
                if settings.is_default:
                    conn.execute("DELETE FROM workspace_settings WHERE workspace_key = ?", (workspace_key,))
                else:
                    conn.execute(
                        "INSERT INTO workspace_settings (workspace_key, data) VALUES (?, ?)"
                        " ON CONFLICT (workspace_key) DO UPDATE SET data = excluded.data",
                        (workspace_key, data),
                    )

        await self._run(work)

    # -- feedback, outcomes, stats --------------------------------------------------------

    async def record_feedback(self, topic_id: str, kind: FeedbackKind, user_key: str | None) -> None:
        await self._append("feedback", topic_id, kind, user_key)

    async def record_outcome(self, topic_id: str, outcome: Outcome, user_key: str | None) -> None:
        await self._append("outcomes", topic_id, outcome, user_key)

    async def _append(self, table: str, topic_id: str, kind: str, user_key: str | None) -> None:
        created_at = self._clock()

        def work(conn: sqlite3.Connection) -> None:
            with _transaction(conn):
                conn.execute(
                    f"INSERT INTO {table} (topic_id, kind, user_key, created_at) VALUES (?, ?, ?, ?)",
                    (topic_id, kind, user_key, created_at),
                )

        await self._run(work)

    async def stats(self) -> list[TopicStats]:
        query = """
            SELECT topic_id, SUM(shown), SUM(helpful), SUM(not_helpful),
                   SUM(resolved), SUM(unresolved)
            FROM (
                SELECT topic_id, kind = 'shown' AS shown, kind = 'helpful' AS helpful,
                       kind = 'not_helpful' AS not_helpful, 0 AS resolved, 0 AS unresolved
                FROM feedback
                UNION ALL
                SELECT topic_id, 0, 0, 0, kind = 'resolved', kind = 'unresolved'
                FROM outcomes
            )
            GROUP BY topic_id
            ORDER BY topic_id
        """

        def work(conn: sqlite3.Connection) -> list[TopicStats]:
            return [TopicStats(*row) for row in conn.execute(query).fetchall()]

        return await self._run(work)

    # -- check-ins ------------------------------------------------------------------------

    async def add_checkin(self, checkin: Checkin) -> None:
        values = (
            checkin.id,
            checkin.user_key,
            checkin.platform,
            checkin.user_id,
            checkin.conversation_id,
            checkin.topic_id,
            checkin.lang,
            checkin.due_at,
            checkin.tenant,
        )

        def work(conn: sqlite3.Connection) -> None:
            with _transaction(conn):
                conn.execute(
                    f"INSERT OR REPLACE INTO checkins ({_CHECKIN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    values,
                )

        await self._run(work)

    async def claim_due_checkins(self, now: float, limit: int = 100, platform: str | None = None) -> list[Checkin]:
        def work(conn: sqlite3.Connection) -> list[Checkin]:
            # BEGIN IMMEDIATE takes the write lock before reading, so no other
            # connection can select the same rows between our SELECT and DELETE.
            with _transaction(conn):
                rows = conn.execute(
                    f"SELECT {_CHECKIN_COLUMNS} FROM checkins WHERE due_at <= ? AND (? IS NULL OR platform = ?) "
                    "ORDER BY due_at, id LIMIT ?",
                    (now, platform, platform, limit),
                ).fetchall()
                # Claimed check-ins are deleted: nothing about the user is kept once handed out.
                conn.executemany("DELETE FROM checkins WHERE id = ?", [(r[0],) for r in rows])
            return [Checkin(*row) for row in rows]

        return await self._run(work)

    async def user_checkins(self, user_key: str) -> list[Checkin]:
        def work(conn: sqlite3.Connection) -> list[Checkin]:
            rows = conn.execute(
                f"SELECT {_CHECKIN_COLUMNS} FROM checkins WHERE user_key = ? ORDER BY due_at, id", (user_key,)
            ).fetchall()
            return [Checkin(*row) for row in rows]

        return await self._run(work)

    async def cancel_checkin(self, user_key: str, checkin_id: str) -> bool:
        def work(conn: sqlite3.Connection) -> bool:
            with _transaction(conn):
                cursor = conn.execute("DELETE FROM checkins WHERE id = ? AND user_key = ?", (checkin_id, user_key))
            return cursor.rowcount > 0

        return await self._run(work)

    # -- privacy --------------------------------------------------------------------------

    async def forget_user(self, user_key: str) -> None:
        def work(conn: sqlite3.Connection) -> None:
            with _transaction(conn):
                for table in _USER_TABLES:
                    conn.execute(f"DELETE FROM {table} WHERE user_key = ?", (user_key,))
                for table in _ATTRIBUTED_TABLES:
                    conn.execute(f"UPDATE {table} SET user_key = NULL WHERE user_key = ?", (user_key,))

        await self._run(work)
        await self._empty_wal()

    async def _empty_wal(self) -> None:
        def checkpoint(conn: sqlite3.Connection) -> bool:
            busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            return not busy
        # secure_delete zeroes the rows in the database file, but the WAL still holds the pages as they were:
        # copy the zeroed pages back and empty the WAL now, not at the next automatic checkpoint. In a thread,
        # with the full busy timeout: it may wait for readers on other connections.
        if not await asyncio.to_thread(self._call, checkpoint):
            log.warning(
                "database %s: other connections kept reading, so the write-ahead log could not be emptied after "
                "a forget; the next checkpoint will do it",
                self.path,
            )

    async def forget_tenant(self, scope: str) -> None:
        under = {"scope": scope, "prefix": f"{scope}:", "n": len(scope) + 1}

        def work(conn: sqlite3.Connection) -> None:
            with _transaction(conn):
                for table in _USER_TABLES:
                    conn.execute(f"DELETE FROM {table} WHERE {_under('user_key')}", under)
                conn.execute(f"DELETE FROM conversations WHERE {_under('key')}", under)
                conn.execute(f"DELETE FROM workspace_settings WHERE {_under('workspace_key')}", under)
                conn.execute(f"DELETE FROM records WHERE {_under('key')}", under)
                for table in _ATTRIBUTED_TABLES:
                    conn.execute(f"UPDATE {table} SET user_key = NULL WHERE {_under('user_key')}", under)

        await self._run(work)
        await self._empty_wal()

    async def adopt_untenanted_users(self, platform: str, tenant: str) -> int:
        # A key without a tenant has nothing after "<platform>:" but the user id (no further ':').
        old = "substr(user_key, 1, :n) = :platform AND instr(substr(user_key, :n + 1), ':') = 0"
        moved = ":platform || :tenant || ':' || substr({column}, :n + 1)"
        names = {"platform": f"{platform}:", "tenant": tenant, "n": len(platform) + 1}

        def work(conn: sqlite3.Connection) -> int:
            changed = 0
            with _transaction(conn):
                # A user who already has preferences under the new key keeps those.
                conn.execute(
                    f"INSERT OR IGNORE INTO preferences (user_key, lang)"
                    f" SELECT {moved.format(column='user_key')}, lang FROM preferences WHERE {old}",
                    names,
                )
                changed += conn.execute(f"DELETE FROM preferences WHERE {old}", names).rowcount
                changed += conn.execute(
                    f"UPDATE OR IGNORE conversations SET key = {moved.format(column='key')},"
                    f" user_key = {moved.format(column='user_key')} WHERE {old}",
                    names,
                ).rowcount
                conn.execute(f"DELETE FROM conversations WHERE {old}", names)  # a newer one held the key
                changed += conn.execute(
                    f"UPDATE checkins SET user_key = {moved.format(column='user_key')}, tenant = :tenant WHERE {old}",
                    names,
                ).rowcount
                for table in _ATTRIBUTED_TABLES:
                    changed += conn.execute(
                        f"UPDATE {table} SET user_key = {moved.format(column='user_key')} WHERE {old}", names
                    ).rowcount
            return changed

        return await self._run(work)

    # -- records --------------------------------------------------------------------------

    async def put_record(self, kind: str, key: str, data: str, ttl: float | None = None) -> None:
        expires_at = None if ttl is None else self._clock() + ttl

        def work(conn: sqlite3.Connection) -> None:
            with _transaction(conn):
                conn.execute(
                    "INSERT INTO records (kind, key, data, expires_at) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT (kind, key) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at",
                    (kind, key, data, expires_at),
                )
                conn.execute("DELETE FROM records WHERE expires_at <= ?", (self._clock(),))

        await self._run(work)

    async def get_record(self, kind: str, key: str) -> str | None:
        def work(conn: sqlite3.Connection) -> str | None:
            row = conn.execute(
                "SELECT data FROM records WHERE kind = ? AND key = ? AND (expires_at IS NULL OR expires_at > ?)",
                (kind, key, self._clock()),
            ).fetchone()
            return None if row is None else str(row[0])

        return await self._run(work)

    async def take_record(self, kind: str, key: str) -> str | None:
        def work(conn: sqlite3.Connection) -> str | None:
            with _transaction(conn):
                row = conn.execute(
                    "DELETE FROM records WHERE kind = ? AND key = ? RETURNING data, expires_at", (kind, key)
                ).fetchone()
            if row is None or (row[1] is not None and row[1] <= self._clock()):
                return None
            return str(row[0])

        return await self._run(work)

    async def delete_records(self, kind: str, key: str) -> None:
        under = {"kind": kind, "scope": key, "prefix": f"{key}:", "n": len(key) + 1}

        def work(conn: sqlite3.Connection) -> None:
            with _transaction(conn):
                conn.execute(f"DELETE FROM records WHERE kind = :kind AND {_under('key')}", under)

        await self._run(work)

    async def holds_anything_about(self, user_key: str) -> bool:
        tables = ("conversations", "preferences", "checkins", "feedback", "outcomes")
        query = " OR ".join(f"EXISTS (SELECT 1 FROM {table} WHERE user_key = :user)" for table in tables)

        def work(conn: sqlite3.Connection) -> bool:
            row = conn.execute(f"SELECT {query}", {"user": user_key}).fetchone()
            return bool(row[0])

        return await self._run(work)

    # -- events ---------------------------------------------------------------------------

    async def claim_event(self, event_id: str, ttl: float) -> bool:
        now = self._clock()
        self._event_claims += 1
        prune = self._event_claims % _EVENT_PRUNE_EVERY == 0

        def work(conn: sqlite3.Connection) -> bool:
            with _transaction(conn):
                # A new id inserts; an expired one is taken over; a live one changes nothing.
                conn.execute(
                    "INSERT INTO events (event_id, expires_at) VALUES (?, ?)"
                    " ON CONFLICT (event_id) DO UPDATE SET expires_at = excluded.expires_at"
                    " WHERE events.expires_at <= ?",
                    (event_id, now + ttl, now),
                )
                claimed = int(conn.execute("SELECT changes()").fetchone()[0]) == 1
                if prune:
                    conn.execute("DELETE FROM events WHERE expires_at <= ?", (now,))
            return claimed

        return await self._run(work)

    async def finish_event(self, event_id: str, ttl: float) -> None:
        expires = self._clock() + ttl

        def work(conn: sqlite3.Connection) -> None:
            with _transaction(conn):
                conn.execute(
                    "INSERT INTO events (event_id, expires_at) VALUES (?, ?)"
                    " ON CONFLICT (event_id) DO UPDATE SET expires_at = excluded.expires_at",
                    (event_id, expires),
                )

        await self._run(work)

    async def release_event(self, event_id: str) -> None:
        def work(conn: sqlite3.Connection) -> None:
            with _transaction(conn):
                conn.execute("DELETE FROM events WHERE event_id = ?", (event_id,))

        await self._run(work)

    async def spend_token(self, user_key: str, burst: float, per_second: float, now: float) -> float | None:
        return None  # one process per database in practice: the engine's own bucket is the limit

    # -- lifecycle ------------------------------------------------------------------------

    async def ping(self) -> bool:
        def work(conn: sqlite3.Connection) -> bool:
            return bool(conn.execute("SELECT 1").fetchone() == (1,))

        try:
            return await self._run(work)
        except Exception:
            return False

    async def close(self) -> None:
        def work() -> None:
            with self._lock:
                conn, self._conn = self._conn, None
                if conn is not None:
                    conn.close()

        await asyncio.to_thread(work)


def _make_private(path: Path) -> None:
    """The data directory 0700 (when this creates it) and the database with its -wal/-shm 0600.

    The database file is created here, before SQLite opens it, so it is never readable by others even
    for a moment; SQLite gives the -wal and -shm files the database's permissions. Files an older version
    left group- or world-readable lose those bits (the owner's bits stay as they are).
    """
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        with suppress(FileNotFoundError, PermissionError):
            mode = file.stat().st_mode
            if mode & 0o077 and file.is_file():
                file.chmod(mode & 0o700)


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            # The original error is the one worth reporting.
            with suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
        raise


class _Busy(Exception):
    """Another connection holds the lock: retry with the full busy timeout, off the event loop."""


def _is_busy(exc: sqlite3.Error) -> bool:
    name = getattr(exc, "sqlite_errorname", "") or ""
    return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in str(exc)


def _under(column: str) -> str:
    """SQL true when ``column`` is ``:scope`` or starts with ``:prefix`` (``:scope`` and ':', ``:n`` long).

    Not LIKE: ids may hold '_' or '%'.
    """
    return f"({column} = :scope OR substr({column}, 1, :n) = :prefix)"


def _user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])
