"""Whole conversations through Coach.handle, on the real knowledge base and a real SQLite store."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.engine.coach import Coach
from bot.engine.compose import COMMON_SITUATIONS
from bot.engine.i18n import t
from bot.engine.messages import ALL_TOPICS_ACTION
from bot.matching.compiled import Compiled
from bot.matching.matcher import MatcherConfig
from bot.testing import Conversation
from tests.conftest import matcher_for_tests


def option_ids(reply_options: tuple[object, ...]) -> list[str]:
    return [o.id for o in reply_options]  # type: ignore[attr-defined]


async def test_situation_clarify_choice_advice_script_follow_up_feedback_forget(
    make_coach: Callable[..., Coach], real_compiled: Compiled
) -> None:
    # A matcher that always asks, so the clarify step is certain.
    always_ask = matcher_for_tests(
        real_compiled, MatcherConfig(ambiguous_ratio=0.0, sure_above=1.01, confident_from=1.01)
    )
    coach = make_coach(matcher=always_ask)
    chat = Conversation(coach, user_id="U-alice")

    reply = await chat.ask("My client hasn't paid the invoice for two months and ignores my emails")
    assert reply.kind == "clarify"
    assert reply.options[-1].id == "none"
    offered = [o.id.removeprefix("topic:") for o in reply.options[:-1]]
    assert "late-payment" in offered

    reply = await chat.ask(str(offered.index("late-payment") + 1))
    assert reply.kind == "advice" and reply.topic_ids == ("late-payment",)
    assert reply.steps and reply.script and reply.avoid and reply.sources
    assert reply.disclaimer, "late-payment is a legal topic"
    assert "fb:up:late-payment" in option_ids(reply.options)

    reply = await chat.ask("client is Acme Studio, 1200 EUR, 45 days late, invoice #2024-17")
    assert reply.kind == "advice" and reply.script
    script = "\n".join(reply.script)
    assert "Acme Studio" in script
    assert "{client_name}" not in script and "{amount}" not in script

    reply = await chat.ask("what if they still refuse?")
    assert reply.kind == "advice" and reply.options, "late-payment escalates: the next stage"
    assert "Acme Studio" in "\n".join(reply.script), "the details stay with the same client"
    first_follow_up = option_ids(reply.options)
    reply = await chat.ask("and what if that doesn't work either?")
    assert reply.kind == "clarify"
    assert option_ids(reply.options) != first_follow_up, "second 'still' moves on to related topics"
    assert all(i.startswith("topic:") for i in option_ids(reply.options))

    reply = await chat.press("fb:up:late-payment")
    assert reply.kind == "confirmation"
    assert await coach.store.holds_anything_about("cli:U-alice")

    reply = await chat.ask("forget")
    assert reply.kind == "confirmation"
    assert not await coach.store.holds_anything_about("cli:U-alice")
    stats = {row.topic_id: row for row in await coach.store.stats()}
    assert stats["late-payment"].helpful == 1, "aggregate feedback survives, unattributed"
    await coach.close()


async def test_what_do_i_say_gives_the_script_and_more_goes_deeper(coach: Coach) -> None:
    chat = Conversation(coach)
    first = await chat.ask("I missed the deadline and need to tell the client tomorrow")
    assert first.kind == "advice" and first.topic_ids == ("own-mistake",)
    reply = await chat.ask("what do I say to them?")
    assert reply.script and reply.topic_ids == ("own-mistake",)
    assert "[client name]" in "\n".join(reply.script) or "{" not in "\n".join(reply.script)
    reply = await chat.ask("more")
    assert reply.more and reply.topic_ids == ("own-mistake",)


async def test_a_new_situation_starts_a_new_thread_and_thanks_closes(coach: Coach) -> None:
    chat = Conversation(coach)
    assert (await chat.ask("client keeps asking for small changes that were never in the quote")).topic_ids == (
        "scope-creep",
    )
    reply = await chat.ask("and now the client says he will sue me and is calling a lawyer")
    assert reply.topic_ids[0] == "legal-threat" or "legal-threat" in reply.topic_ids
    reply = await chat.ask("thanks!")
    assert reply.kind == "confirmation" and reply.text


async def test_channel_answer_is_short_with_a_way_to_more(coach: Coach) -> None:
    channel = Conversation(coach, conversation_id="C1:1700000000.0001", is_private=False)
    reply = await channel.ask("client is rude and insulting in every message")
    assert reply.kind == "advice" and len(reply.steps) <= 3 and not reply.script
    assert any(o.id.endswith(":full") for o in reply.options)
    assert not any(o.id.startswith("checkin:") for o in reply.options)
    full = await channel.press(next(o.id for o in reply.options if o.id.endswith(":full")))
    assert len(full.steps) >= len(reply.steps) and full.script


async def test_private_answer_is_full_and_offers_a_checkin(coach: Coach) -> None:
    reply = await Conversation(coach).ask("client is rude and insulting in every message")
    assert reply.script and reply.avoid
    assert any(o.id.startswith("checkin:") for o in reply.options)


async def test_out_of_scope_gets_a_short_fallback_with_the_whole_list_one_press_away(coach: Coach) -> None:
    chat = Conversation(coach)
    reply = await chat.ask("how do I center a div in css")
    assert reply.kind == "fallback"
    assert [o.id for o in reply.options] == [f"topic:{tid}" for tid in COMMON_SITUATIONS] + [ALL_TOPICS_ACTION]
    assert str(len(coach.kb.topics)) in reply.options[-1].label
    everything = await chat.press(ALL_TOPICS_ACTION)
    assert everything.kind == "topics" and len(everything.options) == len(coach.kb.topics)


async def test_several_problems_get_an_ordered_plan(coach: Coach) -> None:
    reply = await Conversation(coach).ask(
        "The client keeps asking for endless revisions that were never quoted. "
        "And now he is threatening to sue me through his lawyer."
    )
    assert reply.kind == "plan", reply
    assert reply.topic_ids[0] == "legal-threat", "a legal threat is handled first"
    assert len(reply.plan) >= 2 and all(item.why_now for item in reply.plan)
    assert reply.disclaimer


async def test_replies_in_the_askers_language(coach: Coach) -> None:
    for text, lang in [
        ("El cliente no me paga la factura desde hace dos meses", "es"),
        ("El client no em paga la factura i ja fa dos mesos", "ca"),
        ("Asiakas ei ole maksanut laskuani kahteen kuukauteen", "fi"),
    ]:
        reply = await Conversation(coach, user_id=f"U-{lang}").ask(text)
        assert reply.lang == lang and reply.topic_ids == ("late-payment",)
        assert reply.title == coach.kb.topics["late-payment"].in_lang(lang).title


async def test_language_preference_holds_for_short_messages(coach: Coach) -> None:
    chat = Conversation(coach)
    assert (await chat.ask("lang fi")).lang == "fi"
    assert (await chat.ask("help")).lang == "fi"
    assert (await chat.ask("topics")).lang == "fi"


async def test_channel_message_with_private_details_suggests_a_dm(coach: Coach) -> None:
    channel = Conversation(coach, is_private=False, conversation_id="C9:1")
    private_hint = t("go_private", "en")
    reply = await channel.ask("client is Globex and owes me 3,400 EUR, invoice is 60 days overdue")
    assert private_hint in reply.notice
    reply = await channel.ask("someone@example.com keeps asking for changes not in the quote")
    assert private_hint in reply.notice
    reply = await channel.ask("client keeps asking for changes not in the quote")
    assert private_hint not in reply.notice


async def test_bad_input_gets_a_kind_answer(coach: Coach) -> None:
    chat = Conversation(coach)
    assert (await chat.ask("   ")).kind == "help"
    huge = "my client will not pay the invoice. " * 3000
    reply = await chat.ask(huge)
    assert reply.kind == "advice" and "first 4,000 characters" in reply.notice
    garbage = await chat.ask("\x00\x01 ☃☃☃ ����� 𝕏𝕏 \u202e")
    assert garbage.kind in ("fallback", "help")


async def test_slash_command_mention_and_dm_mean_the_same(coach: Coach) -> None:
    dm = await Conversation(coach, user_id="A").ask("late payment")
    slash = await Conversation(coach, user_id="B", conversation_id="C1:B").ask("late payment", command="coach")
    mention = await Conversation(coach, user_id="C", conversation_id="C1:1.2", is_private=False).ask("late payment")
    assert dm.topic_ids == slash.topic_ids == mention.topic_ids == ("late-payment",)
    assert slash.shareable and not dm.shareable


async def test_commands(coach: Coach) -> None:
    chat = Conversation(coach)
    assert (await chat.ask("help")).kind == "help"
    topics = await chat.ask("topics")
    assert topics.kind == "topics" and len(topics.items) == len(coach.kb.topics)
    assert (await chat.ask("tip")).kind == "tip"
    tip = await chat.ask("tip scope creep")
    assert tip.kind == "tip" and tip.topic_ids == ("scope-creep",)
    unknown = await chat.ask("tip zebra husbandry")
    assert unknown.kind == "topics"
    assert (await chat.ask("lang klingon")).kind == "help"
    assert (await chat.ask("stats")).kind == "error", "only admins see statistics"
    admin = Conversation(coach, user_id="admin")
    assert (await admin.ask("stats")).kind == "confirmation"
    assert (await chat.ask("help me, my client yells at me")).kind != "help", "a sentence is a situation"


async def test_feedback_and_outcomes_reach_stats(coach: Coach, clock: object) -> None:
    chat = Conversation(coach, user_id="U-bob")
    reply = await chat.ask("client hasn't paid my invoice in 60 days and ignores my emails")
    assert reply.topic_ids == ("late-payment",)
    await chat.press("fb:down:late-payment")
    reply = await chat.ask("remind me in 3 days")
    assert reply.kind == "confirmation" and "3" in reply.text
    assert await coach.due_checkins(clock.now + 2 * 86400) == []  # type: ignore[attr-defined]
    due = await coach.due_checkins(clock.now + 3 * 86400 + 1)  # type: ignore[attr-defined]
    assert len(due) == 1 and due[0].user_id == "U-bob" and due[0].reply.options
    assert await coach.due_checkins(clock.now + 4 * 86400) == [], "a check-in is sent once"  # type: ignore[attr-defined]
    reply = await chat.ask("yes they paid!")
    assert reply.kind == "confirmation"
    row = {r.topic_id: r for r in await coach.store.stats()}["late-payment"]
    assert (row.shown, row.not_helpful, row.resolved) == (1, 1, 1)


async def test_checkin_no_moves_the_coaching_on(coach: Coach, clock: object) -> None:
    chat = Conversation(coach, user_id="U-carol")
    await chat.ask("the client's site is down and they want it fixed right now")
    await chat.press("checkin:3:urgent-problem")
    due = await coach.due_checkins(clock.now + 4 * 86400)  # type: ignore[attr-defined]
    assert len(due) == 1
    reply = await chat.press("outcome:no:urgent-problem")
    assert reply.kind == "clarify" and reply.options
    row = {r.topic_id: r for r in await coach.store.stats()}["urgent-problem"]
    assert row.unresolved == 1


async def test_conversations_expire_after_idle_time(coach: Coach, clock: object) -> None:
    chat = Conversation(coach)
    await chat.ask("I made a mistake and have to tell the client")
    clock.now += coach.settings.conversation_ttl + 1  # type: ignore[attr-defined]
    reply = await chat.ask("what do I say?")
    assert not reply.script, "the context expired, so there is nothing to continue"


async def test_script_placeholders_are_in_the_users_language_and_the_notice_says_what_is_missing(
    coach: Coach,
) -> None:
    chat = Conversation(coach, user_id="U-ca")
    reply = await chat.ask("El client no em paga la factura i ja fa dos mesos")
    assert reply.lang == "ca" and "[número de factura]" in "\n".join(reply.script)
    reply = await chat.ask("el client és Acme, 1200 EUR, 45 dies de retard")
    script = "\n".join(reply.script)
    assert "Acme" in script and "1200 EUR" in script and "[nom del client]" not in script
    assert "número de factura" in reply.notice and "nom del client" not in reply.notice


@pytest.mark.parametrize(
    ("first", "then"),
    [
        (
            "my client hasn't paid my invoice in 45 days",
            "they still haven't paid, now they want 3 more revisions for free and he screamed at me on the call",
        ),
        (
            "mi cliente no me paga la factura desde hace dos meses",
            "sigue sin pagarme y ahora quiere tres cambios más gratis, y encima me gritó por teléfono",
        ),
        (
            "asiakas ei maksa laskua",
            "asiakas ei edelleenkään ole maksanut laskua ja nyt hän haluaa kolme muutosta lisää ilmaiseksi",
        ),
    ],
)
async def test_a_follow_up_does_not_swallow_new_problems(coach: Coach, first: str, then: str) -> None:
    chat = Conversation(coach)
    assert (await chat.ask(first)).topic_ids == ("late-payment",)
    reply = await chat.ask(then)
    assert reply.kind == "plan" and len(reply.topic_ids) >= 2, reply
    assert set(reply.topic_ids) - {"late-payment"}, "a new problem joins the plan"


async def test_a_plain_follow_up_still_continues_the_situation(coach: Coach) -> None:
    chat = Conversation(coach)
    assert (await chat.ask("my client hasn't paid my invoice in 45 days")).topic_ids == ("late-payment",)
    reply = await chat.ask("they still haven't paid")
    assert reply.topic_ids == ("late-payment",) and reply.kind != "plan"


@pytest.mark.parametrize(
    ("first", "then", "added"),
    [
        (
            "el client no em paga la factura des de fa dos mesos",
            "encara no m'ha pagat i a sobre ahir em va cridar per telèfon",
            "abusive-client",
        ),
        (
            "my client hasn't paid my invoice in 45 days",
            "still nothing from them, and on top of that he yelled at me on the phone yesterday",
            "abusive-client",
        ),
    ],
)
async def test_a_still_message_that_adds_a_problem_gets_a_plan_with_both(
    coach: Coach, first: str, then: str, added: str
) -> None:
    chat = Conversation(coach)
    assert (await chat.ask(first)).topic_ids == ("late-payment",)
    reply = await chat.ask(then)
    assert reply.kind == "plan", reply
    assert set(reply.topic_ids) >= {"late-payment", added}


async def test_a_still_message_with_nothing_new_reaches_the_next_stage(coach: Coach) -> None:
    chat = Conversation(coach)
    assert (await chat.ask("my client hasn't paid my invoice in 45 days")).topic_ids == ("late-payment",)
    reply = await chat.ask("they still haven't paid and they don't answer my emails")
    assert reply.kind == "advice" and reply.topic_ids == ("late-payment",), reply


@pytest.mark.parametrize(
    "then", ["and if they keep ignoring me?", "¿y si me siguen ignorando?", "i si em continuen ignorant?"]
)
async def test_and_if_they_keep_ignoring_me_is_a_follow_up(coach: Coach, then: str) -> None:
    chat = Conversation(coach)
    assert (await chat.ask("my client hasn't paid my invoice in 45 days")).topic_ids == ("late-payment",)
    await chat.ask("what do I say?")
    reply = await chat.ask(then)
    assert reply.kind == "advice" and reply.topic_ids == ("late-payment",), reply


async def test_an_aside_in_a_conversation_is_declined_but_keeps_the_situation(coach: Coach) -> None:
    chat = Conversation(coach)
    first = await chat.ask("my client still hasn't paid the invoice I sent two months ago")
    assert first.topic_ids == ("late-payment",)
    aside = await chat.ask("my husband thinks I'm too soft with people")
    assert aside.kind == "fallback"
    assert aside.options[0].id == "part:late-payment:full", "the situation under discussion comes first"
    assert "topic:late-payment" not in [o.id for o in aside.options], "offered once"
    assert first.title in aside.text
    script = await chat.ask("so what should I write to them?")
    assert script.topic_ids == ("late-payment",) and script.script, "the aside did not end the conversation"
    again = await chat.press(1)
    assert again.kind == "advice" and again.topic_ids == ("late-payment",)


async def test_a_decline_with_no_situation_under_discussion_offers_no_way_back(coach: Coach) -> None:
    reply = await Conversation(coach).ask("my husband thinks I'm too soft with people")
    assert reply.kind == "fallback" and not any(o.id.startswith("part:") for o in reply.options)
    closed = Conversation(coach, user_id="U2")
    await closed.ask("my client still hasn't paid the invoice I sent two months ago")
    await closed.ask("thanks!")
    reply = await closed.ask("my husband thinks I'm too soft with people")
    assert reply.kind == "fallback" and not any(o.id.startswith("part:") for o in reply.options), "thanks closed it"


@pytest.mark.parametrize(
    ("situation", "question"),
    [
        ("I made a mistake in the report I delivered and have to tell the client", "what do I say on the phone?"),
        ("me equivoqué en el informe que entregué y tengo que decírselo al cliente", "¿y qué le digo por teléfono?"),
        ("vaig cometre un error a l'informe que vaig lliurar i l'he de dir al client", "què li dic per telèfon?"),
        ("tein virheen raporttiin jonka toimitin ja minun pitää kertoa asiakkaalle", "mitä sanon puhelimessa?"),
    ],
)
async def test_asking_what_to_say_on_a_call_gives_the_talking_points(
    coach: Coach, situation: str, question: str
) -> None:
    chat = Conversation(coach)
    first = await chat.ask(situation)
    assert first.topic_ids == ("own-mistake",), first
    call = await chat.ask(question)
    assert call.call_outline and not call.script, call
    assert call.topic_ids == ("own-mistake",)


async def test_a_call_question_where_there_are_no_talking_points_gets_the_message(coach: Coach) -> None:
    chat = Conversation(coach)
    await chat.ask("my client still hasn't paid the invoice I sent two months ago")
    reply = await chat.ask("what should I say on the call?")
    assert reply.script and not reply.call_outline and reply.topic_ids == ("late-payment",)


async def test_while_a_choice_is_open_a_vague_reply_or_what_do_i_say_asks_again(coach: Coach) -> None:
    chat = Conversation(coach)
    await chat.ask("my client still hasn't paid the invoice I sent two months ago")
    question = await chat.ask('He wrote: "Honestly I expected much more for this price." I don\'t know how to answer')
    assert question.kind == "clarify", question
    for reply_text in ("ok", "what do I say?"):
        again = await chat.ask(reply_text)
        assert again.kind == "clarify" and again.topic_ids == question.topic_ids, (reply_text, again)
    chosen = await chat.ask("1")
    assert chosen.kind == "advice" and chosen.topic_ids == question.topic_ids[:1]


async def test_asking_for_a_checkin_in_a_channel_points_to_a_private_conversation(coach: Coach) -> None:
    channel = Conversation(coach, conversation_id="C1", platform="slack", is_private=False)
    await channel.ask("my client won't pay my invoice")
    reply = await channel.ask("remind me tomorrow")
    assert reply.text == t("checkin_private", "en") and not reply.topic_ids
    assert await coach.store.claim_due_checkins(10.0**12) == [], "nothing booked"
