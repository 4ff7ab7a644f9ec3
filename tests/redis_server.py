"""A throwaway ``redis-server`` on 127.0.0.1 for tests: no persistence, its own temp dir.

    with RedisServer() as server:
        store = RedisStore.from_url(server.url)
        ...
        server.stop()   # the store now sees a dead server
        server.start()  # same port again: the store recovers

Needs ``redis-server`` on PATH (``.ci/run`` installs the Debian package). Tests call
``skip_without_redis_server()`` first: without the binary they skip (one line in pytest's
summary), except under CI (``CI`` set), where a missing server fails the run.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

MISSING = (
    "redis-server is not on PATH, so the Redis store tests did not run (Debian/Ubuntu: apt-get install redis-server)"
)


class RedisServerError(RuntimeError):
    """redis-server is missing or would not start."""


def skip_without_redis_server() -> None:
    """Skip the calling test when there is no redis-server binary; under CI that is a failure instead."""
    import pytest

    if shutil.which("redis-server") is not None:
        return
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        pytest.fail(f"{MISSING}; CI is set, and CI must run them", pytrace=False)
    pytest.skip(MISSING)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def answers_ping(port: int, timeout: float = 0.2) -> bool:
    """True when a Redis server on 127.0.0.1:port replies to PING."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    """One redis-server process; ``start()`` again after ``stop()`` reuses the port."""

    def __init__(self, port: int | None = None, *, startup_timeout: float = 10.0) -> None:
        executable = shutil.which("redis-server")
        if executable is None:
            raise RedisServerError(
                "redis-server is not on PATH: the Redis store tests need a real server;"
                " install it (Debian/Ubuntu: apt-get install redis-server) and run the tests again"
            )
        self.executable = executable
        self.port = port if port is not None else free_port()
        self.startup_timeout = startup_timeout
        self._dir = tempfile.TemporaryDirectory(prefix="coach-redis-")
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> None:
        if self.running:
            return
        log = Path(self._dir.name) / "redis.log"
        # Config directives on the command line; the server logs to stdout, kept in a file.
        with log.open("ab") as out:
            self._process = subprocess.Popen(
                [
                    self.executable,
                    *("--port", str(self.port), "--bind", "127.0.0.1"),
                    *("--save", "", "--appendonly", "no", "--daemonize", "no"),
                    *("--dir", self._dir.name),
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        deadline = time.monotonic() + self.startup_timeout
        while not answers_ping(self.port):
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                tail = log.read_text(errors="replace")[-2000:]
                raise RedisServerError(f"redis-server did not start on 127.0.0.1:{self.port}:\n{tail}")
            time.sleep(0.01)

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def close(self) -> None:
        self.stop()
        self._dir.cleanup()

    def __enter__(self) -> RedisServer:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
