"""The stable JSON shape of ``coach kb export --json`` (documented in README)."""

from __future__ import annotations

from typing import Any

from bot.kb.model import KnowledgeBase, Topic

EXPORT_VERSION = 1


def topic_to_dict(topic: Topic) -> dict[str, Any]:
    return {
        "id": topic.id,
        "legal": topic.legal,
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
