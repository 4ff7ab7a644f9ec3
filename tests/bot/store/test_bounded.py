"""BoundedStore: no store call outlasts its bound."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest

from bot.errors import StoreError
from bot.settings import Settings
from bot.store.bounded import BoundedStore, bounded
from tests.adapters.slow_store import SlowStore


async def test_a_slow_store_call_is_abandoned_at_the_bound(tmp_path: Path) -> None:
    store = BoundedStore(SlowStore(tmp_path / "c.db"), timeout=0.2)
    started = time.perf_counter()
    with pytest.raises(StoreError, match="within 0.2 s"):
        await store.claim_event("Ev1", 60)
    assert time.perf_counter() - started < 0.5
    assert await store.ping() is True, "the calls that are not slow go through"
    assert await store.problem() is None
    assert bounded(store, 5.0) is store, "never wrapped twice"
    await store.close()


def test_the_store_timeout_is_a_setting() -> None:
    assert Settings.from_env({"COACH_STORE_TIMEOUT": "0.5"}).store_timeout == 0.5
    assert replace(Settings(), store_timeout=1.0).store_timeout == 1.0
