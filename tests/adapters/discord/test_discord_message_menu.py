"""Apps → "Coach me on this" (a message context menu) through real discord.py, against the fake REST API."""

from __future__ import annotations

import asyncio

import discord

from adapters.discord.client import CoachClient
from bot.engine.coach import Coach
from bot.engine.i18n import t
from bot.engine.messages import Reply, Request
from tests.adapters.discord.conftest import StartClient
from tests.adapters.discord.discord_fake_api import (
    OTHER_BOT_ID,
    FakeDiscord,
    deliver_interaction,
    message_create,
    message_menu,
    settle,
    user,
)

EPHEMERAL = 64
CLIENT_SAYS = "Hi, we won't be able to pay invoice 2024-17 this month, cash flow is tight. Next month maybe."


class GatedCoach(Coach):
    gate: asyncio.Event

    async def handle(self, request: Request) -> Reply:
        await self.gate.wait()
        return await super().handle(request)


async def test_coach_me_on_this_defers_privately_then_answers_with_the_situation_and_a_draft(
    start_client: StartClient, api: FakeDiscord, coach: Coach
) -> None:
    gated = GatedCoach(coach.kb, coach.store, coach.settings)
    gated.gate = asyncio.Event()
    bot = await start_client(gated)
    target = message_create(CLIENT_SAYS, author=user(OTHER_BOT_ID + 1, "client"))
    deliver_interaction(bot, message_menu(target))

    await api.wait_for(lambda: bool(api.callbacks()))
    (callback,) = api.callbacks()
    assert callback.body["type"] == 5 and callback.body["data"]["flags"] == EPHEMERAL, "deferred, privately"
    assert api.followups() == [], "the defer came before the engine answered"

    gated.gate.set()
    await settle()
    (answer,) = api.followups()
    assert answer.flags == EPHEMERAL
    (embed,) = answer.body["embeds"]
    assert embed["title"] == "Late payment"
    names = [field["name"] for field in embed["fields"]]
    assert "What to do" in names and "What to say" in names
    assert t("client_words", "en").split(":")[0] in str(answer.body)
    assert api.channel_messages() == [], "nothing posted in the channel"


async def test_the_menu_is_registered_with_the_tree(bot: CoachClient) -> None:
    menus = bot.tree.get_commands(type=discord.AppCommandType.message)
    assert [m.name for m in menus] == ["Coach me on this"]


async def test_an_empty_message_gets_a_kind_word_not_an_error(bot: CoachClient, api: FakeDiscord) -> None:
    deliver_interaction(bot, message_menu(message_create("")))
    await settle()
    (answer,) = api.followups()
    assert answer.flags == EPHEMERAL
    assert t("error", "en") not in str(answer.body)
