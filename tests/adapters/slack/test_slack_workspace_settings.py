"""Workspace settings from the App Home tab, through the real slack-bolt against the fake Slack API.

Who may change them is Slack's to say (users.info: is_admin / is_owner), asked on every change.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from slack_bolt.app.async_app import AsyncApp

from adapters.slack.inflight import InFlight
from bot.engine.coach import Coach
from bot.engine.i18n import t
from bot.store.base import WorkspaceSettings
from tests.adapters.slack.fake_slack_api import (
    FORM,
    TEAM,
    Failure,
    FakeSlack,
    action_body,
    action_payload,
    command_body,
    direct_message,
    dispatch,
    event_body,
)

ADMIN = "U2"


def raw(message: Any) -> str:
    return json.dumps(message, ensure_ascii=False)


def home_opened(user: str) -> dict[str, Any]:
    return {"type": "app_home_opened", "user": user, "channel": f"D{user}", "tab": "home", "event_ts": "1700000006.1"}


def ws_lang(value: str, user: str = ADMIN) -> str:
    """Picking the workspace's default language in the admin section."""
    payload = action_payload("home_ws_lang", home=True, user=user)
    payload["actions"] = [
        {
            "type": "static_select",
            "action_id": "home_ws_lang",
            "block_id": "ws",
            "selected_option": {"text": {"type": "plain_text", "text": value, "emoji": True}, "value": value},
            "action_ts": "1700000007.000200",
        }
    ]
    return action_body(payload)


def ws_admins(users: list[str], user: str = ADMIN) -> str:
    """Changing who may see the statistics (a multi_users_select sends the whole selection)."""
    payload = action_payload("home_ws_admins", home=True, user=user)
    payload["actions"] = [
        {
            "type": "multi_users_select",
            "action_id": "home_ws_admins",
            "block_id": "ws-admins",
            "selected_users": users,
            "action_ts": "1700000007.000300",
        }
    ]
    return action_body(payload)


def block_with(view: dict[str, Any], action_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("accessory", {}).get("action_id") == action_id)


def action_ids(view: dict[str, Any]) -> list[str]:
    return [b["accessory"]["action_id"] for b in view["blocks"] if "accessory" in b]


async def act(app: AsyncApp, inflight: InFlight, body: str) -> None:
    assert (await dispatch(app, body, FORM)).status == 200
    assert await inflight.wait_idle(5.0)


@pytest.fixture(autouse=True)
def admin(fake: FakeSlack) -> None:
    fake.workspace_admins.add(ADMIN)


async def test_app_home_shows_the_workspace_settings_to_workspace_admins_only(
    app: AsyncApp, fake: FakeSlack, inflight: InFlight
) -> None:
    await dispatch(app, event_body(home_opened("U1"), event_id="EvHomeMember"))
    [member_view] = await fake.wait_for("views.publish")
    await dispatch(app, event_body(home_opened(ADMIN), event_id="EvHomeAdmin"))
    [_, admin_view] = await fake.wait_for("views.publish", 2)
    assert await inflight.wait_idle(5.0)

    assert [c["user"] for c in fake.to("users.info")] == ["U1", ADMIN], "Slack is asked who is an admin"
    assert "home_ws_lang" not in action_ids(member_view["view"])
    assert "home_ws_admins" not in action_ids(member_view["view"])
    view = admin_view["view"]
    assert action_ids(view)[-3:] == ["home_ws_lang", "home_ws_admins", "home_lang"], "the user's own menu stays last"
    text = raw(view)
    assert t("ws_title", "en") in text and "the bot's default (en)" in text
    assert t("ws_admins_none", "en") in text
    assert len(view["blocks"]) <= 100


async def test_an_admin_sets_the_workspace_language_and_members_without_a_choice_get_it(
    app: AsyncApp, fake: FakeSlack, inflight: InFlight, coach: Coach
) -> None:
    await act(app, inflight, ws_lang("es"))
    assert await coach.store.get_workspace_settings(f"slack:{TEAM}") == WorkspaceSettings(lang="es")
    [republished] = fake.to("views.publish")
    assert republished["user_id"] == ADMIN
    lang_menu = block_with(republished["view"], "home_ws_lang")
    assert lang_menu["accessory"]["initial_option"]["value"] == "es"
    assert "Pago atrasado" in raw(republished), "the admin has no language of their own: the Home tab is in Spanish"

    await dispatch(app, command_body("help", fake.response_url("r-help")), FORM)
    [answer] = await fake.wait_for("response_url")
    assert await inflight.wait_idle(5.0)
    assert t("help", "es")[:20] in raw(answer), "a member with no language of their own gets the workspace's"

    await dispatch(app, command_body("lang fi", fake.response_url("r-fi"), user="U3"), FORM)
    await dispatch(app, event_body(direct_message("help", user="U3", channel="DU3"), event_id="EvFi"))
    [dm] = await fake.wait_for("chat.postMessage")
    assert await inflight.wait_idle(5.0)
    assert t("help", "fi")[:20] in raw(dm), "a member's own choice wins"

    await act(app, inflight, ws_lang("auto"))
    assert await coach.store.get_workspace_settings(f"slack:{TEAM}") == WorkspaceSettings()


async def test_an_admin_names_who_sees_the_statistics(
    app: AsyncApp, fake: FakeSlack, inflight: InFlight, coach: Coach
) -> None:
    await dispatch(app, command_body("stats", fake.response_url("r-denied"), user="U3"), FORM)
    [denied] = await fake.wait_for("response_url")
    assert t("stats_denied", "en") in raw(denied)

    await act(app, inflight, ws_admins(["U3", "U4"]))
    assert (await coach.store.get_workspace_settings(f"slack:{TEAM}")).admins == ("U3", "U4")
    [republished] = fake.to("views.publish")
    select = block_with(republished["view"], "home_ws_admins")
    assert select["accessory"]["initial_users"] == ["U3", "U4"]
    assert "<@U3>, <@U4>" in select["text"]["text"]

    await dispatch(app, command_body("stats", fake.response_url("r-allowed"), user="U3"), FORM)
    [_, allowed] = await fake.wait_for("response_url", 2)
    assert await inflight.wait_idle(5.0)
    assert t("stats_denied", "en") not in raw(allowed)
    assert t("stats_empty", "en") in raw(allowed) or t("stats_title", "en") in raw(allowed)


async def test_a_member_replaying_the_admin_controls_changes_nothing(
    app: AsyncApp, fake: FakeSlack, inflight: InFlight, coach: Coach, caplog: pytest.LogCaptureFixture
) -> None:
    await coach.update_workspace_settings(f"slack:{TEAM}", lang="ca")
    with caplog.at_level(logging.WARNING, "coach.slack"):
        await act(app, inflight, ws_lang("fi", user="U1"))
        await act(app, inflight, ws_admins(["U1"], user="U1"))

    assert await coach.store.get_workspace_settings(f"slack:{TEAM}") == WorkspaceSettings(lang="ca")
    assert [c["user"] for c in fake.to("users.info")] == ["U1"] * 4, "asked on every change and every publish"
    assert all("home_ws_lang" not in action_ids(p["view"]) for p in fake.to("views.publish"))
    assert "not a workspace admin" in caplog.text
    assert fake.to("chat.postMessage") == [], "nothing goes to the DM"


async def test_without_users_read_the_settings_stay_hidden_and_unchanged(
    app: AsyncApp, fake: FakeSlack, inflight: InFlight, coach: Coach, caplog: pytest.LogCaptureFixture
) -> None:
    fake.fail("users.info", Failure("missing_scope"))
    fake.fail("users.info", Failure("missing_scope"))
    with caplog.at_level(logging.WARNING, "coach.slack"):
        await act(app, inflight, ws_lang("fi"))
    assert await coach.store.get_workspace_settings(f"slack:{TEAM}") == WorkspaceSettings()
    [published] = fake.to("views.publish")
    assert "home_ws_lang" not in action_ids(published["view"])
    assert "users:read" in caplog.text
