"""The App Home tab: what the bot does, how to ask it, the topics and the user's language."""

from __future__ import annotations

from typing import Any

from adapters.slack.render import Block, actions, bullets, context, escape, header, sections
from bot.engine.i18n import t
from bot.engine.messages import Choice
from bot.kb.model import KnowledgeBase

HOME_BLOCK_LIMIT = 100
APP_NAME = "Client Coach"


def home_view(kb: KnowledgeBase, lang: str, chosen_lang: str | None) -> dict[str, Any]:
    """A ``views.publish`` home view in ``lang``; ``chosen_lang`` is the user's saved preference."""
    titles = [topic.in_lang(lang).title for topic in kb.topics.values()]
    how = [t("how_mention", lang), t("how_command", lang), t("how_dm", lang)]
    setting = chosen_lang or f"{t('language_auto', lang)} ({lang})"
    blocks: list[Block] = [
        *header(APP_NAME),
        *sections(escape(t("help", lang))),
        *sections(bullets(how, t("how_title", lang))),
        *context(escape(t("help_commands", lang))),
        {"type": "divider"},
        *sections(bullets(titles, t("topics", lang))),
    ]
    footer = context(f"🌐 *{escape(t('language', lang))}:* {escape(setting)} · {escape(t('lang_usage', lang))}")
    buttons = actions([Choice(f"topic:{tid}", title) for tid, title in zip(kb.topics, titles, strict=True)])
    if len(blocks) + len(buttons) + len(footer) <= HOME_BLOCK_LIMIT:
        blocks += buttons  # the list above already names every topic; buttons are a shortcut
    blocks += footer
    return {"type": "home", "blocks": blocks[:HOME_BLOCK_LIMIT]}
