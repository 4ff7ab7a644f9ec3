"""Per-workspace (Slack) / per-server (Discord) settings: default language and who may see the statistics."""

from __future__ import annotations

import pytest

from bot.engine.coach import Coach
from bot.engine.messages import Platform, Request
from bot.store.base import WorkspaceSettings


def ask(
    text: str, *, user: str = "U1", workspace: str | None = "T1", platform: Platform = "slack"
) -> Request:
    return Request(platform, user, "D1", text, is_private=True, workspace_id=workspace)


async def test_members_without_a_preference_get_the_workspace_language(coach: Coach) -> None:
    assert (await coach.handle(ask("help"))).lang == "en", "nothing set: COACH_DEFAULT_LANG"
    await coach.update_workspace_settings("slack:T1", lang="ca")

    assert (await coach.handle(ask("help"))).lang == "ca"
    assert (await coach.handle(ask("help", workspace="T2"))).lang == "en", "another workspace keeps the default"
    assert (await coach.handle(ask("help", workspace=None))).lang == "en", "outside any workspace"
    assert await coach.default_lang("slack:T1") == "ca"


async def test_a_members_own_language_and_their_writing_win_over_the_workspace_language(coach: Coach) -> None:
    await coach.update_workspace_settings("slack:T1", lang="ca")
    assert (await coach.handle(ask("lang fi", user="U2"))).lang == "fi"
    assert (await coach.handle(ask("help", user="U2"))).lang == "fi", "their own choice"
    reply = await coach.handle(ask("my client hasn't paid my invoice in 45 days", user="U3"))
    assert reply.lang == "en", "a message that says its language is answered in it"


async def test_the_workspace_language_back_to_auto_restores_the_environment_default(coach: Coach) -> None:
    await coach.update_workspace_settings("slack:T1", lang="es", add_admins=("U5",))
    updated = await coach.update_workspace_settings("slack:T1", lang="auto")
    assert updated == WorkspaceSettings(lang=None, admins=("U5",)), "only the language changed"
    assert (await coach.handle(ask("help"))).lang == "en"
    with pytest.raises(ValueError):
        await coach.update_workspace_settings("slack:T1", lang="klingon")


async def test_workspace_admins_see_stats_only_in_their_workspace(coach: Coach) -> None:
    assert (await coach.handle(ask("stats", user="U7"))).kind == "error"
    await coach.update_workspace_settings("slack:T1", add_admins=("U7",))

    assert (await coach.handle(ask("stats", user="U7"))).kind == "confirmation"
    assert (await coach.handle(ask("stats", user="U7", workspace="T2"))).kind == "error", "not in another workspace"
    assert (await coach.handle(ask("stats", user="U7", platform="discord", workspace="T1"))).kind == "error"
    assert (await coach.handle(ask("stats", user="admin", platform="cli", workspace=None))).kind == "confirmation", (
        "COACH_ADMINS still count everywhere"
    )

    await coach.update_workspace_settings("slack:T1", remove_admins=("U7",))
    assert (await coach.handle(ask("stats", user="U7"))).kind == "error"


async def test_replacing_the_admin_list_keeps_its_order_without_duplicates(coach: Coach) -> None:
    await coach.update_workspace_settings("discord:42", add_admins=("1", "2"))
    updated = await coach.update_workspace_settings("discord:42", admins=("3", "1", "3"))
    assert updated.admins == ("3", "1")
    assert await coach.workspace_settings("discord:42") == WorkspaceSettings(admins=("3", "1"))
    assert await coach.workspace_settings(None) == WorkspaceSettings()


async def test_the_server_language_wins_over_a_client_locale_but_not_over_a_choice(coach: Coach) -> None:
    """Discord sends every user's client locale (en-US by default): the server's explicit choice comes first."""
    on_discord = Request("discord", "7", "C1", "help", is_private=True, locale="en-US", workspace_id="42")
    assert (await coach.handle(on_discord)).lang == "en"
    await coach.update_workspace_settings("discord:42", lang="es")
    assert (await coach.handle(on_discord)).lang == "es"
    await coach.handle(Request("discord", "7", "C1", "lang fi", is_private=True, locale="en-US", workspace_id="42"))
    assert (await coach.handle(on_discord)).lang == "fi"
