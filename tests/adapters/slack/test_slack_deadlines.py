"""Slack's acknowledgement never waits on the store: within 1 s however slow it is, and the user is still
answered (without memory) once the bounded store calls give up."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from adapters.slack import create_app
from adapters.slack.inflight import InFlight
from adapters.slack.runner import build_http_app
from bot.engine.coach import Coach
from bot.engine.i18n import t
from bot.kb.model import KnowledgeBase
from bot.settings import Settings
from tests.adapters.slack.fake_slack_api import (
    FORM,
    JSON,
    FakeSlack,
    command_body,
    direct_message,
    event_body,
    sign,
)
from tests.adapters.slow_store import DEADLINE, SlowStore


@pytest.fixture
async def slow_server(
    fixture_kb: KnowledgeBase, settings: Settings, tmp_path: Path
) -> AsyncIterator[tuple[str, InFlight]]:
    from dataclasses import replace

    settings = replace(settings, store_timeout=2.0)  # the default: the deadline must not depend on it
    coach = Coach(fixture_kb, SlowStore(settings.db_path), settings)
    inflight = InFlight()
    runner = web.AppRunner(build_http_app(coach, settings, create_app(coach, settings, inflight=inflight)))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    yield f"http://{host}:{port}", inflight
    assert await inflight.wait_idle(10.0)
    await runner.cleanup()
    await coach.close()


@pytest.mark.parametrize("kind", ["dm event", "slash command"])
async def test_slack_acknowledges_within_a_second_whatever_the_store_does(
    slow_server: tuple[str, InFlight], fake: FakeSlack, kind: str
) -> None:
    url, inflight = slow_server
    if kind == "dm event":
        body, content_type = event_body(direct_message("my client hasn't paid my invoice"), event_id="EvSlow"), JSON
    else:
        body, content_type = command_body("my client hasn't paid my invoice", fake.response_url("slow")), FORM
    async with aiohttp.ClientSession() as session:
        started = time.perf_counter()
        headers = {"Content-Type": content_type, **sign(body)}
        async with session.post(f"{url}/slack/events", data=body.encode(), headers=headers) as response:
            await response.read()
            elapsed = time.perf_counter() - started
    assert response.status == 200
    assert elapsed < DEADLINE, f"acknowledged after {elapsed * 1000:.0f} ms"
    [answer] = await fake.wait_for("chat.postMessage" if kind == "dm event" else "response_url")
    assert t("store_down", "en")[:30] in str(answer), "answered without memory"
    assert await inflight.wait_idle(5.0)
