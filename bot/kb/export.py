"""The stable JSON shape of ``coach kb export --json`` (documented in README)."""

from __future__ import annotations

from typing import Any

from bot.kb.model import KnowledgeBase, Topic

EXPORT_VERSION = 1


def topic_to_dict(topic: Topic) -> dict[str, Any]:
    return {
        "id": topic.id,
        "legal": topic.legal,
        "escalates": topic.escalates,
        "refines": list(topic.refines),
        "sources": [{"article": c.article, "section": c.section} for c in topic.sources],
        "related": list(topic.related),
        "languages": {
            lang: {
                "title": a.title,
                "summary": a.summary,
                "steps": list(a.steps),
                "say_this": list(a.say_this),
                "avoid": list(a.avoid),
                "more": list(a.more),
                "phrasings": list(a.phrasings),
                "keywords": list(a.keywords),
                "follow_up": {
                    "question": a.follow_up.question,
                    "options": [{"label": o.label, "topic": o.topic, "part": o.part} for o in a.follow_up.options],
                },
                "next_stage": None
                if a.next_stage is None
                else {
                    "title": a.next_stage.title,
                    "summary": a.next_stage.summary,
                    "steps": list(a.next_stage.steps),
                    "say_this": list(a.next_stage.say_this),
                },
                "call_outline": list(a.call_outline),
                "fill_in": dict(a.fill_in),
            }
            for lang, a in topic.advice.items()
        },
    }


def export_knowledge(kb: KnowledgeBase) -> dict[str, Any]:
    return {
        "version": EXPORT_VERSION,
        "sources": [
            {"id": s.id, "title": s.title, "lang": s.lang, "sections": list(s.sections)} for s in kb.sources.values()
        ],
        "topics": [topic_to_dict(t) for t in kb.topics.values()],
    }


def refines_of(kb: KnowledgeBase, topic_id: str) -> list[str]:
    """The broader topic ids ``topic_id`` narrows (empty for the contract's own ids)."""
    topic = kb.topics.get(topic_id)
    return list(topic.refines) if topic is not None else []


def with_refines(kb: KnowledgeBase, match_json: dict[str, Any]) -> dict[str, Any]:
    """``coach match --json`` output with ``"refines"`` on each match."""
    for item in match_json.get("matches", []):
        item["refines"] = refines_of(kb, item["id"])
    return match_json
