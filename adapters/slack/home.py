"""The App Home tab: what the bot does, how to ask it, the user's check-ins, the topics and the language."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from adapters.slack.render import Block, actions, bullets, context, escape, header, sections, truncate
from adapters.slack.translate import HOME_LANG_ACTION
from adapters.slack.workspace import MAX_ADMINS, WS_ADMINS_ACTION, WS_LANG_ACTION
from bot.engine.i18n import LANGS, t
from bot.engine.messages import Choice
from bot.kb.model import KnowledgeBase
from bot.store.base import Checkin, WorkspaceSettings

HOME_BLOCK_LIMIT = 100
CHECKINS_SHOWN = 20
APP_NAME = "Client Coach"
AUTO = "auto"
LANG_NAMES = {"en": "English", "es": "Español", "ca": "Català", "fi": "Suomi"}


def home_view(
    kb: KnowledgeBase,
    lang: str,
    chosen_lang: str | None,
    checkins: Sequence[Checkin] = (),
    workspace: WorkspaceSettings | None = None,
    env_lang: str = "en",
) -> dict[str, Any]:
    """A ``views.publish`` home view in ``lang``; ``chosen_lang`` is the user's saved preference.

    ``workspace`` (given only to workspace admins) adds the section that changes the workspace's settings;
    ``env_lang`` is ``COACH_DEFAULT_LANG``, what "automatic" means there.
    """
    titles = [topic.in_lang(lang).title for topic in kb.topics.values()]
    how = [t("how_mention", lang), t("how_command", lang), t("how_dm", lang)]
    blocks: list[Block] = [
        *header(APP_NAME),
        *sections(escape(t("help", lang))),
        *sections(bullets(how, t("how_title", lang))),
        *context(escape(t("help_commands", lang))),
        {"type": "divider"},
        *_checkins(kb, lang, checkins),
        {"type": "divider"},
        *sections(bullets(titles, t("topics", lang))),
    ]
    footer = [*(_workspace(lang, workspace, env_lang) if workspace is not None else []), _language(lang, chosen_lang)]
    buttons = actions([Choice(f"topic:{tid}", title) for tid, title in zip(kb.topics, titles, strict=True)])
    if len(blocks) + len(buttons) + len(footer) <= HOME_BLOCK_LIMIT:
        blocks += buttons  # the list above already names every topic; buttons are a shortcut
    blocks += footer
    return {"type": "home", "blocks": blocks[:HOME_BLOCK_LIMIT]}


def _when(due_at: float) -> str:
    """The due time in the reader's own time zone (Slack formats it), with a UTC fallback."""
    fallback = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(due_at))
    return f"<!date^{int(due_at)}^{{date_short_pretty}} {{time}}|{fallback}>"


def _checkins(kb: KnowledgeBase, lang: str, checkins: Sequence[Checkin]) -> list[Block]:
    blocks: list[Block] = sections(f"*{escape(t('checkins_title', lang))}*")
    if not checkins:
        return blocks + context(escape(t("checkins_none", lang)))
    for checkin in checkins[:CHECKINS_SHOWN]:
        title = kb.topics[checkin.topic_id].in_lang(lang).title if checkin.topic_id in kb.topics else checkin.topic_id
        line = t("checkin_due", lang, title=f"*{escape(title)}*", when=_when(checkin.due_at))
        button = {
            "type": "button",
            "text": {"type": "plain_text", "text": t("btn_cancel", lang), "emoji": True},
            "action_id": f"cancel:{checkin.id}",
            "value": f"cancel:{checkin.id}",
        }
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": line}, "accessory": button})
    return blocks


def _option(value: str, label: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": truncate(label, 75), "emoji": True}, "value": value}


def _language(lang: str, chosen_lang: str | None) -> Block:
    """The language setting, with a menu to change it (automatic: the language each message is written in)."""
    auto = _option(AUTO, f"{t('language_auto', lang)} ({lang})")
    options = [auto, *(_option(code, LANG_NAMES[code]) for code in LANGS)]
    current = next((o for o in options if o["value"] == chosen_lang), auto)
    return {
        "type": "section",
        "text": {"type": "mrkdwn", "text": f"🌐 *{escape(t('language', lang))}:* {escape(current['text']['text'])}"},
        "accessory": {
            "type": "static_select",
            "action_id": HOME_LANG_ACTION,
            "placeholder": {"type": "plain_text", "text": t("lang_pick", lang)},
            "options": options,
            "initial_option": current,
        },
    }


def _workspace(lang: str, settings: WorkspaceSettings, env_lang: str) -> list[Block]:
    """For admins: the workspace's default language and who may see the statistics."""
    auto = _option(AUTO, t("ws_lang_env", lang, code=env_lang))
    options = [auto, *(_option(code, LANG_NAMES[code]) for code in LANGS)]
    current = next((o for o in options if o["value"] == settings.lang), auto)
    admins: dict[str, Any] = {
        "type": "multi_users_select",
        "action_id": WS_ADMINS_ACTION,
        "placeholder": {"type": "plain_text", "text": t("ws_pick_admins", lang)},
        "max_selected_items": MAX_ADMINS,
    }
    if settings.admins:
        admins["initial_users"] = list(settings.admins[:MAX_ADMINS])
    who = ", ".join(f"<@{a}>" for a in settings.admins) if settings.admins else escape(t("ws_admins_none", lang))
    return [
        {"type": "divider"},
        *sections(f"*{escape(t('ws_title', lang))}*"),
        *context(escape(t("ws_only_admins", lang))),
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": f"*{escape(t('ws_lang', lang))}:* {escape(current['text']['text'])}"},
            "accessory": {
                "type": "static_select",
                "action_id": WS_LANG_ACTION,
                "placeholder": {"type": "plain_text", "text": t("lang_pick", lang)},
                "options": options,
                "initial_option": current,
            },
        },
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": truncate(f"*{escape(t('ws_admins', lang))}:* {who}", 3000)},
            "accessory": admins,
        },
    ]
