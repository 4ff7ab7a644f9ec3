"""One line for "the platform's API could not be reached", instead of an aiohttp traceback."""

from __future__ import annotations

import asyncio
import socket

import aiohttp

from bot.errors import UnreachableError

# What a failed connection raises: aiohttp's errors, the OS's, and timeouts.
CONNECTION_ERRORS = (aiohttp.ClientError, OSError, asyncio.TimeoutError)


def unreachable(what: str, url: str, exc: BaseException, hint: str) -> UnreachableError:
    return UnreachableError(f"cannot reach {what} at {url} ({_reason(exc)}); {hint}")


def _reason(exc: BaseException) -> str:
    cause = exc.os_error if isinstance(exc, aiohttp.ClientConnectorError) else exc
    if isinstance(cause, socket.gaierror):
        return "the host name could not be resolved"
    if isinstance(cause, ConnectionRefusedError):
        return "connection refused"
    if isinstance(cause, asyncio.TimeoutError | TimeoutError):
        return "timed out"
    text = " ".join(str(exc).split()) or exc.__class__.__name__
    return text[:200]
