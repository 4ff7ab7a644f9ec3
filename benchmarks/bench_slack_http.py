"""Slack HTTP mode under load: acknowledgement throughput and latency, one process and two replicas.

    python benchmarks/bench_slack_http.py [--requests N] [--levels 1,8,32,64] [--time-limit SECONDS]

Everything runs on 127.0.0.1, each server in its own process (the machine's cores are shared
fairly, and no server steals the load generator's event loop):

- the Slack Web API, faked by tests/adapters/slack/fake_slack_api.py, in a child process;
- the bot, started as ``python -m bot serve slack --http`` with the real knowledge and
  (a) one process on SQLite, (b) two replicas on one real redis-server that this script
  starts (tests/redis_server.py) and stops; requests alternate between the replicas the way
  a round-robin load balancer would;
- a baseline: a bare aiohttp server answering 200 at once (no bolt, no store), which shows
  what the load generator and the HTTP stack alone reach on this machine.

The load generator sends signed Slack requests (app_mention and message.im events, /coach
slash commands, one-third each) with C concurrent clients, for each C in the levels, up to
N requests per level, and measures the time until the HTTP 200 acknowledgement. After each
level it waits (bounded) until the fake Web API has received an answer for every
acknowledged request, and reports how many did and how long the backlog took to drain:
events are acknowledged before the coach writes its answer, so a fast ack alone would hide
a growing queue.

Target on a 2-core machine: >= 300 events/s with p99 acknowledgement <= 100 ms (Slack gives up
after 3 s). A configuration meets it when at least one level does both.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import aiohttp
from aiohttp import web

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.adapters.slack.fake_slack_api import (  # noqa: E402
    BOT_TOKEN,
    FORM,
    JSON,
    SIGNING_SECRET,
    FakeSlack,
    command_body,
    direct_message,
    event_body,
    mention,
    sign,
)
from tests.redis_server import RedisServer, free_port  # noqa: E402

TARGET_EVENTS_PER_S = 300.0
TARGET_P99_MS = 100.0
WARMUP_REQUESTS = 30
DRAIN_LIMIT = 15.0  # seconds to wait, after a level, for the answers still being written
STARTUP_LIMIT = 60.0  # seconds for a child process to report ready / answer /healthz
STOP_LIMIT = 25.0  # seconds for a child to exit after SIGTERM (the bot's shutdown grace is 20 s)
REQUEST_TIMEOUT = 10.0
TEXTS = (
    "my client hasn't paid my invoice and it is 40 days overdue",
    "the client keeps asking for changes that were not in the contract",
    "a client says my price is too high and wants a discount",
    "my client is angry about a mistake I made",
    "the client messages me at midnight and expects an answer",
    "how do I fire a client politely",
)


# -- child processes: the fake Web API and the bare baseline server -----------------------------------------


def _stop_on_sigterm_or_parent_exit(stop: asyncio.Event) -> None:
    """SIGTERM, or stdin closing (the benchmark died), ends a child: no orphans left listening."""
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)

    def watch_stdin() -> None:
        sys.stdin.read()
        loop.call_soon_threadsafe(stop.set)

    threading.Thread(target=watch_stdin, daemon=True).start()


async def _fake_api_child() -> None:
    """The fake Slack Web API, plus GET /stats on a second port: calls per method and distinct answer targets."""
    stop = asyncio.Event()
    _stop_on_sigterm_or_parent_exit(stop)
    fake = await FakeSlack().start()
    methods: dict[str, int] = {}
    targets: set[str] = set()

    async def stats(request: web.Request) -> web.Response:
        # Fold the recorded calls into counters and forget them, so memory stays flat over the run.
        calls, fake.calls = fake.calls, []
        for call in calls:
            methods[call.method] = methods.get(call.method, 0) + 1
            if call.method == "chat.postMessage":
                targets.add(f"channel:{call.args.get('channel')}")
            elif call.method == "response_url":
                targets.add(f"response:{call.args.get('key')}")
        return web.json_response({"methods": methods, "answered": len(targets)})

    app = web.Application()
    app.router.add_get("/stats", stats)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    print(f"READY {fake.port} {runner.addresses[0][1]}", flush=True)
    await stop.wait()
    await runner.cleanup()
    await fake.close()


async def _bare_child() -> None:
    """The baseline: acknowledges every POST at once, without verifying, dispatching or storing anything."""
    stop = asyncio.Event()
    _stop_on_sigterm_or_parent_exit(stop)

    async def ack(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(status=200, text="")

    app = web.Application()
    app.router.add_post("/slack/events", ack)
    app.router.add_get("/healthz", ack)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    print(f"READY {runner.addresses[0][1]}", flush=True)
    await stop.wait()
    await runner.cleanup()


@dataclass
class Child:
    """A child process, its log file, and how to stop it."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_LIMIT)
            except subprocess.TimeoutExpired:
                print(f"  ({self.name} did not stop within {STOP_LIMIT:.0f} s after SIGTERM; killed)")
                self.process.kill()
                self.process.wait()
        if self.process.stdin is not None:
            with contextlib.suppress(OSError):
                self.process.stdin.close()


def cpu_seconds(pids: Sequence[int]) -> float:
    """User + system CPU time of processes, from /proc (Linux); 0 where it cannot be read."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def start_role(role: str, workdir: Path) -> tuple[Child, list[int]]:
    """Run this script as a child in ``role``; returns it and the ports it reported."""
    log = workdir / f"{role}.log"
    with log.open("wb") as err:
        process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--role", role],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=err,
            cwd=REPO,
        )
    child = Child(role, process, log)
    assert process.stdout is not None
    line = _readline_within(process.stdout, STARTUP_LIMIT)
    if not line.startswith("READY "):
        child.stop()
        raise RuntimeError(f"{role} did not start:\n{child.tail()}")
    return child, [int(port) for port in line.split()[1:]]


def _readline_within(stream: IO[bytes], timeout: float) -> str:
    result: list[bytes] = []
    reader = threading.Thread(target=lambda: result.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return result[0].decode().strip() if result else ""


def start_bot(name: str, port: int, workdir: Path, api_port: int, store_env: dict[str, str]) -> Child:
    """``python -m bot serve slack --http`` on 127.0.0.1:port, the Web API pointed at the fake."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COACH_", "SLACK_", "DISCORD_"))}
    env.update(
        {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": f"http://127.0.0.1:{api_port}/api/",
            "COACH_RATE_LIMIT_BURST": "1000000",  # the load would otherwise be rate limited per user
            "COACH_RATE_LIMIT_PER_MINUTE": "1000000",
            "COACH_LOG_LEVEL": "WARNING",
            "COACH_CACHE_DIR": str(workdir / "cache"),
            **store_env,
        }
    )
    log = workdir / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "slack", "--http", "--host", "127.0.0.1", "--port", str(port)],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=REPO,
            env=env,
        )
    return Child(name, process, log)


async def wait_healthy(session: aiohttp.ClientSession, child: Child, url: str) -> None:
    deadline = time.monotonic() + STARTUP_LIMIT
    while time.monotonic() < deadline:
        if child.process.poll() is not None:
            break
        with contextlib.suppress(aiohttp.ClientError, TimeoutError):
            async with session.get(f"{url}/healthz", timeout=aiohttp.ClientTimeout(total=2)) as response:
                if response.status == 200:
                    return
        await asyncio.sleep(0.1)
    raise RuntimeError(f"{child.name} never answered GET /healthz with 200:\n{child.tail()}")


# -- the load --------------------------------------------------------------------------------------------------


def slack_request(tag: str, index: int, api_port: int) -> tuple[str, str]:
    """Request ``index`` of a level: (body, content type); every target (channel, response_url) is unique."""
    text = TEXTS[index % len(TEXTS)]
    user = f"U{tag}x{index % 200}"
    ts = f"1700000000.{index:06d}"
    kind = index % 3
    if kind == 0:
        return event_body(mention(text, user=user, channel=f"C{tag}x{index}", ts=ts), event_id=f"Ev{tag}x{index}"), JSON
    if kind == 1:
        event = direct_message(text, user=user, channel=f"D{tag}x{index}", ts=ts)
        return event_body(event, event_id=f"Ev{tag}x{index}"), JSON
    response_url = f"http://127.0.0.1:{api_port}/response/{tag}x{index}"
    return command_body(text, response_url, user=user, channel=f"C{tag}x{index}"), FORM


@dataclass
class Level:
    concurrency: int
    sent: int = 0
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    elapsed: float = 0.0
    answered: int = 0
    drain: float = 0.0
    cut_short: bool = False
    cpu: dict[str, float] = field(default_factory=dict)  # % of one core during the level: servers, fake API, load

    @property
    def ok(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.ok / self.elapsed if self.elapsed > 0 else 0.0

    def percentile(self, q: float) -> float:
        """Nearest-rank percentile of the acknowledgement latency, in ms."""
        if not self.latencies:
            return math.nan
        ordered = sorted(self.latencies)
        return 1000 * ordered[max(0, math.ceil(q * len(ordered)) - 1)]

    @property
    def meets_target(self) -> bool:
        return self.errors == 0 and self.rate >= TARGET_EVENTS_PER_S and self.percentile(0.99) <= TARGET_P99_MS


async def run_level(
    session: aiohttp.ClientSession,
    urls: Sequence[str],
    concurrency: int,
    requests: int,
    tag: str,
    api_port: int,
    deadline: float,
    cpu_of: dict[str, list[int]] | None = None,
) -> Level:
    """``concurrency`` clients, each sending its next request as soon as the previous one is acknowledged.

    ``cpu_of`` names process ids whose CPU use during the level is reported (the load generator is this one).
    """
    level = Level(concurrency)
    cpu_of = cpu_of or {}
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)

    async def client() -> None:
        while level.sent < requests and time.monotonic() < deadline:
            index = level.sent
            level.sent += 1
            body, content_type = slack_request(tag, index, api_port)
            headers = {"Content-Type": content_type, **sign(body)}
            url = urls[index % len(urls)]  # round-robin, like a load balancer
            started = time.perf_counter()
            try:
                async with session.post(url, data=body.encode(), headers=headers, timeout=timeout) as response:
                    await response.read()
                    status = response.status
            except (TimeoutError, aiohttp.ClientError):
                status = 0
            if status == 200:
                level.latencies.append(time.perf_counter() - started)
            else:
                level.errors += 1

    cpu_before = {name: cpu_seconds(pids) for name, pids in cpu_of.items()}
    load_before = time.process_time()
    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    level.elapsed = time.perf_counter() - started
    if level.elapsed > 0:
        for name, pids in cpu_of.items():
            level.cpu[name] = 100 * (cpu_seconds(pids) - cpu_before[name]) / level.elapsed
        level.cpu["load"] = 100 * (time.process_time() - load_before) / level.elapsed
    level.cut_short = level.sent < requests
    return level


async def answered_so_far(session: aiohttp.ClientSession, stats_url: str) -> int:
    async with session.get(stats_url) as response:
        return int((await response.json())["answered"])


async def wait_answered(
    session: aiohttp.ClientSession, stats_url: str, expected: int, limit: float
) -> tuple[int, float]:
    """Poll the fake Web API until ``expected`` distinct targets were answered (or ``limit`` s): (count, seconds)."""
    started = time.monotonic()
    count = await answered_so_far(session, stats_url)
    while count < expected and time.monotonic() - started < limit:
        await asyncio.sleep(0.05)
        count = await answered_so_far(session, stats_url)
    return count, time.monotonic() - started


# -- configurations ----------------------------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    tag: str  # in every event id and channel of this configuration, so answers never mix across runs
    levels: list[Level] = field(default_factory=list)
    note: str = ""
    checks_answers: bool = True

    @property
    def meets_target(self) -> bool:
        return any(level.meets_target for level in self.levels)


@contextlib.contextmanager
def children(started: list[Child]) -> Iterator[list[Child]]:
    try:
        yield started
    finally:
        for child in started:
            child.stop()


async def run_configuration(
    result: Result,
    start: Callable[[], list[tuple[Child, str]]],
    args: argparse.Namespace,
    api_port: int,
    stats_url: str,
    deadline: float,
    api_pid: int,
) -> None:
    print(f"\n{result.name}: starting ...", flush=True)
    servers = start()
    with children([child for child, _ in servers]):
        urls = [f"{url}/slack/events" for _, url in servers]
        connector = aiohttp.TCPConnector(limit=0)
        async with aiohttp.ClientSession(connector=connector) as session:
            for child, url in servers:
                await wait_healthy(session, child, url)
            tag = result.tag
            cpu_of = {"server": [child.process.pid for child, _ in servers], "api": [api_pid]}
            # Warm-up (not measured): bolt's auth.test, the store's connections, the first answers.
            before = await answered_so_far(session, stats_url) if result.checks_answers else 0
            warm = await run_level(session, urls, 4, WARMUP_REQUESTS, f"{tag}w", api_port, deadline)
            if result.checks_answers:
                await wait_answered(session, stats_url, before + warm.ok, DRAIN_LIMIT)
            for concurrency in args.levels:
                if time.monotonic() > deadline - 5:
                    result.note = "time limit reached: later levels skipped"
                    break
                before = await answered_so_far(session, stats_url) if result.checks_answers else 0
                level_deadline = min(deadline - 5, time.monotonic() + args.level_limit)
                level = await run_level(
                    session, urls, concurrency, args.requests, f"{tag}{concurrency}", api_port, level_deadline, cpu_of
                )
                if result.checks_answers:
                    done, level.drain = await wait_answered(session, stats_url, before + level.ok, DRAIN_LIMIT)
                    level.answered = done - before
                result.levels.append(level)
                print(
                    f"  {concurrency:>3} clients: {level.ok} acknowledged in {level.elapsed:.1f} s, "
                    f"{level.rate:.0f}/s, p99 {level.percentile(0.99):.1f} ms",
                    flush=True,
                )


# -- report ------------------------------------------------------------------------------------------------------


def print_table(results: Sequence[Result], args: argparse.Namespace) -> None:
    header = (
        f"{'configuration':<34} {'clients':>7} {'acked':>6} {'errors':>6} {'events/s':>9} "
        f"{'p50 ms':>7} {'p99 ms':>7} {'answered':>9} {'drain s':>7} {'CPU% srv/api/load':>17}  target"
    )
    rule = "-" * len(header)
    print()
    print(
        f"Slack HTTP mode, {args.requests} requests per level (1/3 app_mention, 1/3 message.im, 1/3 /coach), "
        f"{os.cpu_count()} CPU(s), all on 127.0.0.1"
    )
    print(rule)
    print(header)
    print(rule)
    for result in results:
        for index, level in enumerate(result.levels):
            name = result.name if index == 0 else ""
            answered = f"{level.answered}/{level.ok}" if result.checks_answers else "-"
            drain = f"{level.drain:.1f}" if result.checks_answers else "-"
            cpu = "/".join(f"{level.cpu.get(name, 0):.0f}" for name in ("server", "api", "load"))
            met = ("met" if level.meets_target else "-") if result.checks_answers else ""
            short = " (cut short by the time limit)" if level.cut_short else ""
            print(
                f"{name:<34} {level.concurrency:>7} {level.ok:>6} {level.errors:>6} {level.rate:>9.0f} "
                f"{level.percentile(0.5):>7.1f} {level.percentile(0.99):>7.1f} {answered:>9} {drain:>7} {cpu:>17}  "
                f"{met}{short}"
            )
        if result.note:
            print(f"{'':<34} ({result.note})")
        print(rule)
    print(f"Target: >= {TARGET_EVENTS_PER_S:.0f} events/s with p99 ack <= {TARGET_P99_MS:.0f} ms at some level.")
    for result in results:
        if not result.checks_answers:
            ceiling = max((level.rate for level in result.levels), default=0.0)
            print(f"  {result.name:<34} {ceiling:>6.0f} events/s at best (the ceiling of this load generator)")
            continue
        passing = [level for level in result.levels if level.meets_target]
        if passing:
            best = max(passing, key=lambda level: level.rate)
            verdict = f"MET: {best.rate:.0f} events/s, p99 {best.percentile(0.99):.1f} ms at {best.concurrency} clients"
        else:
            verdict = "NOT MET"
        unanswered = sum(level.ok - level.answered for level in result.levels)
        lost = f"; {unanswered} acknowledged request(s) never answered" if unanswered else ""
        print(f"  {result.name:<34} {verdict}{lost}")


# -- main ------------------------------------------------------------------------------------------------------


async def benchmark(args: argparse.Namespace) -> None:
    deadline = time.monotonic() + args.time_limit
    workdir = Path(tempfile.mkdtemp(prefix="coach-bench-"))
    results: list[Result] = []
    fake, (api_port, stats_port) = start_role("fake-api", workdir)
    stats_url = f"http://127.0.0.1:{stats_port}/stats"
    redis: RedisServer | None = None
    try:

        def bare() -> list[tuple[Child, str]]:
            child, (port,) = start_role("bare", workdir)
            return [(child, f"http://127.0.0.1:{port}")]

        def sqlite() -> list[tuple[Child, str]]:
            port = free_port()
            child = start_bot("bot-sqlite", port, workdir, api_port, {"COACH_DB_PATH": str(workdir / "coach.db")})
            return [(child, f"http://127.0.0.1:{port}")]

        def replicas() -> list[tuple[Child, str]]:
            assert redis is not None
            started = []
            for replica in (1, 2):
                port = free_port()
                env = {"COACH_STORE_URL": redis.url}
                started.append(
                    (start_bot(f"bot-redis-{replica}", port, workdir, api_port, env), f"http://127.0.0.1:{port}")
                )
            return started

        plan = [
            (Result("baseline: bare aiohttp, no bolt", "base", checks_answers=False), bare),
            (Result("(a) 1 process, SQLite", "sql"), sqlite),
            (Result("(b) 2 replicas, 1 redis-server", "red"), replicas),
        ]
        for result, start in plan:
            if time.monotonic() > deadline - 10:
                result.note = "time limit reached: not run"
                results.append(result)
                continue
            if start is replicas:
                redis = RedisServer()
                redis.start()
            try:
                await run_configuration(result, start, args, api_port, stats_url, deadline, fake.process.pid)
            except RuntimeError as exc:
                result.note = f"failed: {str(exc).splitlines()[0]}"
                print(exc, file=sys.stderr)
            finally:
                if redis is not None:
                    redis.close()
                    redis = None
            results.append(result)
    finally:
        fake.stop()
        if redis is not None:
            redis.close()
    print_table(results, args)
    print(f"(children's logs: {workdir})")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=1000, help="requests per concurrency level (default 1000)")
    parser.add_argument("--levels", default="1,8,32,64", help="concurrent clients per level (default 1,8,32,64)")
    parser.add_argument("--time-limit", type=float, default=170.0, help="seconds for the whole run (default 170)")
    parser.add_argument("--level-limit", type=float, default=20.0, help="seconds at most per level (default 20)")
    parser.add_argument("--role", choices=("fake-api", "bare"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.role == "fake-api":
        asyncio.run(_fake_api_child())
        return 0
    if args.role == "bare":
        asyncio.run(_bare_child())
        return 0
    args.levels = [int(level) for level in args.levels.split(",") if level.strip()]
    if not args.levels or min(args.levels) < 1 or args.requests < 1:
        parser.error("--levels needs positive whole numbers and --requests at least 1")
    asyncio.run(benchmark(args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
