"""Which Slack installation a request belongs to: its *tenant*, part of every key stored for its users.

A workspace is ``T1``; a workspace of an Enterprise Grid org is ``E1:T1``; an org-wide installation is
``E1``. Slack's ids carry their kind in their first letter (``E`` for an org, ``T`` for a workspace).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from bot.engine.messages import Request, tenant_scope

PLATFORM = "slack"


def tenant_of(enterprise_id: str | None, team_id: str | None) -> str | None:
    return ":".join(part for part in (enterprise_id, team_id) if part) or None


def tenant_ids(tenant: str) -> tuple[str | None, str | None]:
    """(enterprise_id, team_id) of a tenant."""
    first, _, second = tenant.partition(":")
    if second:
        return first, second
    return (first, None) if first.startswith("E") else (None, first)


def context_tenant(context: Mapping[str, Any] | None) -> str | None:
    """The tenant of a request, from bolt's context (``enterprise_id``, ``team_id``)."""
    if context is None:
        return None
    return tenant_of(context.get("enterprise_id"), context.get("team_id"))


def installation_tenant(enterprise_id: str | None, team_id: str | None, org_wide: bool | None) -> str | None:
    """Where an installation lives: the org for an org-wide one, else the workspace."""
    return tenant_of(enterprise_id, None if org_wide else team_id)


def scope(tenant: str) -> str:
    """The prefix of every key stored for the tenant's users (``slack:T1``)."""
    return tenant_scope(PLATFORM, tenant)


def in_tenant(request: Request, tenant: str | None) -> Request:
    """The request with its tenant and the workspace whose settings apply to it (the same installation)."""
    if not tenant or request.tenant is not None:
        return request
    return replace(request, tenant=tenant, workspace_id=request.workspace_id or tenant)
