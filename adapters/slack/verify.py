"""Slack's request signatures, checked strictly before anything else reads a request.

slack_sdk's verifier calls ``int()`` on the timestamp header, so ``abc``, ``""`` or ``12.5``
raise inside bolt's check and bolt hands the *unverified* body to the app's error handler.
Here a malformed header is simply an invalid signature: the request is refused with 401
and one log line that never includes the body, and nothing in the app runs.

Over HTTP the check runs at the edge (:func:`read_slack_request`), before the body is even
decoded; the same check also replaces bolt's own middleware (:class:`StrictRequestVerification`)
so a request that reaches the bolt app some other way is held to it too. Socket Mode requests
arrive over the connection opened with the app-level token and carry no signature.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

log = logging.getLogger("coach.slack")

MAX_SKEW = 300.0  # seconds; Slack's own advice
VERIFIED = "coach_verified"  # set in the bolt context once a request is known to come from Slack
_TIMESTAMP = re.compile(r"[0-9]{1,12}")  # ASCII digits only: "١٢" or "12.5" or 400 digits are not a time
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


class MalformedRequest(ValueError):
    """A signed request whose body Slack could not have sent (bad JSON, not UTF-8, wrong shapes)."""


def signature_problem(
    secret: str, timestamp: str | None, signature: str | None, body: bytes, now: float | None = None
) -> str | None:
    """Why this request is not from Slack, or None when its signature is valid. Never raises."""
    if not secret:
        return "no signing secret configured"
    if timestamp is None or signature is None:
        return "no signature headers"
    if not _TIMESTAMP.fullmatch(timestamp):
        return "malformed timestamp"
    if abs((time.time() if now is None else now) - int(timestamp)) > MAX_SKEW:
        return "stale timestamp"
    if not _SIGNATURE.fullmatch(signature):
        return "malformed signature"
    expected = "v0=" + hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        return "signature mismatch"
    return None


def _first(headers: Mapping[str, Any], name: str) -> str | None:
    value = headers.get(name)
    if isinstance(value, (list, tuple)):
        value = value[0] if value else None
    return value if isinstance(value, str) else None


def parse_request(raw: bytes, query: str, headers: Mapping[str, str]) -> AsyncBoltRequest:
    """A bolt request from a verified body, or :class:`MalformedRequest` naming what is wrong (never the content)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedRequest("the body is not UTF-8") from None
    try:
        request = AsyncBoltRequest(body=text, query=query, headers=dict(headers))
    except (ValueError, TypeError, AttributeError, KeyError, IndexError) as exc:
        # json.JSONDecodeError is a ValueError: a broken JSON body or a broken form ``payload``.
        raise MalformedRequest(f"the body cannot be parsed ({type(exc).__name__})") from None
    check_shape(request.body)
    return request


def check_shape(body: object) -> None:
    """The few shapes the handlers rely on; anything else is a 400, not a 500 inside a handler."""
    if not isinstance(body, dict):
        raise MalformedRequest("the body is not an object")
    if body.get("type") == "event_callback" and not isinstance(body.get("event"), dict):
        raise MalformedRequest("event_callback without an event object")
    if "event" in body and not isinstance(body["event"], dict):
        raise MalformedRequest("event is not an object")
    for key in ("user", "team", "channel", "container", "view", "message", "enterprise"):
        if body.get(key) is not None and not isinstance(body[key], (dict, str)):
            raise MalformedRequest(f"{key} has the wrong type")
    for key in ("actions", "authorizations"):
        value = body.get(key)
        if value is not None and not (isinstance(value, list) and all(isinstance(v, dict) for v in value)):
            raise MalformedRequest(f"{key} is not a list of objects")


class StrictRequestVerification(AsyncMiddleware):
    """Bolt's signature check without its crash on a malformed timestamp and without logging the body.

    Installed as bolt's ``before_authorize`` middleware with the built-in check turned off, so it runs
    where the built-in one did: before authorization (``auth.test``) and every listener.
    """

    def __init__(self, signing_secret: str) -> None:
        self.signing_secret = signing_secret

    async def async_process(
        self,
        *,
        req: AsyncBoltRequest,
        resp: BoltResponse,
        next: Callable[[], Awaitable[BoltResponse]],  # bolt's parameter name
    ) -> BoltResponse | None:
        if req.mode != "socket_mode":
            problem = signature_problem(
                self.signing_secret,
                _first(req.headers, "x-slack-request-timestamp"),
                _first(req.headers, "x-slack-signature"),
                req.raw_body.encode("utf-8", "surrogatepass"),
            )
            if problem is not None:
                log.warning("refused a Slack request: %s", problem)
                return BoltResponse(status=401, body={"error": "invalid request"})
        req.context[VERIFIED] = True
        return await next()


def is_verified(context: Mapping[str, Any]) -> bool:
    return context.get(VERIFIED) is True
