"""Reading when to check back (dateparser behind a bounded window) and counting in every language (babel)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest

from bot.engine.dates import WINDOW_CHARS, reminder_window
from bot.engine.i18n import LANGS, PLURALS, STRINGS, count, t
from bot.engine.intents import reminder_days
from tests.bot.engine.test_reminders import ANSWERED

FRIDAY = 1_800_000_000.0  # Friday 15 January 2027, 08:00 UTC (the engine tests' fake clock)
WEDNESDAY = FRIDAY - 2 * 86400
BUDGET_MS = 200.0

# Each phrase form in each language: tomorrow, a weekday, a number of weeks in words, next week, Monday.
PHRASES: list[tuple[str, str, float]] = [
    ("en", "remind me tomorrow", 1),
    ("en", "remind me on Friday", 7),
    ("en", "remind me in two weeks", 14),
    ("en", "check back next week", 7),
    ("en", "can you remind me on Monday?", 3),
    ("en", "remind me in 3 days", 3),
    ("en", "remind me in a couple of days please", 2),
    ("es", "recuérdame mañana", 1),
    ("es", "recuérdame el viernes", 7),
    ("es", "recuérdame en dos semanas", 14),
    ("es", "pregúntame la semana que viene", 7),
    ("es", "avísame el lunes", 3),
    ("es", "recuérdame dentro de 3 días", 3),
    ("es", "avísame pasado mañana", 2),
    ("ca", "recorda'm demà", 1),
    ("ca", "recorda'm divendres", 7),
    ("ca", "recorda'm d'aquí a dues setmanes", 14),
    ("ca", "pregunta'm la setmana que ve", 7),
    ("ca", "recorda'm el dilluns", 3),
    ("ca", "recorda'm en 3 dies", 3),
    ("ca", "recorda'm demà passat", 2),
    ("fi", "muistuta minua huomenna", 1),
    ("fi", "muistuta minua perjantaina", 7),
    ("fi", "kysy kahden viikon päästä", 14),
    ("fi", "kysy ensi viikolla", 7),
    ("fi", "muistuta maanantaina", 3),
    ("fi", "kysy 3 päivän päästä", 3),
    ("fi", "kysy viikon päästä", 7),
    ("fi", "muistuta ylihuomenna", 2),
]


@pytest.mark.parametrize(("lang", "text", "days"), PHRASES, ids=[p[1] for p in PHRASES])
def test_reminder_phrases_in_every_language(lang: str, text: str, days: float) -> None:
    assert reminder_days(text, FRIDAY, lang) == days


# What the writer did or will do, not a request to the coach: no check-in.
@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "I sent him a reminder on Monday and nothing"),
        ("en", "I'll remind them tomorrow"),
        ("en", "should I remind them on friday?"),
        ("en", "I'll follow up on Monday"),
        ("en", "I'll check back with the client on Monday"),
        ("es", "le recordé el lunes que me debía la factura"),
        ("es", "pregúntale el lunes"),
        ("ca", "vaig enviar un recordatori dilluns"),
        ("fi", "lähetin muistutuksen maanantaina"),
        ("fi", "kysyin maanantaina"),
    ],
)
def test_a_reminder_the_writer_sent_is_not_a_checkin_request(lang: str, text: str) -> None:
    assert reminder_days(text, FRIDAY, lang) is None


# The same answers the conversation tests give to the check-in offer (tests/bot/engine/test_reminders.py).
@pytest.mark.parametrize(("lang", "text", "days"), ANSWERED, ids=[a[1] for a in ANSWERED])
def test_a_short_answer_to_the_offer_needs_no_keyword(lang: str, text: str, days: float) -> None:
    assert reminder_days(text, FRIDAY, lang, bare=True) == days
    assert reminder_days(text, FRIDAY, lang) is None, "without the offer, a date alone is not a reminder request"


@pytest.mark.parametrize("text", ["2", "yes", "no", "what do I say?", "1200 EUR", ""])
def test_answers_that_name_no_day_are_not_reminders(text: str) -> None:
    assert reminder_days(text, FRIDAY, "en", bare=True) is None


# dateparser alone reads a lone "a", "we", "one", "mi", "set" or "mä" as a date: a short message right after the
# offer that names no time ("what's a good invoicing app?") must not become a check-in weeks away.
@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "what's a good invoicing app?"),
        ("en", "we could talk about it"),
        ("en", "nice one"),
        ("en", "When a client demands that"),
        ("es", "mi tío quiere lo mismo"),
        ("es", "un cliente nuevo"),
        ("ca", "set de fitxers"),
        ("ca", "des que va passar"),
        ("fi", "mä en tiedä"),
    ],
)
def test_a_short_message_that_names_no_time_is_not_an_answer_to_the_offer(lang: str, text: str) -> None:
    assert reminder_days(text, FRIDAY, lang, bare=True) is None


def test_the_conversation_language_goes_first_and_the_keyword_language_second() -> None:
    # A Spanish keyword in a conversation the bot believes is English: still read in Spanish.
    assert reminder_days("recuérdame el lunes", FRIDAY, "en") == 3
    assert reminder_days("muistuta huomenna", FRIDAY, "es") == 1


def test_days_are_counted_from_the_injected_clock_not_the_wall_clock() -> None:
    assert reminder_days("remind me on Friday", WEDNESDAY, "en") == 2
    assert reminder_days("remind me on Friday", FRIDAY, "en") == 7, "today's weekday means next week's"
    assert reminder_days("recuérdame el lunes", WEDNESDAY, "es") == 5
    far = FRIDAY + 400 * 86400
    assert reminder_days("remind me tomorrow", far, "en") == 1


def test_hours_and_out_of_range_requests() -> None:
    assert reminder_days("remind me in 2 hours", FRIDAY, "en") == pytest.approx(2 / 24)
    assert reminder_days("remind me today", FRIDAY, "en") is None, "not in the future"
    assert reminder_days("remind me in 5 years", FRIDAY, "en") is None, "too far for a check-in"
    assert reminder_days("remind me to call Acme", FRIDAY, "en") is None
    assert reminder_days("remind me about invoice 1800000000", FRIDAY, "en") is None, "not a Unix time"


@pytest.fixture
def far_away_timezone() -> Iterator[None]:
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "Pacific/Kiritimati"  # UTC+14: a different calendar day from UTC at 08:00 UTC
    time.tzset()
    yield
    if saved is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = saved
    time.tzset()


@pytest.mark.usefixtures("far_away_timezone")
def test_the_machines_timezone_does_not_move_the_day() -> None:
    assert reminder_days("remind me on Monday", FRIDAY, "en") == 3
    assert reminder_days("remind me tomorrow", FRIDAY, "en") == 1


def test_only_a_short_window_after_the_keyword_is_read() -> None:
    found = reminder_window("remind me " + "x" * 100_000)
    assert found is not None and len(found[0]) == WINDOW_CHARS and found[1] == "en"
    assert reminder_days("remind me " + "very " * 20 + "tomorrow", FRIDAY, "en") is None, "beyond the window"
    assert reminder_window("tomorrow " * 10, bare=True) is None, "a long message is never read whole"


ADVERSARIAL = {
    "keyword then letters": "remind me " + "a" * 100_000,
    "keyword repeated": "remind me " * 10_000,
    "keyword then digits": "remind me in " + "1" * 100_000,
    "keyword then weekdays": "recuérdame " + "el lunes " * 11_000,
    "keyword then spaces": "kysy" + " " * 100_000 + "huomenna",
    "no keyword": "tomorrow " * 11_000,
    "keyword at the end": "x" * 100_000 + " remind me tomorrow",
}


@pytest.mark.parametrize("name", list(ADVERSARIAL))
def test_a_100_kb_message_is_read_in_well_under_200_ms(name: str) -> None:
    reminder_days("remind me tomorrow", FRIDAY, "en")  # dateparser's first use loads its data: not the input's cost
    text = ADVERSARIAL[name][:100_000]
    for bare in (False, True):
        started = time.perf_counter()
        reminder_days(text, FRIDAY, "es", bare=bare)
        elapsed = (time.perf_counter() - started) * 1000
        assert elapsed < BUDGET_MS, f"{name}: {elapsed:.0f} ms"


# -- plurals ----------------------------------------------------------------------------------------------------

EXPECTED_DAYS = {
    "en": ("1 day", "3 days"),
    "es": ("1 día", "3 días"),
    "ca": ("1 dia", "3 dies"),
    "fi": ("1 päivän", "3 päivän"),
}


@pytest.mark.parametrize("lang", LANGS)
def test_days_have_proper_plurals_in_every_language(lang: str) -> None:
    one, three = EXPECTED_DAYS[lang]
    assert (count("day", 1, lang), count("day", 3, lang)) == (one, three)
    text = t("checkin_set", lang, when=count("day", 1, lang), title="X")
    assert f" {one} " in text and "(s)" not in text and "(es)" not in text


@pytest.mark.parametrize("lang", LANGS)
def test_every_counted_unit_has_one_and_other_in_every_language(lang: str) -> None:
    for unit, forms in PLURALS.items():
        assert {"one", "other"} <= set(forms[lang]), (unit, lang)
        assert count(unit, 1, lang) != count(unit, 2, lang) or lang == "fi" or unit == "character", (unit, lang)


def test_numbers_follow_the_languages_conventions() -> None:
    assert count("character", 4000, "en") == "the first 4,000 characters"
    assert count("character", 4000, "es") in ("los primeros 4000 caracteres", "los primeros 4.000 caracteres")
    assert count("character", 1, "fi") == "vain ensimmäisen merkin"
    assert count("second", 1, "en") == "1 second" and count("second", 5, "ca") == "5 segons"
    assert count("hour", 1, "es") == "1 hora" and count("hour", 2, "es") == "2 horas"
    assert count("day", 1_000_000, "es") == "1.000.000 de días", "Spanish 'many'"
    assert count("day", 2, "xx") == "2 days", "an unknown language counts in English"


def test_no_string_hedges_a_plural() -> None:
    for key, table in STRINGS.items():
        for lang, text in table.items():
            assert "(s)" not in text and "(es)" not in text, (key, lang)
