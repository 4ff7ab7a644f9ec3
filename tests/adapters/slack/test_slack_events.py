"""Events API through the real bolt app: mentions, DMs, retries, self-messages, signatures."""

from __future__ import annotations

import json
import time
from typing import Any

from slack_bolt.app.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

from adapters.slack.inflight import InFlight
from adapters.slack.render import SECTION_LIMIT
from tests.adapters.slack.fake_slack_api import (
    BOT_ID,
    BOT_USER,
    FakeSlack,
    direct_message,
    dispatch,
    event_body,
    mention,
    sign,
)


def all_text(message: dict[str, Any]) -> str:
    return json.dumps(message, ensure_ascii=False)


async def settle(inflight: InFlight) -> None:
    assert await inflight.wait_idle(5.0)


async def test_mention_is_answered_in_its_thread(app: AsyncApp, fake: FakeSlack, inflight: InFlight) -> None:
    response = await dispatch(app, event_body(mention("my client hasn't paid my invoice", ts="1700000001.000100")))
    assert response.status == 200

    [post] = await fake.wait_for("chat.postMessage")
    assert post["channel"] == "C1"
    assert post["thread_ts"] == "1700000001.000100"
    assert post["text"].strip()
    header = post["blocks"][0]
    assert header == {"type": "header", "text": {"type": "plain_text", "text": "Late payment", "emoji": True}}
    # A channel gets the short version with buttons to go further, not the script.
    action_ids = [e["action_id"] for b in post["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert "part:late-payment:full" in action_ids
    assert "What to say" not in all_text(post)
    await settle(inflight)
    assert fake.to("auth.test"), "bolt identifies the bot once through auth.test"


async def test_mention_inside_a_thread_stays_in_that_thread(app: AsyncApp, fake: FakeSlack) -> None:
    event = mention("my client hasn't paid my invoice", ts="1700000009.000900", thread_ts="1700000001.000100")
    await dispatch(app, event_body(event))
    [post] = await fake.wait_for("chat.postMessage")
    assert post["thread_ts"] == "1700000001.000100"


async def test_dm_conversation_over_several_messages(app: AsyncApp, fake: FakeSlack, inflight: InFlight) -> None:
    texts = ["my client hasn't paid my invoice and it is 40 days overdue", "what do I say?", "thanks"]
    for index, text in enumerate(texts):
        event = direct_message(text, ts=f"170000001{index}.000100")
        await dispatch(app, event_body(event, event_id=f"EvDM{index}"))
        await fake.wait_for("chat.postMessage", index + 1)
        await settle(inflight)

    first, second, third = fake.to("chat.postMessage")
    assert all(p["channel"] == "D1" and "thread_ts" not in p for p in (first, second, third))
    # Private: the whole answer, script included, and the offer to check back.
    assert "What to say" in all_text(first)
    assert "checkin:3:late-payment" in all_text(first)
    # The follow-up is understood in the context of the first message.
    assert "a message you can adapt" in all_text(second)
    assert "Hi [client name]" in all_text(second)
    assert "good luck" in third["text"]


async def test_the_same_event_delivered_twice_gets_one_reply(
    app: AsyncApp, fake: FakeSlack, inflight: InFlight
) -> None:
    body = event_body(mention("my client hasn't paid my invoice"), event_id="EvTwice")
    first = await dispatch(app, body)
    retry = await dispatch(app, body, headers={"x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout"})
    assert first.status == retry.status == 200
    await fake.wait_for("chat.postMessage")
    await settle(inflight)
    assert len(fake.to("chat.postMessage")) == 1


async def test_a_socket_mode_retry_of_a_known_event_is_ignored(
    app: AsyncApp, fake: FakeSlack, inflight: InFlight
) -> None:
    payload = json.loads(event_body(direct_message("my client hasn't paid my invoice"), event_id="EvSocket"))
    for attempt in (0, 1):
        request = AsyncBoltRequest(mode="socket_mode", body=payload, headers={"x-slack-retry-num": str(attempt)})
        assert (await app.async_dispatch(request)).status == 200
    await fake.wait_for("chat.postMessage")
    await settle(inflight)
    assert len(fake.to("chat.postMessage")) == 1


async def test_two_replicas_sharing_a_store_answer_a_retry_once(
    app: AsyncApp, fake: FakeSlack, inflight: InFlight, coach: Any, settings: Any
) -> None:
    from adapters.slack import create_app
    from bot.engine.coach import Coach
    from bot.store.sqlite import SqliteStore

    other_coach = Coach(coach.kb, SqliteStore(settings.db_path), settings)
    other_inflight = InFlight()
    other = create_app(other_coach, settings, inflight=other_inflight)
    body = event_body(mention("my client hasn't paid my invoice"), event_id="EvReplica")
    await dispatch(app, body)
    await dispatch(other, body, headers={"x-slack-retry-num": "1"})
    await fake.wait_for("chat.postMessage")
    await settle(inflight)
    await settle(other_inflight)
    await other_coach.close()
    assert len(fake.to("chat.postMessage")) == 1


async def test_own_messages_other_bots_and_subtypes_are_ignored(
    app: AsyncApp, fake: FakeSlack, inflight: InFlight
) -> None:
    ignored = [
        direct_message("my client hasn't paid my invoice", user=BOT_USER),
        direct_message("my client hasn't paid my invoice", user="U7", bot_id="B7"),
        direct_message("my client hasn't paid my invoice", subtype="message_changed"),
        direct_message("joined", subtype="channel_join"),
        {**direct_message("my client hasn't paid my invoice"), "channel_type": "channel", "channel": "C1"},
        mention("my client hasn't paid my invoice", bot_id=BOT_ID, user=BOT_USER),
    ]
    for index, event in enumerate(ignored):
        assert (await dispatch(app, event_body(event, event_id=f"EvIgnored{index}"))).status == 200
    # A message that does count, sent last, proves the ones before it were really dropped, not slow.
    await dispatch(app, event_body(direct_message("my client hasn't paid my invoice"), event_id="EvCounted"))
    await fake.wait_for("chat.postMessage")
    await settle(inflight)
    assert len(fake.to("chat.postMessage")) == 1


async def test_url_verification_answers_the_challenge(app: AsyncApp, fake: FakeSlack) -> None:
    body = json.dumps(
        {
            "token": "legacy",
            "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
            "type": "url_verification",
        }
    )
    response = await dispatch(app, body)
    assert response.status == 200
    assert json.loads(response.body) == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}
    assert fake.calls == []


async def test_bad_and_stale_signatures_are_refused(app: AsyncApp, fake: FakeSlack, inflight: InFlight) -> None:
    body = event_body(mention("my client hasn't paid my invoice"), event_id="EvForged")
    forged = {"content-type": "application/json", **sign(body, secret="not-the-secret")}
    stale = {"content-type": "application/json", **sign(body, timestamp=int(time.time()) - 10 * 60)}
    unsigned = {"content-type": "application/json"}
    for headers in (forged, stale, unsigned):
        response = await app.async_dispatch(AsyncBoltRequest(body=body, headers=headers))
        assert response.status == 401
    # A tampered body with a once-valid signature fails too.
    tampered = {"content-type": "application/json", **sign(body)}
    response = await app.async_dispatch(AsyncBoltRequest(body=body.replace("invoice", "invoices"), headers=tampered))
    assert response.status == 401
    await settle(inflight)
    assert fake.to("chat.postMessage") == []


async def test_broadcasts_and_mentions_in_the_users_text_are_not_echoed(
    app: AsyncApp, fake: FakeSlack, inflight: InFlight
) -> None:
    # "tip <name>" repeats an unknown topic name back to the user: the one place their words return.
    text = "tip <!channel> <@U999|boss> <!subteam^S123|@devs>"
    await dispatch(app, event_body(mention(text), event_id="EvChannel"))
    [post] = await fake.wait_for("chat.postMessage")
    await settle(inflight)
    raw = json.dumps(post, ensure_ascii=False)
    assert "Late payment" in raw  # the topic list came back, so the name was echoed somewhere
    for dangerous in ("<!channel>", "<@U999", "<!subteam", "&lt;!channel", "@channel", "@devs"):
        assert dangerous not in raw
    assert all(len(b["text"]["text"]) <= SECTION_LIMIT for b in post["blocks"] if b["type"] == "section")


async def test_ampersands_are_decoded_once_and_escaped_once(app: AsyncApp, fake: FakeSlack, inflight: InFlight) -> None:
    """Slack's "Smith &amp; Sons" is the client Smith & Sons, shown as Smith &amp; Sons in mrkdwn, never &amp;amp;."""
    texts = [
        "my client hasn't paid my invoice and it is 40 days overdue",
        "client is Smith &amp; Sons, the project is the R&amp;D portal, 1200 EUR",
    ]
    for index, text in enumerate(texts):
        await dispatch(app, event_body(direct_message(text, ts=f"170000002{index}.000100"), event_id=f"EvAmp{index}"))
        await fake.wait_for("chat.postMessage", index + 1)
        await settle(inflight)
    script = all_text(fake.to("chat.postMessage")[-1])
    assert "Hi Smith &amp; Sons, a quick note about the R&amp;D portal: 1200 EUR" in script
    assert "&amp;amp;" not in script and "R&amp:" not in script
