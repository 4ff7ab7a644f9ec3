"""kill -9 under load: how many Slack events are answered of those acknowledged, on each store.

    python benchmarks/bench_kill.py [--events N] [--clients C | --rate R]

Everything on 127.0.0.1, with the children of bench_slack_http.py: the fake Web API in its own process and
``python -m bot serve slack --http`` (a) on SQLite, (b) on a real redis-server. C clients send N events
(app_mention and message.im, each to its own channel). A third of the way in the bot is killed with
SIGKILL and started again on the same port and store. With ``--rate R`` events arrive at R per second
instead (an open loop, closer to a busy workspace than clients sending as fast as they are acknowledged).
Like Slack, the load generator re-delivers an event
whose request failed or was not acknowledged (``X-Slack-Retry-Num`` 1, 2, 3), waiting for the bot to be back.

Reported per store: events sent; acknowledged (200) at least once; answered (a chat.postMessage to the event's
channel reached the fake Web API); answered twice; and acknowledged but never answered: the events the bot
had acknowledged and was still answering when it was killed. Slack does not re-deliver an event it got a 200
for, so without a durable queue those answers are lost; the figure shows how many.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import bench_slack_http as base  # noqa: E402

from tests.adapters.slack.fake_slack_api import JSON, direct_message, event_body, mention, sign  # noqa: E402
from tests.redis_server import RedisServer, free_port  # noqa: E402

RETRIES = 3


def event(tag: str, index: int) -> str:
    text = base.TEXTS[index % len(base.TEXTS)]
    user, ts = f"U{tag}x{index % 50}", f"1700000000.{index:06d}"
    if index % 2:
        return event_body(mention(text, user=user, channel=f"C{tag}x{index}", ts=ts), event_id=f"Ev{tag}x{index}")
    return event_body(direct_message(text, user=user, channel=f"D{tag}x{index}", ts=ts), event_id=f"Ev{tag}x{index}")


async def run(name: str, store_env: dict[str, str], events: int, clients: int, rate: float, workdir: Path) -> None:
    api, (api_port, stats_port) = base.start_role("fake-api", workdir)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    stats_url = f"http://127.0.0.1:{stats_port}/stats"
    tag = name[:1]
    bot = base.start_bot(f"{name}-1", port, workdir, api_port, store_env)
    acknowledged: set[int] = set()
    failed_for_good: set[int] = set()
    restarted = asyncio.Event()
    kill_at = events // 3
    sent = 0
    try:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
            await base.wait_healthy(session, bot, url)

            async def deliver(index: int) -> None:
                body = event(tag, index)
                for attempt in range(RETRIES + 1):
                    headers = {"Content-Type": JSON, **sign(body)}
                    if attempt:
                        headers |= {"X-Slack-Retry-Num": str(attempt), "X-Slack-Retry-Reason": "http_error"}
                        await asyncio.wait_for(restarted.wait(), 120)
                    try:
                        timeout = aiohttp.ClientTimeout(total=3)  # Slack's own deadline
                        async with session.post(
                            f"{url}/slack/events", data=body, headers=headers, timeout=timeout
                        ) as r:
                            await r.read()
                            if r.status == 200:
                                acknowledged.add(index)
                                return
                    except (TimeoutError, aiohttp.ClientError):
                        pass
                failed_for_good.add(index)

            async def client() -> None:
                nonlocal sent
                while sent < events:
                    index = sent
                    sent += 1
                    await deliver(index)

            async def paced() -> None:
                """Open loop: one new event every 1/rate s, each delivered (and retried) on its own."""
                nonlocal sent
                pending = []
                while sent < events:
                    pending.append(asyncio.create_task(deliver(sent)))
                    sent += 1
                    await asyncio.sleep(1 / rate)
                await asyncio.gather(*pending)

            async def killer() -> None:
                nonlocal bot
                while sent < kill_at:
                    await asyncio.sleep(0.005)
                bot.process.kill()  # SIGKILL: no shutdown of any kind
                bot.process.wait()
                bot = base.start_bot(f"{name}-2", port, workdir, api_port, store_env)
                await base.wait_healthy(session, bot, url)
                restarted.set()

            load = [paced()] if rate else [client() for _ in range(clients)]
            await asyncio.gather(killer(), *load)
            answered, _ = await base.wait_answered(session, stats_url, len(acknowledged), base.DRAIN_LIMIT)
            async with session.get(stats_url) as response:
                posts = int((await response.json())["methods"].get("chat.postMessage", 0))
    finally:
        bot.stop()
        api.stop()
    how = f"{rate:g} events/s" if rate else f"{clients} clients flat out"
    print(
        f"{name:7} {how:20} sent {events}, acknowledged {len(acknowledged)}, answered {answered}, "
        f"answered twice {posts - answered}, acknowledged but never answered {len(acknowledged) - answered}, "
        f"never acknowledged after {RETRIES} retries {len(failed_for_good)}",
        flush=True,
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=600)
    parser.add_argument("--clients", type=int, default=16, help="closed loop: clients sending as fast as acked")
    parser.add_argument("--rate", type=float, default=0.0, help="open loop: events per second (0: closed loop)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="coach-kill-") as tmp:
        workdir = Path(tmp)
        await run("sqlite", {"COACH_DB_PATH": str(workdir / "coach.db")}, args.events, args.clients, args.rate, workdir)
        redis = RedisServer()
        redis.start()
        try:
            await run("redis", {"COACH_STORE_URL": redis.url}, args.events, args.clients, args.rate, workdir)
        finally:
            redis.close()


if __name__ == "__main__":
    started = time.monotonic()
    asyncio.run(main())
    print(f"({time.monotonic() - started:.0f} s)")
