"""`coach doctor`: check everything a deployment needs and say what to fix."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from bot.errors import CoachError, ConfigError
from bot.kb.load import check_knowledge
from bot.settings import Settings
from bot.tokens import discord_problems, slack_problems

OK, FAIL, SKIP = "ok  ", "FAIL", "skip"


def run_doctor(settings: Settings | None, env: dict[str, str] | None = None, env_file: Path | None = None) -> int:
    """Check everything and print what to fix; ``env_file`` is the ``.env`` the command line read, if any."""
    env = dict(os.environ) if env is None else env
    failures = 0

    def report(status: str, what: str, detail: str = "") -> None:
        nonlocal failures
        failures += status == FAIL
        print(f"[{status}] {what}" + (f"\n       {detail}" if detail else ""))

    if env_file is not None:
        report(OK, f"read {env_file}", "variables set in the environment win over the file")
    else:
        report(SKIP, ".env", f"no .env in {Path.cwd()}; settings come from the environment only")

    if settings is None:
        try:
            settings = Settings.from_env(env)
        except ConfigError as exc:
            report(FAIL, "settings", f"{exc} (see .env.example)")
            print(f"\n{failures} problem(s) found.")
            return 1
    report(OK, "settings", f"default language {settings.default_lang}, log format {settings.log_format}")

    kb, problems = check_knowledge(extra_dirs=settings.knowledge_dirs)
    if kb is None:
        shown = "\n       ".join(str(p) for p in problems[:10])
        report(FAIL, f"knowledge: {len(problems)} problem(s); fix them and run `coach kb check`", shown)
    else:
        report(OK, "knowledge", f"{len(kb.topics)} topics from {', '.join(kb.origins)}")

    report(*_store_status(settings))

    if any(env.get(v) for v in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET")):
        http = bool(settings.slack_signing_secret) and not settings.slack_app_token
        mode = "HTTP mode" if http else "Socket Mode"
        found = slack_problems(settings, http=http)
        report(FAIL if found else OK, f"slack tokens ({mode})", "\n       ".join(found))
    else:
        report(SKIP, "slack", "no SLACK_* tokens set; needed only for `coach serve slack` (see README)")

    if env.get("DISCORD_TOKEN"):
        found = discord_problems(settings)
        report(FAIL if found else OK, "discord token", "\n       ".join(found))
    else:
        report(SKIP, "discord", "DISCORD_TOKEN not set; needed only for `coach serve discord` (see README)")

    print(f"\n{failures} problem(s) found." if failures else "\nAll good.")
    return 1 if failures else 0


def _store_status(settings: Settings) -> tuple[str, str, str]:
    from bot.store.factory import open_store

    where = settings.store_url or str(settings.db_path)
    try:
        store = open_store(settings)
    except CoachError as exc:
        return FAIL, f"store at {_redact(where)}", str(exc)

    async def ping() -> bool:
        try:
            return await store.ping()
        finally:
            await store.close()

    if asyncio.run(ping()):
        return OK, f"store at {_redact(where)}", ""
    return (
        FAIL,
        f"store at {_redact(where)}",
        "not reachable: check COACH_STORE_URL / COACH_DB_PATH and that the server runs",
    )


def _redact(url: str) -> str:
    """Hide a password in a store URL."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url
