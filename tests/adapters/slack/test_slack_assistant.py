"""Slack's assistant (split view) through the real bolt app: prompts, status, title, the same conversation."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt.app.async_app import AsyncApp

from adapters.slack.inflight import InFlight
from bot.engine.coach import Coach
from bot.engine.i18n import t
from bot.engine.starters import starters
from bot.store.base import Preferences
from tests.adapters.slack.fake_slack_api import (
    BOT_ID,
    BOT_USER,
    FORM,
    Failure,
    FakeSlack,
    action_body,
    action_payload,
    assistant_message,
    assistant_thread_started,
    direct_message,
    dispatch,
    event_body,
    mention,
)

THREAD = "1700000020.000100"
OTHER_THREAD = "1700000030.000100"


def raw(message: dict[str, Any]) -> str:
    return json.dumps(message, ensure_ascii=False)


async def settle(inflight: InFlight) -> None:
    assert await inflight.wait_idle(5.0)


async def open_thread(app: AsyncApp, fake: FakeSlack, inflight: InFlight, thread_ts: str = THREAD) -> None:
    fake.start_assistant_thread("D1", thread_ts)
    body = event_body(assistant_thread_started(thread_ts=thread_ts), event_id=f"EvStart{thread_ts}")
    assert (await dispatch(app, body)).status == 200
    await settle(inflight)


async def say(app: AsyncApp, inflight: InFlight, text: str, event_id: str, **where: Any) -> None:
    assert (await dispatch(app, event_body(assistant_message(text, **where), event_id=event_id))).status == 200
    await settle(inflight)


def methods(fake: FakeSlack) -> list[str]:
    return [call.method for call in fake.calls if call.method != "auth.test"]


# -- a new thread ------------------------------------------------------------------------------------


async def test_a_new_thread_offers_prompts_in_the_users_slack_language(
    app: AsyncApp, fake: FakeSlack, inflight: InFlight
) -> None:
    fake.locales["U1"] = "es-ES"
    await open_thread(app, fake, inflight)

    [offer] = fake.to("assistant.threads.setSuggestedPrompts")
    assert (offer["channel_id"], offer["thread_ts"]) == ("D1", THREAD)
    assert offer["title"] == t("assistant_prompts_title", "es")
    assert offer["prompts"] == [{"title": s.title, "message": s.message} for s in starters("es")]
    assert "Mi cliente no me paga" in raw(offer)
    assert fake.to("chat.postMessage") == [], "the prompts are the greeting"


async def test_a_saved_language_wins_over_the_slack_locale(
    app: AsyncApp, fake: FakeSlack, inflight: InFlight, coach: Coach
) -> None:
    fake.locales["U1"] = "es-ES"
    await coach.store.set_preferences("slack:T1:U1", Preferences(lang="ca"))
    await open_thread(app, fake, inflight)
    [offer] = fake.to("assistant.threads.setSuggestedPrompts")
    assert offer["title"] == t("assistant_prompts_title", "ca")
    assert "users.info" not in methods(fake), "no need to ask Slack"


async def test_a_retried_thread_start_offers_the_prompts_once(
    app: AsyncApp, fake: FakeSlack, inflight: InFlight
) -> None:
    fake.start_assistant_thread("D1", THREAD)
    body = event_body(assistant_thread_started(thread_ts=THREAD), event_id="EvStartRetried")
    await dispatch(app, body)
    await dispatch(app, body, headers={"x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout"})
    await settle(inflight)
    assert len(fake.to("assistant.threads.setSuggestedPrompts")) == 1


# -- messages in the thread ----------------------------------------------------------------------------


async def test_a_picked_prompt_shows_a_status_then_the_whole_answer_and_titles_the_thread(
    app: AsyncApp, fake: FakeSlack, inflight: InFlight
) -> None:
    await open_thread(app, fake, inflight)
    prompt = starters("en")[0]
    await say(app, inflight, prompt.message, "EvMsg1")

    calls = methods(fake)
    status, post, title = (
        calls.index(m) for m in ("assistant.threads.setStatus", "chat.postMessage", "assistant.threads.setTitle")
    )
    assert status < post < title, calls
    [busy] = fake.to("assistant.threads.setStatus")
    assert (busy["channel_id"], busy["thread_ts"], busy["status"]) == ("D1", THREAD, t("assistant_status", "en"))
    [answer] = fake.to("chat.postMessage")
    assert (answer["channel"], answer["thread_ts"]) == ("D1", THREAD)
    assert answer["blocks"][0]["text"]["text"] == "Late payment"
    assert "What to say" in raw(answer), "private, like a DM: the script is included"
    [named] = fake.to("assistant.threads.setTitle")
    assert (named["channel_id"], named["thread_ts"], named["title"]) == ("D1", THREAD, "Late payment")


async def test_the_thread_is_a_coaching_conversation_in_the_users_language(
    app: AsyncApp, fake: FakeSlack, inflight: InFlight
) -> None:
    fake.locales["U1"] = "es-ES"
    await open_thread(app, fake, inflight)
    await say(app, inflight, "mi cliente no me paga la factura", "EvEs1", ts="1700000021.1")
    await say(app, inflight, "¿qué le digo?", "EvEs2", ts="1700000022.1")
    await say(app, inflight, "temas", "EvEs3", ts="1700000023.1")  # a prompt's one word: the locale says Spanish

    advice, script, topics = fake.to("chat.postMessage")
    assert all((p["channel"], p["thread_ts"]) == ("D1", THREAD) for p in (advice, script, topics))
    assert advice["blocks"][0]["text"]["text"] == "Pago atrasado"
    assert "Hola [nombre del cliente]" in raw(script) or "Qué decir" in raw(script), "continues the situation"
    assert "Pago atrasado" in raw(topics)
    assert {c["status"] for c in fake.to("assistant.threads.setStatus")} == {t("assistant_status", "es")}
    assert [c["title"] for c in fake.to("assistant.threads.setTitle")] == ["Pago atrasado"]


async def test_each_assistant_thread_is_its_own_conversation(
    app: AsyncApp, fake: FakeSlack, inflight: InFlight
) -> None:
    await open_thread(app, fake, inflight, THREAD)
    await open_thread(app, fake, inflight, OTHER_THREAD)
    await say(app, inflight, "my client hasn't paid my invoice", "EvA1", thread_ts=THREAD, ts="1700000021.1")
    await say(app, inflight, "more", "EvB1", thread_ts=OTHER_THREAD, ts="1700000031.1")
    await say(app, inflight, "more", "EvA2", thread_ts=THREAD, ts="1700000022.1")

    first, fresh, follow_up = fake.to("chat.postMessage")
    assert fresh["thread_ts"] == OTHER_THREAD
    assert t("no_context", "en") in raw(fresh), "a new chat starts from nothing"
    assert follow_up["thread_ts"] == THREAD
    assert t("no_context", "en") not in raw(follow_up), "the first thread remembers its situation"
    assert "Late payment" in raw(follow_up)


async def test_a_button_in_an_assistant_thread_answers_in_that_thread(
    app: AsyncApp, fake: FakeSlack, inflight: InFlight
) -> None:
    await open_thread(app, fake, inflight)
    await say(app, inflight, "my client hasn't paid my invoice", "EvBtn1")
    [answer] = fake.to("chat.postMessage")
    assert "fb:up:late-payment" in raw(answer)
    payload = action_payload("fb:up:late-payment", channel="D1", message_ts="1700000040.1", thread_ts=THREAD)
    assert (await dispatch(app, action_body(payload), FORM)).status == 200
    await settle(inflight)
    _, thanks = fake.to("chat.postMessage")
    assert (thanks["channel"], thanks["thread_ts"]) == ("D1", THREAD)
    assert "Thanks" in thanks["text"]


async def test_a_retried_message_is_answered_once(app: AsyncApp, fake: FakeSlack, inflight: InFlight) -> None:
    await open_thread(app, fake, inflight)
    body = event_body(assistant_message("my client hasn't paid my invoice"), event_id="EvMsgRetried")
    await dispatch(app, body)
    await dispatch(app, body, headers={"x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout"})
    await settle(inflight)
    assert len(fake.to("chat.postMessage")) == 1
    assert len(fake.to("assistant.threads.setStatus")) == 1


async def test_the_coachs_own_answers_in_the_thread_are_not_answered(
    app: AsyncApp, fake: FakeSlack, inflight: InFlight
) -> None:
    await open_thread(app, fake, inflight)
    own = {**assistant_message("Late payment", user=BOT_USER), "bot_id": BOT_ID}
    del own["assistant_thread"]
    assert (await dispatch(app, event_body(own, event_id="EvOwn"))).status == 200
    await settle(inflight)
    assert fake.to("chat.postMessage") == []


async def test_an_answer_still_comes_when_slack_refuses_status_title_and_locale(
    app: AsyncApp, fake: FakeSlack, inflight: InFlight
) -> None:
    """An app whose token lacks assistant:write or users:read (manifest not updated yet) still coaches."""
    fake.fail("users.info", Failure("missing_scope"))
    fake.fail("assistant.threads.setStatus", Failure("missing_scope"))
    fake.fail("assistant.threads.setTitle", Failure("missing_scope"))
    await say(app, inflight, "my client hasn't paid my invoice", "EvNoScope")
    [answer] = fake.to("chat.postMessage")
    assert (answer["channel"], answer["thread_ts"]) == ("D1", THREAD)
    assert answer["blocks"][0]["text"]["text"] == "Late payment"


# -- workspaces without the assistant: DMs and mentions as before -----------------------------------------


async def test_without_the_assistant_dms_threads_and_mentions_work_as_before(
    app: AsyncApp, fake: FakeSlack, inflight: InFlight
) -> None:
    await dispatch(app, event_body(direct_message("my client hasn't paid my invoice"), event_id="EvDm"))
    await settle(inflight)
    reply_in_thread = direct_message("what do I say?", ts="1700000003.000100", thread_ts="1700000002.000100")
    await dispatch(app, event_body(reply_in_thread, event_id="EvDmThread"))
    await settle(inflight)
    await dispatch(app, event_body(mention("my client hasn't paid my invoice"), event_id="EvMention"))
    await settle(inflight)

    dm, in_thread, in_channel = fake.to("chat.postMessage")
    assert (dm["channel"], dm.get("thread_ts")) == ("D1", None)
    assert (in_thread["channel"], in_thread["thread_ts"]) == ("D1", "1700000002.000100")
    assert (in_channel["channel"], in_channel["thread_ts"]) == ("C1", "1700000001.000100")
    assert not [m for m in methods(fake) if m.startswith("assistant.") or m == "users.info"], methods(fake)
