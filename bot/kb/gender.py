"""Spanish and Catalan wording that assumes the gender of the writer or the reader.

"Estoy encantado", "no estás contenta", "Estic convençut", "t'ha deixat frustrat": an adjective that agrees with
the person speaking or spoken to. Advice and scripts are read and sent by anyone, to anyone, so they say "me
alegra", "no te convence", "Crec sincerament" instead. Only first- and second-person constructions are matched:
"el cliente está contento" describes a third party named by a noun, and generic plurals ("juntos", "tots dos")
are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.kb.model import Advice

# Adjectives and participles that agree with the person, as stems taking the masculine/feminine singular ending.
_ES_STEMS = (
    "afectad", "agobiad", "agotad", "agradecid", "bienvenid", "buen", "cansad", "clar", "comprometid", "confundid",
    "contrariad", "convencid", "decepcionad", "disgustad", "dispuest", "dolid", "enfadad", "equivocad", "frustrad",
    "hart", "herid", "honest", "interesad", "list", "mal", "molest", "nervios", "obligad", "ocupad", "ofendid",
    "orgullos", "preocupad", "quemad", "resentid", "satisfech", "segur", "sincer", "sorprendid", "tranquil",
)  # fmt: skip
_ES_ADJECTIVE = r"(?:" + "|".join(_ES_STEMS) + r")[oa]|content[oa]|encantad[oa]"
_CA_ADJECTIVES = (
    "afectada", "afectat", "agraïda", "agraït", "benvinguda", "benvingut", "bo", "bona", "cansada", "cansat",
    "clar", "clara", "compromesa", "compromès", "confosa", "confós", "content", "contenta", "convençuda",
    "convençut", "decebuda", "decebut", "disposada", "disposat", "dolent", "dolenta", "dolguda", "dolgut",
    "emprenyada", "emprenyat", "encantada", "encantat", "enfadada", "enfadat", "equivocada", "equivocat",
    "esgotada", "esgotat", "fart", "farta", "ferida", "ferit", "frustrada", "frustrat", "honest", "honesta",
    "interessada", "interessat", "llest", "llesta", "molest", "molesta", "nerviosa", "nerviós", "obligada",
    "obligat", "ocupada", "ocupat", "ofesa", "ofès", "orgullosa", "orgullós", "preocupada", "preocupat",
    "ressentida", "ressentit", "satisfet", "satisfeta", "segur", "segura", "sincer", "sincera", "sorpresa",
    "sorprès", "tranquil", "tranquil·la",
)  # fmt: skip
_CA_ADJECTIVE = "|".join(_CA_ADJECTIVES)

# Verb forms (and pronoun + verb) whose subject is "I" or "you", right before the adjective.
_ES_PERSON = (
    # I
    "estoy", "estaré", "me siento", "me sentí", "me quedo", "me quedé", "me he quedado", "soy", "seré",
    "sigo", "me veo", "me encuentro", "me ha dejado", "me deja", "sentirme", "mostrarme", "quedarme",
    # you
    "estás", "estés", "estabas", "estarás", "estarías", "estuviste", "estuvieras", "te sientes", "te sientas",
    "te sentiste", "te quedas", "te quedes", "te quedaste", "te has quedado", "eres", "seas", "fuiste", "sigues",
    "sigas", "te veo", "te noto", "te encuentras", "te ha dejado", "te han dejado", "te haya dejado", "te deja",
    "te dejó", "te pone", "te pongas", "sentirte", "mostrarte", "quedarte", "verte", "notarte", "ponerte",
    "mantenerte", "sintiéndote", "mostrándote", "por ser",
)  # fmt: skip
_CA_PERSON = (
    # I
    "estic", "estaré", "em sento", "em vaig sentir", "em quedo", "m'he quedat", "sóc", "soc", "seré",
    "continuo", "em veig", "em trobo", "m'ha deixat", "em deixa", "sentir-me", "mostrar-me", "quedar-me",
    # you
    "estàs", "estiguis", "estaves", "estaràs", "estaries", "et sents", "et sentis", "et vas sentir", "et quedes",
    "et quedis", "t'has quedat", "ets", "siguis", "continues", "et veig", "et noto", "et trobes", "t'ha deixat",
    "t'han deixat", "t'hagi deixat", "et deixa", "et posa", "et posis", "sentir-te", "mostrar-te", "quedar-te",
    "veure't", "posar-te", "mantenir-te", "sentint-te", "mostrant-te", "per ser",
)  # fmt: skip
# Adverbs that may stand between the verb and the adjective ("no estás del todo contento").
_ES_ADVERBS = "no|muy|tan|más|bastante|del todo|totalmente|completamente|realmente|un poco|algo|nada|siempre|ya|aún"
_CA_ADVERBS = "no|molt|tan|més|prou|del tot|totalment|completament|realment|una mica|gens|sempre|ja|encara"


def _pattern(person: tuple[str, ...], adverbs: str, adjective: str, always: str, greeting: str) -> re.Pattern[str]:
    verbs = "|".join(re.escape(v) for v in sorted(person, key=len, reverse=True))
    return re.compile(
        rf"(?<![\w'·-])(?:(?:{verbs})(?:\s+(?:{adverbs}))*\s+(?:{adjective})|{always})(?![\w·-])"
        # A greeting opens a line or a sentence ("materiales de bienvenida" is a noun).
        rf"|(?:^|(?<=[.!?¡]))[ \t]*(?:{greeting})(?![\w·-])",
        re.IGNORECASE | re.MULTILINE,
    )


_PATTERNS = {
    # "Puedo hacerlo encantado", "Encantada de ayudarte": about the writer wherever it stands.
    "es": _pattern(_ES_PERSON, _ES_ADVERBS, _ES_ADJECTIVE, r"encantad[oa]", r"bienvenid[oa]"),
    "ca": _pattern(_CA_PERSON, _CA_ADVERBS, _CA_ADJECTIVE, r"encantat|encantada", r"benvingut|benvinguda"),
}


def gendered_forms(text: str, lang: str) -> list[str]:
    """The phrases of ``text`` that assume the writer's or the reader's gender (none outside Spanish and Catalan)."""
    pattern = _PATTERNS.get(lang)
    if pattern is None:
        return []
    return [found.group(0).strip() for found in pattern.finditer(text.replace("\u2019", "'"))]


def advice_texts(entry: Advice) -> Iterator[tuple[str, str]]:
    """Every text of one language entry that the bot says, with its field; not ``phrasings`` (the users' words)."""
    yield "title", entry.title
    yield "summary", entry.summary
    for name in ("steps", "say_this", "avoid", "more"):
        for index, text in enumerate(getattr(entry, name)):
            yield f"{name}[{index}]", text
    for index, text in enumerate(entry.call_outline):
        yield f"call_outline[{index}]", text
    yield "follow_up.question", entry.follow_up.question
    for index, option in enumerate(entry.follow_up.options):
        yield f"follow_up.options[{index}]", option.label
    if entry.next_stage is not None:
        yield "next_stage.title", entry.next_stage.title
        yield "next_stage.summary", entry.next_stage.summary
        for name in ("steps", "say_this"):
            for index, text in enumerate(getattr(entry.next_stage, name)):
                yield f"next_stage.{name}[{index}]", text
    for name, label in entry.fill_in.items():
        yield f"fill_in.{name}", label


def gendered_in_advice(entry: Advice, lang: str) -> list[tuple[str, str]]:
    """(field, phrase) for each phrase of ``entry`` that assumes the writer's or the reader's gender."""
    return [(where, form) for where, text in advice_texts(entry) for form in gendered_forms(text, lang)]
