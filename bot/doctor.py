"""`coach doctor`: check everything a deployment needs and say what to fix."""

from __future__ import annotations

import asyncio
import os
import re
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

    slack_vars = ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_CLIENT_ID")
    if any(env.get(v) for v in (*slack_vars, "SLACK_CLIENT_SECRET")):
        http = settings.slack_oauth or (bool(settings.slack_signing_secret) and not settings.slack_app_token)
        mode = "HTTP mode" if http else "Socket Mode"
        mode += ", OAuth: many workspaces" if settings.slack_oauth else ""
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

    async def check() -> str | None:
        try:
            return await store.problem()
        finally:
            await store.close()

    problem = asyncio.run(check())
    if problem is None:
        return OK, f"store at {_redact(where)}", ""
    return FAIL, f"store at {_redact(where)}", _redact(problem)


_SECRET_PARAM = re.compile(r"([?&;](?:password|passwd|pass|pwd|secret|token|auth)=)[^&;#\s]*", re.IGNORECASE)
_USERINFO = re.compile(r"(://)([^/?#\s]*)@")


def _redact(url: str) -> str:
    """Hide credentials in a store URL: ``user:password@`` and ``?password=`` (and the like)."""
    url = _USERINFO.sub(lambda m: m.group(1) + _hide_userinfo(m.group(2)) + "@", url)
    return _SECRET_PARAM.sub(r"\1***", url)


def _hide_userinfo(userinfo: str) -> str:
    user, has_password, _ = userinfo.partition(":")
    return f"{user}:***" if has_password and user else "***"
