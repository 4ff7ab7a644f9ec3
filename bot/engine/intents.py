"""Short conversational replies that only make sense inside a coaching conversation."""

from __future__ import annotations

import re
from typing import Literal

from bot.engine.dates import days_until, reminder_window

Intent = Literal["call", "script", "more", "still", "thanks", "greeting", "yes", "no", "helpful", "not_helpful"]

# Checked in order; the first that matches wins. Patterns run on lower-cased text.
_PATTERNS: list[tuple[Intent, re.Pattern[str]]] = [
    (
        "thanks",
        re.compile(
            r"^(?:ok(?:ay)?[,!. ]*)?(?:thanks?(?: you)?|thank u|thx|ty|cheers|great,? thanks|gracias|"
            r"muchas gracias|mil gracias|gràcies|moltes gràcies|merci|kiitos|kiitti|kiitoksia)\b"
        ),
    ),
    (
        "greeting",
        re.compile(
            r"^(?:hi|hello|hey|hiya|good (?:morning|afternoon|evening)|hola|buenas|buenos días|"
            r"bon dia|bona tarda|ei|moi|hei|terve|moikka)[!. ]*$"
        ),
    ),
    (
        # What to say on a call rather than in writing: the talking points, where the situation has them.
        "call",
        re.compile(
            r"(?:what (?:do|should|can|could) i (?:say|tell)|what to say|how (?:do|should) i (?:say|put) it)"
            r".*\b(?:on|during|in|for) the (?:phone|call)\b|\btalking points\b|\bprepare (?:for )?(?:the|a) call\b|"
            r"qu[eé] (?:le |les )?digo .*(?:por tel[eé]fono|en la llamada)|preparar la llamada|"
            r"qu[eè] (?:li |els )?dic .*(?:per tel[eè]fon|a la trucada)|preparar la trucada|"
            r"mit[äa] (?:sanon|sanoisin) puhelimessa|valmistel\w* puhelu"
        ),
    ),
    (
        "script",
        re.compile(
            r"what (?:do|should|can|could) i (?:say|write|tell|send|answer|reply)|what to (?:say|write)|"
            r"\b(?:draft|template|wording|script)\b|write (?:it|the message|an? (?:e-?mail|message)) for me|"
            r"qu[eé] (?:le |les )?(?:digo|escribo|respondo|contesto|pongo)|"
            r"qu[eé] (?:deber[ií]a|puedo) (?:decir|escribir)|"
            r"qu[eè] (?:li |els )?(?:dic|escric|responc|contesto)|qu[eè] (?:hauria de|puc) (?:dir|escriure)|"
            r"mit[äa] (?:sanon|kirjoitan|vastaan|sanoisin|kirjoittaisin|minun pit[äa]isi sanoa)|viestipohja"
        ),
    ),
    (
        "still",
        re.compile(
            r"(?:what|and) if (?:they|he|she|the client)|(?:they|he|she) still\b|"
            r"still (?:refuse|won'?t|doesn'?t|don'?t|angry|"
            r"ignor|nothing|no\b|not\b|haven'?t|hasn'?t)|and if (?:not|that fails)|doesn'?t work|didn'?t work|"
            r"y si (?:me |nos )?(?:sigue|siguen|no|a[uú]n|contin[uú]a)|siguen? sin|no funciona|no funcion[oó]|"
            r"(?:todav[ií]a|a[uú]n) no (?:me )?(?:ha|han)\b|"
            r"i si (?:em |ens )?(?:continua|continuen|segueix|segueixen|no|encara)|continua sense|"
            r"encara no (?:m'ha|m'han|ha|han)\b|encara res|"
            r"ent[äa] jos|jos (?:h[äa]n|he|asiakas) (?:ei|edelleen|silti)|ei auttanut|ei toiminut|edelleen"
        ),
    ),
    (
        "more",
        re.compile(
            r"^(?:tell me )?more\b|^why\??$|^go deeper|^explain|^m[aá]s\b|^cu[eé]ntame m[aá]s|"
            r"^por qu[eé]|^m[eé]s\b|^explica'?m|^per qu[eè]|^lis[äa][äa]\b|^kerro lis[äa][äa]|^miksi"
        ),
    ),
    (
        "yes",
        re.compile(
            r"^(?:yes|yeah|yep|yup|sure|please|it did|they paid|it worked|s[ií]|claro|vale|d'acord|"
            r"kyll[äa]|joo|jep|ratkesi)\b"
        ),
    ),
    (
        "no",
        re.compile(
            r"^(?:no|nope|nah|not yet|not really|todav[ií]a no|a[uú]n no|encara no|ei|ei viel[äa]|"
            r"ei oikeastaan)\b"
        ),
    ),
]
_ORDINALS = {
    1: (
        "1",
        "first",
        "the first",
        "first one",
        "primero",
        "primera",
        "el primero",
        "la primera",
        "primer",
        "el primer",
        "la primera",
        "ensimmäinen",
        "eka",
        "ykkönen",
    ),
    2: (
        "2",
        "second",
        "the second",
        "second one",
        "segundo",
        "segunda",
        "el segundo",
        "la segunda",
        "segon",
        "segona",
        "el segon",
        "la segona",
        "toinen",
        "kakkonen",
        "toka",
    ),
    3: (
        "3",
        "third",
        "the third",
        "third one",
        "tercero",
        "tercera",
        "el tercero",
        "la tercera",
        "tercer",
        "el tercer",
        "kolmas",
        "kolmonen",
    ),
    4: ("4", "fourth", "the fourth", "cuarto", "cuarta", "quart", "quarta", "neljäs"),
}
_ORDINAL_LOOKUP = {word: n for n, words in _ORDINALS.items() for word in words}


def detect_intent(text: str) -> Intent | None:
    lowered = text.strip().casefold()
    for intent, pattern in _PATTERNS:
        if pattern.search(lowered):
            return intent
    return None


def ordinal_choice(text: str) -> int | None:
    """1-based option number for "2", "#2", "option 2", "the second one", "la segunda"..."""
    lowered = text.strip().casefold().rstrip(".!?)")  # not ``[.!?)]+$``: quadratic on long runs
    lowered = re.sub(r"^(?:#|option|opción|opció|vaihtoehto|number|número|nro?\.?)\s*", "", lowered).strip()
    return _ORDINAL_LOOKUP.get(lowered)


def reminder_days(text: str, now: float, lang: str, *, bare: bool = False) -> float | None:
    """Days from ``now`` until a requested check-in, or None.

    "remind me tomorrow", "recuérdame el lunes", "recorda'm d'aquí a dues setmanes", "kysy ensi viikolla":
    the words right after the reminder keyword are read by dateparser (see ``bot.engine.dates``), in the
    conversation's language and then the keyword's. With ``bare`` (the bot just offered to check back), a
    short message without a keyword counts too: "in two weeks", "el lunes", "ensi viikolla".
    """
    found = reminder_window(text, bare=bare)
    if found is None:
        return None
    window, keyword_lang = found
    return days_until(window, [lang] if keyword_lang is None else [lang, keyword_lang], now)
