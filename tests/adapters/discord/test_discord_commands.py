"""/coach slash commands through real discord.py, against the fake REST API."""

from __future__ import annotations

from typing import Any

import discord
import pytest

from adapters.discord import create_client
from adapters.discord.client import CoachClient
from bot.engine.coach import Coach
from bot.engine.i18n import t
from bot.engine.messages import Choice, Reply, Request
from bot.errors import ConfigError
from bot.settings import Settings
from tests.adapters.discord.discord_fake_api import (
    APP_ID,
    GUILD_ID,
    TOKEN,
    USER_ID,
    FakeDiscord,
    Recorded,
    autocomplete,
    custom_ids,
    deliver_interaction,
    settle,
    slash,
    user,
)

EPHEMERAL = 64


def pings_nobody(body: dict[str, Any]) -> bool:
    allowed = body["allowed_mentions"]
    return allowed["parse"] == [] and not allowed.get("users") and not allowed.get("roles")


async def run(bot: CoachClient, payload: dict[str, Any]) -> None:
    deliver_interaction(bot, payload)
    await settle()


def all_text(recorded: Recorded) -> str:
    body = recorded.body
    parts = [body.get("content") or ""]
    for embed in body.get("embeds") or []:
        parts += [embed.get("title", ""), embed.get("description", ""), embed.get("footer", {}).get("text", "")]
        parts += [embed.get("author", {}).get("name", "")]
        parts += [f"{f['name']}\n{f['value']}" for f in embed.get("fields", [])]
    return "\n".join(parts)


def assert_deferred_then_followed_up(api: FakeDiscord, *, flags: int = EPHEMERAL) -> Recorded:
    """One thinking defer (type 5) with the flags, then follow-ups with the same flags and no pings."""
    (callback,) = api.callbacks()
    assert callback.body["type"] == 5
    assert int((callback.body.get("data") or {}).get("flags") or 0) == flags
    followups = api.followups()
    assert followups, "no follow-up after the defer"
    assert api.requests.index(callback) < api.requests.index(followups[0])
    for followup in followups:
        assert followup.flags == flags
        assert pings_nobody(followup.body)
    return followups[-1]


async def test_ask_defers_ephemerally_then_follows_up_with_the_advice(bot: CoachClient, api: FakeDiscord) -> None:
    await run(bot, slash("ask", {"situation": "my client won't pay my invoice"}))

    reply = assert_deferred_then_followed_up(api)
    (embed,) = reply.body["embeds"]
    assert embed["title"] == "Late payment"
    assert [f["name"] for f in embed["fields"]][:3] == ["What to do", "What to say", "Avoid"]
    assert "share:late-payment" in custom_ids(reply)  # ephemeral advice can be shared in the channel


async def test_topic_sends_the_chosen_topic_id_as_an_action(bot: CoachClient, api: FakeDiscord) -> None:
    await run(bot, slash("topic", {"name": "scope-creep"}))

    reply = assert_deferred_then_followed_up(api)
    assert reply.body["embeds"][0]["title"] == "Scope creep"


@pytest.mark.parametrize(
    ("typed", "title"),
    [
        ("Late payment", "Late payment"),  # the English title, typed without picking from the list
        ("late payment", "Late payment"),
        ("Pago atrasado", "Late payment"),  # a title in another language
        ("Myöhässä oleva maksu", "Late payment"),
        ("Canvis sense fi", "Scope creep"),
        ("yelling-client", "A client who yells"),  # the id autocomplete sends
        ("  scope-creep ", "Scope creep"),
    ],
)
async def test_topic_accepts_a_title_in_any_language_or_an_id(
    bot: CoachClient, api: FakeDiscord, typed: str, title: str
) -> None:
    await run(bot, slash("topic", {"name": typed}))

    reply = assert_deferred_then_followed_up(api)
    assert reply.body["embeds"][0]["title"] == title


async def test_topic_that_matches_nothing_says_so_and_lists_the_topics(bot: CoachClient, api: FakeDiscord) -> None:
    await run(bot, slash("topic", {"name": "quantum gardening"}))

    reply = assert_deferred_then_followed_up(api)
    text = all_text(reply)
    assert "quantum gardening" in text
    assert custom_ids(reply) == ["topic:late-payment", "topic:scope-creep", "topic:yelling-client"]


async def test_topic_autocomplete_value_resolves(bot: CoachClient, api: FakeDiscord) -> None:
    await run(bot, autocomplete("topic", "name", "pago", locale="es-ES"))
    (callback,) = api.callbacks()
    assert callback.body["type"] == 8
    choices = callback.body["data"]["choices"]
    assert choices[0] == {"name": "Pago atrasado", "value": "late-payment"}

    await run(bot, slash("topic", {"name": choices[0]["value"]}, locale="es-ES"))
    assert api.followups()[-1].body["embeds"][0]["title"] == "Pago atrasado"


async def test_tip_with_and_without_a_topic(bot: CoachClient, api: FakeDiscord) -> None:
    await run(bot, slash("tip", {"name": "yelling-client"}))
    reply = assert_deferred_then_followed_up(api)
    (embed,) = reply.body["embeds"]
    assert embed["author"]["name"] == t("tip", "en")
    assert embed["title"] == "A client who yells"

    await run(bot, slash("tip"))
    assert api.followups()[-1].body["embeds"][0]["author"]["name"] == t("tip", "en")


async def test_topics_lists_every_topic_with_a_button_each(bot: CoachClient, api: FakeDiscord) -> None:
    await run(bot, slash("topics"))

    reply = assert_deferred_then_followed_up(api)
    assert custom_ids(reply) == ["topic:late-payment", "topic:scope-creep", "topic:yelling-client"]
    assert "Scope creep (scope-creep)" in reply.body["embeds"][0]["description"]


async def test_lang_sets_the_language_and_later_answers_follow_it(bot: CoachClient, api: FakeDiscord) -> None:
    await run(bot, slash("lang", {"language": "es"}))
    reply = assert_deferred_then_followed_up(api)
    assert reply.body["content"] == t("lang_set", "es")

    await run(bot, slash("topics"))
    assert api.followups()[-1].body["embeds"][0]["description"].startswith(t("topics", "es"))


async def test_forget_deletes_what_the_bot_holds(bot: CoachClient, api: FakeDiscord, coach: Coach) -> None:
    await run(bot, slash("lang", {"language": "fi"}))
    assert await coach.store.holds_anything_about("discord:444444444444444444")

    await run(bot, slash("forget"))
    assert api.followups()[-1].body["content"] == t("forgotten", "fi")
    assert not await coach.store.holds_anything_about("discord:444444444444444444")


async def test_help_answers_in_the_users_discord_locale(bot: CoachClient, api: FakeDiscord) -> None:
    await run(bot, slash("help", locale="es-ES"))

    reply = assert_deferred_then_followed_up(api)
    assert reply.body["embeds"][0]["description"].startswith(t("help", "es"))


async def test_locale_reaches_the_engine(bot: CoachClient, api: FakeDiscord, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Request] = []
    original = bot.coach.handle

    async def spy(request: Request) -> Reply:
        seen.append(request)
        return await original(request)

    monkeypatch.setattr(bot.coach, "handle", spy)
    await run(bot, slash("ask", {"situation": "hola"}, locale="fi"))

    (request,) = seen
    assert (request.platform, request.locale, request.command) == ("discord", "fi", "coach")
    assert (request.user_id, request.conversation_id, request.is_private) == (
        "444444444444444444",
        str(333333333333333333),
        True,
    )


async def test_autocomplete_offers_topic_titles_in_the_users_language(bot: CoachClient, api: FakeDiscord) -> None:
    await run(bot, autocomplete("topic", "name", "pago", locale="es-ES"))

    (callback,) = api.callbacks()
    assert callback.body["type"] == 8
    choices = callback.body["data"]["choices"]
    assert choices[0] == {"name": "Pago atrasado", "value": "late-payment"}
    assert not api.followups()


async def test_autocomplete_never_offers_more_than_25(
    bot: CoachClient, api: FakeDiscord, monkeypatch: pytest.MonkeyPatch
) -> None:
    many = [Choice(f"topic:topic-{n}", f"Topic number {n} " + "x" * 120) for n in range(40)]
    monkeypatch.setattr(bot.coach, "topic_choices", lambda typed, lang, limit=25: many)

    await run(bot, autocomplete("tip", "name", ""))

    choices = api.callbacks()[0].body["data"]["choices"]
    assert len(choices) == 25
    assert all(len(c["name"]) <= 100 and len(c["value"]) <= 100 for c in choices)


async def test_a_failing_command_gets_a_short_apology_without_the_error(
    bot: CoachClient, api: FakeDiscord, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(request: Request) -> Reply:
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr(bot.coach, "handle", broken)
    await run(bot, slash("ask", {"situation": "my client won't pay"}, locale="es-ES"))

    apology = api.followups()[-1]
    assert apology.body["content"] == t("error", "es")
    assert apology.flags == EPHEMERAL
    assert "hunter2" not in str(api.requests)
    assert "/coach ask failed" in caplog.text


async def test_commands_are_not_synced_unless_asked(bot: CoachClient, api: FakeDiscord) -> None:
    await bot.on_ready()
    assert not api.calls("PUT", r"/commands$")
    assert bot.intents.value == discord.Intents.default().value
    assert not (bot.intents.message_content or bot.intents.members or bot.intents.presences)


async def test_sync_guild_syncs_localised_commands_to_that_guild_at_setup(
    api: FakeDiscord, coach: Coach, settings: Settings
) -> None:
    client = create_client(coach, settings, sync_guild=GUILD_ID)
    try:
        await client.login(TOKEN)
    finally:
        await client.close()

    (put,) = api.calls("PUT", r"/commands$")
    assert put.path == f"/applications/{APP_ID}/guilds/{GUILD_ID}/commands"
    by_name = {command["name"]: command for command in put.body}
    assert set(by_name) == {"coach", "coach-settings", "Coach me on this"}
    group, menu = by_name["coach"], by_name["Coach me on this"]
    assert group["name"] == "coach"
    assert (menu["name"], menu["type"]) == ("Coach me on this", 3)  # a message context menu
    assert menu["name_localizations"] == {
        "es-ES": "Asesórame sobre esto",
        "es-419": "Asesórame sobre esto",
        "fi": "Neuvo minua tästä",
    }
    subcommands = {option["name"]: option for option in group["options"]}
    assert set(subcommands) == {"ask", "topic", "tip", "topics", "lang", "forget", "help"}
    ask = subcommands["ask"]
    assert ask["name_localizations"] == {"es-ES": "preguntar", "es-419": "preguntar", "fi": "kysy"}
    assert ask["description_localizations"]["fi"].startswith("Kerro")
    assert ask["options"][0]["name_localizations"]["es-ES"] == "situación"
    assert subcommands["topic"]["options"][0]["autocomplete"] is True
    assert [c["value"] for c in subcommands["lang"]["options"][0]["choices"]] == ["en", "es", "ca", "fi"]


async def test_a_guild_that_refuses_the_commands_is_a_config_error(
    api: FakeDiscord, coach: Coach, settings: Settings
) -> None:
    api.guilds_refusing_commands.add(GUILD_ID)
    client = create_client(coach, settings, sync_guild=GUILD_ID)
    try:
        with pytest.raises(ConfigError, match=f"guild {GUILD_ID}.*applications.commands"):
            await client.login(TOKEN)
    finally:
        await client.close()


async def test_in_the_bots_dm_command_answers_stay_in_the_history(bot: CoachClient, api: FakeDiscord) -> None:
    await run(bot, slash("ask", {"situation": "my client won't pay my invoice"}, in_dm=True))

    reply = assert_deferred_then_followed_up(api, flags=0)
    assert reply.body["embeds"][0]["title"] == "Late payment"
    assert not any(button.startswith("share:") for button in custom_ids(reply))


def user_installed(payload: dict[str, Any], *, context: int) -> dict[str, Any]:
    """The same interaction from the app installed to the user's account (integration type 1)."""
    return {**payload, "context": context, "authorizing_integration_owners": {"1": str(USER_ID)}}


async def test_installed_to_an_account_in_a_dm_with_someone_else_answers_only_the_user(
    bot: CoachClient, api: FakeDiscord
) -> None:
    payload = slash("ask", {"situation": "my client won't pay my invoice"}, in_dm=True)
    friend = user(888888888888888888, "friend")
    payload["channel"] = {**payload["channel"], "id": "999999999999999999", "recipients": [friend]}
    payload["channel_id"] = "999999999999999999"
    await run(bot, user_installed(payload, context=2))  # 2: a private channel, not the bot's DM

    reply = assert_deferred_then_followed_up(api, flags=EPHEMERAL)
    assert reply.body["embeds"][0]["title"] == "Late payment"


async def test_installed_to_an_account_in_a_server_without_the_bot(bot: CoachClient, api: FakeDiscord) -> None:
    payload = user_installed(slash("topic", {"name": "Pago atrasado"}), context=0)
    payload["app_permissions"] = "0"  # the bot is not a member: only the interaction itself can answer
    await run(bot, payload)

    reply = assert_deferred_then_followed_up(api)
    assert reply.body["embeds"][0]["title"] == "Late payment"
    assert api.channel_messages() == []


async def test_a_failing_autocomplete_is_logged_and_offers_nothing(
    bot: CoachClient, api: FakeDiscord, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(typed: str, lang: str, limit: int = 25) -> list[Choice]:
        raise RuntimeError("index corrupted")

    monkeypatch.setattr(bot.coach, "topic_choices", broken)
    await run(bot, autocomplete("topic", "name", "pay"))

    (callback,) = api.callbacks()
    assert callback.body == {"type": 8, "data": {"choices": []}}  # an empty list, not "loading options failed"
    assert "autocomplete failed" in caplog.text
    assert "index corrupted" not in str(api.requests)
