"""Per-user token bucket: a burst of messages is fine, a flood gets a polite "slow down"."""

from __future__ import annotations

from collections import OrderedDict


class RateLimiter:
    MAX_USERS = 100_000

    def __init__(self, burst: int, per_minute: float) -> None:
        self.burst = float(burst)
        self.rate = per_minute / 60.0
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def check(self, user_key: str, now: float) -> float:
        """0 when the message may go through (and spends a token); else seconds to wait."""
        tokens, last = self._buckets.pop(user_key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        wait = 0.0
        if tokens >= 1.0:
            tokens -= 1.0
        else:
            wait = (1.0 - tokens) / self.rate
        self._buckets[user_key] = (tokens, now)
        if len(self._buckets) > self.MAX_USERS:
            self._buckets.popitem(last=False)
        return wait
