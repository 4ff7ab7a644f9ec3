"""/coach, every kind of button, App Home, errors and rate limits through the real bolt app."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

import pytest
from slack_bolt.app.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import create_app
from adapters.slack.inflight import InFlight
from adapters.slack.render import escape
from bot.engine.coach import Coach
from bot.engine.i18n import t
from bot.engine.messages import Reply, Request
from bot.settings import Settings
from tests.adapters.slack.fake_slack_api import (
    FORM,
    Failure,
    FakeSlack,
    action_body,
    action_payload,
    command_body,
    direct_message,
    dispatch,
    event_body,
    mention,
)


def raw(message: dict[str, Any]) -> str:
    return json.dumps(message, ensure_ascii=False)


def action_ids(message: dict[str, Any]) -> list[str]:
    return [e["action_id"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]


async def press(app: AsyncApp, inflight: InFlight, action_id: str, **where: Any) -> None:
    response = await dispatch(app, action_body(action_payload(action_id, **where)), FORM)
    assert response.status == 200
    assert await inflight.wait_idle(5.0)


class GatedCoach(Coach):
    """The real engine, held until the test opens the gate (to see what happens before it answers)."""

    gate: asyncio.Event

    async def handle(self, request: Request) -> Reply:
        await self.gate.wait()
        return await super().handle(request)


# -- /coach -----------------------------------------------------------------------------------------


async def test_slash_command_is_acknowledged_at_once_and_answered_ephemerally(
    coach: Coach, settings: Settings, fake: FakeSlack
) -> None:
    gated = GatedCoach(coach.kb, coach.store, settings)
    gated.gate = asyncio.Event()
    inflight = InFlight()
    app = create_app(gated, settings, inflight=inflight)

    started = time.monotonic()
    response = await dispatch(app, command_body("my client hasn't paid my invoice", fake.response_url("cmd")), FORM)
    elapsed = time.monotonic() - started

    assert response.status == 200
    assert response.body == ""  # a bare acknowledgement: nothing is echoed into the channel
    assert elapsed < 1.0, "acknowledged well within Slack's 3 seconds"
    assert fake.to("response_url") == [], "the acknowledgement went out before the engine answered"

    gated.gate.set()
    [answer] = await fake.wait_for("response_url")
    assert await inflight.wait_idle(5.0)
    assert answer["key"] == "cmd"
    assert answer["response_type"] == "ephemeral"
    assert answer["replace_original"] is False
    assert answer["blocks"][0]["text"]["text"] == "Late payment"
    assert "share:late-payment" in action_ids(answer), 'an answer only you see offers "Share in channel"'
    assert fake.to("chat.postMessage") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("help", t("help", "en")),
        ("topics", "Scope creep"),
        ("lang es", t("lang_set", "es")),
        ("forget", t("forgotten", "en")),
    ],
)
async def test_slash_command_words_go_to_the_engines_parser(
    app: AsyncApp, fake: FakeSlack, inflight: InFlight, text: str, expected: str
) -> None:
    await dispatch(app, command_body(text, fake.response_url()), FORM)
    [answer] = await fake.wait_for("response_url")
    assert await inflight.wait_idle(5.0)
    assert escape(expected) in raw(answer)


# -- buttons ------------------------------------------------------------------------------------------


async def test_clarify_option_in_a_channel_thread_answers_privately_in_that_thread(
    app: AsyncApp, fake: FakeSlack, inflight: InFlight
) -> None:
    await press(
        app, inflight, "topic:scope-creep", channel="C1", message_ts="1700000005.0001", thread_ts="1700000001.0001"
    )
    assert fake.to("chat.postMessage") == []
    [post] = fake.to("chat.postEphemeral")
    assert (post["channel"], post["user"]) == ("C1", "U1")
    assert post["thread_ts"] == "1700000001.0001"
    assert post["blocks"][0]["text"]["text"] == "Scope creep"
    assert "part:scope-creep:full" in action_ids(post), "in a channel the short version"


async def test_a_button_on_a_top_level_channel_message_answers_privately_in_its_thread(
    app: AsyncApp, fake: FakeSlack, inflight: InFlight
) -> None:
    await press(app, inflight, "part:late-payment:say_this", channel="C1", message_ts="1700000005.0001")
    assert fake.to("chat.postMessage") == []
    [post] = fake.to("chat.postEphemeral")
    assert post["thread_ts"] == "1700000005.0001"
    assert "a message you can adapt" in raw(post)


async def test_buttons_on_a_public_thread_answer_only_whoever_clicked(
    app: AsyncApp, fake: FakeSlack, inflight: InFlight, coach: Coach
) -> None:
    """Anyone in the channel may press "Helpful" or "Full answer" on a public answer: only they see the reply."""
    where = {"channel": "C1", "message_ts": "1700000005.0001", "thread_ts": "1700000001.0001"}
    await press(app, inflight, "fb:up:late-payment", user="U2", **where)
    await press(app, inflight, "part:late-payment:full", user="U3", **where)

    assert fake.to("chat.postMessage") == [] and fake.to("response_url") == []
    thanks, full = fake.to("chat.postEphemeral")
    assert (thanks["user"], thanks["thread_ts"]) == ("U2", "1700000001.0001")
    assert escape(t("feedback_thanks", "en")) in thanks["text"]
    assert (full["user"], full["thread_ts"]) == ("U3", "1700000001.0001")
    assert "What to say" in raw(full)
    [row] = [r for r in await coach.store.stats() if r.topic_id == "late-payment"]
    assert row.helpful == 1


async def test_helpful_and_not_helpful_are_recorded_and_thanked(
    app: AsyncApp, coach: Coach, fake: FakeSlack, inflight: InFlight
) -> None:
    await press(app, inflight, "fb:up:late-payment", channel="D1")
    await press(app, inflight, "fb:down:late-payment", ephemeral=True, response_url=fake.response_url("eph"))

    [dm] = fake.to("chat.postMessage")
    assert dm["channel"] == "D1" and "thread_ts" not in dm
    assert escape(t("feedback_thanks", "en")) in dm["text"]
    [ephemeral] = fake.to("response_url")
    assert ephemeral["response_type"] == "ephemeral"
    assert escape(t("feedback_thanks", "en")) in ephemeral["text"]
    [row] = [r for r in await coach.store.stats() if r.topic_id == "late-payment"]
    assert (row.helpful, row.not_helpful) == (1, 1)


async def test_what_to_say_from_an_ephemeral_answer_follows_up_ephemerally(
    app: AsyncApp, fake: FakeSlack, inflight: InFlight
) -> None:
    await press(app, inflight, "part:late-payment:say_this", ephemeral=True, response_url=fake.response_url())
    [answer] = fake.to("response_url")
    assert answer["response_type"] == "ephemeral"
    assert answer["replace_original"] is False
    assert "Hi [client name]" in raw(answer)
    assert fake.to("chat.postMessage") == []


async def test_an_expired_response_url_falls_back_to_an_ephemeral_message(
    app: AsyncApp, fake: FakeSlack, inflight: InFlight
) -> None:
    await press(app, inflight, "part:late-payment:say_this", ephemeral=True, response_url=fake.response_url("expired"))
    assert len(fake.to("response_url.refused")) == 1
    [ephemeral] = fake.to("chat.postEphemeral")
    assert (ephemeral["channel"], ephemeral["user"]) == ("C1", "U1")
    assert "Hi [client name]" in raw(ephemeral)
    assert fake.to("chat.postMessage") == [], "never shown to the whole channel"


async def test_related_topic_button_in_a_dm_gives_the_full_answer(
    app: AsyncApp, fake: FakeSlack, inflight: InFlight
) -> None:
    await press(app, inflight, "topic:yelling-client", channel="D1")
    [post] = fake.to("chat.postMessage")
    assert post["channel"] == "D1"
    assert post["blocks"][0]["text"]["text"] == "A client who yells"
    assert "What to say" in raw(post), "private: the script is included"


async def test_share_posts_the_public_version_in_the_channel(
    app: AsyncApp, fake: FakeSlack, inflight: InFlight
) -> None:
    await press(app, inflight, "share:late-payment", ephemeral=True, response_url=fake.response_url("share"))
    [shared] = fake.to("response_url")
    assert shared["response_type"] == "in_channel"
    assert shared["replace_original"] is False
    assert shared["blocks"][0]["text"]["text"] == "Late payment"
    assert "What to say" not in raw(shared), "the short, public version"
    assert "share:late-payment" not in action_ids(shared)


async def test_checkin_and_outcome_buttons(app: AsyncApp, fake: FakeSlack, inflight: InFlight, coach: Coach) -> None:
    await press(app, inflight, "checkin:3:late-payment", channel="D1")
    await press(app, inflight, "outcome:no:late-payment", channel="D1")
    await press(app, inflight, "outcome:yes:late-payment", channel="D1")
    scheduled, still, resolved = fake.to("chat.postMessage")
    assert "in 3 days about" in scheduled["text"]
    assert still["text"].startswith(escape(t("outcome_unresolved", "en")))
    assert "What is happening now?" in raw(still)
    assert resolved["text"].startswith(escape(t("outcome_resolved", "en")))
    assert await coach.store.holds_anything_about("slack:T1:U1")


async def test_none_of_these_offers_common_topics_and_the_whole_list(
    app: AsyncApp, fake: FakeSlack, inflight: InFlight
) -> None:
    await press(app, inflight, "none", channel="C1", message_ts="1700000005.0001")
    [post] = fake.to("chat.postEphemeral")
    assert action_ids(post) == ["topic:late-payment", "topic:scope-creep", "topics"]
    await press(app, inflight, "topics", channel="C1", message_ts="1700000005.0002")
    [_, everything] = fake.to("chat.postEphemeral")
    assert {"topic:late-payment", "topic:scope-creep", "topic:yelling-client"} <= set(action_ids(everything))


async def test_a_topic_button_on_app_home_answers_in_the_dm_and_the_dm_continues(
    app: AsyncApp, fake: FakeSlack, inflight: InFlight
) -> None:
    await press(app, inflight, "topic:late-payment", home=True)
    assert [call["users"] for call in fake.to("conversations.open")] == ["U1"]
    [advice] = fake.to("chat.postMessage")
    assert advice["channel"] == "DU1"
    assert "What to say" in raw(advice)

    await dispatch(app, event_body(direct_message("what do I say?", channel="DU1"), event_id="EvAfterHome"))
    [_, follow_up] = await fake.wait_for("chat.postMessage", 2)
    assert await inflight.wait_idle(5.0)
    assert "a message you can adapt" in raw(follow_up), "the DM continues the conversation the button started"


# -- App Home -----------------------------------------------------------------------------------------


def home_opened(tab: str = "home") -> dict[str, Any]:
    return {"type": "app_home_opened", "user": "U1", "channel": "DU1", "tab": tab, "event_ts": "1700000006.0001"}


async def test_app_home_shows_what_how_topics_and_language(app: AsyncApp, fake: FakeSlack, inflight: InFlight) -> None:
    await dispatch(app, event_body(home_opened(), event_id="EvHome1"))
    [published] = await fake.wait_for("views.publish")
    assert published["user_id"] == "U1"
    view = published["view"]
    assert view["type"] == "home"
    text = raw(view)
    assert escape(t("help", "en")) in text  # what the bot does
    assert "/coach" in text and "@Client Coach" in text and "Messages tab" in text  # how to ask
    for title in ("Late payment", "Scope creep", "A client who yells"):
        assert title in text
    assert "automatic (en)" in text  # no language chosen yet
    assert len(view["blocks"]) <= 100

    await dispatch(app, command_body("lang es", fake.response_url()), FORM)
    await fake.wait_for("response_url")
    await dispatch(app, event_body(home_opened(), event_id="EvHome2"))
    [_, republished] = await fake.wait_for("views.publish", 2)
    assert await inflight.wait_idle(5.0)
    text = raw(republished["view"])
    assert "Pago atrasado" in text and "Cambios sin fin" in text
    assert ":* Español" in text


def home_select(value: str, user: str = "U1") -> dict[str, Any]:
    """Picking an option of the App Home language menu."""
    payload = action_payload("home_lang", home=True, user=user)
    payload["actions"] = [
        {
            "type": "static_select",
            "action_id": "home_lang",
            "block_id": "lang",
            "selected_option": {"text": {"type": "plain_text", "text": value, "emoji": True}, "value": value},
            "placeholder": {"type": "plain_text", "text": "Choose a language", "emoji": True},
            "action_ts": "1700000007.000100",
        }
    ]
    return payload


async def test_app_home_lists_open_checkins_and_cancels_one(
    app: AsyncApp, fake: FakeSlack, inflight: InFlight, coach: Coach
) -> None:
    for days, topic in ((3, "late-payment"), (7, "scope-creep")):
        await press(app, inflight, f"checkin:{days}:{topic}", channel="D1")
    await dispatch(app, event_body(home_opened(), event_id="EvHomeCheckins"))
    [published] = await fake.wait_for("views.publish")
    await settle_app(inflight)
    view = published["view"]
    rows = [b for b in view["blocks"] if b.get("accessory", {}).get("action_id", "").startswith("cancel:")]
    assert ["Late payment" in r["text"]["text"] for r in rows] == [True, False], "soonest first"
    assert "Scope creep" in rows[1]["text"]["text"]
    assert all("<!date^" in r["text"]["text"] for r in rows), "when, in the reader's own time zone"
    [first, second] = await coach.open_checkins("slack:T1:U1")
    assert rows[0]["accessory"]["action_id"] == f"cancel:{first.id}"

    await press(app, inflight, f"cancel:{first.id}", home=True)
    assert await coach.open_checkins("slack:T1:U1") == [second]
    [_, republished] = fake.to("views.publish")
    assert f"cancel:{first.id}" not in raw(republished) and f"cancel:{second.id}" in raw(republished)
    assert len(fake.to("chat.postMessage")) == 2, "the two check-in confirmations only: nothing sent to the DM"

    await press(app, inflight, f"cancel:{first.id}", user="U2", home=True)  # not theirs: nothing happens
    assert await coach.open_checkins("slack:T1:U1") == [second]


async def test_app_home_language_menu_sets_and_clears_the_language(
    app: AsyncApp, fake: FakeSlack, inflight: InFlight, coach: Coach
) -> None:
    await dispatch(app, action_body(home_select("fi")), FORM)
    await settle_app(inflight)
    assert (await coach.store.get_preferences("slack:T1:U1")).lang == "fi"
    [published] = fake.to("views.publish")
    assert "Myöhässä oleva maksu" in raw(published), "republished at once, in Finnish"
    select = published["view"]["blocks"][-1]["accessory"]
    assert select["initial_option"]["value"] == "fi"

    await dispatch(app, action_body(home_select("auto")), FORM)
    await settle_app(inflight)
    assert (await coach.store.get_preferences("slack:T1:U1")).lang is None
    assert fake.to("views.publish")[-1]["view"]["blocks"][-1]["accessory"]["initial_option"]["value"] == "auto"
    assert fake.to("chat.postMessage") == []


async def settle_app(inflight: InFlight) -> None:
    assert await inflight.wait_idle(5.0)


async def test_opening_the_messages_tab_publishes_nothing(app: AsyncApp, fake: FakeSlack, inflight: InFlight) -> None:
    await dispatch(app, event_body(home_opened("messages"), event_id="EvMessagesTab"))
    assert await inflight.wait_idle(5.0)
    await asyncio.sleep(0.05)
    assert fake.to("views.publish") == []


# -- failures -----------------------------------------------------------------------------------------


async def test_a_failing_handler_logs_the_traceback_and_apologises_without_details(
    app: AsyncApp, fake: FakeSlack, inflight: InFlight, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    fake.fail("chat.postMessage", Failure(error="channel_not_found"))
    await dispatch(app, event_body(mention("my client hasn't paid my invoice"), event_id="EvBroken"))
    failed, apology = await fake.wait_for("chat.postMessage", 2)
    assert await inflight.wait_idle(5.0)

    assert failed["blocks"][0]["text"]["text"] == "Late payment"
    assert apology["text"] == escape(t("error", "en"))
    assert apology["thread_ts"] == failed["thread_ts"]
    assert "channel_not_found" not in raw(apology)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR and r.exc_info]
    assert errors, "the failure is logged with its traceback"
    assert not [r for r in caplog.records if "paid my invoice" in r.getMessage()], "no message text in the logs"


async def test_rate_limited_calls_wait_and_retry(coach: Coach, settings: Settings, fake: FakeSlack) -> None:
    fake.fail("chat.postMessage", Failure(retry_after=0))
    inflight = InFlight()
    injected = AsyncWebClient(token="xoxb-injected", base_url=fake.api_url)
    app = create_app(coach, settings, client=injected, inflight=inflight)
    await dispatch(app, event_body(mention("my client hasn't paid my invoice"), event_id="EvLimited"))
    limited, delivered = await fake.wait_for("chat.postMessage", 2, timeout=8)
    assert await inflight.wait_idle(5.0)
    assert limited == delivered, "the same message, sent again after Retry-After"
    assert {call.token for call in fake.calls} == {"xoxb-injected"}, "the injected client is the one used"
