"""When to check back: "remind me tomorrow", "on Friday", "in two weeks", "el lunes", "ensi viikolla".

dateparser does the reading (relative days, weekdays, "next week", dates) in en, es, ca and fi. Around it:

- Bounded work (issue 10): only a short window of text right after the reminder keyword (or a short
  message as a whole, when it answers "shall I check back?") ever reaches the parser, so a 100 KB message
  costs what a 60-character one does.
- The engine's injected clock is the base ("tomorrow" is relative to ``now``, never to the wall clock);
  dates are read in UTC and a day named without a time ("on Friday") keeps the hour it is now.
- A small table fills the gaps found in dateparser's data for our four languages: number words
  ("dos semanas", "kahden viikon"), "la semana que viene", Catalan plural units, "pasado mañana",
  Finnish "viikon päästä" without a number. It rewrites words; it does not parse dates.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterator, Sequence
from typing import Any

# How much text after the reminder keyword the parser may read, and how short a message must be to be read
# whole as an answer to the check-in offer ("el lunes", "in two weeks").
WINDOW_CHARS = 60
BARE_CHARS = 40
MAX_DAYS = 366.0  # anything further away is not a check-in we offer
_MAX_SPAN_WORDS = 5
_MAX_SPAN_START = 3

# The reminder keyword, and which language it is in (tried after the conversation's own language). Only words
# addressed to the coach: "I sent him a reminder on Monday", "I'll follow up on Friday", "le recordé el lunes" or
# "lähetin muistutuksen" tell what the writer did, and must not book a check-in.
# Linear: a fixed alternation, anchored at a word start, no nested repetition.
_KEYWORD = re.compile(
    r"\b(?:(remind (?:me|us)|(?<!i'll )(?<!i will )(?<!we'll )(?<!i )check (?:back|in)(?! with (?!me\b))|"
    r"check on me|follow up with me|ping me)|"
    r"(recu[eé]rd(?:a|e)(?:me|melo|nos)|av[ií]s(?:a|e)(?:me|nos)|preg[uú]nt(?:a|e)(?:me|nos))|"
    r"(recorda'm|recorda-m'ho|recorda'ns|pregunta'm|pregunta-m'ho|avisa'm|avisa-m'ho)|"
    r"(muistuta\b|kysy\b))"
)
_KEYWORD_LANGS = ("en", "es", "ca", "fi")

_NUMBERS: dict[str, dict[str, str]] = {
    "en": {
        "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
        "nine": "9", "ten": "10", "couple": "2", "few": "3",
    },
    "es": {
        "un": "1", "uno": "1", "una": "1", "dos": "2", "tres": "3", "cuatro": "4", "cinco": "5", "seis": "6",
        "siete": "7", "ocho": "8", "nueve": "9", "diez": "10",
    },
    "ca": {
        "un": "1", "una": "1", "dos": "2", "dues": "2", "tres": "3", "quatre": "4", "cinc": "5", "sis": "6",
        "set": "7", "vuit": "8", "nou": "9", "deu": "10",
    },
    "fi": {
        "yksi": "1", "yhden": "1", "kaksi": "2", "kahden": "2", "kolme": "3", "kolmen": "3", "neljä": "4",
        "neljän": "4", "viisi": "5", "viiden": "5", "kuusi": "6", "kuuden": "6", "seitsemän": "7",
        "kahdeksan": "8", "yhdeksän": "9", "kymmenen": "10",
    },
}  # fmt: skip

# Whole phrases dateparser misses, rewritten into ones it reads.
_PHRASES: dict[str, dict[tuple[str, ...], tuple[str, ...]]] = {
    "en": {
        ("a", "couple", "of"): ("2",),
        ("a", "few"): ("3",),
    },
    "es": {
        ("la", "semana", "que", "viene"): ("en", "1", "semana"),
        ("la", "próxima", "semana"): ("en", "1", "semana"),
        ("la", "proxima", "semana"): ("en", "1", "semana"),
        ("el", "mes", "que", "viene"): ("en", "1", "mes"),
        ("el", "próximo", "mes"): ("en", "1", "mes"),
        ("pasado", "mañana"): ("en", "2", "días"),
        ("dentro", "de"): ("en",),
        ("unos", "días"): ("3", "días"),
    },
    "ca": {
        ("la", "setmana", "que", "ve"): ("d'aquí", "a", "1", "setmana"),
        ("la", "setmana", "vinent"): ("d'aquí", "a", "1", "setmana"),
        ("la", "propera", "setmana"): ("d'aquí", "a", "1", "setmana"),
        ("el", "mes", "que", "ve"): ("d'aquí", "a", "1", "mes"),
        ("dins", "de"): ("d'aquí", "a"),
        ("en",): ("d'aquí", "a"),
        ("uns", "dies"): ("3", "dies"),
    },
    "fi": {
        ("ylihuomenna",): ("2", "päivän", "päästä"),
        ("parin", "päivän"): ("2", "päivän"),
        ("parin", "viikon"): ("2", "viikon"),
        ("muutaman", "päivän"): ("3", "päivän"),
    },
}
# A short answer read whole must name a time: dateparser alone reads "a", "we", "mi" or "set" as dates (a
# month ahead, a Wednesday, a miércoles, September). A trailing "*" stands for any ending ("viikolla").
_TIME_WORDS: dict[str, tuple[str, ...]] = {
    "en": ("today", "tomorrow", "tonight", "day", "days", "week", "weeks", "weekend", "fortnight", "month", "months",
           "next", "hour", "hours", "morning", "evening"),
    "es": ("hoy", "mañana", "pasado", "día", "días", "dia", "dias", "semana*", "finde", "mes", "meses", "próxim*",
           "proxim*", "hora", "horas", "quincena"),
    "ca": ("avui", "demà", "dia", "dies", "setman*", "mes", "mesos", "vinent", "proper", "propera", "hora", "hores",
           "quinzena"),
    "fi": ("tänään", "huomen*", "ylihuomen*", "päivä*", "viiko*", "kuukau*", "ensi", "tunni*", "tunti*", "aamu*",
           "illalla"),
}  # fmt: skip
_DAY_OF_MONTH = re.compile(r"\b\d{1,2}(?:st|nd|rd|th|[./]\d{1,2})(?!\w)")


def _calendar_words() -> list[str]:
    """Month and weekday names of our languages (babel's locale data), four letters or more, any ending."""
    from babel.dates import get_day_names, get_month_names  # noqa: PLC0415 - only when a bare answer is read

    names: set[str] = set()
    for lang in _TIME_WORDS:
        for width in ("wide", "abbreviated"):
            names.update(get_month_names(width, context="stand-alone", locale=lang).values())
            names.update(get_day_names(width, context="stand-alone", locale=lang).values())
    return [f"{n.casefold().rstrip('.')}*" for n in names if len(n.rstrip(".")) >= 4]


@functools.cache  # built on first use: most conversations never read a bare answer
def _cue_pattern() -> re.Pattern[str]:
    cues = {*(w for words in _TIME_WORDS.values() for w in words), *_calendar_words()}
    alternatives = sorted((re.escape(c[:-1]) + r"\w*" if c.endswith("*") else re.escape(c) for c in cues), key=len)
    return re.compile(r"(?<!\w)(?:" + "|".join(reversed(alternatives)) + r")(?!\w)")


def names_a_time(text: str) -> bool:
    """Whether a short message names a day, a date or a span of time in any of our languages."""
    lowered = text.casefold()
    return _DAY_OF_MONTH.search(lowered) is not None or _cue_pattern().search(lowered) is not None
_FI_UNITS = frozenset({"päivän", "viikon", "kuukauden", "tunnin"})
_FI_AFTER = frozenset({"päästä", "kuluttua"})
_STRIP = ".,;:!?¡¿()\"«»“”"

_SETTINGS_BASE: dict[str, Any] = {
    "PREFER_DATES_FROM": "future",
    "TIMEZONE": "UTC",
    "RETURN_AS_TIMEZONE_AWARE": False,
    # Not "timestamp" (an invoice number is not a Unix time) nor "no-spaces-time" ("20240117" is not a date).
    "PARSERS": ["relative-time", "absolute-time"],
}


def reminder_window(text: str, *, bare: bool = False) -> tuple[str, str | None] | None:
    """The short stretch of text that may say when, and the language its reminder keyword is in.

    ``bare``: a short message with no keyword is read whole (an answer to "shall I check back?").
    """
    lowered = text.casefold()
    match = _KEYWORD.search(lowered)
    if match is not None:
        lang = next(code for code, group in zip(_KEYWORD_LANGS, match.groups(), strict=True) if group)
        return lowered[match.end() : match.end() + WINDOW_CHARS], lang
    stripped = lowered.strip()
    # A bare "2" is an option number, not the 2nd of the month: a date needs words.
    if bare and len(stripped) <= BARE_CHARS and any(c.isalpha() for c in stripped) and names_a_time(stripped):
        return stripped, None
    return None


def days_until(window: str, langs: Sequence[str], now: float) -> float | None:
    """Days from ``now`` to the moment ``window`` names, trying each language in turn; None if it names none."""
    base = dt.datetime.fromtimestamp(now, tz=dt.UTC).replace(tzinfo=None)
    for lang in dict.fromkeys(langs):
        when = _parse(_normalise(window, lang), lang, base)
        if when is not None:
            days = _days_between(base, when)
            return days if 0 < days <= MAX_DAYS else None
    return None


def _normalise(window: str, lang: str) -> list[str]:
    words = [w.strip(_STRIP) for w in window.split()]
    words = [w for w in words if w]
    phrases = _PHRASES.get(lang, {})
    numbers = _NUMBERS.get(lang, {})
    out: list[str] = []
    i = 0
    while i < len(words):
        for phrase, replacement in phrases.items():
            if tuple(words[i : i + len(phrase)]) == phrase:
                out.extend(replacement)
                i += len(phrase)
                break
        else:
            out.append(numbers.get(words[i], words[i]))
            i += 1
    if lang == "fi":  # "viikon päästä" (in a week): dateparser wants the number
        fixed: list[str] = []
        for n, word in enumerate(out):
            before = fixed[-1] if fixed else ""
            after = out[n + 1] if n + 1 < len(out) else ""
            if word in _FI_UNITS and after in _FI_AFTER and not before.isdigit():
                fixed.append("1")
            fixed.append(word)
        out = fixed
    return out


def _spans(words: list[str]) -> Iterator[str]:
    """Short runs of words, longest first, starting near the beginning ("me", "-me", "minua" come first)."""
    for start in range(min(_MAX_SPAN_START, len(words))):
        for size in range(min(_MAX_SPAN_WORDS, len(words) - start), 0, -1):
            yield " ".join(words[start : start + size])


def _parse(words: list[str], lang: str, base: dt.datetime) -> dt.datetime | None:
    if not words:
        return None
    import dateparser  # imported on first use: it takes ~0.2 s and most conversations never need it
    from dateparser.search import search_dates

    settings = {**_SETTINGS_BASE, "RELATIVE_BASE": base}
    found = search_dates(" ".join(words), languages=[lang], settings=settings)
    if found:
        return found[0][1]  # type: ignore[no-any-return]
    # search_dates misses some phrases parse() reads ("d'aquí a 2 setmanes"): try the short runs of words.
    for span in _spans(words):
        when = dateparser.parse(span, languages=[lang], settings=settings)
        if when is not None:
            return when  # type: ignore[no-any-return]
    return None


def _days_between(base: dt.datetime, when: dt.datetime) -> float:
    if when.time() == dt.time(0) and base.time() != dt.time(0):
        # A day named without a time ("on Friday", "el 20 de enero"): that day, at this hour.
        return float((when.date() - base.date()).days)
    return (when - base).total_seconds() / 86400
