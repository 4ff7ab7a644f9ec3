"""Hold whole conversations with the engine in tests: ``await chat.ask("...")`` returns the Reply."""

from __future__ import annotations

from dataclasses import dataclass

from bot.engine.coach import Coach
from bot.engine.messages import Platform, Reply, Request


@dataclass
class Conversation:
    coach: Coach
    user_id: str = "U1"
    conversation_id: str = "D1"
    platform: Platform = "cli"
    is_private: bool = True
    locale: str | None = None
    last: Reply | None = None

    async def ask(self, text: str, *, command: str | None = None) -> Reply:
        return await self._send(
            Request(self.platform, self.user_id, self.conversation_id, text, self.is_private, self.locale, command)
        )

    async def press(self, choice: str | int) -> Reply:
        """Press a button: by its id, or by its 1-based number among the last reply's options."""
        if isinstance(choice, int):
            assert self.last is not None, "no reply to choose from yet"
            choice = self.last.options[choice - 1].id
        return await self._send(
            Request(self.platform, self.user_id, self.conversation_id, "", self.is_private, self.locale, action=choice)
        )

    async def _send(self, request: Request) -> Reply:
        self.last = await self.coach.handle(request)
        return self.last
