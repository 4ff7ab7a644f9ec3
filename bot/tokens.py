"""Shape checks for platform credentials: what is wrong and where to get the right one.

Platform-neutral string checks, shared by `coach doctor` and the adapters' start-up.
"""

from __future__ import annotations

import base64
import binascii
import re

from bot.settings import Settings

SLACK_APPS = "https://api.slack.com/apps"
DISCORD_APPS = "https://discord.com/developers/applications"


def _looks_like(token: str) -> str:
    """The token's kind (its prefix), never the secret part."""
    prefix = token.split("-", 1)[0]
    return f" (this one starts with {prefix}-)" if "-" in token and len(prefix) <= 5 else ""


def slack_problems(settings: Settings, *, http: bool) -> list[str]:
    """What is wrong with the Slack settings for Socket Mode (or HTTP mode), each with where to fix it."""
    apps = f"{SLACK_APPS} → your app"
    problems = []
    bot = settings.slack_bot_token
    if not bot:
        problems.append(
            f"SLACK_BOT_TOKEN is not set. Copy the Bot User OAuth Token (xoxb-…) from {apps} → "
            "OAuth & Permissions (install the app to your workspace first)."
        )
    elif not bot.startswith("xoxb-"):
        problems.append(
            f"SLACK_BOT_TOKEN must be a bot token starting with xoxb-{_looks_like(bot)}. Copy the Bot "
            f"User OAuth Token from {apps} → OAuth & Permissions."
        )
    if http:
        if not settings.slack_signing_secret:
            problems.append(
                "SLACK_SIGNING_SECRET is not set (HTTP mode verifies every request with it). Copy the "
                f"Signing Secret from {apps} → Basic Information → App Credentials."
            )
    else:
        app_token = settings.slack_app_token
        where = (
            f"Create one at {apps} → Basic Information → App-Level Tokens with the connections:write scope, "
            "or run in HTTP mode with --http."
        )
        if not app_token:
            problems.append(f"SLACK_APP_TOKEN is not set (Socket Mode needs an app-level token, xapp-…). {where}")
        elif not app_token.startswith("xapp-"):
            problems.append(
                f"SLACK_APP_TOKEN must be an app-level token starting with xapp-{_looks_like(app_token)}. {where}"
            )
    url = settings.slack_api_url
    if url and not url.startswith(("https://", "http://")):
        problems.append(f"SLACK_API_URL must be an http(s) URL such as https://slack.com/api/, got {url[:40]!r}")
    return problems


def discord_application_id(token: str) -> str | None:
    """The application id a bot token encodes in its first part, if it is well formed."""
    parts = token.strip().split(".")
    if len(parts) != 3 or not all(re.fullmatch(r"[A-Za-z0-9_\-]+", p) for p in parts):
        return None
    head = parts[0] + "=" * (-len(parts[0]) % 4)
    try:
        decoded = base64.urlsafe_b64decode(head).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return decoded if decoded.isdigit() else None


def discord_token_problem(token: str) -> str | None:
    """What is wrong with DISCORD_TOKEN, or None. Never repeats the token (it may be a real secret)."""
    token = token.strip()
    if not token:
        return (
            f"DISCORD_TOKEN is not set: in the Discord Developer Portal ({DISCORD_APPS}) open your application → "
            "Bot → Reset Token, and copy it"
        )
    if token.lower().startswith("bot "):
        return "DISCORD_TOKEN must be the bare token, without the 'Bot ' prefix"
    if discord_application_id(token) is None:
        return (
            "DISCORD_TOKEN does not look like a bot token (three dot-separated base64url parts, the first "
            f"encoding the application id); copy it again from {DISCORD_APPS} → your application → Bot → Reset Token"
        )
    return None


def discord_problems(settings: Settings) -> list[str]:
    problem = discord_token_problem(settings.discord_token)
    return [problem] if problem else []
