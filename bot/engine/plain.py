"""Plain-text rendering of a Reply: the terminal's format and every platform's fallback text."""

from __future__ import annotations

import textwrap

from bot.engine.i18n import t
from bot.engine.messages import Reply

WIDTH = 88


def _wrap(text: str, indent: str = "", first: str = "") -> list[str]:
    lines: list[str] = []
    for index, paragraph in enumerate(text.splitlines() or [""]):
        lead = first if index == 0 and first else indent
        wrapped = textwrap.wrap(paragraph, WIDTH, initial_indent=lead, subsequent_indent=indent) or [lead.rstrip()]
        lines.extend(wrapped)
    return lines


def render_plain(reply: Reply, numbered_options: bool = True) -> str:
    lang = reply.lang
    out: list[str] = []
    if reply.title and reply.kind in ("advice", "tip", "confirmation"):
        out.append(reply.title.upper())
        if reply.summary:
            out.extend(_wrap(reply.summary))
        elif reply.text and reply.text != reply.title:
            out.extend(_wrap(reply.text))
    elif reply.text:
        out.extend(_wrap(reply.text))
    if reply.plan:
        for index, plan_item in enumerate(reply.plan, 1):
            out.append("")
            out.append(f"{index}. {plan_item.title}")
            out.extend(_wrap(plan_item.why_now, "   ", "   "))
            out.extend(_wrap(plan_item.summary, "   ", "   "))
            for step in plan_item.first_steps:
                out.extend(_wrap(step, "     ", "   - "))
    if reply.steps:
        out += ["", t("steps", lang) + ":"]
        for index, step in enumerate(reply.steps, 1):
            out.extend(_wrap(step, "   ", f"{index}. "))
    if reply.script:
        out += ["", t("script", lang) + ":"]
        for message in reply.script:
            out.extend(_wrap(message, "  | ", "  | "))
            out.append("")
        out.pop()
    if reply.avoid:
        out += ["", t("avoid", lang) + ":"]
        for item in reply.avoid:
            out.extend(_wrap(item, "   ", " - "))
    if reply.more:
        out.append("")
        for paragraph in reply.more:
            out.extend(_wrap(paragraph))
            out.append("")
        out.pop()
    if reply.items:
        out.append("")
        for item in reply.items:
            out.extend(_wrap(item, "   ", " - "))
    if reply.sources:
        out += ["", t("sources", lang) + ":"]
        out.extend(f" - {source}" for source in reply.sources)
    if reply.disclaimer:
        out += ["", *_wrap(reply.disclaimer, "  ", "⚠ ")]
    if reply.notice:
        out += ["", *_wrap(reply.notice, "  ", "ℹ ")]
    if reply.question and reply.question != reply.text:
        out += ["", reply.question]
    if reply.options and numbered_options:
        out.append("")
        out.extend(f"  [{index}] {choice.label}" for index, choice in enumerate(reply.options, 1))
    return "\n".join(out).strip("\n")
