"""The HTTP edge under attack: unsigned, forged and malformed requests never act and never crash.

Every request here is sent to the real aiohttp server (``build_http_app``) over a socket, or straight
into the bolt app, with the Web API and the response_url endpoints faked on 127.0.0.1. "Acts" means
any call to the fake (chat.postMessage, a response_url POST, conversations.open, even auth.test) or
any row written to the store.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import sqlite3
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

from adapters.slack.inflight import InFlight
from adapters.slack.runner import build_http_app
from adapters.slack.verify import signature_problem
from bot.engine.coach import Coach
from bot.settings import Settings
from tests.adapters.slack.fake_slack_api import (
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

SECRET_TEXT = "my client Acme owes me 1200 EUR"

MALFORMED_TIMESTAMPS = ["abc", "", "12.5", "9" * 400, "-1", " 1700000000", "1e9", "١٧٠٠٠٠٠٠٠٠", "0x10"]


@pytest.fixture
async def server(coach: Coach, settings: Settings, app: AsyncApp) -> AsyncIterator[str]:
    runner = web.AppRunner(build_http_app(coach, settings, app))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    yield f"http://{host}:{port}"
    await runner.cleanup()


def forged_bodies(fake: FakeSlack) -> list[tuple[str, str, str]]:
    """(name, body, content type) for each kind of request that would make the bot act if it were trusted."""
    return [
        ("mention", event_body(mention(SECRET_TEXT, channel="CVICTIM"), event_id="EvForgedMention"), JSON),
        ("dm", event_body(direct_message(SECRET_TEXT), event_id="EvForgedDm"), JSON),
        ("command", command_body(SECRET_TEXT, fake.response_url("ssrf")), FORM),
        ("home button", action_body(action_payload("lang:fi", home=True, user="UVICTIM")), FORM),
        ("button", action_body(action_payload("feedback:yes:late-payment", response_url=fake.response_url())), FORM),
    ]


def sign_bytes(body: bytes) -> dict[str, str]:
    """Slack's signature over raw bytes (``sign`` takes text; these bodies need not be UTF-8)."""
    ts = str(int(time.time()))
    digest = hmac.new(SIGNING_SECRET.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def rows_written(db: Path) -> int:
    if not db.exists():
        return 0
    with sqlite3.connect(db) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return sum(conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables if t != "schema_version")


async def post_raw(session: aiohttp.ClientSession, url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    async with session.post(f"{url}/slack/events", data=body, headers=headers) as response:
        return response.status, await response.text()


def headers_with(timestamp: str | None, signature: str | None, content_type: str) -> dict[str, str]:
    headers = {"Content-Type": content_type}
    if timestamp is not None:
        headers["X-Slack-Request-Timestamp"] = timestamp
    if signature is not None:
        headers["X-Slack-Signature"] = signature
    return headers


# -- the signature check itself ------------------------------------------------------------------------------------


@pytest.mark.parametrize("timestamp", MALFORMED_TIMESTAMPS)
def test_a_malformed_timestamp_is_an_invalid_signature_not_an_exception(timestamp: str) -> None:
    body = b'{"type": "event_callback"}'
    # Even with the signature computed over that very timestamp (as an attacker who knows the secret format would).
    forged = sign(body.decode(), timestamp=0)["x-slack-signature"]
    assert signature_problem(SIGNING_SECRET, timestamp, forged, body) is not None


def test_the_signature_check_accepts_slack_and_nothing_else() -> None:
    body = event_body(mention("hello"))
    now = int(time.time())
    good = sign(body, timestamp=now)
    ts, sig = good["x-slack-request-timestamp"], good["x-slack-signature"]
    assert signature_problem(SIGNING_SECRET, ts, sig, body.encode()) is None
    stale = sign(body, timestamp=now - 301)
    assert signature_problem(
        SIGNING_SECRET, stale["x-slack-request-timestamp"], stale["x-slack-signature"], body.encode()
    )
    assert signature_problem(SIGNING_SECRET, str(now), good["x-slack-signature"].upper(), body.encode())
    assert signature_problem(SIGNING_SECRET, str(now), good["x-slack-signature"], body.encode() + b" ")
    assert signature_problem("", str(now), good["x-slack-signature"], body.encode()) == "no signing secret configured"
    assert signature_problem(SIGNING_SECRET, None, None, body.encode())


# -- unsigned and forged requests over HTTP ---------------------------------------------------------------------------


@pytest.mark.parametrize("timestamp", [*MALFORMED_TIMESTAMPS, None, "now", "stale"])
async def test_no_forged_request_makes_the_bot_act(
    server: str,
    fake: FakeSlack,
    settings: Settings,
    inflight: InFlight,
    timestamp: str | None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    async with aiohttp.ClientSession() as session:
        for name, body, content_type in forged_bodies(fake):
            for signature in ("v0=" + "0" * 64, "v0=abc", "", sign(body, secret="wrong")["x-slack-signature"], None):
                now = int(time.time())
                ts = {"now": str(now), "stale": str(now - 3600)}.get(timestamp or "", timestamp)
                status, text = await post_raw(session, server, body.encode(), headers_with(ts, signature, content_type))
                assert status == 401, (name, ts, signature, text)
    assert await inflight.wait_idle(5.0)
    assert fake.calls == [], "no Web API call, no response_url POST, not even auth.test"
    assert rows_written(settings.db_path) == 0, "nothing was written to the store"
    assert not any(r.levelno >= logging.ERROR for r in caplog.records), "a refusal is not an error"
    assert not any(r.exc_info for r in caplog.records), "no traceback"
    assert not any(SECRET_TEXT in r.getMessage() for r in caplog.records), "the body is never logged"


@pytest.mark.parametrize("timestamp", ["abc", "", "12.5", "9" * 400])
async def test_a_forged_request_dispatched_straight_into_bolt_is_refused_too(
    app: AsyncApp,
    fake: FakeSlack,
    settings: Settings,
    inflight: InFlight,
    timestamp: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Bolt's own check used to raise on these and run the error handler, which posted an apology."""
    caplog.set_level(logging.DEBUG)
    for name, body, content_type in forged_bodies(fake):
        headers = {"content-type": content_type, "x-slack-request-timestamp": timestamp, "x-slack-signature": "v0=1"}
        response = await app.async_dispatch(AsyncBoltRequest(body=body, headers=headers))
        assert response.status == 401, name
    assert await inflight.wait_idle(5.0)
    assert fake.calls == []
    assert rows_written(settings.db_path) == 0
    assert not any(SECRET_TEXT in r.getMessage() for r in caplog.records), "bolt's body logging is gone"


async def test_a_verified_request_still_gets_answered_and_its_failures_an_apology(
    server: str, fake: FakeSlack, inflight: InFlight, coach: Coach, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The guard on the error handler does not silence it for real Slack requests."""

    async def broken(request: object) -> object:
        raise RuntimeError("boom")

    monkeypatch.setattr(coach, "handle", broken)
    body = event_body(mention("my client hasn't paid", channel="C9"), event_id="EvReal")
    async with aiohttp.ClientSession() as session:
        status, _ = await post_raw(session, server, body.encode(), {"Content-Type": JSON, **sign(body)})
    assert status == 200
    [apology] = await fake.wait_for("chat.postMessage")
    assert apology["channel"] == "C9" and "boom" not in json.dumps(apology)
    assert await inflight.wait_idle(5.0)


# -- malformed bodies with a valid signature ---------------------------------------------------------------------

MALFORMED_BODIES: list[tuple[str, bytes, str]] = [
    ("bad json", b'{"type": "event_callback", "event": {', JSON),
    ("json that is not an object", b"[1, 2, 3]", JSON),
    ("json null", b"null", JSON),
    ("not utf-8", b'{"type": "event_callback", "event": {"text": "\xff\xfe\xfa"}}', JSON),
    ("not utf-8 form", b"command=/coach&text=\xff\xfe", FORM),
    ("broken form payload", b"payload=%7B%22type%22%3A%20%22block_actions%22%2C", FORM),
    ("form payload not an object", b"payload=%5B1%5D", FORM),
    ("event null", json.dumps({"type": "event_callback", "event_id": "EvNull", "event": None}).encode(), JSON),
    ("event a string", json.dumps({"type": "event_callback", "event_id": "EvStr", "event": "x"}).encode(), JSON),
    ("no event", json.dumps({"type": "event_callback", "event_id": "EvNone"}).encode(), JSON),
    ("actions not a list", b"payload=" + json.dumps({"type": "block_actions", "actions": 3}).encode(), FORM),
    ("authorizations of strings", json.dumps({"type": "block_actions", "authorizations": ["x"]}).encode(), JSON),
    ("user a number", b"payload=" + json.dumps({"type": "block_actions", "user": 5, "actions": []}).encode(), FORM),
]


@pytest.mark.parametrize(("name", "body", "content_type"), MALFORMED_BODIES, ids=[m[0] for m in MALFORMED_BODIES])
async def test_a_signed_but_malformed_body_gets_400_and_one_log_line(
    server: str,
    fake: FakeSlack,
    settings: Settings,
    inflight: InFlight,
    caplog: pytest.LogCaptureFixture,
    name: str,
    body: bytes,
    content_type: str,
) -> None:
    caplog.set_level(logging.INFO)
    headers = {"Content-Type": content_type, **sign_bytes(body)}
    async with aiohttp.ClientSession() as session:
        status, _ = await post_raw(session, server, body, headers)
    assert status == 400
    assert await inflight.wait_idle(5.0)
    assert fake.calls == []
    assert rows_written(settings.db_path) == 0
    mine = [r for r in caplog.records if r.name.startswith("coach")]
    assert len(mine) == 1 and mine[0].levelno == logging.WARNING, [r.getMessage() for r in caplog.records]
    assert not any(r.exc_info for r in caplog.records), "no traceback"


UNSIGNED_CASES = MALFORMED_BODIES[:4]


@pytest.mark.parametrize(("name", "body", "content_type"), UNSIGNED_CASES, ids=[m[0] for m in UNSIGNED_CASES])
async def test_an_unsigned_malformed_body_is_refused_before_it_is_read(
    server: str, fake: FakeSlack, name: str, body: bytes, content_type: str
) -> None:
    async with aiohttp.ClientSession() as session:
        status, _ = await post_raw(session, server, body, headers_with("abc", "v0=1", content_type))
    assert status == 401
    assert fake.calls == []
