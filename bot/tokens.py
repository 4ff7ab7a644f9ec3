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


def slack_problems(settings: Settings, *, http: bool) -> list[str]:
    problems = []
    if not settings.slack_bot_token:
        problems.append(
            f"SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-...) from {SLACK_APPS} "
            "→ your app → OAuth & Permissions"
        )
    elif not settings.slack_bot_token.startswith("xoxb-"):
        problems.append(
            "SLACK_BOT_TOKEN should start with xoxb- (the Bot User OAuth Token from OAuth & Permissions, "
            "not a user or app-level token)"
        )
    if http:
        if not settings.slack_signing_secret:
            problems.append(
                f"SLACK_SIGNING_SECRET is not set: HTTP mode needs the Signing Secret from {SLACK_APPS} "
                "→ your app → Basic Information → App Credentials"
            )
        elif not re.fullmatch(r"[0-9a-f]{32}", settings.slack_signing_secret):
            problems.append(
                "SLACK_SIGNING_SECRET should be 32 hexadecimal characters (Basic Information → "
                "App Credentials → Signing Secret)"
            )
    elif not settings.slack_app_token:
        problems.append(
            f"SLACK_APP_TOKEN is not set: Socket Mode needs an app-level token (xapp-...) with the "
            f"connections:write scope, from {SLACK_APPS} → your app → Basic Information → App-Level Tokens"
        )
    elif not settings.slack_app_token.startswith("xapp-"):
        problems.append(
            "SLACK_APP_TOKEN should start with xapp- (an app-level token from Basic Information → App-Level Tokens)"
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
