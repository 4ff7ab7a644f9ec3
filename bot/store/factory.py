"""Choose the store from settings: SQLite by default, Redis when COACH_STORE_URL says so."""

from __future__ import annotations

import importlib
from pathlib import Path

from bot.errors import ConfigError
from bot.settings import Settings
from bot.store.base import Store
from bot.store.sqlite import SqliteStore

_SQLITE_PREFIX = "sqlite:///"


def open_store(settings: Settings) -> Store:
    url = settings.store_url
    if url.startswith(("redis://", "rediss://")):
        try:
            # Imported lazily so the redis package stays an optional extra.
            module = importlib.import_module("bot.store.redis_store")
        except ImportError as exc:
            raise ConfigError(
                "COACH_STORE_URL is a Redis URL but Redis support is not installed: pip install 'client-coach[redis]'"
            ) from exc
        store: Store = module.RedisStore.from_url(url)
        return store
    if url.startswith(_SQLITE_PREFIX) and len(url) > len(_SQLITE_PREFIX):
        return SqliteStore(Path(url[len(_SQLITE_PREFIX) :]).expanduser())
    if not url:
        return SqliteStore(settings.db_path)
    # Only the scheme is echoed: the rest of a URL may carry a password.
    scheme = url.split(":", 1)[0] if ":" in url else url[:20]
    raise ConfigError(
        "COACH_STORE_URL must be empty (use COACH_DB_PATH), sqlite:///path/to/coach.db,"
        f" redis://host:port/db or rediss://host:port/db; got one starting with {scheme!r}"
    )
