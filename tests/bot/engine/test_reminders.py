"""Asking for a check-in in a whole conversation, in every language, scheduled by the injected clock."""

from __future__ import annotations

import pytest

from bot.engine.coach import Coach
from bot.engine.i18n import count, t
from bot.testing import Conversation
from tests.bot.engine.conftest import Clock

SITUATIONS = {
    "en": "my client hasn't paid my invoice in 45 days",
    "es": "el cliente no me paga la factura desde hace dos meses",
    "ca": "El client no em paga la factura i ja fa dos mesos",
    "fi": "asiakas ei maksa laskua, se on ollut erääntyneenä kaksi kuukautta",
}
# The fake clock starts on Friday 15 January 2027 at 08:00 UTC.
ASKED: list[tuple[str, str, int]] = [
    ("en", "remind me tomorrow", 1),
    ("en", "remind me on Friday", 7),
    ("en", "remind me in two weeks", 14),
    ("en", "please check back next week", 7),
    ("en", "remind me on Monday", 3),
    ("es", "recuérdame mañana", 1),
    ("es", "recuérdame el viernes", 7),
    ("es", "recuérdame en dos semanas", 14),
    ("es", "pregúntame la semana que viene", 7),
    ("es", "recuérdame el lunes", 3),
    ("ca", "recorda'm demà", 1),
    ("ca", "recorda'm divendres", 7),
    ("ca", "recorda'm d'aquí a dues setmanes", 14),
    ("ca", "pregunta'm la setmana que ve", 7),
    ("ca", "recorda'm dilluns", 3),
    ("fi", "muistuta minua huomenna", 1),
    ("fi", "muistuta minua perjantaina", 7),
    ("fi", "kysy minulta kahden viikon päästä", 14),
    ("fi", "kysy ensi viikolla", 7),
    ("fi", "muistuta minua maanantaina", 3),
]
ANSWERED: list[tuple[str, str, int]] = [
    ("en", "in two weeks", 14),
    ("en", "yes, on Monday", 3),
    ("es", "el lunes", 3),
    ("es", "en dos semanas", 14),
    ("ca", "dilluns", 3),
    ("ca", "d'aquí a dues setmanes", 14),
    ("fi", "ensi viikolla", 7),
    ("fi", "kahden viikon päästä", 14),
]


async def checkin_falls_due_on_day(coach: Coach, clock: Clock, days: int) -> None:
    start = clock.now
    assert await coach.due_checkins(start + days * 86400 - 3600) == [], "not a day early (nor an hour)"
    [sent] = await coach.due_checkins(start + days * 86400 + 1)
    assert sent.reply.options[0].id == "outcome:yes:late-payment"


@pytest.mark.parametrize(("lang", "text", "days"), ASKED, ids=[a[1] for a in ASKED])
async def test_asking_for_a_checkin_schedules_it_on_that_day(
    coach: Coach, clock: Clock, lang: str, text: str, days: int
) -> None:
    chat = Conversation(coach, user_id=f"U-{lang}")
    reply = await chat.ask(SITUATIONS[lang])
    assert reply.topic_ids == ("late-payment",) and reply.lang == lang
    reply = await chat.ask(text)
    title = coach.kb.topics["late-payment"].in_lang(reply.lang).title
    assert reply.kind == "confirmation"
    assert reply.text == t("checkin_set", reply.lang, when=count("day", days, reply.lang), title=title)
    await checkin_falls_due_on_day(coach, clock, days)


@pytest.mark.parametrize(("lang", "text", "days"), ANSWERED, ids=[a[1] for a in ANSWERED])
async def test_a_short_answer_to_the_checkin_offer_schedules_it(
    coach: Coach, clock: Clock, lang: str, text: str, days: int
) -> None:
    chat = Conversation(coach)
    reply = await chat.ask(SITUATIONS[lang])
    assert any(o.id.startswith("checkin:") for o in reply.options), "the bot offers to check back"
    reply = await chat.ask(text)
    assert reply.kind == "confirmation" and count("day", days, reply.lang) in reply.text
    await checkin_falls_due_on_day(coach, clock, days)


@pytest.mark.parametrize(
    ("lang", "one_day"),
    [("en", "in 1 day about"), ("es", "en 1 día por"), ("ca", "d'aquí a 1 dia per"), ("fi", "1 päivän päästä")],
)
async def test_the_confirmation_counts_in_proper_plurals(coach: Coach, lang: str, one_day: str) -> None:
    chat = Conversation(coach)
    await chat.ask(SITUATIONS[lang])
    reply = await chat.press("checkin:1:late-payment")
    assert one_day in reply.text and "(s)" not in reply.text and "(es)" not in reply.text


async def test_a_checkin_in_hours_says_hours(coach: Coach, clock: Clock) -> None:
    chat = Conversation(coach)
    await chat.ask(SITUATIONS["en"])
    reply = await chat.ask("remind me in 2 hours")
    assert "in 2 hours about" in reply.text
    assert await coach.due_checkins(clock.now + 3600) == []
    assert len(await coach.due_checkins(clock.now + 2 * 3600)) == 1


async def test_a_date_alone_outside_the_offer_is_not_a_reminder(coach: Coach) -> None:
    chat = Conversation(coach)
    await chat.ask(SITUATIONS["en"])
    await chat.ask("remind me tomorrow")  # the offer is taken: no longer open
    reply = await chat.ask("on Monday")
    assert reply.kind != "confirmation"
    assert len(await coach.due_checkins(10**12)) == 1, "only the check-in asked for"
    channel = Conversation(coach, user_id="U2", conversation_id="C1", is_private=False)
    await channel.ask(SITUATIONS["en"])
    assert (await channel.ask("remind me on Monday")).kind != "confirmation", "check-ins are for private chats"


async def test_details_after_the_offer_are_details_not_a_date(coach: Coach) -> None:
    chat = Conversation(coach)
    await chat.ask(SITUATIONS["en"])
    reply = await chat.ask("Acme, 45 days late")
    assert reply.kind != "confirmation"
    assert await coach.due_checkins(10**12) == []


async def test_a_huge_reminder_request_is_answered_in_well_under_200_ms(coach: Coach, clock: Clock) -> None:
    import time

    chat = Conversation(coach)
    await chat.ask(SITUATIONS["en"])
    await chat.ask("remind me tomorrow")  # dateparser's data is loaded once per process
    for text in ("remind me " + "a" * 100_000, "remind me " * 10_000, "recuérdame " + "el lunes " * 11_000):
        await chat.ask(SITUATIONS["en"])
        started = time.perf_counter()
        await chat.ask(text)
        assert (time.perf_counter() - started) * 1000 < 200
