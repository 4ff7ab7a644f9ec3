"""Thread follow-ups without a mention: only from people the coach is already talking with in that thread."""

from __future__ import annotations

import json

from slack_bolt.app.async_app import AsyncApp

from adapters.slack.inflight import InFlight
from bot.engine.coach import Coach
from tests.adapters.slack.fake_slack_api import BOT_USER, FakeSlack, channel_message, dispatch, event_body, mention

THREAD = "1700000001.000100"


async def settle(inflight: InFlight) -> None:
    assert await inflight.wait_idle(5.0)


async def start_thread(app: AsyncApp, fake: FakeSlack, inflight: InFlight) -> None:
    await dispatch(app, event_body(mention("my client hasn't paid my invoice", ts=THREAD), event_id="EvStart"))
    await fake.wait_for("chat.postMessage")
    await settle(inflight)


async def test_the_askers_next_reply_in_the_thread_continues_without_a_mention(
    app: AsyncApp, fake: FakeSlack, inflight: InFlight
) -> None:
    await start_thread(app, fake, inflight)
    reply = channel_message("what do I say?", ts="1700000002.000100", thread_ts=THREAD)
    assert (await dispatch(app, event_body(reply, event_id="EvFollow"))).status == 200
    first, follow_up = await fake.wait_for("chat.postMessage", 2)
    await settle(inflight)

    assert (follow_up["channel"], follow_up["thread_ts"]) == ("C1", THREAD)
    assert "a message you can adapt" in json.dumps(follow_up), "understood in the context of the thread"


async def test_private_channels_work_the_same(app: AsyncApp, fake: FakeSlack, inflight: InFlight) -> None:
    await dispatch(app, event_body(mention("my client hasn't paid", channel="G1", ts=THREAD), event_id="EvG"))
    await fake.wait_for("chat.postMessage")
    reply = channel_message("what do I say?", channel="G1", ts="1700000002.1", thread_ts=THREAD, channel_type="group")
    await dispatch(app, event_body(reply, event_id="EvGFollow"))
    await fake.wait_for("chat.postMessage", 2)
    await settle(inflight)


async def test_everything_else_is_ignored_and_nothing_about_it_is_stored(
    app: AsyncApp, fake: FakeSlack, inflight: InFlight, coach: Coach
) -> None:
    await start_thread(app, fake, inflight)
    ignored = {
        "EvOther": channel_message("my client hasn't paid me either", user="U2", ts="1.2", thread_ts=THREAD),
        "EvElsewhere": channel_message("what do I say?", ts="1.3", thread_ts="1699999999.000100"),
        "EvTopLevel": channel_message("what do I say?", ts="1.4"),
        "EvParent": channel_message("what do I say?", ts=THREAD, thread_ts=THREAD),
        "EvEdited": channel_message("what do I say?", ts="1.5", thread_ts=THREAD, subtype="message_changed"),
        "EvBot": channel_message("what do I say?", user="U7", ts="1.6", thread_ts=THREAD, bot_id="B7"),
    }
    for event_id, event in ignored.items():
        assert (await dispatch(app, event_body(event, event_id=event_id))).status == 200
    await settle(inflight)

    assert len(fake.to("chat.postMessage")) == 1, "only the first answer"
    assert not await coach.store.holds_anything_about("slack:T1:U2")
    for event_id in ignored:
        assert await coach.store.claim_event(event_id, 60), f"{event_id} was never even claimed"


async def test_a_reply_that_mentions_the_bot_is_answered_once(
    app: AsyncApp, fake: FakeSlack, inflight: InFlight
) -> None:
    await start_thread(app, fake, inflight)
    text = f"<@{BOT_USER}> what do I say?"
    as_message = channel_message(text, ts="1700000003.000100", thread_ts=THREAD)
    as_mention = mention("what do I say?", ts="1700000003.000100", thread_ts=THREAD)
    await dispatch(app, event_body(as_message, event_id="EvAsMessage"))
    await dispatch(app, event_body(as_mention, event_id="EvAsMention"))
    await fake.wait_for("chat.postMessage", 2)
    await settle(inflight)
    assert len(fake.to("chat.postMessage")) == 2


async def test_a_retried_follow_up_is_answered_once(app: AsyncApp, fake: FakeSlack, inflight: InFlight) -> None:
    await start_thread(app, fake, inflight)
    body = event_body(channel_message("what do I say?", ts="1700000004.000100", thread_ts=THREAD), event_id="EvR")
    await dispatch(app, body)
    await dispatch(app, body, headers={"x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout"})
    await fake.wait_for("chat.postMessage", 2)
    await settle(inflight)
    assert len(fake.to("chat.postMessage")) == 2
