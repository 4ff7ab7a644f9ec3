"""Operations: the compiled-index cache, hot reload, coach doctor, and logs without message text."""

from __future__ import annotations

import json
import logging
import os
import pickle
import shutil
import stat
from pathlib import Path

import pytest

from bot.engine.coach import Coach, matcher_for
from bot.errors import KnowledgeError
from bot.kb.load import load_knowledge
from bot.logs import JsonFormatter, _RequestIdFilter
from bot.matching import compiled as compiled_module
from bot.matching.compiled import fingerprint, load_compiled
from bot.reload import reload_knowledge
from bot.settings import Settings
from bot.store.sqlite import SqliteStore
from bot.testing import Conversation

FIXTURE = Path(__file__).parents[1] / "fixtures" / "kb"


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    target = tmp_path / "kb"
    shutil.copytree(FIXTURE, target)
    return target


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv("COACH_CACHE_DIR", str(where))
    return where


def test_compiled_cache_is_written_reused_and_invalidated(kb_dir: Path, cache: Path) -> None:
    first = load_compiled(builtin=kb_dir)
    files = list(cache.glob("*.npz"))
    assert len(files) == 1
    again = load_compiled(builtin=kb_dir)
    assert again.kb.topics.keys() == first.kb.topics.keys()
    assert matcher_for(again, Settings()).match("client has not paid my invoice").best.id == "late-payment"  # type: ignore[union-attr]

    before = fingerprint(kb_dir, [])
    path = kb_dir / "topics" / "scope-creep.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Scope creep", "Growing projects"), encoding="utf-8")
    assert fingerprint(kb_dir, []) != before
    edited = load_compiled(builtin=kb_dir)
    assert edited.kb.topics["scope-creep"].in_lang("en").title == "Growing projects"


def test_a_corrupt_cache_is_rebuilt_not_trusted(kb_dir: Path, cache: Path) -> None:
    load_compiled(builtin=kb_dir)
    (target,) = cache.glob("*.npz")
    target.write_bytes(b"not a cache at all")
    rebuilt = load_compiled(builtin=kb_dir)
    assert "late-payment" in rebuilt.kb.topics
    assert target.read_bytes() != b"not a cache at all"


class _Exploit:
    """Unpickling this would create a file: proof that code ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (Path.write_text, (str(self.marker), "pwned"))  # type: ignore[return-value]


def test_a_planted_pickle_never_runs(kb_dir: Path, cache: Path, tmp_path: Path) -> None:
    load_compiled(builtin=kb_dir)
    (target,) = cache.glob("*.npz")
    marker = tmp_path / "marker"
    # An .npz whose member is a pickled object array, and a legacy .pickle beside it.
    import numpy as np

    with target.open("wb") as handle:
        np.savez(handle, format=np.array([_Exploit(marker)], dtype=object))
    (cache / f"{target.stem}.pickle").write_bytes(pickle.dumps(_Exploit(marker)))
    assert "late-payment" in load_compiled(builtin=kb_dir).kb.topics
    assert not marker.exists()


def test_cache_directory_is_private_and_foreign_files_are_ignored(
    kb_dir: Path, cache: Path, caplog: pytest.LogCaptureFixture
) -> None:
    load_compiled(builtin=kb_dir)
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    (target,) = cache.glob("*.npz")
    if os.getuid() != 0:
        pytest.skip("changing a file's owner needs root")
    os.chown(target, 4321, 4321)
    with caplog.at_level(logging.WARNING, logger="coach.cache"):
        assert "late-payment" in load_compiled(builtin=kb_dir).kb.topics
    assert "belongs to another user" in caplog.text


def test_cache_key_follows_the_configured_directories(kb_dir: Path, cache: Path, tmp_path: Path) -> None:
    load_compiled(builtin=kb_dir)
    missing = tmp_path / "nonexistent"
    with pytest.raises(KnowledgeError, match="does not exist"):
        load_compiled([missing], builtin=kb_dir)
    assert fingerprint(kb_dir, [missing]) != fingerprint(kb_dir, [])
    missing.mkdir()
    assert fingerprint(kb_dir, [missing]) != fingerprint(kb_dir, [tmp_path / "other"])


def test_an_empty_team_directory_is_warned_about(
    kb_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    empty = tmp_path / "team"
    empty.mkdir()
    with caplog.at_level(logging.WARNING, logger="coach.kb"):
        load_knowledge(kb_dir, [empty])
    assert "holds no topic or example files" in caplog.text


def test_cache_can_be_turned_off(kb_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COACH_CACHE_DIR", "off")
    monkeypatch.setattr(compiled_module, "_save", lambda *a: pytest.fail("nothing may be written"))
    assert "late-payment" in load_compiled(builtin=kb_dir).kb.topics


async def test_hot_reload_keeps_old_knowledge_on_a_broken_edit(
    tmp_path: Path, cache: Path, caplog: pytest.LogCaptureFixture
) -> None:
    team = tmp_path / "team"
    (team / "topics").mkdir(parents=True)
    settings = Settings(knowledge_dirs=(team,))
    coach = Coach.from_settings(settings, store=SqliteStore(tmp_path / "c.db"))
    before = len(coach.kb.topics)

    source = load_knowledge().topics["scope-creep"].origin
    text = Path(source).read_text(encoding="utf-8").replace("id: scope-creep", "id: team-retainers")
    text = text.replace("overrides: false\n", "")
    broken = team / "topics" / "team-retainers.yaml"
    broken.write_text(text.replace("  steps:", "  stepz:", 1), encoding="utf-8")
    with caplog.at_level(logging.ERROR, logger="coach.reload"):
        assert reload_knowledge(coach) is False
    assert "team-retainers.yaml" in caplog.text and len(coach.kb.topics) == before

    # Phrasings must be unique across topics: give the copy its own.
    import yaml

    data = yaml.safe_load(text)
    for lang in ("en", "es", "ca", "fi"):
        data[lang]["phrasings"] = [f"retainer client question number {i} ({lang})" for i in range(12)]
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert reload_knowledge(coach) is True
    assert len(coach.kb.topics) == before + 1
    reply = await Conversation(coach).ask("retainer client question number 3")
    assert reply.topic_ids == ("team-retainers",)
    await coach.close()


def test_doctor_reports_what_to_fix(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from bot.doctor import run_doctor

    env = {"COACH_DB_PATH": str(tmp_path / "d.db"), "SLACK_BOT_TOKEN": "xoxp-user-token", "DISCORD_TOKEN": "nope"}
    assert run_doctor(None, env) == 1
    out = capsys.readouterr().out
    assert "[ok  ] knowledge" in out and "[ok  ] store" in out
    assert "SLACK_BOT_TOKEN must be a bot token starting with xoxb- (this one starts with xoxp-)" in out
    assert "SLACK_APP_TOKEN is not set" in out
    assert "DISCORD_TOKEN does not look like a bot token" in out
    assert "xoxp-user-token" not in out, "never print a secret"

    assert run_doctor(None, {"COACH_DB_PATH": str(tmp_path / "d.db")}) == 0
    assert "All good." in capsys.readouterr().out

    assert run_doctor(None, {"COACH_STORE_URL": "redis://:secret@127.0.0.1:1/0"}) == 1
    out = capsys.readouterr().out
    assert "[FAIL] store at redis://***@127.0.0.1:1/0" in out and "secret" not in out


async def test_logs_are_json_with_a_request_id_and_no_message_text(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    coach = Coach.from_settings(Settings(), store=SqliteStore(tmp_path / "l.db"))
    secret = "my client Zorblax owes me 9999 EUR"
    with caplog.at_level(logging.INFO):
        await Conversation(coach).ask(secret)
    await coach.close()
    records = [r for r in caplog.records if r.levelno >= logging.INFO]
    assert records, "the engine logs each request"
    formatter = JsonFormatter()
    request_filter = _RequestIdFilter()
    for record in records:
        request_filter.filter(record)
        entry = json.loads(formatter.format(record))
        assert {"ts", "level", "logger", "request_id", "message"} <= entry.keys()
        assert "Zorblax" not in entry["message"] and "9999" not in entry["message"]
    handled = [json.loads(formatter.format(r)) for r in records if "handled" in r.getMessage()]
    assert handled and handled[0]["request_id"] != "-"


async def test_coach_stats_prints_per_topic_figures(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    db = tmp_path / "stats.db"
    store = SqliteStore(db)
    for kind in ("shown", "shown", "helpful", "not_helpful", "helpful"):
        await store.record_feedback("scope-creep", kind, None)  # type: ignore[arg-type]
    await store.record_outcome("scope-creep", "resolved", None)
    await store.close()
    env = {**os.environ, "COACH_DB_PATH": str(db)}
    out = subprocess.run(
        [sys.executable, "-m", "bot", "stats"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=Path(__file__).parents[2],
    ).stdout
    assert out.strip() == "scope-creep: shown 2, helpful 67% (2/3), outcomes 1 resolved / 0 not"
