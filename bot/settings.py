"""Settings, read from the environment once and passed around explicitly."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import ConfigError

LANG_CHOICES = ("en", "es", "ca", "fi")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
ENV_FILE = ".env"


def load_env_file(directory: Path | None = None) -> Path | None:
    """Read ``.env`` from ``directory`` (default: the working directory) into the environment.

    Variables already set in the environment win over the file. Returns the file read, or None.
    """
    from dotenv import load_dotenv

    path = (directory or Path.cwd()) / ENV_FILE
    if not path.is_file():
        return None
    load_dotenv(path, override=False, encoding="utf-8")
    return path


def _default_db_path(env: Mapping[str, str]) -> Path:
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "client-coach" / "coach.db"


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 0) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}")
    return value


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None
    if value <= 0:
        raise ConfigError(f"{name} must be positive, got {raw!r}")
    return value


@dataclass(frozen=True)
class Settings:
    knowledge_dirs: tuple[Path, ...] = ()
    db_path: Path = field(default_factory=lambda: _default_db_path(os.environ))
    store_url: str = ""
    default_lang: str = "en"
    admins: frozenset[str] = frozenset()
    conversation_ttl: int = 7200
    max_message_chars: int = 4000
    rate_limit_burst: int = 10
    rate_limit_per_minute: float = 20.0
    store_timeout: float = 5.0
    log_level: str = "INFO"
    log_format: str = "text"
    slack_bot_token: str = ""
    slack_app_token: str = ""
    slack_signing_secret: str = ""
    slack_api_url: str = ""
    slack_client_id: str = ""
    slack_client_secret: str = ""
    slack_redirect_uri: str = ""
    discord_token: str = ""
    discord_shard_count: int = 0
    health_file: Path | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        dirs = tuple(Path(p).expanduser() for p in env.get("COACH_KNOWLEDGE_DIRS", "").split(os.pathsep) if p.strip())
        lang = env.get("COACH_DEFAULT_LANG", "en").strip() or "en"
        if lang not in LANG_CHOICES:
            raise ConfigError(f"COACH_DEFAULT_LANG must be one of {', '.join(LANG_CHOICES)}, got {lang!r}")
        log_format = env.get("COACH_LOG_FORMAT", "text").strip() or "text"
        if log_format not in ("text", "json"):
            raise ConfigError(f"COACH_LOG_FORMAT must be 'text' or 'json', got {log_format!r}")
        raw_level = env.get("COACH_LOG_LEVEL", "").strip()
        log_level = raw_level.upper() or "INFO"
        if log_level not in LOG_LEVELS:
            raise ConfigError(f"COACH_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got {raw_level!r}")
        admins = frozenset(a.strip() for a in env.get("COACH_ADMINS", "").split(",") if a.strip())
        db = env.get("COACH_DB_PATH", "").strip()
        health = env.get("COACH_HEALTH_FILE", "").strip()
        return cls(
            knowledge_dirs=dirs,
            db_path=Path(db).expanduser() if db else _default_db_path(env),
            store_url=env.get("COACH_STORE_URL", "").strip(),
            default_lang=lang,
            admins=admins,
            conversation_ttl=_int(env, "COACH_CONVERSATION_TTL", 7200, minimum=60),
            max_message_chars=_int(env, "COACH_MAX_MESSAGE_CHARS", 4000, minimum=100),
            rate_limit_burst=_int(env, "COACH_RATE_LIMIT_BURST", 10, minimum=1),
            rate_limit_per_minute=_float(env, "COACH_RATE_LIMIT_PER_MINUTE", 20.0),
            store_timeout=_float(env, "COACH_STORE_TIMEOUT", 5.0),
            log_level=log_level,
            log_format=log_format,
            slack_bot_token=env.get("SLACK_BOT_TOKEN", "").strip(),
            slack_app_token=env.get("SLACK_APP_TOKEN", "").strip(),
            slack_signing_secret=env.get("SLACK_SIGNING_SECRET", "").strip(),
            slack_api_url=env.get("SLACK_API_URL", "").strip(),
            slack_client_id=env.get("SLACK_CLIENT_ID", "").strip(),
            slack_client_secret=env.get("SLACK_CLIENT_SECRET", "").strip(),
            slack_redirect_uri=env.get("SLACK_REDIRECT_URI", "").strip(),
            discord_token=env.get("DISCORD_TOKEN", "").strip(),
            discord_shard_count=_int(env, "DISCORD_SHARD_COUNT", 0),
            health_file=Path(health).expanduser() if health else None,
        )

    @property
    def slack_oauth(self) -> bool:
        """Many workspaces through Slack's OAuth install flow (a client id or secret is set), not one bot token."""
        return bool(self.slack_client_id or self.slack_client_secret)

    def is_admin(self, platform: str, user_id: str) -> bool:
        return f"{platform}:{user_id}" in self.admins or user_id in self.admins
