"""SIGTERM on Discord: no new events are taken, a deferred answer in flight is still followed up, then close."""

from __future__ import annotations

import asyncio
import os
import signal

from bot.engine.coach import Coach
from bot.engine.messages import Reply, Request
from bot.kb.model import KnowledgeBase
from bot.settings import Settings
from bot.store.sqlite import SqliteStore
from tests.adapters.discord.conftest import StartClient
from tests.adapters.discord.discord_fake_api import FakeDiscord, deliver_interaction, settle, slash


class GatedCoach(Coach):
    """The real engine, held until the test opens the gate."""

    gate: asyncio.Event

    async def handle(self, request: Request) -> Reply:
        await self.gate.wait()
        return await super().handle(request)


async def test_a_deferred_answer_in_flight_is_followed_up_before_the_client_closes(
    fixture_kb: KnowledgeBase, settings: Settings, api: FakeDiscord, start_client: StartClient
) -> None:
    coach = GatedCoach(fixture_kb, SqliteStore(settings.db_path), settings)
    coach.gate = asyncio.Event()
    client = await start_client(coach)
    deliver_interaction(client, slash("ask", {"situation": "my client hasn't paid my invoice"}))
    await api.wait_for(lambda: bool(api.callbacks()))  # deferred; the engine is still thinking

    closing = asyncio.create_task(client.close_gracefully(grace=5.0))
    await asyncio.sleep(0.2)
    assert not client.is_closed(), "the client waits for the answer in flight"

    deliver_interaction(client, slash("ask", {"situation": "a second request during the shutdown"}))
    await asyncio.sleep(0.1)
    assert len(api.callbacks()) == 1, "no new interaction is taken while closing"

    coach.gate.set()
    await asyncio.wait_for(closing, 5.0)
    assert api.followups(), "the deferred /coach ask got its answer"
    assert client.is_closed()
    await settle()
    await coach.close()


async def test_the_grace_period_is_bounded(
    fixture_kb: KnowledgeBase, settings: Settings, api: FakeDiscord, start_client: StartClient
) -> None:
    coach = GatedCoach(fixture_kb, SqliteStore(settings.db_path), settings)
    coach.gate = asyncio.Event()  # never opened: an answer that hangs
    client = await start_client(coach)
    deliver_interaction(client, slash("ask", {"situation": "my client hasn't paid my invoice"}))
    await api.wait_for(lambda: bool(api.callbacks()))
    await asyncio.wait_for(client.close_gracefully(grace=0.3), 5.0)
    assert client.is_closed()
    coach.gate.set()
    await settle()
    await coach.close()


async def test_sigterm_closes_gracefully(
    fixture_kb: KnowledgeBase, settings: Settings, api: FakeDiscord, start_client: StartClient
) -> None:
    from adapters.discord.runner import _handle_signals
    from bot.reload import Reloader

    coach = GatedCoach(fixture_kb, SqliteStore(settings.db_path), settings)
    coach.gate = asyncio.Event()
    client = await start_client(coach)
    _handle_signals(client, Reloader(coach))
    loop = asyncio.get_running_loop()
    try:
        deliver_interaction(client, slash("ask", {"situation": "my client hasn't paid my invoice"}))
        await api.wait_for(lambda: bool(api.callbacks()))
        os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.sleep(0.2)
        assert not client.is_closed(), "SIGTERM no longer closes at once"
        coach.gate.set()
        for _ in range(100):
            if client.is_closed():
                break
            await asyncio.sleep(0.05)
        assert client.is_closed() and api.followups()
    finally:
        loop.remove_signal_handler(signal.SIGTERM)
        loop.remove_signal_handler(signal.SIGHUP)
        await settle()
        await coach.close()
