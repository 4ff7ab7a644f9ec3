"""The terminal platform: `coach chat`, the same engine with numbered options."""

from __future__ import annotations

import asyncio
import sys
from typing import TextIO

from bot.engine.coach import Coach
from bot.engine.messages import Reply, Request
from bot.engine.plain import render_plain

PROMPT = "you> "
GOODBYES = {"quit", "exit", "bye", "/quit", "/exit", "adios", "adiós", "adeu", "heippa", "moikka"}


class TerminalChat:
    """Reads lines, turns "2" into the second option of the last reply, prints replies."""

    def __init__(self, coach: Coach, user: str = "local", lang: str | None = None) -> None:
        self.coach = coach
        self.user = user
        self.lang = lang
        self.last: Reply | None = None

    def request_for(self, line: str) -> Request:
        text = line.strip()
        if self.last is not None and text.isdigit() and 1 <= int(text) <= len(self.last.options):
            return Request(
                "cli", self.user, "terminal", "", True, locale=self.lang, action=self.last.options[int(text) - 1].id
            )
        return Request("cli", self.user, "terminal", text, True, locale=self.lang)

    async def say(self, line: str) -> Reply:
        reply = await self.coach.handle(self.request_for(line))
        self.last = reply
        return reply

    async def run(self, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> None:
        if self.lang:
            await self.coach.handle(Request("cli", self.user, "terminal", f"lang {self.lang}", True))
        stdout.write(
            'Client Coach. Describe what\'s going on with your client ("help" for commands, "quit" to leave).\n\n'
        )
        while True:
            stdout.write(PROMPT)
            stdout.flush()
            line = await asyncio.to_thread(stdin.readline)
            if not line or line.strip().casefold() in GOODBYES:
                stdout.write("\n")
                return
            reply = await self.say(line)
            stdout.write("\n" + render_plain(reply) + "\n\n")
