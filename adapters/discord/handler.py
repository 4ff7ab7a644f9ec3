"""The thin handler: a Discord event in, ``Coach.handle``, the rendered reply out.

Slash commands and buttons answer privately (ephemeral) everywhere except in
the user's DMs with the bot, where messages should stay in the history;
"Share in channel" is the one button whose answer is public.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

from adapters.discord.limits import AUTOCOMPLETE_CHOICES, CHOICE_NAME, FIELD_VALUE, shorten
from adapters.discord.render import NO_PINGS, Outbound, render
from adapters.discord.translate import in_bot_dm, interaction_request, message_request, message_words
from bot.engine.coach import Coach
from bot.engine.i18n import LANGS, t
from bot.engine.messages import Reply, Request
from bot.errors import StoreError
from bot.inflight import InFlight
from bot.store.base import WorkspaceSettings

log = logging.getLogger("coach.discord")

Interaction = discord.Interaction[Any]
EVENT_TTL = 3600.0  # how long a handled event id is remembered, against double delivery
ALREADY_ACKNOWLEDGED = 40060  # Discord's error code: "Interaction has already been acknowledged"


class DiscordHandler:
    def __init__(self, coach: Coach) -> None:
        self.coach = coach
        self.inflight = InFlight()  # answers being written, for a graceful shutdown
        self.closing = False  # set on SIGTERM: new events are no longer taken

    def _refuse_while_closing(self, what: str) -> bool:
        if self.closing:
            log.info("shutting down: a new %s was not taken", what)
        return self.closing

    # -- slash commands ------------------------------------------------------------------

    async def on_command(self, interaction: Interaction, *, text: str = "", action: str | None = None) -> None:
        """Defer at once (the engine may take longer than Discord's 3 s), then follow up.

        Nothing comes before the defer, the store least of all: Discord accepts one response per interaction,
        so the defer itself is the claim. A second process with the same token gets "already acknowledged".
        """
        if self._refuse_while_closing("command"):
            return
        async with self.inflight.track():
            ephemeral = not in_bot_dm(interaction)
            if not await self._defer(interaction, thinking=True, ephemeral=ephemeral):
                return
            reply = await self.coach.handle(interaction_request(interaction, text=text, action=action))
            await self._follow_up(interaction, reply, ephemeral=ephemeral)

    async def on_message_menu(self, interaction: Interaction, message: discord.Message) -> None:
        """Apps → "Coach me on this": the chosen message is the client's words; only the user sees the answer."""
        if not await self._first_delivery(f"interaction:{interaction.id}"):
            return
        ephemeral = not in_bot_dm(interaction)
        await interaction.response.defer(thinking=True, ephemeral=ephemeral)
        request = interaction_request(interaction, text=message_words(message), client_words=True)
        await self._follow_up(interaction, await self.coach.handle(request), ephemeral=ephemeral)

    async def topic_choices(self, interaction: Interaction, typed: str) -> list[app_commands.Choice[str]]:
        """Autocomplete: topic titles in the user's language; the value is the topic id."""
        try:
            lang = await self.lang_for(interaction)
            found = self.coach.topic_choices(typed[:CHOICE_NAME], lang, limit=AUTOCOMPLETE_CHOICES)
        except Exception:
            log.exception("topic autocomplete failed")
            return []
        return [
            app_commands.Choice(name=shorten(choice.label, CHOICE_NAME), value=choice.id.removeprefix("topic:"))
            for choice in found[:AUTOCOMPLETE_CHOICES]
        ]

    # -- server settings ---------------------------------------------------------------------

    async def on_settings(
        self,
        interaction: Interaction,
        *,
        lang: str | None = None,
        add_admin: str | None = None,
        remove_admin: str | None = None,
    ) -> None:
        """``/coach-settings``: show the server's settings, or change them, for members with Manage Server.

        Discord hides the command from everyone else by default, but a server can grant it to anyone, so the
        permission is checked here too, on what Discord says about this very interaction.
        """
        if self._refuse_while_closing("settings command"):
            return
        async with self.inflight.track():
            if not await self._defer(interaction, thinking=True, ephemeral=True):
                return
            reply_lang = await self.lang_for(interaction)
            guild_id = interaction.guild_id
            if guild_id is None or not interaction.is_guild_integration():
                await self._tell(interaction, t("ws_not_in_server", reply_lang))
                return
            if not interaction.permissions.manage_guild:
                log.info("a /coach-settings from a member without Manage Server was refused")
                await self._tell(interaction, t("ws_denied_discord", reply_lang))
                return
            key = f"discord:{guild_id}"
            changing = lang is not None or add_admin is not None or remove_admin is not None
            try:
                if changing:
                    workspace = await self.coach.update_workspace_settings(
                        key,
                        lang=lang,
                        add_admins=(add_admin,) if add_admin else (),
                        remove_admins=(remove_admin,) if remove_admin else (),
                    )
                else:
                    workspace = await self.coach.workspace_settings(key)
            except StoreError as exc:
                log.warning("server settings unavailable: %s", exc)
                await self._tell(interaction, t("store_down", reply_lang))
                return
            reply_lang = await self.lang_for(interaction)  # the server's new language, for someone with none
            embed = settings_embed(workspace, reply_lang, self.coach.settings.default_lang, changing)
            await self._send(interaction, embed)

    async def _tell(self, interaction: Interaction, text: str) -> None:
        await self._send(interaction, discord.Embed(description=text))

    async def _send(self, interaction: Interaction, embed: discord.Embed) -> None:
        try:
            await interaction.followup.send(embed=embed, ephemeral=True, allowed_mentions=NO_PINGS)
        except discord.HTTPException as exc:
            log.warning("Discord rejected a follow-up: %s %s", exc.status, exc.code)

    # -- buttons ---------------------------------------------------------------------------

    async def on_button(self, interaction: Interaction, action: str) -> None:
        if self._refuse_while_closing("button press"):
            return
        async with self.inflight.track():
            await self._button(interaction, action)

    async def _button(self, interaction: Interaction, action: str) -> None:
        try:
            if action.startswith("share:"):
                await self._share(interaction, action)
                return
            ephemeral = not in_bot_dm(interaction)
            if not await self._defer(interaction, thinking=True, ephemeral=ephemeral):
                return
            reply = await self.coach.handle(interaction_request(interaction, action=action))
            await self._follow_up(interaction, reply, ephemeral=ephemeral)
        except Exception:
            log.exception("button %r failed", action.partition(":")[0])
            await self.apologise(interaction)

    async def _share(self, interaction: Interaction, action: str) -> None:
        """Post the public version of the advice in the channel, as a normal (non-ephemeral) follow-up."""
        if not await self._defer(interaction):
            return
        request = interaction_request(interaction, action=action, is_private=False, command=None)
        reply = await self.coach.handle(request)
        await self._follow_up(interaction, reply, ephemeral=reply.kind != "advice", allow_share=False)

    # -- messages: mentions in channels, DMs -------------------------------------------------

    async def on_message(self, message: discord.Message, me: discord.ClientUser | None) -> None:
        request = message_request(message, me.id) if me is not None else None
        if request is None or self._refuse_while_closing("message"):
            return
        async with self.inflight.track():
            await self._answer_message(message, request)

    async def _answer_message(self, message: discord.Message, request: Request) -> None:
        if not await self._first_delivery(f"message:{message.id}"):
            return
        reference = None if request.is_private else message.to_reference(fail_if_not_exists=False)
        try:
            outgoing = render(await self.coach.handle(request), allow_share=False)
        except Exception:
            log.exception("could not answer a message in channel %s", message.channel.id)
            outgoing = [Outbound(content=t("error", self.coach.settings.default_lang))]
        for out in outgoing:
            kwargs = out.send_kwargs()
            if reference is not None:
                kwargs.update(reference=reference, mention_author=False)
            try:
                await message.channel.send(**kwargs)
            except discord.Forbidden:
                log.warning("no permission to answer in channel %s (Send Messages / Embed Links?)", message.channel.id)
                return
            except discord.HTTPException as exc:
                log.warning("Discord rejected a reply in channel %s: %s %s", message.channel.id, exc.status, exc.code)
                return

    # -- shared ------------------------------------------------------------------------------

    async def _follow_up(
        self, interaction: Interaction, reply: Reply, *, ephemeral: bool, allow_share: bool | None = None
    ) -> None:
        for out in render(reply, allow_share=ephemeral if allow_share is None else allow_share):
            try:
                await interaction.followup.send(ephemeral=ephemeral, **out.send_kwargs())
            except discord.Forbidden:
                log.warning("no permission to follow up in channel %s", interaction.channel_id)
                return
            except discord.HTTPException as exc:
                log.warning("Discord rejected a follow-up: %s %s", exc.status, exc.code)
                return

    async def apologise(self, interaction: Interaction) -> None:
        """The short apology: never the exception text."""
        text = t("error", self.locale_lang(interaction))
        try:
            if interaction.response.is_done():
                await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_PINGS)
            else:
                await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_PINGS)
        except discord.HTTPException as exc:
            log.warning("could not send the apology: %s %s", exc.status, exc.code)

    def locale_lang(self, interaction: Interaction) -> str:
        code = interaction.locale.value.split("-")[0].lower()
        return code if code in LANGS else self.coach.settings.default_lang

    async def lang_for(self, interaction: Interaction) -> str:
        """The user's chosen language (``/coach lang``), else the server's (``/coach-settings``), else their locale."""
        request = interaction_request(interaction)
        try:
            prefs = await self.coach.store.get_preferences(request.user_key)
            workspace = await self.coach.workspace_settings(request.workspace_key)
        except StoreError:
            return self.locale_lang(interaction)
        return prefs.lang or workspace.lang or self.locale_lang(interaction)

    async def _defer(self, interaction: Interaction, *, thinking: bool = False, ephemeral: bool = False) -> bool:
        """Acknowledge the interaction; False when it already was (another process with this token took it)."""
        try:
            await interaction.response.defer(thinking=thinking, ephemeral=ephemeral)
        except discord.InteractionResponded:
            log.info("interaction %s was already acknowledged; ignored", interaction.id)
            return False
        except discord.HTTPException as exc:
            if exc.code == ALREADY_ACKNOWLEDGED:
                log.info("interaction %s was acknowledged by another process; ignored", interaction.id)
                return False
            raise
        return True

    async def _first_delivery(self, event: str) -> bool:
        """False when another process (same token, shared store) already took this event."""
        try:
            return await self.coach.store.claim_event(f"discord:{event}", EVENT_TTL)
        except StoreError:
            return True


LANG_NAMES = {"en": "English", "es": "Español", "ca": "Català", "fi": "Suomi"}


def settings_embed(workspace: WorkspaceSettings, lang: str, env_lang: str, saved: bool) -> discord.Embed:
    """The server's settings as an embed: the default language and who may see the statistics."""
    chosen = LANG_NAMES.get(workspace.lang or "") or t("ws_lang_env", lang, code=env_lang)
    admins = ", ".join(f"<@{a}>" for a in workspace.admins) or t("ws_admins_none", lang)
    embed = discord.Embed(title=t("ws_title", lang), description=t("ws_saved", lang) if saved else None)
    embed.add_field(name=t("ws_lang", lang), value=chosen, inline=False)
    embed.add_field(name=t("ws_admins", lang), value=shorten(admins, FIELD_VALUE), inline=False)
    return embed
