"""Buttons: every kind, built from the components the bot really sent, and still working after a restart."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.discord.client import CoachClient
from bot.engine.coach import Coach
from bot.engine.i18n import t
from bot.engine.messages import Reply, Request
from bot.settings import Settings
from bot.store.sqlite import SqliteStore
from tests.adapters.discord.conftest import StartClient
from tests.adapters.discord.discord_fake_api import (
    FakeDiscord,
    Recorded,
    button_press,
    custom_ids,
    deliver_interaction,
    sent_message,
    settle,
    slash,
)
from tests.adapters.discord.test_discord_commands import EPHEMERAL, pings_nobody


async def ask(bot: CoachClient, api: FakeDiscord, situation: str) -> Recorded:
    deliver_interaction(bot, slash("ask", {"situation": situation}))
    await settle()
    return api.followups()[-1]


async def press(bot: CoachClient, api: FakeDiscord, on: Recorded, custom_id: str, **kwargs: Any) -> list[Recorded]:
    """Click ``custom_id`` on the message the bot sent in ``on``; return the requests the click caused."""
    assert custom_id in custom_ids(on), f"{custom_id} is not a button of that message: {custom_ids(on)}"
    before = len(api.requests)
    deliver_interaction(bot, button_press(custom_id, sent_message(on), **kwargs))
    await settle()
    return api.requests[before:]


def only_followup(requests: list[Recorded]) -> Recorded:
    followups = [r for r in requests if r.method == "POST" and r.path.startswith("/webhooks/")]
    assert len(followups) == 1, requests
    return followups[0]


def callback_of(requests: list[Recorded]) -> Recorded:
    (callback,) = [r for r in requests if r.path.endswith("/callback")]
    return callback


async def test_advice_buttons_are_persistent_and_within_limits(bot: CoachClient, api: FakeDiscord) -> None:
    advice = await ask(bot, api, "my client won't pay my invoice")

    assert custom_ids(advice) == [
        "part:late-payment:say_this",
        "part:late-payment:more",  # offered twice by the engine; Discord needs unique ids
        "fb:up:late-payment",
        "fb:down:late-payment",
        "share:late-payment",
        "checkin:3:late-payment",
    ]
    rows = advice.body["components"]
    assert len(rows) <= 5 and all(len(row["components"]) <= 5 for row in rows)
    assert all(len(b["label"]) <= 80 and len(b["custom_id"]) <= 100 for row in rows for b in row["components"])


async def test_what_to_say_answers_privately_with_the_script(bot: CoachClient, api: FakeDiscord) -> None:
    advice = await ask(bot, api, "my client won't pay my invoice")

    requests = await press(bot, api, advice, "part:late-payment:say_this")

    assert callback_of(requests).body == {"type": 5, "data": {"flags": EPHEMERAL}}
    script = only_followup(requests)
    assert script.flags == EPHEMERAL and pings_nobody(script.body)
    fields = script.body["embeds"][0]["fields"]
    assert fields[0]["name"] == t("script", "en")
    assert fields[0]["value"].startswith("> Hi [client name]")


@pytest.mark.parametrize(
    ("button", "column"), [("fb:up:late-payment", "helpful"), ("fb:down:late-payment", "not_helpful")]
)
async def test_feedback_is_recorded(bot: CoachClient, api: FakeDiscord, coach: Coach, button: str, column: str) -> None:
    advice = await ask(bot, api, "my client won't pay my invoice")

    thanks = only_followup(await press(bot, api, advice, button))

    assert thanks.body["content"] == t("feedback_thanks", "en")
    (row,) = [row for row in await coach.store.stats() if row.topic_id == "late-payment"]
    assert getattr(row, column) == 1


async def test_clarify_options_and_none_of_these(bot: CoachClient, api: FakeDiscord) -> None:
    question = await ask(bot, api, "they keep adding more work")
    assert question.body["content"] == t("clarify", "en")
    assert custom_ids(question) == ["topic:scope-creep", "topic:late-payment", "none"]

    chosen = only_followup(await press(bot, api, question, "topic:scope-creep"))
    assert chosen.body["embeds"][0]["title"] == "Scope creep"

    fallback = only_followup(await press(bot, api, question, "none"))
    assert fallback.body["embeds"][0]["description"].startswith(t("fallback", "en")[:40])
    # A decline offers a few common situations and one button for all of them, not 39 buttons.
    assert len(custom_ids(fallback)) <= 8 and custom_ids(fallback)[-1] == "topics"

    everything = only_followup(await press(bot, api, fallback, "topics"))
    assert everything.body["embeds"][0]["description"].startswith(t("topics", "en"))
    assert "topic:yelling-client" in custom_ids(everything), "the one situation the short list left out"


async def test_share_posts_the_public_version_in_the_channel(bot: CoachClient, api: FakeDiscord) -> None:
    advice = await ask(bot, api, "my client won't pay my invoice")

    requests = await press(bot, api, advice, "share:late-payment")

    assert callback_of(requests).body == {"type": 6}  # acknowledged without a private "thinking" message
    public = only_followup(requests)
    assert public.flags & EPHEMERAL == 0
    assert pings_nobody(public.body)
    embed = public.body["embeds"][0]
    assert embed["title"] == "Late payment"
    assert len(embed["fields"][0]["value"].splitlines()) == 3  # the short version: three steps
    assert "share:late-payment" not in custom_ids(public)
    assert "part:late-payment:full" in custom_ids(public)


async def test_a_button_on_the_public_message_answers_the_presser_privately(bot: CoachClient, api: FakeDiscord) -> None:
    advice = await ask(bot, api, "my client won't pay my invoice")
    public = only_followup(await press(bot, api, advice, "share:late-payment"))

    full = only_followup(await press(bot, api, public, "part:late-payment:full"))

    assert full.flags == EPHEMERAL
    assert len(full.body["embeds"][0]["fields"][0]["value"].splitlines()) == 4


async def test_checkin_button_schedules_a_checkin(bot: CoachClient, api: FakeDiscord, coach: Coach) -> None:
    advice = await ask(bot, api, "my client won't pay my invoice")

    done = only_followup(await press(bot, api, advice, "checkin:3:late-payment"))

    assert done.body["content"] == t("checkin_set", "en", when="3 days", title="Late payment")
    (checkin,) = await coach.store.claim_due_checkins(now=10**12)
    assert (checkin.platform, checkin.user_id, checkin.topic_id) == ("discord", "444444444444444444", "late-payment")


async def test_related_topic_buttons_after_still_stuck(bot: CoachClient, api: FakeDiscord) -> None:
    await ask(bot, api, "my client won't pay my invoice")
    await ask(bot, api, "what if they still refuse?")
    related = await ask(bot, api, "what if they still refuse?")
    assert custom_ids(related) == ["topic:scope-creep", "topic:yelling-client"]

    advice = only_followup(await press(bot, api, related, "topic:yelling-client"))

    assert advice.body["embeds"][0]["title"] == "A client who yells"


async def test_buttons_keep_working_after_a_restart(
    start_client: StartClient, api: FakeDiscord, coach: Coach, settings: Settings
) -> None:
    first = await start_client()
    advice = await ask(first, api, "my client won't pay my invoice")
    question = await ask(first, api, "they keep adding more work")
    await first.close()

    # A new process: new client, new engine on the same database, nothing remembered about the old messages.
    engine = Coach(coach.kb, SqliteStore(settings.db_path), settings)
    try:
        second = await start_client(engine)
        assert only_followup(await press(second, api, advice, "part:late-payment:say_this")).body["embeds"]
        thanks = only_followup(await press(second, api, advice, "fb:up:late-payment"))
        assert thanks.body["content"] == t("feedback_thanks", "en")
        assert only_followup(await press(second, api, advice, "share:late-payment")).flags == 0
        topic = only_followup(await press(second, api, question, "topic:scope-creep"))
        assert topic.body["embeds"][0]["title"] == "Scope creep"
        checkin = only_followup(await press(second, api, advice, "checkin:3:late-payment"))
        assert checkin.body["content"].startswith("Done.")
    finally:
        await engine.close()


async def test_a_failing_button_gets_the_apology_only(
    bot: CoachClient, api: FakeDiscord, monkeypatch: pytest.MonkeyPatch
) -> None:
    advice = await ask(bot, api, "my client won't pay my invoice")

    async def broken(request: Request) -> Reply:
        raise RuntimeError("secret stack detail")

    monkeypatch.setattr(bot.coach, "handle", broken)
    apology = only_followup(await press(bot, api, advice, "fb:up:late-payment"))

    assert apology.body["content"] == t("error", "en")
    assert "secret stack detail" not in str(api.requests)
