"""`coach chat` as a person meets it: in a real (pseudo-)terminal of 80x40, and piped."""

from __future__ import annotations

import io
import os
import re
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.terminal import COLOUR, Section, paginate, wants_colour
from bot.engine.plain import PLAIN, plain_sections
from bot.kb.model import KnowledgeBase

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\x1b[=>]")
COLUMNS, ROWS = 80, 40


def coach_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COACH_", "NO_COLOR"))}
    env.update(
        COACH_CACHE_DIR=os.environ.get("COACH_CACHE_DIR", "off"),
        COACH_DB_PATH=str(tmp_path / "chat.db"),
        TERM="xterm-256color",
        PROMPT_TOOLKIT_NO_CPR="1",  # nobody answers cursor-position requests on this terminal
    )
    env.update(extra)
    return env


class Terminal:
    """`coach chat` on a pseudo-terminal: type into it, read what the screen got."""

    def __init__(self, tmp_path: Path, **env: str) -> None:
        import fcntl
        import pty
        import struct
        import termios

        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "chat"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=tmp_path,
            env=coach_env(tmp_path, **env),
            start_new_session=True,
        )
        os.close(slave)
        self.raw = ""

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def read_until(self, needle: str, timeout: float = 30.0) -> str:
        """Everything written since the last call, up to ``needle`` (matched without ANSI codes) and the
        output that follows within a moment (the prompt finishing drawing itself, raw mode switched on)."""
        start = len(self.raw)
        deadline = time.monotonic() + timeout
        while needle not in ANSI.sub("", self.raw[start:]):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{needle!r} never appeared; the screen got:\n{ANSI.sub('', self.raw[start:])}")
            if not self._read(left):
                break
        while self._read(0.3):
            pass
        return self.raw[start:]

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return False
        try:
            self.raw += os.read(self.master, 65536).decode("utf-8", "replace")
        except OSError:  # the program has gone
            return False
        return True

    def exit_code(self, timeout: float = 5.0) -> int:
        return self.process.wait(timeout=timeout)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        os.close(self.master)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    if sys.platform == "win32":
        pytest.skip("pseudo-terminals are POSIX")
    term = Terminal(tmp_path)
    try:
        yield term
    finally:
        term.close()


def screen_lines(raw: str) -> list[str]:
    """Lines as the screen shows them: after a carriage return the line is drawn again from the left."""
    return [([part for part in ANSI.sub("", line).split("\r") if part] or [""])[-1] for line in raw.split("\n")]


def test_a_long_reply_fits_the_window_with_the_steps_first_and_colour(terminal: Terminal) -> None:
    terminal.read_until("you>")
    terminal.type("my client hasn't paid my invoice in 45 days\r")
    page = terminal.read_until("you>")
    lines = screen_lines(page)
    assert len(lines) <= ROWS, "the first page fits a 40-row window, prompt included"
    reply = [line for line in lines if "you>" not in line]  # the prompt line is prompt_toolkit's, redrawn in place
    assert all(len(line) <= COLUMNS for line in reply), [line for line in reply if len(line) > COLUMNS]
    text = "\n".join(lines)
    assert "CLIENT PAYS LATE" in text and "1. Check your own side first" in text
    assert "more lines: press Enter" in text and "Avoid:" not in text
    assert "\x1b[1;36mCLIENT PAYS LATE" in page, "the title is bold and coloured on a terminal"

    terminal.type("\r")  # the next page: the message to send
    assert "Hi [client name]," in "\n".join(screen_lines(terminal.read_until("you>")))
    terminal.type("more\r")
    terminal.read_until("you>")
    terminal.type("more\r")
    rest = "\n".join(screen_lines(terminal.read_until("you>")))
    assert "[1] It's only a little overdue" in rest, "the options come last"


def test_history_on_the_up_arrow_and_ctrl_c_leaves_at_once(terminal: Terminal) -> None:
    terminal.read_until("you>")
    terminal.type("topics\r")
    terminal.read_until("you>")
    terminal.type("\x1b[A")  # arrow up: the last line comes back to edit
    assert "topics" in ANSI.sub("", terminal.read_until("topics"))
    started = time.monotonic()
    terminal.type("\x03")  # Ctrl-C
    assert terminal.exit_code() == 130
    assert time.monotonic() - started < 3, "Ctrl-C leaves at once, without waiting for Enter"


def test_ctrl_d_leaves_at_once(terminal: Terminal) -> None:
    terminal.read_until("you>")
    terminal.type("\x04")  # Ctrl-D on an empty line
    assert terminal.exit_code() == 0


def test_no_color_turns_colour_off_on_a_terminal(tmp_path: Path) -> None:
    term = Terminal(tmp_path, NO_COLOR="1")
    try:
        term.read_until("you>")
        term.type("tip scope-creep\r")
        page = term.read_until("you>")
        assert "SCOPE CREEP" in page and "\x1b[1;36m" not in page
        term.type("quit\r")
        assert term.exit_code() == 0
    finally:
        term.close()


def test_piped_chat_is_plain_text_with_topics_listed_once(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "chat"],
        input="topics\nmy client hasn't paid my invoice in 45 days\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=coach_env(tmp_path),
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "\x1b[" not in done.stdout
    assert done.stdout.count("(late-payment)") == 1, "the topic list is printed once, numbered"
    assert "[16] Client pays late or ignores your invoices (late-payment)" in done.stdout
    assert "more lines" not in done.stdout and "Avoid:" in done.stdout, "piped output is never paged"


def test_ids_and_words_are_never_split(fixture_kb: KnowledgeBase) -> None:
    from bot.engine import compose

    reply = compose.topic_list(fixture_kb, "en")
    for width in (30, 40, 60):
        text = "\n".join(line for s in plain_sections(reply, width=width) for line in s.lines)
        for tid in fixture_kb.topics:
            assert f"({tid})" in text, (width, tid)
    words = "a-very-long-identifier-that-is-longer-than-the-width and more"
    reply = compose.message("confirmation", "en", words)
    lines = [line for s in plain_sections(reply, width=20) for line in s.lines]
    assert "a-very-long-identifier-that-is-longer-than-the-width" in lines


def test_pages_respect_the_height_and_cut_at_blank_lines() -> None:
    sections = [Section("steps", tuple(f"step {i}" for i in range(8))), Section("script", tuple("abcdefghijkl"))]
    pages = paginate(sections, 10)
    assert all(len(page) <= 10 for page in pages)
    assert pages[0] == [f"step {i}" for i in range(8)], "cut at the blank line between sections"
    assert [line for page in pages for line in page if line] == [*(f"step {i}" for i in range(8)), *"abcdefghijkl"]
    assert paginate(sections, 100) == [[*(f"step {i}" for i in range(8)), "", *"abcdefghijkl"]]


def test_colour_only_on_a_terminal_without_no_color() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert wants_colour(Tty(), {"TERM": "xterm"})
    assert not wants_colour(Tty(), {"TERM": "xterm", "NO_COLOR": "1"})
    assert not wants_colour(Tty(), {"TERM": "dumb"})
    assert not wants_colour(io.StringIO(), {"TERM": "xterm"})
    assert COLOUR.title("x") != "x" and PLAIN.title("x") == "x"


class FakeClock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


async def test_a_due_checkin_is_shown_before_the_next_prompt(tmp_path: Path, fixture_kb: KnowledgeBase) -> None:
    """What a Slack or Discord user gets as a DM, the terminal shows at the next prompt: by the coach's clock."""
    from adapters.terminal import TerminalChat
    from bot.engine.coach import Coach
    from bot.engine.i18n import t
    from bot.settings import Settings
    from bot.store.sqlite import SqliteStore

    clock = FakeClock()
    coach = Coach(fixture_kb, SqliteStore(tmp_path / "coach.db"), Settings(), clock=clock)
    # Line by line, and how long the user waited at the prompt before typing it.
    script = [
        ("my client won't pay my invoice", 0.0),
        ("remind me in 2 days", 0.0),
        ("tip", 2 * 86400 - 60),  # a minute before it is due
        ("help", 61),  # it falls due: shown after the answer to this line, before the next prompt
        ("1", 0.0),  # "1" answers the check-in's first option (yes), not the help's
    ]
    prompts: list[str] = []  # what the screen held when each prompt appeared
    out = io.StringIO()

    async def read() -> str | None:
        prompts.append(out.getvalue())
        if not script:
            return None
        line, waited = script.pop(0)
        clock.now += waited
        return line

    try:
        await TerminalChat(coach).run(io.StringIO(), out, read=read)
    finally:
        await coach.close()
    title = fixture_kb.topics["late-payment"].in_lang("en").title
    question = t("checkin_question", "en", title=title)
    assert question not in prompts[3], "not before it is due"
    assert question in prompts[4], "shown before the first prompt after it fell due"
    assert out.getvalue().count(question) == 1, "once"
    shown = prompts[4][len(prompts[3]) :]
    assert shown.index(question) > shown.index("topics"), "after the answer to the line typed (help)"
    assert "[1] " + t("btn_yes", "en") in shown
    assert t("outcome_resolved", "en") in prompts[5][len(prompts[4]) :], "'1' answered the check-in"
    row = {r.topic_id: r for r in await SqliteStore(tmp_path / "coach.db").stats()}["late-payment"]
    assert row.resolved == 1


async def test_another_users_checkin_waits_for_their_own_session(tmp_path: Path, fixture_kb: KnowledgeBase) -> None:
    from adapters.terminal import TerminalChat
    from bot.engine.coach import Coach
    from bot.engine.messages import Request
    from bot.settings import Settings
    from bot.store.sqlite import SqliteStore

    clock = FakeClock()
    coach = Coach(fixture_kb, SqliteStore(tmp_path / "coach.db"), Settings(), clock=clock)
    try:
        for user in ("alice", "bob"):
            await coach.handle(Request("cli", user, "terminal", "my client won't pay my invoice", True))
            await coach.handle(Request("cli", user, "terminal", "remind me tomorrow", True))
        clock.now += 86400
        alice, bob = TerminalChat(coach, user="alice"), TerminalChat(coach, user="bob")
        assert len(await alice.due_checkins()) == 1
        assert await alice.due_checkins() == []
        [for_bob] = await bob.due_checkins()
        assert bob.last is for_bob, "its numbered options answer it"
    finally:
        await coach.close()


def test_a_pasted_email_is_read_as_the_clients_words(terminal: Terminal) -> None:
    """A paste arrives as one bracketed paste, newlines and all, and is answered once, as the client's message."""
    terminal.read_until("you>")
    email = (
        "From: Ann Smith <ann@acme.com>\nSubject: Invoice 2024-17\n\n"
        "Hi, we won't be able to pay invoice 2024-17 this month, cash flow is tight. Next month maybe."
    )
    terminal.type(f"\x1b[200~{email}\x1b[201~\r")
    text = "\n".join(screen_lines(terminal.read_until("you>")))
    assert "CLIENT PAYS LATE" in text
    terminal.type("\r")
    rest = "\n".join(screen_lines(terminal.read_until("you>")))
    assert "Hi Ann Smith," in rest, "the reply draft is addressed to the sender of the e-mail"


async def test_a_new_session_says_which_conversation_it_picks_up(tmp_path: Path, fixture_kb: KnowledgeBase) -> None:
    """The store keeps a conversation across `coach chat` runs until it expires: the next run says so."""
    from adapters.terminal import TerminalChat
    from bot.engine.coach import Coach
    from bot.engine.i18n import t
    from bot.settings import Settings
    from bot.store.sqlite import SqliteStore

    async def session(lines: list[str]) -> str:
        coach = Coach(fixture_kb, SqliteStore(tmp_path / "coach.db"), Settings(), clock=FakeClock())
        out = io.StringIO()

        async def read() -> str | None:
            return lines.pop(0) if lines else None

        try:
            await TerminalChat(coach).run(io.StringIO(), out, read=read)
        finally:
            await coach.close()
        return out.getvalue()

    title = fixture_kb.topics["late-payment"].in_lang("es").title
    resumed = t("resumed", "es", title=title)[:40]
    first = await session(["mi cliente no me paga la factura"])
    assert resumed not in first, "nothing to pick up the first time"
    assert resumed in await session([]), "the next run names the situation, in the conversation's language"
    await session(["olvida"])
    assert resumed not in await session([]), "after 'forget' there is nothing to pick up"
    await session(["mi cliente no me paga la factura", "gracias"])
    assert resumed not in await session([]), "a conversation closed with thanks is not picked up"
