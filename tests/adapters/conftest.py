"""Shared by the Slack and Discord adapter tests: the engine on the fixture knowledge and a real SQLite store.

Each platform's conftest provides the ``settings`` fixture (its tokens and a database path).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.engine.coach import Coach
from bot.kb.model import KnowledgeBase
from bot.settings import Settings
from bot.store.sqlite import SqliteStore


@pytest.fixture
async def coach(fixture_kb: KnowledgeBase, settings: Settings) -> AsyncIterator[Coach]:
    engine = Coach(fixture_kb, SqliteStore(settings.db_path), settings)
    yield engine
    await engine.close()
