"""Knowledge hot reload: validate first, then swap; a broken edit keeps the old knowledge.

Validating and indexing the knowledge takes hundreds of milliseconds of CPU, so the servers reload
through :class:`Reloader`, which does that work in a worker thread and swaps on the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path

from bot.engine.coach import Coach, matcher_for
from bot.errors import KnowledgeError
from bot.kb.load import default_knowledge_dir
from bot.matching.compiled import Compiled, load_compiled
from bot.matching.matcher import Matcher

log = logging.getLogger("coach.reload")


def _load(coach: Coach) -> tuple[Compiled, Matcher] | None:
    """The new knowledge and its matcher, validated and built; None (logged) when the files are broken."""
    try:
        compiled = load_compiled(coach.settings.knowledge_dirs)
    except KnowledgeError as exc:
        shown = "\n".join(str(p) for p in exc.problems[:20])
        log.error(
            "knowledge reload rejected, keeping the previous knowledge (%d problems):\n%s", len(exc.problems), shown
        )
        return None
    return compiled, matcher_for(compiled, coach.settings)


def _swap(coach: Coach, loaded: tuple[Compiled, Matcher]) -> None:
    compiled, matcher = loaded
    coach.reload(compiled.kb, matcher)
    log.info("knowledge reloaded: %d topics", len(compiled.kb.topics))


def reload_knowledge(coach: Coach) -> bool:
    """Reload the knowledge from disk into ``coach``; False (and the old knowledge kept) on any problem."""
    loaded = _load(coach)
    if loaded is None:
        return False
    _swap(coach, loaded)
    return True


async def reload_knowledge_off_loop(coach: Coach) -> bool:
    """:func:`reload_knowledge` with the loading, validation, indexing and matcher in a worker thread."""
    loaded = await asyncio.to_thread(_load, coach)
    if loaded is None:
        return False
    _swap(coach, loaded)  # on the loop, and only the swap: requests see the old knowledge or the new
    return True


class Reloader:
    """Reloads on request (SIGHUP, a file change) without blocking the loop; one reload at a time."""

    def __init__(self, coach: Coach) -> None:
        self.coach = coach
        self._running: asyncio.Task[bool] | None = None
        self._again = False

    def request(self) -> None:
        """Safe to call from a signal handler on the loop. A request during a reload runs once it ends."""
        if self._running is not None and not self._running.done():
            self._again = True
            return
        self._running = asyncio.get_running_loop().create_task(self._run(), name="coach-reload")

    async def _run(self) -> bool:
        ok = await reload_knowledge_off_loop(self.coach)
        while self._again:
            self._again = False
            ok = await reload_knowledge_off_loop(self.coach)
        return ok

    async def wait(self) -> bool | None:
        """The result of the reload in progress (or the last one); None if none was ever requested."""
        return None if self._running is None else await self._running

    async def close(self) -> None:
        if self._running is not None and not self._running.done():
            self._running.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._running


def _snapshot(dirs: list[Path]) -> dict[Path, float]:
    seen: dict[Path, float] = {}
    for directory in dirs:
        for path in directory.rglob("*.yaml"):
            try:
                seen[path] = path.stat().st_mtime
            except OSError:
                continue
    return seen


async def watch_knowledge(coach: Coach, interval: float = 2.0, reloader: Reloader | None = None) -> None:
    """Poll the knowledge directories and reload when a file changes, appears or goes (``--watch``)."""
    reloader = reloader or Reloader(coach)
    dirs = [default_knowledge_dir(), *coach.settings.knowledge_dirs]
    before = await asyncio.to_thread(_snapshot, dirs)
    while True:
        await asyncio.sleep(interval)
        now = await asyncio.to_thread(_snapshot, dirs)
        if now != before:
            before = now
            reloader.request()
            await reloader.wait()
