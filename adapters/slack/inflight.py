"""Kept for imports: the counter of running handlers lives in :mod:`bot.inflight` (both adapters use it)."""

from bot.inflight import InFlight

__all__ = ["InFlight"]
