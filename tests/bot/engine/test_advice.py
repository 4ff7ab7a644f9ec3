"""Issue 13: details stay with their situation and client, escalation reaches a next stage, options are printed."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.engine.coach import Coach
from bot.engine.details import extract_details, mentions_other_client
from bot.engine.plain import render_plain
from bot.kb.model import KnowledgeBase
from bot.testing import Conversation
from tests.bot.engine.conftest import Clock

# -- item 1: details belong to the situation and the client they were given for ------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("client is Brightside Studio, 1200 EUR, invoice INV-0042", "Brightside Studio"),
        ("another client, Jana, keeps asking for small changes outside the scope", "Jana"),
        ("la clienta se llama Laura", "Laura"),
        ("otra clienta, Laura, me pide cambios fuera del presupuesto", "Laura"),
        ("el client es diu Pere Soler", "Pere Soler"),
        ("un altre client, Marc, no em paga", "Marc"),
        ("asiakkaan nimi on Virtanen Oy", "Virtanen Oy"),
    ],
)
def test_client_names_are_read_in_every_language(text: str, name: str) -> None:
    assert extract_details(text).get("client_name") == name


@pytest.mark.parametrize(
    ("text", "details"),
    [
        ("the client is Nordlicht GmbH, I'm Sam", {"client_name": "Nordlicht GmbH", "your_name": "Sam"}),
        ("client is Acme. I'm Sam.", {"client_name": "Acme", "your_name": "Sam"}),
        ("soy Ana, la clienta se llama Laura", {"client_name": "Laura", "your_name": "Ana"}),
        ("sign it Sam Ortiz", {"your_name": "Sam Ortiz"}),
        # Alone, "I'm <Capitalised>" is as often a state as a name.
        ("I'm OK", {}),
        ("I am Stressed.", {}),
        ("I'm Sorry about the delay", {}),
    ],
)
def test_the_writers_own_name_is_read_when_they_introduce_themselves(text: str, details: dict[str, str]) -> None:
    assert extract_details(text) == details


def test_a_pronoun_after_client_is_not_a_name() -> None:
    assert "client_name" not in extract_details("My client, I think, is late")
    assert mentions_other_client("another client keeps calling me at night")
    assert not mentions_other_client("my client keeps calling me at night")


async def test_details_do_not_leak_to_another_clients_situation(coach: Coach) -> None:
    chat = Conversation(coach)
    reply = await chat.ask("my client hasn't paid my invoice in 45 days")
    assert reply.topic_ids == ("late-payment",)
    reply = await chat.ask("client is Brightside Studio, 1200 EUR, invoice INV-0042")
    assert "Brightside Studio" in "\n".join(reply.script)
    reply = await chat.ask("another client, Jana, keeps asking for small changes outside the scope")
    assert reply.topic_ids == ("scope-creep",)
    reply = await chat.ask("what do I say?")
    script = "\n".join(reply.script)
    assert "Jana" in script
    assert "Brightside" not in script and "1200" not in script and "INV-0042" not in script


async def test_a_newly_named_client_replaces_the_old_one_in_spanish(coach: Coach) -> None:
    chat = Conversation(coach)
    reply = await chat.ask("el cliente no me paga la factura desde hace dos meses")
    assert reply.topic_ids == ("late-payment",) and reply.lang == "es"
    await chat.ask("el cliente es Estudio Norte, 800 EUR, factura F-17")
    reply = await chat.ask("la clienta se llama Laura")
    script = "\n".join(reply.script)
    assert "Laura" in script
    assert "Estudio Norte" not in script and "800" not in script and "F-17" not in script


async def test_details_given_for_the_same_client_are_kept(coach: Coach) -> None:
    chat = Conversation(coach)
    await chat.ask("my client hasn't paid my invoice in 45 days")
    await chat.ask("client is Acme, 1200 EUR")
    reply = await chat.ask("invoice INV-9")
    script = "\n".join(reply.script)
    assert "Acme" in script and "1200 EUR" in script and "INV-9" in script


# -- item 2: escalation ---------------------------------------------------------------------------------------


def test_every_escalating_topic_has_a_next_stage_in_every_language(real_kb: KnowledgeBase) -> None:
    escalating = [t for t in real_kb.topics.values() if t.escalates]
    assert {
        "late-payment",
        "legal-threat",
        "bad-reviews-slander",
        "scope-creep",
        "refund-demand",
        "out-of-hours-demands",
        "abusive-client",
    } <= {t.id for t in escalating}
    for topic in escalating:
        for lang in ("en", "es", "ca", "fi"):
            stage = topic.in_lang(lang).next_stage
            assert stage is not None and stage.steps, (topic.id, lang)


async def test_what_if_they_still_refuse_reaches_the_next_stage(coach: Coach) -> None:
    chat = Conversation(coach)
    first = await chat.ask("my client hasn't paid my invoice in 60 days")
    assert first.topic_ids == ("late-payment",)
    reply = await chat.ask("what if they still refuse?")
    assert reply.kind == "advice" and reply.topic_ids == ("late-payment",)
    assert reply.steps != first.steps, "a new stage, not the same steps again"
    assert reply.title == coach.kb.topics["late-payment"].in_lang("en").next_stage.title  # type: ignore[union-attr]
    assert reply.disclaimer and reply.script
    assert not reply.script[0].lower().count("quick reminder")
    reply = await chat.ask("and what if that doesn't work either?")
    assert reply.kind == "clarify" and all(o.id.startswith("topic:") for o in reply.options)


STILL_REFUSE = {"en": "what if they still refuse?", "es": "¿y si sigue negándose?"}


@pytest.mark.parametrize(
    ("topic_id", "lang", "situation"),
    [
        ("scope-creep", "en", "client keeps adding extra pages that weren't in the quote"),
        ("refund-demand", "en", "client demanding a full refund for the logo I delivered"),
        ("out-of-hours-demands", "en", "client keeps texting me at 11pm and on weekends"),
        ("abusive-client", "en", "my client is yelling at me and calling me an idiot"),
        ("scope-creep", "es", "el cliente no para de pedirme páginas extra que no estaban en el presupuesto"),
        ("refund-demand", "es", "el cliente me exige que le devuelva todo el dinero del logo"),
        ("out-of-hours-demands", "es", "el cliente me escribe por WhatsApp a medianoche y los fines de semana"),
        ("abusive-client", "es", "mi cliente me grita y me insulta por teléfono"),
    ],
)
async def test_each_new_escalating_topic_reaches_its_next_stage(
    coach: Coach, topic_id: str, lang: str, situation: str
) -> None:
    topic = coach.kb.topics[topic_id]
    assert topic.escalates
    chat = Conversation(coach)
    first = await chat.ask(situation)
    assert first.topic_ids == (topic_id,) and first.lang == lang
    assert f"part:{topic_id}:next_stage" in [o.id for o in first.options], "the option button reaches it too"
    reply = await chat.ask(STILL_REFUSE[lang])
    stage = topic.in_lang(lang).next_stage
    assert stage is not None
    assert reply.kind == "advice" and reply.topic_ids == (topic_id,)
    assert reply.title == stage.title and reply.steps == stage.steps and reply.steps != first.steps


async def test_the_option_button_reaches_the_next_stage_in_finnish(coach: Coach) -> None:
    chat = Conversation(coach)
    reply = await chat.ask("asiakas ei maksa laskua, se on ollut erääntyneenä kaksi kuukautta")
    assert reply.topic_ids == ("late-payment",) and reply.lang == "fi"
    assert "part:late-payment:next_stage" in [o.id for o in reply.options]
    reply = await chat.press("part:late-payment:next_stage")
    stage = coach.kb.topics["late-payment"].in_lang("fi").next_stage
    assert stage is not None and reply.title == stage.title and reply.steps == stage.steps


async def test_a_checkin_answered_no_reaches_the_next_stage(coach: Coach, clock: Clock) -> None:
    chat = Conversation(coach)
    await chat.ask("the client says they will sue me over the website")
    reply = await chat.ask("remind me in 2 days")
    assert reply.kind == "confirmation"
    clock.now += 3 * 86400
    [sent] = await coach.due_checkins()
    assert sent.reply.options[1].id == "outcome:no:legal-threat"
    reply = await chat.ask("no")
    stage = coach.kb.topics["legal-threat"].in_lang("en").next_stage
    assert stage is not None and reply.title == stage.title
    assert any("insur" in step for step in reply.steps), "legal threats: tell the insurer"


async def test_a_checkin_answered_no_in_spanish(coach: Coach, clock: Clock) -> None:
    chat = Conversation(coach)
    await chat.ask("el cliente no me paga la factura desde hace dos meses")
    await chat.ask("recuérdame en 3 días")
    clock.now += 4 * 86400
    await coach.due_checkins()
    reply = await chat.press("outcome:no:late-payment")
    stage = coach.kb.topics["late-payment"].in_lang("es").next_stage
    assert stage is not None and reply.title == stage.title and reply.lang == "es"


@pytest.mark.parametrize("answer", ["todavía no me ha pagado", "aún no me han pagado nada"])
async def test_a_checkin_answered_with_a_still_not_counts_as_no(coach: Coach, clock: Clock, answer: str) -> None:
    chat = Conversation(coach)
    await chat.ask("el cliente no me paga la factura desde hace dos meses")
    await chat.ask("recuérdame en 3 días")
    clock.now += 4 * 86400
    await coach.due_checkins()
    reply = await chat.ask(answer)
    stage = coach.kb.topics["late-payment"].in_lang("es").next_stage
    assert stage is not None and reply.title == stage.title
    [late] = [s for s in await coach.store.stats() if s.topic_id == "late-payment"]
    assert late.unresolved == 1


async def test_a_topic_without_a_next_stage_still_asks_its_follow_up(make_coach: Callable[..., Coach]) -> None:
    coach = make_coach()
    chat = Conversation(coach)
    reply = await chat.ask("I missed the deadline and need to tell the client tomorrow")
    assert reply.topic_ids == ("own-mistake",)
    assert not coach.kb.topics["own-mistake"].escalates
    reply = await chat.ask("what if they still don't accept it?")
    assert reply.kind == "clarify"
    await coach.close()


# -- item 4: coach ask prints the options --------------------------------------------------------------------


def test_ask_prints_follow_up_options_without_buttons(coach: Coach) -> None:
    from bot.engine.messages import Request

    reply = coach.answer_without_memory(Request("cli", "local", "ask", "my client won't pay my invoice", True))
    text = render_plain(reply, numbered_options=False, listed_options=True)
    entry = coach.kb.topics["late-payment"].in_lang("en")
    assert entry.follow_up.question in text
    for option in entry.follow_up.options:
        assert f" - {option.label}" in text
    assert "Helpful" not in text, "feedback buttons make no sense on the command line"


def test_ask_prints_the_choices_of_which_of_these(coach: Coach) -> None:
    from bot.engine.compose import clarify

    reply = clarify(coach.kb, ["late-payment", "refund-demand"], "es")
    text = render_plain(reply, numbered_options=False, listed_options=True)
    assert coach.kb.topics["late-payment"].in_lang("es").title in text
    assert coach.kb.topics["refund-demand"].in_lang("es").title in text
