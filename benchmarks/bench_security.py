"""Security and reliability figures for BENCHMARKS.md (issue 10), all on 127.0.0.1:

1. the Slack HTTP edge: unsigned/forged requests and signed-but-malformed bodies sent to the real aiohttp
   server (``build_http_app``) with the Web API faked → HTTP statuses, outgoing calls, store rows written;
2. adversarial inputs (long digit, dot, space, punctuation and unicode runs) through ``Coach.handle`` on the
   shipped knowledge → worst time per size;
3. a store that takes 3.5 s per call → Slack's acknowledgement time for a DM event and a /coach command;
4. a knowledge reload (what SIGHUP does) → how long the event loop stalls meanwhile.

    python benchmarks/bench_security.py
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

import aiohttp
from aiohttp import web

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from adapters.slack import create_app  # noqa: E402
from adapters.slack.inflight import InFlight  # noqa: E402
from adapters.slack.runner import build_http_app  # noqa: E402
from bot.engine.coach import Coach  # noqa: E402
from bot.engine.messages import Request  # noqa: E402
from bot.kb.load import load_knowledge  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.store.sqlite import SqliteStore  # noqa: E402
from tests.adapters.slack.fake_slack_api import (  # noqa: E402
    BOT_TOKEN,
    FORM,
    JSON,
    SIGNING_SECRET,
    FakeSlack,
    command_body,
    direct_message,
    event_body,
    sign,
)
from tests.adapters.slack.test_slack_security import (  # noqa: E402
    MALFORMED_BODIES,
    forged_bodies,
    rows_written,
    sign_bytes,
)
from tests.adapters.slow_store import SlowStore  # noqa: E402
from tests.bot.engine.test_adversarial_input import RUNS  # noqa: E402

TIMESTAMPS = ["abc", "", "12.5", "9" * 400, "-1", "1e9", "now", "stale", None]
SIGNATURES = ["v0=" + "0" * 64, "v0=abc", "wrong secret", None]


async def serve(coach: Coach, settings: Settings) -> tuple[web.AppRunner, str, InFlight]:
    inflight = InFlight()
    runner = web.AppRunner(build_http_app(coach, settings, create_app(coach, settings, inflight=inflight)))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}/slack/events", inflight


async def edge() -> None:
    fake = await FakeSlack().start()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "coach.db"
        settings = Settings(
            db_path=db, slack_bot_token=BOT_TOKEN, slack_signing_secret=SIGNING_SECRET, slack_api_url=fake.api_url
        )
        coach = Coach(load_knowledge(REPO / "tests" / "fixtures" / "kb"), SqliteStore(db), settings)
        runner, url, inflight = await serve(coach, settings)
        unsigned: Counter[int] = Counter()
        malformed: Counter[int] = Counter()
        async with aiohttp.ClientSession() as session:
            for _name, body, content_type in forged_bodies(fake):
                for stamp in TIMESTAMPS:
                    for signature in SIGNATURES:
                        now = int(time.time())
                        ts = {"now": str(now), "stale": str(now - 3600)}.get(stamp or "", stamp)
                        sig = (
                            sign(body, secret="wrong")["x-slack-signature"]
                            if signature == "wrong secret"
                            else signature
                        )
                        headers = {"Content-Type": content_type}
                        if ts is not None:
                            headers["X-Slack-Request-Timestamp"] = ts
                        if sig is not None:
                            headers["X-Slack-Signature"] = sig
                        async with session.post(url, data=body.encode(), headers=headers) as response:
                            unsigned[response.status] += 1
            for _name, raw, content_type in MALFORMED_BODIES:
                headers = {"Content-Type": content_type, **sign_bytes(raw)}
                async with session.post(url, data=raw, headers=headers) as response:
                    malformed[response.status] += 1
        await inflight.wait_idle(5.0)
        calls = Counter(call.method for call in fake.calls)
        rows = rows_written(db)
        await runner.cleanup()
        await coach.close()
    await fake.close()
    print("1. Slack HTTP edge")
    print(f"   unsigned/forged requests: {sum(unsigned.values())} → statuses {dict(unsigned)}")
    print(f"   signed, malformed bodies: {sum(malformed.values())} → statuses {dict(malformed)}")
    print(f"   outgoing calls to the fake Web API: {sum(calls.values())} {dict(calls)}; store rows written: {rows}")


async def adversarial() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        coach = Coach.from_settings(Settings(rate_limit_burst=10**6), store=SqliteStore(Path(tmp) / "c.db"))
        await coach.handle(Request("slack", "U0", "D0", "warm up", True))
        print("2. Adversarial input through Coach.handle (22 kinds of run, private and public)")
        for size in (4_000, 40_000, 100_000):
            worst, which = 0.0, ""
            for kind, make in RUNS.items():
                text = make(size)
                for private in (True, False):
                    started = time.perf_counter()
                    await coach.handle(Request("slack", "U1", "D1" if private else "C1", text, private))
                    elapsed = (time.perf_counter() - started) * 1000
                    if elapsed > worst:
                        worst, which = elapsed, kind
            print(f"   {size:>7,} chars: worst {worst:6.1f} ms ({which})")
        await coach.close()


async def slow_store_ack() -> None:
    fake = await FakeSlack().start()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "coach.db"
        settings = Settings(
            db_path=db, slack_bot_token=BOT_TOKEN, slack_signing_secret=SIGNING_SECRET, slack_api_url=fake.api_url
        )
        settings = replace(settings, store_timeout=2.0)
        coach = Coach(load_knowledge(REPO / "tests" / "fixtures" / "kb"), SlowStore(db), settings)
        runner, url, inflight = await serve(coach, settings)
        print("3. A store that takes 3.5 s per call")
        async with aiohttp.ClientSession() as session:
            for name, body, content_type in (
                ("DM event", event_body(direct_message("my client hasn't paid"), event_id="EvBench"), JSON),
                ("/coach command", command_body("my client hasn't paid", fake.response_url("b")), FORM),
            ):
                started = time.perf_counter()
                async with session.post(url, data=body.encode(), headers={"Content-Type": content_type, **sign(body)}):
                    ack = (time.perf_counter() - started) * 1000
                await inflight.wait_idle(30.0)
                answered = (time.perf_counter() - started) * 1000
                print(f"   {name:15} ack {ack:6.1f} ms; answered (without memory) after {answered:6.0f} ms")
        await runner.cleanup()
        await coach.close()
    await fake.close()


async def reload_stall() -> None:
    """The longest the event loop stalls while the knowledge is reloaded (SIGHUP) in the worker thread."""
    from bot.reload import reload_knowledge_off_loop

    with tempfile.TemporaryDirectory() as tmp:
        coach = Coach.from_settings(Settings(), store=SqliteStore(Path(tmp) / "c.db"))
        worst, took = 0.0, 0.0
        for _ in range(3):
            started = time.perf_counter()
            task = asyncio.create_task(reload_knowledge_off_loop(coach))
            while not task.done():
                tick = time.perf_counter()
                await asyncio.sleep(0.005)
                worst = max(worst, (time.perf_counter() - tick) * 1000 - 5)
            await task
            took = max(took, (time.perf_counter() - started) * 1000)
        print("4. Knowledge reload (SIGHUP) in the worker thread, 3 times")
        print(f"   reload took up to {took:.0f} ms; longest event-loop stall meanwhile {worst:.0f} ms")
        await coach.close()


async def main() -> None:
    await edge()
    await adversarial()
    await slow_store_ack()
    await reload_stall()


if __name__ == "__main__":
    asyncio.run(main())
