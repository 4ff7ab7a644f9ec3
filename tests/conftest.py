from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from bot.kb.load import load_knowledge
from bot.kb.model import KnowledgeBase

FIXTURE_KB = Path(__file__).parent / "fixtures" / "kb"


def pytest_configure(config: pytest.Config) -> None:
    # Compiled-index caches written by tests (and the CLI they start) stay out of the user's ~/.cache.
    os.environ["COACH_CACHE_DIR"] = tempfile.mkdtemp(prefix="coach-test-cache-")


@pytest.fixture(scope="session")
def fixture_kb() -> KnowledgeBase:
    return load_knowledge(FIXTURE_KB)


@pytest.fixture(scope="session")
def real_kb() -> KnowledgeBase:
    return load_knowledge()
