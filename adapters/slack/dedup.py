"""Answer each Slack event once, however many times Slack delivers it.

Slack re-delivers an event it thinks timed out (``X-Slack-Retry-Num`` over HTTP,
``retry_attempt`` in Socket Mode, which bolt turns into the same header). The claim
goes through the shared store, so a retry that reaches another replica is dropped too.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from adapters.slack.translate import is_channel_message
from bot.errors import StoreError
from bot.store.base import Store

log = logging.getLogger("coach.slack")

EVENT_CLAIM_TTL = 3600.0


class EventDeduplication(AsyncMiddleware):
    def __init__(self, store: Store, ttl: float = EVENT_CLAIM_TTL) -> None:
        self.store = store
        self.ttl = ttl

    async def async_process(
        self,
        *,
        req: AsyncBoltRequest,
        resp: BoltResponse,
        next: Callable[[], Awaitable[BoltResponse]],  # bolt's parameter name
    ) -> BoltResponse | None:
        event_id = req.body.get("event_id") if req.body.get("type") == "event_callback" else None
        if not isinstance(event_id, str) or not event_id or is_channel_message(req.body):
            # Channel messages are mostly none of the coach's: the thread follow-up handler claims the few it answers.
            return await next()
        try:
            first = await self.store.claim_event(event_id, self.ttl)
        except StoreError as exc:
            # Better a rare double answer than no answer while the store is down.
            log.warning("cannot de-duplicate Slack events, the store is unavailable: %s", exc)
            return await next()
        if first:
            return await next()
        retry = req.headers.get("x-slack-retry-num", ["0"])[0]
        log.info("Slack event %s already handled; delivery (retry %s) acknowledged and ignored", event_id, retry)
        return BoltResponse(status=200, body="")
