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
