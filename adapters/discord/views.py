"""Buttons that survive a restart.

Every button's ``custom_id`` is the engine's action id itself (``topic:late-payment``,
``fb:up:scope-creep``, ...). One :class:`ActionButton` class, registered in
``setup_hook`` with :meth:`discord.Client.add_dynamic_items`, matches all of them
by pattern, so a button on a message sent weeks ago by an earlier process still
works: nothing about it needs to be remembered.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any, Protocol, runtime_checkable

import discord

from adapters.discord.limits import BUTTON_LABEL, BUTTONS_PER_MESSAGE, BUTTONS_PER_ROW, CUSTOM_ID, shorten
from bot.engine.messages import Choice

log = logging.getLogger("coach.discord")

ACTION_TEMPLATE = re.compile(r"(?P<action>(?:topic|part|fb|share|checkin|outcome):\S+|none|topics)")

Button = discord.ui.Button[discord.ui.View]


@runtime_checkable
class ButtonHandler(Protocol):
    async def on_button(self, interaction: discord.Interaction[Any], action: str) -> None: ...


@runtime_checkable
class HasButtonHandler(Protocol):
    handler: ButtonHandler


def style_for(action: str) -> discord.ButtonStyle:
    if action.startswith("share:"):
        return discord.ButtonStyle.primary
    if action.startswith("outcome:yes:"):
        return discord.ButtonStyle.success
    if action.startswith(("topic:", "part:", "checkin:")):
        return discord.ButtonStyle.primary
    return discord.ButtonStyle.secondary


class ActionButton(discord.ui.DynamicItem[Button], template=ACTION_TEMPLATE):
    def __init__(self, action: str, label: str, *, row: int | None = None) -> None:
        super().__init__(
            discord.ui.Button(label=shorten(label, BUTTON_LABEL), custom_id=action, style=style_for(action)),
            row=row,
        )
        self.action = action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ActionButton:
        label = getattr(item, "label", None) or match["action"]
        return cls(match["action"], label)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        client = interaction.client
        if isinstance(client, HasButtonHandler):
            await client.handler.on_button(interaction, self.action)
        else:
            log.warning("button pressed on a client without a coach; ignored")


def usable_choices(choices: Iterable[Choice]) -> list[Choice]:
    """Choices that can be buttons: one per id (Discord rejects duplicates), ids that fit a custom_id."""
    seen: set[str] = set()
    out: list[Choice] = []
    for choice in choices:
        if choice.id in seen:
            continue
        if len(choice.id) > CUSTOM_ID or not ACTION_TEMPLATE.fullmatch(choice.id):
            log.warning("action id %r cannot be a Discord button; skipped", choice.id[:40])
            continue
        seen.add(choice.id)
        out.append(choice)
    return out


def build_view(choices: Iterable[Choice]) -> discord.ui.View:
    """A persistent view (no timeout) with up to 25 buttons, five to a row."""
    view = discord.ui.View(timeout=None)
    for index, choice in enumerate(list(choices)[:BUTTONS_PER_MESSAGE]):
        view.add_item(ActionButton(choice.id, choice.label, row=index // BUTTONS_PER_ROW))
    return view
