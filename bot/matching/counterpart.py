"""Who the other person is: a message about "my boss", "mi novio" or "the designer I hired" is not a client
problem, however much it sounds like one ("keeps yelling at me", "won't give my deposit back").

The scope gate learns roles from the out-of-scope examples, but a linear model weighs "yelling" as much as
"my boyfriend". These patterns are deliberately narrow: a first-person possessive right before a role
("my manager", "la meva mare", "pomoni"), or the writer hiring someone ("I'm paying a freelance dev"). A
message that also names a client is left to the gate ("my boss wants me to drop this client"), and so is
one about paid work the writer does for a relative or a friend ("my cousin wants her logo for free").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.text.normalize import fold_accents

_PERSONAL_EN = (
    r"(?:best |ex[- ])?(?:boyfriend|girlfriend|husband|wife|fiance|fiancee|mom|mum|mother|dad|father|parents|"
    r"sister|brother|cousin|uncle|aunt|grandma|grandpa|friend|bff|roommate|flatmate|housemate|landlord|landlady|"
    r"neighbou?r|coach|teacher|professor|in-laws)"
)
_WORK_EN = r"(?:boss|manager|supervisor|coworker|co-worker|colleague|team lead|line manager|employer)"
_PROVIDER_EN = (
    r"(?:\w+ )?(?:photographer|plumber|electrician|builder|mechanic|hairdresser|dentist|landscaper|"
    r"web designer|wedding planner|caterer)"
)
_HIRED = r"(?:freelance \w+|freelancer|contractor|developer|dev|designer|programmer|agency)"

# Someone in the writer's own life: a partner, a relative, a boss ("my manager", "la meva mare", "pomoni").
_RELATION_PATTERNS = (
    # Not "my friend's shop hired me", nor "my colleague, a translator, ..." (someone else's client story).
    rf"\bmy (?:(?!own\b)\w+ )?(?:{_PERSONAL_EN}|{_WORK_EN})\b(?!'s|,? (?:a|an|who|does|did|is a|freelances|works)\b)",
    # Not "un amigo de mi padre" or "la botiga de la meva cosina": then that person's friend or shop is the client.
    r"(?<!de )\bmi (?:mejor )?(?:novi[oa]|marido|espos[oa]|prometid[oa]|madre|padre|mama|papa|herman[oa]|prim[oa]|"
    r"ti[oa]|abuel[oa]|amig[oa]|companer[oa] de piso|caser[oa]|vecin[oa]|entrenador[a]?|profesor[a]?|jef[ea]|"
    r"encargad[oa]|companer[oa] de trabajo|suegr[oa])\b(?!,? que\b)",
    r"(?<!de )\bmis (?:padres|amig[oa]s|companeros de trabajo|jefes)\b",
    r"(?<!de )\b(?:el meu|la meva) (?:millor )?(?:xicot|xicota|marit|parella|mare|pare|germa|germana|cosi|cosina|oncle|"
    r"tieta|avi|avia|amic|amiga|company de pis|companya de pis|veina?|entrenador[a]?|professor[a]?|cap|"
    r"encarregat|encarregada|company de feina|companya de feina|sogr[ea])\b(?!,? (?:que|qui)\b| fa de\b)",
    r"(?<!de )\bels meus (?:pares|amics|companys de feina)\b",
    r"\b(?:mun|minun) (?:poikaystava|tyttoystava|mies|vaimo|aiti|isa|sisko|veli|kaveri|ystava|kamppis|"
    r"vuokranantaja|naapuri|valmentaja|opettaja|pomo|esimies|esihenkilo|tyokaveri|kollega|anoppi)\w*",
    r"\b(?:poikaystavani|tyttoystavani|vaimoni|mieheni|aitini|isani|siskoni|veljeni|kaverini|ystavani|"
    r"kamppikseni|vuokranantajani|naapurini|valmentajani|opettajani|pomoni|esimieheni|esihenkiloni|"
    r"tyokaverini|kollegani|anoppini)\b(?! (?:on|tekee|pitaa|kuvaa|editoi|hoitaa|kaantaa|kirjoittaa)\b)",
)
# The writer is the customer: "my wedding photographer", "I'm paying a freelance dev", "contraté a un diseñador".
_CUSTOMER_PATTERNS = (
    rf"\bmy {_PROVIDER_EN}\b(?!'s)",
    rf"\bi(?:'?m| am) (?:paying|hiring) (?:a|an|this|my) {_HIRED}\b",
    # "I ordered" (not "she ordered it from me": "me encargo", "em va encarregar", "tilasi minulta").
    r"\bi (?:ordered|bought|purchased)\b|\b(?:compre|encargue)\b|\bvaig (?:comprar|encarregar)\b|\b(?:ostin|tilasin)\b",
    rf"\b(?:i|we) (?:hired|paid) (?:a|an) {_HIRED}\b",
    rf"\bthe {_HIRED} (?:i|we) (?:hired|paid)\b",
    r"\bmi (?:fotograf[oa]|fontanero|electricista|peluquer[oa])\b",
    r"\b(?:contrate|le pago|estoy pagando) a (?:un|una) "
    r"(?:freelance|disenador[a]?|programador[a]?|desarrollador[a]?)\b",
    r"\b(?:el meu|la meva) (?:fotograf[a]?|lampista)\b",
    r"\bvaig contractar (?:un|una) (?:freelance|dissenyador[a]?|programador[a]?)\b",
    r"\bpalkkasin (?:freelancerin|suunnittelijan|koodarin|ohjelmoijan)\b",
)
# Paid work the writer does: then a relative or a friend is the client ("my cousin wants her logo for free").
# Money and agreements only: "changing", "deliver" or "what he wants" are as much an employee's words.
WORK_CONCEPTS = frozenset(
    (
        "invoice",
        "unpaid",
        "payment-chase",
        "price",
        "discount-haggle",
        "cheaper-elsewhere",
        "refund",
        "deposit-advance",
        "pay-in-kind",
        "billable-hours",
        "contract",
        "change-order",
        "free-work",
        "exposure",
        "platform",
        "files-ownership",
        "freelancer-role",
    )
)
# Asked of a friend or a relative (not of a boss or a colleague), changes and deliveries are work done for them
# too ("my neighbour wants the photos redone"); the scope gate still judges the message.
PERSONAL_WORK_CONCEPTS = frozenset(("revisions", "redo-rework", "scope-extra", "deliverable"))
WORKPLACE_CONCEPT = "employee-workplace"
_FREE = re.compile(r"\b(?:for free|free of charge|gratis|de franc|ilmaiseksi|ilmaiseks)\b")
# Work the writer does for them: "asked me to design", "me encargó", "li faig les fotos", "tilasi minulta".
_COMMISSIONED = re.compile(
    r"\b(?:wants|wanted|asked|hired|paid|needs|booked) me to\b|\bi (?:made|built|designed|shot|did|do|manage|run|"
    r"edit|write|translate) (?:\w+ ){0,4}for (?:her|him|them|his|their)\b|"
    r"\bme encargo\b|\bque le haga\b|\ble (?:hago|hice|monte|llevo|gestiono)\b|\bgestiono\b|"
    r"\bem va encarregar\b|\bque li faci\b|\bli (?:faig|vaig fer|porto|gestiono)\b|"
    r"\btilasi minulta\b|\bhaluaa minun tekevan\b|\bhoidan\b|\btein (?:hanelle|heille)\b"
)
# The writer was hired: whoever did it is a client, whatever else the message says ("my friend's bakery hired
# me", "mi vecina me encargó la web", "kaverini tilasi minulta kotisivut").
_HIRED_ME = re.compile(
    r"\b(?:hired|commissioned|contracted) me\b|\bpaid me to\b|\bme (?:encargo|encargaron)\b|"
    r"\bem va encarregar\b|\bem van encarregar\b|"
    r"\b(?:tilasi|tilasivat) minulta\b|\bpalkkasi(?:vat)? minut\b"
)
_RELATION = re.compile("|".join(f"(?:{p})" for p in _RELATION_PATTERNS))
_CUSTOMER = re.compile("|".join(f"(?:{p})" for p in _CUSTOMER_PATTERNS))
_CLIENT = re.compile(
    r"\b(?:clients?|customers?|clientes?|clienta|clientas|asiak\w*|toimeksiantaj\w*|tilaaj\w*|"
    r"agency|agencia|agencies|agencias|contract for)\b"
)
Role = Literal["relation", "customer"]


@dataclass(frozen=True)
class Counterpart:
    """Who the message says the other person is, read once per message."""

    # "customer" when the writer hired the other person, "relation" when it is someone in their own life, None
    # when the message names neither, or names a client too ("my boss wants me to drop this client").
    role: Role | None
    # The writer says someone hired or commissioned them: that someone is a client.
    hired: bool
    # Work the writer does for the other person: free, commissioned or managed for them.
    works_for_them: bool


def read_counterpart(text: str) -> Counterpart:
    folded = fold_accents(text.casefold())
    role: Role | None = None
    if not _CLIENT.search(folded):
        role = "customer" if _CUSTOMER.search(folded) else "relation" if _RELATION.search(folded) else None
    return Counterpart(
        role=role,
        hired=_HIRED_ME.search(folded) is not None,
        works_for_them=_FREE.search(folded) is not None or _COMMISSIONED.search(folded) is not None,
    )
