"""Plain-text rendering of a Reply: the terminal's format and every platform's fallback text.

``plain_sections`` lays a reply out as named sections of wrapped lines; ``render_plain``
joins them. The terminal (``coach chat``) uses the sections to wrap to its own width,
add colour through a ``Style`` and page long replies.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass

from bot.engine.i18n import t
from bot.engine.messages import ALL_TOPICS_ACTION, Reply

WIDTH = 88


def _same(text: str) -> str:
    return text


@dataclass(frozen=True)
class Style:
    """How each kind of line is decorated (colour, bold); applied after wrapping, so widths stay true."""

    title: Callable[[str], str] = _same
    heading: Callable[[str], str] = _same
    quote: Callable[[str], str] = _same
    note: Callable[[str], str] = _same
    number: Callable[[str], str] = _same


PLAIN = Style()


@dataclass(frozen=True)
class Section:
    """One part of a reply ("steps", "script", "options", ...) as finished lines."""

    name: str
    lines: tuple[str, ...]


def wrap(text: str, width: int = WIDTH, indent: str = "", first: str = "") -> list[str]:
    """Wrap at spaces only: a word, an id like ``late-payment`` or a URL is never split."""
    lines: list[str] = []
    for index, paragraph in enumerate(text.splitlines() or [""]):
        lead = first if index == 0 and first else indent
        wrapped = textwrap.wrap(
            paragraph,
            width,
            initial_indent=lead,
            subsequent_indent=indent,
            break_long_words=False,
            break_on_hyphens=False,
        )
        lines.extend(wrapped or [lead.rstrip()])
    return lines


def _lists_topics(reply: Reply) -> bool:
    """A topic list whose numbered options repeat its items: show the list once."""
    return bool(reply.options) and all(
        choice.id.startswith("topic:") or choice.id == ALL_TOPICS_ACTION for choice in reply.options
    )


# Options that only make sense as buttons in a live conversation (not in a one-off `coach ask`).
_BUTTON_ONLY = ("fb:", "share:", "checkin:", "outcome:")


def plain_sections(
    reply: Reply,
    numbered_options: bool = True,
    width: int = WIDTH,
    style: Style = PLAIN,
    listed_options: bool = False,
) -> list[Section]:
    """``listed_options``: without numbers, list the choices a reader can follow up on (``coach ask``)."""
    lang = reply.lang
    out: list[Section] = []

    def add(name: str, lines: list[str]) -> None:
        if lines:
            out.append(Section(name, tuple(lines)))

    def heading(key: str) -> list[str]:
        return [style.heading(t(key, lang) + ":")]

    lead: list[str] = []
    if reply.title and reply.kind in ("advice", "tip", "confirmation"):
        lead.extend(style.title(line) for line in wrap(reply.title.upper(), width))
        if reply.summary:
            lead.extend(wrap(reply.summary, width))
        elif reply.text and reply.text != reply.title:
            lead.extend(wrap(reply.text, width))
    elif reply.text:
        lead.extend(wrap(reply.text, width))
    add("lead", lead)
    for index, plan_item in enumerate(reply.plan, 1):
        lines = [style.heading(f"{index}. {plan_item.title}")]
        lines.extend(wrap(plan_item.why_now, width, "   ", "   "))
        lines.extend(wrap(plan_item.summary, width, "   ", "   "))
        for step in plan_item.first_steps:
            lines.extend(wrap(step, width, "     ", "   - "))
        add("plan", lines)
    if reply.steps:
        lines = heading("steps")
        for index, step in enumerate(reply.steps, 1):
            lines.extend(wrap(step, width, "   ", f"{index}. "))
        add("steps", lines)
    if reply.script:
        lines = heading("script")
        for number, message in enumerate(reply.script):
            if number:
                lines.append("")
            lines.extend(style.quote(line) for line in wrap(message, width, "  | ", "  | "))
        add("script", lines)
    if reply.call_outline:
        lines = heading("call_outline")
        for point in reply.call_outline:
            lines.extend(wrap(point, width, "   ", " - "))
        add("call_outline", lines)
    if reply.avoid:
        lines = heading("avoid")
        for item in reply.avoid:
            lines.extend(wrap(item, width, "   ", " - "))
        add("avoid", lines)
    if reply.more:
        lines = []
        for number, paragraph in enumerate(reply.more):
            if number:
                lines.append("")
            lines.extend(wrap(paragraph, width))
        add("more", lines)
    if reply.items and not (numbered_options and _lists_topics(reply)):
        add("items", [line for item in reply.items for line in wrap(item, width, "   ", " - ")])
    if reply.sources:
        add("sources", heading("sources") + [line for s in reply.sources for line in wrap(s, width, "   ", " - ")])
    if reply.disclaimer:
        add("disclaimer", [style.note(line) for line in wrap(reply.disclaimer, width, "  ", "⚠ ")])
    if reply.notice:
        add("notice", [style.note(line) for line in wrap(reply.notice, width, "  ", "ℹ ")])
    if reply.question and reply.question != reply.text:
        add("question", wrap(reply.question, width))
    if reply.options and numbered_options:
        lines = []
        for index, choice in enumerate(reply.options, 1):
            named = _lists_topics(reply) and choice.id.startswith("topic:")
            label = f"{choice.label} ({choice.id[6:]})" if named else choice.label
            marker = f"  [{index}] "
            wrapped = wrap(label, width, " " * len(marker), marker)
            lines.append(wrapped[0].replace(marker, style.number(marker), 1))
            lines.extend(wrapped[1:])
        add("options", lines)
    elif reply.options and listed_options and not (_lists_topics(reply) and reply.items):
        lines = []
        for choice in reply.options:
            if choice.id.startswith(_BUTTON_ONLY):
                continue
            kind, _, rest = choice.id.partition(":")
            hint = f" ({rest})" if kind == "topic" and _lists_topics(reply) else ""
            lines.extend(wrap(f"{choice.label}{hint}", width, "   ", " - "))
        if lines and not reply.question:
            lines.insert(0, style.heading(t("options", lang) + ":"))
        add("options", lines)
    return out


def join_sections(sections: list[Section]) -> str:
    return "\n\n".join("\n".join(section.lines) for section in sections)


def render_plain(reply: Reply, numbered_options: bool = True, width: int = WIDTH, listed_options: bool = False) -> str:
    return join_sections(plain_sections(reply, numbered_options, width, listed_options=listed_options))
