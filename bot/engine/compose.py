"""Build ``Reply`` objects from knowledge entries. No I/O, no state: easy to test."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Literal

from bot.engine.details import fill, label, missing
from bot.engine.i18n import t
from bot.engine.messages import ALL_TOPICS_ACTION, Choice, PlanItem, Reply
from bot.engine.plan import order_problems, reason
from bot.kb.model import KnowledgeBase, Topic

CHANNEL_STEPS = 3


def citations(kb: KnowledgeBase, topic: Topic) -> tuple[str, ...]:
    out = []
    for cite in topic.sources:
        source = kb.sources.get(cite.article)
        title = source.title if source else cite.article
        out.append(f"{title} — «{cite.section}»")
    return tuple(out)


def feedback_choices(topic_id: str, lang: str) -> tuple[Choice, ...]:
    return (
        Choice(f"fb:up:{topic_id}", t("btn_helpful", lang)),
        Choice(f"fb:down:{topic_id}", t("btn_not_helpful", lang)),
    )


def unique(choices: tuple[Choice, ...]) -> tuple[Choice, ...]:
    """Options without repeated ids (platforms reject two buttons with the same id)."""
    first: dict[str, Choice] = {}
    for choice in choices:
        first.setdefault(choice.id, choice)
    return tuple(first.values())


def follow_up_choices(kb: KnowledgeBase, topic: Topic, lang: str) -> tuple[Choice, ...]:
    choices: list[Choice] = []
    for option in topic.in_lang(lang).follow_up.options:
        if option.topic is not None and option.topic in kb.topics:
            choices.append(Choice(f"topic:{option.topic}", option.label))
        elif option.part is not None:
            choices.append(Choice(f"part:{topic.id}:{option.part}", option.label))
    return unique(tuple(choices))


def advice(
    kb: KnowledgeBase,
    topic: Topic,
    lang: str,
    *,
    full: bool,
    details: Mapping[str, str],
    shareable: bool = False,
    offer_checkin: bool = False,
    notice: str = "",
) -> Reply:
    """The answer to a situation: short in a channel, complete in private."""
    entry = topic.in_lang(lang)
    steps = entry.steps if full else entry.steps[:CHANNEL_STEPS]
    options: list[Choice] = []
    if full:
        options.extend(follow_up_choices(kb, topic, lang))
        if not any(o.id == f"part:{topic.id}:more" for o in options):
            options.append(Choice(f"part:{topic.id}:more", t("btn_more", lang)))
    else:
        options.append(Choice(f"part:{topic.id}:full", t("btn_full", lang)))
        options.append(Choice(f"part:{topic.id}:say_this", t("btn_script", lang)))
    options.extend(feedback_choices(topic.id, lang))
    if shareable:
        options.append(Choice(f"share:{topic.id}", t("btn_share", lang)))
    if offer_checkin:
        options.append(Choice(f"checkin:3:{topic.id}", t("btn_checkin", lang)))
    hint = "" if full else t("short_hint", lang)
    return Reply(
        kind="advice",
        lang=lang,
        text=f"{entry.title}: {entry.summary}",
        title=entry.title,
        summary=entry.summary,
        steps=steps,
        script=tuple(fill(m, details, lang, entry.fill_in) for m in entry.say_this) if full else (),
        call_outline=tuple(fill(p, details, lang, entry.fill_in) for p in entry.call_outline) if full else (),
        avoid=entry.avoid if full else (),
        sources=citations(kb, topic),
        disclaimer=t("disclaimer", lang) if topic.legal else "",
        notice=" ".join(n for n in (notice, hint) if n),
        question=entry.follow_up.question if full else "",
        options=unique(tuple(options)),
        topic_ids=(topic.id,),
        shareable=shareable,
    )


def part(kb: KnowledgeBase, topic: Topic, lang: str, name: str, details: Mapping[str, str]) -> Reply:
    """One part of an entry on its own: the script, the deeper reasons, the steps, the pitfalls."""
    entry = topic.in_lang(lang)
    base = Reply(
        kind="advice",
        lang=lang,
        text="",
        title=entry.title,
        sources=citations(kb, topic),
        disclaimer=t("disclaimer", lang) if topic.legal else "",
        topic_ids=(topic.id,),
        options=feedback_choices(topic.id, lang),
    )
    if name == "next_stage" and entry.next_stage is not None:
        return next_stage(kb, topic, lang, details)
    if name == "say_this":
        script = tuple(fill(m, details, lang, entry.fill_in) for m in entry.say_this)
        notice = _fill_notice(entry.say_this, details, lang, entry.fill_in)
        return replace(
            base,
            text=t("script_intro", lang),
            script=script,
            notice=notice,
            options=(*follow_up_choices(kb, topic, lang), *base.options),
        )
    if name == "call_outline" and entry.call_outline:
        return replace(
            base,
            text=t("call_intro", lang),
            call_outline=tuple(fill(p, details, lang, entry.fill_in) for p in entry.call_outline),
            notice=_fill_notice(entry.call_outline, details, lang, entry.fill_in),
            options=(*follow_up_choices(kb, topic, lang), *base.options),
        )
    if name == "more":
        return replace(
            base,
            text=t("more_intro", lang),
            more=entry.more,
            options=(*follow_up_choices(kb, topic, lang), *base.options),
        )
    if name == "avoid":
        return replace(base, text=f"{entry.title}: {entry.summary}", summary=entry.summary, avoid=entry.avoid)
    if name == "steps":
        return replace(base, text=f"{entry.title}: {entry.summary}", summary=entry.summary, steps=entry.steps)
    return replace(base, text=f"{entry.title}: {entry.summary}", summary=entry.summary)


def _fill_notice(templates: tuple[str, ...], details: Mapping[str, str], lang: str, labels: Mapping[str, str]) -> str:
    """'Still to fill in: ...' naming every placeholder the user has not given yet (empty when none)."""
    unfilled = [label(n, lang, labels) for n in missing(templates, details)]
    if not unfilled:
        return ""
    # A topic's own label may carry an example ("the reason, e.g. ..."): then commas cannot separate the names.
    separator = "; " if any("," in name for name in unfilled) else ", "
    return t("script_missing", lang, names=separator.join(unfilled)) if details else t("script_fill", lang)


def related_choices(kb: KnowledgeBase, topic: Topic, lang: str, limit: int = 4) -> tuple[Choice, ...]:
    related = [kb.topics[r] for r in topic.related if r in kb.topics]
    return tuple(Choice(f"topic:{r.id}", r.in_lang(lang).title) for r in related[:limit])


def next_stage(
    kb: KnowledgeBase, topic: Topic, lang: str, details: Mapping[str, str], *, lead: str = "", checkin: bool = False
) -> Reply:
    """The next stage of an escalating situation: what to do when the first steps did not work."""
    entry = topic.in_lang(lang)
    stage = entry.next_stage
    assert stage is not None, f"{topic.id} declares no next stage"
    options = [*related_choices(kb, topic, lang, 3), *feedback_choices(topic.id, lang)]
    if checkin:
        options.append(Choice(f"checkin:3:{topic.id}", t("btn_checkin", lang)))
    return Reply(
        kind="advice",
        lang=lang,
        text=lead or t("next_stage_intro", lang),
        title=stage.title,
        summary=stage.summary,
        steps=stage.steps,
        script=tuple(fill(m, details, lang, entry.fill_in) for m in stage.say_this),
        sources=citations(kb, topic),
        disclaimer=t("disclaimer", lang) if topic.legal else "",
        notice=_fill_notice(stage.say_this, details, lang, entry.fill_in),
        question=t("next_stage_question", lang),
        options=unique(tuple(options)),
        topic_ids=(topic.id,),
    )


def still_stuck(
    kb: KnowledgeBase, topic: Topic, lang: str, step: int, details: Mapping[str, str] | None = None
) -> Reply:
    """'What if they still refuse?': the next stage where the topic has one, else the follow-up question;
    after that, related topics."""
    entry = topic.in_lang(lang)
    if step == 0 and entry.next_stage is not None:
        return next_stage(kb, topic, lang, details or {})
    if step == 0:
        return Reply(
            kind="clarify",
            lang=lang,
            text=t("still_intro", lang),
            title=entry.title,
            question=entry.follow_up.question,
            options=follow_up_choices(kb, topic, lang),
            topic_ids=(topic.id,),
        )
    return Reply(
        kind="clarify",
        lang=lang,
        text=t("still_intro", lang),
        title=entry.title,
        question=t("related", lang),
        options=related_choices(kb, topic, lang),
        topic_ids=(topic.id,),
    )


def clarify(kb: KnowledgeBase, topic_ids: list[str], lang: str, notice: str = "") -> Reply:
    options = [Choice(f"topic:{tid}", kb.topics[tid].in_lang(lang).title) for tid in topic_ids]
    options.append(Choice("none", t("btn_none", lang)))
    return Reply(
        kind="clarify",
        lang=lang,
        text=t("clarify", lang),
        question=t("clarify", lang),
        options=tuple(options),
        topic_ids=tuple(topic_ids),
        notice=notice,
    )


def plan(kb: KnowledgeBase, topic_ids: tuple[str, ...], lang: str, notice: str = "") -> Reply:
    ordered = order_problems(topic_ids)
    items = []
    for index, tid in enumerate(ordered):
        entry = kb.topics[tid].in_lang(lang)
        items.append(PlanItem(tid, entry.title, reason(tid, lang, index == 0), entry.summary, entry.steps[:2]))
    sources: list[str] = []
    for tid in ordered:
        sources.extend(c for c in citations(kb, kb.topics[tid]) if c not in sources)
    legal = any(kb.topics[tid].legal for tid in ordered)
    options = [Choice(f"topic:{tid}", kb.topics[tid].in_lang(lang).title) for tid in ordered]
    return Reply(
        kind="plan",
        lang=lang,
        text=t("plan_intro", lang, n=len(ordered)),
        plan=tuple(items),
        sources=tuple(sources),
        disclaimer=t("disclaimer", lang) if legal else "",
        options=tuple(options),
        topic_ids=tuple(ordered),
        notice=notice,
    )


def topic_list(kb: KnowledgeBase, lang: str, lead: str = "") -> Reply:
    titles = tuple(f"{t_.in_lang(lang).title} ({t_.id})" for t_ in kb.topics.values())
    return Reply(
        kind="topics",
        lang=lang,
        text=lead or t("topics", lang),
        items=titles,
        options=tuple(Choice(f"topic:{tid}", kb.topics[tid].in_lang(lang).title) for tid in kb.topics),
    )


# What freelancers bring most (the product's own headline situations): a decline offers these, and the
# whole list is one button away, so "my boss yells at me" is not answered with 39 buttons.
COMMON_SITUATIONS = (
    "angry-client-message",
    "late-payment",
    "scope-creep",
    "own-mistake",
    "abusive-client",
    "client-ghosting",
)


def fallback(kb: KnowledgeBase, lang: str, lead: str = "", ongoing: Topic | None = None) -> Reply:
    """A kind decline with a few common situations; ``ongoing`` is the situation the conversation was about,
    offered first so an aside does not lose it."""
    common = [tid for tid in COMMON_SITUATIONS if tid in kb.topics] or list(kb.topics)[: len(COMMON_SITUATIONS)]
    options = [Choice(f"topic:{tid}", kb.topics[tid].in_lang(lang).title) for tid in common]
    if len(kb.topics) > len(common):
        options.append(Choice(ALL_TOPICS_ACTION, t("btn_all_topics", lang, count=len(kb.topics))))
    if ongoing is not None:
        title = ongoing.in_lang(lang).title
        back = Choice(f"part:{ongoing.id}:full", t("btn_back_to", lang, title=title))
        options = [back, *(o for o in options if o.id != f"topic:{ongoing.id}")]
        lead = lead or t("fallback_ongoing", lang, title=title)
    return Reply(
        kind="fallback",
        lang=lang,
        text=lead or t("fallback", lang),
        items=() if ongoing is not None else tuple(f"{kb.topics[tid].in_lang(lang).title} ({tid})" for tid in common),
        options=tuple(options),
    )


def tip(kb: KnowledgeBase, topic: Topic, lang: str) -> Reply:
    entry = topic.in_lang(lang)
    return Reply(
        kind="tip",
        lang=lang,
        text=f"{t('tip', lang)}: {entry.title}",
        title=entry.title,
        summary=entry.summary,
        steps=entry.steps[:1],
        sources=citations(kb, topic),
        disclaimer=t("disclaimer", lang) if topic.legal else "",
        options=(Choice(f"topic:{topic.id}", t("btn_full", lang)),),
        topic_ids=(topic.id,),
    )


def help_reply(lang: str, private: bool) -> Reply:
    items = (t("help_commands", lang), t("help_private", lang)) if private else (t("help_commands", lang),)
    return Reply(kind="help", lang=lang, text=t("help", lang), items=items)


def message(
    kind: Literal["confirmation", "error", "help"], lang: str, text: str, options: tuple[Choice, ...] = ()
) -> Reply:
    return Reply(kind=kind, lang=lang, text=text, options=options)
