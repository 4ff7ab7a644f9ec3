"""Answer each Slack event once, however many times Slack delivers it.

Slack re-delivers an event it thinks timed out (``X-Slack-Retry-Num`` over HTTP,
``retry_attempt`` in Socket Mode, which bolt turns into the same header). The claim
goes through the shared store, so a retry that reaches another replica is dropped too.

The claim is made by the handler, after bolt has acknowledged the event: the
acknowledgement never waits on the store (a slow store once made a 3.5 s ack, past
Slack's 3 s, and Slack retried). The middleware only notes the event id.

The claim is a lease (``EVENT_LEASE``) while the answer is being written: once it is
sent the claim is kept for an hour (done); if answering fails, or the process dies,
the claim is dropped or runs out, and Slack's next re-delivery is answered.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any

from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.errors import StoreError
from bot.store.base import Store

log = logging.getLogger("coach.slack")

EVENT_CLAIM_TTL = 3600.0  # how long a handled event is remembered
EVENT_LEASE = 60.0  # how long a delivery being answered holds the event (Slack re-delivers after 1 and 5 min)
_EVENT = "coach_event_id"
_RETRY = "coach_retry_num"


class EventDeduplication(AsyncMiddleware):
    """Notes each event's id (and retry number) in the context for :func:`first_delivery`; no I/O."""

    async def async_process(
        self,
        *,
        req: AsyncBoltRequest,
        resp: BoltResponse,
        next: Callable[[], Awaitable[BoltResponse]],  # bolt's parameter name
    ) -> BoltResponse | None:
        event_id = req.body.get("event_id") if req.body.get("type") == "event_callback" else None
        if isinstance(event_id, str) and event_id:
            req.context[_EVENT] = event_id
            req.context[_RETRY] = req.headers.get("x-slack-retry-num", ["0"])[0]
        return await next()


@asynccontextmanager
async def event_claim(store: Store, context: Mapping[str, Any] | None) -> AsyncIterator[bool]:
    """Yields whether to answer: False for an event another delivery holds or has answered.

    Holds a lease on the event while the body runs; marks it done when the body finishes, and releases
    it when the body raises, so a re-delivery can answer instead.
    """
    event_id = context.get(_EVENT) if context is not None else None
    if not isinstance(event_id, str):
        yield True
        return
    first = await first_delivery(store, context or {}, EVENT_LEASE)
    if not first:
        yield False
        return
    try:
        yield True
    except BaseException:
        await _settle(store.release_event(event_id), "release")
        raise
    await _settle(store.finish_event(event_id, EVENT_CLAIM_TTL), "finish")


async def _settle(call: Awaitable[None], what: str) -> None:
    try:
        await call
    except StoreError as exc:
        log.warning("could not %s a Slack event claim: %s", what, exc)


async def first_delivery(store: Store, context: Mapping[str, Any], ttl: float = EVENT_CLAIM_TTL) -> bool:
    """False when this event was already claimed (a re-delivery); True otherwise, or when the store cannot say."""
    event_id = context.get(_EVENT)
    if not isinstance(event_id, str):
        return True
    try:
        first = await store.claim_event(event_id, ttl)
    except StoreError as exc:
        # Better a rare double answer than no answer while the store is down or slow.
        log.warning("cannot de-duplicate Slack events, the store is unavailable: %s", exc)
        return True
    if not first:
        log.info("Slack event %s already handled; delivery (retry %s) ignored", event_id, context.get(_RETRY, "0"))
    return first
