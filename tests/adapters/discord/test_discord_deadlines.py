"""Discord's defer never waits on the store: within 1 s however slow it is, then the follow-up."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

from bot.engine.coach import Coach
from bot.kb.model import KnowledgeBase
from bot.settings import Settings
from tests.adapters.discord.conftest import StartClient
from tests.adapters.discord.discord_fake_api import FakeDiscord, deliver_interaction, settle, slash
from tests.adapters.slow_store import DEADLINE, SlowStore


async def test_discord_defers_within_a_second_whatever_the_store_does(
    fixture_kb: KnowledgeBase, settings: Settings, api: FakeDiscord, start_client: StartClient, tmp_path: Path
) -> None:
    settings = replace(settings, store_timeout=2.0)  # the default: the deadline must not depend on it
    coach = Coach(fixture_kb, SlowStore(tmp_path / "slow.db"), settings)
    client = await start_client(coach, settings)
    started = time.perf_counter()
    deliver_interaction(client, slash("ask", {"situation": "my client hasn't paid my invoice"}))
    await api.wait_for(lambda: bool(api.callbacks()))
    elapsed = time.perf_counter() - started
    assert elapsed < DEADLINE, f"deferred after {elapsed * 1000:.0f} ms"
    assert api.callbacks()[0].body["type"] == 5
    await settle()
    assert api.followups(), "answered after the defer"
    await coach.close()
