"""The knowledge base: its model, loading and validation."""

from bot.kb.load import check_knowledge, default_knowledge_dir, load_knowledge
from bot.kb.model import LANGS, PARTS, PLACEHOLDERS, Advice, Citation, FollowUp, KnowledgeBase, Option, Source, Topic

__all__ = [
    "LANGS",
    "PARTS",
    "PLACEHOLDERS",
    "Advice",
    "Citation",
    "FollowUp",
    "KnowledgeBase",
    "Option",
    "Source",
    "Topic",
    "check_knowledge",
    "default_knowledge_dir",
    "load_knowledge",
]
