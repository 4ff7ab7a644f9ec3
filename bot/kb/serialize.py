"""The validated knowledge base as plain JSON data and back, for the compiled cache."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from bot.kb.model import Advice, Citation, Example, FollowUp, KnowledgeBase, Option, Source, Stage, Topic


def kb_to_data(kb: KnowledgeBase) -> dict[str, Any]:
    data: dict[str, Any] = asdict(kb)
    return data


def _stage(raw: dict[str, Any] | None) -> Stage | None:
    if raw is None:
        return None
    return Stage(raw["title"], raw["summary"], tuple(raw["steps"]), tuple(raw["say_this"]))


def _advice(raw: dict[str, Any]) -> Advice:
    follow = raw["follow_up"]
    return Advice(
        title=raw["title"],
        summary=raw["summary"],
        steps=tuple(raw["steps"]),
        say_this=tuple(raw["say_this"]),
        avoid=tuple(raw["avoid"]),
        more=tuple(raw["more"]),
        phrasings=tuple(raw["phrasings"]),
        keywords=tuple(raw["keywords"]),
        follow_up=FollowUp(follow["question"], tuple(Option(**o) for o in follow["options"])),
        next_stage=_stage(raw.get("next_stage")),
        call_outline=tuple(raw.get("call_outline", ())),
        fill_in=dict(raw.get("fill_in", {})),
    )


def _topic(raw: dict[str, Any]) -> Topic:
    return Topic(
        id=raw["id"],
        legal=raw["legal"],
        sources=tuple(Citation(**c) for c in raw["sources"]),
        related=tuple(raw["related"]),
        advice={lang: _advice(a) for lang, a in raw["advice"].items()},
        origin=raw["origin"],
        overrides=raw["overrides"],
        escalates=raw.get("escalates", False),
        refines=tuple(raw.get("refines", ())),
    )


def kb_from_data(raw: dict[str, Any]) -> KnowledgeBase:
    return KnowledgeBase(
        topics={tid: _topic(t) for tid, t in raw["topics"].items()},
        sources={
            sid: Source(s["id"], s["title"], s["lang"], s["file"], tuple(s["sections"]))
            for sid, s in raw["sources"].items()
        },
        origins=tuple(raw["origins"]),
        examples=tuple(Example(**e) for e in raw["examples"]),
        concepts={c: {lang: tuple(words) for lang, words in by_lang.items()} for c, by_lang in raw["concepts"].items()},
    )
