"""Mentions in guild channels and DM conversations, injected as MESSAGE_CREATE payloads."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.discord.client import CoachClient
from bot.engine.i18n import t
from tests.adapters.discord.discord_fake_api import (
    APP_ID,
    CHANNEL_ID,
    DM_CHANNEL_ID,
    GUILD_ID,
    OTHER_BOT_ID,
    FakeDiscord,
    Recorded,
    bot_user,
    custom_ids,
    deliver_message,
    message_create,
    settle,
    user,
)
from tests.adapters.discord.test_discord_commands import all_text, pings_nobody


async def say(bot: CoachClient, api: FakeDiscord, payload: dict[str, Any]) -> list[Recorded]:
    before = len(api.requests)
    deliver_message(bot, payload)
    await settle()
    return api.requests[before:]


def mention(text: str, *, nick: bool = False) -> dict[str, Any]:
    tag = f"<@!{APP_ID}>" if nick else f"<@{APP_ID}>"
    return message_create(f"{tag} {text}", mentions=[bot_user()])


async def test_a_mention_is_answered_with_a_reply_that_pings_nobody(bot: CoachClient, api: FakeDiscord) -> None:
    payload = mention("my client won't pay my invoice")

    (sent,) = await say(bot, api, payload)

    assert (sent.method, sent.path) == ("POST", f"/channels/{CHANNEL_ID}/messages")
    reference = sent.body["message_reference"]
    assert (str(reference["message_id"]), str(reference["channel_id"])) == (payload["id"], str(CHANNEL_ID))
    assert (str(reference["guild_id"]), reference["fail_if_not_exists"]) == (str(GUILD_ID), False)
    assert pings_nobody(sent.body)
    assert sent.body["allowed_mentions"]["replied_user"] is False
    embed = sent.body["embeds"][0]
    assert embed["title"] == "Late payment"
    assert len(embed["fields"][0]["value"].splitlines()) == 3  # the short, public version
    assert "part:late-payment:full" in custom_ids(sent) and "share:late-payment" not in custom_ids(sent)


@pytest.mark.parametrize("nick", [False, True])
async def test_the_bot_mention_is_stripped_before_the_engine_reads_it(
    bot: CoachClient, api: FakeDiscord, nick: bool
) -> None:
    (sent,) = await say(bot, api, mention("help", nick=nick))

    # "help" alone is a command; with the mention left in, it would be read as a situation.
    assert sent.body["embeds"][0]["description"].startswith(t("help", "en"))


async def test_chatter_without_a_mention_is_ignored(bot: CoachClient, api: FakeDiscord) -> None:
    assert await say(bot, api, message_create("my client won't pay my invoice, anyone?")) == []


async def test_the_bots_own_messages_and_other_bots_are_ignored(bot: CoachClient, api: FakeDiscord) -> None:
    own = message_create(f"<@{APP_ID}> my client won't pay", author=bot_user(), mentions=[bot_user()])
    other = message_create(
        f"<@{APP_ID}> my client won't pay", author=user(OTHER_BOT_ID, "other-bot", bot=True), mentions=[bot_user()]
    )
    own_dm = message_create("my client won't pay", in_dm=True, author=bot_user())

    for payload in (own, other, own_dm):
        assert await say(bot, api, payload) == []


async def test_mass_mentions_in_the_users_text_ping_nobody(bot: CoachClient, api: FakeDiscord) -> None:
    (sent,) = await say(bot, api, mention("tip @everyone @here"))

    text = all_text(sent)
    assert "@\u200beveryone" in text and "@\u200bhere" in text  # the user's words are shown, but inert
    assert "@everyone" not in text and "@here" not in text
    assert pings_nobody(sent.body)


async def test_a_dm_conversation_over_several_messages(bot: CoachClient, api: FakeDiscord) -> None:
    def dm(text: str) -> dict[str, Any]:
        return message_create(text, in_dm=True)

    (advice,) = await say(bot, api, dm("my client won't pay my invoice"))
    assert advice.path == f"/channels/{DM_CHANNEL_ID}/messages"
    assert "message_reference" not in advice.body
    assert len(advice.body["embeds"][0]["fields"][0]["value"].splitlines()) == 4  # private: the full answer
    assert "checkin:3:late-payment" in custom_ids(advice)
    assert not any(b.startswith("share:") for b in custom_ids(advice))  # nothing to share a DM into

    (script,) = await say(bot, api, dm("what do I say?"))
    assert script.body["embeds"][0]["fields"][0]["name"] == t("script", "en")

    (filled,) = await say(bot, api, dm("the client is Acme, 1200 EUR, 45 days late"))
    assert "Acme" in all_text(filled)

    (thanks,) = await say(bot, api, dm("thanks!"))
    assert thanks.body["content"] == t("thanks", "en")


async def test_no_permission_in_a_channel_is_logged_not_raised(
    bot: CoachClient, api: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    api.forbidden_channels.add(CHANNEL_ID)

    (refused,) = await say(bot, api, mention("my client won't pay my invoice"))

    assert refused.path == f"/channels/{CHANNEL_ID}/messages"
    assert "no permission to answer in channel" in caplog.text
    assert "won't pay" not in caplog.text  # message text is never logged
