"""Knowledge hot reload: validate first, then swap; a broken edit keeps the old knowledge."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from bot.engine.coach import Coach
from bot.kb.load import check_knowledge, default_knowledge_dir

log = logging.getLogger("coach.reload")


def reload_knowledge(coach: Coach) -> bool:
    """Reload the knowledge from disk into ``coach``; False (and the old knowledge kept) on any problem."""
    kb, problems = check_knowledge(extra_dirs=coach.settings.knowledge_dirs)
    if kb is None:
        log.error(
            "knowledge reload rejected, keeping the previous knowledge (%d problems):\n%s",
            len(problems),
            "\n".join(str(p) for p in problems[:20]),
        )
        return False
    coach.reload(kb)
    log.info("knowledge reloaded: %d topics", len(kb.topics))
    return True


def _snapshot(dirs: list[Path]) -> dict[Path, float]:
    seen: dict[Path, float] = {}
    for directory in dirs:
        for path in directory.rglob("*.yaml"):
            try:
                seen[path] = path.stat().st_mtime
            except OSError:
                continue
    return seen


async def watch_knowledge(coach: Coach, interval: float = 2.0) -> None:
    """Poll the knowledge directories and reload when a file changes, appears or goes (``--watch``)."""
    dirs = [default_knowledge_dir(), *coach.settings.knowledge_dirs]
    before = _snapshot(dirs)
    while True:
        await asyncio.sleep(interval)
        now = _snapshot(dirs)
        if now != before:
            before = now
            reload_knowledge(coach)
