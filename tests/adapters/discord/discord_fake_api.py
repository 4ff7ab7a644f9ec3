"""A fake Discord REST API on 127.0.0.1, and gateway payloads in Discord's real shapes.

The fake records every request and answers the way Discord does, with
``content-type: application/json`` exactly (discord.py only parses JSON when the
header is exactly that). Tests point ``discord.http.Route.BASE`` at it.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

import discord
from aiohttp import web

APP_ID = 111111111111111111
GUILD_ID = 222222222222222222
CHANNEL_ID = 333333333333333333
USER_ID = 444444444444444444
OTHER_BOT_ID = 555555555555555555
DM_CHANNEL_ID = 666666666666666666
COMMAND_ID = 777777777777777777
# Syntactically a bot token (application id, timestamp, signature); worthless anywhere else.
TOKEN = base64.b64encode(str(APP_ID).encode()).decode().rstrip("=") + ".GfakeT.fake-signature-for-tests-only-abcdefghij"
TIMESTAMP = "2024-05-01T12:00:00.000000+00:00"

_ids = itertools.count(900000000000000000)


def snowflake() -> str:
    return str(next(_ids))


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    body: Any

    @property
    def flags(self) -> int:
        data = self.body.get("data", self.body) if isinstance(self.body, dict) else {}
        return int((data or {}).get("flags") or 0)


@dataclass
class FakeDiscord:
    """Answers the routes the adapter uses; anything else is a 404 (and recorded, so tests see it)."""

    requests: list[Recorded] = field(default_factory=list)
    closed_dms: set[int] = field(default_factory=set)  # users whose DMs refuse the bot (Discord code 50007)
    forbidden_channels: set[int] = field(default_factory=set)  # channels where the bot lacks permission (50013)
    reject_token: bool = False
    guilds_refusing_commands: set[int] = field(default_factory=set)  # bot not in the guild / no commands scope
    dm_channels: dict[int, int] = field(default_factory=dict)  # DM channel id -> the user it reaches
    _runner: web.AppRunner | None = None

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/api/v10/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        return f"http://127.0.0.1:{port}/api/v10"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # -- what tests look at ----------------------------------------------------------------

    def calls(self, method: str, pattern: str) -> list[Recorded]:
        regex = re.compile(pattern)
        return [r for r in self.requests if r.method == method and regex.search(r.path)]

    def callbacks(self) -> list[Recorded]:
        return self.calls("POST", r"^/interactions/\d+/[^/]+/callback$")

    def followups(self) -> list[Recorded]:
        return self.calls("POST", rf"^/webhooks/{APP_ID}/[^/]+$")

    def channel_messages(self, channel_id: int | None = None) -> list[Recorded]:
        where = str(channel_id) if channel_id is not None else r"\d+"
        return self.calls("POST", rf"^/channels/{where}/messages$")

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        while not predicate():
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"timed out; requests so far: {[(r.method, r.path) for r in self.requests]}")
            await asyncio.sleep(0.01)

    # -- the routes ------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body = await self._body(request)
        self.requests.append(Recorded(request.method, path, dict(request.query), body))
        route = (request.method, path)
        if route == ("GET", "/users/@me"):
            if self.reject_token:
                return _json({"message": "401: Unauthorized", "code": 0}, 401)
            return _json(bot_user())
        if route == ("GET", "/oauth2/applications/@me"):
            return _json(application())
        if route == ("POST", "/users/@me/channels"):
            recipient = int(body["recipient_id"])
            channel_id = next((c for c, u in self.dm_channels.items() if u == recipient), None) or int(snowflake())
            self.dm_channels[channel_id] = recipient
            return _json({"id": str(channel_id), "type": 1, "recipients": [user(recipient)]})
        if request.method == "POST" and (m := re.fullmatch(r"/interactions/(\d+)/[^/]+/callback", path)):
            return _json(_callback(m.group(1), body))
        if request.method in ("POST", "PATCH") and path.startswith(f"/webhooks/{APP_ID}/"):
            return _json(self._message(CHANNEL_ID, body))
        if request.method == "POST" and (m := re.fullmatch(r"/channels/(\d+)/messages", path)):
            channel = int(m.group(1))
            if channel in self.forbidden_channels:
                return _json({"message": "Missing Permissions", "code": 50013}, 403)
            if self.dm_channels.get(channel) in self.closed_dms:
                return _json({"message": "Cannot send messages to this user", "code": 50007}, 403)
            return _json(self._message(channel, body))
        if request.method == "PUT" and (m := re.fullmatch(r"/applications/\d+(?:/guilds/(\d+))?/commands", path)):
            if m.group(1) and int(m.group(1)) in self.guilds_refusing_commands:
                return _json({"message": "Missing Access", "code": 50001}, 403)
            # Discord answers with a description for every command ("" for context menus).
            return _json(
                [
                    {"description": "", **cmd, "id": snowflake(), "application_id": str(APP_ID), "version": "1"}
                    for cmd in body
                ]
            )
        return _json({"message": "404: Not Found", "code": 0}, 404)

    async def _body(self, request: web.Request) -> Any:
        if request.content_type == "multipart/form-data":
            form = await request.post()
            return json.loads(str(form["payload_json"]))
        text = await request.text()
        return json.loads(text) if text else None

    def _message(self, channel_id: int, body: dict[str, Any]) -> dict[str, Any]:
        kind = 19 if body.get("message_reference") else 0  # 19: a reply
        return bot_message(channel_id, body, kind=kind, flags=int(body.get("flags") or 0))


def _json(data: Any, status: int = 200) -> web.Response:
    # Exactly "application/json": discord.py treats anything else (even with "; charset=utf-8") as text.
    return web.Response(body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"})


def _callback(interaction_id: str, body: dict[str, Any]) -> dict[str, Any]:
    kind = body["type"]
    flags = int((body.get("data") or {}).get("flags") or 0)
    return {
        "interaction": {
            "id": interaction_id,
            "type": 2,
            "response_message_loading": kind == 5,
            "response_message_ephemeral": bool(flags & 64),
        },
        "resource": {"type": kind},
    }


# -- payloads ------------------------------------------------------------------------------


def user(user_id: int = USER_ID, name: str = "freelancer", *, bot: bool = False) -> dict[str, Any]:
    return {
        "id": str(user_id),
        "username": name,
        "discriminator": "0",
        "global_name": name.title(),
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


def bot_user() -> dict[str, Any]:
    return {**user(APP_ID, "client-coach", bot=True), "flags": 0, "verified": True, "mfa_enabled": False}


def application() -> dict[str, Any]:
    return {
        "id": str(APP_ID),
        "name": "Client Coach",
        "icon": None,
        "description": "",
        "bot_public": True,
        "bot_require_code_grant": False,
        "owner": user(USER_ID, "owner"),
        "summary": "",
        "verify_key": "0" * 64,
        "flags": 0,
        "team": None,
    }


def text_channel(channel_id: int = CHANNEL_ID) -> dict[str, Any]:
    return {
        "id": str(channel_id),
        "type": 0,
        "guild_id": str(GUILD_ID),
        "name": "general",
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "flags": 0,
    }


def guild_create() -> dict[str, Any]:
    """GUILD_CREATE for a small server with one text channel (what the gateway sends with the guilds intent)."""
    return {
        "id": str(GUILD_ID),
        "name": "Freelancers",
        "icon": None,
        "owner_id": str(USER_ID),
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "features": [],
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "preferred_locale": "en-US",
        "system_channel_flags": 0,
        "roles": [{"id": str(GUILD_ID), "name": "@everyone", "permissions": "1071698660929", "position": 0}],
        "emojis": [],
        "stickers": [],
        "channels": [text_channel()],
        "threads": [],
        "members": [],
        "voice_states": [],
        "presences": [],
        "member_count": 3,
        "large": False,
        "unavailable": False,
        "joined_at": TIMESTAMP,
        "stage_instances": [],
        "guild_scheduled_events": [],
    }


def _member(of: dict[str, Any]) -> dict[str, Any]:
    return {
        "user": of,
        "roles": [],
        "joined_at": TIMESTAMP,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
        "nick": None,
        "avatar": None,
        "premium_since": None,
        "communication_disabled_until": None,
        "permissions": "1071698660929",
    }


def interaction(
    kind: int,
    data: dict[str, Any] | None,
    *,
    in_dm: bool = False,
    locale: str = "en-US",
    message: dict[str, Any] | None = None,
    author: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An INTERACTION_CREATE payload: 2 application command, 3 component, 4 autocomplete."""
    author = author or user()
    payload: dict[str, Any] = {
        "id": snowflake(),
        "application_id": str(APP_ID),
        "type": kind,
        "token": "interaction-token-" + snowflake(),
        "version": 1,
        "locale": locale,
        "app_permissions": "1071698660929",
        "entitlements": [],
        "attachment_size_limit": 10485760,
    }
    if data is not None:
        payload["data"] = data
    if in_dm:
        payload |= {
            "channel_id": str(DM_CHANNEL_ID),
            "channel": {"id": str(DM_CHANNEL_ID), "type": 1, "recipients": [author], "flags": 0},
            "user": author,
            "context": 1,
            "authorizing_integration_owners": {"0": str(GUILD_ID)},
        }
    else:
        payload |= {
            "guild_id": str(GUILD_ID),
            "guild_locale": "en-US",
            "guild": {"id": str(GUILD_ID), "locale": "en-US", "features": []},
            "channel_id": str(CHANNEL_ID),
            "channel": text_channel(),
            "member": _member(author),
            "context": 0,
            "authorizing_integration_owners": {"0": str(GUILD_ID)},
        }
    if message is not None:
        payload["message"] = message
    return payload


def slash(sub: str, options: dict[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
    """``/coach <sub> option:value ...`` as Discord sends it (a subcommand inside the group)."""
    inner = [{"name": name, "type": 3, "value": value} for name, value in (options or {}).items()]
    data = {
        "id": str(COMMAND_ID),
        "name": "coach",
        "type": 1,
        "options": [{"name": sub, "type": 1, "options": inner}],
    }
    if not kwargs.get("in_dm"):
        data["guild_id"] = str(GUILD_ID)
    return interaction(2, data, **kwargs)


def autocomplete(sub: str, option: str, typed: str, **kwargs: Any) -> dict[str, Any]:
    data = {
        "id": str(COMMAND_ID),
        "name": "coach",
        "type": 1,
        "guild_id": str(GUILD_ID),
        "options": [
            {"name": sub, "type": 1, "options": [{"name": option, "type": 3, "value": typed, "focused": True}]},
        ],
    }
    return interaction(4, data, **kwargs)


def message_menu(target: dict[str, Any], name: str = "Coach me on this", **kwargs: Any) -> dict[str, Any]:
    """Apps → ``name`` on the message ``target`` (a MESSAGE_CREATE-shaped message): a type-3 application command."""
    message = {k: v for k, v in target.items() if k not in ("member", "guild_id")}
    data = {
        "id": str(COMMAND_ID + 1),
        "name": name,
        "type": 3,
        "target_id": message["id"],
        "resolved": {"messages": {message["id"]: message}},
    }
    return interaction(2, data, **kwargs)


def button_press(custom_id: str, message: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """A click on the button ``custom_id`` of ``message`` (a message the bot sent, as Discord stored it)."""
    return interaction(3, {"custom_id": custom_id, "component_type": 2}, message=message, **kwargs)


def message_create(
    content: str,
    *,
    in_dm: bool = False,
    author: dict[str, Any] | None = None,
    mentions: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A MESSAGE_CREATE payload in a guild text channel, or in the user's DM with the bot."""
    author = author or user()
    payload: dict[str, Any] = {
        "id": snowflake(),
        "channel_id": str(DM_CHANNEL_ID if in_dm else CHANNEL_ID),
        "author": author,
        "content": content,
        "timestamp": TIMESTAMP,
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": mentions or [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "pinned": False,
        "type": 0,
        "flags": 0,
        "components": [],
    }
    if not in_dm:
        payload["guild_id"] = str(GUILD_ID)
        payload["member"] = {k: v for k, v in _member(author).items() if k != "user"}
    return payload


def bot_message(channel_id: int, body: dict[str, Any], *, kind: int = 0, flags: int = 0) -> dict[str, Any]:
    """The message object Discord returns for what the bot sent with ``body``."""
    return {
        "id": snowflake(),
        "channel_id": str(channel_id),
        "author": bot_user(),
        "content": body.get("content") or "",
        "timestamp": TIMESTAMP,
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": body.get("embeds") or [],
        "pinned": False,
        "type": kind,
        "flags": flags,
        "components": body.get("components") or [],
    }


def sent_message(recorded: Recorded, *, flags: int = 0, channel_id: int = CHANNEL_ID) -> dict[str, Any]:
    """The message Discord stored for a request the bot made: what a later button click carries."""
    body = recorded.body.get("data", recorded.body)
    message = bot_message(channel_id, body, flags=flags or int(body.get("flags") or 0))
    message["application_id"] = str(APP_ID)
    return message


def custom_ids(recorded: Recorded) -> list[str]:
    body = recorded.body.get("data", recorded.body)
    return [button["custom_id"] for row in body.get("components") or [] for button in row["components"]]


async def settle() -> None:
    """Wait for the tasks discord.py started for injected events (command invocations, button callbacks)."""
    current = asyncio.current_task()
    prefixes = ("CommandTree", "discord-ui", "discord.py")
    for _ in range(500):
        pending = [t for t in asyncio.all_tasks() if t is not current and t.get_name().startswith(prefixes)]
        if not pending:
            return
        await asyncio.wait(pending, timeout=0.05)
    raise AssertionError("discord.py tasks did not finish")


def deliver_interaction(client: discord.Client, payload: dict[str, Any]) -> None:
    """INTERACTION_CREATE, handed to the client's connection parser as the gateway would."""
    client._connection.parse_interaction_create(cast(Any, payload))


def deliver_message(client: discord.Client, payload: dict[str, Any]) -> None:
    """MESSAGE_CREATE, handed to the client's connection parser as the gateway would."""
    client._connection.parse_message_create(cast(Any, payload))
