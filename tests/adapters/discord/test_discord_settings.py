"""/coach-settings through real discord.py against the fake REST API: the server's language and stats admins.

Discord shows the command to members with Manage Server only (default_member_permissions); the handler checks the
permission again on every interaction, since a server can grant the command to anyone.
"""

from __future__ import annotations

from typing import Any

import discord

from adapters.discord import create_client
from adapters.discord.client import CoachClient
from bot.engine.coach import Coach
from bot.engine.i18n import t
from bot.settings import Settings
from bot.store.base import WorkspaceSettings
from tests.adapters.discord.discord_fake_api import (
    APP_ID,
    CHANNEL_ID,
    COMMAND_ID,
    GUILD_ID,
    TOKEN,
    USER_ID,
    FakeDiscord,
    Recorded,
    bot_user,
    deliver_interaction,
    deliver_message,
    interaction,
    message_create,
    settle,
    slash,
    user,
)

EPHEMERAL = 64
MANAGE_GUILD = 1 << 5
MEMBER = 1071698660929  # the fake's member permissions: no Manage Server
OTHER = 888888888888888888
KEY = f"discord:{GUILD_ID}"


def coach_settings(options: dict[str, Any] | None = None, *, manager: bool = True, **kwargs: Any) -> dict[str, Any]:
    """``/coach-settings`` as Discord sends it: a top-level command, user options resolved alongside."""
    inner: list[dict[str, Any]] = []
    resolved: dict[str, Any] = {"users": {}, "members": {}}
    for name, value in (options or {}).items():
        if name in ("add-admin", "remove-admin"):
            inner.append({"name": name, "type": 6, "value": str(value)})
            resolved["users"][str(value)] = user(int(value), "someone")
        else:
            inner.append({"name": name, "type": 3, "value": value})
    data: dict[str, Any] = {"id": str(COMMAND_ID + 5), "name": "coach-settings", "type": 1, "options": inner}
    if resolved["users"]:
        data["resolved"] = {"users": resolved["users"]}
    if not kwargs.get("in_dm"):
        data["guild_id"] = str(GUILD_ID)
    payload = interaction(2, data, **kwargs)
    if "member" in payload:
        payload["member"]["permissions"] = str(MEMBER | MANAGE_GUILD if manager else MEMBER)
    return payload


async def run(bot: CoachClient, api: FakeDiscord, payload: dict[str, Any]) -> Recorded:
    """Deliver it; check it was deferred privately before anything else; return the one private follow-up."""
    before_callbacks, before_followups = len(api.callbacks()), len(api.followups())
    deliver_interaction(bot, payload)
    await settle()
    (callback,) = api.callbacks()[before_callbacks:]
    assert callback.body["type"] == 5 and int(callback.body["data"]["flags"]) == EPHEMERAL, "deferred privately"
    (followup,) = api.followups()[before_followups:]
    assert api.requests.index(callback) < api.requests.index(followup)
    assert followup.flags == EPHEMERAL
    assert followup.body["allowed_mentions"]["parse"] == [], "naming admins pings nobody"
    return followup


def text_of(recorded: Recorded) -> str:
    parts = [recorded.body.get("content") or ""]
    for embed in recorded.body.get("embeds") or []:
        parts += [embed.get("title", ""), embed.get("description") or ""]
        parts += [f"{f['name']}: {f['value']}" for f in embed.get("fields", [])]
    return "\n".join(parts)


async def test_a_manager_sees_the_server_settings(bot: CoachClient, api: FakeDiscord) -> None:
    shown = text_of(await run(bot, api, coach_settings()))
    assert t("ws_title", "en") in shown
    assert f"{t('ws_lang', 'en')}: the bot's default (en)" in shown
    assert f"{t('ws_admins', 'en')}: {t('ws_admins_none', 'en')}" in shown
    assert t("ws_saved", "en") not in shown, "nothing was changed"


async def test_a_manager_sets_the_language_and_an_admin_and_members_get_them(
    bot: CoachClient, api: FakeDiscord, coach: Coach
) -> None:
    saved = await run(bot, api, coach_settings({"language": "es", "add-admin": OTHER}))
    assert await coach.store.get_workspace_settings(KEY) == WorkspaceSettings(lang="es", admins=(str(OTHER),))
    shown = text_of(saved)
    assert t("ws_saved", "es") in shown, "the manager has no language of their own: the server's applies"
    assert "Español" in shown and f"<@{OTHER}>" in shown

    helped = await run(bot, api, slash("help", author=user(OTHER, "someone")))
    assert t("help", "es")[:20] in text_of(helped), "the server's language wins over an en-US client"
    stats = await run(bot, api, slash("ask", {"situation": "stats"}, author=user(OTHER, "someone")))
    assert t("stats_denied", "es") not in text_of(stats), "a server admin sees the statistics"
    denied = await run(bot, api, slash("ask", {"situation": "stats"}))
    assert t("stats_denied", "es") in text_of(denied), "everyone else still does not"

    await run(bot, api, coach_settings({"language": "auto", "remove-admin": OTHER}))
    assert await coach.store.get_workspace_settings(KEY) == WorkspaceSettings()


async def test_without_manage_server_the_settings_are_refused_and_unchanged(
    bot: CoachClient, api: FakeDiscord, coach: Coach
) -> None:
    """A server may grant the command to anyone under Integrations: the permission is checked again."""
    await coach.update_workspace_settings(KEY, lang="fi")
    refused = await run(bot, api, coach_settings({"language": "es", "add-admin": USER_ID}, manager=False))
    assert t("ws_denied_discord", "fi") in text_of(refused)
    assert await coach.store.get_workspace_settings(KEY) == WorkspaceSettings(lang="fi")


async def test_from_a_user_install_in_a_server_without_the_bot_nothing_is_changed(
    bot: CoachClient, api: FakeDiscord, coach: Coach
) -> None:
    payload = coach_settings({"language": "es"})
    payload["authorizing_integration_owners"] = {"1": str(USER_ID)}  # the app installed to the user, not the server
    refused = await run(bot, api, payload)
    assert t("ws_not_in_server", "en") in text_of(refused)
    assert await coach.store.get_workspace_settings(KEY) == WorkspaceSettings()


async def test_the_command_is_for_server_managers_in_servers_only(
    api: FakeDiscord, coach: Coach, settings: Settings
) -> None:
    client = create_client(coach, settings, sync_guild=GUILD_ID)
    try:
        await client.login(TOKEN)
    finally:
        await client.close()
    (put,) = api.calls("PUT", r"/commands$")
    [command] = [c for c in put.body if c["name"] == "coach-settings"]
    assert int(command["default_member_permissions"]) == discord.Permissions(manage_guild=True).value
    assert command["contexts"] == [0] and command["integration_types"] == [0]
    assert command["name_localizations"]["es-ES"] == "coach-ajustes"
    options = {o["name"]: o for o in command["options"]}
    assert [c["value"] for c in options["language"]["choices"]] == ["auto", "en", "es", "ca", "fi"]
    assert options["add-admin"]["type"] == options["remove-admin"]["type"] == 6  # a user
    assert not any(o.get("required") for o in command["options"])


async def test_a_mention_in_the_server_is_answered_in_the_server_language(
    bot: CoachClient, api: FakeDiscord, coach: Coach
) -> None:
    await coach.update_workspace_settings(KEY, lang="ca")
    deliver_message(bot, message_create(f"<@{APP_ID}> help", mentions=[bot_user()]))
    await settle()
    (sent,) = api.channel_messages(CHANNEL_ID)
    assert sent.body["embeds"][0]["description"].startswith(t("help", "ca"))
