"""The App Home tab: what the bot does, how to ask it, the topics and the user's language."""

from __future__ import annotations

from typing import Any

from adapters.slack.render import Block, actions, bullets, context, escape, header, sections
from bot.engine.i18n import STRINGS, t
from bot.engine.messages import Choice
from bot.kb.model import KnowledgeBase

HOME_BLOCK_LIMIT = 100
APP_NAME = "Client Coach"

# How to reach the bot is Slack's own business, so these lines live here. They are English
# until i18n.py carries the same keys; t() takes over as soon as it does.
_SLACK_LABELS = {
    "slack_how_title": "How to ask",
    "slack_how_mention": "Mention me in a channel (@Client Coach my client won't pay) and I answer in the thread.",
    "slack_how_command": "Type /coach followed by your situation for an answer only you can see; "
    "share it with the channel if it helps others.",
    "slack_how_dm": "Message me directly (the Messages tab) and I coach you step by step, in private.",
    "slack_language": "Language",
    "slack_language_auto": "automatic",
}


def label(key: str, lang: str) -> str:
    return t(key, lang) if key in STRINGS else _SLACK_LABELS[key]


def home_view(kb: KnowledgeBase, lang: str, chosen_lang: str | None) -> dict[str, Any]:
    """A ``views.publish`` home view in ``lang``; ``chosen_lang`` is the user's saved preference."""
    titles = [topic.in_lang(lang).title for topic in kb.topics.values()]
    how = [label("slack_how_mention", lang), label("slack_how_command", lang), label("slack_how_dm", lang)]
    setting = chosen_lang or f"{label('slack_language_auto', lang)} ({lang})"
    blocks: list[Block] = [
        *header(APP_NAME),
        *sections(escape(t("help", lang))),
        *sections(bullets(how, label("slack_how_title", lang))),
        *context(escape(t("help_commands", lang))),
        {"type": "divider"},
        *sections(bullets(titles, t("topics", lang))),
    ]
    footer = context(
        f"🌐 *{escape(label('slack_language', lang))}:* {escape(setting)} · {escape(t('lang_usage', lang))}"
    )
    buttons = actions([Choice(f"topic:{tid}", title) for tid, title in zip(kb.topics, titles, strict=True)])
    if len(blocks) + len(buttons) + len(footer) <= HOME_BLOCK_LIMIT:
        blocks += buttons  # the list above already names every topic; buttons are a shortcut
    blocks += footer
    return {"type": "home", "blocks": blocks[:HOME_BLOCK_LIMIT]}
