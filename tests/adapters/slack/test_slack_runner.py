"""`coach serve slack`: token checks, the HTTP server over a real socket, Socket Mode, check-ins, shutdown."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import aiohttp
import pytest
import yaml
from aiohttp import web
from slack_bolt.app.async_app import AsyncApp

from adapters.slack.app import build_client
from adapters.slack.checkins import deliver_due_checkins
from adapters.slack.inflight import InFlight
from adapters.slack.oauth import BOT_SCOPES, REDIRECT_PATH
from adapters.slack.runner import build_http_app, check_tokens, run_slack, serve_slack
from adapters.slack.translate import COMMAND_NAME, MESSAGE_SHORTCUT
from bot.engine.coach import Coach
from bot.engine.messages import Request
from bot.errors import ConfigError
from bot.kb.model import KnowledgeBase
from bot.settings import Settings
from bot.store.base import Preferences
from bot.store.sqlite import SqliteStore
from tests.adapters.slack.fake_slack_api import (
    APP_TOKEN,
    BOT_TOKEN,
    FORM,
    SIGNING_SECRET,
    Failure,
    FakeSlack,
    command_body,
    direct_message,
    dispatch,
    event_body,
    mention,
    sign,
)

# -- tokens ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "http", "names", "where"),
    [
        ({"slack_bot_token": ""}, False, "SLACK_BOT_TOKEN", "OAuth & Permissions"),
        ({"slack_bot_token": "xoxp-user-token"}, True, "SLACK_BOT_TOKEN", "OAuth & Permissions"),
        ({"slack_app_token": ""}, False, "SLACK_APP_TOKEN", "App-Level Tokens"),
        ({"slack_app_token": "xoxb-swapped"}, False, "SLACK_APP_TOKEN", "App-Level Tokens"),
        ({"slack_signing_secret": ""}, True, "SLACK_SIGNING_SECRET", "Signing Secret"),
        ({"slack_api_url": "slack.example.gov/api"}, True, "SLACK_API_URL", "https://"),
    ],
)
def test_missing_or_malformed_tokens_are_named_with_where_to_get_them(
    changes: dict[str, str], http: bool, names: str, where: str
) -> None:
    good = Settings(slack_bot_token=BOT_TOKEN, slack_app_token=APP_TOKEN, slack_signing_secret=SIGNING_SECRET)
    check_tokens(good, http=http)  # the good settings pass
    with pytest.raises(ConfigError) as caught:
        check_tokens(replace(good, **changes), http=http)  # type: ignore[arg-type]
    message = str(caught.value)
    assert names in message and where in message
    if "api_url" not in str(changes):
        assert "api.slack.com/apps" in message
    for secret in ("user-token", "swapped"):
        assert secret not in message, "a token's secret part is never echoed"


def test_socket_mode_needs_no_signing_secret_and_http_mode_no_app_token() -> None:
    check_tokens(Settings(slack_bot_token=BOT_TOKEN, slack_app_token=APP_TOKEN), http=False)
    check_tokens(Settings(slack_bot_token=BOT_TOKEN, slack_signing_secret=SIGNING_SECRET), http=True)


def test_serve_slack_checks_tokens_before_opening_anything(tmp_path: Path) -> None:
    settings = Settings(db_path=tmp_path / "coach.db", slack_bot_token=BOT_TOKEN)
    with pytest.raises(ConfigError, match="SLACK_APP_TOKEN"):
        serve_slack(settings, http=False, host="127.0.0.1", port=0)
    assert not (tmp_path / "coach.db").exists(), "the store was never opened"


# -- the HTTP server of --http mode, over a real socket ----------------------------------------------


@pytest.fixture
async def server(coach: Coach, settings: Settings, app: AsyncApp) -> AsyncIterator[str]:
    runner = web.AppRunner(build_http_app(coach, settings, app))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    yield f"http://{host}:{port}"
    await runner.cleanup()


async def post(session: aiohttp.ClientSession, url: str, body: str, content_type: str = "application/json") -> int:
    headers = {"Content-Type": content_type, **sign(body)}
    async with session.post(f"{url}/slack/events", data=body.encode(), headers=headers) as response:
        await response.read()
        return response.status


async def test_http_mode_serves_events_commands_and_health_over_a_socket(
    server: str, fake: FakeSlack, coach: Coach, inflight: InFlight
) -> None:
    async with aiohttp.ClientSession() as session:
        assert await post(session, server, event_body(mention("my client hasn't paid my invoice"))) == 200
        [answer] = await fake.wait_for("chat.postMessage")
        assert answer["thread_ts"] == "1700000001.000100"

        assert await post(session, server, command_body("topics", fake.response_url()), FORM) == 200
        await fake.wait_for("response_url")

        challenge = json.dumps({"token": "t", "challenge": "abc123", "type": "url_verification"})
        async with session.post(
            f"{server}/slack/events", data=challenge, headers={"Content-Type": "application/json", **sign(challenge)}
        ) as response:
            assert response.status == 200
            assert await response.json() == {"challenge": "abc123"}

        forged = event_body(mention("hello"), event_id="EvForged")
        async with session.post(
            f"{server}/slack/events",
            data=forged,
            headers={"Content-Type": "application/json", **sign(forged, secret="wrong")},
        ) as response:
            assert response.status == 401

        async with session.get(f"{server}/healthz") as response:
            assert response.status == 200
            assert await response.json() == {"ok": True, "knowledge_topics": 3, "store": True}

        assert await inflight.wait_idle(5.0)
        await coach.store.close()
        async with session.get(f"{server}/healthz") as response:
            assert response.status == 503
            assert (await response.json())["store"] is False


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_run_slack_in_http_mode_answers_then_shuts_down_cleanly(
    fixture_kb: KnowledgeBase, settings: Settings, fake: FakeSlack
) -> None:
    coach = Coach(fixture_kb, SqliteStore(settings.db_path), settings)
    port, stop = free_port(), asyncio.Event()
    task = asyncio.create_task(run_slack(coach, settings, http=True, host="127.0.0.1", port=port, stop=stop))
    url = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as session:
        for _ in range(200):
            try:
                async with session.get(f"{url}/healthz") as response:
                    if response.status == 200:
                        break
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.02)
        body = event_body(direct_message("my client hasn't paid my invoice"), event_id="EvServe")
        assert await post(session, url, body) == 200
        stop.set()  # what SIGTERM does
        await asyncio.wait_for(task, 10)
    # The answer in progress was finished, not cut off, and the store is closed afterwards.
    [answer] = fake.to("chat.postMessage")
    assert answer["channel"] == "D1"
    assert not await coach.store.ping()
    assert fake.to("auth.test"), "the bot token is checked at start-up"


async def test_run_slack_rejects_a_revoked_token_clearly(
    fixture_kb: KnowledgeBase, settings: Settings, fake: FakeSlack
) -> None:
    fake.fail("auth.test", Failure(error="invalid_auth"))
    coach = Coach(fixture_kb, SqliteStore(settings.db_path), settings)
    with pytest.raises(ConfigError, match=r"SLACK_BOT_TOKEN \(invalid_auth\)"):
        await run_slack(coach, settings, http=True, host="127.0.0.1", port=free_port())
    assert not await coach.store.ping(), "closed on the way out"


# -- Socket Mode, against a fake WebSocket ----------------------------------------------------------------


async def test_socket_mode_answers_and_ignores_a_retry(
    fixture_kb: KnowledgeBase, settings: Settings, fake: FakeSlack
) -> None:
    settings = replace(settings, slack_app_token=APP_TOKEN, slack_signing_secret="")
    coach = Coach(fixture_kb, SqliteStore(settings.db_path), settings)
    stop = asyncio.Event()
    task = asyncio.create_task(run_slack(coach, settings, http=False, host="", port=0, stop=stop))
    try:
        payload = json.loads(event_body(direct_message("my client hasn't paid my invoice"), event_id="EvWs"))
        for attempt in (0, 1):
            envelope = {
                "envelope_id": f"env{attempt}",
                "type": "events_api",
                "payload": payload,
                "accepts_response_payload": False,
                "retry_attempt": attempt,
                "retry_reason": "timeout" if attempt else "",
            }
            await fake.send_envelope(envelope)
            await fake.wait_for_ack(f"env{attempt}")
        await fake.wait_for("chat.postMessage")
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)
    assert [c.token for c in fake.calls if c.method == "apps.connections.open"] == [APP_TOKEN]
    assert len(fake.to("chat.postMessage")) == 1, "the retry was acknowledged but not answered again"


# -- check-ins --------------------------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


async def test_due_checkins_are_sent_to_the_users_dm(
    fixture_kb: KnowledgeBase, settings: Settings, fake: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock()
    coach = Coach(fixture_kb, SqliteStore(settings.db_path), settings, clock=clock)
    client = build_client(settings)
    for user in ("U1", "U2"):
        request = Request("slack", user, "C1:U1", "", True, command="coach", action="checkin:3:late-payment")
        assert (await coach.handle(request)).kind == "confirmation"

    assert await deliver_due_checkins(coach, client) == 0, "nothing is due yet"
    clock.now += 4 * 86400
    caplog.set_level(logging.INFO)
    fake.fail("conversations.open", Failure(error="user_not_found"))  # the first user's DM cannot be opened
    assert await deliver_due_checkins(coach, client) == 1
    failed, opened = (call["users"] for call in fake.to("conversations.open"))
    assert {failed, opened} == {"U1", "U2"}
    [post] = fake.to("chat.postMessage")
    assert post["channel"] == f"D{opened}"
    assert "Late payment" in post["text"]
    buttons = [e["action_id"] for b in post["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert buttons == ["outcome:yes:late-payment", "outcome:no:late-payment"]
    assert any("user_not_found" in r.getMessage() for r in caplog.records)
    assert not any("Late payment" in r.getMessage() for r in caplog.records), "failures are logged without text"
    assert await deliver_due_checkins(coach, client) == 0, "each check-in is sent once"
    await coach.close()


# -- the manifest ------------------------------------------------------------------------------------------


def test_the_manifest_asks_for_what_the_adapter_uses() -> None:
    manifest = yaml.safe_load((Path(__file__).parents[3] / "deploy" / "slack-manifest.yaml").read_text())
    assert [c["command"] for c in manifest["features"]["slash_commands"]] == [f"/{COMMAND_NAME}"]
    [shortcut] = manifest["features"]["shortcuts"]
    assert (shortcut["type"], shortcut["callback_id"]) == ("message", MESSAGE_SHORTCUT)
    assert len(shortcut["description"]) <= 150 and len(shortcut["name"]) <= 25
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) == {
        "app_mention",
        "assistant_thread_started",
        "message.channels",
        "message.groups",
        "message.im",
        "app_home_opened",
        "app_uninstalled",
        "tokens_revoked",
    }
    assert manifest["oauth_config"]["scopes"]["bot"] == list(BOT_SCOPES), "the OAuth flow asks for exactly these"
    readme = (Path(__file__).parents[3] / "README.md").read_text(encoding="utf-8")
    assert all(f"`{scope}`" in readme for scope in BOT_SCOPES), "the README says what each scope is for"
    [redirect] = manifest["oauth_config"]["redirect_urls"]
    assert redirect.startswith("https://") and redirect.endswith(REDIRECT_PATH)
    assert manifest["features"]["assistant_view"]["assistant_description"].strip()
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["settings"]["socket_mode_enabled"] is True
    home = manifest["features"]["app_home"]
    assert home["home_tab_enabled"] and home["messages_tab_enabled"] and not home["messages_tab_read_only_enabled"]


async def test_a_clean_start_logs_no_warnings(
    fixture_kb: KnowledgeBase,
    settings: Settings,
    fake: FakeSlack,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """SLACK_BOT_TOKEN in the environment (as `coach serve slack` has it) made bolt warn "token will be unused"."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    caplog.set_level(logging.DEBUG)
    settings = replace(settings, slack_app_token=APP_TOKEN, slack_signing_secret="")
    coach = Coach(fixture_kb, SqliteStore(settings.db_path), settings)
    stop = asyncio.Event()
    task = asyncio.create_task(run_slack(coach, settings, http=False, host="", port=0, stop=stop))
    try:
        await fake.send_envelope({"type": "hello"})  # waits until the socket is up
        await fake.wait_for("apps.connections.open")
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)
    warnings = [f"{r.name}: {r.getMessage()}" for r in caplog.records if r.levelno >= logging.WARNING]
    assert warnings == []
    assert any("Socket Mode" in r.getMessage() for r in caplog.records), "the start itself was logged"


# -- tenants in single-workspace mode ------------------------------------------------------------------------


async def test_a_start_moves_records_kept_before_tenants_under_the_workspace(
    fixture_kb: KnowledgeBase, settings: Settings, fake: FakeSlack
) -> None:
    """An upgrade keeps each user's language and check-ins: `slack:U1` becomes `slack:T1:U1` at the first start."""
    store = SqliteStore(settings.db_path)
    await store.set_preferences("slack:U1", Preferences(lang="fi"))
    coach = Coach(fixture_kb, store, settings)
    stop = asyncio.Event()
    task = asyncio.create_task(run_slack(coach, settings, http=True, host="127.0.0.1", port=0, stop=stop))
    try:
        await fake.wait_for("auth.test")
        for _ in range(100):
            if (await coach.store.get_preferences("slack:T1:U1")).lang == "fi":
                break
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)
    reopened = SqliteStore(settings.db_path)
    assert (await reopened.get_preferences("slack:T1:U1")).lang == "fi"
    assert not await reopened.holds_anything_about("slack:U1")
    await reopened.close()


async def test_app_uninstalled_forgets_the_workspace_in_single_workspace_mode(
    app: AsyncApp, coach: Coach, inflight: InFlight
) -> None:
    await coach.store.set_preferences("slack:T1:U1", Preferences(lang="es"))
    await coach.store.set_preferences("slack:T2:U1", Preferences(lang="ca"))

    await dispatch(app, event_body({"type": "app_uninstalled", "event_ts": "1700000100.0"}, event_id="EvGone"))
    assert await inflight.wait_idle(5.0)

    assert not await coach.store.holds_anything_about("slack:T1:U1")
    assert (await coach.store.get_preferences("slack:T2:U1")).lang == "ca"
