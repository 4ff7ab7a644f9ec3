"""Slack's AI-assistant surface (the split view), through bolt's ``AsyncAssistant``.

A new assistant thread offers suggested prompts in the user's language; each message in it shows a
status while the answer is composed, is answered by the same coaching conversation as a DM (one
conversation per thread) and gives the thread the topic's title. Workspaces without the feature never
send these events; an ordinary reply in a DM thread is answered as any DM, without status or title.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.set_status.async_set_status import AsyncSetStatus
from slack_bolt.context.set_suggested_prompts.async_set_suggested_prompts import AsyncSetSuggestedPrompts
from slack_bolt.context.set_title.async_set_title import AsyncSetTitle
from slack_bolt.middleware.assistant.async_assistant import AsyncAssistant
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.dedup import event_claim
from adapters.slack.deliver import deliver
from adapters.slack.inflight import InFlight
from adapters.slack.render import neutralise, render, truncate
from adapters.slack.tenant import PLATFORM, context_tenant, in_tenant
from adapters.slack.translate import from_direct_message, is_assistant_message
from adapters.unreachable import CONNECTION_ERRORS
from bot.engine.coach import Coach
from bot.engine.i18n import t
from bot.engine.messages import Request, user_key
from bot.engine.starters import starter_lang, starters
from bot.errors import StoreError

log = logging.getLogger("coach.slack")

Body = dict[str, Any]

TITLE_LIMIT = 100  # characters of a thread's title in the assistant's history list
# A status or title Slack refuses (no assistant:write yet, not an assistant thread) never costs the answer.
_COSMETIC_ERRORS = (SlackApiError, *CONNECTION_ERRORS)


def create_assistant(coach: Coach, inflight: InFlight) -> AsyncAssistant:
    """The assistant middleware, its listeners registered explicitly."""
    handlers = AssistantHandlers(coach, inflight)
    assistant = AsyncAssistant(logger=logging.getLogger("coach.slack.bolt"))
    assistant.thread_started(handlers.on_thread_started)
    assistant.user_message(handlers.on_user_message)
    # The channel the user is looking at is not used: no need for bolt's default, which writes it into the thread.
    assistant.thread_context_changed(handlers.on_context_changed)
    return assistant


class AssistantHandlers:
    """Bolt passes arguments by name, hence the names."""

    def __init__(self, coach: Coach, inflight: InFlight) -> None:
        self.coach = coach
        self.inflight = inflight

    async def on_thread_started(
        self,
        event: Body,
        context: AsyncBoltContext,
        client: AsyncWebClient,
        set_suggested_prompts: AsyncSetSuggestedPrompts,
    ) -> None:
        user = str((event.get("assistant_thread") or {}).get("user_id") or "")
        if not user:
            return
        async with self.inflight.track(), event_claim(self.coach.store, context) as first:
            if not first:
                return
            lang = await self.user_lang(client, user, context_tenant(context))
            prompts = [{"title": s.title, "message": s.message} for s in starters(lang)]
            try:
                await set_suggested_prompts(prompts=prompts, title=t("assistant_prompts_title", lang))
            except _COSMETIC_ERRORS as exc:
                log.warning("could not offer suggested prompts (%s)", _reason(exc))

    async def on_user_message(
        self,
        event: Body,
        context: AsyncBoltContext,
        client: AsyncWebClient,
        set_status: AsyncSetStatus,
        set_title: AsyncSetTitle,
    ) -> None:
        incoming = from_direct_message(event, context.bot_user_id or "")
        if incoming is None:
            return
        in_assistant = is_assistant_message(event)  # else a reply in an ordinary DM thread: answered as any DM
        async with self.inflight.track(), event_claim(self.coach.store, context) as first:
            if not first:
                return
            request = in_tenant(incoming.request, context_tenant(context))
            if not in_assistant:
                await deliver(client, incoming.target, render(await self.coach.handle(request)))
                return
            lang = await self.user_lang(client, request.user_id, request.tenant)
            request = replace(request, locale=lang)  # what to answer in when the message itself says too little
            await _cosmetic(set_status(t("assistant_status", lang)), "status")
            before = await self._topic(request)
            reply = await self.coach.handle(request)
            await deliver(client, incoming.target, render(reply))  # posting the answer clears the status
            after = await self._topic(request)
            if after is not None and after != before:
                # Named after the situation, once it is known and whenever it changes.
                title = self.coach.kb.topics[after].in_lang(reply.lang).title
                await _cosmetic(set_title(truncate(neutralise(title), TITLE_LIMIT)), "title")

    async def _topic(self, request: Request) -> str | None:
        try:
            return await self.coach.topic_of(request)
        except StoreError:
            return None

    async def on_context_changed(self) -> None:
        return None

    async def user_lang(self, client: AsyncWebClient, user: str, tenant: str | None) -> str:
        """The language to speak before the user's words say it: saved choice, Slack locale, default."""
        saved = await self.coach.chosen_lang(user_key(PLATFORM, user, tenant))
        locale = None if saved else await _slack_locale(client, user)
        return starter_lang(saved, locale, self.coach.settings.default_lang)


async def _slack_locale(client: AsyncWebClient, user: str) -> str | None:
    """The user's Slack language (users.info with include_locale; scope users:read), or None."""
    try:
        info = await client.users_info(user=user, include_locale=True)
    except _COSMETIC_ERRORS as exc:
        log.info("no Slack locale for a user (%s); using the default language", _reason(exc))
        return None
    locale = (info.get("user") or {}).get("locale")
    return locale if isinstance(locale, str) else None


async def _cosmetic(call: Any, what: str) -> None:
    try:
        await call
    except _COSMETIC_ERRORS as exc:
        log.warning("could not set the assistant thread's %s (%s)", what, _reason(exc))


def _reason(exc: BaseException) -> str:
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error") or "refused")
    return type(exc).__name__
