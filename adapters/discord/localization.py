"""Command names and descriptions in the languages Discord shows them in.

These are interface strings of the Discord adapter (what the command picker
shows), not advice, so they live here rather than in the engine. Discord
localises commands for es-ES (and Latin American Spanish) and Finnish; it has
no Catalan locale, so Catalan users see the English names.
"""

from __future__ import annotations

import discord
from discord import app_commands


def ui(message: str, key: str) -> app_commands.locale_str:
    """An English command string with the key its translations are filed under."""
    return app_commands.locale_str(message, key=key)


# The message context menu (Apps → Coach me on this); at most 32 characters in every language.
COACH_ME = ui("Coach me on this", "menu.coach_me")

SPANISH: dict[str, str] = {
    "menu.coach_me": "Asesórame sobre esto",
    "coach": "coach",
    "coach.description": "Consejos para tratar con clientes difíciles",
    "ask": "preguntar",
    "ask.description": "Describe lo que pasa con tu cliente y te digo qué hacer",
    "ask.situation": "situación",
    "ask.situation.description": "Qué está pasando, con tus palabras",
    "topic": "tema",
    "topic.description": "Consejos sobre un tema concreto",
    "topic.name": "nombre",
    "topic.name.description": "Empieza a escribir para buscar un tema",
    "tip": "consejo",
    "tip.description": "Un consejo rápido (del día o sobre un tema)",
    "tip.name": "tema",
    "tip.name.description": "Tema del consejo (opcional)",
    "topics": "temas",
    "topics.description": "Las situaciones en las que puedo ayudarte",
    "lang": "idioma",
    "lang.description": "El idioma en que te respondo",
    "lang.language": "idioma",
    "lang.language.description": "Elige un idioma",
    "forget": "olvidar",
    "forget.description": "Borra todo lo que guardo sobre ti",
    "help": "ayuda",
    "help.description": "Qué puedo hacer y cómo usarme",
    "settings": "coach-ajustes",
    "settings.description": "Idioma por defecto y quién ve las estadísticas en este servidor",
    "settings.language": "idioma",
    "settings.language.description": "Idioma para quien no haya elegido el suyo",
    "settings.add_admin": "añadir-admin",
    "settings.add_admin.description": "Alguien que podrá ver las estadísticas",
    "settings.remove_admin": "quitar-admin",
    "settings.remove_admin.description": "Alguien que ya no podrá verlas",
    "settings.auto": "Automático (el del bot)",
}

FINNISH: dict[str, str] = {
    "menu.coach_me": "Neuvo minua tästä",
    "coach": "coach",
    "coach.description": "Neuvoja hankalien asiakkaiden kanssa toimimiseen",
    "ask": "kysy",
    "ask.description": "Kerro, mitä asiakkaasi kanssa tapahtuu, niin kerron mitä tehdä",
    "ask.situation": "tilanne",
    "ask.situation.description": "Mitä on tapahtunut, omin sanoin",
    "topic": "aihe",
    "topic.description": "Neuvoja tietystä aiheesta",
    "topic.name": "nimi",
    "topic.name.description": "Ala kirjoittaa hakeaksesi aihetta",
    "tip": "vinkki",
    "tip.description": "Nopea vinkki (päivän vinkki tai aiheesta)",
    "tip.name": "aihe",
    "tip.name.description": "Vinkin aihe (valinnainen)",
    "topics": "aiheet",
    "topics.description": "Tilanteet, joissa voin auttaa",
    "lang": "kieli",
    "lang.description": "Kieli, jolla vastaan sinulle",
    "lang.language": "kieli",
    "lang.language.description": "Valitse kieli",
    "forget": "unohda",
    "forget.description": "Poista kaikki, mitä minulla on sinusta",
    "help": "ohje",
    "help.description": "Mitä osaan ja miten minua käytetään",
    "settings": "coach-asetukset",
    "settings.description": "Oletuskieli ja kuka näkee tilastot tällä palvelimella",
    "settings.language": "kieli",
    "settings.language.description": "Kieli jäsenille, jotka eivät ole valinneet omaansa",
    "settings.add_admin": "lisää-ylläpitäjä",
    "settings.add_admin.description": "Henkilö, joka saa nähdä tilastot",
    "settings.remove_admin": "poista-ylläpitäjä",
    "settings.remove_admin.description": "Henkilö, joka ei enää näe niitä",
    "settings.auto": "Automaattinen (botin oletus)",
}

TRANSLATIONS: dict[discord.Locale, dict[str, str]] = {
    discord.Locale.spain_spanish: SPANISH,
    discord.Locale.latin_american_spanish: SPANISH,
    discord.Locale.finnish: FINNISH,
}


class CoachTranslator(app_commands.Translator):
    """Looks strings up by the ``key`` given to :func:`ui`; anything else stays in English."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        key = string.extras.get("key")
        if not isinstance(key, str):
            return None
        return TRANSLATIONS.get(locale, {}).get(key)
