"""What ``coach serve discord``, ``coach discord sync`` and ``coach discord invite-url`` run."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from urllib.parse import parse_qs, urlparse

import discord

from adapters.discord.checkins import CheckinDelivery
from adapters.discord.client import CoachClient, create_client
from adapters.discord.credentials import WHERE_TO_GET_IT, application_id_from_token, validate_token
from adapters.unreachable import CONNECTION_ERRORS, unreachable
from bot.engine.coach import Coach
from bot.errors import ConfigError
from bot.health import start_heartbeat
from bot.reload import Reloader, watch_knowledge
from bot.settings import Settings

log = logging.getLogger("coach.discord")

SCOPES = ("bot", "applications.commands")
USER_SCOPES = ("applications.commands",)
_NETWORK_HINT = "check the network connection and any proxy"
# Exactly what the bot uses: read the channel, answer (also in threads), embeds, and replies to a message.
PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    embed_links=True,
    read_message_history=True,
)


def serve_discord(settings: Settings, *, sync_guild: int | None, watch: bool = False) -> None:
    token = validate_token(settings.discord_token)
    _configure_logging(settings)
    asyncio.run(_serve(Coach.from_settings(settings), settings, token, sync_guild, watch))


async def _serve(coach: Coach, settings: Settings, token: str, sync_guild: int | None, watch: bool = False) -> None:
    try:
        client = create_client(coach, settings, sync_guild=sync_guild)
        async with client:
            reloader = Reloader(coach)
            _handle_signals(client, reloader)
            tasks = [asyncio.create_task(CheckinDelivery(client, coach).run_forever(), name="coach-checkins")]
            if watch:
                tasks.append(asyncio.create_task(watch_knowledge(coach, reloader=reloader), name="coach-watch"))

            async def check() -> tuple[bool, str]:
                if client.is_closed() or not client.is_ready():
                    return False, "not connected to Discord's gateway (yet)"
                problem = await coach.store.problem()
                if problem is not None:
                    return False, problem
                return True, "connected to Discord, store reachable"

            beat = start_heartbeat(settings.health_file, "discord", check)
            if beat is not None:
                tasks.append(beat)
            try:
                await client.start(token)
            except discord.LoginFailure:
                raise ConfigError(f"Discord rejected DISCORD_TOKEN. Reset it in the {WHERE_TO_GET_IT}.") from None
            except CONNECTION_ERRORS as exc:
                raise unreachable("Discord's API", _api_base(), exc, _NETWORK_HINT) from None
            finally:
                for task in tasks:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
                await reloader.close()
    finally:
        await coach.close()


def _api_base() -> str:
    from discord.http import Route

    return str(Route.BASE)


def _handle_signals(client: CoachClient, reloader: Reloader) -> None:
    """SIGTERM lets answers in progress finish, then closes; SIGHUP reloads the knowledge (off the loop)."""
    loop = asyncio.get_running_loop()
    closing: list[asyncio.Task[None]] = []

    def terminate() -> None:
        if not closing:  # a second SIGTERM changes nothing
            closing.append(loop.create_task(client.close_gracefully(), name="coach-shutdown"))

    with contextlib.suppress(NotImplementedError, RuntimeError):  # not on Windows, not outside the main thread
        loop.add_signal_handler(signal.SIGTERM, terminate)
        loop.add_signal_handler(signal.SIGHUP, reloader.request)


def sync_commands(settings: Settings) -> None:
    """Log in over REST only (no gateway), sync /coach globally once, and log out."""
    from bot.kb.load import load_knowledge
    from bot.store.null import NullStore

    token = validate_token(settings.discord_token)
    _configure_logging(settings)
    coach = Coach(load_knowledge(extra_dirs=settings.knowledge_dirs), NullStore(), settings)
    names = asyncio.run(_sync(create_client(coach, settings), token))
    print(f"Synced {len(names)} command(s) globally: {', '.join('/' + name for name in names)}")


async def _sync(client: CoachClient, token: str) -> list[str]:
    async with client:
        try:
            await client.login(token)
        except discord.LoginFailure:
            raise ConfigError(f"Discord rejected DISCORD_TOKEN. Reset it in the {WHERE_TO_GET_IT}.") from None
        except CONNECTION_ERRORS as exc:
            raise unreachable("Discord's API", _api_base(), exc, _NETWORK_HINT) from None
        synced = await client.tree.sync()
    return [command.name for command in synced]


def invite_urls(settings: Settings, *, client_id: str | None) -> tuple[str, str]:
    """Two links: add the bot to a server (guild install), and add the app to your own account (user install).

    A user install needs only ``applications.commands`` and no permissions: /coach and "Coach me on this"
    then work for that person in any server or DM, answered through the interaction itself.
    """
    guild = invite_url(settings, client_id=client_id)
    client = parse_qs(urlparse(guild).query)["client_id"][0]
    user = discord.utils.oauth_url(client, scopes=USER_SCOPES)
    return f"{guild}&integration_type=0", f"{user}&integration_type=1"


def invite_url(settings: Settings, *, client_id: str | None) -> str:
    if client_id is None:
        if not settings.discord_token.strip():
            raise ConfigError(
                "give --client-id (the application id, Discord Developer Portal → your application → General "
                "Information) or set DISCORD_TOKEN, which contains it"
            )
        client_id = application_id_from_token(settings.discord_token)
    elif not client_id.strip().isdigit():
        raise ConfigError(f"--client-id must be the numeric application id, got {client_id[:30]!r}")
    return discord.utils.oauth_url(client_id.strip(), permissions=PERMISSIONS, scopes=SCOPES)


def _configure_logging(settings: Settings) -> None:
    if not logging.getLogger().handlers:
        logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
