"""Health that follows the mode: `coach serve` writes a heartbeat, `coach health` reads it.

With ``COACH_HEALTH_FILE`` set, a serving process rewrites that small JSON file every
``INTERVAL`` seconds with its mode and whether it is well: connected to the platform
(Socket Mode, Discord's gateway) and able to reach its store. ``coach health`` (the
container's HEALTHCHECK) is healthy when the file is fresh and says so; in Slack HTTP
mode it also asks the server's own ``/healthz``. So one health check works for Slack
HTTP, Slack Socket Mode and Discord alike.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import time
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("coach.health")

INTERVAL = 10.0  # seconds between heartbeats
STALE_AFTER = 3 * INTERVAL  # a heartbeat older than this means the process is stuck or gone

# Returns (well, what to say): connected and store reachable, or what is wrong.
Check = Callable[[], Awaitable[tuple[bool, str]]]


@dataclass(frozen=True)
class Health:
    ok: bool
    message: str


def write_heartbeat(path: Path, mode: str, ok: bool, detail: str, url: str = "", now: float | None = None) -> None:
    """Replace the file in one step, so a reader never sees half of it."""
    body = {"mode": mode, "ok": ok, "detail": detail, "url": url, "pid": os.getpid(), "updated": now or time.time()}
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_text(json.dumps(body), encoding="utf-8")
    partial.replace(path)


async def run_heartbeat(path: Path, mode: str, check: Check, url: str = "", interval: float = INTERVAL) -> None:
    """Write a heartbeat now and every ``interval`` seconds until cancelled; remove the file on the way out."""
    try:
        while True:
            try:
                ok, detail = await asyncio.wait_for(check(), timeout=interval)
            except Exception as exc:  # a check that fails is an unhealthy heartbeat, never a dead loop
                ok, detail = False, f"health check failed: {exc.__class__.__name__}"
            try:
                write_heartbeat(path, mode, ok, detail, url)
            except OSError as exc:
                log.warning("cannot write the heartbeat to %s: %s", path, exc.__class__.__name__)
            await asyncio.sleep(interval)
    finally:
        with contextlib.suppress(OSError):
            path.unlink()


def start_heartbeat(path: Path | None, mode: str, check: Check, url: str = "") -> asyncio.Task[None] | None:
    """The heartbeat as a task, when a health file is configured (``COACH_HEALTH_FILE``)."""
    if path is None:
        return None
    return asyncio.create_task(run_heartbeat(path, mode, check, url), name="coach-heartbeat")


async def stop_heartbeat(task: asyncio.Task[None] | None) -> None:
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def read_health(path: Path, now: float | None = None, timeout: float = 4.0) -> Health:
    """Healthy when the heartbeat is fresh and well, and (in HTTP mode) ``/healthz`` answers 200."""
    try:
        beat = json.loads(path.read_text(encoding="utf-8"))
        mode, ok, detail, url, updated = beat["mode"], beat["ok"], beat["detail"], beat["url"], float(beat["updated"])
    except FileNotFoundError:
        return Health(False, f"no heartbeat at {path}: `coach serve` is not running (or not started yet)")
    except (OSError, ValueError, KeyError, TypeError):
        return Health(False, f"the heartbeat at {path} cannot be read")
    age = (time.time() if now is None else now) - updated
    if age > STALE_AFTER:
        return Health(False, f"{mode}: the last heartbeat is {age:.0f} s old (the process is stuck or gone)")
    if not ok:
        return Health(False, f"{mode}: {detail}")
    if url:
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (our own URL)
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except (OSError, ValueError) as exc:
            return Health(False, f"{mode}: {url} does not answer ({exc.__class__.__name__})")
        if status != 200:
            return Health(False, f"{mode}: {url} answered {status}")
    return Health(True, f"{mode}: {detail}")
