"""The installed `coach` command behaves like a well-kept Unix tool: pipes, .env, exit codes, bytes in, UTF-8 out.

Each test runs the real command (``python -m bot``, what the ``coach`` script calls) in a
subprocess, from an empty working directory so no developer's ``.env`` leaks in.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).parents[1]
# What the settings read; every test starts from none of them set.
SETTINGS = ("COACH_", "SLACK_", "DISCORD_", "NO_COLOR")


def coach_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(SETTINGS)}
    env["COACH_CACHE_DIR"] = os.environ.get("COACH_CACHE_DIR", "off")
    env["COACH_DB_PATH"] = str(tmp_path / "coach.db")
    env.update(extra)
    return env


def coach(
    tmp_path: Path, *args: str, stdin: str | bytes | None = None, **env: str
) -> subprocess.CompletedProcess[bytes]:
    data = stdin.encode() if isinstance(stdin, str) else stdin
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=data,
        capture_output=True,
        cwd=tmp_path,
        env=coach_env(tmp_path, **env),
        timeout=120,
    )


# -- 1. a closed pipe ends the command quietly ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "stdin"),
    [
        (("kb", "export", "--json"), None),
        (("ask", "my client hasn't paid my invoice"), None),
        (("doctor",), None),
        (("chat",), "my client hasn't paid my invoice\nwhat do I say?\n"),
        (("match", "--json", "--batch", "-"), "client won't pay\n" * 50),
        (("topics",), None),
    ],
    ids=["kb-export", "ask", "doctor", "chat", "match-batch", "topics"],
)
def test_a_closed_pipe_ends_quietly(tmp_path: Path, args: tuple[str, ...], stdin: str | None) -> None:
    """`coach … | head`: the reader is gone before anything is written; no traceback, exit 141 like SIGPIPE."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody will ever read: the first write fails with EPIPE
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bot", *args],
            input=stdin.encode() if stdin else b"",
            stdout=write_end,
            stderr=subprocess.PIPE,
            cwd=tmp_path,
            env=coach_env(tmp_path),
            timeout=120,
        )
    finally:
        os.close(write_end)
    assert done.stderr.decode() == ""
    assert done.returncode == 141


# -- 2. .env is read from the working directory; the environment wins ------------------------------------------


def test_dotenv_in_the_working_directory_is_read_and_the_environment_wins(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("COACH_DEFAULT_LANG=fi\nDISCORD_TOKEN=not-a-token\n", encoding="utf-8")
    out = coach(tmp_path, "doctor").stdout.decode()
    assert f"read {tmp_path / '.env'}" in out
    assert "default language fi" in out
    assert "DISCORD_TOKEN does not look like a bot token" in out, "the token from .env is checked"

    out = coach(tmp_path, "doctor", COACH_DEFAULT_LANG="es").stdout.decode()
    assert "default language es" in out

    (tmp_path / ".env").unlink()
    out = coach(tmp_path, "doctor").stdout.decode()
    assert "no .env in" in out and "DISCORD_TOKEN not set" in out


def test_dotenv_settings_reach_every_command(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("COACH_DEFAULT_LANG=ca\n", encoding="utf-8")
    out = coach(tmp_path, "topics").stdout.decode()
    assert "late-payment" in out and "El client" in out


# -- 3. exit codes and one-line errors --------------------------------------------------------------------------


def test_version(tmp_path: Path) -> None:
    done = coach(tmp_path, "--version")
    assert done.returncode == 0
    assert done.stdout.decode().strip() == "coach 0.1.0"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("ask", ""), "error: nothing to answer"),
        (("ask", "   "), "error: nothing to answer"),
        (("match", "--json", ""), "error: nothing to match"),
        (("tip", "--topic", "nope"), "error: no topic called 'nope'; `coach topics` lists them"),
        (
            ("tip", "--topic", "no-contract"),
            "error: no topic called 'no-contract' (did you mean 'contract-and-change-orders'?)",
        ),
    ],
)
def test_nothing_to_do_and_unknown_topics_exit_1_with_one_line(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    done = coach(tmp_path, *args)
    assert done.returncode == 1
    assert done.stdout == b""
    lines = done.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message), lines


def test_a_close_topic_name_still_gives_the_tip(tmp_path: Path) -> None:
    done = coach(tmp_path, "tip", "--topic", "Scope creep")
    assert done.returncode == 0 and b"SCOPE CREEP" in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("match",), "coach match: error: give the situation as TEXT"),
        (("match", "--batch", "text"), "coach match: error: with --batch, pass -"),
        (("match", "--top", "0", "x"), "coach match: error: argument --top: must be at least 1"),
        (("tip", "--topic", ""), "coach tip: error: --topic needs a topic id or title"),
        (("nonsense",), "coach: error: argument COMMAND: invalid choice"),
    ],
)
def test_usage_mistakes_exit_2_with_the_usage(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    done = coach(tmp_path, *args)
    err = done.stderr.decode()
    assert done.returncode == 2
    assert message in err and err.startswith("usage: coach")
    assert "configuration error" not in err


def test_an_unknown_log_level_is_refused(tmp_path: Path) -> None:
    done = coach(tmp_path, "topics", COACH_LOG_LEVEL="verbose")
    assert done.returncode == 1
    assert done.stderr.decode().strip() == (
        "configuration error: COACH_LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, got 'verbose'"
    )
    assert coach(tmp_path, "topics", COACH_LOG_LEVEL="warning").returncode == 0


# -- 5. undecodable bytes in, valid UTF-8 JSON out ---------------------------------------------------------------


def test_batch_reads_undecodable_bytes_and_writes_valid_utf8(tmp_path: Path) -> None:
    import random

    rng = random.Random(5)
    lines = [bytes(rng.randrange(256) for _ in range(rng.randrange(1, 60))).replace(b"\n", b" ") for _ in range(88)]
    lines[3] = "El client no em paga la factura".encode("latin-1")  # an old-fashioned file
    lines[4] = "caf\xe9 \u2028 still one line\r".encode()
    done = coach(tmp_path, "match", "--json", "--batch", "-", stdin=b"\n".join(lines) + b"\n")
    assert done.returncode == 0, done.stderr
    text = done.stdout.decode("utf-8")  # strict: raises on any invalid byte
    objects = [json.loads(line) for line in text.split("\n")[:-1]]
    assert len(objects) == len(lines)
    assert objects[3]["query"] == "El client no em paga la factura"
    assert objects[4]["query"] == "café \u2028 still one line"
    assert any("\ufffd" in o["query"] for o in objects)


def test_undecodable_bytes_on_the_command_line_give_valid_utf8(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable.encode(), b"-m", b"bot", b"match", b"--json", b"my client won\xff pay the invoice"],
        capture_output=True,
        cwd=tmp_path,
        env=coach_env(tmp_path),
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.decode("utf-8"))["query"] == "my client won\ufffd pay the invoice"


# -- 7. duplicate keys in a topic file ----------------------------------------------------------------------------


def test_kb_check_names_a_duplicate_key(tmp_path: Path) -> None:
    team = tmp_path / "team" / "topics"
    team.mkdir(parents=True)
    source = (REPO / "knowledge" / "topics" / "scope-creep.yaml").read_text(encoding="utf-8")
    lines = source.replace("id: scope-creep", "id: team-scope").splitlines()
    legal = next(i for i, line in enumerate(lines) if line.startswith("legal:"))
    lines.insert(legal + 1, "legal: true")
    (team / "team-scope.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = coach(tmp_path, "kb", "check", "team")
    assert done.returncode == 1
    err = done.stderr.decode().splitlines()
    where = f"team/topics/team-scope.yaml:{legal + 2}"
    assert err[0] == f"{where}: duplicate key 'legal' (first on line {legal + 1}); keep one"
    assert err[-1] == "knowledge check failed: 1 problem(s)"


# -- 4. an unreachable platform API at start is one line, exit 1 -------------------------------------------------


def _closed_port() -> int:
    from tests.redis_server import free_port

    return free_port()  # nothing listens there: connections are refused


def _one_error_line(done: subprocess.CompletedProcess[bytes]) -> str:
    err = done.stderr.decode()
    assert done.returncode == 1, err
    assert "Traceback" not in err and "aiohttp" not in err, err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and err.rstrip("\n").endswith(errors[0]), err
    return errors[0]


def test_unreachable_slack_api_at_start_is_one_line(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/api/"
    done = coach(
        tmp_path, "serve", "slack", SLACK_BOT_TOKEN="xoxb-test", SLACK_APP_TOKEN="xapp-1-test", SLACK_API_URL=url
    )
    assert _one_error_line(done) == (
        f"error: cannot reach Slack's Web API at {url} (connection refused);"
        " check the network connection, any proxy, and SLACK_API_URL"
    )


@pytest.mark.parametrize("command", [("serve", "discord"), ("discord", "sync")])
def test_unreachable_discord_api_at_start_is_one_line(tmp_path: Path, command: tuple[str, ...]) -> None:
    from tests.adapters.discord.discord_fake_api import TOKEN

    base = f"http://127.0.0.1:{_closed_port()}/api/v10"
    # discord.py has no setting for its API address; the test moves it the way the adapter tests do.
    script = (
        "import sys\nfrom discord.http import Route\n"
        f"Route.BASE = {base!r}\nfrom bot.cli import main\nsys.exit(main({list(command)!r}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        cwd=tmp_path,
        env=coach_env(tmp_path, DISCORD_TOKEN=TOKEN, PYTHONPATH=str(REPO)),
        timeout=120,
    )
    assert _one_error_line(done) == (
        f"error: cannot reach Discord's API at {base} (connection refused); check the network connection and any proxy"
    )


def test_a_name_that_does_not_resolve_is_said_plainly() -> None:
    import socket

    from adapters.unreachable import unreachable

    error = unreachable("Slack's Web API", "https://slack.example/api/", socket.gaierror(-2, "Name unknown"), "hint")
    assert str(error) == (
        "cannot reach Slack's Web API at https://slack.example/api/ (the host name could not be resolved); hint"
    )


def test_the_first_start_after_an_install_says_it_is_preparing(tmp_path: Path) -> None:
    """On a terminal, the one slow start (training the recogniser) is announced; later starts are quiet."""
    import pty

    def stderr_on_a_terminal() -> str:
        leader, follower = pty.openpty()
        try:
            subprocess.run(
                [sys.executable, "-m", "bot", "topics"],
                stdout=subprocess.DEVNULL,
                stderr=follower,
                cwd=tmp_path,
                env=coach_env(tmp_path, COACH_CACHE_DIR=str(tmp_path / "cache")),
                timeout=300,
                check=True,
            )
            os.close(follower)
            chunks = []
            while True:
                try:
                    chunk = os.read(leader, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                chunks.append(chunk)
            return b"".join(chunks).decode()
        finally:
            os.close(leader)

    assert "Preparing the knowledge base" in stderr_on_a_terminal()
    assert "Preparing" not in stderr_on_a_terminal()
