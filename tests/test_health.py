"""`coach health` follows the mode (Slack HTTP, Slack Socket Mode, Discord), and the image is built to use it."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sys
import time
from pathlib import Path

import pytest

from bot.health import STALE_AFTER, read_health, write_heartbeat
from tests.adapters.slack.fake_slack_api import APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, FakeSlack

REPO = Path(__file__).parents[1]


def env_for(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COACH_", "SLACK_", "DISCORD_"))}
    env.update(
        COACH_CACHE_DIR=os.environ.get("COACH_CACHE_DIR", "off"),
        COACH_DB_PATH=str(tmp_path / "coach.db"),
        COACH_HEALTH_FILE=str(tmp_path / "health.json"),
    )
    env.update(extra)
    return env


async def coach(tmp_path: Path, *args: str, **env: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args,
        cwd=tmp_path, env=env_for(tmp_path, **env),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    out, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    return process.returncode or 0, out.decode()


async def wait_until_healthy(tmp_path: Path, server: asyncio.subprocess.Process, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while True:
        code, out = await coach(tmp_path, "health")
        if code == 0:
            return out
        if server.returncode is not None or time.monotonic() > deadline:
            raise AssertionError(f"never healthy: {out}")
        await asyncio.sleep(0.2)


@pytest.mark.parametrize(
    ("args", "mode", "tokens"),
    [
        (("--http", "--port", "0"), "slack http mode", {"SLACK_SIGNING_SECRET": SIGNING_SECRET}),
        ((), "slack socket mode", {"SLACK_APP_TOKEN": APP_TOKEN}),
    ],
    ids=["http", "socket-mode"],
)
async def test_health_follows_the_slack_mode_and_ends_with_the_server(
    tmp_path: Path, args: tuple[str, ...], mode: str, tokens: dict[str, str]
) -> None:
    fake = await FakeSlack().start()
    env = env_for(tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_API_URL=fake.api_url, **tokens)
    server = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "serve", "slack", *args,
        cwd=tmp_path, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    try:
        out = await wait_until_healthy(tmp_path, server)
        assert out.startswith(f"ok: {mode}: ")
        beat = json.loads((tmp_path / "health.json").read_text())
        assert beat["mode"] == mode
        if mode == "slack http mode":
            assert re.fullmatch(r"http://127\.0\.0\.1:\d+/healthz", beat["url"]), "health asks the server itself"
        else:
            assert "connected to Slack" in out and beat["url"] == ""
        server.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(server.wait(), timeout=30) == 0
        code, out = await coach(tmp_path, "health")
        assert code == 1 and out.startswith("unhealthy: no heartbeat at"), out
    finally:
        if server.returncode is None:
            server.kill()
            await server.wait()
        await fake.close()


def test_health_is_unhealthy_when_the_heartbeat_is_stale_or_not_ok(tmp_path: Path) -> None:
    path = tmp_path / "health.json"
    write_heartbeat(path, "discord", True, "connected to Discord, store reachable", now=1000.0)
    assert read_health(path, now=1001.0).ok
    stale = read_health(path, now=1000.0 + STALE_AFTER + 1)
    assert not stale.ok and "old (the process is stuck or gone)" in stale.message
    write_heartbeat(path, "discord", False, "not connected to Discord's gateway (yet)", now=1000.0)
    assert read_health(path, now=1001.0) == read_health(path, now=1001.0)
    assert read_health(path, now=1001.0).message == "discord: not connected to Discord's gateway (yet)"
    path.write_text("{not json", encoding="utf-8")
    assert not read_health(path).ok


async def test_coach_health_without_a_health_file_says_what_to_set(tmp_path: Path) -> None:
    code, out = await coach(tmp_path, "health", COACH_HEALTH_FILE="")
    assert code == 1
    assert out.strip().startswith("configuration error: COACH_HEALTH_FILE is not set")


async def test_coach_health_in_http_mode_asks_healthz(tmp_path: Path) -> None:
    from aiohttp import web

    status = {"code": 503}

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"ok": status["code"] == 200}, status=status["code"])

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/healthz"
    try:
        write_heartbeat(tmp_path / "health.json", "slack http mode", True, "store reachable", url)
        code, out = await coach(tmp_path, "health")
        assert (code, out.strip()) == (1, f"unhealthy: slack http mode: {url} answered 503")
        status["code"] = 200
        write_heartbeat(tmp_path / "health.json", "slack http mode", True, "store reachable", url)
        code, out = await coach(tmp_path, "health")
        assert (code, out.strip()) == (0, "ok: slack http mode: store reachable")
    finally:
        await runner.cleanup()


def dockerfile_instructions() -> list[str]:
    """The Dockerfile's instructions, continuation lines joined, comments dropped."""
    text = (REPO / "Dockerfile").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n\s*", " ", "\n".join(lines))
    return [line.strip() for line in joined.splitlines() if line.strip()]


def test_the_image_checks_health_by_mode_installs_dependencies_first_and_runs_as_a_user() -> None:
    code = dockerfile_instructions()
    health = [line for line in code if line.startswith("HEALTHCHECK")]
    assert len(health) == 1 and health[0].endswith('CMD ["coach", "health"]'), health
    assert not any("healthz" in line for line in code), "no health check hard-wired to HTTP mode"
    assert any(line.startswith("ENV") and "COACH_HEALTH_FILE=" in line for line in code)

    copies = [i for i, line in enumerate(code) if re.match(r"COPY (bot|adapters|knowledge)\b", line)]
    deps = [i for i, line in enumerate(code) if line.startswith("RUN") and "-r requirements.txt" in line]
    metadata = [i for i, line in enumerate(code) if line.startswith("COPY pyproject.toml")]
    assert metadata and deps and copies, code
    assert metadata[0] < deps[0] < min(copies), "dependencies are installed from the metadata before code is copied"

    users = [line for line in code if line.startswith("USER ")]
    assert users and users[-1] not in ("USER root", "USER 0")
    assert code[-1].startswith("CMD") and '"--host", "0.0.0.0"' in code[-1]


def test_readme_documents_docker_run_for_each_mode() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "docker run --env-file .env -p 3000:3000 client-coach " in readme  # Slack HTTP mode, the image's default
    assert "client-coach coach serve slack " in readme  # Socket Mode
    assert "client-coach coach serve discord" in readme
    assert "coach health" in readme
