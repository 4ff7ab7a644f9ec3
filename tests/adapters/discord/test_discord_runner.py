"""Start-up checks, the invite URL, command sync, check-in delivery and shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import discord
import pytest

from adapters.discord import create_client
from adapters.discord.checkins import CheckinDelivery
from adapters.discord.runner import _serve, _sync, invite_url, invite_urls, serve_discord
from bot.engine.coach import Coach
from bot.engine.i18n import t
from bot.engine.messages import Request
from bot.errors import ConfigError, StoreError
from bot.kb.model import KnowledgeBase
from bot.settings import Settings
from bot.store.sqlite import SqliteStore
from tests.adapters.discord.conftest import StartClient
from tests.adapters.discord.discord_fake_api import (
    APP_ID,
    TOKEN,
    USER_ID,
    FakeDiscord,
    Recorded,
    button_press,
    custom_ids,
    deliver_interaction,
    sent_message,
    settle,
)

ABOUT_TO_CONNECT = "Coach.from_settings was called: the token must be checked before anything starts"


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("", "DISCORD_TOKEN is not set"),
        ("   ", "DISCORD_TOKEN is not set"),
        ("not-a-token", "three dot-separated base64url parts"),
        ("a.b", "three dot-separated base64url parts"),
        ("bm90LWFuLWlk.GfakeT.signature", "three dot-separated base64url parts"),  # first part is not an id
        ("MTEx.Gfa=ke.signature", "three dot-separated base64url parts"),
        ("Bot " + TOKEN, "without the 'Bot ' prefix"),
    ],
)
def test_a_missing_or_malformed_token_stops_serve_before_anything_starts(
    token: str, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def must_not_run(settings: Settings) -> Coach:
        raise AssertionError(ABOUT_TO_CONNECT)

    monkeypatch.setattr(Coach, "from_settings", must_not_run)

    with pytest.raises(ConfigError) as error:
        serve_discord(Settings(discord_token=token), sync_guild=None)

    message = str(error.value)
    assert expected in message and "DISCORD_TOKEN" in message
    if token.strip() and not token.startswith("Bot "):
        assert token not in message  # never echo what might be a secret
    if not token.strip():
        assert "Developer Portal" in message and "Bot → Reset Token" in message


def test_invite_url_has_exactly_the_scopes_and_permissions_needed() -> None:
    url = urlparse(invite_url(Settings(discord_token=TOKEN), client_id=None))
    query = parse_qs(url.query)

    assert (url.scheme, url.netloc, url.path) == ("https", "discord.com", "/oauth2/authorize")
    assert query["client_id"] == [str(APP_ID)]  # read from the token
    assert query["scope"] == ["bot applications.commands"]
    view_channel, send_messages, embed_links, read_message_history, send_in_threads = 10, 11, 14, 16, 38
    expected = sum(
        1 << bit for bit in (view_channel, send_messages, embed_links, read_message_history, send_in_threads)
    )
    assert int(query["permissions"][0]) == expected


def test_invite_url_with_an_explicit_client_id_needs_no_token() -> None:
    url = invite_url(Settings(), client_id="123456789012345678")
    assert parse_qs(urlparse(url).query)["client_id"] == ["123456789012345678"]


@pytest.mark.parametrize(
    ("settings", "client_id"), [(Settings(), None), (Settings(), "my-app"), (Settings(discord_token="x.y"), None)]
)
def test_invite_url_without_a_usable_id_is_a_config_error(settings: Settings, client_id: str | None) -> None:
    with pytest.raises(ConfigError):
        invite_url(settings, client_id=client_id)


async def test_sync_pushes_the_commands_globally_over_rest_only(api: FakeDiscord, coach: Coach) -> None:
    names = await _sync(create_client(coach, Settings()), TOKEN)

    assert names == ["coach", "coach-settings", "Coach me on this"]
    (put,) = api.calls("PUT", r"/commands$")
    assert put.path == f"/applications/{APP_ID}/commands"
    assert not api.calls("GET", r"^/gateway")  # logged in over REST, never connected to the gateway


async def test_a_token_discord_rejects_is_a_config_error_and_the_engine_is_closed(
    api: FakeDiscord, coach: Coach, settings: Settings
) -> None:
    api.reject_token = True

    with pytest.raises(ConfigError, match="DISCORD_TOKEN"):
        await _serve(coach, settings, TOKEN, None)

    with pytest.raises(StoreError):
        await coach.store.get_preferences("discord:1")
    assert not [task for task in asyncio.all_tasks() if task.get_name() == "coach-checkins"]


def test_sharding_gives_the_same_client_over_several_shards(coach: Coach) -> None:
    client = create_client(coach, Settings(discord_shard_count=3))

    assert isinstance(client, discord.AutoShardedClient)
    assert client.shard_count == 3
    assert client.tree.get_command("coach") is not None
    assert client.intents.value == discord.Intents.default().value


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


async def test_due_checkins_are_sent_by_dm_and_closed_dms_are_skipped_once(
    start_client: StartClient,
    api: FakeDiscord,
    fixture_kb: KnowledgeBase,
    settings: Settings,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="coach.discord")
    clock = Clock()
    engine = Coach(fixture_kb, SqliteStore(tmp_path / "checkins.db"), settings, clock=clock)
    closed = 999999999999999999
    api.closed_dms.add(closed)
    try:
        for user_id in (str(USER_ID), str(closed)):
            request = Request("discord", user_id, "333333333333333333", "", True, action="checkin:3:late-payment")
            assert (await engine.handle(request)).kind == "confirmation"
        await engine.handle(Request("slack", "U1", "C1", "", True, action="checkin:3:scope-creep"))
        bot = await start_client(engine)
        delivery = CheckinDelivery(bot, engine)

        assert await delivery.run_once() == 0  # nothing due yet
        clock.now += 3 * 86400 + 1
        assert await delivery.run_once() == 1
        assert await delivery.run_once() == 0  # the closed DM is not retried

        assert len(api.calls("POST", r"^/users/@me/channels$")) == 2
        delivered = [r for r in api.channel_messages() if api.dm_channels[int(r.path.split("/")[2])] == USER_ID]
        (checkin,) = delivered
        assert checkin.body["embeds"][0]["title"] == "Late payment"
        assert all_content(checkin) == t("checkin_question", "en", title="Late payment")
        assert custom_ids(checkin) == ["outcome:yes:late-payment", "outcome:no:late-payment"]
        assert "does not accept DMs" in caplog.text
        slack_due = await engine.due_checkins(platform="slack")
        assert [o.user_id for o in slack_due] == ["U1"], "Slack's check-in is left for the Slack process"

        # The user answers with a button in the DM: not ephemeral there, so it stays in the history.
        answer = await press_in_dm(bot, api, checkin, "outcome:yes:late-payment")
        assert answer.flags == 0 and answer.body["content"] == t("outcome_resolved", "en")
        unresolved = await press_in_dm(bot, api, checkin, "outcome:no:late-payment")
        assert all_content(unresolved).startswith(t("outcome_unresolved", "en"))
    finally:
        await engine.close()


async def press_in_dm(bot: discord.Client, api: FakeDiscord, on: Recorded, custom_id: str) -> Recorded:
    channel = int(on.path.split("/")[2])
    message = sent_message(on, channel_id=channel)
    payload = button_press(custom_id, message, in_dm=True)
    payload["channel_id"] = payload["channel"]["id"] = str(channel)
    deliver_interaction(bot, payload)
    await settle()
    return api.followups()[-1]


def all_content(recorded: Recorded) -> str:
    return str(recorded.body.get("content") or recorded.body["embeds"][0].get("description", ""))


async def test_the_delivery_loop_runs_until_the_client_closes(
    start_client: StartClient, api: FakeDiscord, coach: Coach
) -> None:
    bot = await start_client()
    calls = 0

    async def counted() -> int:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise StoreError("briefly unavailable")  # logged; the loop goes on
        if calls == 3:
            await bot.close()
        return 0

    delivery = CheckinDelivery(bot, coach, interval=0.01)
    delivery.run_once = counted  # type: ignore[method-assign]
    bot._ready.set()  # what the gateway's READY would do

    await asyncio.wait_for(delivery.run_forever(), timeout=5)

    assert calls == 3


async def test_serve_writes_a_heartbeat_that_says_connecting_until_the_gateway_is_ready(
    api: FakeDiscord, coach: Coach, settings: Settings, tmp_path: Path
) -> None:
    from bot.health import read_health

    health_file = tmp_path / "health.json"
    serving = asyncio.create_task(_serve(coach, replace(settings, health_file=health_file), TOKEN, None))
    try:
        for _ in range(500):
            if health_file.exists() or serving.done():
                break
            await asyncio.sleep(0.01)
        health = read_health(health_file)
        assert not health.ok and health.message == "discord: not connected to Discord's gateway (yet)"
    finally:
        serving.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await serving
    assert not health_file.exists(), "a process that stopped leaves no heartbeat behind"


async def test_a_clean_start_logs_no_voice_warnings(
    api: FakeDiscord,
    coach: Coach,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """discord.py warned about PyNaCl and davey (voice) on every start; the bot never uses voice."""
    monkeypatch.setattr(discord.VoiceClient, "warn_nacl", True)
    monkeypatch.setattr(discord.VoiceClient, "warn_dave", True)
    caplog.set_level(logging.DEBUG)
    client = create_client(coach, settings)
    try:
        await client.login(TOKEN)
        await client.setup_hook()
    finally:
        await client.close()
    warnings = [f"{r.name}: {r.getMessage()}" for r in caplog.records if r.levelno >= logging.WARNING]
    assert warnings == []


def test_invite_urls_give_a_server_link_and_an_account_link() -> None:
    server, account = (urlparse(u) for u in invite_urls(Settings(discord_token=TOKEN), client_id=None))
    guild, user = parse_qs(server.query), parse_qs(account.query)

    assert guild["scope"] == ["bot applications.commands"] and guild["integration_type"] == ["0"]
    assert user["scope"] == ["applications.commands"] and user["integration_type"] == ["1"]
    assert "permissions" not in user, "a user install asks for no permissions"
    assert guild["client_id"] == user["client_id"] == [str(APP_ID)]


def test_coach_discord_invite_url_prints_both_links(capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli import main

    assert main(["discord", "invite-url", "--client-id", str(APP_ID)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["Add to a server", "Add to your account"]
    assert "integration_type=0" in lines[0] and "integration_type=1" in lines[1]


async def test_commands_are_installable_to_servers_and_accounts_and_usable_in_any_dm(
    api: FakeDiscord, coach: Coach
) -> None:
    await _sync(create_client(coach, Settings()), TOKEN)
    (put,) = api.calls("PUT", r"/commands$")
    everywhere = [c for c in put.body if c["name"] != "coach-settings"]
    assert [c["name"] for c in everywhere] == ["coach", "Coach me on this"]
    for command in everywhere:
        assert sorted(command["integration_types"]) == [0, 1], command["name"]  # guild install, user install
        assert sorted(command["contexts"]) == [0, 1, 2], command["name"]  # servers, the bot's DM, other DMs
    [settings] = [c for c in put.body if c["name"] == "coach-settings"]
    assert (settings["integration_types"], settings["contexts"]) == ([0], [0]), "a server's, where the bot is"
