"""`coach serve slack`: Socket Mode (default) or HTTP mode behind aiohttp, with check-ins and a clean shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Iterator, Sequence

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError

from adapters.slack.app import build_client, create_app
from adapters.slack.checkins import BotToken, run_checkins
from adapters.slack.inflight import InFlight
from adapters.slack.oauth import INSTALL_PATH, REDIRECT_PATH
from adapters.slack.tenant import PLATFORM, tenant_ids, tenant_of
from adapters.slack.verify import MalformedRequest, parse_request, signature_problem
from adapters.unreachable import CONNECTION_ERRORS, unreachable
from bot.engine.coach import Coach
from bot.errors import ConfigError, StoreError
from bot.health import start_heartbeat, stop_heartbeat
from bot.reload import Reloader, watch_knowledge
from bot.settings import Settings
from bot.tokens import slack_problems

log = logging.getLogger("coach.slack")

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
SHUTDOWN_GRACE = 20.0  # seconds for answers already being written
_APPS = "api.slack.com/apps → your app"
_NETWORK_HINT = "check the network connection, any proxy, and SLACK_API_URL"


def check_tokens(settings: Settings, *, http: bool) -> None:
    """Fail before connecting, naming the variable and where to find its value."""
    problems = slack_problems(settings, http=http)
    if problems:
        raise ConfigError(problems[0])


def serve_slack(settings: Settings, *, http: bool, host: str, port: int, watch: bool = False) -> None:
    check_tokens(settings, http=http)
    coach = Coach.from_settings(settings)
    _configure_logging(settings)
    asyncio.run(run_slack(coach, settings, http=http, host=host, port=port, watch=watch))


async def run_slack(
    coach: Coach,
    settings: Settings,
    *,
    http: bool,
    host: str,
    port: int,
    stop: asyncio.Event | None = None,
    watch: bool = False,
) -> None:
    """Serve until SIGTERM/SIGINT (or ``stop``), then stop taking requests, finish answers and close the store.

    SIGHUP (and, with ``watch``, any change to the knowledge files) reloads the knowledge, validated first.
    """
    stop = stop or asyncio.Event()
    inflight = InFlight()
    try:
        # One pooled HTTP session for every Web API call: a new connection per call was half the cost of a reply.
        async with aiohttp.ClientSession() as session:
            app = create_app(coach, settings, client=build_client(settings, session), inflight=inflight)
            if app.installation_store is None:
                tenant = await _check_bot_token(app)
                await _adopt_untenanted_users(coach, tenant)
            else:
                log.info("Slack OAuth: installs on %s, each workspace's token from its installation", INSTALL_PATH)
            reloader = Reloader(coach)
            with _signals_set(stop, reloader):
                bot_token = _installed_bot_token(app)
                checkins = asyncio.create_task(run_checkins(coach, app.client, stop, bot_token=bot_token))
                watcher = asyncio.create_task(watch_knowledge(coach, reloader=reloader)) if watch else None
                try:
                    if http:
                        await _serve_http(coach, settings, app, host, port, stop)
                    else:
                        await _serve_socket_mode(coach, app, settings, stop)
                finally:
                    stop.set()
                    if watcher is not None:
                        watcher.cancel()
                        with contextlib.suppress(asyncio.CancelledError):
                            await watcher
                    await checkins
                    await reloader.close()
                    if not await inflight.wait_idle(SHUTDOWN_GRACE):
                        log.warning("%d answer(s) still running at shutdown were abandoned", inflight.running)
    finally:
        await coach.close()
        log.info("Slack adapter stopped")


def _installed_bot_token(app: AsyncApp) -> BotToken | None:
    """In OAuth mode, how check-ins find the token of their workspace; None with one bot token."""
    installations = app.installation_store
    if installations is None:
        return None

    async def bot_token(tenant: str) -> str | None:
        enterprise_id, team_id = tenant_ids(tenant)
        bot = await installations.async_find_bot(enterprise_id=enterprise_id, team_id=team_id)
        return bot.bot_token if bot is not None else None

    return bot_token


async def _adopt_untenanted_users(coach: Coach, tenant: str | None) -> None:
    """Once, after an upgrade: what was kept under ``slack:<user>`` moves under this workspace."""
    if tenant is None:
        return
    try:
        moved = await coach.store.adopt_untenanted_users(PLATFORM, tenant)
    except StoreError as exc:
        log.warning("could not move earlier records under the workspace id (%s); will retry at the next start", exc)
        return
    if moved:
        log.info("moved %d earlier record(s) under Slack workspace %s", moved, tenant)


async def _check_bot_token(app: AsyncApp) -> str | None:
    """Slack's word that SLACK_BOT_TOKEN works; the tenant (workspace) it belongs to."""
    try:
        identity = await app.client.auth_test()
    except SlackApiError as exc:
        raise ConfigError(
            f"Slack rejected SLACK_BOT_TOKEN ({exc.response.get('error')}). Copy the current Bot User OAuth Token "
            f"from {_APPS} → OAuth & Permissions."
        ) from None
    except CONNECTION_ERRORS as exc:
        raise unreachable("Slack's Web API", app.client.base_url, exc, _NETWORK_HINT) from None
    log.info("connected to Slack workspace %s as bot user %s", identity.get("team_id"), identity.get("user_id"))
    return tenant_of(identity.get("enterprise_id"), identity.get("team_id"))


@contextlib.contextmanager
def _signals_set(stop: asyncio.Event, reloader: Reloader) -> Iterator[None]:
    loop = asyncio.get_running_loop()
    installed = []
    actions = {signal.SIGTERM: stop.set, signal.SIGINT: stop.set, signal.SIGHUP: reloader.request}
    for sig, action in actions.items():
        try:
            loop.add_signal_handler(sig, action)
            installed.append(sig)
        except (NotImplementedError, RuntimeError, ValueError):  # not the main thread, or not a Unix loop
            pass
    try:
        yield
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)


async def _store_check(coach: Coach) -> tuple[bool, str]:
    # problem(), not ping(): a read-only database or a full disk answers reads while every write fails.
    problem = await coach.store.problem()
    return (True, "store reachable") if problem is None else (False, problem)


async def _serve_socket_mode(coach: Coach, app: AsyncApp, settings: Settings, stop: asyncio.Event) -> None:
    handler = AsyncSocketModeHandler(app, settings.slack_app_token, logger=logging.getLogger("coach.slack.socket"))
    try:
        await handler.connect_async()  # type: ignore[no-untyped-call]  # bolt leaves it unannotated
    except SlackApiError as exc:
        await handler.close_async()  # type: ignore[no-untyped-call]
        raise ConfigError(
            f"Slack rejected SLACK_APP_TOKEN ({exc.response.get('error')}). Check {_APPS} → Basic Information → "
            "App-Level Tokens (scope connections:write) and that Socket Mode is enabled."
        ) from None
    except CONNECTION_ERRORS as exc:
        await handler.close_async()  # type: ignore[no-untyped-call]
        raise unreachable("Slack's Socket Mode service", "wss://wss-primary.slack.com", exc, _NETWORK_HINT) from None
    log.info("Slack adapter running in Socket Mode")

    async def check() -> tuple[bool, str]:
        if not await handler.client.is_connected():
            return False, "not connected to Slack (Socket Mode is reconnecting)"
        ok, detail = await _store_check(coach)
        return ok, f"connected to Slack, {detail}" if ok else detail

    beat = start_heartbeat(settings.health_file, "slack socket mode", check)
    try:
        await stop.wait()
    finally:
        await stop_heartbeat(beat)
        await handler.close_async()  # type: ignore[no-untyped-call]


async def _serve_http(
    coach: Coach, settings: Settings, app: AsyncApp, host: str, port: int, stop: asyncio.Event
) -> None:
    runner = web.AppRunner(build_http_app(coach, settings, app), shutdown_timeout=SHUTDOWN_GRACE)
    await runner.setup()
    beat = None
    try:
        await web.TCPSite(runner, host, port).start()
        log.info("Slack adapter listening on http://%s:%d%s", host, port, EVENTS_PATH)
        bound_port = runner.addresses[0][1] if runner.addresses else port
        url = f"http://{_local_host(host)}:{bound_port}{HEALTH_PATH}"
        beat = start_heartbeat(settings.health_file, "slack http mode", lambda: _store_check(coach), url)
        await stop.wait()
    finally:
        await stop_heartbeat(beat)
        await runner.cleanup()  # stops listening first, then waits for requests in progress


def _local_host(host: str) -> str:
    """Where this machine reaches a server listening on ``host``."""
    if host in ("", "0.0.0.0", "localhost"):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


def build_http_app(coach: Coach, settings: Settings, app: AsyncApp) -> web.Application:
    """POST /slack/events (events, commands, buttons) and GET /healthz, on aiohttp."""

    async def events(request: web.Request) -> web.Response:
        # The signature is checked on the raw bytes before anything parses them; then the body must be what
        # Slack sends. Either failure is one log line and a 4xx, never a traceback, never a handler.
        raw = await request.read()
        headers = request.headers
        problem = signature_problem(
            settings.slack_signing_secret,
            headers.get("X-Slack-Request-Timestamp"),
            headers.get("X-Slack-Signature"),
            raw,
        )
        if problem is not None:
            log.warning("refused a request on %s: %s", EVENTS_PATH, problem)
            return web.json_response({"error": "invalid request"}, status=401)
        try:
            bolt_request = parse_request(raw, request.query_string, headers)
        except MalformedRequest as exc:
            log.warning("refused a signed request on %s: %s", EVENTS_PATH, exc)
            return web.json_response({"error": "malformed request"}, status=400)
        return await to_aiohttp_response(await app.async_dispatch(bolt_request))

    async def health(request: web.Request) -> web.Response:
        # Not just "does the store answer": a read-only database or a full disk still answers reads while
        # every write (conversations, de-duplication) fails, so that is degraded too, with the reason.
        problem = await coach.store.problem()
        topics = len(coach.kb.topics)
        ok = problem is None and topics > 0
        body: dict[str, object] = {"ok": ok, "knowledge_topics": topics, "store": problem is None}
        if problem is not None:
            body["reason"] = problem
        elif topics == 0:
            body["reason"] = "no knowledge loaded"
        return web.json_response(body, status=200 if ok else 503)

    web_app = web.Application()
    web_app.router.add_post(EVENTS_PATH, events)
    web_app.router.add_get(HEALTH_PATH, health)
    flow = app.oauth_flow
    if flow is not None:

        async def install(request: web.Request) -> web.Response:
            return await to_aiohttp_response(await flow.handle_installation(_browser_request(request)))

        async def oauth_redirect(request: web.Request) -> web.Response:
            return await to_aiohttp_response(await flow.handle_callback(_browser_request(request)))

        web_app.router.add_get(INSTALL_PATH, install)
        web_app.router.add_get(REDIRECT_PATH, oauth_redirect)
    return web_app


def _browser_request(request: web.Request) -> AsyncBoltRequest:
    """A browser's GET (the install link, Slack's redirect back) for bolt's OAuth flow: query and cookies."""
    headers: dict[str, str | Sequence[str]] = {name.lower(): request.headers.getall(name) for name in request.headers}
    return AsyncBoltRequest(body="", query=request.query_string, headers=headers)


def _configure_logging(settings: Settings) -> None:
    """A plain log format when nobody configured logging yet (the CLI may already have)."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
