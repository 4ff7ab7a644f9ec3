"""Details a user gives ("client is Acme, 1200 EUR, 45 days late") and filling them into scripts."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from bot.engine.i18n import placeholder_name
from bot.kb.model import PLACEHOLDER_RE

_NAME = r"([A-ZÀ-ÖØ-Þ][\w&.'\-]*(?:\s+(?:&\s+)?[A-ZÀ-ÖØ-Þ][\w&.'\-]*){0,3})"
# "another client, Jana, ...", "otra clienta, Laura, ...": a client other than the one discussed so far.
_OTHER = (
    r"(?i:another|a new|new|other|a different|different|my other|second|otro|otra|nuevo|nueva|un altre|"
    r"una altra|altre|altra|nou|nova|toinen|uusi|eri)"
)
_CLIENT_WORD = r"(?i:client[ae]?s?|customer|asiakas|asiakkaani?)"
_PATTERNS: dict[str, list[re.Pattern[str]]] = {
    "client_name": [
        re.compile(r"\b(?i:client|customer)(?:'s name)?\s+(?:is called|is named|is|named|called|=)\s+" + _NAME),
        re.compile(r"\b(?i:client[ae])\s+(?:es|se llama|llamad[oa])\s+" + _NAME),
        re.compile(r"\b(?i:clienta?)\s+(?:és|es diu|es deia)\s+" + _NAME),
        re.compile(r"\b(?i:asiak(?:as|kaan nimi|kaani nimi))\s+on\s+" + _NAME),
        re.compile(r"\b(?i:nombre del cliente|nom del client)\s+(?:es|és)\s+" + _NAME),
        # "another client, Jana, keeps ...", "otra clienta, Laura, ...", "my client Jana ..."
        re.compile(r"\b" + _OTHER + r"\s+" + _CLIENT_WORD + r"\s*[,:(\u2014-]?\s*" + _NAME),
        re.compile(r"\b(?i:my|mi|el meu|la meva|la mía|mi)\s+" + _CLIENT_WORD + r",?\s+" + _NAME),
    ],
    "your_name": [
        re.compile(r"\b(?i:my name is|i'm called|me llamo|em dic|nimeni on)\s+" + _NAME),
        re.compile(r"\b(?i:sign(?:ed)? (?:it|as)|firma(?:do)? como|signa-ho com)\s+" + _NAME),
    ],
    # "client is Acme, I'm Sam": taken only beside another detail, where "I'm <Capitalised>" is an introduction
    # rather than "I'm OK" or "I'm Stressed".
    "introduced_name": [
        re.compile(
            r"\b(?i:i'm|i am|soy|sóc|olen)\s+([A-ZÀ-ÖØ-Þ][\w'\-]*(?:\s+[A-ZÀ-ÖØ-Þ][\w'\-]*)?)(?=\s*(?:[,.;!)]|$))"
        ),
    ],
    # Possessive quantifiers (``*+``) and the look-behinds keep every pattern linear: a number is tried once, from
    # its first digit, and never re-split when what follows does not match (a 40,000-digit run took 36 s before).
    "amount": [
        re.compile(r"([€$£]\s?\d[\d.,]*+(?:\s?[kK])?)"),
        re.compile(
            r"(?<![\d.,])[.,]*+(\d[\d.,]*+\s?(?:€|\$|£|eur(?:os?)?\b|usd\b|dollars?\b|gbp\b|pounds?\b|euroa?\b))",
            re.IGNORECASE,
        ),
    ],
    "days_overdue": [
        re.compile(
            r"(?<!\d)(\d{1,4})\s*+(?:days?|d[ií]as|dies|p[äa]iv[äa][äa]?)\s*(?:late|overdue|past due|de retraso|"
            r"de retard|tarde|myöhässä|myöhässä|behind)",
            re.IGNORECASE,
        ),
        re.compile(
            r"(?:overdue|late|retraso|retard|myöhässä)\D{0,12}(\d{1,4})\s*(?:days?|d[ií]as|dies|p[äa]iv)", re.IGNORECASE
        ),
    ],
    "invoice_number": [
        re.compile(
            r"\b(?:invoice|factura|lasku)\s*+(?:#|no\.?|n[º°]\.?|núm\.?|number|número|nro\.?|numero)?\s*+"
            r"([A-Z0-9][A-Z0-9\-/]*\d[A-Z0-9\-/]*+)",
            re.IGNORECASE,
        ),
    ],
    "project": [
        re.compile(
            r"\b(?:the project is|project is called|project called|project named|el proyecto es|"
            r"el projecte és|projekti on)\s+([^,.;\n]{2,40})",
            re.IGNORECASE,
        ),
    ],
    "deadline": [
        re.compile(
            r"\b(?:deadline|due date|fecha límite|termini|määräaika|deadline on)\s*(?:is|was|es|era|és|on|:)?\s*"
            r"([^,.;\n]{2,30})",
            re.IGNORECASE,
        ),
    ],
    "hours": [
        re.compile(r"(?<!\d)(\d{1,4})\s*+(?:hours|hrs|h|horas|hores|tuntia)\b", re.IGNORECASE),
    ],
}


# Capitalised words that start a sentence rather than name a client.
_NOT_NAMES = frozenset(
    {
        *("i", "i'm", "i've", "i'd", "he", "she", "they", "we", "it", "this", "that", "the", "a", "an", "and"),
        *("but", "so", "my", "our", "his", "her", "their", "who", "which", "what"),
        *("el", "la", "los", "las", "un", "una", "y", "pero", "mi", "su", "que", "quien"),
        *("ell", "ella", "ells", "elles", "però", "meu", "meva", "hän", "se", "ja", "mutta", "minun"),
    }
)


def _client_name(candidate: str) -> str | None:
    words = re.split(r"[.!?]\s", candidate)[0].split()  # "Acme. I'm Sam": the name ends with its sentence
    while words and words[-1].casefold().strip(".,") in _NOT_NAMES:
        words.pop()
    if not words or words[0].casefold().strip(".,") in _NOT_NAMES:
        return None
    return " ".join(words).rstrip(".,")


def extract_details(text: str) -> dict[str, str]:
    """Every detail found in ``text``, by placeholder name (first match wins)."""
    found: dict[str, str] = {}
    for name, patterns in _PATTERNS.items():
        for pattern in patterns:
            match = pattern.search(text)
            if not match:
                continue
            value: str | None = match.group(1).strip()
            if name in ("client_name", "your_name", "introduced_name"):
                value = _client_name(value or "")
            if value:
                found[name] = value
                break
    introduced = found.pop("introduced_name", None)
    if introduced and found and "your_name" not in found:
        found["your_name"] = introduced
    return found


_OTHER_CLIENT = re.compile(r"\b" + _OTHER + r"\s+" + _CLIENT_WORD + r"\b")


def mentions_other_client(text: str) -> bool:
    """'another client', 'otra clienta', 'un altre client', 'toinen asiakas': a different client's situation."""
    return bool(_OTHER_CLIENT.search(text))


def fill(template: str, details: Mapping[str, str], lang: str = "en", labels: Mapping[str, str] | None = None) -> str:
    """Put known details into ``{placeholders}``; unknown ones become a readable [client name] in ``lang``.

    ``labels`` names a topic's own placeholders (its ``fill_in``) in ``lang``.
    """

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        return details.get(name) or f"[{label(name, lang, labels)}]"

    return PLACEHOLDER_RE.sub(replace, template)


def label(name: str, lang: str, labels: Mapping[str, str] | None = None) -> str:
    """How to call a placeholder in ``lang``: a topic's own label, else the built-in name."""
    return (labels or {}).get(name) or placeholder_name(name, lang)


def missing(templates: Iterable[str], details: Mapping[str, str]) -> list[str]:
    """Placeholder names in ``templates`` that ``details`` does not fill, in order of appearance."""
    names: list[str] = []
    for template in templates:
        for name in PLACEHOLDER_RE.findall(template):
            if name not in details and name not in names:
                names.append(name)
    return names


_EMAIL = re.compile(r"(?<![\w.+\-])[\w.+\-]++@[\w\-]++\.[\w.\-]+\b")


def looks_private(text: str) -> bool:
    """Money amounts, e-mail addresses or what look like client names: better in a DM."""
    if _EMAIL.search(text):
        return True
    details = extract_details(text)
    return bool(details.get("amount") or details.get("client_name") or details.get("invoice_number"))
