from __future__ import annotations

from pathlib import Path

import pytest

from bot.kb.load import load_knowledge
from bot.kb.model import KnowledgeBase

FIXTURE_KB = Path(__file__).parent / "fixtures" / "kb"


@pytest.fixture(scope="session")
def fixture_kb() -> KnowledgeBase:
    return load_knowledge(FIXTURE_KB)


@pytest.fixture(scope="session")
def real_kb() -> KnowledgeBase:
    return load_knowledge()
