"""The quick start's `pytest` works on a fresh machine: with or without redis-server, with or without ../shared."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).parents[1]


def pytest_run(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k != "CI" and not k.startswith("PYTEST_")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**clean, **env},
        timeout=300,
    )


def test_without_redis_server_the_redis_tests_skip_in_one_line(tmp_path: Path) -> None:
    empty = tmp_path / "bin"  # a PATH with no redis-server on it
    empty.mkdir()
    done = pytest_run(
        REPO,
        "tests/bot/store/test_store_parity.py",  # the redis_url fixture
        "tests/bot/store/test_redis.py::test_stopped_server_raises_store_error_then_recovers",  # a server of its own
        "tests/bot/engine/test_reliability.py::test_redis_going_away_mid_conversation_is_polite_and_recovers",
        PATH=str(empty),
    )
    assert done.returncode == 0, done.stdout[-3000:]
    skipped = [line for line in done.stdout.splitlines() if line.startswith("SKIPPED")]
    assert len(skipped) == 1, skipped
    assert skipped[0].startswith("SKIPPED [") and "redis-server is not on PATH" in skipped[0]
    assert "apt-get install redis-server" in skipped[0]
    assert " error" not in done.stdout.splitlines()[-1]


def test_under_ci_a_missing_redis_server_fails_the_run(tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    done = pytest_run(REPO, "tests/bot/store/test_store_parity.py", PATH=str(empty), CI="true")
    assert done.returncode == 1
    assert "CI is set, and CI must run them" in done.stdout
    assert "skipped" not in done.stdout.splitlines()[-1]


def test_a_clone_without_shared_skips_three_tests_and_says_why(tmp_path: Path) -> None:
    clone = tmp_path / "clone"  # no ../shared beside it
    for name in ("bot", "adapters", "knowledge", "tests", "eval"):
        shutil.copytree(REPO / name, clone / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", clone)
    done = pytest_run(
        clone,
        "tests/bot/kb/test_shipped_knowledge.py",
        "tests/bot/matching/test_matcher.py",
        "-k",
        "spec or own_words or public_set",
    )
    assert done.returncode == 0, done.stdout[-3000:]
    reasons = sorted(line.split(": ", 1)[1] for line in done.stdout.splitlines() if line.startswith("SKIPPED"))
    assert reasons == [
        "the shared public set sits beside the repository",
        "the shared spec sits beside the repository",
        "the source articles sit beside the repository",
    ]
    assert "3 skipped" in done.stdout.splitlines()[-1]


@pytest.mark.parametrize("line", ["pytest", "coach kb check", "ruff check bot adapters tests benchmarks", "mypy"])
def test_ci_runs_what_the_readme_says(line: str) -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert line in ci
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert line.split()[0] in readme
