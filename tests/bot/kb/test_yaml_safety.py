"""Knowledge files cannot exhaust memory or time: no anchors or aliases (billion laughs), and a size cap."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from bot.kb.load import MAX_FILE_BYTES, check_knowledge

FIXTURE = Path(__file__).parents[2] / "fixtures" / "kb"

# Under 400 bytes that expand to 10^9 strings if a loader follows the aliases.
BILLION_LAUGHS = """\
id: laughs
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


@pytest.fixture
def team(tmp_path: Path) -> Path:
    directory = tmp_path / "team" / "topics"
    directory.mkdir(parents=True)
    return directory


def problems_for(team: Path) -> list[str]:
    kb, found = check_knowledge(FIXTURE, [team.parent])
    assert kb is None
    return [str(p) for p in found]


def test_a_billion_laughs_file_is_refused_at_once_naming_file_and_line(team: Path) -> None:
    path = team / "laughs.yaml"
    path.write_text(BILLION_LAUGHS, encoding="utf-8")
    started = time.perf_counter()
    found = problems_for(team)
    assert time.perf_counter() - started < 1.0, "refused before anything is expanded"
    assert found == [f"{path}:2: anchors and aliases (&name, *name) are not allowed in knowledge files"]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("id: x\nen:\n  title: &t Late\n", 3),  # an anchor alone
        ("id: x\nen: {title: Late}\nes: *missing\n", 3),  # an alias alone (even to nothing)
        ("id: x\nbase: &b {title: Late}\nen:\n  <<: *b\n", 2),  # a merge key
        ("id: x\nen:\n  steps:\n    - &s !!str one\n", 4),
    ],
)
def test_any_anchor_or_alias_is_refused(team: Path, text: str, line: int) -> None:
    path = team / "x.yaml"
    path.write_text(text, encoding="utf-8")
    assert f"{path}:{line}: anchors and aliases (&name, *name) are not allowed in knowledge files" in problems_for(team)


def test_a_sources_file_with_aliases_is_refused_too(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(FIXTURE, kb)
    sources = kb / "sources.yaml"
    sources.write_text("x: &x [1]\n" + sources.read_text(encoding="utf-8"), encoding="utf-8")
    kb_, found = check_knowledge(kb)
    assert kb_ is None
    assert f"{sources}:1: anchors and aliases (&name, *name) are not allowed in knowledge files" in map(str, found)


def test_an_oversized_file_is_refused_without_parsing_it(team: Path) -> None:
    path = team / "huge.yaml"
    line = "# " + "x" * 1000 + "\n"
    path.write_text("id: huge\n" + line * (MAX_FILE_BYTES // len(line) + 1), encoding="utf-8")
    assert path.stat().st_size > MAX_FILE_BYTES
    assert problems_for(team) == [f"{path}: is larger than 2 MB, the limit for a knowledge file"]


def test_a_file_under_the_cap_is_not_refused_for_its_size(team: Path) -> None:
    path = team / "big.yaml"
    line = "# " + "x" * 1000 + "\n"
    path.write_text("id: big\n" + line * (MAX_FILE_BYTES // len(line) - 10), encoding="utf-8")
    assert path.stat().st_size < MAX_FILE_BYTES
    assert not any("larger than" in p for p in problems_for(team))


def test_the_shipped_knowledge_uses_no_aliases_and_stays_well_under_the_cap() -> None:
    kb, found = check_knowledge()
    assert kb is not None and found == []
    shipped = Path(__file__).parents[3] / "knowledge"
    assert max(p.stat().st_size for p in shipped.rglob("*.yaml")) < MAX_FILE_BYTES // 4
