"""The one command parser every platform shares.

`/coach help`, "@coach help" and a DM saying "help" all arrive here as text.
A command word only counts as a command when it stands alone (or with a short
argument for `tip` and `lang`): "help me, my client won't pay" is a situation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

CommandName = Literal["help", "topics", "tip", "lang", "forget", "stats"]

ALIASES: dict[str, CommandName] = {
    **dict.fromkeys(("help", "ayuda", "ajuda", "apua", "ohje", "?"), "help"),
    **dict.fromkeys(("topics", "temas", "temes", "aiheet", "topic-list"), "topics"),
    **dict.fromkeys(("tip", "consejo", "consell", "vinkki"), "tip"),
    **dict.fromkeys(("lang", "language", "idioma", "llengua", "kieli"), "lang"),
    **dict.fromkeys(("forget", "olvidar", "olvida", "oblida", "oblidar", "unohda"), "forget"),
    **dict.fromkeys(("stats", "estadisticas", "estadísticas", "estadístiques", "tilastot"), "stats"),
}
LANGUAGE_NAMES = {
    "en": "en",
    "english": "en",
    "inglés": "en",
    "ingles": "en",
    "anglès": "en",
    "englanti": "en",
    "es": "es",
    "spanish": "es",
    "español": "es",
    "espanol": "es",
    "castellano": "es",
    "espanyol": "es",
    "espanja": "es",
    "ca": "ca",
    "catalan": "ca",
    "catalán": "ca",
    "català": "ca",
    "catala": "ca",
    "katalaani": "ca",
    "fi": "fi",
    "finnish": "fi",
    "finés": "fi",
    "finlandés": "fi",
    "finès": "fi",
    "suomi": "fi",
    "fi-fi": "fi",
}
_ARGUMENT_WORDS = {"tip": 6, "lang": 2}
_TRAILING = ".!?¡¿:"


@dataclass(frozen=True)
class Command:
    name: CommandName
    argument: str = ""


def parse_command(text: str) -> Command | None:
    # rstrip, not a regex: ``[.!?¡¿:]+$`` retried the whole run from every position (quadratic on "!!!…").
    words = text.strip().rstrip(_TRAILING).split()
    if not words:
        return None
    name = ALIASES.get(words[0].lstrip("/!").casefold())
    if name is None:
        return None
    rest = words[1:]
    if len(rest) > _ARGUMENT_WORDS.get(name, 0):
        return None
    return Command(name, " ".join(rest))


def language_code(argument: str) -> str | None:
    return LANGUAGE_NAMES.get(argument.strip().casefold())
