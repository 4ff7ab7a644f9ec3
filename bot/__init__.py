"""Client Coach: the platform-neutral core.

Public API: ``from bot import Coach, Request, Reply``.
"""

from bot.engine.coach import Coach
from bot.engine.messages import Choice, Outgoing, PlanItem, Reply, Request

__all__ = ["Choice", "Coach", "Outgoing", "PlanItem", "Reply", "Request"]
