from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from adapters.discord import create_client
from adapters.discord.client import CoachClient
from bot.engine.coach import Coach
from bot.settings import Settings
from tests.adapters.discord.discord_fake_api import TOKEN, FakeDiscord, guild_create, settle

StartClient = Callable[..., Awaitable[CoachClient]]


@pytest.fixture
async def api() -> AsyncIterator[FakeDiscord]:
    from discord.http import Route  # after adapters.discord, which imports discord.py quietly

    fake = FakeDiscord()
    base = await fake.start()
    original = Route.BASE
    Route.BASE = base
    try:
        yield fake
    finally:
        Route.BASE = original
        await fake.stop()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(db_path=tmp_path / "coach.db", discord_token=TOKEN)


@pytest.fixture
async def start_client(api: FakeDiscord, coach: Coach, settings: Settings) -> AsyncIterator[StartClient]:
    """Log a client in against the fake API (REST only, no gateway) and feed it the guild it is in."""
    clients: list[CoachClient] = []

    async def start(engine: Coach | None = None, config: Settings | None = None) -> CoachClient:
        client = create_client(engine or coach, config or settings)
        clients.append(client)
        await client.login(TOKEN)
        client._connection.parse_guild_create(guild_create())
        return client

    yield start
    await settle()
    for client in clients:
        await client.close()


@pytest.fixture
async def bot(start_client: StartClient) -> CoachClient:
    return await start_client()
