"""The terminal platform: `coach chat`, the same engine with numbered options.

In a terminal it is a small interactive program: line editing and history (prompt_toolkit),
Ctrl-C and Ctrl-D leave at once, replies wrap to the window's width, headings in bold and
colour, and a reply taller than the window shows a page at a time (the steps and the
message to send first; Enter or "more" for the rest). Piped, or with ``NO_COLOR`` set, it
writes plain text: no colour, no paging, the same words.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import sys
import threading
from collections.abc import Awaitable, Callable, Mapping
from typing import TextIO

from bot.engine.coach import Coach
from bot.engine.messages import Reply, Request
from bot.engine.plain import PLAIN, WIDTH, Section, Style, plain_sections, wrap
from bot.errors import StoreError

log = logging.getLogger("coach.terminal")

PROMPT = "you> "
GOODBYES = {"quit", "exit", "bye", "/quit", "/exit", "adios", "adiós", "adeu", "heippa", "moikka"}
WELCOME = 'Client Coach. Describe what\'s going on with your client ("help" for commands, "quit" to leave).'
MORE_WORDS = {"more", "m", "más", "mas", "més", "lisää"}
MAX_WIDTH = 100  # wider lines are hard to read, however wide the window
# Shown before the rest (terminal order): what to do and what to say come first.
FIRST = ("lead", "plan", "steps", "script", "disclaimer")

ReadLine = Callable[[], Awaitable[str | None]]


def _sgr(code: str) -> Callable[[str], str]:
    return lambda text: f"\x1b[{code}m{text}\x1b[0m" if text else text


COLOUR = Style(title=_sgr("1;36"), heading=_sgr("1"), quote=_sgr("32"), note=_sgr("33"), number=_sgr("1;36"))


def wants_colour(stream: TextIO, env: Mapping[str, str] | None = None) -> bool:
    """Colour only on a terminal, and never with NO_COLOR set (https://no-color.org) or TERM=dumb."""
    env = os.environ if env is None else env
    return _isatty(stream) and not env.get("NO_COLOR") and env.get("TERM", "") != "dumb"


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def terminal_order(sections: list[Section]) -> list[Section]:
    """The steps, the message to send and the legal note first; the rest after."""
    return [s for s in sections if s.name in FIRST] + [s for s in sections if s.name not in FIRST]


def paginate(sections: list[Section], height: int) -> list[list[str]]:
    """Pages of at most ``height`` lines, cut at a blank line (between or inside sections) in the lower half."""
    lines = [line for section in sections for line in ("", *section.lines)][1:]
    pages: list[list[str]] = []
    while len(lines) > height:
        blanks = [i for i, line in enumerate(lines[: height + 1]) if not line.strip() and i > height // 2]
        cut = blanks[-1] if blanks else height
        pages.append(lines[:cut])
        lines = lines[cut:]
        while lines and not lines[0].strip():
            lines.pop(0)
    return [*pages, lines]


class TerminalChat:
    """Reads lines, turns "2" into the second option of the last reply, prints replies."""

    def __init__(self, coach: Coach, user: str = "local", lang: str | None = None) -> None:
        self.coach = coach
        self.user = user
        self.lang = lang
        self.last: Reply | None = None
        self.pending: list[list[str]] = []  # pages of the last reply not shown yet

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

    async def due_checkins(self) -> list[Reply]:
        """This user's check-ins that have fallen due by the coach's clock, claimed so each shows once.

        Slack and Discord users get them as a DM; here they appear before the next prompt, and their
        options ("1" yes, "2" no) answer them like any other. A store that cannot be reached shows none.
        """
        try:
            due = await self.coach.due_checkins(platform="cli", user_id=self.user)
        except StoreError as exc:
            log.warning("could not look for due check-ins: %s", exc)
            return []
        for outgoing in due:
            self.last = outgoing.reply
        return [outgoing.reply for outgoing in due]

    async def _resumed(self) -> Reply | None:
        try:
            return await self.coach.resumed(self.request_for(""))
        except StoreError as exc:
            log.warning("could not look for a conversation to resume: %s", exc)
            return None

    async def run(
        self, stdin: TextIO | None = None, stdout: TextIO | None = None, *, read: ReadLine | None = None
    ) -> None:
        """Talk until "quit", end of input, Ctrl-D or Ctrl-C (which propagates as KeyboardInterrupt).

        ``read`` replaces the line reader (tests drive the conversation, and the clock, line by line).
        """
        stdin = sys.stdin if stdin is None else stdin
        stdout = sys.stdout if stdout is None else stdout
        interactive = _isatty(stdin) and _isatty(stdout)
        style = COLOUR if wants_colour(stdout) else PLAIN
        if read is None:
            read = _prompt_reader(style) if interactive else _line_reader(stdin, stdout)
        if self.lang:
            await self.coach.handle(Request("cli", self.user, "terminal", f"lang {self.lang}", True))
        width = min(shutil.get_terminal_size((WIDTH, 40)).columns, MAX_WIDTH) - 1 if interactive else WIDTH
        stdout.write("\n".join(style.heading(line) for line in wrap(WELCOME, width)) + "\n\n")
        resumed = await self._resumed()
        if resumed is not None:  # the store keeps a conversation until it expires, across `coach chat` runs
            stdout.write("\n".join(wrap(resumed.text, width)) + "\n\n")
        while True:
            for checkin in await self.due_checkins():  # what a Slack or Discord user would get as a DM
                self._show_reply(checkin, stdout, style, interactive)
            line = await read()
            if line is None or line.strip().casefold() in GOODBYES:
                stdout.write("\n")
                stdout.flush()
                return
            text = line.strip()
            if self.pending and (not text or text.casefold() in MORE_WORDS):
                self._show_page(stdout, style)
                continue
            if not text:
                continue
            self._show_reply(await self.say(text), stdout, style, interactive)

    def _show_reply(self, reply: Reply, stdout: TextIO, style: Style, interactive: bool) -> None:
        columns, rows = shutil.get_terminal_size((WIDTH, 40)) if interactive else (WIDTH + 1, 0)
        width = max(20, min(columns, MAX_WIDTH) - 1)
        sections = plain_sections(reply, numbered_options=True, width=width, style=style)
        # In a terminal, pages that leave room for the "more" hint and the prompt; piped, one page.
        self.pending = paginate(terminal_order(sections), max(10, rows - 3)) if interactive else paginate(
            sections, sys.maxsize
        )
        stdout.write("\n")
        self._show_page(stdout, style)

    def _show_page(self, stdout: TextIO, style: Style) -> None:
        page = self.pending.pop(0)
        stdout.write("\n".join(page) + "\n\n")
        if self.pending:
            left = sum(len(p) for p in self.pending)
            stdout.write(style.note(f"-- {left} more lines: press Enter (or type 'more'), or just carry on --") + "\n")
        stdout.flush()


def _prompt_reader(style: Style) -> ReadLine:
    """prompt_toolkit: arrow keys, history for this session only (message text is never written to disk)."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.formatted_text import ANSI
    from prompt_toolkit.history import InMemoryHistory

    session: PromptSession[str] = PromptSession(history=InMemoryHistory())
    prompt = ANSI(style.number(PROMPT))

    async def read() -> str | None:
        try:
            return await session.prompt_async(prompt)
        except EOFError:  # Ctrl-D
            return None

    return read


def _line_reader(stdin: TextIO, stdout: TextIO) -> ReadLine:
    """Lines from a pipe or file. A daemon thread reads, so Ctrl-C never waits for one more line."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str | None] = asyncio.Queue()

    def pump() -> None:
        # OSError/ValueError: stdin went away; RuntimeError: the loop has closed, nobody listens any more.
        with contextlib.suppress(OSError, ValueError, RuntimeError):
            for line in iter(stdin.readline, ""):
                loop.call_soon_threadsafe(queue.put_nowait, line)
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(queue.put_nowait, None)

    threading.Thread(target=pump, name="coach-chat-stdin", daemon=True).start()

    async def read() -> str | None:
        stdout.write(PROMPT)
        stdout.flush()
        return await queue.get()

    return read
