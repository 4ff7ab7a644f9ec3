from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from slack_bolt.app.async_app import AsyncApp

from adapters.slack import create_app
from adapters.slack.inflight import InFlight
from bot.engine.coach import Coach
from bot.settings import Settings
from tests.adapters.slack.fake_slack_api import BOT_TOKEN, SIGNING_SECRET, FakeSlack


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    server = await FakeSlack().start()
    yield server
    await server.close()


@pytest.fixture
def settings(fake: FakeSlack, tmp_path: Path) -> Settings:
    return Settings(
        db_path=tmp_path / "coach.db",
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake.api_url,
    )


@pytest.fixture
def inflight() -> InFlight:
    return InFlight()


@pytest.fixture
async def app(coach: Coach, settings: Settings, inflight: InFlight) -> AsyncIterator[AsyncApp]:
    yield create_app(coach, settings, inflight=inflight)
    # Handlers run as tasks after the acknowledgement; let them finish before the loop closes.
    assert await inflight.wait_idle(5.0)
