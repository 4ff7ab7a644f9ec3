"""Workspace settings on the App Home tab: the default language and who may see the statistics.

Only workspace admins and owners see the section and may change it. Slack says who they are
(``users.info``: ``is_admin``, ``is_owner``, ``is_primary_owner``; the ``users:read`` scope), and it is
asked again on every change: a view, once published, can be replayed by anyone, so a change is never
trusted for having come from the admin section.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.tenant import scope
from bot.engine.i18n import LANGS

log = logging.getLogger("coach.slack")

WS_LANG_ACTION = "home_ws_lang"
WS_ADMINS_ACTION = "home_ws_admins"
MAX_ADMINS = 100


@dataclass(frozen=True)
class WorkspaceChange:
    """One change from the admin section: a language ("auto" for the default) or the whole list of admins."""

    user: str
    lang: str | None = None
    admins: tuple[str, ...] | None = None


def from_workspace_setting(body: Mapping[str, Any]) -> WorkspaceChange | None:
    """The change a Home-tab control made; None for any other action."""
    pressed = body.get("actions") or []
    user = str((body.get("user") or {}).get("id") or "")
    if not pressed or not user or (body.get("container") or {}).get("type") != "view":
        return None
    action = pressed[0]
    if action.get("action_id") == WS_LANG_ACTION:
        code = str((action.get("selected_option") or {}).get("value") or "")
        return WorkspaceChange(user, lang=code) if code in (*LANGS, "auto") else None
    if action.get("action_id") == WS_ADMINS_ACTION:
        chosen = action.get("selected_users") or []
        return WorkspaceChange(user, admins=tuple(str(u) for u in chosen if isinstance(u, str))[:MAX_ADMINS])
    return None


async def is_workspace_admin(client: AsyncWebClient, user: str) -> bool:
    """Whether Slack says ``user`` is an admin or owner of the workspace; False when it cannot say."""
    try:
        response = await client.users_info(user=user)
    except SlackApiError as exc:
        data = exc.response.data if exc.response is not None else None
        error = data.get("error") if isinstance(data, dict) else "no answer"
        hint = " (the app needs the users:read scope: reinstall it from the manifest)"
        hint = hint if error == "missing_scope" else ""
        log.warning("users.info failed (%s): workspace settings stay hidden%s", error, hint)
        return False
    found = response.get("user")
    member: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    if member.get("deleted") or member.get("is_bot"):
        return False
    return bool(member.get("is_admin") or member.get("is_owner") or member.get("is_primary_owner"))


def workspace_key(tenant: str | None) -> str | None:
    """Where a workspace's settings are kept: ``slack:T1`` (``slack:E1:T1`` in an Enterprise Grid org)."""
    return scope(tenant) if tenant else None
