"""The only types that cross the boundary between the core and the platforms."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Platform = Literal["slack", "discord", "cli"]
ReplyKind = Literal["advice", "plan", "clarify", "fallback", "topics", "tip", "help", "confirmation", "error"]


@dataclass(frozen=True)
class Request:
    """One thing a user said or did, already translated from the platform's event.

    ``action`` carries the stable id of a button or numbered option the user chose;
    ``command`` is set when the platform already parsed a slash command
    (the command's name, e.g. "coach"); its argument text is in ``text``.
    ``client_words`` says ``text`` is a message the client wrote, brought by the
    user ("Coach me on this message"), never a command or the user's own words.
    ``workspace_id`` is the Slack workspace (team) or Discord server (guild) it happened in, whose
    settings apply; None in a DM outside any server and in the terminal.
    ``tenant`` is the namespace the user and conversation ids belong to, part of every key stored for them:
    a Slack installation (``T1``, or ``E1:T1`` in an Enterprise Grid org), so that one process serves many
    workspaces and an uninstall can delete everything under it. None where ids are global (Discord, the terminal).
    """

    platform: Platform
    user_id: str
    conversation_id: str
    text: str
    is_private: bool
    locale: str | None = None
    command: str | None = None
    action: str | None = None
    client_words: bool = False
    workspace_id: str | None = None
    tenant: str | None = None

    @property
    def user_key(self) -> str:
        return user_key(self.platform, self.user_id, self.tenant)

    @property
    def workspace_key(self) -> str | None:
        return f"{self.platform}:{self.workspace_id}" if self.workspace_id else None

    @property
    def conversation_key(self) -> str:
        return conversation_key(self.platform, self.conversation_id, self.user_id, self.tenant)


def tenant_scope(platform: str, tenant: str | None) -> str:
    """The prefix of every key stored for a tenant's users (``slack:T1``); the platform alone without one."""
    return f"{platform}:{tenant}" if tenant else platform


def user_key(platform: str, user_id: str, tenant: str | None = None) -> str:
    return f"{tenant_scope(platform, tenant)}:{user_id}"


def conversation_key(platform: str, conversation_id: str, user_id: str, tenant: str | None = None) -> str:
    return f"{tenant_scope(platform, tenant)}:{conversation_id}:{user_id}"


# The action of a button that lists every situation the coach knows.
ALL_TOPICS_ACTION = "topics"


@dataclass(frozen=True)
class Choice:
    """An option the user can pick: a button on Slack or Discord, a number in the terminal."""

    id: str
    label: str


@dataclass(frozen=True)
class PlanItem:
    """One problem in an ordered plan: what it is, why it comes at this point, where to start."""

    topic_id: str
    title: str
    why_now: str
    summary: str
    first_steps: tuple[str, ...]


@dataclass(frozen=True)
class Reply:
    """What to show, in structured parts; each adapter decides how.

    ``text`` is always a complete plain-text lead (the line a notification or a
    platform's fallback shows). No platform markup appears in any field.
    """

    kind: ReplyKind
    lang: str
    text: str
    title: str = ""
    summary: str = ""
    steps: tuple[str, ...] = ()
    script: tuple[str, ...] = ()
    call_outline: tuple[str, ...] = ()  # talking points for a call, shown as a list, never as a message to paste
    avoid: tuple[str, ...] = ()
    more: tuple[str, ...] = ()
    plan: tuple[PlanItem, ...] = ()
    items: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    disclaimer: str = ""
    notice: str = ""
    question: str = ""
    options: tuple[Choice, ...] = ()
    topic_ids: tuple[str, ...] = ()
    shareable: bool = False


@dataclass(frozen=True)
class Outgoing:
    """A message the bot starts on its own (a due check-in) for an adapter to deliver."""

    platform: Platform
    user_id: str
    conversation_id: str
    reply: Reply
    checkin_id: str
    tenant: str | None = None  # the Slack installation whose token sends it (``Request.tenant``)
