"""When a workspace uninstalls the app or revokes its tokens.

``app_uninstalled``: its installation goes, and so does everything stored for its users (conversations,
preferences, check-ins, workspace settings; feedback and outcomes lose who gave them). ``tokens_revoked``:
the revoked bot token's installation goes (the bot asks for no user tokens). Slack sends both without a
usable token, and bolt skips its token check for them.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore

from adapters.slack.inflight import InFlight
from adapters.slack.tenant import installation_tenant, scope
from bot.store.base import Store

log = logging.getLogger("coach.slack")


class UninstallHandlers:
    """``installations`` is None in single-workspace mode: then only the stored records go."""

    def __init__(self, store: Store, installations: AsyncInstallationStore | None, inflight: InFlight) -> None:
        self.store = store
        self.installations = installations
        self.inflight = inflight

    async def on_app_uninstalled(self, context: AsyncBoltContext) -> None:
        enterprise_id, team_id = _installation_ids(context)
        tenant = installation_tenant(enterprise_id, team_id, False)
        if tenant is None:
            return
        async with self.inflight.track():  # a shutdown lets it finish
            if self.installations is not None:
                await self.installations.async_delete_all(enterprise_id=enterprise_id, team_id=team_id)
            await self.store.forget_tenant(scope(tenant))
        log.info("uninstalled from Slack workspace %s: its installation and its users' records deleted", tenant)

    async def on_tokens_revoked(self, event: dict[str, Any], context: AsyncBoltContext) -> None:
        tokens = event.get("tokens") or {}
        enterprise_id, team_id = _installation_ids(context)
        if self.installations is None:
            log.warning("Slack revoked this app's tokens: SLACK_BOT_TOKEN no longer works; install the app again")
            return
        async with self.inflight.track():
            for user in tokens.get("oauth") or []:
                await self.installations.async_delete_installation(
                    enterprise_id=enterprise_id, team_id=team_id, user_id=str(user)
                )
            if tokens.get("bot"):
                await self.installations.async_delete_bot(enterprise_id=enterprise_id, team_id=team_id)
        if tokens.get("bot"):
            log.info("Slack revoked the bot token of workspace %s: its installation was deleted", team_id)


def _installation_ids(context: AsyncBoltContext) -> tuple[str | None, str | None]:
    """(enterprise_id, team_id) of the installation an event is about: the org alone for an org-wide one."""
    org_wide = bool(context.get("is_enterprise_install"))
    return context.enterprise_id, None if org_wide else context.team_id
