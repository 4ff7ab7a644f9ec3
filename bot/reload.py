"""Knowledge hot reload: validate first, then swap; a broken edit keeps the old knowledge."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from bot.engine.coach import Coach, matcher_for
from bot.errors import KnowledgeError
from bot.kb.load import default_knowledge_dir
from bot.matching.compiled import load_compiled

log = logging.getLogger("coach.reload")


def reload_knowledge(coach: Coach) -> bool:
    """Reload the knowledge from disk into ``coach``; False (and the old knowledge kept) on any problem."""
    try:
        compiled = load_compiled(coach.settings.knowledge_dirs)
    except KnowledgeError as exc:
        shown = "\n".join(str(p) for p in exc.problems[:20])
        log.error(
            "knowledge reload rejected, keeping the previous knowledge (%d problems):\n%s", len(exc.problems), shown
        )
        return False
    coach.reload(compiled.kb, matcher_for(compiled, coach.settings))
    log.info("knowledge reloaded: %d topics", len(compiled.kb.topics))
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
