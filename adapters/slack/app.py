"""The bolt app: thin handlers that translate, ask the engine, render and deliver."""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from typing import Any

import aiohttp
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.assistant import create_assistant
from adapters.slack.dedup import EventDeduplication, event_claim
from adapters.slack.deliver import deliver, open_dm
from adapters.slack.home import home_view
from adapters.slack.inflight import InFlight
from adapters.slack.oauth import oauth_settings
from adapters.slack.render import render
from adapters.slack.tenant import PLATFORM, context_tenant, in_tenant
from adapters.slack.translate import (
    COMMAND_NAME,
    MESSAGE_SHORTCUT,
    Incoming,
    from_action,
    from_command,
    from_direct_message,
    from_home_setting,
    from_mention,
    from_message_shortcut,
    from_thread_reply,
    incoming_for,
    is_share,
    share_target,
)
from adapters.slack.uninstall import UninstallHandlers
from adapters.slack.verify import StrictRequestVerification, is_verified
from adapters.slack.workspace import (
    WorkspaceChange,
    from_workspace_setting,
    is_workspace_admin,
    workspace_key,
)
from bot.engine.coach import Coach
from bot.engine.i18n import t
from bot.engine.messages import Reply, user_key
from bot.errors import StoreError
from bot.settings import Settings

log = logging.getLogger("coach.slack")

Body = dict[str, Any]

RATE_LIMIT_RETRIES = 3


def build_client(settings: Settings, session: aiohttp.ClientSession | None = None) -> AsyncWebClient:
    """A Web API client on ``SLACK_API_URL`` (if set) that waits out rate limits and retries dropped connections.

    With ``session`` every call reuses its pooled connections instead of opening a new one (the server does this).
    """
    kwargs: dict[str, Any] = {"base_url": settings.slack_api_url} if settings.slack_api_url else {}
    client = AsyncWebClient(
        token=settings.slack_bot_token or None,
        retry_handlers=[AsyncConnectionErrorRetryHandler()],
        logger=logging.getLogger("coach.slack.web"),
        session=session,
        **kwargs,
    )
    return honour_rate_limits(client)


def honour_rate_limits(client: AsyncWebClient) -> AsyncWebClient:
    """On a 429, wait for Retry-After and send again (an injected client gets this too)."""
    if not any(isinstance(h, AsyncRateLimitErrorRetryHandler) for h in client.retry_handlers):
        client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES))
    return client


class _TokenGivenTwice(logging.Filter):
    """Drops bolt's "As you gave `client` as well, `token` will be unused".

    Bolt reads SLACK_BOT_TOKEN from the environment even when it is handed a client, and the
    client it is handed was built from that very token: the warning is true of every start.
    """

    MESSAGE = warning_client_prioritized_and_token_skipped()

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != self.MESSAGE


def bolt_logger() -> logging.Logger:
    logger = logging.getLogger("coach.slack.bolt")
    if not any(isinstance(f, _TokenGivenTwice) for f in logger.filters):
        logger.addFilter(_TokenGivenTwice())
    return logger


def create_app(
    coach: Coach, settings: Settings, *, client: AsyncWebClient | None = None, inflight: InFlight | None = None
) -> AsyncApp:
    """The bolt app for ``coach``; ``client`` lets tests point the Web API elsewhere."""
    oauth = oauth_settings(settings, coach.store) if settings.slack_oauth else None
    app = AsyncApp(
        client=honour_rate_limits(client) if client is not None else build_client(settings),
        signing_secret=settings.slack_signing_secret,
        # With OAuth each workspace's bot token comes from its installation (``find_bot``), not SLACK_BOT_TOKEN.
        oauth_settings=oauth,
        installation_store_bot_only=True if oauth is not None else None,
        # bolt's own check crashes on a malformed timestamp (and then runs the error handler on the unverified
        # body) and logs the body of every rejected request: ours replaces it, in the same place.
        request_verification_enabled=False,
        before_authorize=StrictRequestVerification(settings.slack_signing_secret),
        logger=bolt_logger(),
        name="client-coach",
    )
    inflight = inflight or InFlight()
    handlers = SlackHandlers(coach, inflight)
    app.use(EventDeduplication())
    # Assistant threads (and any reply in a DM thread) go to the assistant; other DMs reach on_message below.
    app.assistant(create_assistant(coach, inflight))
    app.event("app_mention")(handlers.on_mention)
    app.event("message")(handlers.on_message)
    app.event("app_home_opened")(handlers.on_home_opened)
    app.command(f"/{COMMAND_NAME}")(handlers.on_command)
    app.action({"type": "block_actions", "action_id": re.compile(".+")})(handlers.on_action)
    app.message_shortcut(MESSAGE_SHORTCUT)(handlers.on_message_shortcut)
    uninstall = UninstallHandlers(coach.store, oauth.installation_store if oauth is not None else None, inflight)
    app.event("app_uninstalled")(uninstall.on_app_uninstalled)
    app.event("tokens_revoked")(uninstall.on_tokens_revoked)
    app.error(handlers.on_error)
    return app


class SlackHandlers:
    """One method per kind of Slack input. Bolt passes arguments by name, hence the names."""

    def __init__(self, coach: Coach, inflight: InFlight) -> None:
        self.coach = coach
        self.inflight = inflight

    async def on_mention(self, event: Body, context: AsyncBoltContext, client: AsyncWebClient) -> None:
        incoming = from_mention(event, context.bot_user_id or "")
        if incoming is not None:
            await self.answer(client, incoming, context)

    async def on_message(self, event: Body, context: AsyncBoltContext, client: AsyncWebClient) -> None:
        incoming = from_direct_message(event, context.bot_user_id or "")
        if incoming is not None:
            await self.answer(client, incoming, context)
            return
        follow_up = from_thread_reply(event, context.bot_user_id or "")
        if follow_up is not None:
            follow_up = replace(follow_up, request=in_tenant(follow_up.request, context_tenant(context)))
        if follow_up is not None and await self._continues(follow_up):
            await self.answer(client, follow_up, context)  # claimed there, like any event it answers

    async def _continues(self, incoming: Incoming) -> bool:
        """A thread reply is answered only from someone the coach is already talking with in that thread.

        Only reads: any other channel message is ignored, and nothing about it is kept (not even its event id).
        """
        try:
            return await self.coach.in_conversation(incoming.request)
        except StoreError:
            return False  # without the store there is no telling whether the coach is in that thread

    async def on_command(self, ack: AsyncAck, command: Body, context: AsyncBoltContext, client: AsyncWebClient) -> None:
        await ack()  # before the engine: Slack gives up after 3 seconds
        await self.answer(client, from_command(command), context)

    async def on_action(self, ack: AsyncAck, body: Body, context: AsyncBoltContext, client: AsyncWebClient) -> None:
        await ack()
        change = from_workspace_setting(body)
        if change is not None:
            async with self.inflight.track():
                await self.change_workspace(client, change, context_tenant(context))
            return
        setting = from_home_setting(body)
        if setting is not None:
            async with self.inflight.track():
                await self.coach.handle(in_tenant(setting.request, context_tenant(context)))
                await self.publish_home(client, setting.request.user_id, context_tenant(context))
            return
        incoming = from_action(body)
        if incoming is not None:
            await self.answer(client, incoming, context)

    async def on_message_shortcut(
        self, ack: AsyncAck, shortcut: Body, context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        await ack()  # before the engine, as for /coach
        incoming = from_message_shortcut(shortcut)
        if incoming is not None:
            await self.answer(client, incoming, context)

    async def on_home_opened(self, event: Body, context: AsyncBoltContext, client: AsyncWebClient) -> None:
        user = event.get("user")
        if event.get("tab") != "home" or not isinstance(user, str):
            return
        async with self.inflight.track(), event_claim(self.coach.store, context) as first:
            if not first:
                return
            await self.publish_home(client, user, context_tenant(context))

    async def publish_home(self, client: AsyncWebClient, user: str, tenant: str | None = None) -> None:
        key = workspace_key(tenant)
        chosen = await self.coach.chosen_lang(user_key(PLATFORM, user, tenant))
        lang = chosen or await self.coach.default_lang(key)
        try:
            checkins = await self.coach.open_checkins(user_key(PLATFORM, user, tenant))
        except StoreError:
            checkins = []
        workspace = None  # the admin section, for workspace admins only
        if key is not None and await is_workspace_admin(client, user):
            try:
                workspace = await self.coach.workspace_settings(key)
            except StoreError:
                log.warning("workspace settings unavailable: the Home tab is published without them")
        env_lang = self.coach.settings.default_lang
        view = home_view(self.coach.kb, lang, chosen, checkins, workspace=workspace, env_lang=env_lang)
        await client.views_publish(user_id=user, view=view)

    async def change_workspace(self, client: AsyncWebClient, change: WorkspaceChange, tenant: str | None) -> None:
        """A change from the Home tab's admin section: made only if Slack says the user is an admin now."""
        key = workspace_key(tenant)
        if key is None or not await is_workspace_admin(client, change.user):
            log.warning("a workspace setting change from someone who is not a workspace admin was ignored")
        else:
            try:
                await self.coach.update_workspace_settings(key, lang=change.lang, admins=change.admins)
            except StoreError as exc:
                log.warning("workspace settings not saved: %s", exc)
        await self.publish_home(client, change.user, tenant)

    async def answer(self, client: AsyncWebClient, incoming: Incoming, context: AsyncBoltContext | None = None) -> None:
        """Answer after the acknowledgement: events are claimed here (by ``event_id``), never before the ack."""
        async with self.inflight.track(), event_claim(self.coach.store, context) as first:
            if not first:
                return
            target = incoming.target
            request = in_tenant(incoming.request, context_tenant(context))
            if not target.channel and not target.response_url:
                # A button on the Home tab: the conversation is the DM, so name it before the engine sees it.
                channel = await open_dm(client, target.dm_user)
                target = replace(target, channel=channel)
                request = replace(request, conversation_id=channel)
            reply = await self.coach.handle(request)
            if is_share(request):
                await deliver(client, share_target(target), render(reply), public=True)
            else:
                await deliver(client, target, render(reply))

    async def on_error(self, error: Exception, body: Body, context: AsyncBoltContext, client: AsyncWebClient) -> None:
        """Log with the traceback; tell the user sorry, never what broke.

        Only for a request whose signature was verified: bolt also calls this when its own middleware fails,
        and then the body may be anyone's (a forged channel, ``response_url`` or user id).
        """
        if not is_verified(context):
            log.warning("a Slack request failed before it was verified (%s); nothing sent", type(error).__name__)
            return
        log.error("a Slack handler failed (%s)", type(error).__name__, exc_info=error)
        incoming = incoming_for(body, context.bot_user_id or "")
        if incoming is None:
            return
        tenant = context_tenant(context)
        chosen = await self.coach.chosen_lang(user_key(PLATFORM, incoming.request.user_id, tenant))
        lang = chosen or await self.coach.default_lang(workspace_key(tenant))
        apology = Reply(kind="error", lang=lang, text=t("error", lang))
        try:
            await deliver(client, incoming.target, render(apology))
        except Exception as exc:
            log.warning("could not send the apology either (%s)", type(exc).__name__)
