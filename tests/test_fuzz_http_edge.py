"""Fuzzing the Slack HTTP edge: whatever arrives without a valid signature, or signed but malformed, the bot
makes no outgoing call (no post, no response_url, no DM, not even auth.test), writes nothing and never answers 5xx."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.slack import create_app
from adapters.slack.inflight import InFlight
from adapters.slack.runner import build_http_app
from adapters.slack.verify import MalformedRequest, parse_request
from bot.engine.coach import Coach
from bot.kb.load import load_knowledge
from bot.settings import Settings
from bot.store.sqlite import SqliteStore
from tests.adapters.slack.fake_slack_api import (
    BOT_TOKEN,
    FORM,
    JSON,
    SIGNING_SECRET,
    FakeSlack,
    action_body,
    action_payload,
    command_body,
    direct_message,
    event_body,
    mention,
    sign,
)
from tests.adapters.slack.test_slack_security import rows_written
from tests.conftest import FIXTURE_KB

RESPONSE_URL = "http://127.0.0.1:9/response/ssrf"  # nothing listens there, and nothing may try

TRUSTED_LOOKING = st.sampled_from(
    [
        (event_body(mention("my client won't pay", channel="CVICTIM")), JSON),
        (event_body(direct_message("my client won't pay")), JSON),
        (command_body("help", RESPONSE_URL), FORM),
        (action_body(action_payload("lang:fi", home=True, user="UVICTIM")), FORM),
        (action_body(action_payload("feedback:yes:late-payment", response_url=RESPONSE_URL)), FORM),
        (json.dumps({"type": "url_verification", "challenge": "x"}), JSON),
        ("ssl_check=1&token=x", FORM),
    ]
)
JSONISH: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
SHAPED = st.fixed_dictionaries(
    {"type": st.sampled_from(["event_callback", "block_actions", "url_verification", "x"])},
    optional={"event": JSONISH, "event_id": JSONISH, "actions": JSONISH, "user": JSONISH, "authorizations": JSONISH},
).map(lambda d: (json.dumps(d), JSON))
BODY = st.one_of(
    TRUSTED_LOOKING,
    SHAPED,
    st.tuples(st.text(max_size=300), st.sampled_from([JSON, FORM, "text/plain"])),
    st.tuples(st.binary(max_size=300), st.sampled_from([JSON, FORM])),
    st.tuples(st.text(max_size=100).map(lambda s: "payload=" + s), st.just(FORM)),
)
TIMESTAMP = st.one_of(
    st.none(),
    st.sampled_from(["abc", "", "12.5", "9" * 400, "-1", "now", "stale", "future"]),
    st.text(max_size=20),
    st.integers().map(str),
)
SIGNATURE = st.one_of(st.none(), st.text(max_size=80), st.just("v0=" + "0" * 64), st.just("forged"))
# signed: the request carries Slack's real signature (the body may still be malformed)
REQUEST = st.tuples(BODY, TIMESTAMP, SIGNATURE, st.booleans())


def _as_bytes(body: str | bytes) -> bytes:
    return body if isinstance(body, bytes) else body.encode("utf-8", "surrogatepass")


def _headers(
    raw: bytes, content_type: str, timestamp: str | None, signature: str | None, signed: bool
) -> dict[str, str]:
    now = int(time.time())
    ts = {"now": str(now), "stale": str(now - 3600), "future": str(now + 3600)}.get(timestamp or "", timestamp)
    headers = {"Content-Type": content_type}
    if signed:
        ts = str(now)
        digest = hmac.new(SIGNING_SECRET.encode(), f"v0:{ts}:".encode() + raw, hashlib.sha256).hexdigest()
        signature = f"v0={digest}"
    elif signature == "forged":
        signature = sign(raw.decode("utf-8", "replace"), secret="not-the-secret")["x-slack-signature"]
    for name, value in (("X-Slack-Request-Timestamp", ts), ("X-Slack-Signature", signature)):
        if value is not None and value.isprintable() and value.isascii():
            headers[name] = value
    return headers


def _is_well_formed(raw: bytes, content_type: str) -> bool:
    """Whether a signed request is one Slack could send (then the bot may act on it: not this test's concern)."""
    try:
        parse_request(raw, "", {"content-type": content_type})
    except MalformedRequest:
        return False
    return True


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(requests=st.lists(REQUEST, min_size=1, max_size=15))
def test_unsigned_or_malformed_requests_never_reach_the_web_api(
    requests: list[tuple[tuple[str | bytes, str], str | None, str | None, bool]],
) -> None:
    async def run() -> None:
        fake = await FakeSlack().start()
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "coach.db"
            settings_ = Settings(
                db_path=db, slack_bot_token=BOT_TOKEN, slack_signing_secret=SIGNING_SECRET, slack_api_url=fake.api_url
            )
            coach = Coach(load_knowledge(FIXTURE_KB), SqliteStore(db), settings_)
            inflight = InFlight()
            runner = web.AppRunner(build_http_app(coach, settings_, create_app(coach, settings_, inflight=inflight)))
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", 0).start()
            host, port = runner.addresses[0][:2]
            try:
                async with aiohttp.ClientSession() as session:
                    for (body, content_type), timestamp, signature, signed in requests:
                        raw = _as_bytes(body)
                        if signed and _is_well_formed(raw, content_type):
                            continue  # a genuine Slack request may act: not what this test is about
                        headers = _headers(raw, content_type, timestamp, signature, signed)
                        async with session.post(f"http://{host}:{port}/slack/events", data=raw, headers=headers) as r:
                            assert r.status < 500, (raw[:100], headers, r.status)
                            assert r.status == (400 if signed else 401), (raw[:100], headers, r.status)
                assert await inflight.wait_idle(5.0)
                assert fake.calls == [], [c.method for c in fake.calls]
                assert rows_written(db) == 0
            finally:
                await runner.cleanup()
                await coach.close()
                await fake.close()

    asyncio.run(run())
