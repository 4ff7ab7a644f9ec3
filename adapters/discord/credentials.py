"""The bot token: checked before anything connects, and the application id it carries."""

from __future__ import annotations

from bot.errors import ConfigError
from bot.tokens import discord_application_id, discord_token_problem

WHERE_TO_GET_IT = "Discord Developer Portal → your application → Bot → Reset Token"


def validate_token(token: str) -> str:
    """The token, stripped; ``ConfigError`` naming DISCORD_TOKEN if it is missing or malformed."""
    problem = discord_token_problem(token)
    if problem is not None:
        raise ConfigError(problem)
    return token.strip()


def application_id_from_token(token: str) -> str:
    """The application (client) id encoded in the token's first part."""
    found = discord_application_id(validate_token(token))
    assert found is not None  # validate_token checked it
    return found
