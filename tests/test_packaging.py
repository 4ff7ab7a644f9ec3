"""The distribution ships every package and the knowledge; the core never loads platform libraries."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).parents[1]


def test_every_package_directory_is_listed_in_pyproject() -> None:
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {
        ".".join(p.parent.relative_to(REPO).parts)
        for root in ("bot", "adapters")
        for p in (REPO / root).rglob("__init__.py")
    }
    assert found <= listed, f"missing from [tool.setuptools] packages: {sorted(found - listed)}"


def test_core_never_imports_platform_libraries() -> None:
    code = (
        "import sys, bot, bot.cli, bot.engine.coach, bot.doctor, bot.reload, bot.store.factory\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] in ('slack_bolt', 'slack_sdk', 'discord', 'aiohttp')]\n"
        "print(','.join(loaded))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == ""
    platform_import = re.compile(r"^\s*(?:from|import)\s+(?:slack_bolt|slack_sdk|discord)\b", re.MULTILINE)
    for path in (REPO / "bot").rglob("*.py"):
        assert not platform_import.search(path.read_text(encoding="utf-8")), path


def test_the_license_the_metadata_names_is_shipped() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License") and "Permission is hereby granted, free of charge" in text


def test_every_setting_the_code_reads_is_documented() -> None:
    read = set()
    for path in [*(REPO / "bot").rglob("*.py"), *(REPO / "adapters").rglob("*.py")]:
        read |= set(re.findall(r'(?<!metavar=)"((?:COACH|SLACK|DISCORD)_[A-Z_]+)"', path.read_text(encoding="utf-8")))
    example = (REPO / ".env.example").read_text(encoding="utf-8")
    documented = set(re.findall(r"^([A-Z_]+)=", example, re.MULTILINE))
    assert "COACH_CACHE_DIR" in read
    assert read <= documented, f"missing from .env.example: {sorted(read - documented)}"
    assert "Minutes" not in example, "COACH_CONVERSATION_TTL is in seconds"
    assert "COACH_CACHE_DIR" in (REPO / "README.md").read_text(encoding="utf-8")


def test_serve_listens_on_localhost_unless_told_otherwise() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "bot", "serve", "--help"], capture_output=True, text=True, check=True, cwd=REPO
    ).stdout
    assert "default 127.0.0.1" in " ".join(out.split())
    dockerfile = (REPO / "Dockerfile").read_text(encoding="utf-8")
    assert '"--host", "0.0.0.0"' in dockerfile, "inside the container the image listens on every interface"
