"""No input can freeze the bot: adversarial runs up to 100 KB through ``Coach.handle`` in well under 200 ms,
and the CPU-heavy work (matching, knowledge reload) leaves the event loop free for everyone else."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

import bot.reload as reload_module
from bot.engine.coach import Coach
from bot.engine.commands import parse_command
from bot.engine.details import extract_details, looks_private
from bot.engine.intents import ordinal_choice
from bot.engine.messages import Request
from bot.matching.compiled import load_compiled
from bot.reload import Reloader
from bot.settings import Settings
from bot.store.sqlite import SqliteStore
from bot.text.markup import strip_markup

BUDGET_MS = 200.0
SIZES = (4_000, 40_000, 100_000)
RUNS: dict[str, Callable[[int], str]] = {
    "digits": lambda n: "1" * n,
    "dots": lambda n: "." * n,
    "digits and dots": lambda n: ("1." * n)[:n],
    "digits and commas": lambda n: ("1," * n)[:n],
    "digits and spaces": lambda n: ("1 " * n)[:n],
    "spaces": lambda n: "my client " + " " * n + "won't pay",
    "exclamations": lambda n: "help" + "!" * n,
    "inverted punctuation": lambda n: "ayuda" + ("¡¿?:." * n)[:n],
    "amount then digits": lambda n: "€" + "1" * n,
    "invoice then spaces": lambda n: "invoice" + " " * n,
    "invoice then letters": lambda n: "invoice " + "A" * n,
    "client then spaces": lambda n: "client" + " " * n + "x",
    "e-mail-like": lambda n: ("a." * n)[:n],
    "at signs": lambda n: ("a@" * n)[:n],
    "slack mentions": lambda n: ("<@" * n)[:n],
    "backticks": lambda n: ("`a" * n)[:n],
    "accented letters": lambda n: "é" * n,
    "emoji": lambda n: "🙂" * n,
    "combining marks": lambda n: ("a\u0301" * n)[:n],
    "right-to-left": lambda n: ("\u202eשלום " * n)[:n],
    "newlines": lambda n: "\n" * n,
    "repeated situation": lambda n: ("my client won't pay 1200 EUR invoice 45 days late " * n)[:n],
}


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings(rate_limit_burst=1_000_000)


@pytest.fixture
async def coach(settings: Settings, tmp_path: Path) -> AsyncIterator[Coach]:
    engine = Coach.from_settings(settings, store=SqliteStore(tmp_path / "coach.db"))
    await engine.handle(Request("slack", "U0", "D0", "my client won't pay", True))  # warm up (index, caches)
    yield engine
    await engine.close()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("kind", list(RUNS))
async def test_adversarial_input_is_answered_quickly(coach: Coach, kind: str, size: int) -> None:
    text = RUNS[kind](size)
    for private in (True, False):
        started = time.perf_counter()
        reply = await coach.handle(Request("slack", "U1", "D1" if private else "C1", text, private))
        elapsed = (time.perf_counter() - started) * 1000
        assert elapsed < BUDGET_MS, f"{kind} ({size} chars, private={private}) took {elapsed:.0f} ms"
        assert reply.kind != "error"


async def test_a_cut_message_still_says_so(coach: Coach) -> None:
    text = "my client hasn't paid my invoice " + "and still has not paid " * 400
    reply = await coach.handle(Request("slack", "U1", "D1", text, True))
    assert "4000" in (reply.notice or "") or "4,000" in (reply.notice or "")


@pytest.mark.parametrize(
    ("function", "text"),
    [
        (extract_details, "1" * 100_000),
        (extract_details, "1." * 50_000),
        (extract_details, "invoice" + " " * 100_000),
        (looks_private, "a." * 50_000),
        (parse_command, "help" + "!" * 100_000),
        (ordinal_choice, "2" + "." * 100_000),
        (strip_markup, "<@" * 50_000),
        (strip_markup, "<https://x|" * 10_000),
    ],
)
def test_each_pattern_is_linear_on_its_worst_input(function: Callable[[str], Any], text: str) -> None:
    """Called directly, without the cap: the patterns themselves must not backtrack.

    The best of three runs, so a busy machine does not fail it; a quadratic pattern takes seconds here.
    """
    times = []
    for _ in range(3):
        started = time.perf_counter()
        function(text)
        times.append((time.perf_counter() - started) * 1000)
    assert min(times) < BUDGET_MS


def test_the_linear_patterns_find_what_they_found_before() -> None:
    assert extract_details("client is Acme, 1200 EUR, 45 days late, invoice #INV-2024/07") == {
        "client_name": "Acme",
        "amount": "1200 EUR",
        "days_overdue": "45",
        "invoice_number": "INV-2024/07",
    }
    assert extract_details("they owe me $1,250.50 on invoice no. 42")["amount"] == "$1,250.50"
    assert extract_details("they owe me $1,250.50 on invoice no. 42")["invoice_number"] == "42"
    assert extract_details("el cliente es Pérez y me debe 300,50 €")["amount"] == "300,50 €"
    assert extract_details("only .5€ left")["amount"] == "5€"
    assert extract_details("lasku 2024-118 on myöhässä")["invoice_number"] == "2024-118"
    assert looks_private("write to .john.doe@example.com please")
    assert not looks_private("my client won't pay")
    assert parse_command("help!!!") is not None and parse_command("¿ayuda?:") is None
    assert parse_command("lang fi.") == parse_command("lang fi")
    assert ordinal_choice("second one!!") == 2
    assert strip_markup("hi <@U123|ann> see <https://x.com|the doc>").split() == ["hi", "see", "the", "doc"]


async def loop_lag_while(work: asyncio.Future[Any] | asyncio.Task[Any]) -> float:
    """The longest the loop was unavailable (ms) while ``work`` ran."""
    worst = 0.0
    while not work.done():
        started = time.perf_counter()
        await asyncio.sleep(0.005)
        worst = max(worst, (time.perf_counter() - started) * 1000 - 5)
    await work
    return worst


async def test_matching_runs_off_the_event_loop(coach: Coach, monkeypatch: pytest.MonkeyPatch) -> None:
    real_match = coach.matcher.match

    def slow_match(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.4)  # a match that hogs the CPU (or the GIL-free part of it)
        return real_match(*args, **kwargs)

    monkeypatch.setattr(coach.matcher, "match", slow_match)
    text = "my client won't pay and " * 100  # long enough to be matched in the worker thread
    task = asyncio.create_task(coach.handle(Request("slack", "U1", "D1", text, True)))
    assert await loop_lag_while(task) < 100, "the loop kept serving while the match ran"
    assert task.result().kind != "error"


async def test_a_knowledge_reload_runs_off_the_event_loop(coach: Coach, monkeypatch: pytest.MonkeyPatch) -> None:
    compiled = load_compiled(coach.settings.knowledge_dirs)

    def slow_load(dirs: Any = ()) -> Any:
        # Validation and indexing, as 0.4 s of work that lets other threads run. (The real loader's longest
        # single C call, which holds the GIL, is measured in BENCHMARKS.md, not asserted here.)
        time.sleep(0.4)
        return compiled

    monkeypatch.setattr(reload_module, "load_compiled", slow_load)
    old = coach.matcher
    reloader = Reloader(coach)
    reloader.request()
    reloader.request()  # a second SIGHUP during the reload: one more reload afterwards, not two at once
    running = reloader._running
    assert running is not None
    assert await loop_lag_while(running) < 100
    assert await reloader.wait() is True
    assert coach.matcher is not old
    await reloader.close()
