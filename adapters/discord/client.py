"""The Discord client: default intents only, the /coach tree, persistent buttons, mentions and DMs."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

from adapters.discord.commands import CoachGroup, settings_command
from adapters.discord.handler import DiscordHandler
from adapters.discord.localization import COACH_ME, CoachTranslator
from adapters.discord.render import NO_PINGS
from adapters.discord.views import ActionButton
from bot.engine.coach import Coach
from bot.errors import ConfigError
from bot.settings import Settings

log = logging.getLogger("coach.discord")

SHUTDOWN_GRACE = 20.0  # seconds for answers already being written, as in Slack mode


# Installed to a server or to a user's own account; usable in servers, in DMs with the bot, and (for a
# user install) in the user's other DMs and group DMs, where only the user sees the answers.
INSTALLS = app_commands.AppInstallationType(guild=True, user=True)
CONTEXTS = app_commands.AppCommandContext(guild=True, dm_channel=True, private_channel=True)


class CoachTree(app_commands.CommandTree[discord.Client]):
    def __init__(self, client: discord.Client, handler: DiscordHandler) -> None:
        super().__init__(client, allowed_installs=INSTALLS, allowed_contexts=CONTEXTS)
        self.handler = handler

    async def on_error(
        self, interaction: discord.Interaction[discord.Client], error: app_commands.AppCommandError
    ) -> None:
        command = interaction.command.qualified_name if interaction.command else "?"
        log.error("/%s failed", command, exc_info=error)
        await self.handler.apologise(interaction)


class CoachClient(discord.Client):
    """Nothing connects until :meth:`start` (or :meth:`login`) is called."""

    def __init__(self, coach: Coach, settings: Settings, *, sync_guild: int | None = None, **options: Any) -> None:
        # The bot never joins voice, so discord.py's "PyNaCl / davey is not installed" warnings say nothing.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        super().__init__(intents=discord.Intents.default(), allowed_mentions=NO_PINGS, **options)
        self.coach = coach
        self.settings = settings
        self.sync_guild = sync_guild
        self.handler = DiscordHandler(coach)
        self.tree = CoachTree(self, self.handler)
        self.tree.add_command(CoachGroup(self.handler))
        self.tree.add_command(settings_command(self.handler))
        self.tree.add_command(app_commands.ContextMenu(name=COACH_ME, callback=self.handler.on_message_menu))

    async def setup_hook(self) -> None:
        await self.tree.set_translator(CoachTranslator())
        self.add_dynamic_items(ActionButton)
        if self.sync_guild is not None:
            # Development: guild commands appear at once, global ones are synced deliberately (coach discord sync).
            guild = discord.Object(id=self.sync_guild)
            self.tree.copy_global_to(guild=guild)
            try:
                synced = await self.tree.sync(guild=guild)
            except discord.Forbidden:
                raise ConfigError(
                    f"cannot sync commands to guild {self.sync_guild}: add the bot to that server with the "
                    "applications.commands scope first (coach discord invite-url)"
                ) from None
            log.info("synced %d command(s) to guild %s", len(synced), self.sync_guild)

    async def on_ready(self) -> None:
        user = self.user
        log.info("connected to Discord as %s (%s) in %d server(s)", user, user.id if user else "?", len(self.guilds))

    async def on_message(self, message: discord.Message) -> None:
        await self.handler.on_message(message, self.user)

    async def close_gracefully(self, grace: float = SHUTDOWN_GRACE) -> None:
        """SIGTERM: take no new events, let the answers being written finish (up to ``grace`` s), then close.

        Closing at once dropped the HTTP session under a deferred ``/coach ask``, which then never got its
        follow-up.
        """
        self.handler.closing = True
        if not await self.handler.inflight.wait_idle(grace):
            log.warning("%d answer(s) still running at shutdown were abandoned", self.handler.inflight.running)
        await self.close()


class ShardedCoachClient(CoachClient, discord.AutoShardedClient):
    """The same client over several gateway shards (DISCORD_SHARD_COUNT > 0)."""


def create_client(coach: Coach, settings: Settings, *, sync_guild: int | None = None) -> CoachClient:
    if settings.discord_shard_count > 0:
        return ShardedCoachClient(coach, settings, sync_guild=sync_guild, shard_count=settings.discord_shard_count)
    return CoachClient(coach, settings, sync_guild=sync_guild)
