"""slack_sdk's installation and OAuth state stores, kept in the bot's own store (SQLite or Redis).

Records (``bot.store`` keeps them as opaque JSON), keyed by the installation's tenant:
``slack-installation`` under ``slack:<tenant>`` (the latest) and ``slack:<tenant>:<installer>``;
``slack-bot`` under ``slack:<tenant>``; ``slack-oauth-state`` under the state, for 10 minutes, taken once.
The tokens are stored as slack_sdk's own stores keep them: protect the database (0600) or Redis (a password).
"""

from __future__ import annotations

import json
import logging
import secrets
from datetime import datetime
from typing import Any

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore

from adapters.slack.tenant import installation_tenant, scope
from bot.store.base import Store

log = logging.getLogger("coach.slack.oauth")

INSTALLATION = "slack-installation"
BOT = "slack-bot"
STATE = "slack-oauth-state"
STATE_TTL = 600  # seconds: what bolt's default state store allows too


def _to_json(values: dict[str, Any]) -> str:
    def plain(value: object) -> object:
        if isinstance(value, datetime):
            return value.timestamp()
        raise TypeError(f"cannot store a {type(value).__name__}")

    return json.dumps(values, default=plain, separators=(",", ":"))


class StoreInstallationStore(AsyncInstallationStore):
    """Installations and bot tokens per workspace (or org), in the shared store: every replica sees them."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_save(self, installation: Installation) -> None:
        org_wide = installation.is_enterprise_install
        tenant = installation_tenant(installation.enterprise_id, installation.team_id, org_wide)
        if tenant is None:
            raise ValueError("an installation without a team or enterprise id cannot be stored")
        data = _to_json(installation.to_dict_for_copying())
        await self.store.put_record(INSTALLATION, scope(tenant), data)
        if installation.user_id:
            await self.store.put_record(INSTALLATION, f"{scope(tenant)}:{installation.user_id}", data)
        if installation.bot_token:
            await self.async_save_bot(installation.to_bot())
        log.info("installed in Slack workspace %s", tenant)

    async def async_save_bot(self, bot: Bot) -> None:
        tenant = installation_tenant(bot.enterprise_id, bot.team_id, bot.is_enterprise_install)
        if tenant is not None:
            await self.store.put_record(BOT, scope(tenant), _to_json(bot.to_dict_for_copying()))

    async def async_find_bot(
        self, *, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None = False
    ) -> Bot | None:
        for tenant in _candidates(enterprise_id, team_id, is_enterprise_install):
            data = await self.store.get_record(BOT, scope(tenant))
            if data is not None:
                return Bot(**json.loads(data))
        return None

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        for tenant in _candidates(enterprise_id, team_id, is_enterprise_install):
            key = scope(tenant) if user_id is None else f"{scope(tenant)}:{user_id}"
            data = await self.store.get_record(INSTALLATION, key)
            if data is not None:
                return Installation(**json.loads(data))
        return None

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        tenant = installation_tenant(enterprise_id, team_id, False)
        if tenant is not None:
            await self.store.delete_records(BOT, scope(tenant))

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        tenant = installation_tenant(enterprise_id, team_id, False)
        if tenant is None:
            return
        if user_id is None:
            await self.store.delete_records(INSTALLATION, scope(tenant))  # the latest and every installer's
        else:
            await self.store.take_record(INSTALLATION, f"{scope(tenant)}:{user_id}")


def _candidates(enterprise_id: str | None, team_id: str | None, org_wide: bool | None) -> list[str]:
    """Where to look: the workspace's own installation, then its org's (an org-wide install serves every workspace)."""
    found = [installation_tenant(enterprise_id, team_id, org_wide)]
    if enterprise_id and team_id and not org_wide:
        found.append(enterprise_id)
    return [tenant for tenant in found if tenant]


class StoreOAuthStateStore(AsyncOAuthStateStore):
    """One-time OAuth states in the shared store, so the callback may reach any replica."""

    def __init__(self, store: Store, expiration_seconds: int = STATE_TTL) -> None:
        self.store = store
        self.expiration_seconds = expiration_seconds

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        state = secrets.token_urlsafe(24)
        await self.store.put_record(STATE, state, "1", ttl=self.expiration_seconds)
        return state

    async def async_consume(self, state: str) -> bool:
        return bool(state) and await self.store.take_record(STATE, state) is not None
