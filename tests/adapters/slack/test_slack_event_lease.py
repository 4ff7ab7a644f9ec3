"""Exactly once, all the way: a delivery that fails to answer gives the event back for Slack's retry, a
delivery that answered keeps it, and a claim left by a dead process runs out."""

from __future__ import annotations

import asyncio

from slack_bolt.app.async_app import AsyncApp

from adapters.slack.dedup import EVENT_LEASE
from adapters.slack.inflight import InFlight
from bot.engine.coach import Coach
from tests.adapters.slack.fake_slack_api import Failure, FakeSlack, direct_message, dispatch, event_body


async def test_a_delivery_that_could_not_answer_lets_the_retry_answer(
    app: AsyncApp, fake: FakeSlack, inflight: InFlight
) -> None:
    body = event_body(direct_message("my client hasn't paid my invoice"), event_id="EvFail")
    fake.fail("chat.postMessage", Failure(error="internal_error"))  # the answer is lost
    await dispatch(app, body)
    refused, apology = await fake.wait_for("chat.postMessage", 2)
    assert "Late payment" in str(refused) and "Late payment" not in str(apology)
    assert await inflight.wait_idle(5.0)

    await dispatch(app, body, headers={"x-slack-retry-num": "1", "x-slack-retry-reason": "http_error"})
    posts = await fake.wait_for("chat.postMessage", 3)
    assert await inflight.wait_idle(5.0)
    assert "Late payment" in str(posts[2]), "Slack's retry got the answer"


async def test_an_answered_event_stays_answered(app: AsyncApp, fake: FakeSlack, inflight: InFlight) -> None:
    body = event_body(direct_message("my client hasn't paid my invoice"), event_id="EvDone")
    await dispatch(app, body)
    assert await inflight.wait_idle(5.0)
    await dispatch(app, body, headers={"x-slack-retry-num": "1", "x-slack-retry-reason": "timeout"})
    assert await inflight.wait_idle(5.0)
    assert len(fake.to("chat.postMessage")) == 1


async def test_a_claim_left_by_a_dead_process_runs_out(
    app: AsyncApp, coach: Coach, fake: FakeSlack, inflight: InFlight
) -> None:
    assert EVENT_LEASE <= 120, "a retry (Slack sends them after 1 and 5 minutes) can take over"
    # Another replica claimed the event with a short lease and died before answering.
    assert await coach.store.claim_event("EvOrphan", 0.3)
    body = event_body(direct_message("my client hasn't paid my invoice"), event_id="EvOrphan")
    await dispatch(app, body, headers={"x-slack-retry-num": "1"})
    assert await inflight.wait_idle(5.0)
    assert fake.to("chat.postMessage") == [], "while the lease holds, the retry is not answered twice"

    await asyncio.sleep(0.4)
    await dispatch(app, body, headers={"x-slack-retry-num": "2"})
    await fake.wait_for("chat.postMessage")
    assert await inflight.wait_idle(5.0)
