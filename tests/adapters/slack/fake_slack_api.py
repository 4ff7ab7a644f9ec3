"""A fake Slack on 127.0.0.1: the Web API, response_url endpoints and a Socket Mode WebSocket.

It records every call and answers the way Slack does, so the real slack-bolt and
slack_sdk run unchanged against it. Failures (an API error, a 429) can be queued per method.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from aiohttp import WSMsgType, web
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

BOT_USER = "UBOT"
BOT_ID = "BBOT"
TEAM = "T1"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-1-test-token"
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    token: str = ""


@dataclass
class Failure:
    error: str = ""
    retry_after: int | None = None  # set: answer 429 with this Retry-After


@dataclass
class FakeSlack:
    calls: list[Call] = field(default_factory=list)
    failures: dict[str, list[Failure]] = field(default_factory=dict)
    socket_acks: list[dict[str, Any]] = field(default_factory=list)
    locales: dict[str, str] = field(default_factory=dict)  # users.info's locale per user (else "en-US")
    assistant_threads: set[tuple[str, str]] = field(default_factory=set)  # (channel, thread_ts) of split-view threads
    workspace_admins: set[str] = field(default_factory=set)  # users.info says is_admin for these
    installs: dict[str, tuple[str, str]] = field(default_factory=dict)  # OAuth code -> (team id, bot token) it grants
    token_teams: dict[str, str] = field(default_factory=dict)  # auth.test's team per bot token (else TEAM)
    port: int = 0
    _runner: web.AppRunner | None = None
    _socket: web.WebSocketResponse | None = None
    _socket_ready: asyncio.Event = field(default_factory=asyncio.Event)
    _ts: int = 0

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> FakeSlack:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)  # users.info and a few others are GETs
        app.router.add_post("/response/{key}", self._response_url)
        app.router.add_get("/socket", self._websocket)
        self._runner = web.AppRunner(app, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def close(self) -> None:
        if self._socket is not None and not self._socket.closed:
            await self._socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, key: str = "r1") -> str:
        return f"http://127.0.0.1:{self.port}/response/{key}"

    # -- what happened -----------------------------------------------------------------------

    def to(self, method: str) -> list[dict[str, Any]]:
        return [call.args for call in self.calls if call.method == method]

    def posts(self) -> list[dict[str, Any]]:
        """Everything users would see: chat.postMessage calls and response_url posts, in order."""
        return [call.args for call in self.calls if call.method in ("chat.postMessage", "response_url")]

    async def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while len(self.to(method)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} call(s) to {method}, got {[c.method for c in self.calls]}")
            await asyncio.sleep(0.01)
        return self.to(method)

    def start_assistant_thread(self, channel: str, thread_ts: str) -> None:
        """What Slack does when a user opens the assistant: the thread exists before its first event."""
        self.assistant_threads.add((channel, thread_ts))

    def fail(self, method: str, failure: Failure) -> None:
        self.failures.setdefault(method, []).append(failure)

    # -- the Web API ---------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args: dict[str, Any] = dict(request.query)
        if request.method == "GET":
            pass
        elif request.content_type == "application/json":
            args.update(await request.json())
        else:
            args.update({k: v for k, v in (await request.post()).items() if isinstance(v, str)})
        for key in ("blocks", "view"):
            if isinstance(args.get(key), str):
                args[key] = json.loads(args[key])
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        self.calls.append(Call(method, args, token))
        queued = self.failures.get(method)
        if queued:
            failure = queued.pop(0)
            if failure.retry_after is not None:
                return web.json_response(
                    {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": str(failure.retry_after)}
                )
            return web.json_response({"ok": False, "error": failure.error})
        return web.json_response(self._answer(method, args, token))

    def _answer(self, method: str, args: Mapping[str, Any], token: str = "") -> dict[str, Any]:
        self._ts += 1
        ts = f"1700000000.{self._ts:06d}"
        if method == "oauth.v2.access":
            return self._oauth_access(args, token)
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://test.slack.com/",
                "team": "Test",
                "user": "client-coach",
                "team_id": self.token_teams.get(token, TEAM),
                "user_id": BOT_USER,
                "bot_id": BOT_ID,
                "is_enterprise_install": False,
            }
        if method == "chat.postMessage":
            message = {"type": "message", "text": args.get("text", ""), "user": BOT_USER, "bot_id": BOT_ID, "ts": ts}
            return {"ok": True, "channel": args.get("channel"), "ts": ts, "message": message}
        if method == "chat.update":
            return {"ok": True, "channel": args.get("channel"), "ts": args.get("ts"), "text": args.get("text", "")}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": ts}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": f"D{args.get('users', 'X')}"}}
        if method == "users.info":
            user = str(args.get("user") or "")
            if not user.startswith(("U", "W")):
                return {"ok": False, "error": "user_not_found"}
            profile: dict[str, Any] = {
                "id": user,
                "team_id": TEAM,
                "name": user.lower(),
                "deleted": False,
                "is_bot": False,
                "is_admin": user in self.workspace_admins,
                "is_owner": False,
                "is_primary_owner": False,
                "is_restricted": False,
                "is_ultra_restricted": False,
            }
            if str(args.get("include_locale")).lower() in ("1", "true"):
                profile["locale"] = self.locales.get(user, "en-US")
            return {"ok": True, "user": profile}
        if method.startswith("assistant.threads."):
            # Slack refuses these outside an assistant thread (an ordinary DM thread, a channel).
            where = (str(args.get("channel_id", "")), str(args.get("thread_ts", "")))
            return {"ok": True} if where in self.assistant_threads else {"ok": False, "error": "invalid_thread_ts"}
        if method == "views.publish":
            return {"ok": True, "view": {"id": "V1", "type": "home", **(args.get("view") or {})}}
        if method == "apps.connections.open":
            return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/socket"}
        return {"ok": False, "error": "unknown_method"}

    def _oauth_access(self, args: Mapping[str, Any], authorization: str) -> dict[str, Any]:
        """oauth.v2.access: a code from ``installs``, with the app's credentials (HTTP Basic), grants a bot token."""
        if not authorization.startswith("Basic "):
            return {"ok": False, "error": "invalid_client_id"}
        grant = self.installs.pop(str(args.get("code") or ""), None)  # a code is used once
        if grant is None:
            return {"ok": False, "error": "invalid_code"}
        team, token = grant
        self.token_teams[token] = team
        return {
            "ok": True,
            "app_id": "A1",
            "authed_user": {"id": "U9"},
            "scope": str(args.get("scope") or "chat:write,commands"),
            "token_type": "bot",
            "access_token": token,
            "bot_user_id": BOT_USER,
            "team": {"id": team, "name": f"Team {team}"},
            "enterprise": None,
            "is_enterprise_install": False,
        }

    async def _response_url(self, request: web.Request) -> web.Response:
        """Like hooks.slack.com; a key starting with "expired" behaves like a URL past its 30 minutes."""
        body = await request.json()
        key = request.match_info["key"]
        if key.startswith("expired"):
            self.calls.append(Call("response_url.refused", {**body, "key": key}))
            return web.Response(status=404, text="expired_url")
        self.calls.append(Call("response_url", {**body, "key": key}))
        return web.Response(text="ok")

    # -- Socket Mode -----------------------------------------------------------------------------

    async def _websocket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._socket = socket
        await socket.send_json({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A1"}})
        self._socket_ready.set()
        async for message in socket:
            if message.type == WSMsgType.TEXT:
                self.socket_acks.append(json.loads(message.data))
        return socket

    async def send_envelope(self, envelope: dict[str, Any], timeout: float = 5.0) -> None:
        await asyncio.wait_for(self._socket_ready.wait(), timeout)
        assert self._socket is not None
        await self._socket.send_json(envelope)

    async def wait_for_ack(self, envelope_id: str, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while not any(ack.get("envelope_id") == envelope_id for ack in self.socket_acks):
            if time.monotonic() > deadline:
                raise AssertionError(f"envelope {envelope_id} was never acknowledged")
            await asyncio.sleep(0.01)


# -- payloads, shaped like Slack's ------------------------------------------------------------------


def sign(body: str, *, secret: str = SIGNING_SECRET, timestamp: int | None = None) -> dict[str, str]:
    """The headers Slack sends: v0 signature over "v0:<timestamp>:<body>"."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"x-slack-request-timestamp": ts, "x-slack-signature": f"v0={digest}"}


def event_body(event: dict[str, Any], event_id: str = "Ev001") -> str:
    return json.dumps(
        {
            "token": "legacy-verification-token",
            "team_id": TEAM,
            "api_app_id": "A1",
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": 1700000000,
            "authorizations": [{"enterprise_id": None, "team_id": TEAM, "user_id": BOT_USER, "is_bot": True}],
            "is_ext_shared_channel": False,
            "event_context": "4-eyJldCI6ImFwcF9tZW50aW9uIn0",
        }
    )


def mention(
    text: str, *, user: str = "U1", channel: str = "C1", ts: str = "1700000001.000100", **extra: Any
) -> dict[str, Any]:
    return {
        "type": "app_mention",
        "user": user,
        "text": f"<@{BOT_USER}> {text}",
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
        "team": TEAM,
        **extra,
    }


def direct_message(
    text: str, *, user: str = "U1", channel: str = "D1", ts: str = "1700000002.000100", **extra: Any
) -> dict[str, Any]:
    return {
        "type": "message",
        "user": user,
        "text": text,
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
        "channel_type": "im",
        "team": TEAM,
        **extra,
    }


def channel_message(
    text: str,
    *,
    user: str = "U1",
    channel: str = "C1",
    ts: str = "1700000005.000100",
    thread_ts: str | None = None,
    channel_type: str = "channel",
    **extra: Any,
) -> dict[str, Any]:
    """A message.channels (or, with channel_type "group", message.groups) event: a channel message or thread reply."""
    event: dict[str, Any] = {
        "type": "message",
        "user": user,
        "text": text,
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
        "channel_type": channel_type,
        "team": TEAM,
        "client_msg_id": f"c0ffee00-0000-4000-8000-{ts.replace('.', '')[-12:]}",
        **extra,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
        event["parent_user_id"] = user
    return event


def command_body(text: str, response_url: str, *, user: str = "U1", channel: str = "C1") -> str:
    return urlencode(
        {
            "token": "legacy-verification-token",
            "team_id": TEAM,
            "team_domain": "test",
            "channel_id": channel,
            "channel_name": "general",
            "user_id": user,
            "user_name": "freelancer",
            "command": "/coach",
            "text": text,
            "api_app_id": "A1",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": "123.456.abc",
        }
    )


def action_payload(
    action_id: str,
    *,
    user: str = "U1",
    channel: str = "C1",
    message_ts: str = "1700000003.000100",
    thread_ts: str | None = None,
    ephemeral: bool = False,
    home: bool = False,
    response_url: str = "",
) -> dict[str, Any]:
    button = {
        "action_id": action_id,
        "block_id": "b1",
        "text": {"type": "plain_text", "text": "label", "emoji": True},
        "value": action_id,
        "type": "button",
        "action_ts": "1700000004.000200",
    }
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user, "username": "freelancer", "name": "freelancer", "team_id": TEAM},
        "api_app_id": "A1",
        "token": "legacy-verification-token",
        "trigger_id": "123.456.def",
        "team": {"id": TEAM, "domain": "test"},
        "enterprise": None,
        "is_enterprise_install": False,
        "actions": [button],
    }
    if home:
        payload["container"] = {"type": "view", "view_id": "V1"}
        payload["view"] = {"id": "V1", "type": "home", "blocks": []}
        return payload
    payload["container"] = {
        "type": "message",
        "message_ts": message_ts,
        "channel_id": channel,
        "is_ephemeral": ephemeral,
    }
    payload["channel"] = {"id": channel, "name": "directmessage" if channel.startswith("D") else "general"}
    payload["response_url"] = response_url
    if not ephemeral:
        message: dict[str, Any] = {"type": "message", "user": BOT_USER, "bot_id": BOT_ID, "ts": message_ts, "text": "x"}
        if thread_ts:
            message["thread_ts"] = thread_ts
            payload["container"]["thread_ts"] = thread_ts
        payload["message"] = message
    return payload


def message_shortcut_payload(
    text: str,
    response_url: str,
    *,
    user: str = "U1",
    author: str = "U9",
    channel: str = "C1",
    callback_id: str = "coach_me_on_this",
    **message_extra: Any,
) -> dict[str, Any]:
    """A message shortcut ("Coach me on this") picked from the "More actions" menu of someone's message."""
    return {
        "type": "message_action",
        "token": "legacy-verification-token",
        "action_ts": "1700000010.000100",
        "team": {"id": TEAM, "domain": "test"},
        "user": {"id": user, "username": "freelancer", "team_id": TEAM, "name": "freelancer"},
        "channel": {"id": channel, "name": "directmessage" if channel.startswith("D") else "general"},
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": callback_id,
        "trigger_id": "123.456.ghi",
        "response_url": response_url,
        "message_ts": "1700000009.000100",
        "message": {
            "type": "message",
            "user": author,
            "ts": "1700000009.000100",
            "text": text,
            "team": TEAM,
            "client_msg_id": "9d5f3c8a-0000-4000-8000-000000000001",
            **message_extra,
        },
    }


def action_body(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload)})


async def dispatch(
    app: AsyncApp, body: str, content_type: str = JSON, headers: dict[str, str] | None = None
) -> BoltResponse:
    """What Slack does over HTTP: a signed POST to /slack/events, straight into the bolt app."""
    all_headers = {"content-type": content_type, **sign(body), **(headers or {})}
    return await app.async_dispatch(AsyncBoltRequest(body=body, headers=all_headers))


def assistant_thread_started(
    *, user: str = "U1", channel: str = "D1", thread_ts: str = "1700000020.000100", viewing: str = "C1"
) -> dict[str, Any]:
    """The user opened the assistant (split view) or started a new chat in it."""
    return {
        "type": "assistant_thread_started",
        "assistant_thread": {
            "user_id": user,
            "context": {"channel_id": viewing, "team_id": TEAM, "enterprise_id": None},
            "channel_id": channel,
            "thread_ts": thread_ts,
        },
        "event_ts": "1700000020.000200",
    }


def assistant_message(
    text: str, *, user: str = "U1", channel: str = "D1", thread_ts: str = "1700000020.000100", ts: str = "1700000021.1"
) -> dict[str, Any]:
    """A message.im event for what the user typed (or a suggested prompt they picked) in an assistant thread."""
    return {
        "type": "message",
        "user": user,
        "text": text,
        "ts": ts,
        "thread_ts": thread_ts,
        "parent_user_id": BOT_USER,
        "channel": channel,
        "event_ts": ts,
        "channel_type": "im",
        "team": TEAM,
        "client_msg_id": f"a551e0a0-0000-4000-8000-{ts.replace('.', '')[-12:].rjust(12, '0')}",
        "assistant_thread": {"action_token": f"10116779555154.{ts.replace('.', '')}.9b39d433f13510945bee"},
    }
