"""The ``/coach`` slash command group and ``/coach-settings``.

Each subcommand only turns its options into the engine's text or action. ``/coach-settings`` is a command of
its own, not a ``/coach`` subcommand, because Discord applies ``default_member_permissions`` (here: Manage
Server) to top-level commands only; the handler checks the permission again when it runs.
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from adapters.discord.handler import DiscordHandler
from adapters.discord.localization import ui

Interaction = discord.Interaction[Any]

LANGUAGE_CHOICES = [
    app_commands.Choice(name="English", value="en"),
    app_commands.Choice(name="Español", value="es"),
    app_commands.Choice(name="Català", value="ca"),
    app_commands.Choice(name="Suomi", value="fi"),
]


class CoachGroup(
    app_commands.Group,
    name=ui("coach", "coach"),
    description=ui("Advice for handling difficult clients", "coach.description"),
):
    def __init__(self, handler: DiscordHandler) -> None:
        super().__init__()
        self.handler = handler

    @app_commands.command(
        name=ui("ask", "ask"), description=ui("Describe what's happening with your client", "ask.description")
    )
    @app_commands.rename(situation=ui("situation", "ask.situation"))
    @app_commands.describe(situation=ui("What is going on, in your own words", "ask.situation.description"))
    async def ask(self, interaction: Interaction, situation: str) -> None:
        await self.handler.on_command(interaction, text=situation)

    @app_commands.command(name=ui("topic", "topic"), description=ui("Advice on one topic", "topic.description"))
    @app_commands.rename(name=ui("name", "topic.name"))
    @app_commands.describe(name=ui("Start typing to find a topic", "topic.name.description"))
    async def topic(self, interaction: Interaction, name: str) -> None:
        await self.handler.on_command(interaction, action=f"topic:{name.strip()}")

    @topic.autocomplete("name")
    async def _topic_names(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await self.handler.topic_choices(interaction, current)

    @app_commands.command(
        name=ui("tip", "tip"), description=ui("A quick tip (of the day, or on one topic)", "tip.description")
    )
    @app_commands.rename(name=ui("topic", "tip.name"))
    @app_commands.describe(name=ui("Topic of the tip (optional)", "tip.name.description"))
    async def tip(self, interaction: Interaction, name: str | None = None) -> None:
        await self.handler.on_command(interaction, text=f"tip {name.strip()}" if name else "tip")

    @tip.autocomplete("name")
    async def _tip_names(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await self.handler.topic_choices(interaction, current)

    @app_commands.command(
        name=ui("topics", "topics"), description=ui("The situations I can help with", "topics.description")
    )
    async def topics(self, interaction: Interaction) -> None:
        await self.handler.on_command(interaction, text="topics")

    @app_commands.command(name=ui("lang", "lang"), description=ui("The language I answer in", "lang.description"))
    @app_commands.rename(language=ui("language", "lang.language"))
    @app_commands.describe(language=ui("Choose a language", "lang.language.description"))
    @app_commands.choices(language=LANGUAGE_CHOICES)
    async def lang(self, interaction: Interaction, language: app_commands.Choice[str]) -> None:
        await self.handler.on_command(interaction, text=f"lang {language.value}")

    @app_commands.command(
        name=ui("forget", "forget"), description=ui("Delete everything I hold about you", "forget.description")
    )
    async def forget(self, interaction: Interaction) -> None:
        await self.handler.on_command(interaction, text="forget")

    @app_commands.command(
        name=ui("help", "help"), description=ui("What I can do and how to use me", "help.description")
    )
    async def help(self, interaction: Interaction) -> None:
        await self.handler.on_command(interaction, text="help")


SETTINGS_LANGUAGE_CHOICES = [
    app_commands.Choice(name=ui("Automatic (the bot's default)", "settings.auto"), value="auto"),
    *LANGUAGE_CHOICES,
]


def settings_command(handler: DiscordHandler) -> app_commands.Command[Any, ..., None]:
    """``/coach-settings``: the server's default language and who may see the statistics there.

    Shown by default only to members with Manage Server (server admins can change that under Integrations), only
    in servers and only where the bot itself is installed; the handler checks all of it again at run time.
    """

    @app_commands.command(
        name=ui("coach-settings", "settings"),
        description=ui("Default language and who sees the statistics, for this server", "settings.description"),
    )
    @app_commands.default_permissions(manage_guild=True)
    # Explicit Falses: the tree's defaults (every install and context) fill in whatever is left unset.
    @app_commands.allowed_installs(guilds=True, users=False)
    @app_commands.allowed_contexts(guilds=True, dms=False, private_channels=False)
    @app_commands.rename(
        language=ui("language", "settings.language"),
        add_admin=ui("add-admin", "settings.add_admin"),
        remove_admin=ui("remove-admin", "settings.remove_admin"),
    )
    @app_commands.describe(
        language=ui("The language for members who haven't chosen their own", "settings.language.description"),
        add_admin=ui("Someone who may see the statistics", "settings.add_admin.description"),
        remove_admin=ui("Someone who may no longer see them", "settings.remove_admin.description"),
    )
    @app_commands.choices(language=SETTINGS_LANGUAGE_CHOICES)
    async def coach_settings(
        interaction: Interaction,
        language: app_commands.Choice[str] | None = None,
        add_admin: discord.User | None = None,
        remove_admin: discord.User | None = None,
    ) -> None:
        await handler.on_settings(
            interaction,
            lang=language.value if language is not None else None,
            add_admin=str(add_admin.id) if add_admin is not None else None,
            remove_admin=str(remove_admin.id) if remove_admin is not None else None,
        )

    return coach_settings
