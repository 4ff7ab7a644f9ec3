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
    if settings.slack_oauth:
        problems += _slack_oauth_problems(settings, http=http)
    elif not bot:
        problems.append(
            f"SLACK_BOT_TOKEN is not set. Copy the Bot User OAuth Token (xoxb-…) from {apps} → "
            "OAuth & Permissions (install the app to your workspace first)."
        )
    elif not bot.startswith("xoxb-"):
        problems.append(
            f"SLACK_BOT_TOKEN must be a bot token starting with xoxb-{_looks_like(bot)}. Copy the Bot "
            f"User OAuth Token from {apps} → OAuth & Permissions."
        )
    if http or settings.slack_oauth:  # OAuth runs over HTTP only, and says so above when asked for Socket Mode
        if http and not settings.slack_signing_secret:
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


def _slack_oauth_problems(settings: Settings, *, http: bool) -> list[str]:
    """OAuth mode (installing into many workspaces): a client id and secret, HTTP mode and no bot token."""
    credentials = f"{SLACK_APPS} → your app → Basic Information → App Credentials"
    problems = []
    required = {"SLACK_CLIENT_ID": settings.slack_client_id, "SLACK_CLIENT_SECRET": settings.slack_client_secret}
    for name, value in required.items():
        if not value:
            problems.append(
                f"{name} is not set (installing into many workspaces needs both the Client ID and the Client "
                f"Secret). Copy it from {credentials}, or unset both for a single workspace with SLACK_BOT_TOKEN."
            )
    if not http:
        problems.append(
            "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET install the app through Slack's OAuth flow, which needs a "
            "public URL: run `coach serve slack --http`, or unset both for one workspace in Socket Mode."
        )
    if settings.slack_bot_token:
        problems.append(
            "SLACK_BOT_TOKEN is set together with SLACK_CLIENT_ID/SLACK_CLIENT_SECRET: with OAuth each workspace's "
            "token comes from its installation. Unset SLACK_BOT_TOKEN, or unset the client id and secret."
        )
    redirect = settings.slack_redirect_uri
    if redirect and not redirect.startswith("https://"):
        problems.append(
            f"SLACK_REDIRECT_URI must be the https:// URL of /slack/oauth_redirect listed under {SLACK_APPS} → your "
            f"app → OAuth & Permissions → Redirect URLs, got {redirect[:60]!r}"
        )
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
