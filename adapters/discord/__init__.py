"""The Discord platform: ``create_client(coach, settings)``; ``runner`` has the CLI entry points."""

import warnings

with warnings.catch_warnings():
    # discord.py imports the deprecated audioop module for voice, which this bot never uses.
    warnings.filterwarnings("ignore", message="'audioop' is deprecated", category=DeprecationWarning)
    import discord  # noqa: F401

from adapters.discord.client import create_client  # noqa: E402

__all__ = ["create_client"]
