"""Many workspaces through Slack's OAuth flow, on SQLite and on a real redis-server, with Slack faked on 127.0.0.1.

The browser's side (/slack/install, /slack/oauth_redirect) goes through the aiohttp server the runner builds;
events go through bolt as Slack would sign them. Each workspace must be answered with its own bot token.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from aiohttp.test_utils import TestClient, TestServer
from slack_bolt.app.async_app import AsyncApp

from adapters.slack import create_app
from adapters.slack.checkins import deliver_due_checkins, with_token
from adapters.slack.inflight import InFlight
from adapters.slack.oauth import BOT_SCOPES
from adapters.slack.runner import build_http_app
from bot.engine.coach import Coach
from bot.kb.model import KnowledgeBase
from bot.settings import Settings
from bot.store.base import Preferences, Store, WorkspaceSettings
from bot.store.sqlite import SqliteStore
from bot.tokens import slack_problems
from tests.adapters.slack.fake_slack_api import BOT_USER, SIGNING_SECRET, FakeSlack, dispatch
from tests.bot.store.factories import checkin

CLIENT_ID = "1111.2222"
CLIENT_SECRET = "oauth-client-secret"


@pytest.fixture(params=["sqlite", "redis"])
def store_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def settings(fake: FakeSlack, tmp_path: Path) -> Settings:
    return Settings(
        db_path=tmp_path / "coach.db",
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake.api_url,
        slack_client_id=CLIENT_ID,
        slack_client_secret=CLIENT_SECRET,
    )


@pytest.fixture
async def coach(
    fixture_kb: KnowledgeBase, settings: Settings, store_kind: str, request: pytest.FixtureRequest
) -> AsyncIterator[Coach]:
    if store_kind == "sqlite":
        store: Store = SqliteStore(settings.db_path)
    else:
        from bot.store.redis_store import RedisStore

        store = RedisStore.from_url(request.getfixturevalue("redis_url"))
    engine = Coach(fixture_kb, store, settings)
    yield engine
    await engine.close()


@pytest.fixture
async def browser(coach: Coach, settings: Settings, app: AsyncApp) -> AsyncIterator[TestClient[Any, Any]]:
    """A browser on the bot's HTTP server: the install link and Slack's redirect back."""
    client = TestClient(TestServer(build_http_app(coach, settings, app)))
    await client.start_server()
    yield client
    await client.close()


async def install(browser: TestClient[Any, Any], fake: FakeSlack, team: str, token: str) -> int:
    """A workspace admin installs the app: the install link, Slack's consent (faked), the redirect back."""
    started = await browser.get("/slack/install", allow_redirects=False)
    state = parse_qs(urlparse(started.headers["Location"]).query)["state"][0]
    fake.installs[f"code-{team}"] = (team, token)
    back = await callback(browser, f"code-{team}", state)
    return back.status


async def callback(browser: TestClient[Any, Any], code: str, state: str, cookie: str | None = None) -> Any:
    """Slack's redirect back, from the browser that holds the state cookie (Secure: sent by hand over http)."""
    headers = {"Cookie": f"slack-app-oauth-state={cookie or state}"}
    return await browser.get("/slack/oauth_redirect", params={"code": code, "state": state}, headers=headers)


def event_from(team: str, event: dict[str, Any], event_id: str) -> str:
    return json.dumps(
        {
            "team_id": team,
            "api_app_id": "A1",
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": 1700000000,
            "authorizations": [{"enterprise_id": None, "team_id": team, "user_id": BOT_USER, "is_bot": True}],
        }
    )


def dm_from(team: str, text: str, user: str = "U1", ts: str = "1700000002.000100") -> dict[str, Any]:
    return {
        "type": "message",
        "user": user,
        "text": text,
        "ts": ts,
        "channel": "D1",
        "event_ts": ts,
        "channel_type": "im",
        "team": team,
    }


async def test_the_install_link_sends_the_admin_to_slack_with_a_state_and_its_cookie(
    browser: TestClient[Any, Any],
) -> None:
    response = await browser.get("/slack/install", allow_redirects=False)

    assert response.status == 302
    location = urlparse(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == "https://slack.com/oauth/v2/authorize"
    query = parse_qs(location.query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["scope"][0].split(",") == list(BOT_SCOPES)
    [state] = query["state"]
    assert f"slack-app-oauth-state={state}" in response.headers["Set-Cookie"]


async def test_the_callback_stores_the_installation_and_each_workspace_is_answered_with_its_token(
    browser: TestClient[Any, Any], app: AsyncApp, fake: FakeSlack, inflight: InFlight
) -> None:
    assert await install(browser, fake, "T2", "xoxb-team-two") == 200
    assert await install(browser, fake, "T3", "xoxb-team-three") == 200
    assert app.installation_store is not None
    bot = await app.installation_store.async_find_bot(enterprise_id=None, team_id="T2")
    assert bot is not None and bot.bot_token == "xoxb-team-two"
    [access, _] = fake.to("oauth.v2.access")
    assert access["code"] == "code-T2"

    await dispatch(app, event_from("T3", dm_from("T3", "my client hasn't paid my invoice"), "Ev3"))
    await dispatch(app, event_from("T2", dm_from("T2", "my client hasn't paid my invoice"), "Ev2"))
    assert await inflight.wait_idle(5.0)

    posts = [call for call in fake.calls if call.method == "chat.postMessage"]
    assert sorted(call.token for call in posts) == ["xoxb-team-three", "xoxb-team-two"]


async def test_an_unknown_or_reused_state_is_refused_kindly_and_nothing_is_installed(
    browser: TestClient[Any, Any], app: AsyncApp, fake: FakeSlack
) -> None:
    fake.installs["code-T2"] = ("T2", "xoxb-team-two")
    forged = await callback(browser, "code-T2", "made-up")

    assert forged.status == 401
    page = await forged.text()
    assert "expired or was already used" in page and "/slack/install" in page
    assert "code-T2" not in page
    assert fake.to("oauth.v2.access") == [], "no code is exchanged without a valid state"

    started = await browser.get("/slack/install", allow_redirects=False)
    state = parse_qs(urlparse(started.headers["Location"]).query)["state"][0]
    assert (await callback(browser, "code-T2", state)).status == 200
    fake.installs["code-T2"] = ("T2", "xoxb-again")
    reused = await callback(browser, "code-T2", state)
    assert reused.status == 401, "a state is used once"
    assert app.installation_store is not None
    bot = await app.installation_store.async_find_bot(enterprise_id=None, team_id="T2")
    assert bot is not None and bot.bot_token == "xoxb-team-two"


def _mentions(store: Store, needle: str, redis_url: str | None) -> list[str]:
    """Every stored key or row that names ``needle`` (a team id), straight from the database."""
    if redis_url is None:
        assert isinstance(store, SqliteStore)
        conn = sqlite3.connect(store.path)
        try:
            tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            return [f"{t}: {row}" for t in tables for row in conn.execute(f"SELECT * FROM {t}") if needle in str(row)]
        finally:
            conn.close()
    import redis

    client = redis.Redis.from_url(redis_url, decode_responses=True)
    try:
        found = [str(k) for k in client.scan_iter(match=f"*{needle}*")]
        found += [f"checkin {v}" for v in client.hvals("coach:checkin-data") if needle in v]
        return found
    finally:
        client.close()


async def test_app_uninstalled_leaves_no_record_of_that_workspace_and_keeps_the_others(
    browser: TestClient[Any, Any],
    app: AsyncApp,
    fake: FakeSlack,
    coach: Coach,
    inflight: InFlight,
    store_kind: str,
    request: pytest.FixtureRequest,
) -> None:
    await install(browser, fake, "T2", "xoxb-team-two")
    await install(browser, fake, "T3", "xoxb-team-three")
    for team in ("T2", "T3"):
        await dispatch(app, event_from(team, dm_from(team, "my client hasn't paid my invoice"), f"Ev0{team[1]}"))
        await coach.store.set_preferences(f"slack:{team}:U1", Preferences(lang="es"))
        await coach.store.set_workspace_settings(f"slack:{team}", WorkspaceSettings(lang="ca"))
        pending = checkin(int(team[1]), 10**12, f"slack:{team}:U1")
        await coach.store.add_checkin(dataclasses.replace(pending, tenant=team))
        await coach.store.record_feedback("late-payment", "helpful", f"slack:{team}:U1")
    assert await inflight.wait_idle(5.0)
    redis_url = request.getfixturevalue("redis_url") if store_kind == "redis" else None
    assert _mentions(coach.store.inner, "T2", redis_url), "the workspace left records to delete"

    await dispatch(app, event_from("T2", {"type": "app_uninstalled", "event_ts": "1700000100.0"}, "EvGone"))
    assert await inflight.wait_idle(5.0)

    assert _mentions(coach.store.inner, "T2", redis_url) == []
    assert app.installation_store is not None
    assert await app.installation_store.async_find_bot(enterprise_id=None, team_id="T2") is None
    assert await app.installation_store.async_find_installation(enterprise_id=None, team_id="T2") is None
    assert await app.installation_store.async_find_bot(enterprise_id=None, team_id="T3") is not None
    assert await coach.store.get_preferences("slack:T3:U1") == Preferences(lang="es")
    assert await coach.store.get_workspace_settings("slack:T3") == WorkspaceSettings(lang="ca")
    assert [c.id for c in await coach.store.user_checkins("slack:T3:U1")] == ["c003"]
    [stats] = await coach.store.stats()
    assert stats.helpful == 2, "the per-topic counts stay"


async def test_tokens_revoked_deletes_the_bot_installation_and_the_workspace_is_no_longer_answered(
    browser: TestClient[Any, Any], app: AsyncApp, fake: FakeSlack, inflight: InFlight
) -> None:
    await install(browser, fake, "T2", "xoxb-team-two")
    revoked = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": [BOT_USER]}, "event_ts": "1700000100.0"}

    await dispatch(app, event_from("T2", revoked, "EvRevoked"))
    assert await inflight.wait_idle(5.0)
    await dispatch(app, event_from("T2", dm_from("T2", "my client hasn't paid my invoice"), "EvAfter"))
    assert await inflight.wait_idle(5.0)

    assert app.installation_store is not None
    assert await app.installation_store.async_find_bot(enterprise_id=None, team_id="T2") is None
    assert fake.to("chat.postMessage") == []


async def test_a_due_checkin_goes_out_with_its_workspace_token_and_none_without_an_installation(
    browser: TestClient[Any, Any], app: AsyncApp, fake: FakeSlack, coach: Coach
) -> None:
    await install(browser, fake, "T2", "xoxb-team-two")
    await coach.store.add_checkin(dataclasses.replace(checkin(1, 1.0, "slack:T2:U1"), tenant="T2"))
    await coach.store.add_checkin(dataclasses.replace(checkin(2, 1.0, "slack:T9:U1"), tenant="T9"))
    assert app.installation_store is not None
    installations = app.installation_store

    async def bot_token(tenant: str) -> str | None:
        bot = await installations.async_find_bot(enterprise_id=None, team_id=tenant)
        return bot.bot_token if bot is not None else None

    assert await deliver_due_checkins(coach, app.client, bot_token) == 1
    [post] = [call for call in fake.calls if call.method == "chat.postMessage"]
    assert post.token == "xoxb-team-two"
    assert with_token(app.client, "xoxb-x").base_url == fake.api_url


def test_oauth_settings_problems_name_the_variable_and_where_to_find_it(settings: Settings) -> None:
    assert slack_problems(settings, http=True) == []
    [missing] = slack_problems(dataclasses.replace(settings, slack_client_secret=""), http=True)
    assert "SLACK_CLIENT_SECRET" in missing and "Basic Information" in missing
    [socket] = slack_problems(settings, http=False)
    assert "--http" in socket
    [both] = slack_problems(dataclasses.replace(settings, slack_bot_token="xoxb-1"), http=True)
    assert "SLACK_BOT_TOKEN" in both
    [redirect] = slack_problems(dataclasses.replace(settings, slack_redirect_uri="http://x/"), http=True)
    assert "SLACK_REDIRECT_URI" in redirect
    [secret] = slack_problems(dataclasses.replace(settings, slack_signing_secret=""), http=True)
    assert "SLACK_SIGNING_SECRET" in secret


@pytest.mark.parametrize("store_kind", ["sqlite"])
async def test_the_single_workspace_app_serves_no_install_pages(
    settings: Settings, coach: Coach, store_kind: str
) -> None:
    single = dataclasses.replace(settings, slack_client_id="", slack_client_secret="", slack_bot_token="xoxb-1")
    app = create_app(coach, single)
    client = TestClient(TestServer(build_http_app(coach, single, app)))
    await client.start_server()
    try:
        assert (await client.get("/slack/install", allow_redirects=False)).status == 404
    finally:
        await client.close()
    assert app.installation_store is None


