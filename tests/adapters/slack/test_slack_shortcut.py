""" "Coach me on this": the message shortcut, through the real bolt app."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from slack_bolt.app.async_app import AsyncApp

from adapters.slack import create_app
from adapters.slack.inflight import InFlight
from bot.engine.coach import Coach
from bot.engine.i18n import t
from bot.engine.messages import Reply, Request
from bot.settings import Settings
from bot.store.base import Preferences
from tests.adapters.slack.fake_slack_api import FORM, FakeSlack, action_body, dispatch, message_shortcut_payload

CLIENT_SAYS = "Hi, we won't be able to pay invoice 2024-17 this month, cash flow is tight &amp; the board said no."


def raw(message: dict[str, Any]) -> str:
    return json.dumps(message, ensure_ascii=False)


class GatedCoach(Coach):
    gate: asyncio.Event

    async def handle(self, request: Request) -> Reply:
        await self.gate.wait()
        return await super().handle(request)


async def test_coach_me_on_this_acks_at_once_then_answers_privately_with_a_draft(
    coach: Coach, settings: Settings, fake: FakeSlack
) -> None:
    gated = GatedCoach(coach.kb, coach.store, settings)
    gated.gate = asyncio.Event()
    inflight = InFlight()
    app = create_app(gated, settings, inflight=inflight)

    started = time.monotonic()
    payload = message_shortcut_payload(CLIENT_SAYS, fake.response_url("shortcut"))
    response = await dispatch(app, action_body(payload), FORM)
    assert response.status == 200 and response.body == ""
    assert time.monotonic() - started < 1.0, "acknowledged well within Slack's 3 seconds"
    assert fake.to("response_url") == [], "the acknowledgement went out before the engine answered"

    gated.gate.set()
    assert await inflight.wait_idle(5.0)
    assert fake.to("chat.postMessage") == [], "nothing public"
    [answer] = fake.to("response_url")
    assert answer["response_type"] == "ephemeral" and answer["key"] == "shortcut"
    text = raw(answer)
    assert answer["blocks"][0]["text"]["text"] == "Late payment"  # the situation
    assert "What to do" in text and "What to say" in text  # the advice and a reply draft
    assert t("client_words", "en").split(":")[0] in text


async def test_a_forwarded_message_is_read_from_its_attachment(
    app: AsyncApp, fake: FakeSlack, inflight: InFlight
) -> None:
    forwarded = {"text": CLIENT_SAYS, "fallback": "[June 3rd] Ann: ...", "author_id": "U9", "is_share": True}
    payload = message_shortcut_payload("", fake.response_url("fwd"), attachments=[forwarded])
    await dispatch(app, action_body(payload), FORM)
    assert await inflight.wait_idle(5.0)
    [answer] = fake.to("response_url")
    assert answer["blocks"][0]["text"]["text"] == "Late payment"


async def test_the_clients_words_are_never_commands(
    app: AsyncApp, fake: FakeSlack, inflight: InFlight, coach: Coach
) -> None:
    await coach.store.set_preferences("slack:T1:U1", Preferences(lang="es"))
    payload = message_shortcut_payload("forget it", fake.response_url("cmd"))
    await dispatch(app, action_body(payload), FORM)
    assert await inflight.wait_idle(5.0)
    assert await coach.store.holds_anything_about("slack:T1:U1"), "a client's 'forget it' forgets nothing"
    [answer] = fake.to("response_url")
    assert t("forgotten", "es") not in raw(answer)
