"""Installing into many workspaces: bolt's OAuth flow on /slack/install and /slack/oauth_redirect.

Switched on by SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (HTTP mode only). Installations and one-time
states live in the bot's store (see installations.py), so any replica can finish an install and serve
the workspace. ``/slack/install`` redirects straight to Slack's consent page, with the state in a cookie.
"""

from __future__ import annotations

import html
import logging

from slack_bolt.oauth.async_callback_options import AsyncCallbackOptions, AsyncFailureArgs, AsyncSuccessArgs
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.response import BoltResponse

from adapters.slack.installations import STATE_TTL, StoreInstallationStore, StoreOAuthStateStore
from bot.settings import Settings
from bot.store.base import Store

log = logging.getLogger("coach.slack.oauth")

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
# Exactly the manifest's bot scopes (a test holds them equal); what each is for is in the README.
BOT_SCOPES = (
    "app_mentions:read",
    "assistant:write",
    "channels:history",
    "groups:history",
    "chat:write",
    "commands",
    "im:history",
    "im:write",
    "users:read",
)

_FAILURES = {
    "invalid_state": "This install link has expired or was already used.",
    "invalid_browser": "This install was started in another browser (or its cookie was blocked).",
    "access_denied": "The installation was cancelled in Slack.",
}


def oauth_settings(settings: Settings, store: Store) -> AsyncOAuthSettings:
    return AsyncOAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=list(BOT_SCOPES),
        user_scopes=[],  # not read from SLACK_USER_SCOPES: the bot asks for no user token
        redirect_uri=settings.slack_redirect_uri or None,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        install_page_rendering_enabled=False,  # straight to Slack's consent page
        installation_store=StoreInstallationStore(store),
        installation_store_bot_only=True,
        state_store=StoreOAuthStateStore(store),
        state_expiration_seconds=STATE_TTL,
        callback_options=AsyncCallbackOptions(success=_installed, failure=_refused),
        logger=log,
    )


async def _installed(args: AsyncSuccessArgs) -> BoltResponse:
    return await args.default.success(args)  # bolt's page: "Thank you!" and a link that opens the app in Slack


async def _refused(args: AsyncFailureArgs) -> BoltResponse:
    """A short page saying what happened and how to start again; the log says why, never a code or token."""
    log.warning("a Slack installation was refused (%s)", args.reason)
    what = _FAILURES.get(args.reason, "The installation could not be completed.")
    body = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Client Coach</title></head><body>"
        f"<h1>Client Coach was not installed</h1><p>{html.escape(what)}</p>"
        f"<p><a href='{INSTALL_PATH}'>Start the installation again</a>.</p></body></html>"
    )
    return BoltResponse(
        status=args.suggested_status_code, body=body, headers={"Content-Type": "text/html; charset=utf-8"}
    )
